//! The `people` command: `people serve` runs the server, `people analyze`
//! prints the analysis of a file as JSON.

use std::process::ExitCode;

use clap::Parser;

use backend::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => {
            backend::init_tracing();
            match backend::serve(config).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::error!("server failed: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Analyze(args) => backend::analyze_command::run(&args),
        Command::Import(args) => match backend::import_command::run(&args).await {
            Ok(code) => code,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
        Command::User(command) => match backend::user_command::run(command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}
