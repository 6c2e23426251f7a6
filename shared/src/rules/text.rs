//! Plain text fields: external ID, address, city and country.

use crate::error::ErrorCode;
use crate::rules::cell::is_exponent_form;
use crate::rules::{check_length, non_empty, FieldError, FieldResult};

/// Longest accepted external ID, in characters.
pub const MAX_EXTERNAL_ID_CHARS: usize = 256;
/// Longest accepted address, in characters.
pub const MAX_ADDRESS_CHARS: usize = 256;
/// Longest accepted city or country, in characters.
pub const MAX_PLACE_CHARS: usize = 50;

/// Normalizes an external ID: trimmed text, compared as it is.
///
/// An ID in exponent form (`1.23457E+15`) is a number a spreadsheet has
/// already rounded, so it is `precision_lost`.
pub fn normalize_external_id(text: &str) -> FieldResult {
    let Some(id) = non_empty(text) else {
        return Ok(None);
    };
    check_length(id, "the external ID", MAX_EXTERNAL_ID_CHARS)?;
    if is_exponent_form(id) {
        return Err(precision_lost("external ID"));
    }
    Ok(Some(id.to_owned()))
}

/// Returns the `precision_lost` error of a number a spreadsheet has rounded.
pub fn precision_lost(label: &str) -> FieldError {
    FieldError::new(
        ErrorCode::PrecisionLost,
        format!(
            "the {label} is a number with more than 15 digits or in exponent form, so the \
             spreadsheet has rounded it: format the column as text and export it again"
        ),
    )
}

/// Normalizes trimmed text with a maximum length; line breaks inside the
/// text are kept.
pub fn normalize_limited(text: &str, label: &str, max: usize) -> FieldResult {
    let Some(value) = non_empty(text) else {
        return Ok(None);
    };
    check_length(value, label, max)?;
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn external_id_cases() {
        assert_eq!(normalize_external_id(" C-2006 "), Ok(Some("C-2006".into())));
        assert_eq!(normalize_external_id("01067"), Ok(Some("01067".into())));
        assert_eq!(normalize_external_id(""), Ok(None));
        let rounded = normalize_external_id("1.23457E+15").unwrap_err();
        assert_eq!(rounded.code, ErrorCode::PrecisionLost);
        let long = normalize_external_id(&"x".repeat(257)).unwrap_err();
        assert_eq!(long.code, ErrorCode::TooLong);
    }

    #[test]
    fn limited_text_cases() {
        let address = normalize_limited("12 Example Street\nFlat 3", "address", 256);
        assert_eq!(address, Ok(Some("12 Example Street\nFlat 3".into())));
        assert_eq!(
            normalize_limited(&"x".repeat(50), "city", 50).map(|v| v.is_some()),
            Ok(true)
        );
        let long = normalize_limited(&"x".repeat(51), "city", 50).unwrap_err();
        assert_eq!(long.code, ErrorCode::TooLong);
    }
}
