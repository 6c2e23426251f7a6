//! Applying an import: every file profile is matched against the stored
//! profiles by external ID, email and phone, then created, merged or
//! discarded, all in one transaction.

use std::collections::BTreeSet;

use shared::wire::{ImportStatus, MergeCounts, OnMatch, TagChoice};
use shared::{ErrorCode, PersonType, ProfileDraft, ProfileValues, RecordError};
// Dynamic SQL here only joins constant table and column names.
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::history::parse_key;
use super::persons::{contact_list, tag_list, values_from_row, ContactTable};
use super::Store;

/// Most contacts (emails and phones together) a stored profile may hold.
pub const MAX_CONTACTS_PER_PROFILE: usize = 100;

/// Tries of a merge transaction that clashes with a concurrent one.
const MAX_MERGE_ATTEMPTS: u64 = 8;

/// Whether a failed transaction may succeed when tried again: a unique
/// violation (another transaction inserted the same contact first), a
/// serialization failure or a deadlock.
fn is_retryable(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(database) = error else {
        return false;
    };
    database.is_unique_violation()
        || matches!(database.code().as_deref(), Some("40001" | "40P01"))
}

/// The settings of an import that its merge needs.
pub(super) struct MergeJob {
    /// Instance that holds the claim on the import.
    pub instance: String,
    /// Whether to lock matched profiles with `for update` (PostgreSQL;
    /// SQLite has one writer, so it needs no row locks).
    pub lock_rows: bool,
    pub settings: shared::Settings,
    pub choices: shared::wire::ImportChoices,
    /// Error records of the analysis; any makes the status Completed with
    /// errors.
    pub error_records: u32,
}

/// What the import does, the same for every profile.
struct MergePlan<'a> {
    import_id: i64,
    lock_rows: bool,
    person_type: PersonType,
    on_match: OnMatch,
    /// Tags added to every created or merged profile, besides its own.
    import_tags: &'a [String],
    now: &'a str,
}

/// What happened to one file profile.
enum Outcome {
    Created { person_id: i64 },
    Updated { contacts: usize, person_id: i64 },
    Promoted { contacts: usize, person_id: i64 },
    Discarded,
    Failed { code: ErrorCode, message: String },
}

impl Store {
    /// Applies the profiles of an import in one transaction, journals the
    /// before-images for undo, and finishes the import's history row.
    ///
    /// The import fails as a whole, with nothing applied, when a merged
    /// profile would hold more than [`MAX_CONTACTS_PER_PROFILE`] contacts.
    pub(super) async fn merge_profiles(
        &self,
        import_id: i64,
        job: &MergeJob,
        profiles: &[ProfileDraft],
    ) -> anyhow::Result<ImportStatus> {
        let now = self.now_text();
        let stamp = self.now().format("%Y-%m-%d-%H%M").to_string();
        let import_tags = import_tags(&job.choices.tags, import_id, &stamp);
        let plan = MergePlan {
            import_id,
            lock_rows: job.lock_rows,
            person_type: job.settings.person_type,
            on_match: job.choices.on_match,
            import_tags: &import_tags,
            now: &now,
        };
        let _writer = self.lock_writer().await;
        let mut attempt = 1;
        loop {
            match self.merge_attempt(import_id, job, profiles, &plan).await {
                Ok(status) => return Ok(status),
                Err(error) if attempt < MAX_MERGE_ATTEMPTS && is_retryable(&error) => {
                    tracing::warn!(import_id, attempt, "merge clashed with another, retrying: {error}");
                    tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// One try of the merge transaction.
    async fn merge_attempt(
        &self,
        import_id: i64,
        job: &MergeJob,
        profiles: &[ProfileDraft],
        plan: &MergePlan<'_>,
    ) -> sqlx::Result<ImportStatus> {
        let now = plan.now;
        let total = profiles.len() as u64;
        self.set_progress(import_id, 0, total);

        let mut tx = self.begin_read_write().await?;
        let mut counts = MergeCounts::default();
        let mut failures = Vec::new();
        let mut over_limit = Vec::new();
        // Profiles the import created or changed, so they got its tags.
        let mut touched = Vec::new();
        for (index, draft) in profiles.iter().enumerate() {
            if index % 256 == 0 {
                self.set_progress(import_id, index as u64, total);
            }
            match merge_profile(&mut tx, draft, plan).await? {
                Outcome::Created { person_id } => {
                    counts.created += 1;
                    touched.push(person_id);
                }
                Outcome::Discarded => counts.discarded += 1,
                Outcome::Updated {
                    contacts,
                    person_id,
                } => {
                    counts.updated += 1;
                    touched.push(person_id);
                    if contacts > MAX_CONTACTS_PER_PROFILE {
                        over_limit.push((person_id, contacts));
                    }
                }
                Outcome::Promoted {
                    contacts,
                    person_id,
                } => {
                    counts.promoted += 1;
                    touched.push(person_id);
                    if contacts > MAX_CONTACTS_PER_PROFILE {
                        over_limit.push((person_id, contacts));
                    }
                }
                Outcome::Failed { code, message } => {
                    counts.failed += 1;
                    failures.extend(draft.rows.iter().map(|&row| RecordError {
                        row,
                        field: None,
                        code,
                        message: message.clone(),
                    }));
                }
            }
        }

        if !over_limit.is_empty() {
            tx.rollback().await?;
            let profiles: Vec<String> = over_limit
                .iter()
                .map(|(person_id, contacts)| format!("profile {person_id} would hold {contacts}"))
                .collect();
            let reason = format!(
                "nothing was imported because a profile may hold at most \
                 {MAX_CONTACTS_PER_PROFILE} emails and phones together: {}",
                profiles.join(", ")
            );
            self.finish_failed(import_id, &reason).await?;
            return Ok(ImportStatus::Failed);
        }

        insert_errors(&mut tx, import_id, &failures).await?;
        if let Some(journey_id) = job.choices.journey_id {
            enroll(&mut tx, journey_id, import_id, &touched, now).await?;
        }
        let status = if job.error_records == 0 && counts.failed == 0 {
            ImportStatus::Completed
        } else {
            ImportStatus::CompletedWithErrors
        };
        // Only the claimant finishes the import. Another instance that took
        // it over after a lost heartbeat blocks here on the row until this
        // commits, then finds it finished and rolls back.
        let finished = sqlx::query(
            "update import set status = $1, created = $2, updated = $3, promoted = $4, \
             discarded = $5, failed = $6, finished_at = $7, claimed_by = null \
             where import_id = $8 and status = $9 and claimed_by = $10",
        )
        .bind(status.key())
        .bind(i64::from(counts.created))
        .bind(i64::from(counts.updated))
        .bind(i64::from(counts.promoted))
        .bind(i64::from(counts.discarded))
        .bind(i64::from(counts.failed))
        .bind(self.now_text())
        .bind(import_id)
        .bind(ImportStatus::Importing.key())
        .bind(&job.instance)
        .execute(&mut *tx)
        .await?;
        if finished.rows_affected() == 0 {
            tx.rollback().await?;
            tracing::warn!(import_id, "another instance finished this import first");
            self.clear_progress(import_id);
            return Ok(ImportStatus::Importing);
        }
        tx.commit().await?;
        self.clear_progress(import_id);
        Ok(status)
    }

    /// Marks an import Failed with the reason people see.
    pub(super) async fn finish_failed(&self, import_id: i64, reason: &str) -> sqlx::Result<()> {
        self.clear_progress(import_id);
        sqlx::query(
            "update import set status = $1, failure = $2, finished_at = $3, claimed_by = null \
             where import_id = $4",
        )
        .bind(ImportStatus::Failed.key())
        .bind(reason)
        .bind(self.now_text())
        .bind(import_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

pub(super) fn on_match_key(on_match: OnMatch) -> &'static str {
    match on_match {
        OnMatch::Discard => "discard",
        OnMatch::Merge => "merge",
    }
}

/// The tags that the tag choice adds to every imported profile; `stamp` is
/// the import's time as `YYYY-MM-DD-HHMM`.
fn import_tags(choice: &TagChoice, import_id: i64, stamp: &str) -> Vec<String> {
    match choice {
        TagChoice::None => Vec::new(),
        TagChoice::Automatically => {
            // The id keeps two imports of the same minute apart.
            vec![format!("import-{stamp}-{import_id}")]
        }
        TagChoice::Manually(tags) => {
            let mut unique = BTreeSet::new();
            for tag in tags {
                let tag = tag.trim();
                if !tag.is_empty() {
                    unique.insert(tag.to_owned());
                }
            }
            unique.into_iter().collect()
        }
    }
}

/// Enrolls the profiles in the journey; a profile already enrolled stays
/// enrolled once.
async fn enroll(
    connection: &mut AnyConnection,
    journey_id: i64,
    import_id: i64,
    person_ids: &[i64],
    now: &str,
) -> sqlx::Result<()> {
    for &person_id in person_ids {
        sqlx::query(
            "insert into journey_enrollment (journey_id, person_id, import_id, \
             enrolled_at) values ($1, $2, $3, $4) on conflict do nothing",
        )
        .bind(journey_id)
        .bind(person_id)
        .bind(import_id)
        .bind(now)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

pub(super) async fn insert_errors(
    connection: &mut AnyConnection,
    import_id: i64,
    errors: &[RecordError],
) -> sqlx::Result<()> {
    for error in errors {
        sqlx::query(
            "insert into import_error (import_id, record_row, field, code, message) values ($1, $2, $3, $4, $5)",
        )
        .bind(import_id)
        .bind(i64::from(error.row))
        .bind(&error.field)
        .bind(error.code.key())
        .bind(&error.message)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// The identifier values of one file profile.
#[derive(Clone, Copy)]
pub(super) struct Identifiers<'a> {
    pub external_id: Option<&'a str>,
    pub emails: &'a [String],
    pub phones: &'a [String],
}

impl<'a> Identifiers<'a> {
    fn of(values: &'a ProfileValues) -> Self {
        Identifiers {
            external_id: values.external_id.as_deref(),
            emails: &values.emails,
            phones: &values.phones,
        }
    }
}

/// Stored profiles that share an identifier with the file profile.
pub(super) async fn matching_persons(
    connection: &mut AnyConnection,
    identifiers: Identifiers<'_>,
) -> sqlx::Result<BTreeSet<i64>> {
    let mut person_ids = BTreeSet::new();
    if let Some(external_id) = identifiers.external_id {
        let found: Option<i64> =
            sqlx::query_scalar("select person_id from person where external_id = $1")
                .bind(external_id)
                .fetch_optional(&mut *connection)
                .await?;
        person_ids.extend(found);
    }
    let contacts = [
        (ContactTable::Email, identifiers.emails),
        (ContactTable::Phone, identifiers.phones),
    ];
    for (table, list) in contacts {
        let sql = format!(
            "select person_id from {} where {} = $1",
            table.table(),
            table.column()
        );
        for value in list {
            let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .bind(value)
                .fetch_optional(&mut *connection)
                .await?;
            person_ids.extend(found);
        }
    }
    Ok(person_ids)
}

async fn merge_profile(
    connection: &mut AnyConnection,
    draft: &ProfileDraft,
    plan: &MergePlan<'_>,
) -> sqlx::Result<Outcome> {
    let matches = matching_persons(connection, Identifiers::of(&draft.values)).await?;
    let mut matches = matches.into_iter();
    let Some(person_id) = matches.next() else {
        let person_id = insert_person(connection, &draft.values, plan).await?;
        return Ok(Outcome::Created { person_id });
    };
    if matches.next().is_some() {
        return Ok(Outcome::Failed {
            code: ErrorCode::AmbiguousMatch,
            message: "the record's identifiers match two or more stored profiles, so it was \
                      not merged; give each profile its own email, phone and external ID"
                .into(),
        });
    }
    if plan.on_match == OnMatch::Discard {
        return Ok(Outcome::Discarded);
    }
    update_person(connection, person_id, &draft.values, plan).await
}

async fn insert_person(
    connection: &mut AnyConnection,
    values: &ProfileValues,
    plan: &MergePlan<'_>,
) -> sqlx::Result<i64> {
    let person_id: i64 = sqlx::query_scalar(
        "insert into person (person_type, external_id, first_name, last_name, middle_name, \
         gender, birth_date, address, city, country, preferred_language, custom, created_at, \
         updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning person_id",
    )
    .bind(plan.person_type.key())
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
    .bind(custom_json(values))
    .bind(plan.now)
    .bind(plan.now)
    .fetch_one(&mut *connection)
    .await?;
    add_contacts(
        connection,
        person_id,
        ContactTable::Email,
        &[],
        &values.emails,
    )
    .await?;
    add_contacts(
        connection,
        person_id,
        ContactTable::Phone,
        &[],
        &values.phones,
    )
    .await?;
    add_tags(connection, person_id, values, plan).await?;
    journal(connection, plan.import_id, person_id, None).await?;
    Ok(person_id)
}

/// The state of a stored profile that undo puts back.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(super) struct BeforeImage {
    pub person_type: PersonType,
    pub values: ProfileValues,
    pub updated_at: String,
}

/// Journals what the import does to a profile: `None` when it created the
/// profile, else the profile's state before. The first entry of an import
/// for a profile wins, so it keeps the state from before the import.
async fn journal(
    connection: &mut AnyConnection,
    import_id: i64,
    person_id: i64,
    before: Option<&BeforeImage>,
) -> sqlx::Result<()> {
    let (action, before_image) = match before {
        None => ("created", None),
        Some(image) => (
            "updated",
            Some(serde_json::to_string(image).map_err(|error| {
                sqlx::Error::Encode(format!("cannot journal profile {person_id}: {error}").into())
            })?),
        ),
    };
    sqlx::query(
        "insert into import_journal (import_id, person_id, action, before_image) \
         values ($1, $2, $3, $4) on conflict do nothing",
    )
    .bind(import_id)
    .bind(person_id)
    .bind(action)
    .bind(before_image)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// How the file's values combine with a stored profile's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Combine {
    /// The file's non-empty values replace the stored ones.
    Overwrite,
    /// The file's values fill only the stored profile's empty fields, so a
    /// lead import never overwrites customer data.
    FillEmpty,
}

fn combine(stored: &Option<String>, file: &Option<String>, mode: Combine) -> Option<String> {
    match mode {
        Combine::Overwrite => file.clone().or_else(|| stored.clone()),
        Combine::FillEmpty => stored.clone().or_else(|| file.clone()),
    }
}

async fn update_person(
    connection: &mut AnyConnection,
    person_id: i64,
    file: &ProfileValues,
    plan: &MergePlan<'_>,
) -> sqlx::Result<Outcome> {
    let select = if plan.lock_rows {
        "select * from person where person_id = $1 for update"
    } else {
        "select * from person where person_id = $1"
    };
    let row = sqlx::query(select)
        .bind(person_id)
        .fetch_one(&mut *connection)
        .await?;
    let stored_type: PersonType = parse_key(&row, "person_type")?;
    let stored = values_from_row(&row)?;
    let stored_updated_at: String = row.try_get("updated_at")?;

    if let (Some(stored_id), Some(file_id)) = (&stored.external_id, &file.external_id) {
        if stored_id != file_id {
            return Ok(Outcome::Failed {
                code: ErrorCode::ConflictingIdentifiers,
                message: "the record's email or phone belongs to a stored profile with another \
                          external ID, so it was not merged"
                    .into(),
            });
        }
    }

    let stored_emails = contact_list(connection, ContactTable::Email, person_id).await?;
    let stored_phones = contact_list(connection, ContactTable::Phone, person_id).await?;
    let before = BeforeImage {
        person_type: stored_type,
        values: ProfileValues {
            emails: stored_emails.clone(),
            phones: stored_phones.clone(),
            tags: tag_list(connection, person_id).await?,
            ..stored.clone()
        },
        updated_at: stored_updated_at,
    };
    journal(connection, plan.import_id, person_id, Some(&before)).await?;

    let mode = if plan.person_type == PersonType::Lead && stored_type == PersonType::Customer {
        Combine::FillEmpty
    } else {
        Combine::Overwrite
    };
    let promoted = plan.person_type == PersonType::Customer && stored_type == PersonType::Lead;
    let new_type = if promoted {
        PersonType::Customer
    } else {
        stored_type
    };
    let mut custom = stored.custom.clone();
    for (name, value) in &file.custom {
        if mode == Combine::Overwrite || !custom.contains_key(name) {
            custom.insert(name.clone(), value.clone());
        }
    }
    let custom_text = serde_json::to_string(&custom).unwrap_or_else(|_| "{}".into());

    sqlx::query(
        "update person set person_type = $1, external_id = $2, first_name = $3, last_name = $4, \
         middle_name = $5, gender = $6, birth_date = $7, address = $8, city = $9, country = $10, \
         preferred_language = $11, custom = $12, updated_at = $13 where person_id = $14",
    )
    .bind(new_type.key())
    .bind(combine(
        &stored.external_id,
        &file.external_id,
        Combine::FillEmpty,
    ))
    .bind(combine(&stored.first_name, &file.first_name, mode))
    .bind(combine(&stored.last_name, &file.last_name, mode))
    .bind(combine(&stored.middle_name, &file.middle_name, mode))
    .bind(combine(&stored.gender, &file.gender, mode))
    .bind(combine(&stored.birth_date, &file.birth_date, mode))
    .bind(combine(&stored.address, &file.address, mode))
    .bind(combine(&stored.city, &file.city, mode))
    .bind(combine(&stored.country, &file.country, mode))
    .bind(combine(
        &stored.preferred_language,
        &file.preferred_language,
        mode,
    ))
    .bind(custom_text)
    .bind(plan.now)
    .bind(person_id)
    .execute(&mut *connection)
    .await?;

    let emails = add_contacts(
        connection,
        person_id,
        ContactTable::Email,
        &stored_emails,
        &file.emails,
    )
    .await?;
    let phones = add_contacts(
        connection,
        person_id,
        ContactTable::Phone,
        &stored_phones,
        &file.phones,
    )
    .await?;
    add_tags(connection, person_id, file, plan).await?;

    let contacts = emails + phones;
    Ok(if promoted {
        Outcome::Promoted {
            contacts,
            person_id,
        }
    } else {
        Outcome::Updated {
            contacts,
            person_id,
        }
    })
}

/// Adds the file's contacts that the profile lacks, after the stored ones,
/// and returns how many contacts of this type the profile then holds.
async fn add_contacts(
    connection: &mut AnyConnection,
    person_id: i64,
    table: ContactTable,
    stored: &[String],
    file: &[String],
) -> sqlx::Result<usize> {
    let sql = format!(
        "insert into {} (person_id, {}, position) values ($1, $2, $3)",
        table.table(),
        table.column()
    );
    let mut held: Vec<&String> = stored.iter().collect();
    for value in file {
        if held.contains(&value) {
            continue;
        }
        let position = i64::try_from(held.len()).unwrap_or(i64::MAX);
        sqlx::query(AssertSqlSafe(sql.as_str()))
            .bind(person_id)
            .bind(value)
            .bind(position)
            .execute(&mut *connection)
            .await?;
        held.push(value);
    }
    Ok(held.len())
}

async fn add_tags(
    connection: &mut AnyConnection,
    person_id: i64,
    values: &ProfileValues,
    plan: &MergePlan<'_>,
) -> sqlx::Result<()> {
    for tag in values.tags.iter().chain(plan.import_tags) {
        sqlx::query(
            "insert into person_tag (person_id, tag) values ($1, $2) on conflict do nothing",
        )
        .bind(person_id)
        .bind(tag)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

fn custom_json(values: &ProfileValues) -> String {
    serde_json::to_string(&values.custom).unwrap_or_else(|_| "{}".into())
}
