//! Birth dates: ISO `YYYY-MM-DD` from date cells or from text in a named
//! format. Impossible dates are errors and never roll over.

use chrono::NaiveDate;

use crate::error::ErrorCode;
use crate::rules::{non_empty, FieldError, FieldResult};

/// The order of day, month and year in a text date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    DayMonthYear,
    MonthDayYear,
    YearMonthDay,
}

/// The format of text dates in one column, such as `DD.MM.YYYY`.
///
/// Day and month may have one or two digits whatever the format shows, and
/// `.`, `/` and `-` are all accepted as separators. A `YY` year also
/// accepts four digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateFormat {
    pub order: DateOrder,
    pub two_digit_year: bool,
}

impl DateFormat {
    /// ISO 8601 calendar dates, `YYYY-MM-DD`.
    pub const ISO: DateFormat = DateFormat {
        order: DateOrder::YearMonthDay,
        two_digit_year: false,
    };

    /// Reads a format option made of `D`/`DD`, `M`/`MM` and `YY`/`YYYY`
    /// in some order, separated by `.`, `/`, `-` or spaces.
    pub fn parse(option: &str) -> Option<DateFormat> {
        let upper = option.trim().to_ascii_uppercase();
        let tokens: Vec<&str> = upper.split(SEPARATORS).collect();
        let kinds: Vec<char> = tokens
            .iter()
            .map(|token| match *token {
                "D" | "DD" => Some('D'),
                "M" | "MM" => Some('M'),
                "YY" | "YYYY" => Some('Y'),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let order = match kinds.as_slice() {
            ['D', 'M', 'Y'] => DateOrder::DayMonthYear,
            ['M', 'D', 'Y'] => DateOrder::MonthDayYear,
            ['Y', 'M', 'D'] => DateOrder::YearMonthDay,
            _ => return None,
        };
        let two_digit_year = tokens.contains(&"YY");
        Some(DateFormat {
            order,
            two_digit_year,
        })
    }
}

const SEPARATORS: [char; 4] = ['.', '/', '-', ' '];

/// Normalizes a text date.
///
/// Without a format only `YYYY-MM-DD` and day-first dates with dots
/// (`D.M.YYYY`) are read, because slash dates are day-first in some
/// countries and month-first in others. A date whose parts are all zero
/// (`0/0/00`, `00.00.0000`, `0000-00-00`) is how exporters write "no
/// date", so it is empty.
pub fn normalize_text(text: &str, format: Option<DateFormat>) -> FieldResult {
    let Some(text) = non_empty(text) else {
        return Ok(None);
    };
    let text = strip_time(text);

    let parts: Vec<&str> = text.split(['.', '/', '-']).collect();
    let [first, second, third] = parts.as_slice() else {
        return Err(invalid());
    };
    let all_digits = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(all_digits) {
        return Err(invalid());
    }
    if parts.iter().all(|part| part.bytes().all(|b| b == b'0')) {
        return Ok(None);
    }

    let format = match format {
        Some(format) => format,
        None if text.contains('.') => DateFormat {
            order: DateOrder::DayMonthYear,
            two_digit_year: false,
        },
        None if text.contains('-') => DateFormat::ISO,
        None => return Err(needs_format()),
    };

    let (year, month, day) = match format.order {
        DateOrder::DayMonthYear => (third, second, first),
        DateOrder::MonthDayYear => (third, first, second),
        DateOrder::YearMonthDay => (first, second, third),
    };
    if month.len() > 2 || day.len() > 2 {
        return Err(invalid());
    }
    let year = match (year.len(), format.two_digit_year) {
        (4, _) => number(year)?,
        (2, true) => expand_two_digit_year(number(year)?),
        _ => return Err(invalid()),
    };
    iso_date(year, number(month)?, number(day)?)
}

/// Normalizes the ISO date of a spreadsheet date cell.
pub fn normalize_iso(text: &str) -> FieldResult {
    normalize_text(text, Some(DateFormat::ISO))
}

/// Drops a time of day after the date (`1985-03-14 00:00:00` or
/// `1985-03-14T00:00`), which some exports add to every date.
fn strip_time(text: &str) -> &str {
    let Some(split) = text.find([' ', 'T']) else {
        return text;
    };
    let (date, time) = text.split_at(split);
    let time = time.get(1..).unwrap_or_default().trim();
    let is_time = !time.is_empty()
        && time.contains(':')
        && time
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.');
    if is_time {
        date.trim_end()
    } else {
        text
    }
}

/// Expands a two-digit year as Excel does by default: 00–29 are 2000–2029
/// and 30–99 are 1930–1999.
fn expand_two_digit_year(year: u32) -> u32 {
    if year < 30 {
        2000 + year
    } else {
        1900 + year
    }
}

fn number(part: &str) -> Result<u32, FieldError> {
    part.parse().map_err(|_| invalid())
}

fn iso_date(year: u32, month: u32, day: u32) -> FieldResult {
    let year = i32::try_from(year).map_err(|_| invalid())?;
    if !(1..=9999).contains(&year) {
        return Err(invalid());
    }
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)?;
    Ok(Some(date.format("%Y-%m-%d").to_string()))
}

fn invalid() -> FieldError {
    FieldError::new(
        ErrorCode::InvalidDate,
        "the date is not a real calendar date in the column's date format: \
         correct it or check the format option",
    )
}

fn needs_format() -> FieldError {
    FieldError::new(
        ErrorCode::InvalidDate,
        "the date could be day-first or month-first: set the column's date format \
         option (such as DD/MM/YYYY or MM/DD/YYYY)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn format(option: &str) -> Option<DateFormat> {
        Some(DateFormat::parse(option).expect(option))
    }

    #[test]
    fn normalize_text_reads_formats() {
        let cases = [
            ("DD.MM.YYYY", "14.03.1985", Some("1985-03-14")),
            ("DD.MM.YYYY", "29.02.1988", Some("1988-02-29")),
            ("DD/MM/YYYY", "29/02/2000", Some("2000-02-29")),
            ("DD/MM/YYYY", "13/12/1985", Some("1985-12-13")),
            ("DD/MM/YYYY", "01/01/1970", Some("1970-01-01")),
            ("MM/DD/YYYY", "12/13/1985", Some("1985-12-13")),
            ("M/D/YYYY", "3/14/1985", Some("1985-03-14")),
            ("M/D/YYYY", "0/0/00", None),
            ("YYYY-MM-DD", "1985-03-14", Some("1985-03-14")),
            ("YYYY-MM-DD", "0000-00-00", None),
            ("YYYY-MM-DD", "1985-03-14 00:00:00", Some("1985-03-14")),
            ("D.M.YY", "4.7.76", Some("1976-07-04")),
            ("D.M.YY", "1.1.05", Some("2005-01-01")),
            ("D.M.YY", "1.1.2005", Some("2005-01-01")),
            ("DD.MM.YYYY", "00.00.0000", None),
            ("DD.MM.YYYY", "  ", None),
        ];
        for (option, input, expected) in cases {
            let expected = expected.map(str::to_owned);
            assert_eq!(
                normalize_text(input, format(option)),
                Ok(expected),
                "{option} {input}"
            );
        }
    }

    #[test]
    fn normalize_text_rejects_impossible() {
        let cases = [
            ("DD/MM/YYYY", "31/02/1990"),
            ("DD/MM/YYYY", "29/02/2001"),
            ("DD/MM/YYYY", "31/04/1975"),
            ("DD/MM/YYYY", "12/13/1985"),
            ("DD/MM/YYYY", "1/1/85"),
            ("YYYY-MM-DD", "--07-22"),
            ("YYYY-MM-DD", "1985-3"),
            ("YYYY-MM-DD", "0000-01-01"),
            ("DD.MM.YYYY", "14.03.1985x"),
            ("DD.MM.YYYY", "yesterday"),
            ("DD.MM.YYYY", "123.1.1985"),
        ];
        for (option, input) in cases {
            let error = normalize_text(input, format(option)).expect_err(input);
            assert_eq!(error.code, ErrorCode::InvalidDate, "{option} {input}");
        }
    }

    #[test]
    fn normalize_text_without_format() {
        assert_eq!(
            normalize_text("1985-03-14", None),
            Ok(Some("1985-03-14".into()))
        );
        assert_eq!(
            normalize_text("14.3.1985", None),
            Ok(Some("1985-03-14".into()))
        );
        assert_eq!(normalize_text("0/0/00", None), Ok(None));
        assert!(normalize_text("03/04/1985", None).is_err());
    }

    #[test]
    fn parse_format_options() {
        let day_first = DateFormat {
            order: DateOrder::DayMonthYear,
            two_digit_year: false,
        };
        assert_eq!(DateFormat::parse("DD.MM.YYYY"), Some(day_first));
        assert_eq!(DateFormat::parse("dd/mm/yyyy"), Some(day_first));
        assert_eq!(DateFormat::parse("YYYY-MM-DD"), Some(DateFormat::ISO));
        assert!(DateFormat::parse("D.M.YY").is_some_and(|f| f.two_digit_year));
        assert_eq!(DateFormat::parse("DD.MM"), None);
        assert_eq!(DateFormat::parse("YYYY-DD-MM"), None);
        assert_eq!(DateFormat::parse("%d.%m.%Y"), None);
    }
}
