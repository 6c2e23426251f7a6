//! `people user`: account management from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;

use crate::auth;
use crate::cli::UserCommand;
use crate::store::{Inserted, Store};

/// Longest user name, in characters.
pub const MAX_USER_NAME_CHARS: usize = 64;

/// Runs a `people user` subcommand.
pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { name, database_url } => add_user(&name, &database_url).await,
    }
}

async fn add_user(name: &str, database_url: &str) -> anyhow::Result<()> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_USER_NAME_CHARS || name.trim() != name {
        anyhow::bail!(
            "invalid user name {name:?}: use 1 to {MAX_USER_NAME_CHARS} characters without \
             spaces at either end"
        );
    }
    let password = read_password()?;
    auth::check_new_password(&password).map_err(anyhow::Error::msg)?;
    let hash = auth::hash_password(&password)?;

    let store = Store::open(database_url).await?;
    match store.add_user(name, &hash).await? {
        Inserted::Added(user_id) => {
            println!("created user {name} (id {user_id})");
            Ok(())
        }
        Inserted::NameTaken => anyhow::bail!("user {name:?} already exists"),
    }
}

/// Prompts for the password twice on a terminal, else reads one line from
/// standard input.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let password =
            rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let again =
            rpassword::prompt_password("Password again: ").context("cannot read the password")?;
        if password != again {
            anyhow::bail!("the two passwords differ");
        }
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
