//! Sending an analysed import to the server: create the import, upload its
//! profiles in numbered batches, commit, and wait for the merge.
//!
//! The server keeps the batches it has received, so sending the same file
//! again after a failure resumes the upload and skips those batches.

use std::fmt;

use futures::StreamExt;
use js_sys::Uint8Array;
use shared::wire::{ImportEntry, ImportStatus, NewImport};
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiFailure};
use crate::display::format_percent;

/// Batch uploads that run at the same time.
const BATCHES_IN_FLIGHT: usize = 3;

/// Time between two requests for the merge progress, in milliseconds.
const POLL_INTERVAL_MS: i32 = 500;

/// Failed progress requests in a row after which the app stops waiting.
const MAX_POLL_FAILURES: u32 = 5;

/// Step of a running send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendProgress {
    /// Creating the import on the server.
    Creating,
    /// `sent` of `batches` batches of profiles are on the server.
    Uploading { sent: u32, batches: u32 },
    /// The server has merged `done` of `total` profiles; `total` is 0
    /// while the server has not reported it.
    Merging { done: u64, total: u64 },
}

impl SendProgress {
    /// Returns the text that the progress indicator shows.
    pub fn describe(self) -> String {
        match self {
            SendProgress::Creating => "Creating the import…".to_owned(),
            SendProgress::Uploading { sent, batches } => format!(
                "Uploading profiles: {} ({sent} of {batches} batches sent)…",
                format_percent(sent.into(), batches.into())
            ),
            SendProgress::Merging { total: 0, .. } => "Merging the profiles…".to_owned(),
            SendProgress::Merging { done, total } => format!(
                "Merging the profiles: {} ({done} of {total} done)…",
                format_percent(done, total)
            ),
        }
    }

    /// Returns the share of the step that is done as `(value, max)`, or
    /// `None` while it is unknown.
    pub fn fraction(self) -> Option<(f64, f64)> {
        match self {
            SendProgress::Creating | SendProgress::Merging { total: 0, .. } => None,
            SendProgress::Uploading { batches: 0, .. } => None,
            SendProgress::Uploading { sent, batches } => {
                Some((f64::from(sent), f64::from(batches)))
            }
            SendProgress::Merging { done, total } => Some((done as f64, total as f64)),
        }
    }
}

/// Failure of a send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// The import was not committed; sending again resumes it.
    Upload(ApiFailure),
    /// The import was committed, but its progress could not be fetched.
    Progress { import_id: i64, failure: ApiFailure },
}

impl SendFailure {
    /// Returns the API failure behind the send failure.
    pub fn api_failure(&self) -> &ApiFailure {
        match self {
            SendFailure::Upload(failure) | SendFailure::Progress { failure, .. } => failure,
        }
    }
}

impl fmt::Display for SendFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendFailure::Upload(failure) => write!(
                f,
                "{failure} Choose Import again to resume; profiles already uploaded are kept."
            ),
            SendFailure::Progress { import_id, failure } => write!(
                f,
                "Import {import_id} was sent and the server is merging it, but its progress \
                 could not be fetched: {failure} Its outcome will appear in the import history."
            ),
        }
    }
}

/// An import ready to send.
#[derive(Clone, Debug)]
pub struct OutgoingImport {
    /// Everything but the profiles.
    pub new: NewImport,
    /// JSON arrays of profile drafts, one per batch, in order.
    pub profile_batches: Vec<Uint8Array>,
}

/// Sends the import, calling `progress` at each step, and returns it once
/// the server has finished merging it. When `cancel_requested` returns
/// true before the commit, the upload stops and the import is cancelled
/// on the server, which returns it with the status Cancelled. After the
/// commit, the server rolls the merge back and the import ends Cancelled,
/// unless the merge finished first.
pub async fn send_import(
    outgoing: &OutgoingImport,
    progress: impl Fn(SendProgress),
    cancel_requested: impl Fn() -> bool,
) -> Result<ImportEntry, SendFailure> {
    progress(SendProgress::Creating);
    let created = api::create_import(&outgoing.new)
        .await
        .map_err(SendFailure::Upload)?;
    let import_id = created.entry.import_id;
    if created.resumed {
        log::info!(
            "import {import_id} resumed with {} batches already received",
            created.received_batches.len()
        );
    }

    let batches = &outgoing.profile_batches;
    let batch_count = u32::try_from(batches.len()).unwrap_or(u32::MAX);
    let sent = std::cell::Cell::new(created.received_batches.len() as u32);
    progress(SendProgress::Uploading {
        sent: sent.get(),
        batches: batch_count,
    });
    let missing = (0..batch_count)
        .zip(batches)
        .filter(|(number, _)| !created.received_batches.contains(number));
    // Several batches are in flight at once; a batch sent twice after a
    // retry is stored once by the server.
    let mut uploads = futures::stream::iter(missing)
        .map(|(number, batch)| api::put_batch(import_id, number, batch))
        .buffer_unordered(BATCHES_IN_FLIGHT);
    while let Some(result) = uploads.next().await {
        if cancel_requested() {
            break;
        }
        result.map_err(SendFailure::Upload)?;
        sent.set(sent.get() + 1);
        progress(SendProgress::Uploading {
            sent: sent.get(),
            batches: batch_count,
        });
    }
    // Dropping the stream drops the uploads still in flight.
    drop(uploads);
    if cancel_requested() {
        log::info!("import {import_id} cancelled during the upload");
        return api::cancel_import(import_id)
            .await
            .map_err(SendFailure::Upload);
    }

    let entry = api::commit_import(import_id, batch_count)
        .await
        .map_err(SendFailure::Upload)?;
    wait_for_merge(entry, &progress, &cancel_requested)
        .await
        .map_err(|failure| SendFailure::Progress { import_id, failure })
}

/// Polls the import until its merge has finished, and requests once that
/// the server cancel the merge when `cancel_requested` returns true.
async fn wait_for_merge(
    mut entry: ImportEntry,
    progress: &impl Fn(SendProgress),
    cancel_requested: &impl Fn() -> bool,
) -> Result<ImportEntry, ApiFailure> {
    let mut failures = 0;
    let mut cancel_sent = false;
    while matches!(
        entry.status,
        ImportStatus::Uploading | ImportStatus::Importing
    ) {
        if !cancel_sent && cancel_requested() {
            cancel_sent = true;
            // For a merge that finished meanwhile the server returns a
            // conflict, and the next poll shows how the merge ended.
            match api::cancel_import(entry.import_id).await {
                Ok(_) => log::info!(
                    "import {} cancel requested during the merge",
                    entry.import_id
                ),
                Err(failure) => log::warn!(
                    "cancel of import {} during the merge failed: {failure}",
                    entry.import_id
                ),
            }
        }
        let (done, total) = entry
            .progress
            .map_or((0, 0), |progress| (progress.done, progress.total));
        progress(SendProgress::Merging { done, total });
        sleep(POLL_INTERVAL_MS).await;
        match api::get_import(entry.import_id).await {
            Ok(next) => {
                entry = next;
                failures = 0;
            }
            Err(failure) if failures < MAX_POLL_FAILURES && !failure.is_unauthorized() => {
                failures += 1;
                log::warn!(
                    "progress request {failures} of import {} failed: {failure}",
                    entry.import_id
                );
            }
            Err(failure) => return Err(failure),
        }
    }
    Ok(entry)
}

/// Waits `milliseconds` on the page's timer.
async fn sleep(milliseconds: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().map(|window| {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, milliseconds)
        });
        if !matches!(scheduled, Some(Ok(_))) {
            // Without a timer the wait ends at once rather than never.
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_fraction_needs_a_total() {
        assert_eq!(SendProgress::Creating.fraction(), None);
        assert_eq!(SendProgress::Merging { done: 0, total: 0 }.fraction(), None);
        assert_eq!(
            SendProgress::Uploading {
                sent: 1,
                batches: 4
            }
            .fraction(),
            Some((1.0, 4.0))
        );
        assert_eq!(
            SendProgress::Merging {
                done: 50,
                total: 200
            }
            .fraction(),
            Some((50.0, 200.0))
        );
    }

    #[test]
    fn progress_text_names_the_step() {
        assert_eq!(
            SendProgress::Uploading {
                sent: 2,
                batches: 3
            }
            .describe(),
            "Uploading profiles: 66 % (2 of 3 batches sent)…"
        );
        assert_eq!(
            SendProgress::Merging { done: 0, total: 0 }.describe(),
            "Merging the profiles…"
        );
    }
}
