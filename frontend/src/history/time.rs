//! Times of the import history in the browser's local time zone, and
//! import durations.
//!
//! The server sends RFC 3339 UTC times. [`parse_millis`] and the functions
//! that take milliseconds call the browser's `Date`, so they only work in
//! the browser; the text formats below them are plain Rust.

use js_sys::Date;
use wasm_bindgen::JsValue;

/// Milliseconds in one day.
const DAY_MILLIS: f64 = 86_400_000.0;

/// Parses an RFC 3339 time into milliseconds since the Unix epoch, or
/// returns `None` when the browser cannot read it.
pub fn parse_millis(timestamp: &str) -> Option<f64> {
    let millis = Date::parse(timestamp);
    millis.is_finite().then_some(millis)
}

/// Formats an RFC 3339 time as `YYYY-MM-DD HH:MM` in the browser's time
/// zone. Text the browser cannot read is returned unchanged.
pub fn format_local_time(timestamp: &str) -> String {
    let Some(millis) = parse_millis(timestamp) else {
        return timestamp.to_owned();
    };
    let date = Date::new(&JsValue::from_f64(millis));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Returns the number of the local calendar day that contains `millis`,
/// counted in days since 1970-01-01 in the browser's time zone.
pub fn local_day(millis: f64) -> i64 {
    let offset_minutes = Date::new(&JsValue::from_f64(millis)).get_timezone_offset();
    ((millis - offset_minutes * 60_000.0) / DAY_MILLIS).floor() as i64
}

/// Returns the number of today's local calendar day, as [`local_day`]
/// counts it.
pub fn today() -> i64 {
    local_day(Date::now())
}

/// Returns the whole seconds from `started_at` to `finished_at`, or `None`
/// when either time is missing or unreadable. A finish before the start
/// counts as 0 seconds.
pub fn duration_seconds(started_at: &str, finished_at: Option<&str>) -> Option<u64> {
    let started = parse_millis(started_at)?;
    let finished = parse_millis(finished_at?)?;
    Some(((finished - started) / 1000.0).round().max(0.0) as u64)
}

/// Formats a duration as `12 s`, `3 min 4 s` or `2 h 5 min`.
pub fn format_duration(seconds: u64) -> String {
    let hours = seconds / 3600;
    let minutes = seconds % 3600 / 60;
    let rest = seconds % 60;
    match (hours, minutes, rest) {
        (0, 0, _) => format!("{rest} s"),
        (0, _, 0) => format!("{minutes} min"),
        (0, _, _) => format!("{minutes} min {rest} s"),
        (_, 0, _) => format!("{hours} h"),
        (_, _, _) => format!("{hours} h {minutes} min"),
    }
}

/// Returns the calendar date `(year, month, day)` of a day number as
/// [`local_day`] counts it, with Howard Hinnant's `civil_from_days`
/// algorithm for the proleptic Gregorian calendar.
pub fn civil_date(day: i64) -> (i64, u32, u32) {
    let shifted = day + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day_of_month = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day_of_month)
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_day(day: i64) -> String {
    let (year, month, day_of_month) = civil_date(day);
    format!("{year:04}-{month:02}-{day_of_month:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_below_a_minute() {
        assert_eq!(format_duration(0), "0 s");
        assert_eq!(format_duration(12), "12 s");
    }

    #[test]
    fn duration_in_minutes() {
        assert_eq!(format_duration(60), "1 min");
        assert_eq!(format_duration(184), "3 min 4 s");
    }

    #[test]
    fn duration_in_hours() {
        assert_eq!(format_duration(3600), "1 h");
        assert_eq!(format_duration(2 * 3600 + 5 * 60 + 9), "2 h 5 min");
    }

    #[test]
    fn civil_date_of_known_days() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(-1), (1969, 12, 31));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(20_791), (2026, 12, 4));
    }

    #[test]
    fn day_is_zero_padded() {
        assert_eq!(format_day(20_791), "2026-12-04");
        assert_eq!(format_day(0), "1970-01-01");
    }
}
