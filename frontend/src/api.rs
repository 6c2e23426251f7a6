//! Client of the server's JSON API under `/api`, served from the same
//! origin as the app.

use std::fmt;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::wire::{ApiError, ImportEntry, ImportRequest, Page, Person};

/// Failure of an API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// The request did not reach the server or got no response.
    Network(String),
    /// The server responded with an error body.
    Rejected { status: u16, error: ApiError },
    /// The server responded with an error status and no readable error body.
    Status { status: u16, status_text: String },
    /// The server's success response could not be read.
    InvalidResponse(String),
}

impl ApiFailure {
    /// Record-level problems that the server listed, as text lines.
    pub fn details(&self) -> Vec<String> {
        match self {
            ApiFailure::Rejected { error, .. } => error
                .errors
                .iter()
                .map(|record| format!("Row {}: {}", record.row, record.message))
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiFailure::Network(detail) => write!(
                f,
                "The server could not be reached ({detail}). Check that it is running and try again."
            ),
            ApiFailure::Rejected { error, .. } => f.write_str(&error.message),
            ApiFailure::Status {
                status,
                status_text,
            } => write!(
                f,
                "The server failed with HTTP {status} {status_text}. Try again later."
            ),
            ApiFailure::InvalidResponse(detail) => write!(
                f,
                "The server's response could not be read ({detail}). The app and the server \
                 may be of different versions: reload the page."
            ),
        }
    }
}

impl std::error::Error for ApiFailure {}

/// Sends an import: `POST /api/imports`.
pub async fn create_import(request: &ImportRequest) -> Result<ImportEntry, ApiFailure> {
    let response = Request::post("/api/imports")
        .json(request)
        .map_err(|error| ApiFailure::Network(error.to_string()))?
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_response(response).await
}

/// Fetches one page of the import history, newest first:
/// `GET /api/imports`. `page` is 1-based.
pub async fn list_imports(page: u32, per_page: u32) -> Result<Page<ImportEntry>, ApiFailure> {
    get_json(&format!("/api/imports?page={page}&per_page={per_page}")).await
}

/// Fetches one page of stored profiles: `GET /api/persons`. `page` is
/// 1-based.
pub async fn list_persons(page: u32, per_page: u32) -> Result<Page<Person>, ApiFailure> {
    get_json(&format!("/api/persons?page={page}&per_page={per_page}")).await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiFailure> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_response(response).await
}

async fn read_response<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|error| ApiFailure::InvalidResponse(error.to_string()));
    }
    let status = response.status();
    let status_text = response.status_text();
    let body = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ApiError>(&body) {
        Ok(error) => Err(ApiFailure::Rejected { status, error }),
        Err(_) => Err(ApiFailure::Status {
            status,
            status_text,
        }),
    }
}
