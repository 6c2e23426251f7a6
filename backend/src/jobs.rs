//! Background work of a server instance: merging committed imports,
//! taking over imports whose instance stopped, and purging old history.

use std::sync::Arc;
use std::time::Duration;

use crate::store::{Engine, Store};

/// Merges a committed import in the background, renewing the claim while
/// it runs so that other instances leave it alone.
pub fn spawn_merge(store: Store, import_id: i64, instance: Arc<str>) {
    tokio::spawn(async move {
        let heartbeat = (store.engine() == Engine::Postgres).then(|| {
            let store = store.clone();
            let instance = instance.clone();
            let interval = (store.claim_timeout() / 3)
                .to_std()
                .unwrap_or(Duration::from_secs(1));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(interval).await;
                    if let Err(error) = store.renew_claim(import_id, &instance).await {
                        tracing::warn!(import_id, "cannot renew the merge claim: {error}");
                    }
                }
            })
        });
        match store.run_import(import_id, &instance).await {
            Ok(status) => tracing::info!(import_id, status = status.key(), "import merged"),
            Err(error) => tracing::error!(import_id, "import merge failed: {error:#}"),
        }
        if let Some(heartbeat) = heartbeat {
            heartbeat.abort();
        }
    });
}

/// Takes over imports left Importing and purges old history, now and then
/// every `interval`, until the process stops.
pub fn spawn_sweeper(store: Store, instance: Arc<str>, interval: Duration) {
    tokio::spawn(async move {
        // On SQLite one process owns the file, so at start every import
        // still Importing belongs to a process that stopped.
        let mut take_all = store.engine() == Engine::Sqlite;
        loop {
            match store
                .claim_orphaned_imports(&instance, take_all, store.claim_timeout())
                .await
            {
                Ok(import_ids) => {
                    for import_id in import_ids {
                        tracing::info!(import_id, "resuming an interrupted import");
                        spawn_merge(store.clone(), import_id, instance.clone());
                    }
                }
                Err(error) => tracing::error!("cannot look for interrupted imports: {error}"),
            }
            take_all = false;
            match store.purge_old_imports().await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "purged imports older than 14 days"),
                Err(error) => tracing::error!("cannot purge old imports: {error}"),
            }
            tokio::time::sleep(interval).await;
        }
    });
}

/// A name for this instance that is unique across hosts and restarts.
pub fn instance_name() -> Arc<str> {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    let random = crate::auth::random_token().unwrap_or_default();
    let suffix = random.get(..8).unwrap_or("0");
    format!("{host}-{}-{suffix}", std::process::id()).into()
}
