//! The analysis step: the "Analyze" button, the progress indicator while
//! the worker runs, and the record counts and first errors afterwards.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{Cell, ErrorCode, FieldKey, RecordError, SourceRow, Summary, Warning};

use crate::analysis_chart::summary_chart;
use crate::flow::{apply_row_edits, Analyzed, ImportFlow};
use crate::focus::focus_when_shown;
use crate::notice::Notices;
use crate::progress::ProgressLine;
use crate::scroll::TableScroll;

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
                disabled=move || running() || flow.reading.with(Option::is_some)
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
                                <ProgressLine
                                    label="Analysis progress"
                                    fraction=stage.fraction()
                                    text=stage.describe()
                                />
                                <button type="button" on:click=move |_| flow.cancel_analysis()>
                                    "Cancel"
                                </button>
                            }
                        })
                }}
            </div>
            <Show when=move || flow.analysis_cleared.get() && flow.analyzed.with(Option::is_none)>
                <p class="stale">
                    "The file was read again with the new choices, so the earlier analysis and \
                    any edited cells were cleared. Analyze it again."
                </p>
            </Show>
            {move || {
                flow.analyzed
                    .get()
                    .map(|analyzed| {
                        view! {
                            <Show when=move || !flow.analysis_is_current()>
                                <p class="stale">
                                    "The settings or the edited cells changed after this \
                                    analysis. Analyze again before importing."
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
    let cells = ErrorCells {
        columns: result.mapped_columns,
        headers: expect_context::<ImportFlow>()
            .preview
            .with_untracked(|preview| {
                preview
                    .as_ref()
                    .map(|preview| preview.headers.clone())
                    .unwrap_or_default()
            }),
    };
    let heading = NodeRef::<leptos::html::H3>::new();
    focus_when_shown(heading);
    view! {
        <h3 tabindex="-1" node_ref=heading>
            "Result of the analysis"
        </h3>
        <SummaryCounts summary=result.summary />
        {chart}
        <ErrorList errors=result.errors cells />
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

/// Label of the errors that concern a whole record rather than one field.
const WHOLE_RECORD: &str = "whole record";

/// Returns the distinct values of `key` over `errors`, sorted.
fn distinct(errors: &[RecordError], key: impl Fn(&RecordError) -> String) -> Vec<String> {
    let values: BTreeSet<String> = errors.iter().map(key).collect();
    values.into_iter().collect()
}

fn field_of(error: &RecordError) -> String {
    error
        .field
        .clone()
        .unwrap_or_else(|| WHOLE_RECORD.to_owned())
}

fn code_of(error: &RecordError) -> String {
    error.code.key().to_owned()
}

/// Returns the errors whose field and code match the filters; an empty
/// filter matches every error.
pub fn filter_errors(errors: &[RecordError], field: &str, code: &str) -> Vec<RecordError> {
    errors
        .iter()
        .filter(|error| field.is_empty() || field_of(error) == field)
        .filter(|error| code.is_empty() || code_of(error) == code)
        .cloned()
        .collect()
}

/// The columns of the error records that the error table offers to edit.
struct ErrorCells {
    /// Index and field of every mapped column.
    columns: Vec<(usize, FieldKey)>,
    headers: Vec<String>,
}

/// A cell of an error record that may fix the error.
#[derive(Clone, Debug, PartialEq)]
struct EditableCell {
    column: usize,
    header: String,
    /// The cell's text in the analysis, edits included.
    text: String,
}

impl ErrorCells {
    /// Returns the cells of `row` that `error` concerns: the column of its
    /// field, or for an error of the whole record its identifier columns.
    fn for_error(&self, error: &RecordError, row: &SourceRow) -> Vec<EditableCell> {
        let concerned = |key: &FieldKey| match &error.field {
            Some(field) => key.to_string() == *field,
            None => matches!(key, FieldKey::Standard(field) if field.is_identifier()),
        };
        self.columns
            .iter()
            .filter(|(_, key)| concerned(key))
            .map(|&(column, _)| EditableCell {
                column,
                header: self.headers.get(column).cloned().unwrap_or_default(),
                text: row.cells.get(column).map(Cell::text).unwrap_or_default(),
            })
            .collect()
    }
}

/// Renders the record errors with filters by field and by error code, the
/// first of them in a table where their cells can be edited, and a
/// download of the filtered errors as CSV.
#[component]
fn ErrorList(
    /// Every record error, in row order.
    errors: Vec<RecordError>,
    /// The cells of the error records.
    cells: ErrorCells,
) -> impl IntoView {
    if errors.is_empty() {
        return None;
    }
    let fields = distinct(&errors, field_of);
    let codes = distinct(&errors, code_of);
    let flow = expect_context::<ImportFlow>();
    let notices = expect_context::<Notices>();
    // Rows of the records with an error that comes from comparing records.
    let compared_rows: BTreeSet<u32> = errors
        .iter()
        .filter(|error| {
            matches!(
                error.code,
                ErrorCode::ConflictingIdentifiers | ErrorCode::TooManyContacts
            )
        })
        .map(|error| error.row)
        .collect();
    let compared_rows = StoredValue::new(compared_rows);
    let errors = StoredValue::new(errors);
    let cells = StoredValue::new(cells);
    let field = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let shown = Memo::new(move |_| {
        errors.with_value(|errors| filter_errors(errors, &field.get(), &code.get()))
    });
    // The worker sends the rows of the shown errors that did not come
    // with the analysis.
    Effect::new(move |_| {
        let rows = shown.with(|errors| {
            let first = errors.iter().take(ERRORS_SHOWN);
            first.map(|error| error.row).collect()
        });
        flow.load_error_rows(rows);
    });
    let filter = |id: &'static str,
                  label: &'static str,
                  options: Vec<String>,
                  value: RwSignal<String>| {
        view! {
            <div class="field-option">
                <label for=id>{label}</label>
                <select id=id on:change=move |event| value.set(event_target_value(&event))>
                    <option value="">"All"</option>
                    {options
                        .into_iter()
                        .map(|option| view! { <option value=option.clone()>{option.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
        }
    };
    Some(view! {
        <div class="error-filters">
            {filter("error-field-filter", "Filter by field", fields, field)}
            {filter("error-code-filter", "Filter by error code", codes, code)}
            <button type="button" on:click=move |_| shown.with_untracked(|errors| download_errors(errors))>
                "Download errors as CSV"
            </button>
            <button
                type="button"
                on:click=move |_| {
                    let errors = shown.get_untracked();
                    let headers = cells.with_value(|cells| cells.headers.clone());
                    spawn_local(download_error_records(flow, notices, headers, errors));
                }
            >
                "Download error records as CSV"
            </button>
        </div>
        <TableScroll label="Record errors">
            <table class="errors">
                <caption aria-live="polite">
                    {move || {
                        let total = shown.with(Vec::len);
                        if total > ERRORS_SHOWN {
                            format!("First {ERRORS_SHOWN} of {total} errors")
                        } else {
                            format!("Errors ({total})")
                        }
                    }}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Code"</th>
                        <th scope="col">"Problem"</th>
                        <th scope="col">"Value"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        shown
                            .get()
                            .into_iter()
                            .take(ERRORS_SHOWN)
                            .map(|error| {
                                let row = error.row;
                                let source_row = Memo::new(move |_| {
                                    flow.error_rows.with(|rows| rows.get(&row).cloned())
                                });
                                let across_records =
                                    compared_rows.with_value(|rows| rows.contains(&row));
                                view! {
                                    <tr>
                                        <td>{error.row}</td>
                                        <td>{field_of(&error)}</td>
                                        <td>{code_of(&error)}</td>
                                        <td>{error.message.clone()}</td>
                                        <td>
                                            {move || {
                                                let error = error.clone();
                                                match source_row.get() {
                                                    None => {
                                                        view! {
                                                            <span class="hint">"Loading the record's cells…"</span>
                                                        }
                                                            .into_any()
                                                    }
                                                    Some(None) => {
                                                        view! {
                                                            <span class="hint">
                                                                "The cells of this record are no longer available: \
                                                                analyze again to edit them."
                                                            </span>
                                                        }
                                                            .into_any()
                                                    }
                                                    Some(Some(source_row)) => {
                                                        let editable = cells
                                                            .with_value(|cells| cells.for_error(&error, &source_row));
                                                        view! { <CellEditor error editable across_records /> }
                                                            .into_any()
                                                    }
                                                }
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </TableScroll>
    })
}

/// Renders the inputs of the cells that an error concerns, and the result
/// of checking the record again after an edit.
#[component]
fn CellEditor(
    /// The error of the table row.
    error: RecordError,
    /// The cells to edit.
    editable: Vec<EditableCell>,
    /// Whether the record has an error that comes from comparing it with
    /// other records, which a check of one record on its own cannot repeat.
    across_records: bool,
) -> impl IntoView {
    let flow = expect_context::<ImportFlow>();
    let row = error.row;
    if editable.is_empty() {
        return view! { <span class="hint">"No mapped cell can fix this: correct the row in the file."</span> }
            .into_any();
    }
    let inputs = editable
        .into_iter()
        .map(|cell| {
            let column = cell.column;
            let label = format!("Row {row}, {}", cell.header);
            let shown = flow
                .edits
                .with_untracked(|edits| edits.get(&(row, column)).cloned())
                .unwrap_or(cell.text);
            view! {
                <input
                    type="text"
                    class="cell-edit"
                    aria-label=label
                    prop:value=shown
                    on:change=move |event| flow.edit_cell(row, column, event_target_value(&event))
                />
            }
        })
        .collect_view();
    let field = error.field.clone();
    let status = move || {
        flow.rechecked.with(|rechecked| {
            let errors = rechecked.get(&row)?;
            let (fixed, text) = recheck_status(errors, field.as_deref(), across_records);
            let class = if fixed { "fixed" } else { "still-wrong" };
            Some(view! { <span class=class>{text}</span> })
        })
    };

    view! {
        <div class="cell-editor">
            {inputs} <div aria-live="polite">{status}</div>
        </div>
    }
    .into_any()
}

/// Describes the check of a record after an edit of the cells of one of
/// its errors, of `field` (`None` for the whole record), given the errors
/// that the check found. Returns whether the error is fixed, and the text.
fn recheck_status(
    errors: &[RecordError],
    field: Option<&str>,
    across_records: bool,
) -> (bool, String) {
    let join = |errors: &[&RecordError]| {
        errors
            .iter()
            .map(|other| other.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let remaining: Vec<&RecordError> = errors
        .iter()
        .filter(|other| field.is_none() || other.field.as_deref() == field)
        .collect();
    if !remaining.is_empty() {
        return (false, join(&remaining));
    }
    if !errors.is_empty() {
        let all: Vec<&RecordError> = errors.iter().collect();
        let text = format!(
            "This value is valid now, but the record has other errors: {}",
            join(&all)
        );
        return (false, text);
    }
    let text = if across_records {
        "The record is valid on its own. Analyze again to check it against the other records."
    } else {
        "Valid now. Analyze again to import it."
    };
    (true, text.to_owned())
}

/// Offers `errors` as the download `errors.csv`, written in the browser
/// with the same formula neutralisation as the server's error report.
fn download_errors(errors: &[RecordError]) {
    offer_csv("errors.csv", shared::report::error_csv(errors));
}

/// Offers the records of `errors`, with their cells as the analysis read
/// them and the edits made since, as the download `error-records.csv`, to
/// be fixed in a spreadsheet and imported again. The worker sends the
/// rows. When it no longer has some, a notice names the fix and no file is
/// offered, so that no record goes missing from it.
async fn download_error_records(
    flow: ImportFlow,
    notices: Notices,
    headers: Vec<String>,
    errors: Vec<RecordError>,
) {
    let mut requested: Vec<u32> = errors.iter().map(|error| error.row).collect();
    requested.dedup();
    let mut records = match flow.fetch_error_rows(requested.clone()).await {
        Ok(records) => records,
        Err(failure) => {
            notices.show(failure.to_string());
            return;
        }
    };
    if records.len() < requested.len() {
        let missing = requested.len() - records.len();
        log::error!(
            "worker lacks {missing} of {} error rows for the download",
            requested.len()
        );
        notices.show(format!(
            "The cells of {missing} error records are no longer available, so the download \
             would miss them: analyze again, then download the error records."
        ));
        return;
    }
    flow.edits.with_untracked(|edits| {
        for record in &mut records {
            apply_row_edits(edits, record);
        }
    });
    offer_csv(
        "error-records.csv",
        shared::report::error_records_csv(&headers, &records, &errors),
    );
}

/// Offers the written CSV as a download named `name`, or logs why it
/// could not be written or offered.
fn offer_csv(name: &str, csv: Result<Vec<u8>, impl std::fmt::Display>) {
    let offered = csv
        .map_err(|error| wasm_bindgen::JsValue::from_str(&error.to_string()))
        .and_then(|csv| try_offer_download(name, &csv));
    if let Err(error) = offered {
        log::error!("download of {name} failed: {error:?}");
    }
}

fn try_offer_download(name: &str, csv: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;

    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download reads the URL after this handler returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ErrorCode;

    fn error(row: u32, field: Option<&str>, code: ErrorCode) -> RecordError {
        RecordError {
            row,
            field: field.map(str::to_owned),
            code,
            message: String::new(),
        }
    }

    #[test]
    fn recheck_status_names_what_remains() {
        let mut no_contact = error(2, None, ErrorCode::NoContact);
        no_contact.message = "no contact".into();
        let mut bad_email = error(2, Some("email"), ErrorCode::InvalidEmail);
        bad_email.message = "bad email".into();

        let (fixed, text) = recheck_status(&[], Some("email"), false);
        assert!(fixed);
        assert_eq!(text, "Valid now. Analyze again to import it.");
        let (fixed, text) = recheck_status(&[], None, true);
        assert!(fixed);
        assert!(text.contains("against the other records"), "{text}");
        let (fixed, text) = recheck_status(&[bad_email.clone()], Some("email"), false);
        assert!(!fixed);
        assert_eq!(text, "bad email");
        let (fixed, text) = recheck_status(&[no_contact.clone()], Some("email"), false);
        assert!(!fixed);
        assert_eq!(
            text,
            "This value is valid now, but the record has other errors: no contact"
        );
        let (fixed, text) = recheck_status(&[bad_email, no_contact], None, true);
        assert!(!fixed);
        assert_eq!(text, "bad email no contact");
    }

    #[test]
    fn filters_by_field_and_code() {
        let errors = [
            error(2, Some("email"), ErrorCode::InvalidEmail),
            error(3, Some("phone"), ErrorCode::InvalidPhone),
            error(4, None, ErrorCode::ConflictingIdentifiers),
            error(5, Some("email"), ErrorCode::TooLong),
        ];
        let rows = |field: &str, code: &str| -> Vec<u32> {
            filter_errors(&errors, field, code)
                .iter()
                .map(|error| error.row)
                .collect()
        };
        assert_eq!(rows("", ""), [2, 3, 4, 5]);
        assert_eq!(rows("email", ""), [2, 5]);
        assert_eq!(rows("email", "too_long"), [5]);
        assert_eq!(rows(WHOLE_RECORD, ""), [4]);
        assert_eq!(rows("", "invalid_phone"), [3]);
        assert_eq!(rows("phone", "invalid_email"), Vec::<u32>::new());
    }
}
