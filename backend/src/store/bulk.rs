//! The merge of one chunk of file profiles with set-based statements.
//! Identifiers are looked up with `in (...)` lists. New profiles and their
//! contacts, tags and journal rows go in multi-row inserts. Matched
//! profiles are loaded together, merged in memory and written back with
//! multi-row `update ... from (values ...)` statements.
//!
//! Two file profiles of one import never share an identifier (the import
//! is checked for that before the merge), so a profile the import creates
//! is never matched by a later one; two file profiles can still match the
//! same stored profile, and are then applied to it one after the other.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use shared::wire::OnMatch;
use shared::{ErrorCode, PersonType, ProfileDraft, ProfileValues};
// Dynamic SQL here only joins constant table and column names and
// generated placeholder lists.
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::history::parse_key;
use super::merge::{combine, BeforeImage, Combine, Identifiers, MergePlan, Outcome};
use super::persons::{values_from_row, ContactTable};
use super::Engine;

/// File profiles merged per chunk.
pub(super) const CHUNK_PROFILES: usize = 500;

/// Most bind parameters one statement gets on PostgreSQL, which allows
/// 65,535.
const MAX_PARAMETERS: usize = 10_000;

/// Most bind parameters one statement gets on SQLite, which allows
/// 32,766. The generated lists use `?` placeholders there (see
/// [`placeholder`]), so binding costs grow only linearly with the count.
/// Larger statements then save round trips to sqlx's SQLite worker
/// thread: at 4,000 the merge of 100,000 new profiles ran 112,000
/// profiles/s, at 250 it ran 81,000 (bench_merge, shared 2-core machine).
const SQLITE_MAX_PARAMETERS: usize = 4_000;

/// Most bind parameters one statement on `connection` gets.
pub(super) fn max_parameters(connection: &AnyConnection) -> usize {
    if is_sqlite(connection) {
        SQLITE_MAX_PARAMETERS
    } else {
        MAX_PARAMETERS
    }
}

pub(super) fn is_sqlite(connection: &AnyConnection) -> bool {
    connection.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME
}

/// Returns the `n`-th placeholder (1-based) of a generated list: `$n` on
/// PostgreSQL, and `?` on SQLite, where sqlx finds a numbered parameter
/// by scanning the statement's parameter names, which costs time in
/// proportion to their count on every bind.
fn placeholder(numbered: bool, n: usize) -> String {
    if numbered {
        format!("${n}")
    } else {
        "?".to_owned()
    }
}

/// A value bound to a placeholder.
#[derive(Clone, Debug)]
enum Param {
    Int(i64),
    Text(Option<String>),
}

impl From<i64> for Param {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Param::Text(Some(value.to_owned()))
    }
}

impl From<&Option<String>> for Param {
    fn from(value: &Option<String>) -> Self {
        Param::Text(value.clone())
    }
}

/// Inserts rows with as few statements as the parameter limit allows.
/// `head` is `insert into table (columns)` and `tail` follows the values,
/// such as `on conflict do nothing`.
async fn insert_rows(
    connection: &mut AnyConnection,
    head: &str,
    tail: &str,
    columns: usize,
    rows: &[Vec<Param>],
) -> sqlx::Result<()> {
    let rows_per_statement = (max_parameters(connection) / columns).max(1);
    for group in rows.chunks(rows_per_statement) {
        let list = values_list(!is_sqlite(connection), group.len(), columns);
        let sql = format!("{head} values {list} {tail}");
        execute_with_rows(connection, sql, group).await?;
    }
    Ok(())
}

/// Builds a `($1,$2),($3,$4)` list of `rows` rows of `columns` placeholders each.
fn values_list(numbered: bool, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    let mut number = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push(',');
            }
            number += 1;
            sql.push_str(&placeholder(numbered, number));
        }
        sql.push(')');
    }
    sql
}

/// Runs `sql` with the values of `rows`, row after row, bound to its
/// placeholders.
async fn execute_with_rows(
    connection: &mut AnyConnection,
    sql: String,
    rows: &[Vec<Param>],
) -> sqlx::Result<()> {
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for row in rows {
        for param in row {
            query = match param {
                Param::Int(value) => query.bind(*value),
                Param::Text(value) => query.bind(value.clone()),
            };
        }
    }
    query.execute(&mut *connection).await?;
    Ok(())
}

/// Builds a `$1,$2,...` (or `?,?,...`) list of `count` placeholders.
pub(super) fn placeholders(numbered: bool, count: usize) -> String {
    (1..=count)
        .map(|n| placeholder(numbered, n))
        .collect::<Vec<_>>()
        .join(",")
}

/// Maps each of `values` found in `column` of `table` to its `person_id`.
async fn lookup_persons(
    connection: &mut AnyConnection,
    table: &str,
    column: &str,
    values: &[&str],
) -> sqlx::Result<HashMap<String, i64>> {
    let mut found = HashMap::new();
    for group in values.chunks(max_parameters(connection)) {
        let sql = format!(
            "select {column}, person_id from {table} where {column} in ({})",
            placeholders(!is_sqlite(connection), group.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for value in group {
            query = query.bind(*value);
        }
        for row in query.fetch_all(&mut *connection).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

/// Reserves `count` new person ids. On SQLite the merge holds the write
/// lock, so the ids after the largest are free; on PostgreSQL they come
/// from the identity column's sequence.
async fn reserve_person_ids(
    connection: &mut AnyConnection,
    engine: Engine,
    count: usize,
) -> sqlx::Result<Vec<i64>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    match engine {
        Engine::Sqlite => {
            let largest: i64 = sqlx::query_scalar("select coalesce(max(person_id), 0) from person")
                .fetch_one(&mut *connection)
                .await?;
            Ok((1..=count as i64).map(|n| largest + n).collect())
        }
        Engine::Postgres => {
            sqlx::query_scalar(
                "select nextval(pg_get_serial_sequence('person', 'person_id')) \
                 from generate_series(1, $1)",
            )
            .bind(count as i64)
            .fetch_all(&mut *connection)
            .await
        }
    }
}

/// A stored profile loaded for merging, with its contacts and tags.
struct StoredPerson {
    person_type: PersonType,
    values: ProfileValues,
    updated_at: String,
}

/// Merges one chunk and returns the outcome of each of its profiles, in
/// order.
pub(super) async fn merge_chunk(
    connection: &mut AnyConnection,
    engine: Engine,
    chunk: &[ProfileDraft],
    plan: &MergePlan<'_>,
) -> sqlx::Result<Vec<Outcome>> {
    let matches = match_chunk(connection, chunk).await?;

    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(chunk.len());
    let mut new_profiles = Vec::new();
    let mut updates: Vec<(usize, i64)> = Vec::new();
    for (index, person_ids) in matches.iter().enumerate() {
        let mut ids = person_ids.iter();
        match (ids.next(), ids.next()) {
            (None, _) => {
                new_profiles.push(index);
                outcomes.push(None);
            }
            (Some(_), Some(_)) => outcomes.push(Some(Outcome::Failed {
                code: ErrorCode::AmbiguousMatch,
                message: "the record's identifiers match two or more stored profiles, so it \
                          was not merged; give each profile its own email, phone and external ID"
                    .into(),
            })),
            (Some(_), None) if plan.on_match == OnMatch::Discard => {
                outcomes.push(Some(Outcome::Discarded))
            }
            (Some(&person_id), None) => {
                updates.push((index, person_id));
                outcomes.push(None);
            }
        }
    }

    let created = insert_new_profiles(connection, engine, chunk, &new_profiles, plan).await?;
    for (index, person_id) in new_profiles.iter().zip(created) {
        outcomes[*index] = Some(Outcome::Created { person_id });
    }
    for (index, outcome) in update_profiles(connection, chunk, &updates, plan).await? {
        outcomes[index] = Some(outcome);
    }
    Ok(outcomes
        .into_iter()
        .map(|outcome| outcome.unwrap_or(Outcome::Discarded))
        .collect())
}

/// The stored profiles each file profile of the chunk matches.
async fn match_chunk(
    connection: &mut AnyConnection,
    chunk: &[ProfileDraft],
) -> sqlx::Result<Vec<BTreeSet<i64>>> {
    let identifiers: Vec<Identifiers<'_>> = chunk
        .iter()
        .map(|draft| Identifiers {
            external_id: draft.values.external_id.as_deref(),
            emails: &draft.values.emails,
            phones: &draft.values.phones,
        })
        .collect();
    match_identifiers(connection, &identifiers).await
}

/// The stored profiles that share an identifier with each entry.
pub(super) async fn match_identifiers(
    connection: &mut AnyConnection,
    entries: &[Identifiers<'_>],
) -> sqlx::Result<Vec<BTreeSet<i64>>> {
    let external_ids: Vec<&str> = entries
        .iter()
        .filter_map(|entry| entry.external_id)
        .collect();
    let emails: Vec<&str> = entries
        .iter()
        .flat_map(|entry| entry.emails.iter().map(String::as_str))
        .collect();
    let phones: Vec<&str> = entries
        .iter()
        .flat_map(|entry| entry.phones.iter().map(String::as_str))
        .collect();
    let by_external_id = lookup_persons(connection, "person", "external_id", &external_ids).await?;
    let by_email = lookup_persons(connection, "person_email", "email", &emails).await?;
    let by_phone = lookup_persons(connection, "person_phone", "phone", &phones).await?;

    Ok(entries
        .iter()
        .map(|entry| {
            let mut ids = BTreeSet::new();
            if let Some(external_id) = entry.external_id {
                ids.extend(by_external_id.get(external_id));
            }
            ids.extend(entry.emails.iter().filter_map(|email| by_email.get(email)));
            ids.extend(entry.phones.iter().filter_map(|phone| by_phone.get(phone)));
            ids
        })
        .collect())
}

fn custom_json(custom: &BTreeMap<String, String>) -> String {
    serde_json::to_string(custom).unwrap_or_else(|_| "{}".into())
}

/// Person columns in the order `person_params` gives them.
const PERSON_COLUMNS: &str = "person_id, person_type, external_id, first_name, last_name, \
     middle_name, gender, birth_date, address, city, country, preferred_language, custom, \
     created_at, updated_at";

fn person_params(
    person_id: i64,
    person_type: PersonType,
    values: &ProfileValues,
    now: &str,
) -> Vec<Param> {
    vec![
        person_id.into(),
        person_type.key().into(),
        (&values.external_id).into(),
        (&values.first_name).into(),
        (&values.last_name).into(),
        (&values.middle_name).into(),
        (&values.gender).into(),
        (&values.birth_date).into(),
        (&values.address).into(),
        (&values.city).into(),
        (&values.country).into(),
        (&values.preferred_language).into(),
        custom_json(&values.custom).as_str().into(),
        now.into(),
        now.into(),
    ]
}

/// Contact and tag rows that a chunk adds.
#[derive(Default)]
struct ChunkRows {
    emails: Vec<Vec<Param>>,
    phones: Vec<Vec<Param>>,
    tags: Vec<Vec<Param>>,
    journal: Vec<Vec<Param>>,
}

impl ChunkRows {
    /// Adds the contacts after `held` of each type, at the next positions.
    fn add_contacts(
        &mut self,
        person_id: i64,
        table: ContactTable,
        held: &mut Vec<String>,
        file: &[String],
    ) {
        for value in file {
            if held.contains(value) {
                continue;
            }
            let row = vec![
                person_id.into(),
                value.as_str().into(),
                (held.len() as i64).into(),
            ];
            match table {
                ContactTable::Email => self.emails.push(row),
                ContactTable::Phone => self.phones.push(row),
            }
            held.push(value.clone());
        }
    }

    fn add_tags(&mut self, person_id: i64, values: &ProfileValues, plan: &MergePlan<'_>) {
        for tag in values.tags.iter().chain(plan.import_tags) {
            self.tags.push(vec![person_id.into(), tag.as_str().into()]);
        }
    }

    async fn write(self, connection: &mut AnyConnection) -> sqlx::Result<()> {
        insert_rows(
            connection,
            "insert into person_email (person_id, email, position)",
            "",
            3,
            &self.emails,
        )
        .await?;
        insert_rows(
            connection,
            "insert into person_phone (person_id, phone, position)",
            "",
            3,
            &self.phones,
        )
        .await?;
        insert_rows(
            connection,
            "insert into person_tag (person_id, tag)",
            "on conflict do nothing",
            2,
            &self.tags,
        )
        .await?;
        insert_rows(
            connection,
            "insert into import_journal (import_id, person_id, action, before_image)",
            "on conflict do nothing",
            4,
            &self.journal,
        )
        .await
    }
}

/// Creates the file profiles at `indexes` and returns their new ids.
async fn insert_new_profiles(
    connection: &mut AnyConnection,
    engine: Engine,
    chunk: &[ProfileDraft],
    indexes: &[usize],
    plan: &MergePlan<'_>,
) -> sqlx::Result<Vec<i64>> {
    let person_ids = reserve_person_ids(connection, engine, indexes.len()).await?;
    let mut persons = Vec::with_capacity(indexes.len());
    let mut rows = ChunkRows::default();
    for (&index, &person_id) in indexes.iter().zip(&person_ids) {
        let values = &chunk[index].values;
        persons.push(person_params(person_id, plan.person_type, values, plan.now));
        rows.add_contacts(
            person_id,
            ContactTable::Email,
            &mut Vec::new(),
            &values.emails,
        );
        rows.add_contacts(
            person_id,
            ContactTable::Phone,
            &mut Vec::new(),
            &values.phones,
        );
        rows.add_tags(person_id, values, plan);
        rows.journal.push(vec![
            plan.import_id.into(),
            person_id.into(),
            "created".into(),
            Param::Text(None),
        ]);
    }
    let head = format!("insert into person ({PERSON_COLUMNS})");
    insert_rows(connection, &head, "", 15, &persons).await?;
    rows.write(connection).await?;
    Ok(person_ids)
}

/// Loads the stored profiles with their contacts and tags, locking them
/// on PostgreSQL.
async fn load_persons(
    connection: &mut AnyConnection,
    person_ids: &[i64],
    lock_rows: bool,
) -> sqlx::Result<HashMap<i64, StoredPerson>> {
    let mut persons = HashMap::new();
    for group in person_ids.chunks(max_parameters(connection)) {
        let list = placeholders(!is_sqlite(connection), group.len());
        let lock = if lock_rows { " for update" } else { "" };
        let sql =
            format!("select * from person where person_id in ({list}) order by person_id{lock}");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in group {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *connection).await? {
            persons.insert(
                row.try_get::<i64, _>("person_id")?,
                StoredPerson {
                    person_type: parse_key(&row, "person_type")?,
                    values: values_from_row(&row)?,
                    updated_at: row.try_get("updated_at")?,
                },
            );
        }
        let lists = [
            ("select person_id, email from person_email", "position"),
            ("select person_id, phone from person_phone", "position"),
            ("select person_id, tag from person_tag", "tag"),
        ];
        for (kind, (select, order)) in lists.into_iter().enumerate() {
            let sql = format!("{select} where person_id in ({list}) order by person_id, {order}");
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for id in group {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut *connection).await? {
                let person_id: i64 = row.try_get(0)?;
                let value: String = row.try_get(1)?;
                if let Some(person) = persons.get_mut(&person_id) {
                    match kind {
                        0 => person.values.emails.push(value),
                        1 => person.values.phones.push(value),
                        _ => person.values.tags.push(value),
                    }
                }
            }
        }
    }
    Ok(persons)
}

/// Merges file profiles into the stored profiles they match, one after the
/// other in chunk order.
async fn update_profiles(
    connection: &mut AnyConnection,
    chunk: &[ProfileDraft],
    updates: &[(usize, i64)],
    plan: &MergePlan<'_>,
) -> sqlx::Result<Vec<(usize, Outcome)>> {
    if updates.is_empty() {
        return Ok(Vec::new());
    }
    let mut person_ids: Vec<i64> = updates.iter().map(|&(_, id)| id).collect();
    person_ids.sort_unstable();
    person_ids.dedup();
    let mut persons = load_persons(connection, &person_ids, plan.lock_rows).await?;

    let mut rows = ChunkRows::default();
    let mut changed = BTreeSet::new();
    let mut outcomes = Vec::with_capacity(updates.len());
    for &(index, person_id) in updates {
        let Some(stored) = persons.get_mut(&person_id) else {
            // Removed between the match and the load: treat as new next time.
            outcomes.push((index, Outcome::Discarded));
            continue;
        };
        let file = &chunk[index].values;
        if let (Some(stored_id), Some(file_id)) = (&stored.values.external_id, &file.external_id) {
            if stored_id != file_id {
                outcomes.push((
                    index,
                    Outcome::Failed {
                        code: ErrorCode::ConflictingIdentifiers,
                        message: "the record's email or phone belongs to a stored profile with \
                                  another external ID, so it was not merged"
                            .into(),
                    },
                ));
                continue;
            }
        }

        let before = BeforeImage {
            person_type: stored.person_type,
            values: stored.values.clone(),
            updated_at: stored.updated_at.clone(),
        };
        let before_image = serde_json::to_string(&before).map_err(|error| {
            sqlx::Error::Encode(format!("cannot journal profile {person_id}: {error}").into())
        })?;
        rows.journal.push(vec![
            plan.import_id.into(),
            person_id.into(),
            "updated".into(),
            Param::Text(Some(before_image)),
        ]);

        let outcome = apply_file_profile(person_id, stored, file, plan, &mut rows);
        changed.insert(person_id);
        outcomes.push((index, outcome));
    }

    let changed: Vec<(i64, &StoredPerson)> = changed
        .into_iter()
        .filter_map(|person_id| Some((person_id, persons.get(&person_id)?)))
        .collect();
    write_persons(connection, &changed, plan.now).await?;
    rows.write(connection).await?;
    Ok(outcomes)
}

/// Merges one file profile into a stored profile in memory and records the
/// contact and tag rows to add.
fn apply_file_profile(
    person_id: i64,
    stored: &mut StoredPerson,
    file: &ProfileValues,
    plan: &MergePlan<'_>,
    rows: &mut ChunkRows,
) -> Outcome {
    let mode = if plan.person_type == PersonType::Lead && stored.person_type == PersonType::Customer
    {
        Combine::FillEmpty
    } else {
        Combine::Overwrite
    };
    let promoted =
        plan.person_type == PersonType::Customer && stored.person_type == PersonType::Lead;
    if promoted {
        stored.person_type = PersonType::Customer;
    }
    let values = &mut stored.values;
    values.external_id = combine(&values.external_id, &file.external_id, Combine::FillEmpty);
    for (stored_field, file_field) in [
        (&mut values.first_name, &file.first_name),
        (&mut values.last_name, &file.last_name),
        (&mut values.middle_name, &file.middle_name),
        (&mut values.gender, &file.gender),
        (&mut values.birth_date, &file.birth_date),
        (&mut values.address, &file.address),
        (&mut values.city, &file.city),
        (&mut values.country, &file.country),
        (&mut values.preferred_language, &file.preferred_language),
    ] {
        *stored_field = combine(stored_field, file_field, mode);
    }
    for (name, value) in &file.custom {
        if mode == Combine::Overwrite || !values.custom.contains_key(name) {
            values.custom.insert(name.clone(), value.clone());
        }
    }
    rows.add_contacts(
        person_id,
        ContactTable::Email,
        &mut values.emails,
        &file.emails,
    );
    rows.add_contacts(
        person_id,
        ContactTable::Phone,
        &mut values.phones,
        &file.phones,
    );
    for tag in file.tags.iter().chain(plan.import_tags) {
        if !values.tags.contains(tag) {
            values.tags.push(tag.clone());
        }
    }
    rows.add_tags(person_id, file, plan);

    let contacts = values.emails.len() + values.phones.len();
    if promoted {
        Outcome::Promoted {
            contacts,
            person_id,
        }
    } else {
        Outcome::Updated {
            contacts,
            person_id,
        }
    }
}

/// Writes merged profiles back with one `update ... from (values ...)`
/// statement per group of rows. SQLite (3.33 and later) and PostgreSQL
/// both name the columns of a `values` list `column1`, `column2` and so on.
async fn write_persons(
    connection: &mut AnyConnection,
    persons: &[(i64, &StoredPerson)],
    now: &str,
) -> sqlx::Result<()> {
    // The rows of `person_params`, whose `created_at` (column14) stays unused.
    const COLUMNS: usize = 15;
    let rows: Vec<Vec<Param>> = persons
        .iter()
        .map(|&(person_id, person)| {
            person_params(person_id, person.person_type, &person.values, now)
        })
        .collect();
    let rows_per_statement = (max_parameters(connection) / COLUMNS).max(1);
    for group in rows.chunks(rows_per_statement) {
        let sql = format!(
            "update person set person_type = v.column2, external_id = v.column3, \
             first_name = v.column4, last_name = v.column5, middle_name = v.column6, \
             gender = v.column7, birth_date = v.column8, address = v.column9, city = v.column10, \
             country = v.column11, preferred_language = v.column12, custom = v.column13, \
             updated_at = v.column15 from (values {}) as v where person.person_id = v.column1",
            values_list(!is_sqlite(connection), group.len(), COLUMNS)
        );
        execute_with_rows(connection, sql, group).await?;
    }
    Ok(())
}
