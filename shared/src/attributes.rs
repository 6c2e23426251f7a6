//! Custom attributes: profile fields that a store defines with a name and a
//! type, and the rules that normalize their values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::ProfileDraft;
use crate::error::{ErrorCode, RecordError};

/// Longest text attribute value, in characters.
pub const MAX_TEXT_CHARS: usize = 4096;

/// Longest attribute name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The type of a custom attribute's values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// Text of at most [`MAX_TEXT_CHARS`] characters.
    #[default]
    Text,
    /// A finite decimal number, stored without exponent or trailing zeros.
    Number,
    /// `true` or `false`, read from the usual spellings.
    Boolean,
    /// An ISO `YYYY-MM-DD` calendar date.
    Date,
    /// A list of text items, stored as a JSON array.
    List,
}

impl AttributeType {
    /// The snake_case key used in the API and the store.
    pub fn key(self) -> &'static str {
        match self {
            AttributeType::Text => "text",
            AttributeType::Number => "number",
            AttributeType::Boolean => "boolean",
            AttributeType::Date => "date",
            AttributeType::List => "list",
        }
    }
}

/// A custom attribute as the store defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDefinition {
    pub name: String,
    pub attribute_type: AttributeType,
}

/// Checks an attribute name: 1 to [`MAX_NAME_CHARS`] lower-case letters,
/// digits and underscores, starting with a letter.
pub fn check_attribute_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    let mut letters = name.chars();
    let starts_with_letter = letters.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_is_valid = letters.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if chars == 0 || chars > MAX_NAME_CHARS || !starts_with_letter || !rest_is_valid {
        return Err(format!(
            "invalid attribute name {name:?}: use 1 to {MAX_NAME_CHARS} lower-case letters, \
             digits and underscores, starting with a letter"
        ));
    }
    Ok(())
}

/// Normalizes one attribute value to the form the store keeps.
///
/// `option` is the list delimiter for a list (default `,`). Returns
/// `Ok(None)` for an empty value, and the reason when the value does not
/// fit the type.
pub fn normalize_attribute(
    attribute_type: AttributeType,
    text: &str,
    option: Option<&str>,
) -> Result<Option<String>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    match attribute_type {
        AttributeType::Text => {
            let chars = trimmed.chars().count();
            if chars > MAX_TEXT_CHARS {
                return Err(format!(
                    "text of {chars} characters is longer than the {MAX_TEXT_CHARS} allowed"
                ));
            }
            Ok(Some(trimmed.to_owned()))
        }
        AttributeType::Number => normalize_number(trimmed).map(Some),
        AttributeType::Boolean => normalize_boolean(trimmed).map(Some),
        AttributeType::Date => normalize_date(trimmed).map(Some),
        AttributeType::List => normalize_list(trimmed, option),
    }
}

fn normalize_number(text: &str) -> Result<String, String> {
    let number: f64 = text
        .parse()
        .map_err(|_| "not a number: write digits with a dot as decimal separator".to_owned())?;
    if !number.is_finite() {
        return Err("not a finite number".into());
    }
    if number.fract() == 0.0 && number.abs() < 1e15 {
        return Ok(format!("{}", number as i64));
    }
    Ok(format!("{number}"))
}

fn normalize_boolean(text: &str) -> Result<String, String> {
    match text.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" => Ok("true".into()),
        "false" | "no" | "n" | "0" => Ok("false".into()),
        _ => Err("not a yes/no value: use true or false, yes or no, 1 or 0".into()),
    }
}

fn normalize_date(text: &str) -> Result<String, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|date| date.format("%Y-%m-%d").to_string())
        .map_err(|_| "not a calendar date in the form YYYY-MM-DD".into())
}

fn normalize_list(text: &str, option: Option<&str>) -> Result<Option<String>, String> {
    // A value already in stored form is a JSON array of strings.
    if let Ok(items) = serde_json::from_str::<Vec<String>>(text) {
        return Ok(list_json(items.iter().map(String::as_str)));
    }
    let delimiter = option.filter(|d| !d.is_empty()).unwrap_or(",");
    Ok(list_json(text.split(delimiter)))
}

fn list_json<'a>(items: impl Iterator<Item = &'a str>) -> Option<String> {
    let items: Vec<&str> = items
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    if items.is_empty() {
        return None;
    }
    serde_json::to_string(&items).ok()
}

/// Checks the custom attribute values of every profile against the store's
/// definitions: each attribute must be defined and each value must already
/// be in normalized form.
pub fn check_attribute_values(
    profiles: &[ProfileDraft],
    definitions: &BTreeMap<String, AttributeType>,
) -> Vec<RecordError> {
    let mut errors = Vec::new();
    for profile in profiles {
        let row = profile.rows.first().copied().unwrap_or(0);
        for (name, value) in &profile.values.custom {
            let field = Some(format!("{}{name}", crate::field::CUSTOM_PREFIX));
            let Some(&attribute_type) = definitions.get(name) else {
                errors.push(RecordError {
                    row,
                    field,
                    code: ErrorCode::InvalidValue,
                    message: format!(
                        "custom attribute {name:?} is not defined: define it on the \
                         Attributes page, then import again"
                    ),
                });
                continue;
            };
            let normalized = normalize_attribute(attribute_type, value, None);
            if normalized.as_ref().ok().and_then(Option::as_deref) != Some(value.as_str()) {
                let reason = normalized
                    .err()
                    .unwrap_or_else(|| "value is not normalized".into());
                errors.push(RecordError {
                    row,
                    field,
                    code: ErrorCode::InvalidValue,
                    message: format!("invalid {} value: {reason}", attribute_type.key()),
                });
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_normalize_by_type() {
        type Case<'a> = (
            AttributeType,
            &'a str,
            Option<&'a str>,
            Result<Option<&'a str>, ()>,
        );
        let cases: [Case; 14] = [
            (
                AttributeType::Text,
                "  Acme Ltd ",
                None,
                Ok(Some("Acme Ltd")),
            ),
            (AttributeType::Text, "   ", None, Ok(None)),
            (AttributeType::Number, "42", None, Ok(Some("42"))),
            (AttributeType::Number, "42.0", None, Ok(Some("42"))),
            (AttributeType::Number, "-3.25", None, Ok(Some("-3.25"))),
            (AttributeType::Number, "12abc", None, Err(())),
            (AttributeType::Number, "inf", None, Err(())),
            (AttributeType::Boolean, "Yes", None, Ok(Some("true"))),
            (AttributeType::Boolean, "0", None, Ok(Some("false"))),
            (AttributeType::Boolean, "maybe", None, Err(())),
            (
                AttributeType::Date,
                "2024-02-29",
                None,
                Ok(Some("2024-02-29")),
            ),
            (AttributeType::Date, "2023-02-29", None, Err(())),
            (
                AttributeType::List,
                "a; b;;c ",
                Some(";"),
                Ok(Some(r#"["a","b","c"]"#)),
            ),
            (
                AttributeType::List,
                r#"["a","b"]"#,
                None,
                Ok(Some(r#"["a","b"]"#)),
            ),
        ];
        for (attribute_type, text, option, expected) in cases {
            let result = normalize_attribute(attribute_type, text, option);
            let result = result.as_ref().map(|v| v.as_deref()).map_err(|_| ());
            assert_eq!(result, expected, "{attribute_type:?} {text:?}");
        }
    }

    #[test]
    fn normalized_values_stay_the_same() {
        for (attribute_type, text) in [
            (AttributeType::Number, "-3.25"),
            (AttributeType::Boolean, "true"),
            (AttributeType::List, r#"["x","y"]"#),
        ] {
            let once = normalize_attribute(attribute_type, text, None);
            assert_eq!(once, Ok(Some(text.to_owned())), "{attribute_type:?}");
        }
    }

    #[test]
    fn attribute_names_are_checked() {
        assert!(check_attribute_name("plz").is_ok());
        assert!(check_attribute_name("loyalty_tier_2").is_ok());
        assert!(check_attribute_name("").is_err());
        assert!(check_attribute_name("2fa").is_err());
        assert!(check_attribute_name("Company").is_err());
        assert!(check_attribute_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn undefined_and_invalid_values_are_errors() {
        let mut draft = ProfileDraft {
            rows: vec![4],
            ..ProfileDraft::default()
        };
        draft.values.custom.insert("plz".into(), "01067".into());
        draft.values.custom.insert("score".into(), "1e3".into());
        draft.values.custom.insert("unknown".into(), "x".into());
        let definitions = BTreeMap::from([
            ("plz".to_owned(), AttributeType::Text),
            ("score".to_owned(), AttributeType::Number),
        ]);
        let errors = check_attribute_values(&[draft], &definitions);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field.as_deref(), Some("custom:score"));
        assert_eq!(errors[0].row, 4);
        assert_eq!(errors[1].field.as_deref(), Some("custom:unknown"));
    }
}
