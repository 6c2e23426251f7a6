//! The profile store on SQLite: profiles, contacts, tags and the import
//! history.

mod bulk;
mod catalog;
mod clock;
mod history;
mod mappings;
mod matches;
mod merge;
mod notifications;
mod persons;
mod pipeline;
mod retention;
mod undo;
mod users;

pub use catalog::Inserted;
pub use clock::{Clock, ManualClock, SystemClock};
pub use pipeline::{batch_digest, BatchStored, CommitRejected};
pub use retention::{HISTORY_LENGTH, RETENTION};
pub use undo::UndoRefused;
pub use users::{Session, TokenInfo, User, MAX_SIGN_IN_FAILURES, SESSION_LIFETIME};

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::Executor;

/// The database engine behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The embedded default: one file, one writer at a time.
    Sqlite,
    /// PostgreSQL or a PostgreSQL-compatible engine, for several instances.
    Postgres,
}

/// A handle to the store; cheap to clone.
///
/// The SQL is written once for both engines: `$N` placeholders (which the
/// SQLite driver of sqlx also accepts), `on conflict do nothing`,
/// `returning`, integer flags in place of booleans and timestamps as
/// RFC 3339 text.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    clock: Arc<dyn Clock>,
    /// Progress of the merges this instance runs, by import id.
    progress: Arc<Mutex<HashMap<i64, shared::wire::Progress>>>,
    /// Imports whose merge a person asked to cancel through this instance.
    /// On PostgreSQL the request is also stored, for a merge that another
    /// instance runs.
    cancels: Arc<Mutex<HashSet<i64>>>,
    /// Held by each transaction that reads before it writes (merge, undo)
    /// on SQLite. SQLite has one writer, and a transaction that started
    /// reading fails with "database is locked" when another wrote first.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Age of a merge claim's last heartbeat after which another instance
    /// takes the import over.
    claim_timeout: chrono::Duration,
}

impl Store {
    /// Opens the database at `url` (`sqlite://PATH` or `postgres://...`),
    /// creating a SQLite file and its folder on first start, and runs the
    /// migrations.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let (engine, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or_default();
            create_parent_folder(Path::new(path))?;
            let url = if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            };
            (Engine::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Engine::Postgres, url.to_owned())
        } else {
            anyhow::bail!("unsupported database URL {url}: use sqlite://PATH or postgres://...");
        };

        let mut options = AnyPoolOptions::new();
        if engine == Engine::Sqlite {
            // SQLite allows one writer, so more connections only wait. A
            // write waits up to two minutes for a long merge to commit.
            options = options.max_connections(4).after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute(
                            "pragma foreign_keys = on; pragma busy_timeout = 120000; \
                             pragma journal_mode = wal; pragma synchronous = normal;",
                        )
                        .await?;
                    Ok(())
                })
            });
        } else {
            options = options.max_connections(16);
        }
        let pool = options.connect(&url).await?;

        let migrator = match engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Engine::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .context("database migration failed")?;
        Ok(Store {
            pool,
            engine,
            clock: Arc::new(SystemClock),
            progress: Arc::default(),
            cancels: Arc::default(),
            writer: Arc::default(),
            claim_timeout: chrono::Duration::seconds(60),
        })
    }

    /// Replaces the clock, so tests can move time forward.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Store {
        self.clock = clock;
        self
    }

    /// Sets the age of a merge claim's last heartbeat after which another
    /// instance takes the import over.
    pub fn with_claim_timeout(mut self, timeout: chrono::Duration) -> Store {
        self.claim_timeout = timeout;
        self
    }

    /// The claim timeout; merging instances renew their claim three times
    /// within it.
    pub fn claim_timeout(&self) -> chrono::Duration {
        self.claim_timeout
    }

    /// The engine behind the store.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Begins a transaction that reads before it writes. On SQLite it takes
    /// the write lock at once (`begin immediate`): a deferred transaction
    /// fails with "database is locked" when another connection writes
    /// between its first read and its first write.
    async fn begin_read_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("begin immediate").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// Serializes read-then-write transactions on SQLite; on PostgreSQL
    /// row locks and retries do that, so nothing is held.
    async fn lock_writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.engine {
            Engine::Sqlite => Some(self.writer.lock().await),
            Engine::Postgres => None,
        }
    }

    /// The current time of the store's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The current time as RFC 3339 UTC text, to the second.
    fn now_text(&self) -> String {
        time_text(self.now())
    }
}

fn create_parent_folder(path: &Path) -> anyhow::Result<()> {
    if let Some(folder) = path.parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create the folder {}", folder.display()))?;
        }
    }
    Ok(())
}

/// A time as RFC 3339 UTC text, to the second: the form every timestamp
/// column holds, so that text order is time order.
fn time_text(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The SQL `offset` of a 1-based page.
fn page_offset(page: u32, per_page: u32) -> i64 {
    i64::from(page.saturating_sub(1)) * i64::from(per_page)
}
