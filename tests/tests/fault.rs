//! Fault tests of the generated client against a scripted local HTTP server.
//!
//! Every test starts its own axum server on `127.0.0.1:0`, which records each request it
//! receives and answers with scripted responses; the server stops when the test drops
//! it. The tests assert the exact outcome: what the server received, how many requests
//! it saw, and the exact value or error the client returned.

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use unified_connection::{
    Category, Client, Connection, ConnectionAuth, ConnectionInput, ConnectionPatch, Error,
    ListUnifiedConnectionsOrder, ListUnifiedConnectionsParams, ListUnifiedConnectionsSort,
    Permission, RetryPolicy,
};

mod support {
    pub mod server;
}
use support::server::{Recorded, TestServer, reply};

const TOKEN: &str = "test-token";
const USER_AGENT: &str = "unified-connection/0.1.0";

// ---------------------------------------------------------------------------------------
// Clients and fixtures
// ---------------------------------------------------------------------------------------

/// Retries that do not slow the tests down: 1 ms back-off, no jitter.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(1))
        .jitter(false)
}

/// Retries whose computed back-off is far longer than any test may take: a retry that
/// happens quickly was scheduled by the server's `Retry-After`.
fn slow_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_secs(30))
        .max_backoff(Duration::from_secs(30))
        .max_elapsed(Duration::from_secs(120))
        .jitter(false)
}

fn client_with(server: &TestServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn client(server: &TestServer) -> Client {
    client_with(server, fast_retries())
}

/// A connection as the server sends it, every field set (read-only ones included).
fn full_connection_json(id: &str) -> Value {
    json!({
        "id": id,
        "created_at": "2024-01-02T03:04:05Z",
        "updated_at": "2024-02-03T04:05:06.789Z",
        "workspace_id": "ws_1",
        "integration_type": "hubspot",
        "integration_name": "HubSpot",
        "external_xref": "customer-42",
        "permissions": ["crm_contact_read", "crm_deal_write"],
        "categories": ["crm", "hris"],
        "auth": {
            "access_token": "at-secret-123",
            "refresh_token": "rt-secret-456",
            "client_id": "client-1",
            "expires_in": 3600.0,
            "expiry_date": "2025-01-01T00:00:00Z",
            "emails": ["a@example.com"],
            "meta": {"region": "eu", "n": 1}
        },
        "is_paused": false,
        "environment": "Sandbox",
        "last_healthy_at": "2024-03-04T05:06:07Z",
        "last_unhealthy_at": "2024-03-01T00:00:00Z",
        "last_unhealthy_code": "E_TIMEOUT",
        "secretsmanager_id": "sm-1",
        "secretsmanager_key": "path/to/secret"
    })
}

/// `full_connection_json` without its read-only fields: what a request body must be.
fn writable_connection_json() -> Value {
    let mut value = full_connection_json("conn_1");
    let object = value.as_object_mut().unwrap();
    for key in tests::CONNECTION_READ_ONLY {
        assert!(object.remove(key).is_some(), "{key}");
    }
    value
}

fn full_connection(id: &str) -> Connection {
    serde_json::from_value(full_connection_json(id)).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

/// Asserts the headers every request that reads a JSON response carries, and the
/// body-dependent ones.
fn assert_common_headers(request: &Recorded, with_body: bool) {
    assert_headers(request, with_body, "application/json");
}

/// Asserts the headers every request carries, `accept` for the `Accept` header, and the
/// body-dependent ones.
fn assert_headers(request: &Recorded, with_body: bool, accept: &str) {
    assert_eq!(
        request.header("authorization"),
        Some("Bearer test-token"),
        "{request:?}"
    );
    assert_eq!(request.header("user-agent"), Some(USER_AGENT));
    assert_eq!(request.header("accept"), Some(accept));
    if with_body {
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.header("content-length"),
            Some(request.body.len().to_string().as_str())
        );
    } else {
        assert_eq!(request.header("content-type"), None);
        assert!(request.body.is_empty(), "{request:?}");
    }
}

/// Asserts that neither the error's `Display` nor its `Debug` output shows the token.
fn assert_no_token(error: &Error) {
    let printed = format!("{error} | {error:?} | {error:#?}");
    assert!(!printed.contains(TOKEN), "{printed}");
}

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> Box<unified_connection::ApiError> {
    match result {
        Err(Error::Api(error)) => {
            assert_no_token(&Error::Api(error.clone()));
            error
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// The six operations: exactly what goes on the wire
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_sends_every_parameter() {
    let server = TestServer::script(vec![reply(200).json(&json!([
        full_connection_json("c1"),
        full_connection_json("c2")
    ]))])
    .await;
    let updated_gte =
        Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::milliseconds(123);
    let params = ListUnifiedConnectionsParams {
        limit: Some(25),
        offset: Some(50),
        updated_gte: Some(updated_gte),
        sort: Some(ListUnifiedConnectionsSort::UpdatedAt),
        order: Some(ListUnifiedConnectionsOrder::Desc),
        env: Some("Sandbox".to_owned()),
        external_xref: Some("user 1&x=y".to_owned()),
        categories: Some(vec![Category::Hris, Category::Crm]),
    };
    let found = client(&server)
        .list_unified_connections(&params)
        .await
        .unwrap();
    assert_eq!(found, vec![full_connection("c1"), full_connection("c2")]);

    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/unified/connection");
    assert_eq!(
        request.query(),
        Some(
            "limit=25&offset=50&updated_gte=2024-01-02T03%3A04%3A05.123Z&sort=updated_at\
             &order=desc&env=Sandbox&external_xref=user+1%26x%3Dy&categories=hris&categories=crm"
        )
    );
    let pairs: Vec<(String, String)> = [
        ("limit", "25"),
        ("offset", "50"),
        ("updated_gte", "2024-01-02T03:04:05.123Z"),
        ("sort", "updated_at"),
        ("order", "desc"),
        ("env", "Sandbox"),
        ("external_xref", "user 1&x=y"),
        ("categories", "hris"),
        ("categories", "crm"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(request.query_pairs(), pairs);
    // The date is RFC 3339 and reads back as the exact instant sent.
    let sent = DateTime::parse_from_rfc3339(&request.query_value("updated_gte")).unwrap();
    assert_eq!(sent, updated_gte);
    assert_common_headers(&request, false);
}

#[tokio::test]
async fn list_without_parameters_sends_no_query() {
    let server = TestServer::script(vec![reply(200).raw_json("[]")]).await;
    let found = client(&server)
        .list_unified_connections(&ListUnifiedConnectionsParams::default())
        .await
        .unwrap();
    assert!(found.is_empty());
    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/unified/connection");
    assert_eq!(request.query(), None);
    assert_common_headers(&request, false);
}

#[tokio::test]
async fn create_sends_the_writable_fields_only() {
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("new_1"))]).await;
    let fetched = full_connection("conn_1");
    let input = ConnectionInput::from(fetched);
    let created = client(&server)
        .create_unified_connection(&input)
        .await
        .unwrap();
    assert_eq!(created, full_connection("new_1"));

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/unified/connection");
    assert_eq!(request.query(), None);
    assert_common_headers(&request, true);
    let body = request.json();
    assert_eq!(body, writable_connection_json());
    assert_no_read_only_field(&body);
    // Secrets are sent unchanged.
    assert_eq!(body["auth"]["access_token"], "at-secret-123");
    assert_eq!(body["auth"]["refresh_token"], "rt-secret-456");
}

/// The body holds none of the read-only fields, which only the server sets.
fn assert_no_read_only_field(body: &Value) {
    for key in tests::CONNECTION_READ_ONLY {
        assert!(
            body.get(key).is_none(),
            "read-only `{key}` was sent: {body}"
        );
    }
}

#[tokio::test]
async fn get_encodes_the_id_as_one_segment() {
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("a/b c?d"))]).await;
    let found = client(&server)
        .get_unified_connection("a/b c?d")
        .await
        .unwrap();
    assert_eq!(found, full_connection("a/b c?d"));
    assert_eq!(found.id.as_deref(), Some("a/b c?d"));
    assert_eq!(found.created_at, Some(utc(2024, 1, 2, 3, 4, 5)));

    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/unified/connection/a%2Fb%20c%3Fd");
    assert_eq!(request.query(), None);
    assert_common_headers(&request, false);
}

#[tokio::test]
async fn update_puts_the_writable_fields_only() {
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("a/b c?d"))]).await;
    let input = ConnectionInput::from(full_connection("a/b c?d"));
    let updated = client(&server)
        .update_unified_connection("a/b c?d", &input)
        .await
        .unwrap();
    assert_eq!(updated, full_connection("a/b c?d"));

    let request = server.only_request();
    assert_eq!(request.method, "PUT");
    assert_eq!(request.path(), "/unified/connection/a%2Fb%20c%3Fd");
    assert_eq!(request.query(), None);
    assert_common_headers(&request, true);
    let body = request.json();
    assert_eq!(body, writable_connection_json());
    assert_no_read_only_field(&body);
}

#[tokio::test]
async fn patch_sends_only_the_fields_set() {
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("c1"))]).await;
    // A value sets a field, `Some(None)` clears it, `None` leaves it unchanged.
    let patch = ConnectionPatch {
        external_xref: Some(Some("customer-43".to_owned())),
        integration_name: Some(None),
        categories: Some(vec![Category::Ats]),
        ..ConnectionPatch::default()
    };
    let patched = client(&server)
        .patch_unified_connection("c1", &patch)
        .await
        .unwrap();
    assert_eq!(patched, full_connection("c1"));

    let request = server.only_request();
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path(), "/unified/connection/c1");
    assert_eq!(request.query(), None);
    assert_common_headers(&request, true);
    assert_eq!(
        request.json(),
        json!({"integration_name": null, "external_xref": "customer-43", "categories": ["ats"]})
    );

    // An empty patch is an empty object.
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("c1"))]).await;
    client(&server)
        .patch_unified_connection("c1", &ConnectionPatch::default())
        .await
        .unwrap();
    assert_eq!(server.only_request().body, Bytes::from_static(b"{}"));
}

#[tokio::test]
async fn remove_sends_a_delete_and_accepts_an_empty_body() {
    let server = TestServer::script(vec![reply(200)]).await;
    let (): () = client(&server)
        .remove_unified_connection("a/b c?d")
        .await
        .unwrap();

    let request = server.only_request();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path(), "/unified/connection/a%2Fb%20c%3Fd");
    assert_eq!(request.query(), None);
    // Its responses have no body, so it accepts any media type an error may come in.
    assert_headers(&request, false, "*/*");
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_before_sending() {
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("c1"))]).await;
    let client = client(&server);
    for id in ["", ".", ".."] {
        match client.get_unified_connection(id).await {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.contains("segment"), "{message}")
            }
            other => panic!("{id:?}: expected Error::InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(server.hits(), 0);
}

// ---------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn too_many_requests_with_retry_after_zero_is_retried() {
    let server = TestServer::script(vec![
        reply(429)
            .header("retry-after", "0")
            .json(&json!({"statusCode": 429, "message": "slow down"})),
        reply(200).json(&full_connection_json("c1")),
    ])
    .await;
    let started = Instant::now();
    let found = client_with(&server, slow_retries())
        .get_unified_connection("c1")
        .await
        .unwrap();
    assert_eq!(found, full_connection("c1"));
    assert_eq!(server.hits(), 2);
    // The back-off is 30 s: only `Retry-After: 0` explains a quick retry.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    for request in server.requests() {
        assert_eq!(request.path(), "/unified/connection/c1");
        assert_common_headers(&request, false);
    }
}

#[tokio::test]
async fn retry_after_as_a_past_http_date_retries_at_once() {
    let server = TestServer::script(vec![
        reply(503).header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        reply(200).json(&full_connection_json("c1")),
    ])
    .await;
    let started = Instant::now();
    let found = client_with(&server, slow_retries())
        .get_unified_connection("c1")
        .await
        .unwrap();
    assert_eq!(found, full_connection("c1"));
    assert_eq!(server.hits(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn service_unavailable_twice_then_success() {
    let server = TestServer::script(vec![
        reply(503),
        reply(503),
        reply(200).json(&json!([full_connection_json("c1")])),
    ])
    .await;
    let found = client(&server)
        .list_unified_connections(&ListUnifiedConnectionsParams::default())
        .await
        .unwrap();
    assert_eq!(found, vec![full_connection("c1")]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), "/unified/connection");
    }
}

#[tokio::test]
async fn server_error_forever_stops_after_max_attempts() {
    let server =
        TestServer::script(vec![reply(500).json(
            &json!({"statusCode": 500, "error": "Internal Server Error", "message": "boom"}),
        )])
        .await;
    let result = client_with(&server, fast_retries().max_attempts(3))
        .get_unified_connection("c1")
        .await;
    let error = match result {
        Err(error) => error,
        Ok(found) => panic!("expected an error, got {found:?}"),
    };
    assert_no_token(&error);
    assert_eq!(error.attempts(), Some(3));
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(
        error.to_string(),
        "HTTP 500 Internal Server Error: boom (after 3 attempts)"
    );
    let api = api_error(Err::<(), _>(error));
    assert_eq!(api.attempts(), 3);
    assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn put_and_delete_are_retried_by_default() {
    let server = TestServer::script(vec![
        reply(502),
        reply(200).json(&full_connection_json("c1")),
    ])
    .await;
    let input = ConnectionInput::from(full_connection("c1"));
    client(&server)
        .update_unified_connection("c1", &input)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The retry resends the same body.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[1].json(), writable_connection_json());

    let server = TestServer::script(vec![reply(504), reply(200)]).await;
    client(&server)
        .remove_unified_connection("c1")
        .await
        .unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = TestServer::script(vec![
        reply(503),
        reply(200).json(&full_connection_json("new_1")),
    ])
    .await;
    let input = ConnectionInput::from(full_connection("c1"));
    let api = api_error(client(&server).create_unified_connection(&input).await);
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.attempts(), 1);
    assert_eq!(server.hits(), 1);

    // PATCH is not idempotent either.
    let server = TestServer::script(vec![
        reply(503),
        reply(200).json(&full_connection_json("c1")),
    ])
    .await;
    let patch = ConnectionPatch {
        external_xref: Some(Some("x".to_owned())),
        ..ConnectionPatch::default()
    };
    let api = api_error(client(&server).patch_unified_connection("c1", &patch).await);
    assert_eq!(api.attempts(), 1);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn post_is_retried_when_allowed() {
    let server = TestServer::script(vec![
        reply(503),
        reply(200).json(&full_connection_json("new_1")),
    ])
    .await;
    let input = ConnectionInput::from(full_connection("c1"));
    let created = client_with(&server, fast_retries().retry_non_idempotent(true))
        .create_unified_connection(&input)
        .await
        .unwrap();
    assert_eq!(created, full_connection("new_1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.json(), writable_connection_json());
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::script(vec![reply(404).json(
        &json!({"statusCode": 404, "error": "Not Found", "message": "no such connection"}),
    )])
    .await;
    let api = api_error(client(&server).get_unified_connection("missing").await);
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.attempts(), 1);
    assert_eq!(
        api.to_string(),
        "HTTP 404 Not Found: no such connection (after 1 attempt)"
    );
    assert_eq!(server.hits(), 1);
}

// ---------------------------------------------------------------------------------------
// Bad responses
// ---------------------------------------------------------------------------------------

fn decode_error(
    result: Result<impl std::fmt::Debug, Error>,
) -> Box<unified_connection::DecodeError> {
    match result {
        Err(Error::Decode(error)) => {
            let printed = format!("{error} | {error:?} | {error:#?}");
            assert!(!printed.contains(TOKEN), "{printed}");
            error
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn garbage_json_is_a_decode_error_keeping_the_body() {
    let garbage = "{\"id\": \"c1\", oops this is not json";
    let server = TestServer::script(vec![reply(200).raw_json(garbage)]).await;
    let result = client(&server).get_unified_connection("c1").await;
    if let Err(error) = &result {
        assert_no_token(error);
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert_eq!(error.attempts(), None);
    }
    let decode = decode_error(result);
    assert_eq!(decode.status(), StatusCode::OK);
    assert_eq!(decode.body(), garbage.as_bytes());
    assert_eq!(decode.body_text(), garbage);
    assert_eq!(
        decode.headers().get("content-type").unwrap(),
        "application/json"
    );
    assert!(
        decode
            .to_string()
            .starts_with("could not decode the response"),
        "{decode}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_bad_date_names_its_field() {
    let mut connection = full_connection_json("c1");
    connection["created_at"] = json!("yesterday at noon");
    let server = TestServer::script(vec![
        reply(200).json(&connection),
        reply(200).json(&json!([full_connection_json("c0"), connection])),
    ])
    .await;
    let client = client(&server);

    let result = client.get_unified_connection("c1").await;
    if let Err(error) = &result {
        assert_no_token(error);
    }
    let decode = decode_error(result);
    assert_eq!(decode.path(), "created_at");
    assert!(
        decode
            .to_string()
            .starts_with("could not decode the response at `created_at`: "),
        "{decode}"
    );
    assert_eq!(decode.body(), connection.to_string().as_bytes());

    // In a list, the path names the item too.
    let decode = decode_error(
        client
            .list_unified_connections(&ListUnifiedConnectionsParams::default())
            .await,
    );
    assert_eq!(decode.path(), "[1].created_at");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_missing_required_field_is_a_decode_error() {
    let mut connection = full_connection_json("c1");
    connection
        .as_object_mut()
        .unwrap()
        .remove("integration_type");
    let server = TestServer::script(vec![reply(200).json(&connection)]).await;
    let decode = decode_error(client(&server).get_unified_connection("c1").await);
    assert_eq!(decode.path(), ".");
    assert!(decode.to_string().contains("integration_type"), "{decode}");
}

/// A one-shot raw TCP server: reads one request head and answers with `response`, then
/// closes the connection. Returns the address and a count of accepted connections.
async fn raw_server(response: &'static [u8]) -> (SocketAddr, Arc<Mutex<usize>>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(Mutex::new(0));
    let counter = accepted.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            *counter.lock().unwrap() += 1;
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, accepted, task)
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let (addr, accepted, task) = raw_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\
          connection: close\r\n\r\n{\"id\":\"c1\",\"integration_",
    )
    .await;
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .bearer_token(TOKEN)
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let result = client.get_unified_connection("c1").await;
    match &result {
        Err(error @ Error::Transport { attempts, .. }) => {
            assert_eq!(*attempts, 1);
            assert_no_token(error);
            assert!(
                error
                    .to_string()
                    .starts_with("could not complete the request (after 1 attempt): "),
                "{error}"
            );
            assert_eq!(error.status(), None);
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert_eq!(*accepted.lock().unwrap(), 1);
    task.abort();
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_a_transport_error() {
    // A port nobody listens on any more.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .bearer_token(TOKEN)
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let result = client.get_unified_connection("c1").await;
    match &result {
        Err(error @ Error::Transport { attempts, source }) => {
            assert_eq!(*attempts, 3);
            assert!(source.is_connect(), "{source:?}");
            assert_no_token(error);
            assert!(
                error
                    .to_string()
                    .starts_with("could not complete the request (after 3 attempts): "),
                "{error}"
            );
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_error_page_is_kept_as_text() {
    let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n\
                <body><h1>Bad Gateway</h1></body></html>\n";
    let server = TestServer::script(vec![
        reply(502).header("content-type", "text/html").body(page),
    ])
    .await;
    let api = api_error(
        client_with(&server, RetryPolicy::disabled())
            .get_unified_connection("c1")
            .await,
    );
    assert_eq!(api.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(api.body_text(), page);
    assert_eq!(api.body(), page.as_bytes());
    assert_eq!(api.parsed(), None);
    assert_eq!(api.attempts(), 1);
    assert_eq!(api.headers().get("content-type").unwrap(), "text/html");
    assert_eq!(
        api.to_string(),
        "HTTP 502 Bad Gateway: <!DOCTYPE html> <html><head><title>502 Bad Gateway</title></head> \
         <body><h1>Bad Gateway</h1></body></html> (after 1 attempt)"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_json_error_body_is_parsed() {
    let server = TestServer::script(vec![reply(401).json(&json!({
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "Missing authentication"
    }))])
    .await;
    let api = api_error(
        client(&server)
            .list_unified_connections(&ListUnifiedConnectionsParams::default())
            .await,
    );
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api.attempts(), 1);
    let parsed = api.parsed().expect("the error body is parsed");
    assert_eq!(parsed.status_code, Some(401));
    assert_eq!(parsed.error.as_deref(), Some("Unauthorized"));
    assert_eq!(parsed.message.as_deref(), Some("Missing authentication"));
    assert_eq!(
        api.to_string(),
        "HTTP 401 Unauthorized: Missing authentication (after 1 attempt)"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn delete_ignores_whatever_body_comes_back() {
    let server =
        TestServer::script(vec![reply(200), reply(200).raw_json("{\"deleted\":true}")]).await;
    let client = client(&server);
    client.remove_unified_connection("c1").await.unwrap();
    client.remove_unified_connection("c2").await.unwrap();
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "DELETE /unified/connection/c1",
            "DELETE /unified/connection/c2"
        ]
    );
}

#[tokio::test]
async fn an_empty_body_where_json_is_expected_is_a_decode_error() {
    let server = TestServer::script(vec![reply(200)]).await;
    let decode = decode_error(client(&server).get_unified_connection("c1").await);
    assert_eq!(decode.body(), b"");
    assert_eq!(decode.path(), "");
    assert_eq!(
        decode.to_string(),
        "could not decode the response: the body is empty but a JSON value was expected"
    );
}

#[tokio::test]
async fn a_slow_response_times_out() {
    let server = TestServer::script(vec![
        reply(200)
            .json(&full_connection_json("c1"))
            .delay(Duration::from_secs(2)),
    ])
    .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let result = client.get_unified_connection("c1").await;
    let elapsed = started.elapsed();
    match &result {
        Err(error @ Error::Timeout { attempts, .. }) => {
            assert_eq!(*attempts, 1);
            assert!(error.is_timeout());
            assert_no_token(error);
            assert!(
                error
                    .to_string()
                    .starts_with("the request timed out (after 1 attempt): "),
                "{error}"
            );
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(server.hits(), 1);
}

// ---------------------------------------------------------------------------------------
// Forward compatibility
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_enum_values_and_fields_decode_and_round_trip() {
    let mut sent = full_connection_json("c1");
    sent["permissions"] = json!(["crm_contact_read", "brand_new_permission_read"]);
    sent["categories"] = json!(["quantum", "crm"]);
    sent["brand_new_field"] = json!({"nested": [1, 2, 3]});
    let server = TestServer::script(vec![reply(200).json(&sent)]).await;
    let found = client(&server).get_unified_connection("c1").await.unwrap();

    assert_eq!(
        found.permissions,
        vec![
            Permission::CrmContactRead,
            Permission::Unknown("brand_new_permission_read".to_owned()),
        ]
    );
    assert_eq!(
        found.categories,
        vec![Category::Unknown("quantum".to_owned()), Category::Crm]
    );
    assert_eq!(found.permissions[1].as_str(), "brand_new_permission_read");
    assert_eq!(found.categories[0].to_string(), "quantum");

    // Written back, the unknown values and the undeclared field are unchanged.
    assert_eq!(
        found.extra.get("brand_new_field"),
        Some(&json!({"nested": [1, 2, 3]}))
    );
    let written = serde_json::to_value(&found).unwrap();
    assert_eq!(written, sent);
    let input = serde_json::to_value(ConnectionInput::from(found)).unwrap();
    assert_eq!(
        input["permissions"],
        json!(["crm_contact_read", "brand_new_permission_read"])
    );
    assert_eq!(input["categories"], json!(["quantum", "crm"]));
}

#[tokio::test]
async fn an_update_sends_back_the_fields_a_newer_server_added() {
    let mut fetched = full_connection_json("c1");
    fetched["brand_new_field"] = json!({"nested": [1, 2, 3]});
    fetched["auth"]["brand_new_secret"] = json!("s3cret");
    let server =
        TestServer::script(vec![reply(200).json(&fetched), reply(200).json(&fetched)]).await;
    let client = client(&server);
    let found = client.get_unified_connection("c1").await.unwrap();
    let mut input = ConnectionInput::from(found);
    input.external_xref = Some("customer-43".to_owned());
    client
        .update_unified_connection("c1", &input)
        .await
        .unwrap();

    let requests = server.requests();
    let put = requests.last().expect("the update was sent");
    let body = put.json();
    assert_eq!(body["brand_new_field"], json!({"nested": [1, 2, 3]}));
    assert_eq!(body["auth"]["brand_new_secret"], json!("s3cret"));
    assert_eq!(body["external_xref"], json!("customer-43"));
    assert_no_read_only_field(&body);
    // Undeclared properties of an object that holds secrets may be secrets: `Debug` shows
    // their names only.
    let shown = format!("{:?}", input.auth);
    assert!(shown.contains("brand_new_secret"), "{shown}");
    assert!(!shown.contains("s3cret"), "{shown}");
}

// ---------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------

fn numbered(n: usize) -> Value {
    json!({
        "id": format!("c{n}"),
        "integration_type": "hubspot",
        "permissions": [],
        "categories": ["crm"],
    })
}

/// A server holding `total` numbered connections, served by offset and limit.
async fn paged_server(total: usize) -> TestServer {
    TestServer::start(move |_, request| {
        let offset: usize = request.query_value("offset").parse().unwrap();
        let limit: usize = request.query_value("limit").parse().unwrap();
        let items: Vec<Value> = (offset..total.min(offset + limit)).map(numbered).collect();
        reply(200).json(&Value::Array(items))
    })
    .await
}

async fn collect_ids(client: &Client, params: ListUnifiedConnectionsParams) -> Vec<String> {
    let stream = pin!(client.list_unified_connections_stream(params));
    stream.map(|item| item.unwrap().id.unwrap()).collect().await
}

/// The `(offset, limit)` of every request the server received.
fn pages(server: &TestServer) -> Vec<(u64, u64)> {
    server
        .requests()
        .iter()
        .map(|r| {
            assert_eq!(r.method, "GET");
            assert_eq!(r.path(), "/unified/connection");
            (
                r.query_value("offset").parse().unwrap(),
                r.query_value("limit").parse().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn paging_fetches_exactly_the_needed_pages() {
    type Case = (usize, &'static [(u64, u64)]);
    let cases: [Case; 4] = [
        (0, &[(0, 100)]),
        (1, &[(0, 100)]),
        (100, &[(0, 100), (100, 100)]),
        (250, &[(0, 100), (100, 100), (200, 100)]),
    ];
    for (total, expected_pages) in cases {
        let expected_ids: Vec<String> = (0..total).map(|n| format!("c{n}")).collect();

        // An explicit page size of 100.
        let server = paged_server(total).await;
        let params = ListUnifiedConnectionsParams {
            limit: Some(100),
            ..Default::default()
        };
        let ids = collect_ids(&client(&server), params).await;
        assert_eq!(ids, expected_ids, "{total} items");
        assert_eq!(pages(&server), expected_pages, "{total} items");

        // The default page size is 100 too, and is sent explicitly.
        let server = paged_server(total).await;
        let ids = collect_ids(&client(&server), ListUnifiedConnectionsParams::default()).await;
        assert_eq!(ids, expected_ids, "{total} items, default page size");
        assert_eq!(
            pages(&server),
            expected_pages,
            "{total} items, default page size"
        );
        assert_eq!(
            server.requests()[0].query(),
            Some("limit=100&offset=0"),
            "{total} items, default page size"
        );
    }
}

#[tokio::test]
async fn paging_keeps_the_other_parameters_and_the_start_offset() {
    let server = paged_server(20).await;
    let params = ListUnifiedConnectionsParams {
        limit: Some(7),
        offset: Some(3),
        categories: Some(vec![Category::Hris, Category::Crm]),
        order: Some(ListUnifiedConnectionsOrder::Asc),
        ..Default::default()
    };
    let ids = collect_ids(&client(&server), params).await;
    assert_eq!(ids, (3..20).map(|n| format!("c{n}")).collect::<Vec<_>>());
    assert_eq!(pages(&server), [(3, 7), (10, 7), (17, 7)]);
    let queries: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.query().unwrap().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=7&offset=3&order=asc&categories=hris&categories=crm",
            "limit=7&offset=10&order=asc&categories=hris&categories=crm",
            "limit=7&offset=17&order=asc&categories=hris&categories=crm",
        ]
    );
}

#[tokio::test]
async fn paging_never_asks_for_more_than_the_api_maximum() {
    // The spec caps `limit` at 100: a larger page size would be refused or cut short by the
    // server, and a short page would end the stream early, silently losing items.
    let server = paged_server(250).await;
    let params = ListUnifiedConnectionsParams {
        limit: Some(500),
        ..Default::default()
    };
    let ids = collect_ids(&client(&server), params).await;
    assert_eq!(ids.len(), 250);
    assert_eq!(pages(&server), [(0, 100), (100, 100), (200, 100)]);
}

#[tokio::test]
async fn an_error_on_the_second_page_ends_the_stream_after_the_first_page() {
    let server = TestServer::start(|n, request| {
        if n == 0 {
            let offset: usize = request.query_value("offset").parse().unwrap();
            let items: Vec<Value> = (offset..offset + 100).map(numbered).collect();
            reply(200).json(&Value::Array(items))
        } else {
            reply(500).json(&json!({"message": "page unavailable"}))
        }
    })
    .await;
    let client = client_with(&server, fast_retries().max_attempts(2));
    let mut stream = pin!(
        client.list_unified_connections_stream(ListUnifiedConnectionsParams {
            limit: Some(100),
            ..Default::default()
        })
    );
    for n in 0..100 {
        let item = stream.next().await.expect("an item").expect("not an error");
        assert_eq!(item.id, Some(format!("c{n}")));
    }
    match stream.next().await {
        Some(Err(Error::Api(api))) => {
            assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(api.attempts(), 2);
            assert_eq!(
                api.to_string(),
                "HTTP 500 Internal Server Error: page unavailable (after 2 attempts)"
            );
        }
        other => panic!("expected the second page's error, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    // One request for the first page, two tries of the second, nothing more.
    assert_eq!(pages(&server), [(0, 100), (100, 100), (100, 100)]);
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

#[test]
fn the_token_never_appears_in_the_client_debug_output() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token(TOKEN);
    let printed = format!("{builder:?} {builder:#?}");
    assert!(!printed.contains(TOKEN), "{printed}");
    let client = builder.build().unwrap();
    let printed = format!("{client:?} {client:#?}");
    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains("***"), "{printed}");
    assert!(printed.contains("bearerAuth"), "{printed}");
}

#[tokio::test]
async fn secret_auth_fields_are_masked_in_debug_but_sent_unchanged() {
    let connection = full_connection("c1");
    let auth: &ConnectionAuth = connection.auth.as_ref().unwrap();
    assert_eq!(auth.access_token.as_deref(), Some("at-secret-123"));
    assert_eq!(auth.refresh_token.as_deref(), Some("rt-secret-456"));
    let pretty = format!("{connection:#?}");
    assert!(!pretty.contains("at-secret-123"), "{pretty}");
    assert!(!pretty.contains("rt-secret-456"), "{pretty}");
    assert!(
        pretty.contains("access_token: Some(\n                \"***\",\n            ),"),
        "{pretty}"
    );
    for printed in [
        format!("{connection:?}"),
        format!("{auth:?}"),
        format!("{:?}", ConnectionInput::from(connection.clone())),
        format!(
            "{:?}",
            ConnectionPatch {
                auth: Some(connection.auth.clone()),
                ..ConnectionPatch::default()
            }
        ),
    ] {
        assert!(!printed.contains("at-secret-123"), "{printed}");
        assert!(!printed.contains("rt-secret-456"), "{printed}");
        assert!(printed.contains("access_token: Some(\"***\")"), "{printed}");
        assert!(
            printed.contains("refresh_token: Some(\"***\")"),
            "{printed}"
        );
        // Non-secret fields are shown.
        assert!(printed.contains("client-1"), "{printed}");
    }
    // Unset secrets print as `None`, not as a mask.
    let empty = format!("{:?}", ConnectionAuth::default());
    assert!(empty.contains("access_token: None"), "{empty}");

    let serialised = serde_json::to_value(&connection).unwrap();
    assert_eq!(serialised["auth"]["access_token"], "at-secret-123");
    assert_eq!(serialised["auth"]["refresh_token"], "rt-secret-456");
    assert_eq!(serialised, full_connection_json("c1"));

    // And the server receives them unchanged.
    let server = TestServer::script(vec![reply(200).json(&full_connection_json("c1"))]).await;
    let patch = ConnectionPatch {
        auth: Some(connection.auth.clone()),
        ..ConnectionPatch::default()
    };
    client(&server)
        .patch_unified_connection("c1", &patch)
        .await
        .unwrap();
    let body = server.only_request().json();
    assert_eq!(body, json!({"auth": full_connection_json("c1")["auth"]}));
}
