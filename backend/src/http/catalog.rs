//! `/api/attributes` and `/api/journeys`: custom attribute definitions and
//! journeys.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::Json;
use serde::Deserialize;
use shared::attributes::{check_attribute_name, AttributeDefinition};
use shared::wire::Journey;

use super::{Access, ApiContext, ApiResult, ApiRoutes, Error};
use crate::store::Inserted;

/// Longest journey name, in characters.
const MAX_JOURNEY_NAME_CHARS: usize = 100;

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes
        .add(
            "GET",
            "/attributes",
            Access::Authenticated,
            "List custom attribute definitions.",
            get(list_attributes),
        )
        .add(
            "POST",
            "/attributes",
            Access::Authenticated,
            "Define a custom attribute.",
            post(add_attribute),
        )
        .add(
            "DELETE",
            "/attributes/{name}",
            Access::Authenticated,
            "Remove a custom attribute definition.",
            delete(remove_attribute),
        )
        .add(
            "GET",
            "/journeys",
            Access::Authenticated,
            "List journeys with their enrollment counts.",
            get(list_journeys),
        )
        .add(
            "POST",
            "/journeys",
            Access::Authenticated,
            "Create a journey.",
            post(add_journey),
        )
        .add(
            "PATCH",
            "/journeys/{journey_id}",
            Access::Authenticated,
            "Turn a journey on or off.",
            patch(update_journey),
        )
}

/// GET /api/attributes: every custom attribute definition.
async fn list_attributes(
    State(context): State<ApiContext>,
) -> ApiResult<Json<Vec<AttributeDefinition>>> {
    Ok(Json(context.store.list_attributes().await?))
}

/// POST /api/attributes: defines a custom attribute.
async fn add_attribute(
    State(context): State<ApiContext>,
    Json(definition): Json<AttributeDefinition>,
) -> ApiResult<(StatusCode, Json<AttributeDefinition>)> {
    check_attribute_name(&definition.name).map_err(Error::BadRequest)?;
    match context.store.add_attribute(&definition).await? {
        Inserted::Added(()) => Ok((StatusCode::CREATED, Json(definition))),
        Inserted::NameTaken => Err(Error::Conflict(format!(
            "custom attribute {:?} already exists",
            definition.name
        ))),
    }
}

/// DELETE /api/attributes/{name}: removes a definition; stored values stay.
async fn remove_attribute(
    State(context): State<ApiContext>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    if context.store.remove_attribute(&name).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(format!(
            "custom attribute {name:?} not found"
        )))
    }
}

/// GET /api/journeys: every journey with its enrollment count.
async fn list_journeys(State(context): State<ApiContext>) -> ApiResult<Json<Vec<Journey>>> {
    Ok(Json(context.store.list_journeys().await?))
}

/// The body of POST /api/journeys.
#[derive(Debug, Deserialize)]
struct NewJourney {
    name: String,
    #[serde(default = "active_by_default")]
    active: bool,
}

fn active_by_default() -> bool {
    true
}

/// POST /api/journeys: creates a journey.
async fn add_journey(
    State(context): State<ApiContext>,
    Json(journey): Json<NewJourney>,
) -> ApiResult<(StatusCode, Json<Journey>)> {
    let name = journey.name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_JOURNEY_NAME_CHARS {
        return Err(Error::BadRequest(format!(
            "journey name must have 1 to {MAX_JOURNEY_NAME_CHARS} characters, got {chars}"
        )));
    }
    let journey_id = match context.store.add_journey(name, journey.active).await? {
        Inserted::Added(journey_id) => journey_id,
        Inserted::NameTaken => {
            return Err(Error::Conflict(format!("journey {name:?} already exists")));
        }
    };
    let created = context
        .store
        .get_journey(journey_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("journey {journey_id} not found")))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The body of PATCH /api/journeys/{journey_id}.
#[derive(Debug, Deserialize)]
struct JourneyChange {
    active: bool,
}

/// PATCH /api/journeys/{journey_id}: turns a journey on or off.
async fn update_journey(
    State(context): State<ApiContext>,
    Path(journey_id): Path<i64>,
    Json(change): Json<JourneyChange>,
) -> ApiResult<Json<Journey>> {
    if !context
        .store
        .set_journey_active(journey_id, change.active)
        .await?
    {
        return Err(Error::NotFound(format!("journey {journey_id} not found")));
    }
    let journey = context
        .store
        .get_journey(journey_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("journey {journey_id} not found")))?;
    Ok(Json(journey))
}
