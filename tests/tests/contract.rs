//! Contract tests: the generated clients against Prism, an independent implementation of
//! their API descriptions (`spec/unified-connection.yaml` for the API's client,
//! `tests/fixtures/wire.yaml` for the client of every body, response, credential and
//! paging kind).
//!
//! `prism mock` validates every request against the API description (a request it
//! rejects gets a 422, 400 or 401) and builds its responses from the description's
//! schemas. So every operation succeeding here means the client sends what the spec asks
//! for, and decoding every response means the client reads what the spec promises.
//!
//! Prism is a pinned npm dev-dependency of the workspace, installed by `npm ci` in the
//! workspace root (`cargo xtask ci` runs it first). Without it, or with another version
//! than `package-lock.json` pins, these tests fail at once and say to run `npm ci`; they
//! never pass without having run. One Prism process serves each test.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use unified_connection::{
    Category, Client, Connection, ConnectionAuth, ConnectionInput, ConnectionPatch, Error,
    ListUnifiedConnectionsOrder, ListUnifiedConnectionsParams, ListUnifiedConnectionsSort,
    Permission, RetryPolicy,
};

/// How long Prism may take to load the spec and start listening.
const STARTUP_DEADLINE: Duration = Duration::from_secs(60);

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The command that installs the pinned Node tools, as the failure messages give it.
fn install_hint(root: &Path) -> String {
    format!(
        "Run `npm ci` in {} (or `cargo xtask ci`, which runs it first) to install the Node \
         tools pinned in package-lock.json.",
        root.display()
    )
}

/// The `prism` command that `npm ci` installed, after checking it is the version
/// `package-lock.json` pins; panics, naming the command to run, when it is not.
fn installed_prism(root: &Path) -> PathBuf {
    let prism = root.join("node_modules/.bin/prism");
    assert!(
        prism.exists(),
        "Prism is not installed: {} does not exist. {}",
        prism.display(),
        install_hint(root)
    );
    let version = |file: &Path, pointer: &str| -> Option<String> {
        let text = std::fs::read_to_string(file).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json.pointer(pointer)?.as_str().map(str::to_owned)
    };
    let pinned = version(
        &root.join("package-lock.json"),
        "/packages/node_modules~1@stoplight~1prism-cli/version",
    )
    .expect("package-lock.json pins @stoplight/prism-cli");
    let installed = version(
        &root.join("node_modules/@stoplight/prism-cli/package.json"),
        "/version",
    );
    assert_eq!(
        installed.as_deref(),
        Some(pinned.as_str()),
        "the installed Prism is not the version package-lock.json pins. {}",
        install_hint(root)
    );
    prism
}

/// A running `prism mock`, killed when dropped.
struct Prism {
    child: Child,
    port: u16,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Prism {
    /// Starts `prism mock` on the description `spec` (relative to the workspace root), on a
    /// free port, and waits until it accepts connections.
    async fn start(spec: &str) -> Prism {
        let root = workspace_root();
        let prism = installed_prism(&root);
        let spec = root.join(spec);
        assert!(spec.exists(), "{} does not exist", spec.display());

        // The port is picked by the OS, then released for Prism. Another process could
        // take it in between; Prism then exits at once, and we try another port.
        let mut failures = String::new();
        for _ in 0..3 {
            let port = free_port().await;
            let mut child = Command::new(&prism)
                .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
                .arg(&spec)
                .current_dir(&root)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "could not run {} (it needs Node.js 20.19+ on the PATH): {e}",
                        prism.display()
                    )
                });
            let output = Arc::new(Mutex::new(Vec::new()));
            drain(child.stdout.take(), output.clone());
            drain(child.stderr.take(), output.clone());
            let mut prism = Prism {
                child,
                port,
                output,
            };
            match prism.wait_until_ready().await {
                Ok(()) => return prism,
                Err(why) => {
                    failures.push_str(&format!("{why}\n{}\n", prism.output()));
                    prism.stop().await;
                }
            }
        }
        panic!("Prism did not start:\n{failures}");
    }

    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_DEADLINE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited with {status} before accepting connections"
                ));
            }
            if TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "Prism did not accept connections on port {} within {STARTUP_DEADLINE:?}",
                    self.port
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything Prism printed so far.
    fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// The result of a call that must succeed; on failure, panics with the error,
    /// Prism's answer and its log.
    fn expect_ok<T, E: Failure>(&self, operation: &str, result: Result<T, E>) -> T {
        match result {
            Ok(value) => value,
            Err(error) => {
                let answer = error.answer();
                panic!(
                    "{operation} failed: {error}\nPrism's answer: {answer}\n\
                     --- Prism's output ---\n{}",
                    self.output()
                );
            }
        }
    }

    /// Kills Prism and waits for it to exit.
    async fn stop(mut self) {
        // Fails only when the process already exited.
        let _ = self.child.kill().await;
    }
}

/// The error of either generated client, as a failed call shows it.
trait Failure: std::fmt::Display {
    /// Prism's answer, for an error response: its headers (Prism names the rules a request
    /// broke in `sl-violations`) and body.
    fn answer(&self) -> String;
}

impl Failure for Error {
    fn answer(&self) -> String {
        self.api_error()
            .map(|api| format!("{:?} {}", api.headers(), api.body_text()))
            .unwrap_or_default()
    }
}

impl Failure for wire_client::Error {
    fn answer(&self) -> String {
        self.api_error()
            .map(|api| format!("{:?} {}", api.headers(), api.body_text()))
            .unwrap_or_default()
    }
}

/// A port that was free a moment ago.
async fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// Copies everything `stream` produces into `sink`, so that the pipe never fills up.
fn drain(stream: Option<impl AsyncRead + Unpin + Send + 'static>, sink: Arc<Mutex<Vec<u8>>>) {
    let Some(mut stream) = stream else { return };
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
}

/// A full, valid request body: every writable field set.
#[allow(deprecated)] // the four deprecated `auth_*` fields must be named to be left unset
fn full_input() -> ConnectionInput {
    ConnectionInput {
        auth: Some(ConnectionAuth {
            access_token: Some("access-secret".to_owned()),
            refresh_token: Some("refresh-secret".to_owned()),
            client_id: Some("client-1".to_owned()),
            client_secret: Some("client-secret".to_owned()),
            emails: Some(vec!["someone@example.com".to_owned()]),
            expires_in: Some(3600.0),
            expiry_date: Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()),
            meta: Some([("region".to_owned(), serde_json::json!("eu"))].into()),
            other_auth_info: Some(vec!["a".to_owned(), "b".to_owned()]),
            refresh_token_expires_in: Some(86400.0),
            token_url: Some("https://example.com/oauth/token".to_owned()),
            ..ConnectionAuth::default()
        }),
        auth_aws_arn: None,
        auth_azure_keyvault_id: None,
        auth_gcp_secret_name: None,
        auth_hashi_vault_path: None,
        categories: vec![Category::Crm, Category::Hris],
        environment: "Sandbox".to_owned(),
        external_xref: Some("customer-42".to_owned()),
        integration_name: Some("HubSpot".to_owned()),
        integration_type: "hubspot".to_owned(),
        last_unhealthy_code: Some("E_TIMEOUT".to_owned()),
        permissions: vec![Permission::CrmContactRead, Permission::CrmDealWrite],
        secretsmanager_id: Some("sm-1".to_owned()),
        secretsmanager_key: Some("path/to/secret".to_owned()),
        extra: serde_json::Map::new(),
    }
}

/// Checks a connection Prism built from the spec: every property is generated, so every
/// one must have decoded, and enum values from the spec must be known variants.
fn assert_full_connection(operation: &str, connection: &Connection) {
    let context = format!("{operation}: {connection:?}");
    assert!(connection.id.is_some(), "{context}");
    assert!(connection.created_at.is_some(), "{context}");
    assert!(connection.updated_at.is_some(), "{context}");
    assert!(connection.workspace_id.is_some(), "{context}");
    assert!(connection.is_paused.is_some(), "{context}");
    assert!(connection.last_healthy_at.is_some(), "{context}");
    assert!(connection.last_unhealthy_at.is_some(), "{context}");
    assert!(!connection.integration_type.is_empty(), "{context}");
    assert!(!connection.permissions.is_empty(), "{context}");
    assert!(!connection.categories.is_empty(), "{context}");
    for permission in &connection.permissions {
        assert!(!matches!(permission, Permission::Unknown(_)), "{context}");
    }
    for category in &connection.categories {
        assert!(!matches!(category, Category::Unknown(_)), "{context}");
    }
    let auth = connection.auth.as_ref().expect("auth");
    assert!(auth.access_token.is_some(), "{context}");
    assert!(auth.expiry_date.is_some(), "{context}");
    // Generated secrets are masked in `Debug` output.
    let printed = format!("{auth:?}");
    assert!(printed.contains("access_token: Some(\"***\")"), "{printed}");
}

#[tokio::test]
async fn the_client_honours_the_contract_prism_enforces() {
    let prism = Prism::start("spec/unified-connection.yaml").await;
    let client = Client::builder()
        .base_url(prism.base_url())
        .bearer_token("test-token")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();

    // GET /unified/connection, with every parameter.
    let params = ListUnifiedConnectionsParams {
        limit: Some(50),
        offset: Some(10),
        updated_gte: Some(
            Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()
                + chrono::Duration::milliseconds(123),
        ),
        sort: Some(ListUnifiedConnectionsSort::UpdatedAt),
        order: Some(ListUnifiedConnectionsOrder::Desc),
        env: Some("Production".to_owned()),
        external_xref: Some("customer 42".to_owned()),
        categories: Some(vec![Category::Hris, Category::Crm]),
    };
    let listed = prism.expect_ok("list", client.list_unified_connections(&params).await);
    assert!(!listed.is_empty());
    for connection in &listed {
        assert_full_connection("list", connection);
    }
    let listed = prism.expect_ok(
        "list without parameters",
        client
            .list_unified_connections(&ListUnifiedConnectionsParams::default())
            .await,
    );
    assert!(!listed.is_empty());

    // The stream's requests (explicit offset and limit) are valid too.
    let mut stream = std::pin::pin!(client.list_unified_connections_stream(
        ListUnifiedConnectionsParams {
            limit: Some(1),
            categories: Some(vec![Category::Ats]),
            ..Default::default()
        }
    ));
    let first = stream.next().await.expect("a first item");
    let first = prism.expect_ok("list stream", first);
    assert_full_connection("list stream", &first);

    // POST /unified/connection with a full body.
    let created = prism.expect_ok(
        "create",
        client.create_unified_connection(&full_input()).await,
    );
    assert_full_connection("create", &created);

    // GET, PUT, PATCH, DELETE /unified/connection/{id}, with an id that needs encoding.
    let id = "conn 1/2?x";
    let fetched = prism.expect_ok("get", client.get_unified_connection(id).await);
    assert_full_connection("get", &fetched);

    // A fetched connection sent back as it is: the read-only fields are left out.
    let updated = prism.expect_ok(
        "update",
        client
            .update_unified_connection(id, &ConnectionInput::from(fetched.clone()))
            .await,
    );
    assert_full_connection("update", &updated);
    let updated = prism.expect_ok(
        "update with a full body",
        client.update_unified_connection(id, &full_input()).await,
    );
    assert_full_connection("update with a full body", &updated);

    // A truly partial patch: one field set, one cleared with `null`, nothing else sent.
    let patch = ConnectionPatch {
        external_xref: Some(Some("customer-43".to_owned())),
        integration_name: Some(None),
        ..ConnectionPatch::default()
    };
    let patched = prism.expect_ok("patch", client.patch_unified_connection(id, &patch).await);
    assert_full_connection("patch", &patched);
    let empty = prism.expect_ok(
        "an empty patch",
        client
            .patch_unified_connection(id, &ConnectionPatch::default())
            .await,
    );
    assert_full_connection("an empty patch", &empty);

    prism.expect_ok("remove", client.remove_unified_connection(id).await);

    // Validation is on: a limit above the spec's maximum of 100 is rejected.
    let too_many = ListUnifiedConnectionsParams {
        limit: Some(1000),
        ..Default::default()
    };
    match client.list_unified_connections(&too_many).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status().as_u16(), 422, "{}", api.body_text());
            assert_eq!(api.attempts(), 1);
            let body = api.body_text();
            assert!(body.contains("limit must be <= 100"), "{body}");
        }
        other => panic!("Prism accepted limit=1000: {other:?}\n{}", prism.output()),
    }

    // And so is security: without the token, Prism answers 401.
    let anonymous = Client::builder()
        .base_url(prism.base_url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    match anonymous.get_unified_connection(id).await {
        Err(Error::Api(api)) => assert_eq!(api.status().as_u16(), 401, "{}", api.body_text()),
        other => panic!("Prism accepted a request without a token: {other:?}"),
    }

    prism.stop().await;
}

// ---------------------------------------------------------------------------------------
// The wire fixture's client
// ---------------------------------------------------------------------------------------

/// A client of the wire fixture on Prism with every credential, without retries; with a
/// status, Prism answers every request with that status's response (`Prefer: code=...`),
/// once the request is found valid.
fn wire_client(prism: &Prism, status: Option<u16>) -> wire_client::Client {
    let mut builder = wire_client::Client::builder()
        .base_url(prism.base_url())
        .retry_policy(wire_client::RetryPolicy::disabled())
        .basic_auth("ann", "open sesame")
        .bearer_token("t0ken")
        .api_key_query("q&k=ey")
        .api_key_header("h3ader")
        .api_key_cookie("c00kie");
    if let Some(status) = status {
        let mut headers = wire_client::reqwest::header::HeaderMap::new();
        headers.insert("prefer", format!("code={status}").parse().unwrap());
        let http = wire_client::reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        builder = builder.http_client(http);
    }
    builder.build().unwrap()
}

/// The error response of a call Prism must answer with an error status, for a request it
/// found valid (a request it rejects names the rules it broke in `sl-violations`).
fn wire_error<T: std::fmt::Debug>(
    prism: &Prism,
    operation: &str,
    result: Result<T, wire_client::Error>,
) -> Box<wire_client::ApiError> {
    match result {
        Err(wire_client::Error::Api(api)) => {
            assert!(
                api.headers().get("sl-violations").is_none(),
                "{operation}: Prism found the request invalid: {:?}\n{}",
                api.headers(),
                prism.output()
            );
            api
        }
        other => panic!("{operation}: expected an error response, got {other:?}"),
    }
}

fn new_message() -> wire_client::NewMessage {
    let mut message = wire_client::NewMessage::new("+15550100", "Hello & good bye");
    message.media_url = Some(vec![
        "https://example.com/a.png".to_owned(),
        "https://example.com/b.png?size=2".to_owned(),
    ]);
    message.send_at = Some(Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap());
    message.priority = Some(2);
    message.urgent = Some(false);
    message
}

/// The fixture's example answer to `createMessage`.
fn example_message() -> wire_client::Message {
    let mut message = wire_client::Message::new(
        "SM1",
        "+15550100",
        "Hello",
        wire_client::MessageStatus::Queued,
    );
    message.media_urls = Some(Vec::new());
    message
}

#[tokio::test]
async fn the_wire_client_honours_the_contract_prism_enforces() {
    use wire_client::{
        GetMessageError, GetMessageResponse, GetReportFilter, GetReportParams, ListEventsParams,
        ListMessagesParams, Upload, UploadFileMultipart,
    };

    let prism = Prism::start("tests/fixtures/wire.yaml").await;
    let client = wire_client(&prism, None);

    // Bodies: JSON, and a form whose list repeats its key (Prism checks the last of the
    // repeated keys only: it keeps one value per key).
    let sent = prism.expect_ok(
        "create_message",
        client.create_message(&new_message()).await,
    );
    assert_eq!(sent, example_message());
    let sent = prism.expect_ok(
        "create_message_form",
        client.create_message_form(&new_message()).await,
    );
    assert_eq!(sent, example_message());

    // A multipart body with a file and text parts, a list as repeated parts (again, Prism
    // checks the last). The `meta` part, JSON as OpenAPI says an object part is, is left
    // out: Prism 5 reads every part as text and reports "must be object".
    let upload = UploadFileMultipart {
        file: Upload::from(b"\x89PNG\r\n\x1a\n".to_vec()).file_name("cat.png"),
        description: Some("A cat".to_owned()),
        tags: Some(vec!["cats".to_owned(), "sleep".to_owned()]),
        meta: None,
    };
    let stored = prism.expect_ok("upload_file", client.upload_file(&upload).await);
    assert_eq!(stored.id, "string", "{stored:?}");
    let streamed = UploadFileMultipart::new(
        Upload::stream(pieces(&[b"\xff\xd8", b"\xff"]))
            .file_name("x.jpg")
            .content_type("image/jpeg"),
    );
    prism.expect_ok("upload_file, streamed", client.upload_file(&streamed).await);

    // Raw bytes, whole and streamed.
    prism.expect_ok(
        "put_file_content",
        client
            .put_file_content("f 1/2", (0u8..=255).collect::<Vec<u8>>())
            .await,
    );
    prism.expect_ok(
        "put_file_content, streamed",
        client
            .put_file_content("f1", Upload::stream(pieces(&[b"one,", b"two"])))
            .await,
    );

    // A download. Prism has no bytes to send for a binary schema: it sends the text
    // `string`, which is all that can be checked beyond the content type.
    let download = prism.expect_ok("download_file", client.download_file("f1").await);
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    let bytes = prism.expect_ok("download_file body", download.bytes().await);
    assert_eq!(bytes.as_ref(), b"string");

    // Text both ways, with the cookie key.
    let note = prism.expect_ok("add_note", client.add_note("line one\nline two").await);
    assert_eq!(note, "string");

    // Every parameter style, a required header, a cookie parameter beside the cookie key,
    // basic credentials with it.
    let params = GetReportParams {
        x_request_id: "req-42".to_owned(),
        theme: Some("dark".to_owned()),
        filter: Some(GetReportFilter {
            from: chrono::NaiveDate::from_ymd_opt(2024, 1, 2),
            status: Some("sent ok".to_owned()),
            ..Default::default()
        }),
        ids: Some(vec![1, 2, 30]),
        fields: Some(vec!["id".to_owned(), "body".to_owned()]),
    };
    let report = prism.expect_ok("get_report", client.get_report(&params).await);
    assert_eq!(report, "string");

    // The statuses of `get_message`: the bearer token is sent (the first alternative),
    // and the id is one segment.
    let id = "SM 1/2?#%é";
    match prism.expect_ok("get_message", client.get_message(id).await) {
        GetMessageResponse::Ok(message) => {
            assert_eq!(message.status, wire_client::MessageStatus::Queued)
        }
        other => panic!("expected the 200 response, got {other:?}"),
    }
    let accepted = prism.expect_ok(
        "get_message, 202",
        wire_client(&prism, Some(202))
            .get_message_with_response(id)
            .await,
    );
    assert_eq!(accepted.status().as_u16(), 202);
    assert_eq!(accepted.value(), &GetMessageResponse::Accepted);

    // Typed error bodies, as Prism builds them from the description's schemas.
    let api = wire_error(
        &prism,
        "get_message, 404",
        wire_client(&prism, Some(404)).get_message(id).await,
    );
    assert_eq!(
        api.typed::<GetMessageError>(),
        Some(&GetMessageError::NotFound(wire_client::Failure::new(
            0, "string"
        )))
    );
    let api = wire_error(
        &prism,
        "get_message, 500",
        wire_client(&prism, Some(500)).get_message(id).await,
    );
    assert_eq!(
        api.typed::<GetMessageError>(),
        Some(&GetMessageError::ServerError(wire_client::Outage::new(0)))
    );
    let api = wire_error(
        &prism,
        "create_message_form, 400",
        wire_client(&prism, Some(400))
            .create_message_form(&new_message())
            .await,
    );
    assert_eq!(
        api.typed::<wire_client::Failure>(),
        Some(&wire_client::Failure::new(0, "string"))
    );
    let api = wire_error(
        &prism,
        "upload_file, 413",
        wire_client(&prism, Some(413)).upload_file(&upload).await,
    );
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    assert!(api.problem().is_some(), "{}", api.body_text());
    assert_eq!(api.typed::<wire_client::Problem>(), api.problem());

    // `security: []`: no credentials, and Prism asks for none.
    let anonymous = wire_client::Client::builder()
        .base_url(prism.base_url())
        .retry_policy(wire_client::RetryPolicy::disabled())
        .build()
        .unwrap();
    prism.expect_ok("delete_message", anonymous.delete_message(id).await);

    // Paging: Prism names the same cursor on every page (`string`), which ends the
    // stream at the second page; its `Link` header (`string`) names no next page.
    let page = prism.expect_ok(
        "list_messages",
        client
            .list_messages(&ListMessagesParams {
                page_size: Some(50),
                page_token: Some("start".to_owned()),
            })
            .await,
    );
    assert!(!page.messages.is_empty());
    let messages = std::pin::pin!(client.list_messages_stream(ListMessagesParams {
        page_size: Some(10),
        ..Default::default()
    }));
    let messages: Vec<_> = messages
        .map(|item| prism.expect_ok("list_messages_stream", item))
        .collect()
        .await;
    assert_eq!(messages.len(), 2 * page.messages.len());
    let events = std::pin::pin!(client.list_events_stream(ListEventsParams { per_page: Some(5) }));
    let events: Vec<_> = events
        .map(|item| prism.expect_ok("list_events_stream", item))
        .collect()
        .await;
    assert!(!events.is_empty());

    // Validation and security are on: Prism refuses what the description does not allow.
    let too_many = client
        .list_messages(&ListMessagesParams {
            page_size: Some(500),
            ..Default::default()
        })
        .await;
    match too_many {
        Err(wire_client::Error::Api(api)) => {
            assert_eq!(api.status().as_u16(), 422, "{}", api.body_text())
        }
        other => panic!("Prism accepted page_size=500: {other:?}"),
    }
    let unauthorized = [
        (
            "create_message_form",
            anonymous.create_message_form(&new_message()).await.err(),
        ),
        (
            "list_messages",
            anonymous
                .list_messages(&ListMessagesParams::default())
                .await
                .err(),
        ),
        ("add_note", anonymous.add_note("x").await.err()),
        ("get_message", anonymous.get_message(id).await.err()),
        // The basic credentials alone: the report needs the cookie key too.
        (
            "get_report",
            wire_client::Client::builder()
                .base_url(prism.base_url())
                .basic_auth("ann", "open sesame")
                .build()
                .unwrap()
                .get_report(&params)
                .await
                .err(),
        ),
    ];
    for (operation, error) in unauthorized {
        let status = error.as_ref().and_then(wire_client::Error::status);
        assert_eq!(
            status.map(|s| s.as_u16()),
            Some(401),
            "{operation} without its credentials: {error:?}"
        );
    }

    prism.stop().await;
}

/// A stream of byte pieces, for an upload.
fn pieces(
    pieces: &[&'static [u8]],
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    let pieces: Vec<Result<axum::body::Bytes, std::io::Error>> = pieces
        .iter()
        .map(|piece| Ok(axum::body::Bytes::from_static(piece)))
        .collect();
    futures_util::stream::iter(pieces)
}

/// The message of the panic `check` raises.
fn panic_message(check: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(check).expect_err("the check fails");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn missing_or_stale_node_tools_fail_at_once_naming_the_command_to_run() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract-node-tools");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let missing = panic_message(|| {
        installed_prism(&root);
    });
    assert!(missing.contains("Prism is not installed"), "{missing}");
    assert!(missing.contains("Run `npm ci` in"), "{missing}");

    // Installed, but not the pinned version.
    let package = root.join("node_modules/@stoplight/prism-cli");
    std::fs::create_dir_all(root.join("node_modules/.bin")).unwrap();
    std::fs::create_dir_all(&package).unwrap();
    std::fs::write(root.join("node_modules/.bin/prism"), "").unwrap();
    std::fs::write(package.join("package.json"), r#"{"version": "5.0.0"}"#).unwrap();
    std::fs::write(
        root.join("package-lock.json"),
        r#"{"packages": {"node_modules/@stoplight/prism-cli": {"version": "5.14.2"}}}"#,
    )
    .unwrap();
    let stale = panic_message(|| {
        installed_prism(&root);
    });
    assert!(stale.contains("not the version"), "{stale}");
    assert!(stale.contains("Run `npm ci` in"), "{stale}");
}
