//! Cell values as text: how numbers, booleans, dates and error cells of a
//! spreadsheet become the text that the field rules check.

use std::borrow::Cow;

use crate::error::ErrorCode;
use crate::rules::{non_empty, FieldError};
use crate::table::Cell;

/// Largest whole number a spreadsheet stores exactly: Excel keeps 15
/// significant digits, so a whole number of 16 or more digits has lost
/// its last digits.
const MAX_EXACT_WHOLE: f64 = 1e15;

/// Returns the `cell_error` error of a spreadsheet error value such as `#N/A`.
pub fn cell_error(label: &str) -> FieldError {
    FieldError::new(
        ErrorCode::CellError,
        format!(
            "the {label} cell holds a spreadsheet error value (such as #N/A or #REF!): \
             fix the formula or type the value"
        ),
    )
}

/// Returns the text of a cell as a spreadsheet shows it, trimmed, or
/// `None` for an empty cell.
///
/// Whole numbers come without `.0` or an exponent, booleans as `TRUE` or
/// `FALSE`, and date cells as ISO `YYYY-MM-DD`.
pub fn cell_text<'a>(cell: &'a Cell, label: &str) -> Result<Option<Cow<'a, str>>, FieldError> {
    Ok(match cell {
        Cell::Empty => None,
        Cell::Text(text) => non_empty(text).map(|text| Cow::Borrowed(without_formula_mark(text))),
        Cell::Number(number) => Some(Cow::Owned(format_number(*number))),
        Cell::Bool(true) => Some(Cow::Borrowed("TRUE")),
        Cell::Bool(false) => Some(Cow::Borrowed("FALSE")),
        Cell::Date(date) => non_empty(date).map(Cow::Borrowed),
        Cell::Error(_) => return Err(cell_error(label)),
    })
}

/// Drops the `'` that formula neutralization puts before a text starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return, as in the error
/// records download, so that a fixed download imports the values it
/// shows. Spreadsheets read the same `'` as a text marker in any file.
fn without_formula_mark(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// Formats a number as a spreadsheet's General format shows it, except
/// that whole numbers are written out in full instead of in exponent form.
pub fn format_number(number: f64) -> String {
    if !number.is_finite() {
        return number.to_string();
    }
    if number.fract() == 0.0 && number.abs() < 1e18 {
        // The range check keeps the cast exact: |number| < 2^63.
        return format!("{}", number as i64);
    }
    number.to_string()
}

/// A numeric cell read as a whole number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WholeNumber {
    /// The digits of a whole number that the spreadsheet stores exactly.
    Exact(String),
    /// A whole number of 16 or more digits, whose last digits are lost.
    PrecisionLost,
    /// A number with a fractional part, or not finite.
    NotWhole,
}

/// Reads a numeric cell as a whole number, for identifiers and phones.
pub fn whole_number(number: f64) -> WholeNumber {
    if !number.is_finite() || number.fract() != 0.0 {
        return WholeNumber::NotWhole;
    }
    if number.abs() >= MAX_EXACT_WHOLE {
        return WholeNumber::PrecisionLost;
    }
    WholeNumber::Exact(format!("{}", number as i64))
}

/// Returns whether a text is a number in exponent form, such as `4.91511E+12` or
/// `4,91511E+12`: the way a spreadsheet writes a long number it has
/// already rounded.
pub fn is_exponent_form(text: &str) -> bool {
    let text = text.trim();
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
    let (whole, fraction) = match mantissa.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits) && all_digits(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn cell_text_drops_formula_mark() {
        let text = |value: &str| {
            cell_text(&Cell::Text(value.into()), "value")
                .expect("text cell")
                .map(Cow::into_owned)
        };
        assert_eq!(text("'-5").as_deref(), Some("-5"));
        assert_eq!(text("'+vip").as_deref(), Some("+vip"));
        assert_eq!(text("'=SUM(1,2)").as_deref(), Some("=SUM(1,2)"));
        assert_eq!(text("'quoted").as_deref(), Some("'quoted"));
        assert_eq!(text("O'Brien").as_deref(), Some("O'Brien"));
    }

    #[test]
    fn format_number_cases() {
        let cases = [
            (4915112345678.0, "4915112345678"),
            (100234.0, "100234"),
            (-3.0, "-3"),
            (3.5, "3.5"),
            (0.1, "0.1"),
            (0.0, "0"),
        ];
        for (number, expected) in cases {
            assert_eq!(format_number(number), expected, "{number}");
        }
    }

    #[test]
    fn whole_number_cases() {
        let cases = [
            (100239.0, WholeNumber::Exact("100239".into())),
            (
                999_999_999_999_999.0,
                WholeNumber::Exact("999999999999999".into()),
            ),
            (1e15, WholeNumber::PrecisionLost),
            (1234567890123456789.0, WholeNumber::PrecisionLost),
            (12.5, WholeNumber::NotWhole),
            (f64::NAN, WholeNumber::NotWhole),
        ];
        for (number, expected) in cases {
            assert_eq!(whole_number(number), expected, "{number}");
        }
    }

    #[test]
    fn exponent_form_cases() {
        let cases = [
            ("4.91511E+12", true),
            ("4,91511E+12", true),
            ("1E5", true),
            ("1.2e-3", true),
            ("4915112345678", false),
            ("E+12", false),
            ("4.E+12", false),
            ("+49 151 1234", false),
            ("Eve", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_exponent_form(text), expected, "{text}");
        }
    }

    #[test]
    fn cell_text_cases() {
        assert_eq!(cell_text(&Cell::Empty, "x"), Ok(None));
        assert_eq!(cell_text(&Cell::Text("  ".into()), "x"), Ok(None));
        assert_eq!(
            cell_text(&Cell::Text(" a ".into()), "x"),
            Ok(Some("a".into()))
        );
        assert_eq!(cell_text(&Cell::Number(7.0), "x"), Ok(Some("7".into())));
        assert_eq!(cell_text(&Cell::Bool(true), "x"), Ok(Some("TRUE".into())));
        let error = cell_text(&Cell::Error("#N/A".into()), "x").unwrap_err();
        assert_eq!(error.code, ErrorCode::CellError);
    }
}
