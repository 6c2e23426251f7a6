//! Field rules: how one cell value of each profile field is checked and
//! brought into normalized form.
//!
//! Every rule returns `Ok(None)` for an empty value, `Ok(Some(value))` for
//! a normalized value, and a [`FieldError`] for a value it rejects. The
//! rules are idempotent: a normalized value passes its rule unchanged,
//! which is what the server's second check relies on.

pub mod cell;
pub mod date;
pub mod email;
pub mod gender;
pub mod language;
pub mod name;
pub mod phone;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
pub mod tags;
pub mod text;

use crate::error::ErrorCode;

/// Why a rule rejected a value: the code and a message that names the
/// problem and the fix without repeating the cell content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub code: ErrorCode,
    pub message: String,
}

impl FieldError {
    /// Creates a field error with its message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError {
            code,
            message: message.into(),
        }
    }

    /// Returns the `too_long` error of a value over `max` characters.
    pub fn too_long(label: &str, max: usize) -> Self {
        FieldError::new(
            ErrorCode::TooLong,
            format!("{label} is longer than {max} characters: shorten it"),
        )
    }
}

/// The outcome of a field rule for one value.
pub type FieldResult = Result<Option<String>, FieldError>;

/// Returns whether `c` is a character that editors and web pages leave around
/// copied text without it showing: white space (U+00A0 included), and the
/// zero-width space, joiners, word joiner and byte-order mark.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// Trims white space and invisible characters from both ends.
pub fn trim_invisible(text: &str) -> &str {
    text.trim_matches(is_invisible)
}

/// Returns `Some(text)` trimmed, or `None` when nothing is left.
pub fn non_empty(text: &str) -> Option<&str> {
    let trimmed = trim_invisible(text);
    (!trimmed.is_empty()).then_some(trimmed)
}

/// Checks a value against a maximum length counted in characters.
pub fn check_length(value: &str, label: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::too_long(label, max));
    }
    Ok(())
}
