//! Reading the import history.

use shared::wire::{
    ImportDetails, ImportEntry, ImportStatus, MergeCounts, OnMatch, Page, Progress,
};
use shared::RecordError;
use sqlx::any::AnyRow;
// Dynamic SQL here only joins constant column lists.
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::retention::{HISTORY_LENGTH, RETENTION};
use super::{page_offset, time_text, Store};

const ENTRY_COLUMNS: &str = "import_id, started_at, finished_at, imported_by, file_name, \
     file_size, person_type, on_match, valid_records, error_records, status, failure, \
     created, updated, promoted, discarded, failed, undone_at, profile_total, merged_profiles";

impl Store {
    /// Lists the [`HISTORY_LENGTH`] most recent imports of the last
    /// [`RETENTION`], newest first, a page at a time.
    pub async fn list_imports(&self, page: u32, per_page: u32) -> sqlx::Result<Page<ImportEntry>> {
        let since = time_text(self.now() - RETENTION);
        let total: i64 = sqlx::query_scalar("select count(*) from import where started_at > $1")
            .bind(&since)
            .fetch_one(&self.pool)
            .await?;
        let total = total.min(HISTORY_LENGTH);
        let offset = page_offset(page, per_page);
        let limit = i64::from(per_page).min((total - offset).max(0));
        let sql = format!(
            "select {ENTRY_COLUMNS} from import where started_at > $1 \
             order by import_id desc limit $2 offset $3"
        );
        let rows = sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(&since)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(|row| self.entry_with_progress(row))
            .collect::<sqlx::Result<_>>()?;
        Ok(Page {
            items,
            total: total.try_into().unwrap_or_default(),
            page,
            per_page,
        })
    }

    /// Reads one import, or `None` when there is none with that id.
    pub async fn get_import(&self, import_id: i64) -> sqlx::Result<Option<ImportEntry>> {
        let sql = format!("select {ENTRY_COLUMNS} from import where import_id = $1");
        let row = sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(import_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|row| self.entry_with_progress(row))
            .transpose()
    }

    /// Reads an import with its settings, choices and error records.
    pub async fn import_details(&self, import_id: i64) -> anyhow::Result<Option<ImportDetails>> {
        let Some(entry) = self.get_import(import_id).await? else {
            return Ok(None);
        };
        let row = sqlx::query("select settings, choices from import where import_id = $1")
            .bind(import_id)
            .fetch_one(&self.pool)
            .await?;
        let settings = serde_json::from_str(&row.try_get::<String, _>("settings")?)?;
        let choices = serde_json::from_str(&row.try_get::<String, _>("choices")?)?;
        let errors = self.import_errors(import_id).await?;
        Ok(Some(ImportDetails {
            entry,
            settings,
            choices,
            errors,
        }))
    }

    /// The error records of an import, by row.
    pub async fn import_errors(&self, import_id: i64) -> sqlx::Result<Vec<RecordError>> {
        let rows = sqlx::query(
            "select record_row, field, code, message from import_error where import_id = $1 \
             order by record_row",
        )
        .bind(import_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RecordError {
                    row: get_count(row, "record_row")?,
                    field: row.try_get("field")?,
                    code: parse_key(row, "code")?,
                    message: row.try_get("message")?,
                })
            })
            .collect()
    }

    /// Reads an import's entry with the progress of its merge: this
    /// instance's own when it runs the merge, else the one that the
    /// merging instance last wrote into the row.
    fn entry_with_progress(&self, row: &AnyRow) -> sqlx::Result<ImportEntry> {
        let mut entry = entry_from_row(row)?;
        if entry.status == ImportStatus::Importing {
            entry.progress = match self.progress_of(entry.import_id) {
                Some(progress) => Some(progress),
                None => stored_progress(row)?,
            };
        }
        Ok(entry)
    }
}

/// Reads the merge progress that the merging instance wrote into the row.
fn stored_progress(row: &AnyRow) -> sqlx::Result<Option<Progress>> {
    let done: Option<i64> = row.try_get("merged_profiles")?;
    let total: i64 = row.try_get("profile_total")?;
    Ok(done.map(|done| Progress {
        done: u64::try_from(done).unwrap_or(0),
        total: u64::try_from(total).unwrap_or(0),
    }))
}

/// Reads an import with the id of the user who started it on
/// `connection`, which may be inside a transaction that has changed it,
/// without its merge progress.
pub(super) async fn read_import_and_user(
    connection: &mut AnyConnection,
    import_id: i64,
) -> sqlx::Result<Option<(ImportEntry, Option<i64>)>> {
    let sql = format!("select user_id, {ENTRY_COLUMNS} from import where import_id = $1");
    let row = sqlx::query(AssertSqlSafe(sql.as_str()))
        .bind(import_id)
        .fetch_optional(connection)
        .await?;
    row.as_ref()
        .map(|row| Ok((entry_from_row(row)?, row.try_get("user_id")?)))
        .transpose()
}

fn entry_from_row(row: &AnyRow) -> sqlx::Result<ImportEntry> {
    Ok(ImportEntry {
        import_id: row.try_get("import_id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        imported_by: row.try_get("imported_by")?,
        file_name: row.try_get("file_name")?,
        file_size: row
            .try_get::<i64, _>("file_size")?
            .try_into()
            .unwrap_or_default(),
        person_type: parse_key(row, "person_type")?,
        on_match: parse_key::<OnMatch>(row, "on_match")?,
        valid_records: get_count(row, "valid_records")?,
        error_records: get_count(row, "error_records")?,
        status: parse_key::<ImportStatus>(row, "status")?,
        failure: row.try_get("failure")?,
        counts: MergeCounts {
            created: get_count(row, "created")?,
            updated: get_count(row, "updated")?,
            promoted: get_count(row, "promoted")?,
            discarded: get_count(row, "discarded")?,
            failed: get_count(row, "failed")?,
        },
        progress: None,
        undone_at: row.try_get("undone_at")?,
    })
}

/// Reads a snake_case key column into its enum through serde.
pub(super) fn parse_key<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> sqlx::Result<T> {
    let key: String = row.try_get(column)?;
    serde_json::from_value(serde_json::Value::String(key.clone())).map_err(|error| {
        sqlx::Error::Decode(format!("unknown value {key:?} in column {column}: {error}").into())
    })
}

/// Reads a non-negative integer column that the API reports as `u32`.
pub(super) fn get_count(row: &AnyRow, column: &str) -> sqlx::Result<u32> {
    let value: i64 = row.try_get(column)?;
    u32::try_from(value).map_err(|_| {
        sqlx::Error::Decode(format!("value {value} in column {column} is out of range").into())
    })
}
