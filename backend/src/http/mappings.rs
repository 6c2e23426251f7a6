//! `/api/mappings`: the mapping a user chose for a set of headers, offered
//! again for the next file with the same headers.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use shared::ColumnMapping;

use super::session::AuthUser;
use super::{Access, ApiContext, ApiResult, ApiRoutes, Error};

/// Most headers a saved mapping may have.
const MAX_HEADERS: usize = 1_000;

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes
        .add(
            "POST",
            "/mappings/lookup",
            Access::Authenticated,
            "The user's saved mapping for a set of headers, or null.",
            post(lookup),
        )
        .add(
            "PUT",
            "/mappings",
            Access::Authenticated,
            "Save the user's mapping for a set of headers.",
            put(save),
        )
}

/// The body of POST /api/mappings/lookup.
#[derive(Debug, Deserialize)]
struct HeaderSet {
    headers: Vec<String>,
}

/// A saved mapping for a set of headers.
#[derive(Debug, Serialize, Deserialize)]
pub struct SavedMapping {
    pub headers: Vec<String>,
    pub mapping: BTreeMap<String, ColumnMapping>,
}

fn check_headers(headers: &[String]) -> ApiResult<()> {
    if headers.is_empty() || headers.len() > MAX_HEADERS {
        return Err(Error::BadRequest(format!(
            "send 1 to {MAX_HEADERS} headers, got {}",
            headers.len()
        )));
    }
    Ok(())
}

async fn lookup(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Json(body): Json<HeaderSet>,
) -> ApiResult<Json<Option<SavedMapping>>> {
    check_headers(&body.headers)?;
    let mapping = context
        .store
        .saved_mapping(auth_user.user.user_id, &body.headers)
        .await?;
    Ok(Json(mapping.map(|mapping| SavedMapping {
        headers: body.headers,
        mapping,
    })))
}

async fn save(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Json(body): Json<SavedMapping>,
) -> ApiResult<StatusCode> {
    check_headers(&body.headers)?;
    context
        .store
        .save_mapping(auth_user.user.user_id, &body.headers, &body.mapping)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
