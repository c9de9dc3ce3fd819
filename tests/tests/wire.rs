//! The client generated from `tests/fixtures/wire.yaml` (`tests/wire-client`) against a
//! scripted server on loopback: every kind of request body, response, credential,
//! parameter style and paging, with the exact bytes and headers that go on the wire.
//!
//! Each test starts its own axum server on `127.0.0.1:0` (`support/server.rs`), which
//! records every request exactly as received and answers with scripted replies.

use std::convert::Infallible;
use std::pin::pin;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use chrono::{NaiveDate, TimeZone, Utc};
use futures_util::StreamExt;
use serde_json::json;
use wire_client::{
    Client, ClientBuilder, Error, Event, Failure, GetMessageError, GetMessageResponse,
    GetReportFilter, GetReportParams, ListEventsParams, ListMessagesParams, Message, MessageStatus,
    NewMessage, Outage, Problem, RetryPolicy, StoredFile, Upload, UploadFileMultipart,
    UploadFileMultipartMeta,
};

mod support {
    pub mod server;
}
use support::server::{Recorded, Reply, TestServer, reply};

const USER: &str = "ann";
const PASSWORD: &str = "open sesame";
/// `Basic ` and the base64 of `ann:open sesame`.
const BASIC: &str = "Basic YW5uOm9wZW4gc2VzYW1l";
const TOKEN: &str = "t0ken-secret";
/// A query key with characters the query must encode.
const QUERY_KEY: &str = "q&k=ey secret";
const HEADER_KEY: &str = "h3ader-secret";
const SESSION: &str = "c00kie-secret";
const USER_AGENT: &str = "wire-client/0.1.0";

// ---------------------------------------------------------------------------------------
// Clients and helpers
// ---------------------------------------------------------------------------------------

/// A builder for the server, with retries that do not slow the tests down.
fn builder(server: &TestServer) -> ClientBuilder {
    Client::builder().base_url(server.base_url()).retry_policy(
        RetryPolicy::new()
            .initial_backoff(Duration::from_millis(1))
            .jitter(false),
    )
}

/// A client with every credential the API has a scheme for.
fn client(server: &TestServer) -> Client {
    with_every_credential(builder(server)).build().unwrap()
}

fn with_every_credential(builder: ClientBuilder) -> ClientBuilder {
    builder
        .basic_auth(USER, PASSWORD)
        .bearer_token(TOKEN)
        .api_key_query(QUERY_KEY)
        .api_key_header(HEADER_KEY)
        .api_key_cookie(SESSION)
}

/// Asserts that no secret shows in `text`.
fn assert_no_secret(text: &str) {
    for secret in [
        PASSWORD,
        "open%20sesame",
        "YW5uOm9wZW4gc2VzYW1l",
        TOKEN,
        QUERY_KEY,
        "q%26k%3Dey+secret",
        HEADER_KEY,
        SESSION,
    ] {
        assert!(!text.contains(secret), "{secret:?} shows in {text}");
    }
}

/// The error of a call that must fail with an error response; its text and `Debug`
/// output never show a credential.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Box<wire_client::ApiError> {
    match result {
        Err(Error::Api(error)) => {
            assert_no_secret(&format!("{error} {error:?}"));
            error
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// A message as the server sends it.
fn message_json(sid: &str) -> serde_json::Value {
    json!({"sid": sid, "to": "+15550100", "body": "Hello", "status": "queued", "media_urls": []})
}

fn message(sid: &str) -> Message {
    let mut message = Message::new(sid, "+15550100", "Hello", MessageStatus::Queued);
    message.media_urls = Some(Vec::new());
    message
}

/// Asserts the headers of a request without a body.
fn assert_no_body(request: &Recorded) {
    assert_eq!(request.header("content-type"), None, "{request:?}");
    assert_eq!(request.header("transfer-encoding"), None, "{request:?}");
    assert!(request.body.is_empty(), "{request:?}");
}

/// Asserts the content type and length of a request with a body of known length.
fn assert_body(request: &Recorded, content_type: &str, body: &[u8]) {
    assert_eq!(request.header("content-type"), Some(content_type));
    assert_eq!(
        request.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(
        request.body,
        body,
        "{}",
        String::from_utf8_lossy(&request.body)
    );
}

/// The credentials a request carried: `Authorization`, `X-Api-Key`, `Cookie` and the
/// `api_key` query parameter.
fn credentials_sent(request: &Recorded) -> [Option<String>; 4] {
    let query_key = request
        .query_pairs()
        .into_iter()
        .find(|(key, _)| key == "api_key")
        .map(|(_, value)| value);
    [
        request.header("authorization").map(str::to_owned),
        request.header("x-api-key").map(str::to_owned),
        request.header("cookie").map(str::to_owned),
        query_key,
    ]
}

// ---------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_form_body_repeats_the_key_of_each_list_item() {
    let server = TestServer::script(vec![reply(201).json(&message_json("SM1"))]).await;
    let mut body = NewMessage::new("+1 555 0100", "Hi & bye");
    body.media_url = Some(vec![
        "https://example.com/a.png".to_owned(),
        "https://example.com/b.png?x=1&y=2".to_owned(),
    ]);
    body.send_at = Some(Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap());
    body.priority = Some(2);
    body.urgent = Some(true);
    let sent = client(&server).create_message_form(&body).await.unwrap();
    assert_eq!(sent, message("SM1"));

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/messages");
    assert_eq!(request.query(), None);
    assert_body(
        &request,
        "application/x-www-form-urlencoded",
        b"To=%2B1+555+0100&Body=Hi+%26+bye\
          &MediaUrl=https%3A%2F%2Fexample.com%2Fa.png\
          &MediaUrl=https%3A%2F%2Fexample.com%2Fb.png%3Fx%3D1%26y%3D2\
          &SendAt=2024-05-06T07%3A08%3A09Z&Priority=2&Urgent=true",
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some(USER_AGENT));
    // The operation has the document's default security: basic only.
    assert_eq!(
        credentials_sent(&request),
        [Some(BASIC.to_owned()), None, None, None]
    );

    // Unset fields are left out; a list of one item is one key.
    let server = TestServer::script(vec![reply(201).json(&message_json("SM2"))]).await;
    let mut body = NewMessage::new("+15550100", "Hello");
    body.media_url = Some(vec!["https://example.com/a.png".to_owned()]);
    client(&server).create_message_form(&body).await.unwrap();
    assert_body(
        &server.only_request(),
        "application/x-www-form-urlencoded",
        b"To=%2B15550100&Body=Hello&MediaUrl=https%3A%2F%2Fexample.com%2Fa.png",
    );
}

#[tokio::test]
async fn the_first_media_type_of_a_body_is_json() {
    let server = TestServer::script(vec![reply(201).json(&message_json("SM1"))]).await;
    let mut body = NewMessage::new("+15550100", "Hello");
    body.media_url = Some(vec!["https://example.com/a.png".to_owned()]);
    let sent = client(&server).create_message(&body).await.unwrap();
    assert_eq!(sent, message("SM1"));
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/messages");
    assert_body(
        &request,
        "application/json",
        br#"{"To":"+15550100","Body":"Hello","MediaUrl":["https://example.com/a.png"]}"#,
    );
}

/// A part of a multipart body, as an independent parser reads it.
#[derive(Debug, PartialEq)]
struct FormPart {
    name: String,
    file_name: Option<String>,
    /// Every header of the part, names in lower case.
    headers: Vec<(String, String)>,
    bytes: Bytes,
}

/// The parts of a recorded `multipart/form-data` body.
async fn multipart_parts(request: &Recorded) -> Vec<FormPart> {
    let content_type = request.header("content-type").expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let boundary = multer::parse_boundary(content_type).expect("a boundary");
    let body = request.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed body") {
        let mut headers: Vec<(String, String)> = field
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        let name = field.name().expect("a named part").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.expect("the part's bytes");
        parts.push(FormPart {
            name,
            file_name,
            headers,
            bytes,
        });
    }
    parts
}

fn part(name: &str, headers: &[(&str, &str)], bytes: &'static [u8]) -> FormPart {
    let file_name = headers
        .iter()
        .find(|(header, _)| *header == "content-disposition")
        .and_then(|(_, value)| value.split("filename=\"").nth(1))
        .map(|rest| rest.trim_end_matches('"').to_owned());
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    headers.sort();
    FormPart {
        name: name.to_owned(),
        file_name,
        headers,
        bytes: Bytes::from_static(bytes),
    }
}

#[tokio::test]
async fn a_file_part_without_a_file_name_is_named_after_its_field() {
    let stored = json!({"id": "f2", "size": 2});
    let server = TestServer::script(vec![reply(201).json(&stored)]).await;
    let body = UploadFileMultipart::new(Upload::from(b"hi".to_vec()));
    client(&server).upload_file(&body).await.unwrap();
    let parts = multipart_parts(&server.only_request()).await;
    let file = parts.first().expect("the file is the first part");
    assert_eq!(file.name, "file");
    assert_eq!(file.file_name.as_deref(), Some("file"));
    assert_eq!(file.bytes, Bytes::from_static(b"hi"));
}

#[tokio::test]
async fn a_multipart_body_has_a_typed_part_per_field() {
    let stored = json!({"id": "f1", "size": 6, "content_type": "image/png"});
    let server = TestServer::script(vec![reply(201).json(&stored)]).await;
    let body = UploadFileMultipart {
        file: Upload::from(b"\x89PNG\r\n".to_vec()).file_name("cat picture.png"),
        description: Some("A cat, \"sleeping\"".to_owned()),
        tags: Some(vec!["cats".to_owned(), "sleep".to_owned()]),
        meta: Some(UploadFileMultipartMeta {
            author: Some("Ann".to_owned()),
            ..Default::default()
        }),
    };
    let file = client(&server).upload_file(&body).await.unwrap();
    let mut expected = StoredFile::new("f1", 6);
    expected.content_type = Some("image/png".to_owned());
    assert_eq!(file, expected);

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/files");
    assert_eq!(
        request.header("accept"),
        Some("application/json, application/problem+json")
    );
    assert_eq!(
        credentials_sent(&request),
        [Some(BASIC.to_owned()), None, None, None]
    );
    assert_eq!(
        request.header("content-length"),
        Some(request.body.len().to_string().as_str())
    );
    let parts = multipart_parts(&request).await;
    assert_eq!(
        parts,
        [
            // The file's content type is the first the description's `encoding` lists.
            part(
                "file",
                &[
                    (
                        "content-disposition",
                        "form-data; name=\"file\"; filename=\"cat picture.png\""
                    ),
                    ("content-type", "image/png"),
                ],
                b"\x89PNG\r\n",
            ),
            part(
                "description",
                &[("content-disposition", "form-data; name=\"description\"")],
                b"A cat, \"sleeping\"",
            ),
            // A list is a part per item.
            part(
                "tags",
                &[("content-disposition", "form-data; name=\"tags\"")],
                b"cats",
            ),
            part(
                "tags",
                &[("content-disposition", "form-data; name=\"tags\"")],
                b"sleep",
            ),
            part(
                "meta",
                &[
                    ("content-disposition", "form-data; name=\"meta\""),
                    ("content-type", "application/json"),
                ],
                br#"{"author":"Ann"}"#,
            ),
        ]
    );
}

#[tokio::test]
async fn a_multipart_file_takes_the_content_type_of_its_upload() {
    let stored = json!({"id": "f2", "size": 3});
    let server = TestServer::script(vec![reply(201).json(&stored)]).await;
    let pieces = futures_util::stream::iter([
        Ok::<_, Infallible>(Bytes::from_static(b"\xff\xd8")),
        Ok(Bytes::from_static(b"\xff")),
    ]);
    let body = UploadFileMultipart::new(
        Upload::stream(pieces)
            .file_name("photo.jpg")
            .content_type("image/jpeg"),
    );
    client(&server).upload_file(&body).await.unwrap();
    let request = server.only_request();
    // A streamed file has no known length: the body is chunked.
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    assert_eq!(
        multipart_parts(&request).await,
        [part(
            "file",
            &[
                (
                    "content-disposition",
                    "form-data; name=\"file\"; filename=\"photo.jpg\""
                ),
                ("content-type", "image/jpeg"),
            ],
            b"\xff\xd8\xff",
        )]
    );
}

#[tokio::test]
async fn bytes_are_uploaded_as_they_are_and_resent_whole_by_a_retry() {
    let server = TestServer::script(vec![reply(503), reply(204)]).await;
    let bytes: Vec<u8> = (0..=255).collect();
    client(&server)
        .put_file_content("f1", bytes.clone())
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "PUT is retried");
    for request in &requests {
        assert_eq!(request.method, "PUT");
        assert_eq!(request.path(), "/files/f1/content");
        assert_body(request, "application/octet-stream", &bytes);
        assert_eq!(
            credentials_sent(request),
            [Some(BASIC.to_owned()), None, None, None]
        );
    }

    // The upload's own content type replaces the description's.
    let server = TestServer::script(vec![reply(204)]).await;
    client(&server)
        .put_file_content(
            "f1",
            Upload::from(b"GIF89a".to_vec()).content_type("image/gif"),
        )
        .await
        .unwrap();
    assert_body(&server.only_request(), "image/gif", b"GIF89a");
}

fn three_pieces() -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    futures_util::stream::iter([
        Ok(Bytes::from_static(b"one,")),
        Ok(Bytes::from_static(b"two,")),
        Ok(Bytes::from_static(b"three")),
    ])
}

#[tokio::test]
async fn a_stream_is_uploaded_once_and_not_retried() {
    let server = TestServer::script(vec![reply(204)]).await;
    client(&server)
        .put_file_content("f1", Upload::stream(three_pieces()))
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(
        request.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    assert_eq!(request.header("content-length"), None);
    assert_eq!(request.body, Bytes::from_static(b"one,two,three"));

    // A failure that would be retried is returned as it is: the stream is spent.
    let server = TestServer::script(vec![reply(503).body("busy"), reply(204)]).await;
    let api = api_error(
        client(&server)
            .put_file_content("f1", Upload::stream(three_pieces()))
            .await,
    );
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.attempts(), 1);
    assert_eq!(api.body_text(), "busy");
    assert_eq!(server.hits(), 1);
    assert_eq!(
        server.only_request().body,
        Bytes::from_static(b"one,two,three")
    );
}

#[tokio::test]
async fn text_goes_out_and_comes_back_as_text() {
    let server = TestServer::script(vec![
        reply(201)
            .header("content-type", "text/plain; charset=utf-8")
            .body("note-1 ✓"),
    ])
    .await;
    let id = client(&server)
        .add_note("line one\nlíne twö ✓\n")
        .await
        .unwrap();
    assert_eq!(id, "note-1 ✓");
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/notes");
    assert_eq!(request.header("accept"), Some("text/plain"));
    assert_body(&request, "text/plain", "line one\nlíne twö ✓\n".as_bytes());
    // The operation asks for the cookie key alone.
    assert_eq!(
        credentials_sent(&request),
        [None, None, Some(format!("session={SESSION}")), None]
    );

    // Text that is not UTF-8 is a decode error that keeps the bytes.
    let server = TestServer::script(vec![reply(201).body(b"\xffnote")]).await;
    match client(&server).add_note("x").await {
        Err(Error::Decode(decode)) => {
            assert_eq!(decode.body(), b"\xffnote");
            assert!(decode.to_string().contains("UTF-8"), "{decode}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_download_is_read_piece_by_piece_as_it_arrives() {
    let (streamed, pieces) = reply(200)
        .header("content-type", "application/octet-stream")
        .streamed();
    let server = TestServer::script(vec![streamed]).await;
    let client = client(&server);
    pieces.send(Bytes::from_static(b"first piece")).unwrap();
    // The rest of the body is only sent once the first piece has been read: a client that
    // waited for the whole body would wait for ever.
    let patience = Duration::from_secs(10);
    let mut download = tokio::time::timeout(patience, client.download_file("a/b c"))
        .await
        .expect("the download starts before the body is complete")
        .unwrap();
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    assert_eq!(download.content_length(), None);
    let first = tokio::time::timeout(patience, download.chunk())
        .await
        .expect("the first piece arrives on its own")
        .unwrap();
    assert_eq!(first, Some(Bytes::from_static(b"first piece")));
    pieces.send(Bytes::from_static(b"second ")).unwrap();
    pieces.send(Bytes::from_static(b"and last")).unwrap();
    drop(pieces);
    let rest: Vec<Bytes> = download
        .into_stream()
        .map(|piece| piece.unwrap())
        .collect()
        .await;
    assert_eq!(rest.concat(), b"second and last");

    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/files/a%2Fb%20c/content");
    assert_eq!(
        request.header("accept"),
        Some("application/octet-stream, application/problem+json")
    );
    assert_no_body(&request);

    // `_with_response` has the status and headers too; `bytes` reads the rest whole.
    let server = TestServer::script(vec![
        reply(200)
            .header("content-type", "image/png")
            .header("etag", "\"v1\"")
            .body(b"\x89PNG"),
    ])
    .await;
    let response = client_of(&server)
        .download_file_with_response("f1")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"v1\"");
    let download = response.into_value();
    assert_eq!(download.content_type(), Some("image/png"));
    assert_eq!(download.content_length(), Some(4));
    assert_eq!(
        download.bytes().await.unwrap(),
        Bytes::from_static(b"\x89PNG")
    );
}

fn client_of(server: &TestServer) -> Client {
    client(server)
}

#[tokio::test]
async fn an_empty_success_is_unit() {
    let server = TestServer::script(vec![reply(204).header("x-request-id", "r-1")]).await;
    let client = client(&server);
    let (): () = client.delete_message("SM1").await.unwrap();
    let response = client.delete_message_with_response("SM2").await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["x-request-id"], "r-1");
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(paths, ["DELETE /messages/SM1", "DELETE /messages/SM2"]);
    // No response of the operation has a body: any media type an error may come in will do.
    for request in server.requests() {
        assert_eq!(request.header("accept"), Some("*/*"));
    }
}

#[tokio::test]
async fn statuses_with_different_bodies_are_an_enum() {
    let server = TestServer::script(vec![
        reply(200).json(&message_json("SM1")),
        reply(202).header("retry-after", "5"),
        // A body the description does not give for 202 is not read.
        reply(202).raw_json("{\"progress\": 50}"),
    ])
    .await;
    let client = client(&server);
    assert_eq!(
        client.get_message("SM1").await.unwrap(),
        GetMessageResponse::Ok(message("SM1"))
    );
    let accepted = client.get_message_with_response("SM1").await.unwrap();
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert_eq!(accepted.headers()["retry-after"], "5");
    assert_eq!(accepted.value(), &GetMessageResponse::Accepted);
    assert_eq!(
        client.get_message("SM1").await.unwrap(),
        GetMessageResponse::Accepted
    );
}

#[tokio::test]
async fn with_response_returns_status_headers_and_value() {
    let server = TestServer::script(vec![
        reply(201)
            .header("location", "/messages/SM9")
            .header("x-ratelimit-remaining", "41")
            .json(&message_json("SM9")),
    ])
    .await;
    let response = client(&server)
        .create_message_form_with_response(&NewMessage::new("+15550100", "Hello"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["location"], "/messages/SM9");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
    assert_eq!(response.value(), &message("SM9"));
    let (status, headers, value): (StatusCode, HeaderMap, Message) = response.into_parts();
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(value, message("SM9"));
}

#[tokio::test]
async fn an_error_body_is_decoded_as_the_type_its_status_has() {
    let server = TestServer::script(vec![
        reply(400).json(&json!({"code": 21211, "message": "The 'To' number is not valid"})),
    ])
    .await;
    let api = api_error(
        client(&server)
            .create_message_form(&NewMessage::new("nobody", "Hello"))
            .await,
    );
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        api.typed::<Failure>(),
        Some(&Failure::new(21211, "The 'To' number is not valid"))
    );
    assert_eq!(api.typed::<GetMessageError>(), None);
    assert_eq!(api.problem(), None);
    assert_eq!(
        api.to_string(),
        "HTTP 400 Bad Request: The 'To' number is not valid (after 1 attempt)"
    );
}

#[tokio::test]
async fn each_error_status_of_an_operation_is_a_variant() {
    let server = TestServer::script(vec![
        reply(404).json(&json!({"code": 20404, "message": "no such message"})),
        reply(503).json(&json!({"retry_in": 30})),
        reply(500).json(&json!({"retry_in": 5})),
        // A body that does not match the description: no typed body, the rest is kept.
        reply(404).raw_json("{\"oops\": true}"),
        // A status the description does not list.
        reply(409).json(&json!({"code": 1, "message": "conflict"})),
    ])
    .await;
    let client = with_every_credential(builder(&server))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let api = api_error(client.get_message("SM0").await);
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api.typed::<GetMessageError>(),
        Some(&GetMessageError::NotFound(Failure::new(
            20404,
            "no such message"
        )))
    );
    assert_eq!(api.typed::<Failure>(), None, "the enum is the typed body");

    let api = api_error(client.get_message("SM0").await);
    assert_eq!(
        api.typed::<GetMessageError>(),
        Some(&GetMessageError::ServerError(Outage::new(30)))
    );
    let api = api_error(client.get_message("SM0").await);
    assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        api.typed::<GetMessageError>(),
        Some(&GetMessageError::ServerError(Outage::new(5)))
    );

    let api = api_error(client.get_message("SM0").await);
    assert_eq!(api.typed::<GetMessageError>(), None);
    assert_eq!(api.body(), b"{\"oops\": true}");
    assert_eq!(api.headers()["content-type"], "application/json");

    let api = api_error(client.get_message("SM0").await);
    assert_eq!(api.status(), StatusCode::CONFLICT);
    assert_eq!(api.typed::<GetMessageError>(), None);
    assert_eq!(server.hits(), 5);
}

#[tokio::test]
async fn problem_details_are_parsed_and_shown() {
    let problem = json!({
        "type": "https://wire.example.com/problems/too-large",
        "title": "File too large",
        "status": 413,
        "detail": "The file is 12 MB; at most 10 MB are accepted.",
        "instance": "/files/uploads/77",
        "max_bytes": 10_000_000
    });
    let server = TestServer::script(vec![
        reply(413)
            .header("content-type", "application/problem+json")
            .body(problem.to_string()),
    ])
    .await;
    let api = api_error(
        client(&server)
            .upload_file(&UploadFileMultipart::new(Upload::from(vec![0u8; 16])))
            .await,
    );
    assert_eq!(api.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let parsed = api.problem().expect("problem details");
    assert_eq!(
        parsed.kind.as_deref(),
        Some("https://wire.example.com/problems/too-large")
    );
    assert_eq!(parsed.title.as_deref(), Some("File too large"));
    assert_eq!(parsed.status, Some(413));
    assert_eq!(
        parsed.detail.as_deref(),
        Some("The file is 12 MB; at most 10 MB are accepted.")
    );
    assert_eq!(parsed.instance.as_deref(), Some("/files/uploads/77"));
    assert_eq!(parsed.extra.get("max_bytes"), Some(&json!(10_000_000)));
    // The description types the 413 body as problem details too.
    assert_eq!(api.typed::<Problem>(), Some(parsed));
    assert_eq!(
        api.to_string(),
        format!(
            "HTTP 413 {}: File too large: The file is 12 MB; at most 10 MB are accepted. \
             (after 1 attempt)",
            StatusCode::PAYLOAD_TOO_LARGE.canonical_reason().unwrap()
        )
    );

    // A download's error is read whole, as problem details.
    let server = TestServer::script(vec![
        reply(404)
            .header("content-type", "application/problem+json; charset=utf-8")
            .body(r#"{"title": "Not found", "detail": "No file f9."}"#),
    ])
    .await;
    let api = api_error(client(&server).download_file("f9").await);
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api.problem().and_then(|p| p.detail.as_deref()),
        Some("No file f9.")
    );
    assert_eq!(
        api.to_string(),
        "HTTP 404 Not Found: Not found: No file f9. (after 1 attempt)"
    );
}

// ---------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn basic_credentials_are_sent_as_the_description_asks() {
    let server = TestServer::script(vec![reply(200).body("a,b\n")]).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .basic_auth("Aladdin", "open:sesame ✓")
        .build()
        .unwrap();
    client
        .list_events(&ListEventsParams::default())
        .await
        .unwrap_err();
    let request = server.only_request();
    // base64 of the UTF-8 bytes of `Aladdin:open:sesame ✓`.
    assert_eq!(
        request.header("authorization"),
        Some("Basic QWxhZGRpbjpvcGVuOnNlc2FtZSDinJM=")
    );
}

#[tokio::test]
async fn each_operation_sends_the_credentials_its_security_names() {
    let server = TestServer::start(|_, request| match request.path() {
        "/messages" => reply(200).json(&json!({"messages": []})),
        "/reports" => reply(200).body("a,b\n"),
        "/notes" => reply(201).body("n1"),
        _ => reply(204),
    })
    .await;
    let client = client(&server);
    client
        .list_messages(&ListMessagesParams {
            page_size: Some(10),
            ..Default::default()
        })
        .await
        .unwrap();
    client.delete_message("SM1").await.unwrap();
    client.add_note("hi").await.unwrap();
    client
        .get_report(&GetReportParams {
            x_request_id: "req-1".to_owned(),
            theme: Some("dark".to_owned()),
            filter: None,
            ids: None,
            fields: None,
        })
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 4);

    // The query key comes after the parameters, encoded.
    assert_eq!(
        requests[0].query(),
        Some("page_size=10&api_key=q%26k%3Dey+secret")
    );
    assert_eq!(
        credentials_sent(&requests[0]),
        [None, None, None, Some(QUERY_KEY.to_owned())]
    );
    // `security: []`: nothing, whatever the client has.
    assert_eq!(credentials_sent(&requests[1]), [None, None, None, None]);
    assert_eq!(requests[1].query(), None);
    assert_eq!(
        credentials_sent(&requests[2]),
        [None, None, Some(format!("session={SESSION}")), None]
    );
    // Two schemes together; the cookie key joins the cookie parameter in one header.
    assert_eq!(
        credentials_sent(&requests[3]),
        [
            Some(BASIC.to_owned()),
            None,
            Some(format!("theme=dark; session={SESSION}")),
            None
        ]
    );
}

#[tokio::test]
async fn the_first_configured_alternative_is_sent() {
    let server = TestServer::script(vec![reply(200).json(&message_json("SM1"))]).await;
    // `get_message` accepts a bearer token or a header key: with both, the token.
    client(&server).get_message("SM1").await.unwrap();
    let only_key = builder(&server)
        .api_key_header(HEADER_KEY)
        .basic_auth(USER, PASSWORD)
        .build()
        .unwrap();
    only_key.get_message("SM1").await.unwrap();
    let only_token = builder(&server).bearer_token(TOKEN).build().unwrap();
    only_token.get_message("SM1").await.unwrap();
    let unrelated = builder(&server).basic_auth(USER, PASSWORD).build().unwrap();
    unrelated.get_message("SM1").await.unwrap();

    let sent: Vec<[Option<String>; 4]> = server.requests().iter().map(credentials_sent).collect();
    let bearer = Some(format!("Bearer {TOKEN}"));
    assert_eq!(
        sent,
        [
            [bearer.clone(), None, None, None],
            [None, Some(HEADER_KEY.to_owned()), None, None],
            [bearer, None, None, None],
            // Basic is not among the operation's schemes.
            [None, None, None, None],
        ]
    );
}

#[tokio::test]
async fn credentials_never_show_in_debug_output_or_errors() {
    let server = TestServer::script(vec![reply(401).body("who are you?")]).await;
    let builder = with_every_credential(builder(&server));
    assert_no_secret(&format!("{builder:?} {builder:#?}"));
    let client = builder.build().unwrap();
    let printed = format!("{client:?} {client:#?}");
    assert_no_secret(&printed);
    for scheme in [
        "basicAuth",
        "bearerAuth",
        "apiKeyQuery",
        "apiKeyHeader",
        "apiKeyCookie",
    ] {
        assert!(printed.contains(scheme), "{printed}");
    }
    let api = api_error(client.list_messages(&ListMessagesParams::default()).await);
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);

    // Nor in what a success returns: a response and a download name their URL.
    let server = TestServer::script(vec![
        reply(200).json(&json!({"messages": []})),
        reply(200).body("bytes"),
    ])
    .await;
    let client = client_of(&server);
    let response = client
        .list_messages_with_response(&ListMessagesParams::default())
        .await
        .unwrap();
    assert_eq!(response.url().path(), "/messages");
    assert_eq!(response.url().query(), Some("api_key=***"));
    assert_no_secret(&format!("{response:?} {response:#?}"));
    let download = client.download_file("f1").await.unwrap();
    let printed = format!("{download:?} {download:#?}");
    assert_no_secret(&printed);
    assert!(printed.contains("api_key=***"), "{printed}");
    assert_eq!(
        credentials_sent(&server.requests()[1]),
        [None, None, None, Some(QUERY_KEY.to_owned())]
    );

    // A transport error names the URL, with the query key hidden.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let unreachable = with_every_credential(Client::builder())
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = unreachable
        .list_messages(&ListMessagesParams::default())
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, Error::Transport { .. }), "{shown}");
    assert_no_secret(&shown);
    assert!(shown.contains("api_key=***"), "{shown}");
}

// ---------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn parameters_are_sent_in_the_style_the_description_gives() {
    let server = TestServer::script(vec![
        reply(200)
            .header("content-type", "text/csv")
            .body("id,body\n1,Hello\n"),
    ])
    .await;
    let params = GetReportParams {
        x_request_id: "req 42/ok".to_owned(),
        // A value that would end its cookie and add another, were it not encoded.
        theme: Some("dark; admin=1".to_owned()),
        filter: Some(GetReportFilter {
            from: Some(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()),
            status: Some("sent ok".to_owned()),
            ..Default::default()
        }),
        ids: Some(vec![1, 2, 30]),
        fields: Some(vec!["id".to_owned(), "body".to_owned()]),
    };
    let report = client(&server).get_report(&params).await.unwrap();
    assert_eq!(report, "id,body\n1,Hello\n");

    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/reports");
    // deepObject, pipeDelimited and comma-joined (`form`, not exploded), as the form
    // encoding of the URL writes them.
    assert_eq!(
        request.query(),
        Some(
            "filter%5Bfrom%5D=2024-01-02&filter%5Bstatus%5D=sent+ok&ids=1%7C2%7C30\
             &fields=id%2Cbody"
        )
    );
    let pairs: Vec<(String, String)> = [
        ("filter[from]", "2024-01-02"),
        ("filter[status]", "sent ok"),
        ("ids", "1|2|30"),
        ("fields", "id,body"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(request.query_pairs(), pairs);
    assert_eq!(request.header("x-request-id"), Some("req 42/ok"));
    assert_eq!(request.header("accept"), Some("text/csv"));
    assert_eq!(
        request.header("cookie"),
        Some(format!("theme=dark%3B%20admin%3D1; session={SESSION}").as_str())
    );
    assert_no_body(&request);

    // Unset optional parameters are left out; empty lists too.
    let server = TestServer::script(vec![reply(200).body("")]).await;
    let params = GetReportParams {
        x_request_id: "r".to_owned(),
        theme: None,
        filter: Some(GetReportFilter::default()),
        ids: Some(Vec::new()),
        fields: None,
    };
    let client = client(&server);
    client.get_report(&params).await.unwrap();
    let request = server.only_request();
    assert_eq!(request.query(), None);
    assert_eq!(request.header("x-request-id"), Some("r"));
    assert_eq!(
        request.header("cookie"),
        Some(format!("session={SESSION}").as_str())
    );

    // A header parameter that is not header text is refused before anything is sent.
    let params = GetReportParams {
        x_request_id: "line\nbreak".to_owned(),
        theme: None,
        filter: None,
        ids: None,
        fields: None,
    };
    match client.get_report(&params).await {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("x-request-id"), "{message}")
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_path_parameter_is_one_segment_whatever_it_holds() {
    let server = TestServer::script(vec![reply(200).json(&message_json("x"))]).await;
    let client = client(&server);
    client.get_message("a/b?c#d%e é").await.unwrap();
    client.get_message("..%2F..").await.unwrap();
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            assert_eq!(r.query(), None);
            r.path().to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "/messages/a%2Fb%3Fc%23d%25e%20%C3%A9",
            "/messages/..%252F.."
        ]
    );
    // Dot segments would name another resource: refused before anything is sent.
    for id in ["", ".", ".."] {
        match client.delete_message(id).await {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.contains("segment"), "{message}")
            }
            other => panic!("{id:?}: expected Error::InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(server.hits(), 2);
}

// ---------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------

fn page(sids: &[&str], next: Option<&str>) -> Reply {
    let messages: Vec<serde_json::Value> = sids.iter().map(|sid| message_json(sid)).collect();
    reply(200).json(&json!({"messages": messages, "next_page_token": next}))
}

async fn all_sids(client: &Client, params: ListMessagesParams) -> Vec<String> {
    let stream = pin!(client.list_messages_stream(params));
    stream.map(|item| item.unwrap().sid).collect().await
}

#[tokio::test]
async fn a_cursor_names_each_next_page_until_there_is_none() {
    let server = TestServer::script(vec![
        page(&["m1", "m2"], Some("t/2")),
        page(&["m3", "m4"], Some("t3")),
        page(&["m5"], None),
    ])
    .await;
    let params = ListMessagesParams {
        page_size: Some(2),
        ..Default::default()
    };
    let sids = all_sids(&client(&server), params).await;
    assert_eq!(sids, ["m1", "m2", "m3", "m4", "m5"]);
    let queries: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            assert_eq!(r.path(), "/messages");
            r.query().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(
        queries,
        [
            "page_size=2&api_key=q%26k%3Dey+secret",
            "page_token=t%2F2&page_size=2&api_key=q%26k%3Dey+secret",
            "page_token=t3&page_size=2&api_key=q%26k%3Dey+secret",
        ]
    );

    // An empty token ends the stream too; so does a starting token that is given.
    let server = TestServer::script(vec![page(&["m9"], Some(""))]).await;
    let params = ListMessagesParams {
        page_token: Some("start".to_owned()),
        ..Default::default()
    };
    assert_eq!(all_sids(&client(&server), params).await, ["m9"]);
    assert_eq!(
        server.only_request().query(),
        Some("page_token=start&api_key=q%26k%3Dey+secret")
    );
}

#[tokio::test]
async fn a_cursor_seen_before_ends_the_stream() {
    let server = TestServer::script(vec![
        page(&["m1"], Some("a")),
        page(&["m2"], Some("b")),
        page(&["m3"], Some("a")),
        page(&["never"], None),
    ])
    .await;
    let sids = all_sids(&client(&server), ListMessagesParams::default()).await;
    assert_eq!(sids, ["m1", "m2", "m3"]);
    assert_eq!(server.hits(), 3);
}

fn events(ids: std::ops::Range<i64>) -> serde_json::Value {
    serde_json::Value::Array(ids.map(|id| json!({"id": id, "kind": "sent"})).collect())
}

#[tokio::test]
async fn link_headers_name_each_next_page() {
    // Relative links resolve against the page they came with, under the base path.
    let server = TestServer::start(|n, request| {
        let host = request.header("host").unwrap().to_owned();
        match n {
            0 => reply(200)
                .header(
                    "link",
                    "<events?page=2>; rel=\"next\", <events?page=9>; rel=\"last\"",
                )
                .json(&events(0..2)),
            1 => reply(200)
                .header(
                    "link",
                    format!("<http://{host}/v1/events?page=3>; rel=\"next\""),
                )
                .json(&events(2..4)),
            2 => reply(200)
                .header("link", "</v1/events?page=4>; rel=\"prev next\"")
                .json(&events(4..5)),
            _ => reply(200)
                .header("link", "</v1/events?page=1>; rel=\"first\"")
                .json(&events(5..6)),
        }
    })
    .await;
    let client = Client::builder()
        .base_url(format!("{}/v1", server.base_url()))
        .basic_auth(USER, PASSWORD)
        .build()
        .unwrap();
    let stream = pin!(client.list_events_stream(ListEventsParams { per_page: Some(2) }));
    let items: Vec<Event> = stream.map(|item| item.unwrap()).collect().await;
    let ids: Vec<i64> = items.iter().map(|event| event.id).collect();
    assert_eq!(ids, [0, 1, 2, 3, 4, 5]);
    let requests = server.requests();
    let urls: Vec<String> = requests.iter().map(|r| r.uri.to_string()).collect();
    assert_eq!(
        urls,
        [
            "/v1/events?per_page=2",
            "/v1/events?page=2",
            "/v1/events?page=3",
            "/v1/events?page=4",
        ]
    );
    for request in &requests {
        assert_eq!(request.header("authorization"), Some(BASIC));
        assert_eq!(request.header("accept"), Some("application/json"));
    }
}

#[tokio::test]
async fn an_error_on_a_linked_page_carries_its_typed_body() {
    let server = TestServer::script(vec![
        reply(200)
            .header("link", "</events?page=2>; rel=\"next\"")
            .json(&events(0..1)),
        reply(400).json(&json!({"code": 7, "message": "page 2 is gone"})),
    ])
    .await;
    let client = client(&server);
    let items: Vec<Result<Event, Error>> = client
        .list_events_stream(ListEventsParams::default())
        .collect()
        .await;
    let [Ok(first), Err(error)] = <[_; 2]>::try_from(items).expect("an item, then the error")
    else {
        panic!("expected an item, then the error");
    };
    assert_eq!(first.id, 0);
    let api = api_error::<()>(Err(error));
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        api.typed::<Failure>(),
        Some(&Failure::new(7, "page 2 is gone"))
    );
}

#[tokio::test]
async fn a_link_to_another_server_is_not_followed() {
    let elsewhere = TestServer::script(vec![reply(200).json(&events(9..10))]).await;
    let next = format!("<{}/v1/events?page=2>; rel=\"next\"", elsewhere.base_url());
    let server =
        TestServer::script(vec![reply(200).header("link", next).json(&events(0..2))]).await;
    let client = client(&server);
    let mut stream = pin!(client.list_events_stream(ListEventsParams::default()));
    assert_eq!(stream.next().await.unwrap().unwrap().id, 0);
    assert_eq!(stream.next().await.unwrap().unwrap().id, 1);
    match stream.next().await {
        Some(Err(Error::InvalidRequest(message))) => {
            assert!(message.contains("another server"), "{message}");
            assert_no_secret(&message);
        }
        other => panic!("expected the link to be refused, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
    assert_eq!(server.hits(), 1);
    assert_eq!(elsewhere.hits(), 0);
}
