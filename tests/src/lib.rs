//! Workspace-level tests of the people importer: the helpers they share.
//! The tests live in `tests/` and `browser/`.

use std::net::SocketAddr;
use std::sync::Arc;

use backend::store::{Clock, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::wire::{
    BatchReceipt, CommitRequest, ImportCreated, ImportEntry, ImportRequest, ImportStatus, Page,
    Person, BATCH_PROFILES,
};
use shared::wire::{ImportChoices, OnMatch, TagChoice};
use shared::{PersonType, ProfileDraft, ProfileValues, Settings, Summary};

/// A failed API response: its status and JSON body.
#[derive(Debug)]
pub struct Failure {
    pub status: u16,
    pub body: Value,
}

/// A checksum that stands in for the file's SHA-256: the SHA-256 of the
/// request's JSON.
pub fn checksum_of(request: &ImportRequest) -> String {
    let json = serde_json::to_vec(request).expect("request serializes");
    hex::encode(Sha256::digest(json))
}

/// Name and password of the account every test server has.
pub const TEST_USER: &str = "tester";
pub const TEST_PASSWORD: &str = "correct horse battery";

/// A server on a free loopback port with its own database file.
pub struct TestServer {
    pub address: SocketAddr,
    /// A client that sends the test user's API token.
    pub client: reqwest::Client,
    pub store: Store,
    _folder: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with_clock(None).await
    }

    /// Starts a server whose store uses `clock`, or the system clock.
    pub async fn start_with_clock(clock: Option<Arc<dyn Clock>>) -> TestServer {
        let folder = tempfile::tempdir().expect("cannot create a temporary folder");
        let url = test_database_url(folder.path()).await;
        let mut store = Store::open(&url).await.expect("cannot open the store");
        if let Some(clock) = clock {
            store = store.with_clock(clock);
        }
        let token = add_test_user(&store).await;
        let app = backend::http::router(store.clone(), &folder.path().join("dist"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("cannot bind a loopback port");
        let address = listener.local_addr().expect("listener has no address");
        tokio::spawn(async move {
            axum_serve(listener, app).await;
        });
        let mut headers = reqwest::header::HeaderMap::new();
        let bearer = format!("Bearer {token}");
        headers.insert(
            reqwest::header::AUTHORIZATION,
            bearer.parse().expect("token is a valid header value"),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("cannot build an HTTP client");
        TestServer {
            address,
            client,
            store,
            _folder: folder,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET failed")
    }

    /// Runs the import protocol: create, upload every batch (gzip),
    /// commit, and wait for the merge. Returns the first response that
    /// failed, with its status and body.
    pub async fn try_import(&self, request: &ImportRequest) -> Result<ImportEntry, Failure> {
        let checksum = checksum_of(request);
        let created: ImportCreated = self
            .expect_json(
                self.client
                    .post(self.url("/api/imports"))
                    .json(&request.new_import(checksum)),
            )
            .await?;
        let import_id = created.entry.import_id;
        let batches: Vec<&[ProfileDraft]> = request.profiles.chunks(BATCH_PROFILES).collect();
        for (number, batch) in batches.iter().enumerate() {
            self.put_batch(import_id, number as u32, batch).await?;
        }
        let _: ImportEntry = self
            .expect_json(
                self.client
                    .post(self.url(&format!("/api/imports/{import_id}/commit")))
                    .json(&CommitRequest {
                        batch_count: batches.len() as u32,
                    }),
            )
            .await?;
        Ok(self.wait_for_import(import_id).await)
    }

    /// Uploads one batch, gzip-compressed.
    pub async fn put_batch(
        &self,
        import_id: i64,
        batch_number: u32,
        profiles: &[ProfileDraft],
    ) -> Result<BatchReceipt, Failure> {
        let json = serde_json::to_vec(profiles).expect("profiles serialize");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, &json).expect("gzip works");
        let body = encoder.finish().expect("gzip works");
        self.expect_json(
            self.client
                .put(self.url(&format!("/api/imports/{import_id}/batches/{batch_number}")))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::CONTENT_ENCODING, "gzip")
                .body(body),
        )
        .await
    }

    /// Polls an import until its merge has finished.
    pub async fn wait_for_import(&self, import_id: i64) -> ImportEntry {
        for _ in 0..600 {
            let entry: ImportEntry = self
                .get(&format!("/api/imports/{import_id}"))
                .await
                .json()
                .await
                .expect("entry is JSON");
            if entry.status != ImportStatus::Importing {
                return entry;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("import {import_id} did not finish within 30 seconds");
    }

    /// Sends a request and decodes a 2xx JSON answer, or returns the failure.
    pub async fn expect_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Failure> {
        let response = request.send().await.expect("request failed");
        let status = response.status().as_u16();
        let text = response.text().await.expect("no response body");
        if !(200..300).contains(&status) {
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            return Err(Failure { status, body });
        }
        Ok(
            serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("bad JSON ({error}): {text}")),
        )
    }

    /// Runs an import that must succeed and returns its history entry.
    pub async fn import(&self, request: &ImportRequest) -> ImportEntry {
        match self.try_import(request).await {
            Ok(entry) => entry,
            Err(failure) => panic!("import failed with {}: {}", failure.status, failure.body),
        }
    }

    pub async fn persons(&self) -> Vec<Person> {
        let page: Page<Person> = self
            .get("/api/persons?per_page=200")
            .await
            .json()
            .await
            .expect("response is not a page of persons");
        page.items
    }
}

/// Creates the test user with an API token and returns the token.
async fn add_test_user(store: &Store) -> String {
    let hash = backend::auth::hash_password(TEST_PASSWORD).expect("hashing works");
    let user_id = match store
        .add_user(TEST_USER, &hash)
        .await
        .expect("cannot add user")
    {
        backend::store::Inserted::Added(user_id) => user_id,
        backend::store::Inserted::NameTaken => panic!("test user exists in a fresh store"),
    };
    let token = backend::auth::random_token().expect("random works");
    store
        .add_api_token(user_id, "tests", &backend::auth::token_hash(&token))
        .await
        .expect("cannot add a token");
    token
}

/// A fresh database for one test: a SQLite file in `folder`, or a new
/// PostgreSQL database when `PEOPLE_TEST_POSTGRES_URL` is set.
pub async fn test_database_url(folder: &std::path::Path) -> String {
    let Ok(admin_url) = std::env::var("PEOPLE_TEST_POSTGRES_URL") else {
        return format!("sqlite://{}", folder.join("people.db").display());
    };
    use sqlx::Connection;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let number = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("people_test_{}_{number}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("cannot connect to PEOPLE_TEST_POSTGRES_URL");
    for statement in [
        format!("drop database if exists {name}"),
        format!("create database {name}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await
            .expect("cannot create a test database");
    }
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("PEOPLE_TEST_POSTGRES_URL has no database name");
    format!("{base}/{name}")
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    axum::serve(listener, app).await.expect("server failed");
}

impl TestServer {
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST failed")
    }
}

/// A one-record file profile with an email and a first name.
pub fn profile(row: u32, email: &str, first_name: &str) -> ProfileDraft {
    ProfileDraft {
        rows: vec![row],
        values: ProfileValues {
            first_name: Some(first_name.into()),
            emails: vec![email.into()],
            ..ProfileValues::default()
        },
    }
}

/// An import of the profiles with no record errors.
pub fn request(
    person_type: PersonType,
    on_match: OnMatch,
    profiles: Vec<ProfileDraft>,
) -> ImportRequest {
    let records = profiles.iter().map(|p| p.rows.len() as u32).sum();
    ImportRequest {
        file_name: "contacts.csv".into(),
        file_size: 1234,
        settings: Settings {
            person_type,
            ..Settings::default()
        },
        choices: ImportChoices {
            on_match,
            tags: TagChoice::None,
            journey_id: None,
        },
        summary: Summary {
            data_rows: records,
            valid_records: records,
            error_records: 0,
            profiles: profiles.len() as u32,
        },
        errors: Vec::new(),
        profiles,
    }
}

