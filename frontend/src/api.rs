//! Client of the server's JSON API under `/api`, served from the same
//! origin as the app.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use gloo_net::http::{Request, RequestBuilder, Response};
use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::wire::{
    ApiError, BatchReceipt, CommitRequest, ImportCreated, ImportEntry, MatchCounts, NewImport,
    Page, Person,
};
use shared::ColumnMapping;
use wasm_bindgen::JsValue;

/// Header that carries the session's CSRF token on state-changing requests
/// of a signed-in user.
const CSRF_HEADER: &str = "X-CSRF-Token";

thread_local! {
    /// CSRF token of the current session, sent on every state-changing
    /// request. `None` before sign-in and on a server without accounts.
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The signed-in user as `GET /api/session` and `POST /api/session`
/// return it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SessionInfo {
    /// User name.
    pub user: String,
    /// Token for the `X-CSRF-Token` header; `None` for API tokens.
    pub csrf_token: Option<String>,
}

/// Body of `POST /api/session`.
#[derive(Serialize)]
struct SignIn<'a> {
    name: &'a str,
    password: &'a str,
}

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
    /// Returns whether the server rejected the request because no user is
    /// signed in or the session has expired.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            ApiFailure::Rejected { status: 401, .. } | ApiFailure::Status { status: 401, .. }
        )
    }

    /// Returns the record-level problems that the server listed, as text
    /// lines.
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

/// Fetches the signed-in user: `GET /api/session`. Returns `Ok(None)` when
/// the server has no accounts (the route does not exist).
pub async fn current_session() -> Result<Option<SessionInfo>, ApiFailure> {
    let response = Request::get("/api/session")
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    if response.status() == 404 {
        set_csrf_token(None);
        return Ok(None);
    }
    let session: SessionInfo = read_response(response).await?;
    set_csrf_token(session.csrf_token.clone());
    Ok(Some(session))
}

/// Signs in with a user name and password: `POST /api/session`. The server
/// sets the session cookie.
pub async fn sign_in(name: &str, password: &str) -> Result<SessionInfo, ApiFailure> {
    let session: SessionInfo =
        send_json(Request::post("/api/session"), &SignIn { name, password }).await?;
    set_csrf_token(session.csrf_token.clone());
    Ok(session)
}

/// Signs out: `DELETE /api/session`.
pub async fn sign_out() -> Result<(), ApiFailure> {
    let response = with_csrf_token(Request::delete("/api/session"))
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    set_csrf_token(None);
    read_empty_response(response).await
}

/// Sends a state-changing request without a body and expects a success
/// status without a body to read, such as 204.
pub(crate) async fn send_without_body(request: RequestBuilder) -> Result<(), ApiFailure> {
    let response = with_csrf_token(request)
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_empty_response(response).await
}

/// A mapping saved for a set of headers, as `/api/mappings` stores it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedMapping {
    pub headers: Vec<String>,
    pub mapping: BTreeMap<String, ColumnMapping>,
}

/// Fetches the user's saved mapping for `headers`:
/// `POST /api/mappings/lookup`.
pub async fn find_saved_mapping(headers: &[String]) -> Result<Option<SavedMapping>, ApiFailure> {
    #[derive(Serialize)]
    struct HeaderSet<'a> {
        headers: &'a [String],
    }
    send_json(
        Request::post("/api/mappings/lookup"),
        &HeaderSet { headers },
    )
    .await
}

/// Saves the user's mapping for its headers: `PUT /api/mappings`.
pub async fn save_mapping(saved: &SavedMapping) -> Result<(), ApiFailure> {
    let request = with_csrf_token(Request::put("/api/mappings"))
        .json(saved)
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_empty_response(response).await
}

/// Creates an import, or resumes the upload of the same file:
/// `POST /api/imports`.
pub async fn create_import(new: &NewImport) -> Result<ImportCreated, ApiFailure> {
    send_json(Request::post("/api/imports"), new).await
}

/// Uploads batch `batch_number` (0-based) of an import's profiles, a JSON
/// array of profile drafts: `PUT /api/imports/{id}/batches/{n}`.
pub async fn put_batch(
    import_id: i64,
    batch_number: u32,
    profiles_json: &Uint8Array,
) -> Result<BatchReceipt, ApiFailure> {
    let url = format!("/api/imports/{import_id}/batches/{batch_number}");
    let body = gzip(profiles_json).await.map_err(|error| {
        ApiFailure::Network(format!("cannot compress batch {batch_number}: {error:?}"))
    })?;
    send_gzip_json(Request::put(&url), &body).await
}

/// Sends a gzip-compressed JSON body.
async fn send_gzip_json<T: DeserializeOwned>(
    request: RequestBuilder,
    body: &Uint8Array,
) -> Result<T, ApiFailure> {
    let response = with_csrf_token(request)
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .body(JsValue::from(body))
        .map_err(|error| ApiFailure::Network(error.to_string()))?
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_response(response).await
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The Compression Streams API's `CompressionStream`, bound here
    /// because web-sys offers it only behind its unstable-API flag.
    #[wasm_bindgen(extends = js_sys::Object)]
    type CompressionStream;

    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;

    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;
}

/// Compresses bytes with the browser's own gzip (`CompressionStream`), so
/// the work runs outside the WebAssembly module and adds nothing to it.
async fn gzip(bytes: &Uint8Array) -> Result<Uint8Array, JsValue> {
    let parts = js_sys::Array::of1(bytes);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let compression = CompressionStream::new("gzip")?;
    let pair = web_sys::ReadableWritablePair::new(&compression.readable(), &compression.writable());
    let compressed = blob.stream().pipe_through(&pair);
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&compressed))?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer))
}

/// Cancels an import that is not committed yet:
/// `POST /api/imports/{id}/cancel`.
pub async fn cancel_import(import_id: i64) -> Result<ImportEntry, ApiFailure> {
    let url = format!("/api/imports/{import_id}/cancel");
    let response = with_csrf_token(Request::post(&url))
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_response(response).await
}

/// Applies the uploaded batches: `POST /api/imports/{id}/commit`. The
/// merge runs on the server after the response.
pub async fn commit_import(import_id: i64, batch_count: u32) -> Result<ImportEntry, ApiFailure> {
    let url = format!("/api/imports/{import_id}/commit");
    send_json(Request::post(&url), &CommitRequest { batch_count }).await
}

/// Counts how many file profiles match stored profiles with one
/// `POST /api/matches` per JSON array of profile identifiers, each sent
/// gzip-compressed. Only the identifiers leave the browser.
pub async fn count_matches(identifiers_json: &[Uint8Array]) -> Result<MatchCounts, ApiFailure> {
    let mut counts = MatchCounts::default();
    for chunk in identifiers_json {
        let body = gzip(chunk).await.map_err(|error| {
            ApiFailure::Network(format!("cannot compress the identifiers: {error:?}"))
        })?;
        counts += send_gzip_json(Request::post("/api/matches"), &body).await?;
    }
    Ok(counts)
}

/// Fetches one import with its merge progress: `GET /api/imports/{id}`.
pub async fn get_import(import_id: i64) -> Result<ImportEntry, ApiFailure> {
    get_json(&format!("/api/imports/{import_id}")).await
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

pub(crate) async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiFailure> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_response(response).await
}

pub(crate) async fn send_json<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: &B,
) -> Result<T, ApiFailure> {
    let response = with_csrf_token(request)
        .json(body)
        .map_err(|error| ApiFailure::Network(error.to_string()))?
        .send()
        .await
        .map_err(|error| ApiFailure::Network(error.to_string()))?;
    read_response(response).await
}

fn with_csrf_token(request: RequestBuilder) -> RequestBuilder {
    match CSRF_TOKEN.with_borrow(Clone::clone) {
        Some(token) => request.header(CSRF_HEADER, &token),
        None => request,
    }
}

fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.set(token);
}

async fn read_response<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|error| ApiFailure::InvalidResponse(error.to_string()));
    }
    Err(read_failure(response).await)
}

/// Accepts a success status without a body to read, such as 204.
async fn read_empty_response(response: Response) -> Result<(), ApiFailure> {
    if response.ok() {
        Ok(())
    } else {
        Err(read_failure(response).await)
    }
}

async fn read_failure(response: Response) -> ApiFailure {
    let status = response.status();
    let status_text = response.status_text();
    let body = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ApiError>(&body) {
        Ok(error) => ApiFailure::Rejected { status, error },
        Err(_) => ApiFailure::Status {
            status,
            status_text,
        },
    }
}
