//! `/api/persons`: the stored profiles.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::Json;
use shared::wire::{Page, Person};

use super::{Access, ApiContext, ApiResult, ApiRoutes, PageQuery};

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes.add(
        "GET",
        "/persons",
        Access::Authenticated,
        "List stored profiles, paged.",
        get(list_persons),
    )
}

/// GET /api/persons: stored profiles, oldest first.
async fn list_persons(
    State(context): State<ApiContext>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<Person>>> {
    let (page, per_page) = query.checked()?;
    Ok(Json(context.store.list_persons(page, per_page).await?))
}
