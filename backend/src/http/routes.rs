//! The table of API routes. Every route is added through [`ApiRoutes`], so
//! the same table builds the router, the OpenAPI document and the test that
//! checks that every non-public route requires authentication.

use axum::routing::MethodRouter;
use axum::Router;

use super::ApiContext;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the health check, sign-in and the API description.
    Public,
    /// A signed-in user (session cookie) or an API token.
    Authenticated,
}

/// One API route, as the OpenAPI document describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path below `/api`, with `{name}` parameters.
    pub path: &'static str,
    pub access: Access,
    /// One line on what the route does.
    pub summary: &'static str,
}

/// The API routes with their table, built side by side.
pub struct ApiRoutes {
    public: Router<ApiContext>,
    authenticated: Router<ApiContext>,
    table: Vec<RouteInfo>,
}

impl Default for ApiRoutes {
    fn default() -> Self {
        ApiRoutes {
            public: Router::new(),
            authenticated: Router::new(),
            table: Vec::new(),
        }
    }
}

impl ApiRoutes {
    /// Adds a route; `handler` must serve exactly `method`.
    pub fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        summary: &'static str,
        handler: MethodRouter<ApiContext>,
    ) -> ApiRoutes {
        self.table.push(RouteInfo {
            method,
            path,
            access,
            summary,
        });
        match access {
            Access::Public => self.public = self.public.route(path, handler),
            Access::Authenticated => self.authenticated = self.authenticated.route(path, handler),
        }
        self
    }

    /// Splits into the public router, the router that needs
    /// authentication, and the table.
    pub fn into_parts(self) -> (Router<ApiContext>, Router<ApiContext>, Vec<RouteInfo>) {
        (self.public, self.authenticated, self.table)
    }
}
