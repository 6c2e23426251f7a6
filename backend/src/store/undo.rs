//! Undoing an import from its journal of before-images.

use shared::wire::{ImportStatus, UndoOutcome};
use shared::ProfileValues;
use sqlx::{AnyConnection, Row};

use super::merge::BeforeImage;
use super::persons::ContactTable;
use super::retention::RETENTION;
use super::Store;

/// Why an import cannot be undone.
#[derive(Debug, PartialEq, Eq)]
pub enum UndoRefused {
    NotFound,
    /// Only Completed and Completed with errors imports change profiles.
    NotApplied(ImportStatus),
    AlreadyUndone,
    /// Undo is possible only within the retention period.
    TooOld,
    /// Later imports changed some of the same profiles; undo again with
    /// `confirm` to overwrite their changes to those profiles.
    LaterImports {
        import_ids: Vec<i64>,
        profiles: u32,
    },
}

impl Store {
    /// Removes the profiles the import created and puts back the earlier
    /// state of the ones it changed, in one transaction.
    pub async fn undo_import(
        &self,
        import_id: i64,
        confirm: bool,
    ) -> anyhow::Result<Result<UndoOutcome, UndoRefused>> {
        let Some(entry) = self.get_import(import_id).await? else {
            return Ok(Err(UndoRefused::NotFound));
        };
        if entry.undone_at.is_some() {
            return Ok(Err(UndoRefused::AlreadyUndone));
        }
        if !matches!(
            entry.status,
            ImportStatus::Completed | ImportStatus::CompletedWithErrors
        ) {
            return Ok(Err(UndoRefused::NotApplied(entry.status)));
        }
        let started = chrono::DateTime::parse_from_rfc3339(&entry.started_at)?;
        if self.now() - started.with_timezone(&chrono::Utc) > RETENTION {
            return Ok(Err(UndoRefused::TooOld));
        }

        let _writer = self.lock_writer().await;
        let mut tx = self.begin_read_write().await?;
        let later = sqlx::query(
            "select distinct later.import_id, later.person_id from import_journal mine \
             join import_journal later on later.person_id = mine.person_id \
             and later.import_id > mine.import_id \
             join import i on i.import_id = later.import_id \
             where mine.import_id = $1 and i.undone_at is null",
        )
        .bind(import_id)
        .fetch_all(&mut *tx)
        .await?;
        if !later.is_empty() && !confirm {
            let mut import_ids: Vec<i64> = later
                .iter()
                .map(|row| row.try_get("import_id"))
                .collect::<sqlx::Result<_>>()?;
            import_ids.sort_unstable();
            import_ids.dedup();
            let mut persons: Vec<i64> = later
                .iter()
                .map(|row| row.try_get("person_id"))
                .collect::<sqlx::Result<_>>()?;
            persons.sort_unstable();
            persons.dedup();
            return Ok(Err(UndoRefused::LaterImports {
                import_ids,
                profiles: persons.len() as u32,
            }));
        }

        let journal = sqlx::query(
            "select person_id, action, before_image from import_journal where import_id = $1 \
             order by person_id",
        )
        .bind(import_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut outcome = UndoOutcome::default();
        for row in &journal {
            let person_id: i64 = row.try_get("person_id")?;
            let action: String = row.try_get("action")?;
            if action == "created" {
                sqlx::query("delete from person where person_id = $1")
                    .bind(person_id)
                    .execute(&mut *tx)
                    .await?;
                outcome.removed += 1;
                continue;
            }
            let image: Option<String> = row.try_get("before_image")?;
            let image: BeforeImage = serde_json::from_str(image.as_deref().unwrap_or("null"))?;
            if restore_person(&mut tx, person_id, &image).await? {
                outcome.restored += 1;
            }
        }
        sqlx::query("delete from journey_enrollment where import_id = $1")
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update import set undone_at = $1 where import_id = $2")
            .bind(self.now_text())
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(
            import_id,
            removed = outcome.removed,
            restored = outcome.restored,
            "import undone"
        );
        Ok(Ok(outcome))
    }
}

/// Puts a profile back into its journaled state. Returns false when the
/// profile no longer exists (a later undo removed it).
async fn restore_person(
    connection: &mut AnyConnection,
    person_id: i64,
    image: &BeforeImage,
) -> sqlx::Result<bool> {
    let values: &ProfileValues = &image.values;
    let custom = serde_json::to_string(&values.custom).unwrap_or_else(|_| "{}".into());
    let result = sqlx::query(
        "update person set person_type = $1, external_id = $2, first_name = $3, last_name = $4, \
         middle_name = $5, gender = $6, birth_date = $7, address = $8, city = $9, country = $10, \
         preferred_language = $11, custom = $12, updated_at = $13 where person_id = $14",
    )
    .bind(image.person_type.key())
    .bind(&values.external_id)
    .bind(&values.first_name)
    .bind(&values.last_name)
    .bind(&values.middle_name)
    .bind(&values.gender)
    .bind(&values.birth_date)
    .bind(&values.address)
    .bind(&values.city)
    .bind(&values.country)
    .bind(&values.preferred_language)
    .bind(custom)
    .bind(&image.updated_at)
    .bind(person_id)
    .execute(&mut *connection)
    .await?;
    if result.rows_affected() == 0 {
        return Ok(false);
    }
    for (table, list) in [
        (ContactTable::Email, &values.emails),
        (ContactTable::Phone, &values.phones),
    ] {
        let delete = format!("delete from {} where person_id = $1", table.table());
        sqlx::query(sqlx::AssertSqlSafe(delete.as_str()))
            .bind(person_id)
            .execute(&mut *connection)
            .await?;
        let insert = format!(
            "insert into {} (person_id, {}, position) values ($1, $2, $3)",
            table.table(),
            table.column()
        );
        for (position, value) in list.iter().enumerate() {
            sqlx::query(sqlx::AssertSqlSafe(insert.as_str()))
                .bind(person_id)
                .bind(value)
                .bind(position as i64)
                .execute(&mut *connection)
                .await?;
        }
    }
    sqlx::query("delete from person_tag where person_id = $1")
        .bind(person_id)
        .execute(&mut *connection)
        .await?;
    for tag in &values.tags {
        sqlx::query("insert into person_tag (person_id, tag) values ($1, $2)")
            .bind(person_id)
            .bind(tag)
            .execute(&mut *connection)
            .await?;
    }
    Ok(true)
}
