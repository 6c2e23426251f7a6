//! Reading the import history.

use shared::wire::{ImportEntry, ImportStatus, MergeCounts, OnMatch, Page};
use sqlx::any::AnyRow;
// Dynamic SQL here only joins constant column lists.
use sqlx::{AssertSqlSafe, Row};

use super::{page_offset, Store};

const ENTRY_COLUMNS: &str = "import_id, started_at, finished_at, imported_by, file_name, \
     file_size, person_type, on_match, valid_records, error_records, status, failure, \
     created, updated, promoted, discarded, failed";

impl Store {
    /// Lists imports, newest first.
    pub async fn list_imports(&self, page: u32, per_page: u32) -> sqlx::Result<Page<ImportEntry>> {
        let total: i64 = sqlx::query_scalar("select count(*) from import")
            .fetch_one(&self.pool)
            .await?;
        let sql = format!(
            "select {ENTRY_COLUMNS} from import order by import_id desc limit $1 offset $2"
        );
        let rows = sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(i64::from(per_page))
            .bind(page_offset(page, per_page))
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(entry_from_row)
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
        row.as_ref().map(entry_from_row).transpose()
    }
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
