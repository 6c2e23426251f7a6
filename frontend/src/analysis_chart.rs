//! The chart of an analysis summary, drawn as SVG: valid against error
//! records in one bar, and the record errors by reason.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::{ErrorCode, RecordError, Summary};

/// Width of the chart in SVG user units.
const WIDTH: f64 = 480.0;
/// Height of one bar in SVG user units.
const BAR_HEIGHT: f64 = 18.0;
/// Vertical space taken by one bar with its gap, in SVG user units.
const ROW_HEIGHT: f64 = 26.0;
/// Width kept left of the reason bars for their labels, in SVG user units.
const LABEL_WIDTH: f64 = 170.0;
/// Reasons drawn as their own bar; the rest are summed as "other".
const MAX_REASONS: usize = 6;

/// Counts the record errors by code, most frequent first, with ties in
/// code order. Codes past [`MAX_REASONS`] are summed into one entry with
/// the label "other".
pub fn error_reasons(errors: &[RecordError]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<ErrorCode, usize> = BTreeMap::new();
    for error in errors {
        *counts.entry(error.code).or_default() += 1;
    }
    let mut reasons: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(code, count)| (code.key().to_owned(), count))
        .collect();
    reasons.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    if reasons.len() > MAX_REASONS {
        let other: usize = reasons[MAX_REASONS - 1..]
            .iter()
            .map(|(_, count)| count)
            .sum();
        reasons.truncate(MAX_REASONS - 1);
        reasons.push(("other".to_owned(), other));
    }
    reasons
}

/// Describes the chart in one sentence for screen readers.
pub fn chart_description(summary: &Summary, reasons: &[(String, usize)]) -> String {
    let mut text = format!(
        "{} valid and {} error records.",
        summary.valid_records, summary.error_records
    );
    if !reasons.is_empty() {
        let listed: Vec<String> = reasons
            .iter()
            .map(|(reason, count)| format!("{reason} {count}"))
            .collect();
        text.push_str(&format!(" Errors by reason: {}.", listed.join(", ")));
    }
    text
}

/// Renders the chart of `summary` and of the reasons of `errors`.
pub fn summary_chart(summary: &Summary, errors: &[RecordError]) -> impl IntoView {
    let reasons = error_reasons(errors);
    let description = chart_description(summary, &reasons);
    let records = (summary.valid_records + summary.error_records).max(1) as f64;
    let valid_width = WIDTH * summary.valid_records as f64 / records;
    let largest = reasons.first().map_or(1, |(_, count)| *count).max(1) as f64;
    let height = ROW_HEIGHT * (1 + reasons.len()) as f64;
    let bars = reasons
        .into_iter()
        .enumerate()
        .map(|(index, (reason, count))| {
            let y = ROW_HEIGHT * (index + 1) as f64;
            let width = (WIDTH - LABEL_WIDTH - 40.0) * count as f64 / largest;
            view! {
                <text class="reason-label" x=LABEL_WIDTH - 8.0 y=y + BAR_HEIGHT - 5.0>
                    {reason}
                </text>
                <rect class="bar-errors" x=LABEL_WIDTH y=y width=width height=BAR_HEIGHT />
                <text class="reason-count" x=LABEL_WIDTH + width + 4.0 y=y + BAR_HEIGHT - 5.0>
                    {count}
                </text>
            }
        })
        .collect_view();
    view! {
        <figure class="summary-chart">
            <svg
                role="img"
                aria-label=description
                viewBox=format!("0 0 {WIDTH} {height}")
                preserveAspectRatio="xMinYMin meet"
            >
                <rect class="bar-valid" x="0" y="0" width=valid_width height=BAR_HEIGHT />
                <rect
                    class="bar-errors"
                    x=valid_width
                    y="0"
                    width=WIDTH - valid_width
                    height=BAR_HEIGHT
                />
                {bars}
            </svg>
            <figcaption class="legend" aria-hidden="true">
                <span class="swatch valid"></span>
                "Valid records "
                <span class="swatch errors"></span>
                "Error records, and errors by reason"
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: ErrorCode) -> RecordError {
        RecordError {
            row: 2,
            field: None,
            code,
            message: String::new(),
        }
    }

    #[test]
    fn reasons_count_by_code() {
        let errors = [
            error(ErrorCode::InvalidEmail),
            error(ErrorCode::InvalidPhone),
            error(ErrorCode::InvalidEmail),
        ];
        let reasons = error_reasons(&errors);
        assert_eq!(
            reasons,
            [
                ("invalid_email".to_owned(), 2),
                ("invalid_phone".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn reasons_past_limit_are_other() {
        let codes = [
            ErrorCode::InvalidEmail,
            ErrorCode::InvalidPhone,
            ErrorCode::PhonePrecisionLost,
            ErrorCode::InvalidName,
            ErrorCode::InvalidDate,
            ErrorCode::InvalidGender,
            ErrorCode::TooLong,
        ];
        let errors: Vec<RecordError> = codes.into_iter().map(error).collect();
        let reasons = error_reasons(&errors);
        assert_eq!(reasons.len(), MAX_REASONS);
        assert_eq!(reasons[MAX_REASONS - 1], ("other".to_owned(), 2));
        let total: usize = reasons.iter().map(|(_, count)| count).sum();
        assert_eq!(total, codes.len());
    }

    #[test]
    fn description_lists_reasons() {
        let summary = Summary {
            data_rows: 7,
            valid_records: 5,
            error_records: 2,
            profiles: 5,
        };
        let reasons = [("invalid_email".to_owned(), 2)];
        assert_eq!(
            chart_description(&summary, &reasons),
            "5 valid and 2 error records. Errors by reason: invalid_email 2."
        );
    }
}
