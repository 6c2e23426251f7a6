//! The import protocol: create an import, receive its profiles in numbered
//! batches, commit, and merge it once, on whichever instance claims it.
//!
//! A batch is stored as gzip-compressed JSON with the SHA-256 of its JSON,
//! so a resent batch is recognised and a changed one rejected. The merge
//! reads every batch and applies the import in one transaction, so a crash
//! leaves it either committed once or not applied at all; an import left
//! Importing is claimed again and merged from its stored batches.

use std::io::{Read, Write};

use chrono::Duration;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use shared::wire::{ImportCreated, ImportStatus, NewImport, Progress};
use shared::ProfileDraft;
use sqlx::Row;

use super::history::get_count;
use super::merge::{insert_errors, on_match_key, MergeJob};
use super::users::User;
use super::{time_text, Engine, Store};

/// What storing a batch did.
#[derive(Debug, PartialEq, Eq)]
pub enum BatchStored {
    /// The batch is new and now stored.
    Stored,
    /// The same batch was stored before.
    AlreadyStored,
    /// A different batch with this number was stored before.
    Differs,
    /// The import does not accept batches in this status.
    NotUploading(ImportStatus),
    NotFound,
}

/// Why a commit was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum CommitRejected {
    NotFound,
    NotUploading(ImportStatus),
    /// Batch numbers the client announced but never sent.
    MissingBatches(Vec<u32>),
    /// The stored batches do not add up to the analysis summary.
    CountsDiffer(String),
}

/// The SHA-256 of a batch's JSON as hex.
pub fn batch_digest(json: &[u8]) -> String {
    hex::encode(Sha256::digest(json))
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut json = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut json)?;
    Ok(json)
}

impl Store {
    /// Creates an import in status Uploading, or returns the user's import
    /// of the same file with the same settings and choices that is still
    /// uploading, so the upload resumes. Other settings give other batches,
    /// so they start a new import.
    pub async fn create_import(
        &self,
        new: &NewImport,
        user: &User,
    ) -> anyhow::Result<ImportCreated> {
        let existing: Option<i64> = sqlx::query_scalar(
            "select import_id from import where user_id = $1 and checksum = $2 \
             and settings = $3 and choices = $4 and status = $5 \
             order by import_id desc limit 1",
        )
        .bind(user.user_id)
        .bind(&new.checksum)
        .bind(serde_json::to_string(&new.settings)?)
        .bind(serde_json::to_string(&new.choices)?)
        .bind(ImportStatus::Uploading.key())
        .fetch_optional(&self.pool)
        .await?;
        if let Some(import_id) = existing {
            let received = self.received_batches(import_id).await?;
            let entry = self.get_import(import_id).await?.ok_or_else(|| {
                anyhow::anyhow!("import {import_id} vanished while it was resumed")
            })?;
            return Ok(ImportCreated {
                entry,
                resumed: true,
                received_batches: received,
            });
        }

        let mut tx = self.pool.begin().await?;
        let summary = new.summary;
        let import_id: i64 = sqlx::query_scalar(
            "insert into import (imported_by, user_id, checksum, file_name, file_size, settings, \
             choices, person_type, on_match, status, data_rows, valid_records, error_records, \
             profile_total, started_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             returning import_id",
        )
        .bind(&user.name)
        .bind(user.user_id)
        .bind(&new.checksum)
        .bind(&new.file_name)
        .bind(i64::try_from(new.file_size).unwrap_or(i64::MAX))
        .bind(serde_json::to_string(&new.settings)?)
        .bind(serde_json::to_string(&new.choices)?)
        .bind(new.settings.person_type.key())
        .bind(on_match_key(new.choices.on_match))
        .bind(ImportStatus::Uploading.key())
        .bind(i64::from(summary.data_rows))
        .bind(i64::from(summary.valid_records))
        .bind(i64::from(summary.error_records))
        .bind(i64::from(summary.profiles))
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        insert_errors(&mut tx, import_id, &new.errors).await?;
        tx.commit().await?;
        let entry = self
            .get_import(import_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("import {import_id} vanished after it was created"))?;
        Ok(ImportCreated {
            entry,
            resumed: false,
            received_batches: Vec::new(),
        })
    }

    /// The status and owner of an import.
    pub async fn import_owner(
        &self,
        import_id: i64,
    ) -> sqlx::Result<Option<(ImportStatus, Option<i64>)>> {
        let row = sqlx::query("select status, user_id from import where import_id = $1")
            .bind(import_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok((
                super::history::parse_key(&row, "status")?,
                row.try_get("user_id")?,
            ))
        })
        .transpose()
    }

    async fn received_batches(&self, import_id: i64) -> sqlx::Result<Vec<u32>> {
        let numbers: Vec<i64> = sqlx::query_scalar(
            "select batch_number from import_batch where import_id = $1 order by batch_number",
        )
        .bind(import_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(numbers
            .into_iter()
            .filter_map(|number| u32::try_from(number).ok())
            .collect())
    }

    /// Stores one batch of an uploading import; `json` is the batch's JSON
    /// as the server re-serialized it after validation.
    pub async fn store_batch(
        &self,
        import_id: i64,
        batch_number: u32,
        profiles: &[ProfileDraft],
        json: &[u8],
    ) -> anyhow::Result<BatchStored> {
        let Some((status, _)) = self.import_owner(import_id).await? else {
            return Ok(BatchStored::NotFound);
        };
        if status != ImportStatus::Uploading {
            return Ok(BatchStored::NotUploading(status));
        }
        let digest = batch_digest(json);
        let records: usize = profiles.iter().map(|profile| profile.rows.len()).sum();
        let body = gzip(json)?;
        let inserted = sqlx::query(
            "insert into import_batch (import_id, batch_number, digest, profile_count, \
             record_count, body, received_at) values ($1, $2, $3, $4, $5, $6, $7) \
             on conflict do nothing",
        )
        .bind(import_id)
        .bind(i64::from(batch_number))
        .bind(&digest)
        .bind(profiles.len() as i64)
        .bind(records as i64)
        .bind(body)
        .bind(self.now_text())
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(BatchStored::Stored);
        }
        let stored_digest: String = sqlx::query_scalar(
            "select digest from import_batch where import_id = $1 and batch_number = $2",
        )
        .bind(import_id)
        .bind(i64::from(batch_number))
        .fetch_one(&self.pool)
        .await?;
        Ok(if stored_digest == digest {
            BatchStored::AlreadyStored
        } else {
            BatchStored::Differs
        })
    }

    /// Checks that every announced batch arrived and adds up to the
    /// summary, then moves the import to Importing, claimed by `instance`.
    pub async fn commit_import(
        &self,
        import_id: i64,
        batch_count: u32,
        instance: &str,
    ) -> anyhow::Result<Result<(), CommitRejected>> {
        let Some((status, _)) = self.import_owner(import_id).await? else {
            return Ok(Err(CommitRejected::NotFound));
        };
        if status != ImportStatus::Uploading {
            return Ok(Err(CommitRejected::NotUploading(status)));
        }
        let received = self.received_batches(import_id).await?;
        let missing: Vec<u32> = (0..batch_count)
            .filter(|number| received.binary_search(number).is_err())
            .collect();
        if !missing.is_empty() {
            return Ok(Err(CommitRejected::MissingBatches(missing)));
        }
        if received.iter().any(|&number| number >= batch_count) {
            return Ok(Err(CommitRejected::CountsDiffer(format!(
                "batches numbered {batch_count} or higher were sent, but the commit announces {batch_count}"
            ))));
        }
        let row = sqlx::query(
            // PostgreSQL sums bigint columns as numeric, so cast back.
            "select cast(coalesce(sum(profile_count), 0) as bigint) as profiles, \
             cast(coalesce(sum(record_count), 0) as bigint) as records \
             from import_batch where import_id = $1",
        )
        .bind(import_id)
        .fetch_one(&self.pool)
        .await?;
        let profiles: i64 = row.try_get("profiles")?;
        let records: i64 = row.try_get("records")?;
        let summary =
            sqlx::query("select valid_records, profile_total from import where import_id = $1")
                .bind(import_id)
                .fetch_one(&self.pool)
                .await?;
        let valid_records = get_count(&summary, "valid_records")?;
        let profile_total = get_count(&summary, "profile_total")?;
        if profiles != i64::from(profile_total) || records != i64::from(valid_records) {
            return Ok(Err(CommitRejected::CountsDiffer(format!(
                "the batches hold {profiles} profiles of {records} records, but the analysis \
                 counted {profile_total} profiles of {valid_records} valid records"
            ))));
        }

        let claimed = sqlx::query(
            "update import set status = $1, batch_count = $2, claimed_by = $3, claimed_at = $4 \
             where import_id = $5 and status = $6",
        )
        .bind(ImportStatus::Importing.key())
        .bind(i64::from(batch_count))
        .bind(instance)
        .bind(self.now_text())
        .bind(import_id)
        .bind(ImportStatus::Uploading.key())
        .execute(&self.pool)
        .await?;
        if claimed.rows_affected() == 0 {
            // Another request committed or cancelled it in between.
            let status = self
                .import_owner(import_id)
                .await?
                .map(|(status, _)| status)
                .unwrap_or(ImportStatus::Failed);
            return Ok(Err(CommitRejected::NotUploading(status)));
        }
        Ok(Ok(()))
    }

    /// Cancels an import that is still uploading and drops its batches, or
    /// requests that the running merge of an import roll back and end
    /// Cancelled.
    /// Returns the status it has afterwards, Importing while the merge has
    /// not yet stopped.
    pub async fn cancel_import(&self, import_id: i64) -> sqlx::Result<Option<ImportStatus>> {
        // A write here would wait for the merge's transaction on SQLite,
        // so a running merge only gets the request.
        if let Some((ImportStatus::Importing, _)) = self.import_owner(import_id).await? {
            return self.request_merge_cancel(import_id).await;
        }
        let result = sqlx::query(
            "update import set status = $1, finished_at = $2 where import_id = $3 and status = $4",
        )
        .bind(ImportStatus::Cancelled.key())
        .bind(self.now_text())
        .bind(import_id)
        .bind(ImportStatus::Uploading.key())
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 1 {
            sqlx::query("delete from import_batch where import_id = $1")
                .bind(import_id)
                .execute(&self.pool)
                .await?;
        }
        match self.import_owner(import_id).await? {
            // The import was committed between the two reads.
            Some((ImportStatus::Importing, _)) => self.request_merge_cancel(import_id).await,
            owner => Ok(owner.map(|(status, _)| status)),
        }
    }

    /// Claims imports left Importing by an instance that stopped: with
    /// `all`, every such import (SQLite at start, when one process owns the
    /// file), else those whose claim is older than `timeout`. Returns
    /// their ids.
    pub async fn claim_orphaned_imports(
        &self,
        instance: &str,
        all: bool,
        timeout: Duration,
    ) -> sqlx::Result<Vec<i64>> {
        let stale_before = if all {
            time_text(self.now() + Duration::days(365))
        } else {
            time_text(self.now() - timeout)
        };
        let candidates: Vec<i64> = sqlx::query_scalar(
            "select import_id from import where status = $1 \
             and (claimed_at is null or claimed_at < $2) order by import_id",
        )
        .bind(ImportStatus::Importing.key())
        .bind(&stale_before)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for import_id in candidates {
            let result = sqlx::query(
                "update import set claimed_by = $1, claimed_at = $2 where import_id = $3 \
                 and status = $4 and (claimed_at is null or claimed_at < $5)",
            )
            .bind(instance)
            .bind(self.now_text())
            .bind(import_id)
            .bind(ImportStatus::Importing.key())
            .bind(&stale_before)
            .execute(&self.pool)
            .await?;
            if result.rows_affected() == 1 {
                claimed.push(import_id);
            }
        }
        Ok(claimed)
    }

    /// Renews the claim of `instance` on an import it merges.
    pub async fn renew_claim(&self, import_id: i64, instance: &str) -> sqlx::Result<()> {
        sqlx::query("update import set claimed_at = $1 where import_id = $2 and claimed_by = $3")
            .bind(self.now_text())
            .bind(import_id)
            .bind(instance)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Merges a claimed import from its stored batches and returns its
    /// final status. A failure before the merge transaction commits marks
    /// the import Failed with the reason and applies nothing.
    pub async fn run_import(&self, import_id: i64, instance: &str) -> anyhow::Result<ImportStatus> {
        let row =
            sqlx::query("select settings, choices, error_records from import where import_id = $1")
                .bind(import_id)
                .fetch_one(&self.pool)
                .await?;
        let job = MergeJob {
            instance: instance.to_owned(),
            lock_rows: self.engine == super::Engine::Postgres,
            settings: serde_json::from_str(&row.try_get::<String, _>("settings")?)?,
            choices: serde_json::from_str(&row.try_get::<String, _>("choices")?)?,
            error_records: get_count(&row, "error_records")?,
        };

        let profiles = match self.load_batches(import_id).await {
            Ok(profiles) => profiles,
            Err(error) => {
                tracing::error!(import_id, "cannot read the stored batches: {error:#}");
                let reason =
                    "the stored batches of this import cannot be read; upload the file again";
                self.finish_failed(import_id, reason).await?;
                return Ok(ImportStatus::Failed);
            }
        };
        // Batches were checked one by one; this also catches an identifier
        // that two batches share.
        let errors = shared::check_profiles(&profiles);
        if let Some(first) = errors.first() {
            let reason = format!(
                "{} profile values fail validation, the first at row {}: {}",
                errors.len(),
                first.row,
                first.message
            );
            self.finish_failed(import_id, &reason).await?;
            return Ok(ImportStatus::Failed);
        }

        let status = match self.merge_profiles(import_id, &job, &profiles).await {
            Ok(status) => status,
            Err(error) => {
                tracing::error!(import_id, "merge failed: {error:#}");
                self.finish_failed(
                    import_id,
                    "the server failed to write the profiles, so nothing was imported; see the server log",
                )
                .await?;
                ImportStatus::Failed
            }
        };
        // Importing means that another instance owns the import now, and it
        // still needs the batches.
        if status == ImportStatus::Importing {
            return Ok(status);
        }
        sqlx::query("delete from import_batch where import_id = $1")
            .bind(import_id)
            .execute(&self.pool)
            .await?;
        Ok(status)
    }

    async fn load_batches(&self, import_id: i64) -> anyhow::Result<Vec<ProfileDraft>> {
        let rows = sqlx::query(
            "select batch_number, body from import_batch where import_id = $1 order by batch_number",
        )
        .bind(import_id)
        .fetch_all(&self.pool)
        .await?;
        let mut profiles = Vec::new();
        for row in &rows {
            let body: Vec<u8> = row.try_get("body")?;
            let json = gunzip(&body)?;
            let mut batch: Vec<ProfileDraft> = serde_json::from_slice(&json)?;
            profiles.append(&mut batch);
        }
        Ok(profiles)
    }

    /// Records the progress of a merge that this instance runs.
    pub(super) fn set_progress(&self, import_id: i64, done: u64, total: u64) {
        let mut progress = self
            .progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        progress.insert(import_id, Progress { done, total });
    }

    /// Writes the number of profiles merged so far into the import's row,
    /// outside the merge transaction, so that other instances can show it.
    /// Only on PostgreSQL: on SQLite the merge holds the one write lock,
    /// and one process owns the file, so the progress in memory is enough.
    ///
    /// Returns whether a cancel of the merge was stored meanwhile, which
    /// another instance may have received.
    pub(super) async fn persist_progress(&self, import_id: i64, done: u64) -> bool {
        if self.engine != Engine::Postgres {
            return false;
        }
        let written: sqlx::Result<Option<String>> = sqlx::query_scalar(
            "update import set merged_profiles = $1 where import_id = $2 \
             returning cancel_requested_at",
        )
        .bind(i64::try_from(done).unwrap_or(i64::MAX))
        .bind(import_id)
        .fetch_one(&self.pool)
        .await;
        match written {
            Ok(requested_at) => requested_at.is_some(),
            Err(error) => {
                tracing::warn!(import_id, "cannot record the merge progress: {error}");
                false
            }
        }
    }

    /// Requests that the merge of `import_id` stop, and returns the
    /// import's status afterwards: Importing while the request waits for
    /// the merge. The merge on this instance reads the request before each
    /// chunk of profiles and before it commits. A merge on another
    /// PostgreSQL instance reads it when it writes its progress, about once
    /// a second, and before it commits.
    async fn request_merge_cancel(&self, import_id: i64) -> sqlx::Result<Option<ImportStatus>> {
        self.cancels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(import_id);
        // On SQLite the running merge holds the one write lock, and this
        // instance is the only one, so the request in memory is enough.
        if self.engine == Engine::Postgres {
            sqlx::query(
                "update import set cancel_requested_at = $1 where import_id = $2 and status = $3",
            )
            .bind(self.now_text())
            .bind(import_id)
            .bind(ImportStatus::Importing.key())
            .execute(&self.pool)
            .await?;
        }
        let status = self
            .import_owner(import_id)
            .await?
            .map(|(status, _)| status);
        if status == Some(ImportStatus::Importing) {
            tracing::info!(import_id, "merge cancel requested");
        } else {
            // The merge ended before the request reached it.
            self.forget_merge_cancel(import_id);
        }
        Ok(status)
    }

    /// Returns whether a person asked this instance to cancel the merge of
    /// `import_id`.
    pub(super) fn merge_cancel_requested(&self, import_id: i64) -> bool {
        self.cancels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(&import_id)
    }

    /// Forgets the cancel request of a merge that has ended.
    pub(super) fn forget_merge_cancel(&self, import_id: i64) {
        self.cancels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&import_id);
    }

    pub(super) fn clear_progress(&self, import_id: i64) {
        let mut progress = self
            .progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        progress.remove(&import_id);
    }

    /// Returns the progress of a merge that this instance runs.
    pub(super) fn progress_of(&self, import_id: i64) -> Option<Progress> {
        let progress = self
            .progress
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        progress.get(&import_id).copied()
    }
}
