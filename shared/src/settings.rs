//! The choices a person makes before analysis: which rows to skip, how
//! columns map to profile fields, and how the file is read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attributes::AttributeType;
use crate::field::FieldKey;

/// The type given to profiles that an import creates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonType {
    #[default]
    Lead,
    Customer,
}

impl PersonType {
    /// The snake_case key used in the API and the store.
    pub fn key(self) -> &'static str {
        match self {
            PersonType::Lead => "lead",
            PersonType::Customer => "customer",
        }
    }
}

/// Analysis settings, in the JSON form that `people analyze --settings` reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Number of rows at the top of the file to ignore; row `skip_rows + 1`
    /// is the header row.
    #[serde(default)]
    pub skip_rows: usize,
    /// The type of profiles the import creates.
    #[serde(default)]
    pub person_type: PersonType,
    /// Column mappings, keyed by header text, or by 1-based column index
    /// when the key is made only of digits. Unmapped columns are not
    /// imported.
    #[serde(default)]
    pub mapping: BTreeMap<String, ColumnMapping>,
    /// How to read the file; every choice left empty is detected.
    #[serde(default, skip_serializing_if = "ReadChoices::is_detect_all")]
    pub read: ReadChoices,
    /// Types of the custom attributes, by name; a mapped custom attribute
    /// missing here is text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeType>,
}

/// The profile field one column is mapped to, with its field option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub field: FieldKey,
    /// Field option: for `phone` the ISO 3166 country used for numbers
    /// without an international prefix, for `birth_date` the format of text
    /// dates (such as `DD.MM.YYYY`), for `tags` the delimiter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
}

/// Overrides of what intake detects by itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadChoices {
    /// Field delimiter of a text file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// Text encoding label as the WHATWG Encoding Standard names it, such
    /// as `windows-1252` or `shift_jis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Worksheet name of a workbook; the first visible sheet when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl ReadChoices {
    /// Whether every choice is left to detection.
    pub fn is_detect_all(&self) -> bool {
        self == &ReadChoices::default()
    }
}
