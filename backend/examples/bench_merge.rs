//! Throughput of the store's merge, against a bare bulk insert of the same
//! rows on the same database.
//!
//! ```sh
//! cargo run --release -p backend --example bench_merge -- DATABASE_URL PROFILES
//! ```
//!
//! `DATABASE_URL` must name an empty database (`sqlite://PATH` of a file
//! that does not exist yet, or a new PostgreSQL database); the bench fills
//! it and leaves it behind. It runs, in this order:
//!
//! 1. `new`: an import of `PROFILES` new profiles into the empty store;
//! 2. `into_existing`: an import of `PROFILES` profiles, half of them new
//!    and half matching profiles of step 1, merged into them;
//! 3. `bare_new`: plain multi-row `insert`s of the rows of step 1 (a
//!    person and an email each), in one transaction, into a fresh pair of
//!    tables with the store's columns and unique constraints;
//! 4. `bare_into_existing`: the rows of step 2 inserted the same way into
//!    those tables, which then hold the rows of step 3. Emails that are
//!    already stored are skipped by `on conflict do nothing`, as a bare
//!    insert does no matching.
//!
//! Steps 1 and 2 go through the public store API exactly as the server's
//! batch upload does: `create_import`, `store_batch` per batch of
//! `shared::wire::BATCH_PROFILES`, `commit_import`, then `run_import`, which
//! is the merge and the figure reported. Prints one JSON object. Used by
//! `scripts/bench.sh`; see BENCHMARKS.md.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use backend::store::{Engine, Inserted, Store};
use serde_json::json;
use shared::wire::{ImportChoices, ImportStatus, NewImport, OnMatch, TagChoice, BATCH_PROFILES};
use shared::{ColumnMapping, PersonType, ProfileDraft, ProfileValues, Settings, Summary};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

/// Instance name under which the bench claims its imports.
const INSTANCE: &str = "bench";

/// Rows per statement of the bare insert on SQLite, as many as the store's
/// merge binds (`?` placeholders, at most 4,000 values). With `$N`
/// placeholders sqlx 0.9 finds each parameter by scanning the names of
/// all of them, so binding grows with the square of their count. `?`
/// placeholders have no names to scan.
const SQLITE_ROWS_PER_STATEMENT: usize = 500;

/// Rows per statement of the bare insert on PostgreSQL, where larger
/// statements save round trips; persons bind 8 values a row, far below
/// the limit of 65,535.
const POSTGRES_ROWS_PER_STATEMENT: usize = 1_000;

const FIRST_NAMES: [&str; 8] = [
    "Anna", "Ben", "Chloé", "Jürgen", "Elif", "Lukas", "Maja", "Zoë",
];
const LAST_NAMES: [&str; 8] = [
    "Müller", "Schmidt", "Weber", "Yılmaz", "Nguyen", "Rossi", "Okafor", "Krüger",
];
const CITIES: [&str; 6] = ["Berlin", "Hamburg", "München", "Köln", "Wien", "Zürich"];

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(count)) = (args.first(), args.get(1)) else {
        eprintln!("usage: bench_merge DATABASE_URL PROFILES");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("PROFILES must be a whole number, got {count:?}");
        return ExitCode::from(2);
    };
    if count < 2 {
        eprintln!("PROFILES must be 2 or more");
        return ExitCode::from(2);
    }
    match run(url, count).await {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bench_merge failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(url: &str, count: usize) -> anyhow::Result<serde_json::Value> {
    let load_at_start = load_average();
    let store = Store::open(url)
        .await
        .with_context(|| format!("cannot open the store at {url}"))?;
    let engine = format!("{:?}", store.engine()).to_lowercase();
    let hash = backend::auth::hash_password("bench-password-123")?;
    if let Inserted::NameTaken = store.add_user("bench", &hash).await? {
        bail!("the database at {url} already has a user `bench`: use an empty database");
    }
    let (user, _) = store
        .find_user("bench")
        .await?
        .context("the user `bench` was not found after it was added")?;

    let first: Vec<ProfileDraft> = (0..count).map(|index| profile(index, 0)).collect();
    // Even positions match a profile of the first import (with a new city),
    // odd positions are new.
    let second: Vec<ProfileDraft> = (0..count)
        .map(|index| {
            if index % 2 == 0 {
                profile(index / 2, 1)
            } else {
                profile(count + index / 2, 1)
            }
        })
        .collect();

    eprintln!("bench_merge: {engine}, import of {count} new profiles");
    let new = import(&store, &user, "new.csv", &first, OnMatch::Merge).await?;
    check_counts(&new, count, 0)?;
    eprintln!("bench_merge: {engine}, import of {count} profiles into {count}");
    let into_existing = import(&store, &user, "half.csv", &second, OnMatch::Merge).await?;
    check_counts(&into_existing, count - count / 2, count / 2)?;

    let pool = open_pool(url).await?;
    create_bare_tables(&pool, store.engine()).await?;
    eprintln!("bench_merge: {engine}, bare insert of {count} rows");
    // PostgreSQL takes `$N` placeholders, SQLite `?` as the store's merge.
    let numbered = store.engine() == Engine::Postgres;
    let rows_per_statement = match store.engine() {
        Engine::Sqlite => SQLITE_ROWS_PER_STATEMENT,
        Engine::Postgres => POSTGRES_ROWS_PER_STATEMENT,
    };
    let (bare_new, bare_new_cpu_ms) =
        bare_insert(&pool, &first, 0, false, rows_per_statement, numbered).await?;
    eprintln!("bench_merge: {engine}, bare insert of {count} rows into {count}");
    let (bare_into_existing, bare_into_existing_cpu_ms) =
        bare_insert(&pool, &second, count, true, rows_per_statement, numbered).await?;
    pool.close().await;

    let rate = |elapsed: Duration| count as f64 / elapsed.as_secs_f64();
    let ratio = |merge: Duration, bare: Duration| merge.as_secs_f64() / bare.as_secs_f64();
    Ok(json!({
        "engine": engine,
        "profiles": count,
        "load_average": [load_at_start, load_average()],
        "new": {
            "upload_ms": millis(new.upload),
            "merge_ms": millis(new.merge),
            "merge_cpu_ms": new.merge_cpu_ms,
            "profiles_per_s": rate(new.merge).round(),
            "counts": new.counts,
        },
        "into_existing": {
            "upload_ms": millis(into_existing.upload),
            "merge_ms": millis(into_existing.merge),
            "merge_cpu_ms": into_existing.merge_cpu_ms,
            "profiles_per_s": rate(into_existing.merge).round(),
            "counts": into_existing.counts,
        },
        "bare_new": {
            "ms": millis(bare_new),
            "cpu_ms": bare_new_cpu_ms,
            "rows_per_s": rate(bare_new).round(),
        },
        "bare_into_existing": {
            "ms": millis(bare_into_existing),
            "cpu_ms": bare_into_existing_cpu_ms,
            "rows_per_s": rate(bare_into_existing).round(),
        },
        "merge_over_bare": {
            "new": ratio(new.merge, bare_new),
            "into_existing": ratio(into_existing.merge, bare_into_existing),
        },
    }))
}

/// A valid, normalized profile. `version` changes the city, so a profile
/// merged into its stored twin has a value to update.
fn profile(index: usize, version: usize) -> ProfileDraft {
    let row = u32::try_from(index + 2).unwrap_or(u32::MAX);
    ProfileDraft {
        rows: vec![row],
        values: ProfileValues {
            first_name: Some(FIRST_NAMES[index % FIRST_NAMES.len()].to_owned()),
            last_name: Some(LAST_NAMES[(index / 8) % LAST_NAMES.len()].to_owned()),
            birth_date: Some(format!(
                "{}-{:02}-{:02}",
                1940 + index % 60,
                1 + index % 12,
                1 + index % 28
            )),
            city: Some(CITIES[(index + version) % CITIES.len()].to_owned()),
            emails: vec![format!("person{index}@bench.example.com")],
            ..ProfileValues::default()
        },
    }
}

/// Times of one import through the store API; `merge_cpu_ms` is this
/// process's CPU time during the merge.
struct Timed {
    upload: Duration,
    merge: Duration,
    merge_cpu_ms: f64,
    counts: shared::wire::MergeCounts,
}

async fn import(
    store: &Store,
    user: &backend::store::User,
    file_name: &str,
    profiles: &[ProfileDraft],
    on_match: OnMatch,
) -> anyhow::Result<Timed> {
    let records = u32::try_from(profiles.len())?;
    let mapping = [
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Birthday", "birth_date"),
        ("City", "city"),
        ("Email", "email"),
    ]
    .into_iter()
    .map(|(header, field)| {
        let field = field.parse().map_err(anyhow::Error::from)?;
        Ok((
            header.to_owned(),
            ColumnMapping {
                field,
                option: None,
            },
        ))
    })
    .collect::<anyhow::Result<_>>()?;
    let new = NewImport {
        file_name: file_name.to_owned(),
        file_size: profiles.len() as u64 * 100,
        checksum: shared_checksum(file_name),
        settings: Settings {
            person_type: PersonType::Lead,
            mapping,
            ..Settings::default()
        },
        choices: ImportChoices {
            on_match,
            tags: TagChoice::None,
            journey_id: None,
            edited_cells: 0,
        },
        summary: Summary {
            data_rows: records,
            valid_records: records,
            error_records: 0,
            profiles: records,
        },
        errors: Vec::new(),
    };

    let start = Instant::now();
    let created = store.create_import(&new, user).await?;
    let import_id = created.entry.import_id;
    let mut batch_count = 0u32;
    for (number, batch) in profiles.chunks(BATCH_PROFILES).enumerate() {
        let number = u32::try_from(number)?;
        // The server stores its own serialization of a received batch.
        let json = serde_json::to_vec(batch)?;
        let stored = store.store_batch(import_id, number, batch, &json).await?;
        if stored != backend::store::BatchStored::Stored {
            bail!("batch {number} of import {import_id} was not stored: {stored:?}");
        }
        batch_count = number + 1;
    }
    if let Err(rejected) = store
        .commit_import(import_id, batch_count, INSTANCE)
        .await?
    {
        bail!("import {import_id} was not committed: {rejected:?}");
    }
    let upload = start.elapsed();

    let cpu_start = process_cpu_ms();
    let start = Instant::now();
    let status = store.run_import(import_id, INSTANCE).await?;
    let merge = start.elapsed();
    let merge_cpu_ms = process_cpu_ms() - cpu_start;
    let entry = store
        .get_import(import_id)
        .await?
        .with_context(|| format!("import {import_id} was not found after its merge"))?;
    if status != ImportStatus::Completed {
        bail!(
            "import {import_id} ended {}: {}",
            status.key(),
            entry.failure.unwrap_or_default()
        );
    }
    Ok(Timed {
        upload,
        merge,
        merge_cpu_ms,
        counts: entry.counts,
    })
}

/// A distinct checksum per import, as 64 hex digits.
fn shared_checksum(file_name: &str) -> String {
    let digits: String = file_name
        .bytes()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{digits:0>64}")
}

fn check_counts(timed: &Timed, created: usize, updated: usize) -> anyhow::Result<()> {
    let counts = timed.counts;
    if counts.created as usize != created || counts.updated as usize != updated {
        bail!(
            "the merge created {} and updated {} profiles, expected {created} and {updated}",
            counts.created,
            counts.updated
        );
    }
    Ok(())
}

/// Opens a second pool on the store's database for the bare insert, with
/// the store's SQLite settings.
async fn open_pool(url: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let mut options = AnyPoolOptions::new().max_connections(1);
    if url.starts_with("sqlite://") {
        options = options.after_connect(|connection, _| {
            Box::pin(async move {
                connection
                    .execute(
                        "pragma foreign_keys = on; pragma journal_mode = wal; \
                         pragma synchronous = normal;",
                    )
                    .await?;
                Ok(())
            })
        });
    }
    Ok(options.connect(url).await?)
}

/// Creates the bare tables: the columns and constraints of the store's
/// `person` and `person_email`, without the store's other tables. On
/// SQLite the id is `integer primary key`, the rowid, as in the store.
async fn create_bare_tables(pool: &AnyPool, engine: Engine) -> anyhow::Result<()> {
    let id_type = match engine {
        Engine::Sqlite => "integer",
        Engine::Postgres => "bigint",
    };
    let statements = [
        format!(
            "create table bare_person (person_id {id_type} primary key, \
             person_type text not null, external_id text unique, first_name text, \
             last_name text, middle_name text, gender text, birth_date text, address text, \
             city text, country text, preferred_language text, \
             custom text not null default '{{}}', created_at text not null, \
             updated_at text not null)"
        ),
        format!(
            "create table bare_person_email (person_id {id_type} not null references \
             bare_person (person_id) on delete cascade, email text not null unique, \
             position {id_type} not null)"
        ),
        "create index bare_person_email_person on bare_person_email (person_id)".to_owned(),
    ];
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Inserts a person and an email row per profile in one transaction, with
/// person ids from `first_id + 1` and `rows_per_statement` rows in each
/// `insert`. Returns the time it took and this process's CPU time in
/// milliseconds.
async fn bare_insert(
    pool: &AnyPool,
    profiles: &[ProfileDraft],
    first_id: usize,
    skip_stored_emails: bool,
    rows_per_statement: usize,
    numbered: bool,
) -> anyhow::Result<(Duration, f64)> {
    let now = "2026-12-04T00:00:00Z";
    let cpu_start = process_cpu_ms();
    let start = Instant::now();
    let mut tx = pool.begin().await?;
    for (chunk_index, chunk) in profiles.chunks(rows_per_statement).enumerate() {
        let base = first_id + chunk_index * rows_per_statement;
        let persons = values_list(numbered, chunk.len(), 8);
        let sql = format!(
            "insert into bare_person (person_id, person_type, first_name, last_name, \
             birth_date, city, created_at, updated_at) values {persons}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (offset, draft) in chunk.iter().enumerate() {
            let values = &draft.values;
            query = query
                .bind(i64::try_from(base + offset + 1)?)
                .bind("lead")
                .bind(values.first_name.clone())
                .bind(values.last_name.clone())
                .bind(values.birth_date.clone())
                .bind(values.city.clone())
                .bind(now)
                .bind(now);
        }
        query.execute(&mut *tx).await?;

        let emails = values_list(numbered, chunk.len(), 3);
        let conflict = if skip_stored_emails {
            " on conflict do nothing"
        } else {
            ""
        };
        let sql = format!(
            "insert into bare_person_email (person_id, email, position) values {emails}{conflict}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (offset, draft) in chunk.iter().enumerate() {
            let email = draft.values.emails.first().cloned().unwrap_or_default();
            query = query
                .bind(i64::try_from(base + offset + 1)?)
                .bind(email)
                .bind(0i64);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok((start.elapsed(), process_cpu_ms() - cpu_start))
}

/// Builds `($1, $2, ...), (...)` (or with `?` placeholders) for `rows`
/// rows of `width` values.
fn values_list(numbered: bool, rows: usize, width: usize) -> String {
    let mut text = String::new();
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for column in 0..width {
            if column > 0 {
                text.push_str(", ");
            }
            if numbered {
                text.push_str(&format!("${}", row * width + column + 1));
            } else {
                text.push('?');
            }
        }
        text.push(')');
    }
    text
}

fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

/// Returns the 1-minute load average of the machine (/proc/loadavg), to
/// show how busy the shared machine was; `None` where it is unknown.
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Returns the CPU time (user and system, all threads) this process has
/// used, in milliseconds at the kernel's 10 ms tick, from /proc/self/stat;
/// 0 where that file does not exist. A PostgreSQL server's own CPU time
/// is in its processes and not counted.
fn process_cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The command name is in brackets and may hold spaces, so the fields
    // are counted from the closing bracket: utime and stime are the 12th
    // and 13th after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    // NOTE: assumes USER_HZ = 100, the value on Linux for x86 and arm.
    ticks as f64 * 10.0
}
