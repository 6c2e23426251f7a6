//! The result of analysing a table against the settings: validated
//! records, errors, and the profiles the valid records form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{RecordError, Warning};
use crate::field::{ProfileField, CUSTOM_PREFIX};

/// Normalized field values of one record or one profile.
///
/// Single-valued fields are `None` when empty. Emails and phones keep their
/// order: the first one is the main contact of its type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// `MALE` or `FEMALE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// ISO `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// BCP 47 language tag such as `en` or `pt-BR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    /// Lower-case addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// E.164 numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Custom attribute values by attribute name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, String>,
}

/// One record of the file after validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Row number as a spreadsheet shows it.
    pub row: u32,
    pub valid: bool,
    /// The values that passed their field rules.
    pub values: ProfileValues,
}

/// One profile formed from valid records that share identifier values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDraft {
    /// Row numbers of the records that form the profile, ascending.
    pub rows: Vec<u32>,
    pub values: ProfileValues,
}

/// Record and profile counts of an analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Records below the header, blank rows not counted.
    pub data_rows: u32,
    pub valid_records: u32,
    pub error_records: u32,
    /// Profiles formed from the valid records.
    pub profiles: u32,
}

/// The full result of an analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub summary: Summary,
    /// Every error of every record, in row order.
    pub errors: Vec<RecordError>,
    pub warnings: Vec<Warning>,
    /// Every record, valid or not, in row order.
    pub records: Vec<Record>,
    /// Profiles formed from the valid records, in order of first row.
    pub profiles: Vec<ProfileDraft>,
}

/// Builds the JSON object of a record's normalized values, keyed by field
/// key: every built-in single-valued field as a string or `null`, `email`,
/// `phone` and `tags` as lists, and each custom attribute as
/// `custom:NAME`.
pub fn record_fields(values: &ProfileValues) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;

    let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::String);
    let list =
        |values: &[String]| Value::Array(values.iter().cloned().map(Value::String).collect());
    let mut fields = serde_json::Map::new();
    for field in ProfileField::ALL {
        let value = match field {
            ProfileField::ExternalId => text(&values.external_id),
            ProfileField::FirstName => text(&values.first_name),
            ProfileField::LastName => text(&values.last_name),
            ProfileField::MiddleName => text(&values.middle_name),
            ProfileField::Gender => text(&values.gender),
            ProfileField::BirthDate => text(&values.birth_date),
            ProfileField::Address => text(&values.address),
            ProfileField::City => text(&values.city),
            ProfileField::Country => text(&values.country),
            ProfileField::PreferredLanguage => text(&values.preferred_language),
            ProfileField::Tags => list(&values.tags),
            ProfileField::Phone => list(&values.phones),
            ProfileField::Email => list(&values.emails),
        };
        fields.insert(field.key().to_owned(), value);
    }
    for (name, value) in &values.custom {
        fields.insert(
            format!("{CUSTOM_PREFIX}{name}"),
            Value::String(value.clone()),
        );
    }
    fields
}
