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
