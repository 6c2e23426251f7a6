//! Accounts, sessions, API tokens and failed sign-ins.

use chrono::Duration;
use sqlx::Row;

use super::catalog::{is_unique_violation, Inserted};
use super::{time_text, Store};

/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::days(7);

/// Failed sign-ins of one user name, within [`SIGN_IN_WINDOW`], after which
/// further attempts are rejected until the window passes.
pub const MAX_SIGN_IN_FAILURES: i64 = 5;

/// The window in which failed sign-ins count.
pub const SIGN_IN_WINDOW: Duration = Duration::minutes(15);

/// A signed-in user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub user_id: i64,
    pub name: String,
}

/// A session found by its cookie token.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

/// An API token as its owner sees it, without the secret.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct TokenInfo {
    pub token_id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl Store {
    /// Creates an account with an Argon2id password hash.
    pub async fn add_user(&self, name: &str, password_hash: &str) -> sqlx::Result<Inserted<i64>> {
        let result = sqlx::query_scalar(
            "insert into app_user (name, password_hash, created_at) values ($1, $2, $3) \
             returning user_id",
        )
        .bind(name)
        .bind(password_hash)
        .bind(time_text(self.now()))
        .fetch_one(&self.pool)
        .await;
        match result {
            Ok(user_id) => Ok(Inserted::Added(user_id)),
            Err(error) if is_unique_violation(&error, "app_user", "name") => {
                Ok(Inserted::NameTaken)
            }
            Err(error) => Err(error),
        }
    }

    /// The user and password hash of an account, by name.
    pub async fn find_user(&self, name: &str) -> sqlx::Result<Option<(User, String)>> {
        let row = sqlx::query("select user_id, name, password_hash from app_user where name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok((
                User {
                    user_id: row.try_get("user_id")?,
                    name: row.try_get("name")?,
                },
                row.try_get("password_hash")?,
            ))
        })
        .transpose()
    }

    /// Counts the failed sign-ins of a name within the window.
    pub async fn recent_sign_in_failures(&self, name: &str) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "select count(*) from sign_in_failure where name = $1 and failed_at > $2",
        )
        .bind(name)
        .bind(time_text(self.now() - SIGN_IN_WINDOW))
        .fetch_one(&self.pool)
        .await
    }

    /// Records a failed sign-in and drops records older than the window.
    pub async fn record_sign_in_failure(&self, name: &str) -> sqlx::Result<()> {
        let now = self.now();
        sqlx::query("insert into sign_in_failure (name, failed_at) values ($1, $2)")
            .bind(name)
            .bind(time_text(now))
            .execute(&self.pool)
            .await?;
        sqlx::query("delete from sign_in_failure where failed_at <= $1")
            .bind(time_text(now - SIGN_IN_WINDOW))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a session for the token hash.
    pub async fn add_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
    ) -> sqlx::Result<()> {
        let now = self.now();
        sqlx::query(
            "insert into user_session (token_hash, user_id, csrf_token, created_at, expires_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(time_text(now))
        .bind(time_text(now + SESSION_LIFETIME))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Finds an unexpired session by its token hash.
    pub async fn find_session(&self, token_hash: &str) -> sqlx::Result<Option<Session>> {
        let row = sqlx::query(
            "select s.user_id, u.name, s.csrf_token from user_session s \
             join app_user u on u.user_id = s.user_id \
             where s.token_hash = $1 and s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(time_text(self.now()))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Session {
                user: User {
                    user_id: row.try_get("user_id")?,
                    name: row.try_get("name")?,
                },
                csrf_token: row.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    /// Ends a session.
    pub async fn remove_session(&self, token_hash: &str) -> sqlx::Result<()> {
        sqlx::query("delete from user_session where token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a new API token of a user and returns its id.
    pub async fn add_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "insert into api_token (user_id, name, token_hash, created_at) \
             values ($1, $2, $3, $4) returning token_id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(time_text(self.now()))
        .fetch_one(&self.pool)
        .await
    }

    /// Finds the user of an unrevoked API token by its hash.
    pub async fn find_token_user(&self, token_hash: &str) -> sqlx::Result<Option<User>> {
        let row = sqlx::query(
            "select u.user_id, u.name from api_token t join app_user u on u.user_id = t.user_id \
             where t.token_hash = $1 and t.revoked_at is null",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(User {
                user_id: row.try_get("user_id")?,
                name: row.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Lists a user's API tokens, newest first.
    pub async fn list_api_tokens(&self, user_id: i64) -> sqlx::Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "select token_id, name, created_at, revoked_at from api_token where user_id = $1 \
             order by token_id desc",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TokenInfo {
                    token_id: row.try_get("token_id")?,
                    name: row.try_get("name")?,
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of a user's API tokens. Returns whether it was active.
    pub async fn revoke_api_token(&self, user_id: i64, token_id: i64) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "update api_token set revoked_at = $1 where token_id = $2 and user_id = $3 \
             and revoked_at is null",
        )
        .bind(time_text(self.now()))
        .bind(token_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }
}
