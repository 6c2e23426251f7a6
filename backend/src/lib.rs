//! The people server: an axum app that serves the built frontend and a JSON
//! API under `/api`, validates every received profile again with `shared`,
//! merges the profiles into the store and records the import history.

pub mod analyze_command;
pub mod auth;
pub mod cli;
pub mod http;
pub mod import_command;
pub mod jobs;
pub mod store;
pub mod user_command;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::cli::ServeConfig;
use crate::store::Store;

/// Sets up logging to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

/// Opens the store, runs its migrations and serves the app until the
/// process is stopped.
pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let claim_timeout = chrono::Duration::seconds(config.claim_timeout.clamp(1, 86_400) as i64);
    let store = Store::open(&config.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", config.database_url))?
        .with_claim_timeout(claim_timeout);
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    if !config.static_dir.join("index.html").exists() {
        tracing::warn!(
            "no built frontend in {}: build it with `trunk build --release` in frontend/",
            config.static_dir.display()
        );
    }
    tracing::info!("people is listening on http://{address}");
    let instance = jobs::instance_name();
    let interval = std::time::Duration::from_secs(config.sweep_interval.max(1));
    jobs::spawn_sweeper(store.clone(), instance.clone(), interval);
    let app = http::router_for_instance(store, &config.static_dir, instance);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server stopped with an error")?;
    tracing::info!("people stopped");
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what service managers send).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::error!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
}
