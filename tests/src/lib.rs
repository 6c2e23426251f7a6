//! Workspace-level tests of the people importer: the helpers they share.
//! The tests live in `tests/` and `browser/`.

use std::net::SocketAddr;
use std::sync::Arc;

use backend::store::{Clock, Store};
use serde_json::Value;
use shared::wire::{ImportEntry, ImportRequest, Page, Person};

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

    pub async fn post_import(&self, request: &ImportRequest) -> reqwest::Response {
        self.client
            .post(self.url("/api/imports"))
            .json(request)
            .send()
            .await
            .expect("POST failed")
    }

    /// Posts an import that must succeed and returns its history entry.
    pub async fn import(&self, request: &ImportRequest) -> ImportEntry {
        let response = self.post_import(request).await;
        let status = response.status();
        let text = response.text().await.expect("no response body");
        assert_eq!(status, 200, "import failed: {text}");
        serde_json::from_str(&text).expect("response is not an ImportEntry")
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
