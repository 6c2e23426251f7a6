//! Retention of the import history.

use chrono::Duration;

use super::{time_text, Store};

/// How long imports stay in the history, and how long they can be undone.
pub const RETENTION: Duration = Duration::days(14);

/// Most imports the history lists.
pub const HISTORY_LENGTH: i64 = 30;

impl Store {
    /// Deletes imports that started more than [`RETENTION`] ago, with their
    /// errors, batches and journal; the profiles stay. Returns how many.
    pub async fn purge_old_imports(&self) -> sqlx::Result<u64> {
        let before = time_text(self.now() - RETENTION);
        // Enrollments keep their profile but lose the link to the import.
        let result = sqlx::query("delete from import where started_at <= $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}
