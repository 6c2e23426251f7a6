//! Sign-in, sessions, API tokens and the middleware that authenticates
//! every non-public API request.

use axum::extract::{Path, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::routes::{Access, ApiRoutes};
use super::{ApiContext, ApiResult, Error};
use crate::auth;
use crate::store::{TokenInfo, User};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "people_session";

/// Header that carries the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Longest API token name, in characters.
const MAX_TOKEN_NAME_CHARS: usize = 100;

/// How a request proved who sent it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    SessionCookie,
    ApiToken,
}

/// The user behind an authenticated request, put into the request's
/// extensions by [`require_auth`].
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user: User,
    pub credential: Credential,
    /// CSRF token of the session, for cookie sign-ins.
    pub csrf_token: Option<String>,
}

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes
        .add(
            "POST",
            "/session",
            Access::Public,
            "Sign in with a user name and password.",
            post(sign_in),
        )
        .add(
            "GET",
            "/session",
            Access::Authenticated,
            "The signed-in user and the session's CSRF token.",
            get(current_session),
        )
        .add(
            "DELETE",
            "/session",
            Access::Authenticated,
            "Sign out.",
            delete(sign_out),
        )
        .add(
            "GET",
            "/tokens",
            Access::Authenticated,
            "List the user's API tokens.",
            get(list_tokens),
        )
        .add(
            "POST",
            "/tokens",
            Access::Authenticated,
            "Create an API token; the secret is shown once.",
            post(create_token),
        )
        .add(
            "DELETE",
            "/tokens/{token_id}",
            Access::Authenticated,
            "Revoke an API token.",
            delete(revoke_token),
        )
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Authenticates the request by API token or session cookie, and checks
/// the CSRF header on state-changing requests signed in by cookie.
pub async fn require_auth(
    State(context): State<ApiContext>,
    mut request: Request,
    next: Next,
) -> Result<Response, Error> {
    let headers = request.headers();
    let auth_user = if let Some(token) = bearer_token(headers) {
        let user = context
            .store
            .find_token_user(&auth::token_hash(token))
            .await?
            .ok_or_else(|| Error::Unauthorized("the API token is invalid or revoked".into()))?;
        AuthUser {
            user,
            credential: Credential::ApiToken,
            csrf_token: None,
        }
    } else if let Some(token) = cookie_value(headers, SESSION_COOKIE) {
        let session = context
            .store
            .find_session(&auth::token_hash(token))
            .await?
            .ok_or_else(|| Error::Unauthorized("the session has expired: sign in again".into()))?;
        if is_state_changing(request.method()) {
            let sent = headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok());
            if sent != Some(session.csrf_token.as_str()) {
                tracing::info!(
                    user_id = session.user.user_id,
                    "rejected a request without a valid CSRF token"
                );
                return Err(Error::Forbidden(format!(
                    "missing or wrong {CSRF_HEADER} header: reload the page and try again"
                )));
            }
        }
        AuthUser {
            user: session.user,
            credential: Credential::SessionCookie,
            csrf_token: Some(session.csrf_token),
        }
    } else {
        return Err(Error::Unauthorized(
            "sign in first, or send an API token as Authorization: Bearer TOKEN".into(),
        ));
    };
    request.extensions_mut().insert(auth_user);
    Ok(next.run(request).await)
}

#[derive(Debug, Deserialize)]
struct SignIn {
    name: String,
    password: String,
}

/// The body of a session response.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: String,
    /// Send this in the `X-CSRF-Token` header on state-changing requests.
    pub csrf_token: Option<String>,
}

/// A hash of a random password, verified when the user name is unknown so
/// that a sign-in takes as long whether or not the name exists.
fn unknown_user_hash() -> anyhow::Result<String> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let hash = auth::hash_password(&auth::random_token()?)?;
    Ok(HASH.get_or_init(|| hash).clone())
}

/// POST /api/session: checks the password and sets the session cookie.
async fn sign_in(
    State(context): State<ApiContext>,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> ApiResult<Response> {
    let failures = context.store.recent_sign_in_failures(&body.name).await?;
    if failures >= crate::store::MAX_SIGN_IN_FAILURES {
        tracing::warn!(failures, "rejected a sign-in after too many failures");
        return Err(Error::TooManyRequests(
            "too many failed sign-ins for this user: wait 15 minutes and try again".into(),
        ));
    }

    let found = context.store.find_user(&body.name).await?;
    let (user, stored_hash) = match &found {
        Some((user, hash)) => (Some(user.clone()), hash.clone()),
        None => (None, unknown_user_hash()?),
    };
    let password = body.password;
    let matches =
        tokio::task::spawn_blocking(move || auth::verify_password(&password, &stored_hash))
            .await
            .map_err(|error| anyhow::anyhow!("password check failed: {error}"))?;
    let Some(user) = user.filter(|_| matches) else {
        context.store.record_sign_in_failure(&body.name).await?;
        tracing::info!("failed sign-in");
        return Err(Error::Unauthorized("invalid user name or password".into()));
    };

    let token = auth::random_token()?;
    let csrf_token = auth::random_token()?;
    context
        .store
        .add_session(user.user_id, &auth::token_hash(&token), &csrf_token)
        .await?;
    tracing::info!(user_id = user.user_id, "signed in");

    let secure = if is_https(&headers) { "; Secure" } else { "" };
    let max_age = crate::store::SESSION_LIFETIME.num_seconds();
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    );
    let mut response = Json(SessionInfo {
        user: user.name,
        csrf_token: Some(csrf_token),
    })
    .into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|error| anyhow::anyhow!("bad cookie: {error}"))?,
    );
    Ok(response)
}

/// Whether the request reached the server over HTTPS, directly or through
/// a proxy that sets `X-Forwarded-Proto`.
fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// GET /api/session: who is signed in.
async fn current_session(Extension(auth_user): Extension<AuthUser>) -> Json<SessionInfo> {
    Json(SessionInfo {
        user: auth_user.user.name,
        csrf_token: auth_user.csrf_token,
    })
}

/// DELETE /api/session: ends the session and clears the cookie.
async fn sign_out(State(context): State<ApiContext>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        context
            .store
            .remove_session(&auth::token_hash(token))
            .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("people_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(response)
}

/// GET /api/tokens: the user's API tokens, without secrets.
async fn list_tokens(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    Ok(Json(
        context
            .store
            .list_api_tokens(auth_user.user.user_id)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
struct NewToken {
    name: String,
}

/// The body of POST /api/tokens: the only time the secret is shown.
#[derive(Debug, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token_id: i64,
    pub name: String,
    pub token: String,
}

/// POST /api/tokens: creates an API token for the signed-in user.
async fn create_token(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Json(body): Json<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let name = body.name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_TOKEN_NAME_CHARS {
        return Err(Error::BadRequest(format!(
            "token name must have 1 to {MAX_TOKEN_NAME_CHARS} characters, got {chars}"
        )));
    }
    let token = auth::random_token()?;
    let token_id = context
        .store
        .add_api_token(auth_user.user.user_id, name, &auth::token_hash(&token))
        .await?;
    tracing::info!(
        user_id = auth_user.user.user_id,
        token_id,
        "created an API token"
    );
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token_id,
            name: name.to_owned(),
            token,
        }),
    ))
}

/// DELETE /api/tokens/{token_id}: revokes one of the user's tokens.
async fn revoke_token(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Path(token_id): Path<i64>,
) -> ApiResult<StatusCode> {
    if context
        .store
        .revoke_api_token(auth_user.user.user_id, token_id)
        .await?
    {
        tracing::info!(
            user_id = auth_user.user.user_id,
            token_id,
            "revoked an API token"
        );
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(format!(
            "active API token {token_id} not found"
        )))
    }
}
