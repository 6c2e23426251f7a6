//! `/api/openapi.json`: an OpenAPI 3.1 description of the API, built from
//! the route table.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Map, Value};

use super::routes::{Access, ApiRoutes, RouteInfo};
use super::ApiContext;

pub fn routes(routes: ApiRoutes) -> ApiRoutes {
    routes.add(
        "GET",
        "/openapi.json",
        Access::Public,
        "This OpenAPI description of the API.",
        get(openapi),
    )
}

async fn openapi(State(context): State<ApiContext>) -> Json<Value> {
    Json(document(&context.routes))
}

/// Builds the OpenAPI document of the routes.
pub fn document(routes: &[RouteInfo]) -> Value {
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for route in routes {
        let parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let security = match route.access {
            Access::Public => json!([]),
            Access::Authenticated => json!([{ "session": [] }, { "token": [] }]),
        };
        let mut responses = json!({
            "200": { "description": "Success; the body is JSON." },
            "400": { "description": "Invalid request.", "content": error_content() },
        });
        if route.access == Access::Authenticated {
            responses["401"] = json!({ "description": "Not signed in, or the token is invalid.", "content": error_content() });
        }
        let operation = json!({
            "summary": route.summary,
            "parameters": parameters,
            "security": security,
            "responses": responses,
        });
        paths
            .entry(format!("/api{}", route.path))
            .or_default()
            .insert(route.method.to_lowercase(), operation);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "people",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Imports leads and customers from spreadsheets into a customer-profile store. State-changing requests signed in by cookie need the X-CSRF-Token header from GET /api/session."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": super::session::SESSION_COOKIE },
                "token": { "type": "http", "scheme": "bearer" }
            },
            "schemas": {
                "ApiError": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string" },
                        "message": { "type": "string" },
                        "errors": { "type": "array", "items": { "type": "object" } }
                    }
                }
            }
        }
    })
}

fn error_content() -> Value {
    json!({ "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } })
}
