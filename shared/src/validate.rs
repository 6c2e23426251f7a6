//! The server's second check of profiles that a client sends.
//!
//! A client runs [`crate::analyze`] itself, so the server cannot trust the
//! drafts it receives. Every value must come back unchanged from its field
//! rule, which is what [`crate::analyze`] gives for any value it accepts.

use foldhash::{HashMap, HashMapExt};

use crate::analysis::{ProfileDraft, ProfileValues};
use crate::error::{ErrorCode, RecordError};
use crate::rules::text::{MAX_ADDRESS_CHARS, MAX_PLACE_CHARS};
use crate::rules::{date, email, gender, language, name, non_empty, phone, text, FieldResult};
use crate::MAX_ADDITIONAL_CONTACTS;

/// Checks that every value of every profile is in normalized form and
/// within its limits, that each profile has an identifier and at most
/// 1 + [`MAX_ADDITIONAL_CONTACTS`] emails and phones, and that no two
/// profiles share an identifier.
///
/// Each error names the first row of its profile (0 for a profile
/// without rows).
pub fn check_profiles(profiles: &[ProfileDraft]) -> Vec<RecordError> {
    let mut errors = Vec::new();
    let mut owners: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, profile) in profiles.iter().enumerate() {
        let row = profile.rows.first().copied().unwrap_or(0);
        let mut report = |field: Option<&str>, code: ErrorCode, message: String| {
            errors.push(RecordError {
                row,
                field: field.map(str::to_owned),
                code,
                message,
            });
        };
        let values = &profile.values;
        check_values(values, &mut report);

        let has_identifier =
            values.external_id.is_some() || !values.emails.is_empty() || !values.phones.is_empty();
        if !has_identifier {
            report(
                None,
                ErrorCode::NoContact,
                "the profile has no email, phone or external ID: add one of them".to_owned(),
            );
        }
        for (field, list) in [("email", &values.emails), ("phone", &values.phones)] {
            if list.len() > 1 + MAX_ADDITIONAL_CONTACTS {
                report(
                    Some(field),
                    ErrorCode::TooManyContacts,
                    format!(
                        "the profile has {} values of {field}, more than the {} allowed \
                         (a main one and {MAX_ADDITIONAL_CONTACTS} more)",
                        list.len(),
                        1 + MAX_ADDITIONAL_CONTACTS
                    ),
                );
            }
        }

        let identifiers = values
            .external_id
            .iter()
            .map(|id| ("external_id", id.as_str()))
            .chain(values.emails.iter().map(|email| ("email", email.as_str())))
            .chain(values.phones.iter().map(|phone| ("phone", phone.as_str())));
        for (field, value) in identifiers {
            let owner = *owners.entry((field, value)).or_insert(index);
            if owner != index {
                let other_row = profiles
                    .get(owner)
                    .and_then(|other| other.rows.first().copied())
                    .unwrap_or(0);
                report(
                    Some(field),
                    ErrorCode::ConflictingIdentifiers,
                    format!(
                        "the profile shares its {field} with the profile of row {other_row}: \
                         profiles with a common identifier must be one profile"
                    ),
                );
            }
        }
    }
    errors
}

type Report<'a> = dyn FnMut(Option<&str>, ErrorCode, String) + 'a;

/// A single-valued field: its key, its value and its rule.
type SingleField<'a> = (&'static str, &'a Option<String>, fn(&str) -> FieldResult);

/// Checks each value against its field rule.
fn check_values(values: &ProfileValues, report: &mut Report<'_>) {
    let singles: [SingleField; 10] = [
        (
            "external_id",
            &values.external_id,
            text::normalize_external_id,
        ),
        ("first_name", &values.first_name, |v| {
            name::normalize(v, "first name")
        }),
        ("last_name", &values.last_name, |v| {
            name::normalize(v, "last name")
        }),
        ("middle_name", &values.middle_name, |v| {
            name::normalize(v, "middle name")
        }),
        ("gender", &values.gender, gender::normalize),
        ("birth_date", &values.birth_date, date::normalize_iso),
        ("address", &values.address, |v| {
            text::normalize_limited(v, "address", MAX_ADDRESS_CHARS)
        }),
        ("city", &values.city, |v| {
            text::normalize_limited(v, "city", MAX_PLACE_CHARS)
        }),
        ("country", &values.country, |v| {
            text::normalize_limited(v, "country", MAX_PLACE_CHARS)
        }),
        (
            "preferred_language",
            &values.preferred_language,
            language::normalize,
        ),
    ];
    for (field, value, rule) in singles {
        if let Some(value) = value {
            check_one(field, value, rule(value), report);
        }
    }
    for value in &values.emails {
        check_one("email", value, email::normalize(value), report);
    }
    for value in &values.phones {
        check_one("phone", value, phone::normalize_text(value, None), report);
    }
    for value in &values.tags {
        let trimmed = non_empty(value).map(str::to_owned);
        check_one("tags", value, Ok(trimmed), report);
    }
    for (attribute, value) in &values.custom {
        let field = format!("custom:{attribute}");
        let trimmed = non_empty(value).map(str::to_owned);
        check_one(&field, value, Ok(trimmed), report);
    }
    for (field, list) in [
        ("email", &values.emails),
        ("phone", &values.phones),
        ("tags", &values.tags),
    ] {
        let repeated = list.iter().enumerate().any(|(index, value)| {
            list.get(..index)
                .is_some_and(|before| before.contains(value))
        });
        if repeated {
            report(
                Some(field),
                ErrorCode::InvalidValue,
                format!("the profile lists one {field} value twice: list each value once"),
            );
        }
    }
}

/// Reports a value that its rule rejects or changes.
fn check_one(field: &str, value: &str, normalized: FieldResult, report: &mut Report<'_>) {
    match normalized {
        Ok(Some(normalized)) if normalized == value => {}
        Ok(_) => report(
            Some(field),
            ErrorCode::InvalidValue,
            format!("the {field} value is not in normalized form: run the analysis again"),
        ),
        Err(error) => report(Some(field), error.code, error.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn draft(row: u32, values: ProfileValues) -> ProfileDraft {
        ProfileDraft {
            rows: vec![row],
            values,
        }
    }

    fn with_email(email: &str) -> ProfileValues {
        ProfileValues {
            emails: vec![email.to_owned()],
            ..ProfileValues::default()
        }
    }

    fn codes(errors: &[RecordError]) -> Vec<(u32, Option<&str>, ErrorCode)> {
        errors
            .iter()
            .map(|error| (error.row, error.field.as_deref(), error.code))
            .collect()
    }

    #[test]
    fn check_profiles_accepts_normalized() {
        let values = ProfileValues {
            external_id: Some("C-1".into()),
            first_name: Some("Chloé".into()),
            gender: Some("FEMALE".into()),
            birth_date: Some("1985-03-14".into()),
            city: Some("Leeds".into()),
            preferred_language: Some("pt-BR".into()),
            emails: vec!["a@example.com".into(), "b@example.org".into()],
            phones: vec!["+442079460101".into()],
            tags: vec!["vip".into()],
            custom: [("plz".to_owned(), "01067".to_owned())].into(),
            ..ProfileValues::default()
        };
        assert_eq!(check_profiles(&[draft(2, values)]), Vec::new());
    }

    #[test]
    fn check_profiles_rejects_unnormalized_values() {
        let cases: [(ProfileValues, &str, ErrorCode); 8] = [
            (
                with_email("A@Example.com"),
                "email",
                ErrorCode::InvalidValue,
            ),
            (with_email("not-an-email"), "email", ErrorCode::InvalidEmail),
            (
                ProfileValues {
                    phones: vec!["020 7946 0101".into()],
                    ..ProfileValues::default()
                },
                "phone",
                ErrorCode::InvalidPhone,
            ),
            (
                ProfileValues {
                    phones: vec!["+44 20 7946 0101".into()],
                    ..ProfileValues::default()
                },
                "phone",
                ErrorCode::InvalidValue,
            ),
            (
                ProfileValues {
                    birth_date: Some("1990-02-31".into()),
                    ..with_email("a@example.com")
                },
                "birth_date",
                ErrorCode::InvalidDate,
            ),
            (
                ProfileValues {
                    first_name: Some(" Ann ".into()),
                    ..with_email("a@example.com")
                },
                "first_name",
                ErrorCode::InvalidValue,
            ),
            (
                ProfileValues {
                    gender: Some("f".into()),
                    ..with_email("a@example.com")
                },
                "gender",
                ErrorCode::InvalidValue,
            ),
            (
                ProfileValues {
                    tags: vec!["vip".into(), "vip".into()],
                    ..with_email("a@example.com")
                },
                "tags",
                ErrorCode::InvalidValue,
            ),
        ];
        for (values, field, code) in cases {
            let errors = check_profiles(&[draft(5, values)]);
            assert_eq!(
                codes(&errors),
                vec![(5, Some(field), code)],
                "{field} {code:?}"
            );
        }
    }

    #[test]
    fn check_profiles_needs_identifier() {
        let values = ProfileValues {
            first_name: Some("Ann".into()),
            ..ProfileValues::default()
        };
        let errors = check_profiles(&[draft(3, values)]);
        assert_eq!(codes(&errors), vec![(3, None, ErrorCode::NoContact)]);
    }

    #[test]
    fn check_profiles_limits_contacts() {
        let emails = (0..22).map(|n| format!("a{n}@example.com")).collect();
        let values = ProfileValues {
            emails,
            ..ProfileValues::default()
        };
        let errors = check_profiles(&[draft(2, values)]);
        assert_eq!(
            codes(&errors),
            vec![(2, Some("email"), ErrorCode::TooManyContacts)]
        );
    }

    #[test]
    fn check_profiles_rejects_shared_identifier() {
        let first = draft(2, with_email("a@example.com"));
        let second = draft(7, with_email("a@example.com"));
        let errors = check_profiles(&[first, second]);
        assert_eq!(
            codes(&errors),
            vec![(7, Some("email"), ErrorCode::ConflictingIdentifiers)]
        );
    }
}
