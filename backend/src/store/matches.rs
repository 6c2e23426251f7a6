//! Counting how many file profiles match stored profiles, before the
//! person chooses Discard or Merge.

use shared::wire::{MatchCounts, ProfileIdentifiers};
use shared::PersonType;

use super::merge::{matching_persons, Identifiers};
use super::Store;

impl Store {
    /// Counts new, matched and ambiguous file profiles.
    pub async fn count_matches(
        &self,
        profiles: &[ProfileIdentifiers],
    ) -> sqlx::Result<MatchCounts> {
        let mut connection = self.pool.acquire().await?;
        let mut counts = MatchCounts::default();
        for profile in profiles {
            let identifiers = Identifiers {
                external_id: profile.external_id.as_deref(),
                emails: &profile.emails,
                phones: &profile.phones,
            };
            let matches = matching_persons(&mut connection, identifiers).await?;
            let mut matches = matches.into_iter();
            match (matches.next(), matches.next()) {
                (None, _) => counts.new_profiles += 1,
                (Some(_), Some(_)) => counts.ambiguous += 1,
                (Some(person_id), None) => {
                    let person_type: String =
                        sqlx::query_scalar("select person_type from person where person_id = $1")
                            .bind(person_id)
                            .fetch_one(&mut *connection)
                            .await?;
                    if person_type == PersonType::Customer.key() {
                        counts.matched_customers += 1;
                    } else {
                        counts.matched_leads += 1;
                    }
                }
            }
        }
        Ok(counts)
    }
}
