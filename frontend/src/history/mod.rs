//! The "Import history" page: the recent imports with a chart of imports
//! per day, and the details view of one import.

mod chart;
mod details;
mod time;

use leptos::prelude::*;
use shared::wire::{ImportEntry, ImportStatus, Page};

pub use details::ImportDetailsPage;

use crate::api;
use crate::display::format_bytes;
use crate::paged::PagedList;
use crate::scroll::TableScroll;
use time::{duration_seconds, format_duration, format_local_time};

/// Number of imports on one page: the server lists at most the 30 most
/// recent imports, so they fit on one.
const PER_PAGE: u32 = 30;

/// Returns the link target of an import's details view.
pub fn details_href(import_id: i64) -> String {
    format!("#/history/{import_id}")
}

/// Renders the chart and the table of recent imports.
#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"Import history"</h2>
            <PagedList
                fetch=api::list_imports
                render=history_view
                per_page=PER_PAGE
                loading_text="Loading imports…"
            />
        </section>
    }
}

/// Renders one page of imports as the chart and a table.
fn history_view(imports: Page<ImportEntry>) -> AnyView {
    if imports.items.is_empty() {
        return view! { <p>"No imports in the last 14 days."</p> }.into_any();
    }
    view! {
        {chart::import_chart(&imports.items)}
        <TableScroll label="Imports">
            <table class="history">
                <thead>
                    <tr>
                        <th scope="col">"Import on"</th>
                        <th scope="col">"Imported by"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Valid records"</th>
                        <th scope="col">"Error records"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Import file"</th>
                        <th scope="col">"Import details"</th>
                    </tr>
                </thead>
                <tbody>{imports.items.into_iter().map(history_row).collect_view()}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// Renders one import as a table row.
fn history_row(entry: ImportEntry) -> impl IntoView {
    let finished = entry
        .finished_at
        .as_deref()
        .map_or_else(|| "Not finished".to_owned(), format_local_time);
    let duration = duration_seconds(&entry.started_at, entry.finished_at.as_deref())
        .map_or_else(|| "–".to_owned(), format_duration);
    let status = status_text(&entry);
    let href = details_href(entry.import_id);
    view! {
        <tr>
            <td>{finished}</td>
            <td>{entry.imported_by}</td>
            <td>{duration}</td>
            <td>{entry.valid_records}</td>
            <td>{entry.error_records}</td>
            <td class:failure=entry.status == ImportStatus::Failed>{status}</td>
            <td>{entry.file_name.clone()} " (" {format_bytes(entry.file_size)} ")"</td>
            <td>
                <a href=href>
                    "View" <span class="visually-hidden">{format!(" details of {}", entry.file_name)}</span>
                </a>
            </td>
        </tr>
    }
}

/// Returns the status text of an import: "Undone" once it was undone, the
/// reason of a failure, and the merge progress while it runs.
pub fn status_text(entry: &ImportEntry) -> String {
    if entry.undone_at.is_some() {
        return "Undone".to_owned();
    }
    let label = entry.status.label();
    match (&entry.failure, entry.progress) {
        (Some(reason), _) if entry.status == ImportStatus::Failed => format!("{label}: {reason}"),
        (_, Some(progress)) if progress.total > 0 => {
            format!("{label} ({} of {} merged)", progress.done, progress.total)
        }
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::wire::{MergeCounts, OnMatch, Progress};
    use shared::PersonType;

    fn entry(status: ImportStatus) -> ImportEntry {
        ImportEntry {
            import_id: 7,
            started_at: "2026-12-04T10:00:00Z".into(),
            finished_at: Some("2026-12-04T10:00:12Z".into()),
            imported_by: "anna".into(),
            file_name: "contacts.csv".into(),
            file_size: 120,
            person_type: PersonType::Lead,
            on_match: OnMatch::Discard,
            valid_records: 5,
            error_records: 2,
            status,
            failure: None,
            counts: MergeCounts::default(),
            progress: None,
            undone_at: None,
        }
    }

    #[test]
    fn status_uses_label() {
        let text = status_text(&entry(ImportStatus::CompletedWithErrors));
        assert_eq!(text, "Completed with errors");
    }

    #[test]
    fn status_names_failure() {
        let mut failed = entry(ImportStatus::Failed);
        failed.failure = Some("too many contacts".into());
        assert_eq!(status_text(&failed), "Failed: too many contacts");
    }

    #[test]
    fn status_shows_progress() {
        let mut running = entry(ImportStatus::Importing);
        running.progress = Some(Progress { done: 3, total: 9 });
        assert_eq!(status_text(&running), "Importing (3 of 9 merged)");
    }

    #[test]
    fn status_shows_undone() {
        let mut undone = entry(ImportStatus::Completed);
        undone.undone_at = Some("2026-12-04T11:00:00Z".into());
        assert_eq!(status_text(&undone), "Undone");
    }

    #[test]
    fn details_href_names_import() {
        assert_eq!(details_href(42), "#/history/42");
    }
}
