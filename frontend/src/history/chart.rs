//! The bar chart of imports per day on the "Import history" page, drawn as
//! SVG, with a table of the same numbers as its text alternative.

use leptos::prelude::*;
use shared::wire::ImportEntry;

use super::time::{civil_date, format_day, local_day, parse_millis, today};

/// Number of days the chart shows, today included. The server keeps the
/// imports of the last 14 days.
pub const CHART_DAYS: usize = 14;

/// Width of one day's slot in SVG user units.
const SLOT_WIDTH: f64 = 40.0;
/// Width of a bar in SVG user units.
const BAR_WIDTH: f64 = 26.0;
/// Height of the tallest bar in SVG user units.
const PLOT_HEIGHT: f64 = 120.0;
/// Space below the bars for the day labels, in SVG user units.
const LABEL_HEIGHT: f64 = 24.0;

/// Imports and their records of one local calendar day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayTotals {
    /// Day number as [`local_day`] counts it.
    pub day: i64,
    pub imports: u32,
    pub valid_records: u64,
    pub error_records: u64,
}

impl DayTotals {
    fn records(&self) -> u64 {
        self.valid_records + self.error_records
    }
}

/// Sums the imports of the `CHART_DAYS` days that end with `last_day`,
/// oldest day first. Each import is given as its start day and its valid
/// and error record counts; imports outside the range are left out.
pub fn daily_totals(
    last_day: i64,
    imports: impl IntoIterator<Item = (i64, u32, u32)>,
) -> Vec<DayTotals> {
    let first_day = last_day - (CHART_DAYS as i64 - 1);
    let mut days: Vec<DayTotals> = (first_day..=last_day)
        .map(|day| DayTotals {
            day,
            ..DayTotals::default()
        })
        .collect();
    for (day, valid, errors) in imports {
        let Ok(index) = usize::try_from(day - first_day) else {
            continue;
        };
        if let Some(totals) = days.get_mut(index) {
            totals.imports += 1;
            totals.valid_records += u64::from(valid);
            totals.error_records += u64::from(errors);
        }
    }
    days
}

/// Describes the chart in one sentence for screen readers.
pub fn chart_summary(days: &[DayTotals]) -> String {
    let imports: u32 = days.iter().map(|day| day.imports).sum();
    let valid: u64 = days.iter().map(|day| day.valid_records).sum();
    let errors: u64 = days.iter().map(|day| day.error_records).sum();
    let import_word = if imports == 1 { "import" } else { "imports" };
    format!(
        "Last {} days: {imports} {import_word} with {valid} valid and {errors} error records.",
        days.len()
    )
}

/// Renders the chart of the imports in `entries` by the local day they
/// started.
pub fn import_chart(entries: &[ImportEntry]) -> impl IntoView {
    let imports = entries.iter().filter_map(|entry| {
        let millis = parse_millis(&entry.started_at)?;
        Some((local_day(millis), entry.valid_records, entry.error_records))
    });
    let days = daily_totals(today(), imports);
    let summary = chart_summary(&days);
    let largest = days
        .iter()
        .map(DayTotals::records)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let width = SLOT_WIDTH * days.len() as f64;
    let height = PLOT_HEIGHT + LABEL_HEIGHT;
    let bars = days
        .iter()
        .enumerate()
        .map(|(index, totals)| day_bar(index, totals, largest))
        .collect_view();
    view! {
        <figure class="import-chart">
            <figcaption id="import-chart-summary">{summary}</figcaption>
            <svg
                viewBox=format!("0 0 {width} {height}")
                role="img"
                aria-labelledby="import-chart-summary"
            >
                <line class="axis" x1="0" y1=PLOT_HEIGHT x2=width y2=PLOT_HEIGHT />
                {bars}
            </svg>
            <p class="legend" aria-hidden="true">
                <span class="swatch valid"></span>
                "Valid records "
                <span class="swatch errors"></span>
                "Error records"
            </p>
            <details>
                <summary>"Records per day"</summary>
                {day_table(days)}
            </details>
        </figure>
    }
}

/// Renders one day's stacked bar, valid records below error records, and
/// its day label.
fn day_bar(index: usize, totals: &DayTotals, largest: f64) -> impl IntoView {
    let valid_height = PLOT_HEIGHT * totals.valid_records as f64 / largest;
    let error_height = PLOT_HEIGHT * totals.error_records as f64 / largest;
    let x = SLOT_WIDTH * index as f64 + (SLOT_WIDTH - BAR_WIDTH) / 2.0;
    let (_, month, day_of_month) = civil_date(totals.day);
    view! {
        <g>
            <rect
                class="bar-valid"
                x=x
                y=PLOT_HEIGHT - valid_height
                width=BAR_WIDTH
                height=valid_height
            />
            <rect
                class="bar-errors"
                x=x
                y=PLOT_HEIGHT - valid_height - error_height
                width=BAR_WIDTH
                height=error_height
            />
            <text
                x=x + BAR_WIDTH / 2.0
                y=PLOT_HEIGHT + LABEL_HEIGHT - 8.0
                text-anchor="middle"
            >
                {format!("{month:02}-{day_of_month:02}")}
            </text>
        </g>
    }
}

/// Renders the chart's numbers as a table.
fn day_table(days: Vec<DayTotals>) -> impl IntoView {
    view! {
        <table class="chart-data">
            <thead>
                <tr>
                    <th scope="col">"Day"</th>
                    <th scope="col">"Imports"</th>
                    <th scope="col">"Valid records"</th>
                    <th scope="col">"Error records"</th>
                </tr>
            </thead>
            <tbody>
                {days
                    .into_iter()
                    .rev()
                    .map(|totals| {
                        view! {
                            <tr>
                                <th scope="row">{format_day(totals.day)}</th>
                                <td>{totals.imports}</td>
                                <td>{totals.valid_records}</td>
                                <td>{totals.error_records}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_cover_fourteen_days() {
        let days = daily_totals(100, []);
        assert_eq!(days.len(), CHART_DAYS);
        assert_eq!(days[0].day, 87);
        assert_eq!(days[13].day, 100);
    }

    #[test]
    fn totals_sum_each_day() {
        let days = daily_totals(100, [(100, 5, 2), (100, 3, 0), (99, 1, 1)]);
        assert_eq!(days[13].imports, 2);
        assert_eq!(days[13].valid_records, 8);
        assert_eq!(days[13].error_records, 2);
        assert_eq!(days[12].imports, 1);
    }

    #[test]
    fn totals_skip_days_out_of_range() {
        let days = daily_totals(100, [(86, 5, 0), (101, 5, 0)]);
        assert!(days.iter().all(|day| day.imports == 0));
    }

    #[test]
    fn summary_counts_everything() {
        let days = daily_totals(100, [(100, 5, 2), (95, 3, 1)]);
        assert_eq!(
            chart_summary(&days),
            "Last 14 days: 2 imports with 8 valid and 3 error records."
        );
    }
}
