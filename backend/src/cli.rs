//! Command-line arguments of the `people` binary.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Imports leads and customers from spreadsheets into a profile store.
#[derive(Debug, Parser)]
#[command(name = "people", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `people`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app and its JSON API.
    Serve(ServeConfig),
    /// Analyse a file with the given settings and print the result as JSON.
    Analyze(AnalyzeArgs),
    /// Analyse a file locally and import it into a running server.
    Import(ImportArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
}

/// The subcommands of `people user`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is prompted for on a terminal, else
    /// read from the first line of standard input.
    Add {
        /// The user name people sign in with.
        name: String,
        /// Database URL, as for `people serve`.
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/people.db")]
        database_url: String,
    },
}

/// Settings of `people serve`.
#[derive(Clone, Debug, Args)]
pub struct ServeConfig {
    /// Address and port to listen on.
    #[arg(long, env = "PEOPLE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database URL; `sqlite://PATH` creates the file on first start.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/people.db")]
    pub database_url: String,
    /// Folder of the built frontend (the output of `trunk build`).
    #[arg(long, env = "PEOPLE_STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
    /// Seconds without a heartbeat after which another instance takes over
    /// an import that an instance was merging (PostgreSQL only).
    #[arg(long, env = "PEOPLE_CLAIM_TIMEOUT", default_value_t = 60)]
    pub claim_timeout: u64,
    /// Seconds between looks for interrupted imports and old history.
    #[arg(long, env = "PEOPLE_SWEEP_INTERVAL", default_value_t = 30)]
    pub sweep_interval: u64,
}

/// Arguments of `people analyze`.
#[derive(Clone, Debug, Args)]
pub struct AnalyzeArgs {
    /// The file to analyse (CSV, TXT, XLS, XLSX, XLSB, ODS or ZIP).
    pub file: PathBuf,
    /// JSON file with the analysis settings: skip_rows, person_type, mapping.
    #[arg(long)]
    pub settings: PathBuf,
    /// Also print every record with its normalized values.
    #[arg(long)]
    pub records: bool,
}

/// Arguments of `people import`.
#[derive(Clone, Debug, Args)]
pub struct ImportArgs {
    /// The file to import (CSV, TXT, XLS, XLSX, XLSB, ODS or ZIP).
    pub file: PathBuf,
    /// JSON file with the analysis settings, as for `people analyze`.
    #[arg(long)]
    pub settings: PathBuf,
    /// Base URL of the server, such as http://127.0.0.1:8080.
    #[arg(long, env = "PEOPLE_SERVER")]
    pub server: String,
    /// API token (create one on the server with POST /api/tokens).
    #[arg(long, env = "PEOPLE_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Update profiles that already exist instead of leaving them unchanged.
    #[arg(long)]
    pub merge: bool,
    /// Tag the imported profiles with one tag unique to this import.
    #[arg(long, conflicts_with = "tag")]
    pub auto_tag: bool,
    /// Tag the imported profiles with this tag; repeat for several.
    #[arg(long)]
    pub tag: Vec<String>,
    /// Batches uploaded at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub parallel: u16,
}
