//! The details view of one import: its settings and mapping, its counts,
//! its error records with the error report, and undo.

use gloo_net::http::Request;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::wire::{
    ImportDetails, ImportEntry, ImportStatus, OnMatch, TagChoice, UndoOutcome, UndoRequest,
};
use shared::{RecordError, Settings};

use super::status_text;
use super::time::{duration_seconds, format_duration, format_local_time};
use crate::api::{self, ApiFailure};
use crate::display::{format_bytes, person_type_label};
use crate::session::Session;

/// Number of error records the view lists; the error report has all.
const SHOWN_ERRORS: usize = 100;

/// Fetches an import with its settings and errors:
/// `GET /api/imports/{id}/details`.
async fn fetch_details(import_id: i64) -> Result<ImportDetails, ApiFailure> {
    api::get_json(&format!("/api/imports/{import_id}/details")).await
}

/// Undoes an import: `POST /api/imports/{id}/undo`. Without `confirm` the
/// server rejects the undo with 409 when later imports changed the same
/// profiles.
async fn undo_import(import_id: i64, confirm: bool) -> Result<UndoOutcome, ApiFailure> {
    let url = format!("/api/imports/{import_id}/undo");
    api::send_json(Request::post(&url), &UndoRequest { confirm }).await
}

/// Returns the server's message when it rejected an undo because later
/// imports changed the same profiles, so that the user can confirm it.
pub fn later_imports_message(failure: &ApiFailure) -> Option<String> {
    // NOTE: the server sends the code `conflict` for every 409, so the
    // message text is what tells this case from the others.
    match failure {
        ApiFailure::Rejected { status: 409, error } if error.message.contains("later imports") => {
            Some(capitalize(&error.message))
        }
        _ => None,
    }
}

/// Returns `text` with its first letter upper-case, for server messages
/// that start in lower case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Progress of an undo in the details view.
#[derive(Clone, Debug, PartialEq, Eq)]
enum UndoState {
    Idle,
    Sending,
    /// The server asks for confirmation, with its reason.
    NeedsConfirmation(String),
    Done(UndoOutcome),
    Failed(String),
}

/// Renders the details of one import.
#[component]
pub fn ImportDetailsPage(
    /// The import to show.
    import_id: i64,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let details = LocalResource::new(move || fetch_details(import_id));
    Effect::new(move |_| {
        if let Some(Err(failure)) = details.get() {
            session.check_failure(&failure);
        }
    });
    let undo = RwSignal::new(UndoState::Idle);
    let start_undo = move |confirm: bool| {
        undo.set(UndoState::Sending);
        spawn_local(async move {
            let state = match undo_import(import_id, confirm).await {
                Ok(outcome) => {
                    details.refetch();
                    UndoState::Done(outcome)
                }
                Err(failure) => match later_imports_message(&failure) {
                    Some(message) => UndoState::NeedsConfirmation(message),
                    None => {
                        session.check_failure(&failure);
                        log::warn!("undo of import {import_id} failed: {failure}");
                        UndoState::Failed(failure.to_string())
                    }
                },
            };
            undo.set(state);
        });
    };
    view! {
        <section aria-labelledby="details-heading">
            <p>
                <a href="#/history">"Back to the import history"</a>
            </p>
            <h2 id="details-heading">"Import details"</h2>
            <Transition fallback=move || view! { <p role="status">"Loading the import…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <div class="notice" role="alert">
                            {move || {
                                errors
                                    .get()
                                    .into_iter()
                                    .map(|(_, error)| view! { <p>{error.to_string()}</p> })
                                    .collect_view()
                            }}
                        </div>
                    }
                }>
                    {move || {
                        details
                            .get()
                            .map(|result| {
                                result.map(|details| details_view(details, undo, start_undo))
                            })
                    }}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// Renders the fetched details with the undo controls.
fn details_view(
    details: ImportDetails,
    undo: RwSignal<UndoState>,
    start_undo: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ImportDetails {
        entry,
        settings,
        choices,
        errors,
    } = details;
    let can_undo = entry.undone_at.is_none()
        && matches!(
            entry.status,
            ImportStatus::Completed | ImportStatus::CompletedWithErrors
        );
    let undone_note = entry.undone_at.as_deref().map(
        |time| view! { <p>{format!("This import was undone on {}.", format_local_time(time))}</p> },
    );
    let on_match = match choices.on_match {
        OnMatch::Discard => "Discard (stored profiles stay unchanged)",
        OnMatch::Merge => "Merge (stored profiles are updated)",
    };
    let tags = match &choices.tags {
        TagChoice::None => "None".to_owned(),
        TagChoice::Automatically => "Automatically, one tag for this import".to_owned(),
        TagChoice::Manually(names) => names.join(", "),
    };
    let journey = choices
        .journey_id
        .map_or_else(|| "None".to_owned(), |id| format!("Journey {id}"));
    view! {
        {entry_summary(&entry)}
        <h3>"Settings"</h3>
        <dl class="details">
            <dt>"Person type"</dt>
            <dd>{person_type_label(settings.person_type)}</dd>
            <dt>"Skip rows"</dt>
            <dd>{settings.skip_rows}</dd>
            <dt>"Matching profiles"</dt>
            <dd>{on_match}</dd>
            <dt>"Import tags"</dt>
            <dd>{tags}</dd>
            <dt>"Journey"</dt>
            <dd>{journey}</dd>
            <dt>"File reading"</dt>
            <dd>{read_choices_text(&settings)}</dd>
            <dt>"Cells edited before the import"</dt>
            <dd>{choices.edited_cells}</dd>
        </dl>
        {mapping_table(&settings)}
        {counts_table(&entry)}
        {errors_view(entry.import_id, entry.error_records, errors)}
        <h3>"Undo"</h3>
        {undone_note}
        {move || undo_outcome(&undo.get())}
        {can_undo.then(|| view! { <UndoControls undo start_undo /> })}
    }
}

/// Renders the entry's file, user, times and record counts.
fn entry_summary(entry: &ImportEntry) -> impl IntoView {
    let finished = entry
        .finished_at
        .as_deref()
        .map_or_else(|| "Not finished".to_owned(), format_local_time);
    let duration = duration_seconds(&entry.started_at, entry.finished_at.as_deref())
        .map_or_else(|| "–".to_owned(), format_duration);
    view! {
        <dl class="details">
            <dt>"Import file"</dt>
            <dd>{format!("{} ({})", entry.file_name, format_bytes(entry.file_size))}</dd>
            <dt>"Imported by"</dt>
            <dd>{entry.imported_by.clone()}</dd>
            <dt>"Started"</dt>
            <dd>{format_local_time(&entry.started_at)}</dd>
            <dt>"Import on"</dt>
            <dd>{finished}</dd>
            <dt>"Duration"</dt>
            <dd>{duration}</dd>
            <dt>"Status"</dt>
            <dd>{status_text(entry)}</dd>
            <dt>"Valid records"</dt>
            <dd>{entry.valid_records}</dd>
            <dt>"Error records"</dt>
            <dd>{entry.error_records}</dd>
        </dl>
    }
}

/// Describes the delimiter, encoding and worksheet choices, or says that
/// all were detected.
fn read_choices_text(settings: &Settings) -> String {
    let read = &settings.read;
    let mut parts = Vec::new();
    if let Some(delimiter) = read.delimiter {
        parts.push(format!("delimiter “{delimiter}”"));
    }
    if let Some(encoding) = &read.encoding {
        parts.push(format!("encoding {encoding}"));
    }
    if let Some(sheet) = &read.sheet {
        parts.push(format!("worksheet “{sheet}”"));
    }
    if parts.is_empty() {
        "Detected from the file".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Renders the column mapping the import used.
fn mapping_table(settings: &Settings) -> impl IntoView {
    let rows = settings
        .mapping
        .iter()
        .map(|(column, mapping)| {
            let field = mapping.field.to_string();
            let attribute_type = match &mapping.field {
                shared::FieldKey::Custom(name) => settings
                    .attributes
                    .get(name)
                    .map(|attribute_type| format!(" ({})", attribute_type.key())),
                shared::FieldKey::Standard(_) => None,
            };
            view! {
                <tr>
                    <td>{column.clone()}</td>
                    <td>{field} {attribute_type}</td>
                    <td>{mapping.option.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"Mapping"</h3>
        <table class="mapping-used">
            <thead>
                <tr>
                    <th scope="col">"Column"</th>
                    <th scope="col">"Profile field"</th>
                    <th scope="col">"Field option"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Renders what the merge did to the profiles.
fn counts_table(entry: &ImportEntry) -> impl IntoView {
    let counts = entry.counts;
    let rows = [
        ("Created", counts.created),
        ("Updated", counts.updated),
        ("Promoted", counts.promoted),
        ("Discarded", counts.discarded),
        ("Failed", counts.failed),
    ];
    view! {
        <h3>"Profiles"</h3>
        <table class="counts">
            <tbody>
                {rows
                    .into_iter()
                    .map(|(label, count)| {
                        view! {
                            <tr>
                                <th scope="row">{label}</th>
                                <td aria-label=label>{count}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Renders the first error records and the link to the error report.
fn errors_view(import_id: i64, error_records: u32, errors: Vec<RecordError>) -> impl IntoView {
    let total = errors.len();
    let note = (total > SHOWN_ERRORS).then(|| {
        view! {
            <p>
                {format!(
                    "The first {SHOWN_ERRORS} of {total} errors are listed; the error report has all."
                )}
            </p>
        }
    });
    let report = (error_records > 0 || total > 0).then(|| {
        let href = format!("/api/imports/{import_id}/errors.csv");
        view! {
            <p>
                <a href=href download="">
                    "Download error report"
                </a>
            </p>
        }
    });
    let rows = errors
        .into_iter()
        .take(SHOWN_ERRORS)
        .map(|error| {
            view! {
                <tr>
                    <td>{error.row}</td>
                    <td>{error.field.unwrap_or_default()}</td>
                    <td>{error.code.key()}</td>
                    <td>{error.message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"Error records"</h3>
        {(total == 0).then(|| view! { <p>"No error records."</p> })}
        {report}
        {note}
        {(total > 0)
            .then(|| {
                view! {
            <table class="errors">
                <thead>
                    <tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Code"</th>
                        <th scope="col">"Message"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
                }
            })}
    }
}

/// Renders what a finished undo did.
fn undo_outcome(state: &UndoState) -> Option<impl IntoView> {
    let UndoState::Done(outcome) = state else {
        return None;
    };
    Some(view! {
        <p class="outcome" role="status">
            {format!(
                "The import was undone: {} profiles removed, {} restored.",
                outcome.removed,
                outcome.restored,
            )}
        </p>
    })
}

/// Renders the "Undo import" button, the confirmation the server asks for
/// and the outcome.
#[component]
fn UndoControls<F>(
    /// State of the undo.
    undo: RwSignal<UndoState>,
    /// Sends the undo, with `true` once the user confirmed it.
    start_undo: F,
) -> impl IntoView
where
    F: Fn(bool) + Copy + Send + Sync + 'static,
{
    let sending = move || undo.get() == UndoState::Sending;
    view! {
        <div class="undo" role="status">
            {move || match undo.get() {
                UndoState::Idle | UndoState::Sending => {
                    view! {
                        <p>
                            "Undo removes the profiles this import created and puts back the \
                             earlier values of the profiles it changed."
                        </p>
                        <button type="button" disabled=sending on:click=move |_| start_undo(false)>
                            "Undo import"
                        </button>
                    }
                        .into_any()
                }
                UndoState::NeedsConfirmation(message) => {
                    view! {
                        <p class="warning">{message}</p>
                        <button type="button" class="danger" on:click=move |_| start_undo(true)>
                            "Undo anyway"
                        </button>
                        <button type="button" on:click=move |_| undo.set(UndoState::Idle)>
                            "Keep the import"
                        </button>
                    }
                        .into_any()
                }
                // The outcome is shown by `undo_outcome`, outside these
                // controls, because the refetched details hide them.
                UndoState::Done(_) => ().into_any(),
                UndoState::Failed(message) => {
                    view! {
                        <p class="failure">{message}</p>
                        <button type="button" on:click=move |_| start_undo(false)>
                            "Undo import"
                        </button>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::wire::ApiError;

    fn conflict(message: &str) -> ApiFailure {
        ApiFailure::Rejected {
            status: 409,
            error: ApiError {
                code: "conflict".into(),
                message: message.into(),
                errors: Vec::new(),
            },
        }
    }

    #[test]
    fn later_imports_need_confirmation() {
        let failure =
            conflict("later imports (4) changed 2 of the same profiles; undo with confirm");
        let message = later_imports_message(&failure);
        assert_eq!(
            message.as_deref(),
            Some("Later imports (4) changed 2 of the same profiles; undo with confirm")
        );
    }

    #[test]
    fn other_conflicts_do_not() {
        assert_eq!(
            later_imports_message(&conflict("import 3 is already undone")),
            None
        );
        let missing = ApiFailure::Status {
            status: 404,
            status_text: "Not Found".into(),
        };
        assert_eq!(later_imports_message(&missing), None);
    }
}
