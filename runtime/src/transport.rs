//! Configuration of the client and the HTTP exchange shared by every operation: URL
//! building, authentication headers, timeouts, retries and response decoding.

// Which helpers a client uses depends on its API description (a client without
// form bodies never builds `Body::Form`, one without authentication never calls
// `secret_header`), so unused ones are expected.
#![allow(dead_code)]

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};

use crate::error::{ApiError, DecodeError, Error};
use crate::retry::{RetryPolicy, is_retryable_status, retry_after};

/// The longest chain of redirects followed by a client built by [`ClientBuilder`].
const MAX_REDIRECTS: usize = 10;

/// Builds a [`crate::Client`].
///
/// Defaults: a whole-request timeout of 60 s, a connect timeout of 10 s, the
/// [default retry policy](RetryPolicy::default) and a `User-Agent` naming this crate and
/// its version.
///
/// When the builder creates the HTTP client itself, redirects are followed (at most
/// 10) only while they stay on the same scheme, host and port, so that credentials are
/// never sent to another server; a redirect elsewhere is returned as an error response.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    secret_headers: Vec<(&'static str, String)>,
    user_agent: String,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secrets: Vec<(&str, &str)> = self
            .secret_headers
            .iter()
            .map(|(name, _)| (*name, "***"))
            .collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("secret_headers", &secrets)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientBuilder {
    /// A builder for the server `default_base_url`, with the default settings.
    pub(crate) fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            secret_headers: Vec::new(),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            http: None,
            retry: RetryPolicy::default(),
        }
    }

    /// Sends requests to this base URL instead of the default server: a proxy, a mock
    /// server (`"http://127.0.0.1:1234"`)... It must use `http` or `https` and may end
    /// with a path prefix (`"https://example.com/api"`), with or without a trailing slash.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The longest time one try of a request may take, from connecting until the whole
    /// response body has been read. A try that takes longer fails with
    /// [`Error::Timeout`] and is not retried. Applies to a custom
    /// [`http_client`](Self::http_client) too.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// The longest time establishing a connection may take. Only applies when the
    /// builder creates the HTTP client; a client given to
    /// [`http_client`](Self::http_client) keeps its own connect timeout.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Sends requests with this HTTP client (for its proxy, TLS or connection-pool
    /// settings) instead of one created by the builder. The [`timeout`](Self::timeout),
    /// the `User-Agent`, the authentication headers and the retry policy still apply to
    /// every request; [`connect_timeout`](Self::connect_timeout) does not, and redirects
    /// follow the given client's own policy.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// When and how often a failed request is tried again.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends the header `name: value` with every request. The value is a secret: it is
    /// marked sensitive and never printed. Setting the same header again replaces it.
    pub(crate) fn secret_header(mut self, name: &'static str, value: String) -> Self {
        self.secret_headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        self.secret_headers.push((name, value));
        self
    }

    /// Checks the configuration and creates the transport.
    pub(crate) fn build_transport(self) -> Result<Transport, Error> {
        let base_url = parse_base_url(&self.base_url)?;

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::Config(format!(
                "invalid user agent {:?}: it must be visible ASCII text",
                self.user_agent
            ))
        })?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.secret_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
            let mut header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "invalid value for the `{name}` header (value not shown): it must be visible ASCII text"
                ))
            })?;
            header_value.set_sensitive(true);
            headers.insert(header_name, header_value);
        }

        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::custom(same_origin_redirects));
                if let Some(connect_timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(connect_timeout);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("could not create the HTTP client: {e}")))?
            }
        };

        Ok(Transport {
            inner: Arc::new(Inner {
                base_url,
                http,
                headers,
                timeout: self.timeout,
                retry: self.retry,
            }),
        })
    }
}

/// Parses and checks a base URL.
fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let mut url = Url::parse(raw.trim())
        .map_err(|e| Error::Config(format!("invalid base URL {raw:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "invalid base URL: the scheme must be http or https, not {:?}",
            url.scheme()
        )));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::Config(format!(
            "invalid base URL {raw:?}: it must have a host"
        )));
    }
    url.set_fragment(None);
    Ok(url)
}

/// Follows a redirect only while it stays on the origin of the previous URL.
fn same_origin_redirects(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    if attempt.previous().len() > MAX_REDIRECTS {
        return attempt.error("too many redirects");
    }
    let same_origin = attempt
        .previous()
        .last()
        .is_some_and(|previous| previous.origin() == attempt.url().origin());
    if same_origin {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

/// Sends requests: the configured HTTP client, base URL, headers, timeout and retries.
#[derive(Clone)]
pub(crate) struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    http: reqwest::Client,
    /// Sent with every request; secret values are marked sensitive.
    headers: HeaderMap,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut base_url = self.inner.base_url.clone();
        if base_url.password().is_some() {
            // Only fails for URLs without a host, which `parse_base_url` rejects.
            let _ = base_url.set_password(Some("***"));
        }
        let headers: Vec<(&str, &str)> = self
            .inner
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if value.is_sensitive() {
                    "***"
                } else {
                    value.to_str().unwrap_or("<binary>")
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("Transport")
            .field("base_url", &base_url.as_str())
            .field("headers", &headers)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// An encoded request body, kept so that a retry resends exactly the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// JSON, sent as `application/json`.
    Json(Vec<u8>),
    /// Plain text, sent as `text/plain; charset=utf-8`.
    Text(String),
    /// An already URL-encoded form, sent as `application/x-www-form-urlencoded`.
    Form(String),
}

impl Body {
    fn content_type(&self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Body::Json(_) => "application/json",
            Body::Text(_) => "text/plain; charset=utf-8",
            Body::Form(_) => "application/x-www-form-urlencoded",
        })
    }

    fn to_bytes(&self) -> Bytes {
        match self {
            Body::Json(bytes) => Bytes::copy_from_slice(bytes),
            Body::Text(text) | Body::Form(text) => Bytes::copy_from_slice(text.as_bytes()),
        }
    }
}

/// Encodes `value` as a JSON request body.
pub(crate) fn json_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body, Error> {
    serde_json::to_vec(value)
        .map(Body::Json)
        .map_err(Error::Encode)
}

/// Encodes `value` as an `application/x-www-form-urlencoded` request body.
pub(crate) fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body, Error> {
    serde_urlencoded::to_string(value)
        .map(Body::Form)
        .map_err(|error| Error::InvalidRequest(format!("the form body cannot be encoded: {error}")))
}

/// The text of a parameter value that is not a plain scalar: a string as it is (a union
/// whose value is a name, say), anything else as JSON.
pub(crate) fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A complete response with a success status.
#[derive(Debug)]
pub(crate) struct Response {
    /// The HTTP status.
    pub(crate) status: StatusCode,
    /// The response headers.
    pub(crate) headers: HeaderMap,
    /// The whole body.
    pub(crate) body: Bytes,
}

impl Response {
    /// Decodes the JSON body as `T`. An empty body, a body that does not match `T` or
    /// trailing data after the JSON value gives [`Error::Decode`], with the path of the
    /// failing field when there is one.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let Response {
            status,
            headers,
            body,
        } = self;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Decode(Box::new(DecodeError::empty(
                status, headers, body,
            ))));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&body);
        let value = match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => value,
            Err(e) => {
                let path = e.path().to_string();
                let source = e.into_inner();
                return Err(decode_json(status, headers, body, path, source));
            }
        };
        if let Err(source) = deserializer.end() {
            return Err(decode_json(status, headers, body, String::new(), source));
        }
        Ok(value)
    }

    /// The body as text; a body that is not valid UTF-8 gives [`Error::Decode`].
    pub(crate) fn text(self) -> Result<String, Error> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => Ok(text.to_owned()),
            Err(source) => Err(Error::Decode(Box::new(DecodeError::utf8(
                self.status,
                self.headers,
                self.body,
                source,
            )))),
        }
    }

    /// The raw body.
    pub(crate) fn bytes(self) -> Bytes {
        self.body
    }

    /// Discards the body, whatever it contains.
    pub(crate) fn empty(self) -> Result<(), Error> {
        Ok(())
    }
}

fn decode_json(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    path: String,
    source: serde_json::Error,
) -> Error {
    Error::Decode(Box::new(DecodeError::json(
        status, headers, body, path, source,
    )))
}

/// How one try failed before a complete response was read.
enum AttemptError {
    Timeout(reqwest::Error),
    Transport(reqwest::Error),
}

impl AttemptError {
    fn classify(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            AttemptError::Timeout(error)
        } else {
            AttemptError::Transport(error)
        }
    }
}

impl Transport {
    /// Joins the base URL with path segments. Each segment is percent-encoded as one
    /// segment, so a value containing `/`, `?`, `#`, spaces or non-ASCII characters
    /// cannot change the path. A segment that is empty, `.` or `..` would designate
    /// another resource and gives [`Error::InvalidRequest`].
    pub(crate) fn url(&self, segments: &[&str]) -> Result<Url, Error> {
        if let Some(bad) = segments.iter().find(|s| matches!(**s, "" | "." | "..")) {
            return Err(Error::InvalidRequest(format!(
                "the path segment {bad:?} cannot be sent: empty, `.` and `..` segments would \
                 designate another resource"
            )));
        }
        let mut url = self.inner.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Config("the base URL cannot have a path".to_owned()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Sends a request and reads the whole response, trying again as the retry policy
    /// allows. The query pairs are appended in order (a key may repeat); the header pairs
    /// are the operation's header parameters. Returns the response for a 2xx status and
    /// [`Error::Api`] for any other.
    pub(crate) async fn send(
        &self,
        method: Method,
        mut url: Url,
        query: &[(&str, String)],
        headers: &[(&str, String)],
        body: Option<&Body>,
    ) -> Result<Response, Error> {
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(key, value)| (*key, value.as_str())));
        }
        let mut extra = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::InvalidRequest(format!("`{name}` is not a valid header name"))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::InvalidRequest(format!(
                    "the value of the `{name}` header is not valid header text"
                ))
            })?;
            extra.append(name, value);
        }
        let payload = body.map(|body| (body.content_type(), body.to_bytes()));
        let retry = &self.inner.retry;
        let may_retry = retry.allows_method(&method);
        let started = Instant::now();
        let mut attempts: u32 = 0;
        loop {
            attempts = attempts.saturating_add(1);
            let outcome = self.attempt(&method, &url, &extra, payload.as_ref()).await;
            let (error, retry_after) = match outcome {
                Ok(response) if response.status.is_success() => return Ok(response),
                Ok(response) => {
                    let retryable = may_retry && is_retryable_status(response.status);
                    let wait = retry_after(&response.headers, SystemTime::now());
                    let error = Error::Api(Box::new(ApiError::new(
                        response.status,
                        response.headers,
                        response.body,
                        attempts,
                    )));
                    if !retryable {
                        return Err(error);
                    }
                    (error, wait)
                }
                Err(AttemptError::Timeout(source)) => {
                    return Err(Error::Timeout { attempts, source });
                }
                Err(AttemptError::Transport(source)) => {
                    let retryable = may_retry && (source.is_connect() || source.is_request());
                    let error = Error::Transport { attempts, source };
                    if !retryable {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            match retry.next_delay(attempts, started.elapsed(), retry_after) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(error),
            }
        }
    }

    /// One try: sends the request and reads the whole body.
    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        extra: &HeaderMap,
        payload: Option<&(HeaderValue, Bytes)>,
    ) -> Result<Response, AttemptError> {
        let inner = &*self.inner;
        let mut request = inner
            .http
            .request(method.clone(), url.clone())
            .headers(inner.headers.clone())
            .headers(extra.clone());
        if let Some(timeout) = inner.timeout {
            request = request.timeout(timeout);
        }
        if let Some((content_type, bytes)) = payload {
            request = request
                .header(CONTENT_TYPE, content_type.clone())
                .body(bytes.clone());
        }
        let response = request.send().await.map_err(AttemptError::classify)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(AttemptError::classify)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    //! What only the runtime can test: its functions on their own, and the behaviours of
    //! the transport that the generated client's fault tests (`tests/tests/fault.rs`, the
    //! client against an axum server) do not exercise: waits asked for beyond the retry
    //! budget, a body that stalls, a custom HTTP client and redirects.

    use super::*;
    use std::net::SocketAddr;
    use std::sync::Mutex;

    use axum::body::Body as ResponseBody;
    use axum::extract::{Request, State};
    use axum::http::Uri;
    use tokio::net::TcpListener;
    use tokio::task::JoinHandle;

    /// One scripted answer of the test server.
    #[derive(Clone)]
    struct Reply {
        status: StatusCode,
        headers: Vec<(HeaderName, String)>,
        body: &'static str,
        /// The wait before the status and headers are sent.
        delay: Duration,
        /// The wait between the headers and the body.
        body_delay: Duration,
    }

    fn reply(status: StatusCode, body: &'static str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
            delay: Duration::ZERO,
            body_delay: Duration::ZERO,
        }
    }

    impl Reply {
        fn header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
            self.headers.push((name, value.into()));
            self
        }
    }

    /// A request as the server received it.
    #[derive(Debug, Clone)]
    struct Seen {
        uri: Uri,
        headers: HeaderMap,
    }

    #[derive(Clone)]
    struct Script {
        replies: Arc<Vec<Reply>>,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    /// An axum server on an OS-picked loopback port: the n-th request gets the n-th
    /// reply (the last one repeats) and is recorded. Stopped when dropped.
    struct TestServer {
        addr: SocketAddr,
        seen: Arc<Mutex<Vec<Seen>>>,
        task: JoinHandle<()>,
    }

    impl TestServer {
        async fn start(replies: Vec<Reply>) -> TestServer {
            assert!(!replies.is_empty());
            let script = Script {
                replies: Arc::new(replies),
                seen: Arc::new(Mutex::new(Vec::new())),
            };
            let seen = script.seen.clone();
            let app = axum::Router::new().fallback(answer).with_state(script);
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let task = tokio::spawn(async move {
                axum::serve(listener, app).await.unwrap();
            });
            TestServer { addr, seen, task }
        }

        fn base_url(&self) -> String {
            format!("http://{}", self.addr)
        }

        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }

        fn hits(&self) -> usize {
            self.seen.lock().unwrap().len()
        }
    }

    impl Drop for TestServer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    async fn answer(State(script): State<Script>, request: Request) -> axum::response::Response {
        let n = {
            let mut seen = script.seen.lock().unwrap();
            seen.push(Seen {
                uri: request.uri().clone(),
                headers: request.headers().clone(),
            });
            seen.len() - 1
        };
        let reply = script.replies[n.min(script.replies.len() - 1)].clone();
        tokio::time::sleep(reply.delay).await;
        let body_delay = reply.body_delay;
        let chunk = futures_util::stream::once(async move {
            tokio::time::sleep(body_delay).await;
            Ok::<_, std::convert::Infallible>(Bytes::from_static(reply.body.as_bytes()))
        });
        let mut response = axum::response::Response::new(ResponseBody::from_stream(chunk));
        *response.status_mut() = reply.status;
        for (name, value) in reply.headers {
            response
                .headers_mut()
                .append(name, HeaderValue::from_str(&value).unwrap());
        }
        response
    }

    fn fast_retries() -> RetryPolicy {
        RetryPolicy::new()
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(5))
            .jitter(false)
    }

    fn transport(base_url: &str) -> Transport {
        ClientBuilder::new(base_url)
            .retry_policy(fast_retries())
            .build_transport()
            .unwrap()
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        a: u32,
    }

    #[tokio::test]
    async fn retry_after_beyond_budget_returns_the_error_at_once() {
        let server = TestServer::start(vec![
            reply(StatusCode::SERVICE_UNAVAILABLE, "").header(reqwest::header::RETRY_AFTER, "120"),
            reply(StatusCode::OK, "{}"),
        ])
        .await;
        let transport = transport(&server.base_url());
        let url = transport.url(&["items"]).unwrap();
        let started = Instant::now();
        let err = transport
            .send(Method::GET, url, &[], &[], None)
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(server.hits(), 1);
        assert_eq!(err.attempts(), Some(1));
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }

    #[tokio::test]
    async fn a_body_that_stalls_times_out() {
        let mut stalled = reply(StatusCode::OK, "{}");
        stalled.body_delay = Duration::from_secs(5);
        let server = TestServer::start(vec![stalled]).await;
        let transport = ClientBuilder::new(&server.base_url())
            .timeout(Duration::from_millis(100))
            .retry_policy(fast_retries())
            .build_transport()
            .unwrap();
        let url = transport.url(&["items"]).unwrap();
        let started = Instant::now();
        let err = transport
            .send(Method::GET, url, &[], &[], None)
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(err.attempts(), Some(1));
        assert_eq!(server.hits(), 1);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    fn response(body: &'static [u8]) -> Response {
        Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn empty_or_trailing_json_is_a_decode_error() {
        let err = response(b"").json::<Item>().unwrap_err();
        assert_eq!(err.decode_error().unwrap().path(), "");
        assert_eq!(
            err.to_string(),
            "could not decode the response: the body is empty but a JSON value was expected"
        );
        let err = response(b" \n").json::<Option<Item>>().unwrap_err();
        assert!(err.decode_error().is_some());
        let err = response(br#"{"a":1} x"#).json::<Item>().unwrap_err();
        assert_eq!(err.decode_error().unwrap().path(), "");
        assert_eq!(
            response(br#" {"a":1} "#).json::<Item>().unwrap(),
            Item { a: 1 }
        );
    }

    #[test]
    fn text_bytes_and_empty() {
        assert_eq!(response("héllo".as_bytes()).text().unwrap(), "héllo");
        let err = response(b"\xff\xfe").text().unwrap_err();
        assert_eq!(err.decode_error().unwrap().body(), b"\xff\xfe");
        assert_eq!(response(b"raw").bytes(), Bytes::from_static(b"raw"));
        response(b"{}").empty().unwrap();
        response(b"").empty().unwrap();
    }

    #[test]
    fn bodies_carry_their_content_type_and_exact_bytes() {
        let json = json_body(&serde_json::json!({"a": 1})).unwrap();
        assert_eq!(json, Body::Json(br#"{"a":1}"#.to_vec()));
        assert_eq!(json.content_type(), "application/json");
        let form = form_body(&[("a", "1"), ("b", "two words&more")]).unwrap();
        assert_eq!(form, Body::Form("a=1&b=two+words%26more".to_owned()));
        assert_eq!(form.content_type(), "application/x-www-form-urlencoded");
        assert_eq!(
            form.to_bytes(),
            Bytes::from_static(b"a=1&b=two+words%26more")
        );
        let text = Body::Text("héllo".to_owned());
        assert_eq!(text.content_type(), "text/plain; charset=utf-8");
        assert_eq!(text.to_bytes(), Bytes::from("héllo"));
        // A form is flat: a nested value cannot be encoded.
        let err = form_body(&serde_json::json!({"a": {"b": 1}})).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }

    #[test]
    fn parameters_that_are_not_scalars_are_sent_as_text() {
        assert_eq!(param_text("a name"), "a name");
        assert_eq!(param_text(&serde_json::json!("a name")), "a name");
        assert_eq!(param_text(&7), "7");
        assert_eq!(param_text(&true), "true");
        assert_eq!(
            param_text(&serde_json::json!({"a": [1, "b"]})),
            r#"{"a":[1,"b"]}"#
        );
    }

    #[test]
    fn url_encodes_each_segment_as_one() {
        let transport = ClientBuilder::new("http://127.0.0.1:1234")
            .build_transport()
            .unwrap();
        let url = transport.url(&["pets", "a/b c?d#é", "%2e%2e"]).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:1234/pets/a%2Fb%20c%3Fd%23%C3%A9/%252e%252e"
        );
        for bad in ["", ".", ".."] {
            let err = transport.url(&["pets", bad]).unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}: {err:?}");
        }
    }

    #[test]
    fn url_keeps_the_base_path_prefix() {
        for base in ["http://host/api", "http://host/api/"] {
            let transport = ClientBuilder::new(base).build_transport().unwrap();
            assert_eq!(
                transport.url(&["v1", "pets"]).unwrap().as_str(),
                "http://host/api/v1/pets"
            );
        }
        let transport = ClientBuilder::new("https://host/")
            .build_transport()
            .unwrap();
        assert_eq!(
            transport.url(&["pets"]).unwrap().as_str(),
            "https://host/pets"
        );
        assert_eq!(transport.url(&[]).unwrap().as_str(), "https://host/");
    }

    #[test]
    fn every_request_gets_the_configured_headers_once() {
        let transport = ClientBuilder::new("http://host/")
            .secret_header("authorization", "Bearer first".to_owned())
            .secret_header("Authorization", "Bearer s3cr3t-token".to_owned())
            .secret_header("x-api-key", "k3y".to_owned())
            .user_agent("my-agent/1.0")
            .build_transport()
            .unwrap();
        let headers = &transport.inner.headers;
        let authorization: Vec<&HeaderValue> = headers.get_all("authorization").iter().collect();
        assert_eq!(authorization, ["Bearer s3cr3t-token"]);
        assert!(authorization[0].is_sensitive());
        assert!(headers["x-api-key"].is_sensitive());
        assert_eq!(headers[USER_AGENT], "my-agent/1.0");
        assert!(!headers[USER_AGENT].is_sensitive());
        assert_eq!(headers[ACCEPT], "application/json");
        assert_eq!(headers.len(), 4);
    }

    #[test]
    fn secrets_are_never_printed() {
        let builder = ClientBuilder::new("http://user:pw@127.0.0.1:1234")
            .secret_header("authorization", "Bearer s3cr3t-token".to_owned())
            .secret_header("x-api-key", "k3y".to_owned());
        let printed = format!("{builder:?}");
        assert!(printed.contains("***"));
        assert!(
            !printed.contains("s3cr3t") && !printed.contains("k3y"),
            "{printed}"
        );
        let transport = builder.build_transport().unwrap();
        let printed = format!("{transport:?} {transport:#?}");
        assert!(printed.contains("authorization"));
        assert!(
            !printed.contains("s3cr3t") && !printed.contains("k3y"),
            "{printed}"
        );
        assert!(!printed.contains(":pw@"), "{printed}");
    }

    #[test]
    fn invalid_configuration_is_reported() {
        let config = |builder: ClientBuilder| match builder.build_transport() {
            Err(Error::Config(message)) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        };
        assert!(config(ClientBuilder::new("not a url")).contains("invalid base URL"));
        assert!(config(ClientBuilder::new("ftp://host/")).contains("http or https"));
        assert!(config(ClientBuilder::new("mailto:someone@example.com")).contains("http or https"));
        assert!(
            config(ClientBuilder::new("http://host").user_agent("bad\nagent"))
                .contains("user agent")
        );
        let message = config(
            ClientBuilder::new("http://host")
                .secret_header("authorization", "Bearer s3cr3t\n".to_owned()),
        );
        assert!(message.contains("authorization"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
        assert!(
            config(ClientBuilder::new("http://host").secret_header("bad header", String::new()))
                .contains("header name")
        );
        let error = ClientBuilder::new("http://host")
            .secret_header("authorization", "Bearer s3cr3t\n".to_owned())
            .build_transport()
            .unwrap_err();
        assert!(!format!("{error} {error:?}").contains("s3cr3t"));
    }

    #[test]
    fn transport_and_send_future_are_send() {
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        fn assert_send<T: Send>(_: &T) {}
        let transport = ClientBuilder::new("http://127.0.0.1:1")
            .build_transport()
            .unwrap();
        assert_send_sync(&transport);
        let url = transport.url(&["items"]).unwrap();
        let body = Body::Text("x".to_owned());
        let query = [("a", "b".to_owned())];
        let future = transport.send(Method::PUT, url, &query, &[], Some(&body));
        assert_send(&future);
    }

    #[tokio::test]
    async fn custom_http_client_still_gets_timeout_and_headers() {
        let mut slow = reply(StatusCode::OK, "{}");
        slow.delay = Duration::from_secs(5);
        let server = TestServer::start(vec![slow]).await;
        let transport = ClientBuilder::new(&server.base_url())
            .http_client(reqwest::Client::new())
            .timeout(Duration::from_millis(100))
            .build_transport()
            .unwrap();
        let url = transport.url(&["items"]).unwrap();
        let err = transport
            .send(Method::GET, url, &[], &[], None)
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(server.seen()[0].headers[ACCEPT], "application/json");
    }

    #[tokio::test]
    async fn cross_origin_redirect_is_not_followed() {
        let other = TestServer::start(vec![reply(StatusCode::OK, "{}")]).await;
        let location = format!("{}/elsewhere", other.base_url());
        let server = TestServer::start(vec![
            reply(StatusCode::FOUND, "").header(reqwest::header::LOCATION, location),
            reply(StatusCode::OK, r#"{"a":2}"#),
        ])
        .await;
        let transport = ClientBuilder::new(&server.base_url())
            .secret_header("authorization", "Bearer s3cr3t".to_owned())
            .build_transport()
            .unwrap();
        let url = transport.url(&["items"]).unwrap();
        let err = transport
            .send(Method::GET, url, &[], &[], None)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::FOUND));
        assert_eq!(server.hits(), 1);
        assert_eq!(other.hits(), 0);

        let same = TestServer::start(vec![
            reply(StatusCode::FOUND, "").header(reqwest::header::LOCATION, "/moved"),
            reply(StatusCode::OK, r#"{"a":2}"#),
        ])
        .await;
        let transport = ClientBuilder::new(&same.base_url())
            .build_transport()
            .unwrap();
        let url = transport.url(&["items"]).unwrap();
        let item: Item = transport
            .send(Method::GET, url, &[], &[], None)
            .await
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(item, Item { a: 2 });
        let paths: Vec<String> = same.seen().iter().map(|s| s.uri.to_string()).collect();
        assert_eq!(paths, ["/items", "/moved"]);
    }
}
