//! Custom attribute definitions and journeys.

use std::collections::BTreeMap;

use shared::attributes::{AttributeDefinition, AttributeType};
use shared::wire::Journey;
use sqlx::Row;

use super::history::parse_key;
use super::Store;

/// Whether an insert added a row or hit a unique name.
pub enum Inserted<T> {
    Added(T),
    NameTaken,
}

/// Whether `error` violates the unique constraint on `table.column`, named
/// `table_column_unique` in the migrations. PostgreSQL reports the
/// constraint name, SQLite only `table.column` in its message.
pub(super) fn is_unique_violation(error: &sqlx::Error, table: &str, column: &str) -> bool {
    let sqlx::Error::Database(database) = error else {
        return false;
    };
    let constraint = format!("{table}_{column}_unique");
    database.is_unique_violation()
        && (database.constraint() == Some(constraint.as_str())
            || database.message().contains(&format!("{table}.{column}")))
}

impl Store {
    /// Lists custom attributes by name.
    pub async fn list_attributes(&self) -> sqlx::Result<Vec<AttributeDefinition>> {
        let rows = sqlx::query("select name, attribute_type from custom_attribute order by name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AttributeDefinition {
                    name: row.try_get("name")?,
                    attribute_type: parse_key(row, "attribute_type")?,
                })
            })
            .collect()
    }

    /// The type of every custom attribute, by name.
    pub async fn attribute_types(&self) -> sqlx::Result<BTreeMap<String, AttributeType>> {
        Ok(self
            .list_attributes()
            .await?
            .into_iter()
            .map(|definition| (definition.name, definition.attribute_type))
            .collect())
    }

    /// Defines a custom attribute; the name must be checked already.
    pub async fn add_attribute(
        &self,
        definition: &AttributeDefinition,
    ) -> sqlx::Result<Inserted<()>> {
        let result = sqlx::query(
            "insert into custom_attribute (name, attribute_type, created_at) values ($1, $2, $3)",
        )
        .bind(&definition.name)
        .bind(definition.attribute_type.key())
        .bind(self.now_text())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(Inserted::Added(())),
            Err(error) if is_unique_violation(&error, "custom_attribute", "name") => {
                Ok(Inserted::NameTaken)
            }
            Err(error) => Err(error),
        }
    }

    /// Removes a custom attribute definition; stored values stay on the
    /// profiles. Returns whether it existed.
    pub async fn remove_attribute(&self, name: &str) -> sqlx::Result<bool> {
        let result = sqlx::query("delete from custom_attribute where name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Lists journeys by name with their enrollment counts.
    pub async fn list_journeys(&self) -> sqlx::Result<Vec<Journey>> {
        let rows = sqlx::query(
            "select journey.journey_id, name, active, \
             (select count(*) from journey_enrollment e where e.journey_id = journey.journey_id) \
             as enrolled from journey order by name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(journey_from_row).collect()
    }

    /// Reads one journey, or `None` when there is none with that id.
    pub async fn get_journey(&self, journey_id: i64) -> sqlx::Result<Option<Journey>> {
        let row = sqlx::query(
            "select journey_id, name, active, \
             (select count(*) from journey_enrollment e where e.journey_id = $1) as enrolled \
             from journey where journey_id = $2",
        )
        .bind(journey_id)
        .bind(journey_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(journey_from_row).transpose()
    }

    /// Creates a journey and returns its id.
    pub async fn add_journey(&self, name: &str, active: bool) -> sqlx::Result<Inserted<i64>> {
        let now = self.now_text();
        let result = sqlx::query_scalar(
            "insert into journey (name, active, created_at, updated_at) values ($1, $2, $3, $4) \
             returning journey_id",
        )
        .bind(name)
        .bind(i64::from(active))
        .bind(&now)
        .bind(&now)
        .fetch_one(&self.pool)
        .await;
        match result {
            Ok(journey_id) => Ok(Inserted::Added(journey_id)),
            Err(error) if is_unique_violation(&error, "journey", "name") => Ok(Inserted::NameTaken),
            Err(error) => Err(error),
        }
    }

    /// Turns a journey on or off. Returns whether it exists.
    pub async fn set_journey_active(&self, journey_id: i64, active: bool) -> sqlx::Result<bool> {
        let result =
            sqlx::query("update journey set active = $1, updated_at = $2 where journey_id = $3")
                .bind(i64::from(active))
                .bind(self.now_text())
                .bind(journey_id)
                .execute(&self.pool)
                .await?;
        Ok(result.rows_affected() > 0)
    }
}

fn journey_from_row(row: &sqlx::any::AnyRow) -> sqlx::Result<Journey> {
    Ok(Journey {
        journey_id: row.try_get("journey_id")?,
        name: row.try_get("name")?,
        active: row.try_get::<i64, _>("active")? != 0,
        enrolled: row
            .try_get::<i64, _>("enrolled")?
            .try_into()
            .unwrap_or_default(),
    })
}
