// Copied by `cargo xtask codegen` from `runtime/src/transport.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

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
