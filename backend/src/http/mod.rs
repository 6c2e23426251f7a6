//! The HTTP layer: the JSON API under `/api` and the built frontend.

mod catalog;
mod error;
mod imports;
mod mappings;
mod notifications;
mod openapi;
mod persons;
pub mod routes;
pub mod session;

use std::path::Path;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub use error::{ApiResult, Error};
pub use routes::{Access, ApiRoutes, RouteInfo};

use crate::store::Store;

/// Largest accepted request body after decompression, in bytes: a batch of
/// the most profiles with long values, or a large error list.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Shared state of every handler.
#[derive(Clone)]
pub struct ApiContext {
    pub store: Store,
    /// Every API route, for the OpenAPI document.
    pub routes: Arc<[RouteInfo]>,
    /// This server instance's name, recorded on the imports it merges.
    pub instance: Arc<str>,
}

/// Every API route with its handler.
fn api_routes() -> ApiRoutes {
    let routes = ApiRoutes::default().add(
        "GET",
        "/health",
        Access::Public,
        "Health check: {\"status\": \"ok\"}.",
        get(health),
    );
    let routes = openapi::routes(routes);
    let routes = session::routes(routes);
    let routes = imports::routes(routes);
    let routes = mappings::routes(routes);
    let routes = notifications::routes(routes);
    let routes = persons::routes(routes);
    catalog::routes(routes)
}

/// The table of every API route.
pub fn route_table() -> Vec<RouteInfo> {
    api_routes().into_parts().2
}

/// Builds the app: the API under `/api`, and the frontend in `static_dir`
/// for every other path (unknown paths get `index.html`, so client-side
/// routes work on reload).
pub fn router(store: Store, static_dir: &Path) -> Router {
    router_for_instance(store, static_dir, crate::jobs::instance_name())
}

/// Builds the app for a named server instance.
pub fn router_for_instance(store: Store, static_dir: &Path, instance: Arc<str>) -> Router {
    let (public, authenticated, table) = api_routes().into_parts();
    let context = ApiContext {
        store,
        routes: table.into(),
        instance,
    };
    let authenticated = authenticated.route_layer(middleware::from_fn_with_state(
        context.clone(),
        session::require_auth,
    ));
    let api = public
        .merge(authenticated)
        .fallback(api_not_found)
        .with_state(context);
    let frontend =
        ServeDir::new(static_dir).fallback(ServeFile::new(static_dir.join("index.html")));
    Router::new()
        .nest("/api", api)
        .fallback_service(frontend)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestDecompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn api_not_found() -> Error {
    Error::NotFound("no such API route".into())
}

/// The `page` and `per_page` query parameters of a listing.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default = "first_page")]
    pub page: u32,
    #[serde(default = "default_per_page")]
    pub per_page: u32,
}

/// Most items one listing page returns.
pub const MAX_PER_PAGE: u32 = 200;

fn first_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    50
}

impl PageQuery {
    /// Checks the parameters and returns the page number and size.
    pub fn checked(self) -> ApiResult<(u32, u32)> {
        if self.page == 0 {
            return Err(Error::BadRequest("page starts at 1".into()));
        }
        if self.per_page == 0 || self.per_page > MAX_PER_PAGE {
            return Err(Error::BadRequest(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}, got {}",
                self.per_page
            )));
        }
        Ok((self.page, self.per_page))
    }
}
