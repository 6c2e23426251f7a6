//! Saved mappings: per user, the mapping last chosen for a set of headers.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use shared::ColumnMapping;

use super::Store;

/// The key of a header set: the SHA-256 of the folded headers (case,
/// accents and punctuation ignored), one per line, in column order.
pub fn header_key(headers: &[String]) -> String {
    let folded: Vec<String> = headers
        .iter()
        .map(|header| shared::suggest::fold_header(header))
        .collect();
    hex::encode(Sha256::digest(folded.join("\n").as_bytes()))
}

impl Store {
    /// The user's saved mapping for the headers, if any.
    pub async fn saved_mapping(
        &self,
        user_id: i64,
        headers: &[String],
    ) -> anyhow::Result<Option<BTreeMap<String, ColumnMapping>>> {
        let text: Option<String> = sqlx::query_scalar(
            "select mapping from saved_mapping where user_id = $1 and header_key = $2",
        )
        .bind(user_id)
        .bind(header_key(headers))
        .fetch_optional(&self.pool)
        .await?;
        Ok(text.map(|text| serde_json::from_str(&text)).transpose()?)
    }

    /// Saves the user's mapping for the headers, replacing an earlier one.
    pub async fn save_mapping(
        &self,
        user_id: i64,
        headers: &[String],
        mapping: &BTreeMap<String, ColumnMapping>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "insert into saved_mapping (user_id, header_key, mapping, updated_at) \
             values ($1, $2, $3, $4) on conflict (user_id, header_key) \
             do update set mapping = excluded.mapping, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(header_key(headers))
        .bind(serde_json::to_string(mapping)?)
        .bind(self.now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
