//! Counting how many file profiles match stored profiles, before the
//! person chooses Discard or Merge.

use std::collections::HashMap;

use shared::wire::{MatchCounts, ProfileIdentifiers};
use shared::PersonType;
use sqlx::Row;

use super::bulk::{is_sqlite, match_identifiers, max_parameters, placeholders, CHUNK_PROFILES};
use super::merge::Identifiers;
use super::Store;

impl Store {
    /// Counts new, matched and ambiguous file profiles.
    pub async fn count_matches(
        &self,
        profiles: &[ProfileIdentifiers],
    ) -> sqlx::Result<MatchCounts> {
        let mut connection = self.pool.acquire().await?;
        let mut counts = MatchCounts::default();
        for chunk in profiles.chunks(CHUNK_PROFILES) {
            let identifiers: Vec<Identifiers<'_>> = chunk
                .iter()
                .map(|profile| Identifiers {
                    external_id: profile.external_id.as_deref(),
                    emails: &profile.emails,
                    phones: &profile.phones,
                })
                .collect();
            let matches = match_identifiers(&mut connection, &identifiers).await?;
            let mut single: Vec<i64> = matches
                .iter()
                .filter(|ids| ids.len() == 1)
                .filter_map(|ids| ids.first().copied())
                .collect();
            single.sort_unstable();
            single.dedup();
            let types = person_types(&mut connection, &single).await?;
            for ids in &matches {
                match ids.len() {
                    0 => counts.new_profiles += 1,
                    1 => {
                        let person_type = ids.first().and_then(|id| types.get(id));
                        if person_type == Some(&PersonType::Customer) {
                            counts.matched_customers += 1;
                        } else {
                            counts.matched_leads += 1;
                        }
                    }
                    _ => counts.ambiguous += 1,
                }
            }
        }
        Ok(counts)
    }
}

/// The person type of each of the stored profiles.
async fn person_types(
    connection: &mut sqlx::AnyConnection,
    person_ids: &[i64],
) -> sqlx::Result<HashMap<i64, PersonType>> {
    let mut types = HashMap::new();
    for group in person_ids.chunks(max_parameters(connection)) {
        let sql = format!(
            "select person_id, person_type from person where person_id in ({})",
            placeholders(!is_sqlite(connection), group.len())
        );
        // The SQL holds only generated placeholders.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in group {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *connection).await? {
            types.insert(
                row.try_get("person_id")?,
                super::history::parse_key(&row, "person_type")?,
            );
        }
    }
    Ok(types)
}
