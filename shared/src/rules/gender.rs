//! Gender: `MALE` or `FEMALE`.

use crate::error::ErrorCode;
use crate::rules::{non_empty, FieldError, FieldResult};

/// Spellings read as `MALE`, lower-case: English, German, French, Spanish
/// and Italian words and their usual abbreviations and salutations.
const MALE: [&str; 14] = [
    "m",
    "male",
    "man",
    "mr",
    "mr.",
    "herr",
    "männlich",
    "maennlich",
    "homme",
    "h",
    "hombre",
    "masculino",
    "maschio",
    "uomo",
];

/// Spellings read as `FEMALE`, lower-case.
const FEMALE: [&str; 18] = [
    "f", "female", "woman", "mrs", "mrs.", "ms", "ms.", "frau", "w", "weiblich", "femme", "mme",
    "mujer", "femenino", "femmina", "donna", "miss", "madame",
];

/// Placeholders that exporters write where no gender is set, lower-case,
/// read as an empty cell. Outlook's CSV export writes `Unspecified` for
/// every contact without one. A value such as `unknown` that a person typed
/// stays an error, so that they see it.
const NOT_SET: [&str; 5] = [
    "unspecified",
    "not specified",
    "keine angabe",
    "non spécifié",
    "no especificado",
];

/// Normalizes a gender value.
pub fn normalize(text: &str) -> FieldResult {
    let Some(value) = non_empty(text) else {
        return Ok(None);
    };
    let lower = value.to_lowercase();
    if NOT_SET.contains(&lower.as_str()) {
        return Ok(None);
    }
    if MALE.contains(&lower.as_str()) {
        return Ok(Some("MALE".to_owned()));
    }
    if FEMALE.contains(&lower.as_str()) {
        return Ok(Some("FEMALE".to_owned()));
    }
    Err(FieldError::new(
        ErrorCode::InvalidGender,
        "the gender is neither male nor female (such as M, F, male, female): \
         correct it or leave the cell empty",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn normalize_cases() {
        let cases = [
            ("M", Some("MALE")),
            ("male", Some("MALE")),
            ("MALE", Some("MALE")),
            ("Herr", Some("MALE")),
            ("F", Some("FEMALE")),
            ("Female", Some("FEMALE")),
            ("FEMALE", Some("FEMALE")),
            ("w", Some("FEMALE")),
            ("Frau", Some("FEMALE")),
            ("Mrs.", Some("FEMALE")),
            ("", None),
            ("Unspecified", None),
            ("Keine Angabe", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize(input),
                Ok(expected.map(str::to_owned)),
                "{input:?}"
            );
        }
        assert_eq!(normalize("x").unwrap_err().code, ErrorCode::InvalidGender);
        assert_eq!(
            normalize("unknown").unwrap_err().code,
            ErrorCode::InvalidGender
        );
    }
}
