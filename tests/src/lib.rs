//! Workspace-level tests of the people importer: the helpers they share.
//! The tests live in `tests/` and `browser/`.

use std::sync::Arc;

use backend::store::{Clock, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::wire::{
    BatchReceipt, CommitRequest, ImportCreated, ImportEntry, ImportRequest, ImportStatus,
    Notification, Page, Person, BATCH_PROFILES,
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
    /// The API, called as the test user.
    pub api: Api,
    pub store: Store,
    _folder: tempfile::TempDir,
}

impl std::ops::Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// A client of one server's API that sends an API token.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    /// Base URL such as `http://127.0.0.1:8080`.
    pub base: String,
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
            api: Api {
                client,
                base: format!("http://{address}"),
            },
            store,
            _folder: folder,
        }
    }
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
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
        let import_id = self.upload_and_commit(request).await?;
        Ok(self.wait_for_import(import_id).await)
    }

    /// Creates the import, uploads its batches and commits it, and returns
    /// its id without waiting for the merge.
    pub async fn upload_and_commit(&self, request: &ImportRequest) -> Result<i64, Failure> {
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
        Ok(import_id)
    }

    /// Asks to cancel the running merge of `import_id` and returns the
    /// import as the response shows it. The response is 202 while the merge
    /// still runs, or 200 when the merge already stopped on the request;
    /// any other status fails the test.
    pub async fn cancel_running_merge(&self, import_id: i64) -> ImportEntry {
        let response = self
            .client
            .post(self.url(&format!("/api/imports/{import_id}/cancel")))
            .send()
            .await
            .expect("cancel request");
        let code = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert!(code == 200 || code == 202, "{code}: {text}");
        let entry: ImportEntry = serde_json::from_str(&text).expect("entry is JSON");
        // The entry is read after the request, so a merge that stops in
        // between shows Cancelled with a 202 as well.
        let allowed: &[ImportStatus] = if code == 200 {
            &[ImportStatus::Cancelled]
        } else {
            &[ImportStatus::Importing, ImportStatus::Cancelled]
        };
        assert!(allowed.contains(&entry.status), "{code}: {text}");
        entry
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

    /// Returns the user's unread notifications, oldest first.
    pub async fn notifications(&self) -> Vec<Notification> {
        self.get("/api/notifications")
            .await
            .json()
            .await
            .expect("response is not a list of notifications")
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

impl Api {
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
            edited_cells: 0,
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

/// The `people` binary: `PEOPLE_BIN`, else `target/debug/people` of the
/// workspace (build it with `cargo build -p backend --bin people`).
pub fn people_bin() -> std::path::PathBuf {
    if let Some(bin) = std::env::var_os("PEOPLE_BIN") {
        return bin.into();
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = manifest.join("../target/debug/people");
    assert!(
        bin.is_file(),
        "no people binary at {}: build it with `cargo build -p backend --bin people` or set PEOPLE_BIN",
        bin.display()
    );
    bin
}

/// A `people serve` process on a free loopback port.
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts `people serve` on the database and waits until it answers.
    /// Interrupted imports are looked for every second and a claim goes
    /// stale after two, so takeover tests run fast.
    pub async fn start(database_url: &str, static_dir: &std::path::Path) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("no free loopback port")
            .port();
        let child = std::process::Command::new(people_bin())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", database_url])
            .arg("--static-dir")
            .arg(static_dir)
            .args(["--claim-timeout", "2", "--sweep-interval", "1"])
            .env("RUST_LOG", "error")
            .spawn()
            .expect("cannot start people serve");
        let server = ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            let health = client
                .get(format!("{}/api/health", server.base))
                .send()
                .await;
            if health.is_ok_and(|response| response.status().is_success()) {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "people serve did not answer on {} within 10 seconds",
            server.base
        );
    }

    /// Kills the process with SIGKILL, as a crash would.
    pub fn kill(mut self) {
        self.child.kill().expect("cannot kill the server");
        self.child.wait().expect("cannot reap the server");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates the test user through `people user add`, reading the password
/// from standard input.
pub fn add_user_with_cli(database_url: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new(people_bin())
        .args(["user", "add", TEST_USER, "--database-url", database_url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cannot run people user add");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(format!("{TEST_PASSWORD}\n").as_bytes())
        .expect("cannot write the password");
    let output = child.wait_with_output().expect("people user add failed");
    assert!(
        output.status.success(),
        "people user add failed: {output:?}"
    );
}

/// Signs in as the test user and creates an API token; returns the API
/// called with it, and the token.
pub async fn token_client(base: &str) -> (Api, String) {
    let anonymous = reqwest::Client::new();
    let response = anonymous
        .post(format!("{base}/api/session"))
        .json(&serde_json::json!({ "name": TEST_USER, "password": TEST_PASSWORD }))
        .send()
        .await
        .expect("sign-in failed");
    assert_eq!(response.status(), 200, "sign-in failed");
    let cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .expect("no session cookie")
        .to_owned();
    let session: Value = response.json().await.expect("session is JSON");
    let csrf = session["csrf_token"]
        .as_str()
        .expect("CSRF token")
        .to_owned();
    let created: Value = anonymous
        .post(format!("{base}/api/tokens"))
        .header(reqwest::header::COOKIE, cookie)
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({ "name": "tests" }))
        .send()
        .await
        .expect("token request failed")
        .json()
        .await
        .expect("token is JSON");
    let token = created["token"].as_str().expect("token secret").to_owned();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("valid header"),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client builds");
    let api = Api {
        client,
        base: base.to_owned(),
    };
    (api, token)
}
