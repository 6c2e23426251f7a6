//! Reading stored profiles.

use std::collections::BTreeMap;

use shared::wire::{Page, Person};
use shared::ProfileValues;
// Dynamic SQL here only joins constant table and column names.
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::history::parse_key;
use super::{page_offset, Store};

impl Store {
    /// Lists stored profiles, oldest first, with their contacts and tags.
    pub async fn list_persons(&self, page: u32, per_page: u32) -> sqlx::Result<Page<Person>> {
        let mut connection = self.pool.acquire().await?;
        let total: i64 = sqlx::query_scalar("select count(*) from person")
            .fetch_one(&mut *connection)
            .await?;
        let rows = sqlx::query("select * from person order by person_id limit $1 offset $2")
            .bind(i64::from(per_page))
            .bind(page_offset(page, per_page))
            .fetch_all(&mut *connection)
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let person_id: i64 = row.try_get("person_id")?;
            let mut values = values_from_row(row)?;
            values.emails = contact_list(&mut connection, ContactTable::Email, person_id).await?;
            values.phones = contact_list(&mut connection, ContactTable::Phone, person_id).await?;
            values.tags = tag_list(&mut connection, person_id).await?;
            items.push(Person {
                person_id,
                person_type: parse_key(row, "person_type")?,
                values,
            });
        }
        Ok(Page {
            items,
            total: total.try_into().unwrap_or_default(),
            page,
            per_page,
        })
    }
}

/// The single-valued fields and custom attributes of a `person` row.
pub(super) fn values_from_row(row: &sqlx::any::AnyRow) -> sqlx::Result<ProfileValues> {
    let custom_text: String = row.try_get("custom")?;
    let custom: BTreeMap<String, String> = serde_json::from_str(&custom_text).map_err(|error| {
        sqlx::Error::Decode(format!("invalid custom attributes: {error}").into())
    })?;
    Ok(ProfileValues {
        external_id: row.try_get("external_id")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        middle_name: row.try_get("middle_name")?,
        gender: row.try_get("gender")?,
        birth_date: row.try_get("birth_date")?,
        address: row.try_get("address")?,
        city: row.try_get("city")?,
        country: row.try_get("country")?,
        preferred_language: row.try_get("preferred_language")?,
        custom,
        ..ProfileValues::default()
    })
}

/// A table of contacts: emails or phones.
#[derive(Clone, Copy, Debug)]
pub(super) enum ContactTable {
    Email,
    Phone,
}

impl ContactTable {
    pub(super) fn table(self) -> &'static str {
        match self {
            ContactTable::Email => "person_email",
            ContactTable::Phone => "person_phone",
        }
    }

    pub(super) fn column(self) -> &'static str {
        match self {
            ContactTable::Email => "email",
            ContactTable::Phone => "phone",
        }
    }
}

/// The contacts of one profile, main contact first.
pub(super) async fn contact_list(
    connection: &mut AnyConnection,
    table: ContactTable,
    person_id: i64,
) -> sqlx::Result<Vec<String>> {
    let sql = format!(
        "select {column} from {table} where person_id = $1 order by position",
        column = table.column(),
        table = table.table()
    );
    sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
        .bind(person_id)
        .fetch_all(connection)
        .await
}

/// The tags of one profile, in text order.
pub(super) async fn tag_list(
    connection: &mut AnyConnection,
    person_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select tag from person_tag where person_id = $1 order by tag")
        .bind(person_id)
        .fetch_all(connection)
        .await
}
