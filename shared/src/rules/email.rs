//! Email addresses: trimmed, without a `mailto:` prefix, lower-case, and
//! of the form `local@domain.tld`.

use email_address::{EmailAddress, Options};

use crate::error::ErrorCode;
use crate::rules::{check_length, non_empty, FieldError, FieldResult};

/// Longest accepted address, in characters.
pub const MAX_EMAIL_CHARS: usize = 255;

const MAILTO: &str = "mailto:";

/// Normalizes one email address.
pub fn normalize(text: &str) -> FieldResult {
    let Some(mut address) = non_empty(text) else {
        return Ok(None);
    };
    if address
        .get(..MAILTO.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(MAILTO))
    {
        address = address.get(MAILTO.len()..).unwrap_or_default();
        let Some(rest) = non_empty(address) else {
            return Err(invalid());
        };
        address = rest;
    }
    let address = address.to_lowercase();
    check_length(&address, "the email address", MAX_EMAIL_CHARS)?;
    if !is_plain_address(&address) {
        return Err(invalid());
    }
    Ok(Some(address))
}

fn invalid() -> FieldError {
    FieldError::new(
        ErrorCode::InvalidEmail,
        "the email address is not of the form name@example.com: correct it or leave the cell empty",
    )
}

/// Whether an address is a bare `local@domain.tld` address: valid by
/// RFC 5322 as the `email_address` crate checks it, without display name,
/// quoted local part or domain literal, and with a top-level domain of at
/// least two letters.
fn is_plain_address(address: &str) -> bool {
    let options = Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        allow_long_local_parts: false,
    };
    if address.contains('"') || EmailAddress::parse_with_options(address, options).is_err() {
        return false;
    }
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let top_level = domain.rsplit('.').next().unwrap_or_default();
    let is_ace = top_level.starts_with("xn--") && top_level.len() > 4;
    is_ace || (top_level.chars().count() >= 2 && top_level.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn normalize_accepts_and_cleans() {
        let cases = [
            ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
            ("ian.black@example.org\u{a0}", "ian.black@example.org"),
            ("mailto:Sam.Lee@example.net", "sam.lee@example.net"),
            ("MAILTO:sam@example.net", "sam@example.net"),
            ("tom.ruiz@example.com\t", "tom.ruiz@example.com"),
            ("\u{200b}zoe@example.org\u{feff}", "zoe@example.org"),
            ("gareth.price+20@example.com", "gareth.price+20@example.com"),
            ("a@b.co.uk", "a@b.co.uk"),
            ("user@example.xn--p1ai", "user@example.xn--p1ai"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), Ok(Some(expected.to_owned())), "{input:?}");
        }
    }

    #[test]
    fn normalize_rejects_malformed() {
        let cases = [
            "jane@@example.com",
            "no-at-sign.example.com",
            "cara.doyle.example.com",
            "jane@localhost",
            "jane@example.c",
            "jane@example.123",
            "Jane <jane@example.com>",
            "\"jane doe\"@example.com",
            "jane doe@example.com",
            "jane@[192.0.2.1]",
            "mailto:",
            "@example.com",
        ];
        for input in cases {
            let error = normalize(input).expect_err(input);
            assert_eq!(error.code, ErrorCode::InvalidEmail, "{input:?}");
        }
    }

    #[test]
    fn normalize_treats_blank_as_empty() {
        assert_eq!(normalize(""), Ok(None));
        assert_eq!(normalize("   "), Ok(None));
        assert_eq!(normalize("\u{a0}\t"), Ok(None));
    }

    #[test]
    fn normalize_rejects_long_address() {
        let address = format!("{}@example.com", "a".repeat(250));
        assert_eq!(normalize(&address).unwrap_err().code, ErrorCode::TooLong);
    }
}
