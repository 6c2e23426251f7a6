//! The analysis step: the "Analyze" button, the progress indicator while
//! the worker runs, and the record counts and first errors afterwards.

use leptos::prelude::*;
use shared::{RecordError, Summary, Warning};

use crate::analysis_chart::summary_chart;
use crate::flow::{Analyzed, ImportFlow};

/// Number of record errors listed below the counts.
const ERRORS_SHOWN: usize = 20;

/// Renders the analysis of the whole file against the mapping.
#[component]
pub fn AnalysisStep() -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let running = move || flow.stage.get().is_some();
    view! {
        <section class="step" aria-labelledby="analyze-heading">
            <h2 id="analyze-heading">"Check the records"</h2>
            <p class="hint">
                "The analysis validates every row in this browser; nothing is sent to the \
                server before you confirm the import."
            </p>
            <button
                type="button"
                class="primary"
                disabled=move || running() || flow.reading.get()
                on:click=move |_| flow.analyze()
            >
                "Analyze"
            </button>
            <div class="status" role="status">
                {move || {
                    flow.stage
                        .get()
                        .map(|stage| {
                            view! {
                                <progress aria-label="Analysis progress"></progress>
                                <span>{stage.describe()}</span>
                                <button type="button" on:click=move |_| flow.cancel_analysis()>
                                    "Cancel"
                                </button>
                            }
                        })
                }}
            </div>
            {move || {
                flow.analyzed
                    .get()
                    .map(|analyzed| {
                        view! {
                            <Show when=move || !flow.analysis_is_current()>
                                <p class="stale">
                                    "The settings changed after this analysis. Analyze again \
                                    before importing."
                                </p>
                            </Show>
                            <AnalysisReport analyzed />
                        }
                    })
            }}
        </section>
    }
}

/// Renders the counts, first errors and first warnings of an analysis.
#[component]
fn AnalysisReport(
    /// The finished analysis.
    analyzed: Analyzed,
) -> impl IntoView {
    let result = analyzed.result;
    let chart = summary_chart(&result.summary, &result.errors);
    view! {
        <SummaryCounts summary=result.summary />
        {chart}
        <ErrorList errors=result.errors />
        <WarningList warnings=result.first_warnings total=result.warning_count />
    }
}

/// Renders the record and profile counts, each labelled for assistive
/// technology.
#[component]
fn SummaryCounts(
    /// Counts of the analysis.
    summary: Summary,
) -> impl IntoView {
    let counts = [
        ("data-rows", "Data rows", summary.data_rows),
        ("valid-records", "Valid records", summary.valid_records),
        ("error-records", "Error records", summary.error_records),
        ("profiles", "Profiles", summary.profiles),
    ];
    view! {
        <dl class="counts">
            {counts
                .into_iter()
                .map(|(id, label, count)| {
                    let label_id = format!("{id}-label");
                    view! {
                        <div>
                            <dt id=label_id.clone()>{label}</dt>
                            <dd aria-labelledby=label_id>{count}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// Renders the first record errors with their row numbers.
#[component]
fn ErrorList(
    /// Every record error, in row order.
    errors: Vec<RecordError>,
) -> impl IntoView {
    if errors.is_empty() {
        return None;
    }
    let total = errors.len();
    let more = total.saturating_sub(ERRORS_SHOWN);
    Some(view! {
        <div class="table-scroll">
            <table class="errors">
                <caption>
                    {if more > 0 {
                        format!("First {ERRORS_SHOWN} of {total} errors")
                    } else {
                        format!("Errors ({total})")
                    }}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Problem"</th>
                    </tr>
                </thead>
                <tbody>
                    {errors
                        .into_iter()
                        .take(ERRORS_SHOWN)
                        .map(|error| {
                            view! {
                                <tr>
                                    <td>{error.row}</td>
                                    <td>{error.field.unwrap_or_else(|| "whole record".to_owned())}</td>
                                    <td>{error.message}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    })
}

/// Renders the first warnings, which note values that are still imported.
#[component]
fn WarningList(
    /// The first warnings of the analysis.
    warnings: Vec<Warning>,
    /// Number of warnings of the whole analysis.
    total: usize,
) -> impl IntoView {
    if total == 0 {
        return None;
    }
    let shown = warnings.len();
    Some(view! {
        <details class="warnings">
            <summary>
                {if shown < total {
                    format!("Warnings (first {shown} of {total})")
                } else {
                    format!("Warnings ({total})")
                }}
            </summary>
            <ul>
                {warnings
                    .into_iter()
                    .map(|warning| {
                        let place = match warning.row {
                            Some(row) => format!("Row {row}: "),
                            None => String::new(),
                        };
                        view! { <li>{place} {warning.message}</li> }
                    })
                    .collect_view()}
            </ul>
        </details>
    })
}
