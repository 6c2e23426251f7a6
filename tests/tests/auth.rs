//! Accounts, sessions, CSRF, API tokens and the rule that every non-public
//! API route requires authentication, on a real server.

use backend::http::{route_table, Access};
use reqwest::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use reqwest::Method;
use serde_json::{json, Value};

use people_tests::{TestServer, TEST_PASSWORD, TEST_USER};

/// A client without credentials.
fn anonymous() -> reqwest::Client {
    reqwest::Client::new()
}

/// The route path with every `{parameter}` replaced by `1`.
fn concrete_path(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { "1" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_private_route_requires_authentication() {
    let server = TestServer::start().await;
    let table = route_table();
    assert!(table.len() > 10, "the route table lists the API");
    for route in &table {
        let method = Method::from_bytes(route.method.as_bytes()).expect("valid method");
        let url = server.url(&format!("/api{}", concrete_path(route.path)));
        let response = anonymous()
            .request(method, &url)
            .json(&json!({}))
            .send()
            .await
            .expect("request failed");
        let status = response.status().as_u16();
        match route.access {
            Access::Authenticated => assert_eq!(
                status, 401,
                "{} {} answers {status} without credentials",
                route.method, route.path
            ),
            Access::Public => assert_ne!(
                status, 401,
                "{} {} is public but asks for credentials",
                route.method, route.path
            ),
        }
    }
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let server = TestServer::start().await;
    let document: Value = anonymous()
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .expect("request failed")
        .json()
        .await
        .expect("document is not JSON");
    assert_eq!(document["openapi"], "3.1.0");
    for route in route_table() {
        let path = format!("/api{}", route.path);
        let operation = &document["paths"][&path][route.method.to_lowercase()];
        assert!(operation.is_object(), "{} {path} is missing", route.method);
    }
}

async fn sign_in(server: &TestServer, password: &str, headers: HeaderMap) -> reqwest::Response {
    anonymous()
        .post(server.url("/api/session"))
        .headers(headers)
        .json(&json!({ "name": TEST_USER, "password": password }))
        .send()
        .await
        .expect("sign-in request failed")
}

/// The `name=value` part of the session cookie a response sets.
fn session_cookie(response: &reqwest::Response) -> (String, String) {
    let header = response
        .headers()
        .get(SET_COOKIE)
        .expect("no Set-Cookie header")
        .to_str()
        .expect("cookie is text")
        .to_owned();
    let pair = header.split(';').next().unwrap_or_default().to_owned();
    (pair, header)
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site() {
    let server = TestServer::start().await;
    let response = sign_in(&server, TEST_PASSWORD, HeaderMap::new()).await;
    assert_eq!(response.status(), 200);
    let (_, header) = session_cookie(&response);
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Strict"), "{header}");
    assert!(
        !header.contains("Secure"),
        "plain HTTP gets no Secure flag: {header}"
    );

    let mut proxied = HeaderMap::new();
    proxied.insert("x-forwarded-proto", HeaderValue::from_static("https"));
    let response = sign_in(&server, TEST_PASSWORD, proxied).await;
    let (_, header) = session_cookie(&response);
    assert!(
        header.contains("; Secure"),
        "HTTPS gets the Secure flag: {header}"
    );
}

#[tokio::test]
async fn cookie_requests_need_the_csrf_token() {
    let server = TestServer::start().await;
    let response = sign_in(&server, TEST_PASSWORD, HeaderMap::new()).await;
    let (cookie, _) = session_cookie(&response);
    let body: Value = response.json().await.expect("session is JSON");
    let csrf = body["csrf_token"].as_str().expect("CSRF token").to_owned();
    assert_eq!(body["user"], TEST_USER);

    let session: Value = anonymous()
        .get(server.url("/api/session"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("request failed")
        .json()
        .await
        .expect("session is JSON");
    assert_eq!(session["user"], TEST_USER);

    let without = anonymous()
        .post(server.url("/api/journeys"))
        .header(COOKIE, &cookie)
        .json(&json!({ "name": "Spring" }))
        .send()
        .await
        .expect("request failed");
    assert_eq!(without.status(), 403);

    let with = anonymous()
        .post(server.url("/api/journeys"))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "Spring" }))
        .send()
        .await
        .expect("request failed");
    assert_eq!(with.status(), 201);

    let signed_out = anonymous()
        .delete(server.url("/api/session"))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("request failed");
    assert_eq!(signed_out.status(), 204);
    let after = anonymous()
        .get(server.url("/api/session"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("request failed");
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited() {
    let server = TestServer::start().await;
    for attempt in 0..5 {
        let response = sign_in(&server, "wrong password!", HeaderMap::new()).await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let blocked = sign_in(&server, TEST_PASSWORD, HeaderMap::new()).await;
    assert_eq!(blocked.status(), 429);
}

#[tokio::test]
async fn unknown_user_cannot_sign_in() {
    let server = TestServer::start().await;
    let response = anonymous()
        .post(server.url("/api/session"))
        .json(&json!({ "name": "nobody", "password": TEST_PASSWORD }))
        .send()
        .await
        .expect("request failed");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn api_tokens_work_until_revoked() {
    let server = TestServer::start().await;
    let created: Value = server
        .post_json("/api/tokens", &json!({ "name": "nightly sync" }))
        .await
        .json()
        .await
        .expect("token is JSON");
    let token = created["token"].as_str().expect("secret").to_owned();
    let token_id = created["token_id"].as_i64().expect("id");

    let listed: Value = server.get("/api/tokens").await.json().await.expect("JSON");
    let names: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"nightly sync"), "{names:?}");
    assert!(
        listed.to_string().find(&token).is_none(),
        "secrets are not listed"
    );

    let with_token = |token: String| {
        let url = server.url("/api/persons");
        async move {
            anonymous()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("request failed")
                .status()
        }
    };
    assert_eq!(with_token(token.clone()).await, 200);

    let revoked = server
        .client
        .delete(server.url(&format!("/api/tokens/{token_id}")))
        .send()
        .await
        .expect("request failed");
    assert_eq!(revoked.status(), 204);
    assert_eq!(with_token(token).await, 401);
}
