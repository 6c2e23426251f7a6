//! In-app notifications: one when an import finishes, for the user who
//! started it.

use shared::wire::{ImportStatus, Notification};
use sqlx::{AnyConnection, Row};

use super::history::read_import_and_user;
use super::Store;

/// Stores the notification that an import finished, with its outcome, for
/// the user who started it. Runs on the connection of the transaction that
/// finishes the import, so that a client that reads the import as finished
/// also finds its notification.
pub(super) async fn notify_finished(
    connection: &mut AnyConnection,
    import_id: i64,
    now: &str,
) -> sqlx::Result<()> {
    let Some((entry, Some(user_id))) = read_import_and_user(connection, import_id).await? else {
        return Ok(());
    };

    let counts = entry.counts;
    let message = match entry.status {
        ImportStatus::Failed => format!(
            "Import of {} failed: {}",
            entry.file_name,
            entry.failure.as_deref().unwrap_or("see the import details")
        ),
        status => format!(
            "Import of {} {}: {} created, {} updated, {} promoted, {} discarded, {} failed.",
            entry.file_name,
            status.label().to_lowercase(),
            counts.created,
            counts.updated,
            counts.promoted,
            counts.discarded,
            counts.failed
        ),
    };

    sqlx::query(
        "insert into notification (user_id, import_id, message, created_at) \
         values ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(import_id)
    .bind(&message)
    .bind(now)
    .execute(connection)
    .await?;
    Ok(())
}

impl Store {
    /// The user's unread notifications, oldest first.
    pub async fn unread_notifications(&self, user_id: i64) -> sqlx::Result<Vec<Notification>> {
        let rows = sqlx::query(
            "select notification_id, import_id, message, created_at from notification \
             where user_id = $1 and read_at is null order by notification_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Notification {
                    notification_id: row.try_get("notification_id")?,
                    import_id: row.try_get("import_id")?,
                    message: row.try_get("message")?,
                    created_at: row.try_get("created_at")?,
                    read: false,
                })
            })
            .collect()
    }

    /// Marks one of the user's notifications read. Returns whether it was
    /// unread.
    pub async fn mark_notification_read(
        &self,
        user_id: i64,
        notification_id: i64,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "update notification set read_at = $1 where notification_id = $2 and user_id = $3 \
             and read_at is null",
        )
        .bind(self.now_text())
        .bind(notification_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }
}
