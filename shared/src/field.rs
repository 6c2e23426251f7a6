//! Profile fields that a file column can be mapped to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A built-in profile field of the customer-profile store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    ExternalId,
    FirstName,
    LastName,
    MiddleName,
    Gender,
    BirthDate,
    Address,
    City,
    Country,
    PreferredLanguage,
    Tags,
    Phone,
    Email,
}

impl ProfileField {
    /// Every built-in field, in the order the mapping step offers them.
    pub const ALL: [ProfileField; 13] = [
        ProfileField::Email,
        ProfileField::Phone,
        ProfileField::ExternalId,
        ProfileField::FirstName,
        ProfileField::MiddleName,
        ProfileField::LastName,
        ProfileField::Gender,
        ProfileField::BirthDate,
        ProfileField::Address,
        ProfileField::City,
        ProfileField::Country,
        ProfileField::PreferredLanguage,
        ProfileField::Tags,
    ];

    /// The snake_case key used in settings files and in the API.
    pub fn key(self) -> &'static str {
        match self {
            ProfileField::ExternalId => "external_id",
            ProfileField::FirstName => "first_name",
            ProfileField::LastName => "last_name",
            ProfileField::MiddleName => "middle_name",
            ProfileField::Gender => "gender",
            ProfileField::BirthDate => "birth_date",
            ProfileField::Address => "address",
            ProfileField::City => "city",
            ProfileField::Country => "country",
            ProfileField::PreferredLanguage => "preferred_language",
            ProfileField::Tags => "tags",
            ProfileField::Phone => "phone",
            ProfileField::Email => "email",
        }
    }

    /// The name people see in the mapping step.
    pub fn label(self) -> &'static str {
        match self {
            ProfileField::ExternalId => "External ID",
            ProfileField::FirstName => "First name",
            ProfileField::LastName => "Last name",
            ProfileField::MiddleName => "Middle name",
            ProfileField::Gender => "Gender",
            ProfileField::BirthDate => "Birth date",
            ProfileField::Address => "Address",
            ProfileField::City => "City",
            ProfileField::Country => "Country",
            ProfileField::PreferredLanguage => "Preferred language",
            ProfileField::Tags => "Tags",
            ProfileField::Phone => "Phone",
            ProfileField::Email => "Email",
        }
    }

    /// Whether a record may carry several values of this field (from several
    /// columns mapped to it).
    pub fn is_multi_valued(self) -> bool {
        matches!(
            self,
            ProfileField::Email | ProfileField::Phone | ProfileField::Tags
        )
    }

    /// Whether the field identifies a profile when matching and grouping.
    pub fn is_identifier(self) -> bool {
        matches!(
            self,
            ProfileField::Email | ProfileField::Phone | ProfileField::ExternalId
        )
    }
}

/// The target of a column mapping: a built-in field or a custom attribute.
///
/// In text form a custom attribute is `custom:NAME`, for example `custom:plz`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldKey {
    Standard(ProfileField),
    Custom(String),
}

/// The prefix that marks a custom attribute in a field key.
pub const CUSTOM_PREFIX: &str = "custom:";

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldKey::Standard(field) => f.write_str(field.key()),
            FieldKey::Custom(name) => write!(f, "{CUSTOM_PREFIX}{name}"),
        }
    }
}

/// The error returned for a field key that names no known field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile field `{0}`: use one of the built-in field keys or custom:NAME")]
pub struct UnknownField(pub String);

impl FromStr for FieldKey {
    type Err = UnknownField;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(name) = text.strip_prefix(CUSTOM_PREFIX) {
            let name = name.trim();
            if name.is_empty() {
                return Err(UnknownField(text.to_owned()));
            }
            return Ok(FieldKey::Custom(name.to_owned()));
        }
        ProfileField::ALL
            .into_iter()
            .find(|field| field.key() == text)
            .map(FieldKey::Standard)
            .ok_or_else(|| UnknownField(text.to_owned()))
    }
}

impl Serialize for FieldKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_key_round_trips_through_text() {
        for field in ProfileField::ALL {
            let key = FieldKey::Standard(field);
            assert_eq!(key.to_string().parse::<FieldKey>(), Ok(key));
        }
        let custom = FieldKey::Custom("plz".into());
        assert_eq!(custom.to_string(), "custom:plz");
        assert_eq!("custom:plz".parse::<FieldKey>(), Ok(custom));
    }

    #[test]
    fn field_key_rejects_unknown_names() {
        assert!("e-mail".parse::<FieldKey>().is_err());
        assert!("custom:".parse::<FieldKey>().is_err());
    }
}
