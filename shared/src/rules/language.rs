//! Preferred language: a BCP 47 language tag such as `en` or `pt-BR`.

use crate::error::ErrorCode;
use crate::rules::{non_empty, FieldError, FieldResult};

/// Language names people type in place of a tag, lower-case, with the
/// ISO 639-1 code each stands for.
const LANGUAGE_NAMES: [(&str, &str); 30] = [
    ("english", "en"),
    ("german", "de"),
    ("deutsch", "de"),
    ("french", "fr"),
    ("français", "fr"),
    ("francais", "fr"),
    ("spanish", "es"),
    ("español", "es"),
    ("espanol", "es"),
    ("italian", "it"),
    ("italiano", "it"),
    ("portuguese", "pt"),
    ("português", "pt"),
    ("dutch", "nl"),
    ("nederlands", "nl"),
    ("polish", "pl"),
    ("polski", "pl"),
    ("swedish", "sv"),
    ("svenska", "sv"),
    ("danish", "da"),
    ("dansk", "da"),
    ("finnish", "fi"),
    ("suomi", "fi"),
    ("norwegian", "no"),
    ("norsk", "no"),
    ("japanese", "ja"),
    ("chinese", "zh"),
    ("russian", "ru"),
    ("turkish", "tr"),
    ("greek", "el"),
];

/// Normalizes a language tag to its canonical case (`pt-BR`, `zh-Hant`,
/// `sr-Latn-RS`), with `_` read as `-`. A language name from a short list
/// of common ones (`English`, `Deutsch`) becomes its two-letter code.
pub fn normalize(text: &str) -> FieldResult {
    let Some(value) = non_empty(text) else {
        return Ok(None);
    };
    let lower = value.to_lowercase();
    if let Some((_, code)) = LANGUAGE_NAMES.iter().find(|(name, _)| *name == lower) {
        return Ok(Some((*code).to_owned()));
    }
    let mut subtags = lower.split(['-', '_']);
    let primary = subtags.next().unwrap_or_default();
    let is_primary =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    if !is_primary {
        return Err(invalid());
    }
    let mut tag = primary.to_owned();
    for subtag in subtags {
        let is_subtag =
            (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric());
        if !is_subtag {
            return Err(invalid());
        }
        tag.push('-');
        let is_script = subtag.len() == 4 && subtag.bytes().all(|b| b.is_ascii_alphabetic());
        let is_region = (subtag.len() == 2 && subtag.bytes().all(|b| b.is_ascii_alphabetic()))
            || (subtag.len() == 3 && subtag.bytes().all(|b| b.is_ascii_digit()));
        if is_script {
            let (first, rest) = subtag.split_at(1);
            tag.push_str(&first.to_ascii_uppercase());
            tag.push_str(rest);
        } else if is_region {
            tag.push_str(&subtag.to_ascii_uppercase());
        } else {
            tag.push_str(subtag);
        }
    }
    Ok(Some(tag))
}

fn invalid() -> FieldError {
    FieldError::new(
        ErrorCode::InvalidLanguage,
        "the preferred language is not a language tag (such as en, de or pt-BR): correct it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn normalize_cases() {
        let cases = [
            ("en", "en"),
            ("EN", "en"),
            ("pt_br", "pt-BR"),
            ("pt-BR", "pt-BR"),
            ("zh-hant", "zh-Hant"),
            ("sr-latn-rs", "sr-Latn-RS"),
            ("es-419", "es-419"),
            ("English", "en"),
            ("Deutsch", "de"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), Ok(Some(expected.to_owned())), "{input:?}");
        }
    }

    #[test]
    fn normalize_rejects_non_tags() {
        for input in [
            "e",
            "english language",
            "en--US",
            "12",
            "en-toolongsubtag",
            "Klingon",
        ] {
            let error = normalize(input).expect_err(input);
            assert_eq!(error.code, ErrorCode::InvalidLanguage, "{input:?}");
        }
    }
}
