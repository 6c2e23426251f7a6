//! Property tests of the field rules: a value a rule gives back passes
//! the same rule unchanged. proptest does not build for wasm32.

use proptest::prelude::*;

use crate::rules::date::DateFormat;
use crate::rules::{date, email, gender, language, name, phone, tags, text};

/// Asserts that a rule gives back any value it produced unchanged.
fn assert_idempotent(
    input: &str,
    rule: impl Fn(&str) -> crate::rules::FieldResult,
) -> Result<(), TestCaseError> {
    if let Ok(Some(value)) = rule(input) {
        prop_assert_eq!(rule(&value), Ok(Some(value.clone())), "input {:?}", input);
    }
    Ok(())
}

proptest! {
    #[test]
    fn email_normalization_is_idempotent(
        input in "[ \t\u{a0}]{0,2}(mailto:|MAILTO:)?[A-Za-z0-9._+Ä-]{0,12}@{0,2}[A-Za-z0-9.-]{0,12}(\\.[A-Za-z]{0,4})?[ \t\u{a0}\u{200b}]{0,2}",
    ) {
        assert_idempotent(&input, email::normalize)?;
    }

    #[test]
    fn phone_normalization_is_idempotent(
        input in "[+]?[0-9 ()./-]{0,20}",
        region in prop::sample::select(vec!["GB", "DE", "US", "FR", "JP"]),
    ) {
        let region = phone::parse_region(region);
        if let Ok(Some(value)) = phone::normalize_text(&input, region) {
            prop_assert_eq!(phone::normalize_text(&value, None), Ok(Some(value.clone())));
            prop_assert_eq!(phone::normalize_text(&value, region), Ok(Some(value.clone())));
        }
    }

    #[test]
    fn numeric_phone_gives_normalized_value(
        number in 0u64..100_000_000_000_000,
        region in prop::sample::select(vec!["GB", "DE", "US"]),
    ) {
        if let Ok(Some(value)) = phone::normalize_number(number as f64, phone::parse_region(region)) {
            prop_assert_eq!(phone::normalize_text(&value, None), Ok(Some(value.clone())));
        }
    }

    #[test]
    fn date_normalization_is_idempotent(
        input in "[0-9]{1,4}[./ -][0-9]{1,2}[./-][0-9]{1,4}( 00:00(:00)?)?",
        option in prop::sample::select(vec!["DD.MM.YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "D.M.YY"]),
    ) {
        if let Ok(Some(value)) = date::normalize_text(&input, DateFormat::parse(option)) {
            prop_assert_eq!(date::normalize_iso(&value), Ok(Some(value.clone())));
        }
    }

    #[test]
    fn text_rules_are_idempotent(input in "\\PC{0,40}") {
        assert_idempotent(&input, |value| name::normalize(value, "name"))?;
        assert_idempotent(&input, gender::normalize)?;
        assert_idempotent(&input, language::normalize)?;
        assert_idempotent(&input, text::normalize_external_id)?;
        assert_idempotent(&input, |value| text::normalize_limited(value, "city", 50))?;
        assert_idempotent(&input, email::normalize)?;
    }

    #[test]
    fn tags_split_is_idempotent(input in "[a-z ;,]{0,30}", delimiter in prop::sample::select(vec![";", ",", ":::"])) {
        let once = tags::split(&input, delimiter);
        let again = tags::split(&once.join(delimiter), delimiter);
        prop_assert_eq!(once, again);
    }
}
