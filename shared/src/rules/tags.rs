//! Tags: one cell split at a delimiter into a list.

/// The delimiter of a tags column without a delimiter option.
pub const DEFAULT_TAG_DELIMITER: &str = ",";

/// Splits a tags cell into trimmed, non-empty tags in their order, each
/// kept once; case and inner spaces stay as they are.
pub fn split(text: &str, delimiter: &str) -> Vec<String> {
    let delimiter = if delimiter.is_empty() {
        DEFAULT_TAG_DELIMITER
    } else {
        delimiter
    };
    let mut tags: Vec<String> = Vec::new();
    for piece in text.split(delimiter) {
        let Some(tag) = crate::rules::non_empty(piece) else {
            continue;
        };
        if !tags.iter().any(|known| known == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn split_cases() {
        let cases: [(&str, &str, &[&str]); 7] = [
            (
                " vip ; newsletter;;  trade-fair 2024 ; ",
                ";",
                &["vip", "newsletter", "trade-fair 2024"],
            ),
            ("; ;  ", ";", &[]),
            ("", ";", &[]),
            ("Webinar;  Newsletter", ";", &["Webinar", "Newsletter"]),
            (
                "* myContacts ::: Clients",
                ":::",
                &["* myContacts", "Clients"],
            ),
            ("a, b, a", ",", &["a", "b"]),
            ("a,b", "", &["a", "b"]),
        ];
        for (input, delimiter, expected) in cases {
            assert_eq!(split(input, delimiter), expected, "{input:?}");
        }
    }
}
