//! Applying an import: every file profile is matched against the stored
//! profiles by external ID, email and phone, then created, merged or
//! discarded, all in one transaction.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use shared::wire::{ImportStatus, MergeCounts, OnMatch, TagChoice};
use shared::{ErrorCode, PersonType, ProfileDraft, ProfileValues, RecordError};
use sqlx::AnyConnection;

use super::bulk::{merge_chunk, CHUNK_PROFILES};
use super::notifications::notify_finished;
use super::Store;

/// Most contacts (emails and phones together) a stored profile may hold.
pub const MAX_CONTACTS_PER_PROFILE: usize = 100;

/// Tries of a merge transaction that clashes with a concurrent one.
const MAX_MERGE_ATTEMPTS: u64 = 8;

/// Minimum time between two writes of the merge progress into the import's
/// row; the first chunk's progress is written at once.
const PROGRESS_INTERVAL: Duration = Duration::from_secs(1);

/// Whether a failed transaction may succeed when tried again: a unique
/// violation (another transaction inserted the same contact first), a
/// serialization failure or a deadlock.
fn is_retryable(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(database) = error else {
        return false;
    };
    database.is_unique_violation() || matches!(database.code().as_deref(), Some("40001" | "40P01"))
}

/// The settings of an import that its merge needs.
pub(super) struct MergeJob {
    /// Instance that holds the claim on the import.
    pub instance: String,
    /// Whether to lock matched profiles with `for update` (PostgreSQL;
    /// SQLite has one writer, so it needs no row locks).
    pub lock_rows: bool,
    pub settings: shared::Settings,
    pub choices: shared::wire::ImportChoices,
    /// Error records of the analysis; any makes the status Completed with
    /// errors.
    pub error_records: u32,
}

/// What the import does, the same for every profile.
pub(super) struct MergePlan<'a> {
    pub import_id: i64,
    pub lock_rows: bool,
    pub person_type: PersonType,
    pub on_match: OnMatch,
    /// Tags added to every created or merged profile, besides its own.
    pub import_tags: &'a [String],
    pub now: &'a str,
}

/// What happened to one file profile.
pub(super) enum Outcome {
    Created { person_id: i64 },
    Updated { contacts: usize, person_id: i64 },
    Promoted { contacts: usize, person_id: i64 },
    Discarded,
    Failed { code: ErrorCode, message: String },
}

impl Store {
    /// Applies the profiles of an import in one transaction, journals the
    /// before-images for undo, and finishes the import's history row.
    ///
    /// The import fails as a whole, with nothing applied, when a merged
    /// profile would hold more than [`MAX_CONTACTS_PER_PROFILE`] contacts.
    pub(super) async fn merge_profiles(
        &self,
        import_id: i64,
        job: &MergeJob,
        profiles: &[ProfileDraft],
    ) -> anyhow::Result<ImportStatus> {
        let now = self.now_text();
        let stamp = self.now().format("%Y-%m-%d-%H%M").to_string();
        let import_tags = import_tags(&job.choices.tags, import_id, &stamp);
        let plan = MergePlan {
            import_id,
            lock_rows: job.lock_rows,
            person_type: job.settings.person_type,
            on_match: job.choices.on_match,
            import_tags: &import_tags,
            now: &now,
        };
        let _writer = self.lock_writer().await;
        let mut attempt = 1;
        loop {
            match self.merge_attempt(import_id, job, profiles, &plan).await {
                Ok(status) => return Ok(status),
                Err(error) if attempt < MAX_MERGE_ATTEMPTS && is_retryable(&error) => {
                    tracing::warn!(
                        import_id,
                        attempt,
                        "merge clashed with another, retrying: {error}"
                    );
                    tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// One try of the merge transaction.
    async fn merge_attempt(
        &self,
        import_id: i64,
        job: &MergeJob,
        profiles: &[ProfileDraft],
        plan: &MergePlan<'_>,
    ) -> sqlx::Result<ImportStatus> {
        let now = plan.now;
        let total = profiles.len() as u64;
        self.set_progress(import_id, 0, total);

        let mut tx = self.begin_read_write().await?;
        let mut counts = MergeCounts::default();
        let mut failures = Vec::new();
        let mut over_limit = Vec::new();
        // Profiles the import created or changed, so they got its tags.
        let mut touched = Vec::new();
        let mut done = 0;
        let mut persisted_at: Option<Instant> = None;
        let mut cancel_stored = false;
        for chunk in profiles.chunks(CHUNK_PROFILES) {
            if cancel_stored || self.merge_cancel_requested(import_id) {
                tx.rollback().await?;
                return self.finish_cancelled(import_id, &job.instance, done).await;
            }
            let outcomes = merge_chunk(&mut tx, self.engine, chunk, plan).await?;
            done += chunk.len() as u64;
            self.set_progress(import_id, done, total);
            if persisted_at.is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL) {
                cancel_stored = self.persist_progress(import_id, done).await;
                persisted_at = Some(Instant::now());
            }
            for (draft, outcome) in chunk.iter().zip(outcomes) {
                match outcome {
                    Outcome::Created { person_id } => {
                        counts.created += 1;
                        touched.push(person_id);
                    }
                    Outcome::Discarded => counts.discarded += 1,
                    Outcome::Updated {
                        contacts,
                        person_id,
                    } => {
                        counts.updated += 1;
                        touched.push(person_id);
                        if contacts > MAX_CONTACTS_PER_PROFILE {
                            over_limit.push((person_id, contacts));
                        }
                    }
                    Outcome::Promoted {
                        contacts,
                        person_id,
                    } => {
                        counts.promoted += 1;
                        touched.push(person_id);
                        if contacts > MAX_CONTACTS_PER_PROFILE {
                            over_limit.push((person_id, contacts));
                        }
                    }
                    Outcome::Failed { code, message } => {
                        counts.failed += 1;
                        failures.extend(draft.rows.iter().map(|&row| RecordError {
                            row,
                            field: None,
                            code,
                            message: message.clone(),
                        }));
                    }
                }
            }
        }

        if !over_limit.is_empty() {
            tx.rollback().await?;
            let profiles: Vec<String> = over_limit
                .iter()
                .map(|(person_id, contacts)| format!("profile {person_id} would hold {contacts}"))
                .collect();
            let reason = format!(
                "nothing was imported because a profile may hold at most \
                 {MAX_CONTACTS_PER_PROFILE} emails and phones together: {}",
                profiles.join(", ")
            );
            self.finish_failed(import_id, &reason).await?;
            return Ok(ImportStatus::Failed);
        }

        insert_errors(&mut tx, import_id, &failures).await?;
        if let Some(journey_id) = job.choices.journey_id {
            enroll(&mut tx, journey_id, import_id, &touched, now).await?;
        }
        // Checked after the journey enrollment, which takes one statement
        // per profile, so that a request in memory during it still counts.
        if cancel_stored || self.merge_cancel_requested(import_id) {
            tx.rollback().await?;
            return self.finish_cancelled(import_id, &job.instance, done).await;
        }
        let status = if job.error_records == 0 && counts.failed == 0 {
            ImportStatus::Completed
        } else {
            ImportStatus::CompletedWithErrors
        };
        // Only the claimant finishes the import. Another instance that took
        // it over after a lost heartbeat blocks here on the row until this
        // commits, then finds it finished and rolls back. A cancel stored
        // after the last progress write also stops the finish here.
        let finished = sqlx::query(
            "update import set status = $1, created = $2, updated = $3, promoted = $4, \
             discarded = $5, failed = $6, finished_at = $7, claimed_by = null \
             where import_id = $8 and status = $9 and claimed_by = $10 \
             and cancel_requested_at is null",
        )
        .bind(status.key())
        .bind(i64::from(counts.created))
        .bind(i64::from(counts.updated))
        .bind(i64::from(counts.promoted))
        .bind(i64::from(counts.discarded))
        .bind(i64::from(counts.failed))
        .bind(self.now_text())
        .bind(import_id)
        .bind(ImportStatus::Importing.key())
        .bind(&job.instance)
        .execute(&mut *tx)
        .await?;
        if finished.rows_affected() == 0 {
            let cancel_stored: Option<String> =
                sqlx::query_scalar("select cancel_requested_at from import where import_id = $1")
                    .bind(import_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.rollback().await?;
            if cancel_stored.is_some() {
                return self.finish_cancelled(import_id, &job.instance, done).await;
            }
            tracing::warn!(import_id, "another instance finished this import first");
            self.clear_progress(import_id);
            self.forget_merge_cancel(import_id);
            return Ok(ImportStatus::Importing);
        }
        notify_finished(&mut tx, import_id, &self.now_text()).await?;
        tx.commit().await?;
        self.clear_progress(import_id);
        self.forget_merge_cancel(import_id);
        Ok(status)
    }

    /// Marks an import Cancelled after its merge transaction rolled back,
    /// so that nothing of it is applied, and returns the status.
    async fn finish_cancelled(
        &self,
        import_id: i64,
        instance: &str,
        done: u64,
    ) -> sqlx::Result<ImportStatus> {
        self.clear_progress(import_id);
        self.forget_merge_cancel(import_id);
        tracing::info!(import_id, merged = done, "merge cancelled and rolled back");

        let mut tx = self.pool.begin().await?;
        let cancelled = sqlx::query(
            "update import set status = $1, failure = $2, finished_at = $3, claimed_by = null \
             where import_id = $4 and status = $5 and claimed_by = $6",
        )
        .bind(ImportStatus::Cancelled.key())
        .bind("cancelled during the merge, so nothing was imported")
        .bind(self.now_text())
        .bind(import_id)
        .bind(ImportStatus::Importing.key())
        .bind(instance)
        .execute(&mut *tx)
        .await?;
        if cancelled.rows_affected() == 1 {
            notify_finished(&mut tx, import_id, &self.now_text()).await?;
        }
        tx.commit().await?;

        if cancelled.rows_affected() == 0 {
            // Another instance took the import over after a lost heartbeat,
            // or finished it first.
            let status = self
                .import_owner(import_id)
                .await?
                .map(|(status, _)| status);
            tracing::warn!(
                import_id,
                ?status,
                "the import was no longer this instance's to cancel"
            );
            return Ok(status.unwrap_or(ImportStatus::Importing));
        }
        Ok(ImportStatus::Cancelled)
    }

    /// Marks an import Failed with the reason people see, and notifies its
    /// user.
    pub(super) async fn finish_failed(&self, import_id: i64, reason: &str) -> sqlx::Result<()> {
        self.clear_progress(import_id);
        self.forget_merge_cancel(import_id);
        let mut tx = self.pool.begin().await?;
        // An import that another instance finished meanwhile stays as it is.
        let failed = sqlx::query(
            "update import set status = $1, failure = $2, finished_at = $3, claimed_by = null \
             where import_id = $4 and status = $5",
        )
        .bind(ImportStatus::Failed.key())
        .bind(reason)
        .bind(self.now_text())
        .bind(import_id)
        .bind(ImportStatus::Importing.key())
        .execute(&mut *tx)
        .await?;
        if failed.rows_affected() == 1 {
            notify_finished(&mut tx, import_id, &self.now_text()).await?;
        } else {
            tracing::warn!(
                import_id,
                reason,
                "the import had already finished, so it stays as it is"
            );
        }
        tx.commit().await
    }
}

pub(super) fn on_match_key(on_match: OnMatch) -> &'static str {
    match on_match {
        OnMatch::Discard => "discard",
        OnMatch::Merge => "merge",
    }
}

/// The tags that the tag choice adds to every imported profile; `stamp` is
/// the import's time as `YYYY-MM-DD-HHMM`.
fn import_tags(choice: &TagChoice, import_id: i64, stamp: &str) -> Vec<String> {
    match choice {
        TagChoice::None => Vec::new(),
        TagChoice::Automatically => {
            // The id keeps two imports of the same minute apart.
            vec![format!("import-{stamp}-{import_id}")]
        }
        TagChoice::Manually(tags) => {
            let mut unique = BTreeSet::new();
            for tag in tags {
                let tag = tag.trim();
                if !tag.is_empty() {
                    unique.insert(tag.to_owned());
                }
            }
            unique.into_iter().collect()
        }
    }
}

/// Enrolls the profiles in the journey; a profile already enrolled stays
/// enrolled once.
async fn enroll(
    connection: &mut AnyConnection,
    journey_id: i64,
    import_id: i64,
    person_ids: &[i64],
    now: &str,
) -> sqlx::Result<()> {
    for &person_id in person_ids {
        sqlx::query(
            "insert into journey_enrollment (journey_id, person_id, import_id, \
             enrolled_at) values ($1, $2, $3, $4) on conflict do nothing",
        )
        .bind(journey_id)
        .bind(person_id)
        .bind(import_id)
        .bind(now)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

pub(super) async fn insert_errors(
    connection: &mut AnyConnection,
    import_id: i64,
    errors: &[RecordError],
) -> sqlx::Result<()> {
    for error in errors {
        sqlx::query(
            "insert into import_error (import_id, record_row, field, code, message) values ($1, $2, $3, $4, $5)",
        )
        .bind(import_id)
        .bind(i64::from(error.row))
        .bind(&error.field)
        .bind(error.code.key())
        .bind(&error.message)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// The identifier values of one file profile.
#[derive(Clone, Copy)]
pub(super) struct Identifiers<'a> {
    pub external_id: Option<&'a str>,
    pub emails: &'a [String],
    pub phones: &'a [String],
}

/// The state of a stored profile that undo puts back.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(super) struct BeforeImage {
    pub person_type: PersonType,
    pub values: ProfileValues,
    pub updated_at: String,
}

/// How the file's values combine with a stored profile's.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Combine {
    /// The file's non-empty values replace the stored ones.
    Overwrite,
    /// The file's values fill only the stored profile's empty fields, so a
    /// lead import never overwrites customer data.
    FillEmpty,
}

pub(super) fn combine(
    stored: &Option<String>,
    file: &Option<String>,
    mode: Combine,
) -> Option<String> {
    match mode {
        Combine::Overwrite => file.clone().or_else(|| stored.clone()),
        Combine::FillEmpty => stored.clone().or_else(|| file.clone()),
    }
}
