//! Person names: first, middle and last name.

use crate::error::ErrorCode;
use crate::rules::{check_length, non_empty, FieldError, FieldResult};

/// Longest accepted name, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// Characters a name may not contain, besides line breaks and other
/// control characters: the list the customer-profile store enforces.
pub const FORBIDDEN_NAME_CHARS: [char; 14] = [
    '&', '<', '>', '"', '/', '\\', ':', '(', ')', '{', '}', '=', ';', '#',
];

/// Normalizes one name: trimmed, at most [`MAX_NAME_CHARS`] characters,
/// without [`FORBIDDEN_NAME_CHARS`] and without line breaks.
pub fn normalize(text: &str, label: &str) -> FieldResult {
    let Some(name) = non_empty(text) else {
        return Ok(None);
    };
    check_length(name, label, MAX_NAME_CHARS)?;
    if name
        .chars()
        .any(|c| c.is_control() || FORBIDDEN_NAME_CHARS.contains(&c))
    {
        return Err(FieldError::new(
            ErrorCode::InvalidName,
            format!(
                "the {label} contains a line break or one of the characters {}: remove them",
                FORBIDDEN_NAME_CHARS.iter().collect::<String>()
            ),
        ));
    }
    Ok(Some(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn normalize_keeps_real_names() {
        let cases = [
            (" Chloé ", "Chloé"),
            ("O’Neill", "O’Neill"),
            ("Smith, Jr.", "Smith, Jr."),
            ("-2+3", "-2+3"),
            ("山田", "山田"),
            ("Nguyễn", "Nguyễn"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize(input, "name"),
                Ok(Some(expected.to_owned())),
                "{input:?}"
            );
        }
    }

    #[test]
    fn normalize_rejects_markup_and_breaks() {
        let cases = [
            "Tom & Jerry",
            "<b>Eve</b>",
            "a\\b",
            "{x}",
            "a;b",
            "#1",
            "Anna \"Annie\"",
            "+SUM(1,2)",
            "=HYPERLINK(x)",
            "a/b",
            "a:b",
            "Ann\nMarie",
        ];
        for input in cases {
            let error = normalize(input, "name").expect_err(input);
            assert_eq!(error.code, ErrorCode::InvalidName, "{input:?}");
        }
        let long = "a".repeat(256);
        assert_eq!(
            normalize(&long, "name").unwrap_err().code,
            ErrorCode::TooLong
        );
    }

    #[test]
    fn normalize_treats_blank_as_empty() {
        assert_eq!(normalize(" \u{a0} ", "name"), Ok(None));
    }
}
