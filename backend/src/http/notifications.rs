//! `/api/notifications`: in-app notifications of finished imports, which
//! the app polls.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json};
use shared::wire::Notification;

use super::session::AuthUser;
use super::{Access, ApiContext, ApiResult, ApiRoutes, Error};

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes
        .add(
            "GET",
            "/notifications",
            Access::Authenticated,
            "The signed-in user's unread notifications.",
            get(unread),
        )
        .add(
            "POST",
            "/notifications/{notification_id}/read",
            Access::Authenticated,
            "Mark a notification read.",
            post(mark_read),
        )
}

async fn unread(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(
        context
            .store
            .unread_notifications(auth_user.user.user_id)
            .await?,
    ))
}

async fn mark_read(
    State(context): State<ApiContext>,
    Extension(auth_user): Extension<AuthUser>,
    Path(notification_id): Path<i64>,
) -> ApiResult<StatusCode> {
    if context
        .store
        .mark_notification_read(auth_user.user.user_id, notification_id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound(format!(
            "unread notification {notification_id} not found"
        )))
    }
}
