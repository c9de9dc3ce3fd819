//! Contract test: the generated client against Prism, an independent implementation of
//! `spec/unified-connection.yaml`.
//!
//! `prism mock` validates every request against the API description (a request it
//! rejects gets a 422, 400 or 401) and builds its responses from the description's
//! schemas. So every operation succeeding here means the client sends what the spec asks
//! for, and decoding every response means the client reads what the spec promises.
//!
//! Prism is a pinned npm dev-dependency of the workspace, installed by `npm ci` in the
//! workspace root (`cargo xtask ci` runs it first). Without it, or with another version
//! than `package-lock.json` pins, this test fails at once and says to run `npm ci`; it
//! never passes without having run. One Prism process serves the whole test.

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
    /// Starts `prism mock` on a free port and waits until it accepts connections.
    async fn start() -> Prism {
        let root = workspace_root();
        let prism = installed_prism(&root);
        let spec = root.join("spec/unified-connection.yaml");
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
    fn expect_ok<T>(&self, operation: &str, result: Result<T, Error>) -> T {
        match result {
            Ok(value) => value,
            Err(error) => {
                let body = error
                    .api_error()
                    .map(|api| api.body_text())
                    .unwrap_or_default();
                panic!(
                    "{operation} failed: {error}\nPrism's answer: {body}\n\
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
    let prism = Prism::start().await;
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
