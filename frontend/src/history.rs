//! The "Import history" page: past imports, newest first.

use leptos::prelude::*;
use shared::wire::{ImportEntry, Page};

use crate::api;
use crate::display::{format_bytes, format_timestamp, person_type_label};
use crate::paged::PagedList;

/// Number of imports on one page.
const PER_PAGE: u32 = 20;

/// Renders the paged list of imports.
#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"Import history"</h2>
            <PagedList
                fetch=api::list_imports
                render=history_table
                per_page=PER_PAGE
                loading_text="Loading imports…"
            />
        </section>
    }
}

/// Renders one page of imports as a table.
fn history_table(imports: Page<ImportEntry>) -> AnyView {
    if imports.items.is_empty() {
        return view! { <p>"No imports yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="history">
                <thead>
                    <tr>
                        <th scope="col">"Started"</th>
                        <th scope="col">"File"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Valid"</th>
                        <th scope="col">"Errors"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Updated"</th>
                        <th scope="col">"Promoted"</th>
                        <th scope="col">"Discarded"</th>
                        <th scope="col">"Failed"</th>
                    </tr>
                </thead>
                <tbody>
                    {imports
                        .items
                        .into_iter()
                        .map(|entry| {
                            let status = status_cell(&entry);
                            view! {
                                <tr>
                                    <td>{format_timestamp(&entry.started_at)}</td>
                                    <td>
                                        {entry.file_name} " (" {format_bytes(entry.file_size)} ")"
                                    </td>
                                    <td>{person_type_label(entry.person_type)}</td>
                                    <td>{entry.valid_records}</td>
                                    <td>{entry.error_records}</td>
                                    <td>{status}</td>
                                    <td>{entry.counts.created}</td>
                                    <td>{entry.counts.updated}</td>
                                    <td>{entry.counts.promoted}</td>
                                    <td>{entry.counts.discarded}</td>
                                    <td>{entry.counts.failed}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Renders the status of an import with its merge progress, failure,
/// undo time and a link to its error report.
fn status_cell(entry: &ImportEntry) -> impl IntoView {
    let progress = entry
        .progress
        .filter(|progress| progress.total > 0)
        .map(|progress| format!(" ({} of {} merged)", progress.done, progress.total));
    let undone = entry
        .undone_at
        .as_deref()
        .map(|time| format!(", undone {}", format_timestamp(time)));
    let report = (entry.error_records > 0).then(|| {
        let href = format!("/api/imports/{}/errors.csv", entry.import_id);
        view! {
            " "
            <a href=href download="">
                "Error report"
            </a>
        }
    });
    view! {
        {entry.status.label()}
        {progress}
        {undone}
        {entry.failure.clone().map(|failure| view! { <span class="failure">": " {failure}</span> })}
        {report}
    }
}
