//! Configuration of the client and the HTTP exchange shared by every operation: URL
//! building, credentials, timeouts, retries, and reading the response.

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Url};

use crate::auth::{Credential, Credentials};
use crate::error::{ApiError, Error};
use crate::request::{Body, Request, Unsendable};
use crate::response::{Download, Received};
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
    credentials: Credentials,
    user_agent: String,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
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
            credentials: Credentials::default(),
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
    /// the `User-Agent`, the credentials and the retry policy still apply to every
    /// request; [`connect_timeout`](Self::connect_timeout) does not, and redirects follow
    /// the given client's own policy.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// When and how often a failed request is tried again.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the credential of the security scheme `scheme` (its key in the API
    /// description), replacing an earlier one. Requests send it when their operation
    /// asks for that scheme. It is never printed.
    pub(crate) fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        self.credentials.set(scheme, credential);
        self
    }

    /// Checks the configuration and creates the transport.
    pub(crate) fn build_transport(self) -> Result<Transport, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::Config(format!(
                "invalid user agent {:?}: it must be visible ASCII text",
                self.user_agent
            ))
        })?;
        self.credentials.check()?;
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
                user_agent,
                credentials: self.credentials,
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

/// Sends requests: the configured HTTP client, base URL, credentials, timeout and retries.
#[derive(Clone)]
pub(crate) struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    http: reqwest::Client,
    user_agent: HeaderValue,
    credentials: Credentials,
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
        f.debug_struct("Transport")
            .field("base_url", &base_url.as_str())
            .field("user_agent", &self.inner.user_agent)
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// How one try failed before a response was read.
enum AttemptError {
    Timeout(reqwest::Error),
    Transport(reqwest::Error),
    /// The body is a stream that an earlier try used up.
    Unrepeatable,
    /// The request cannot be sent as given.
    Invalid(Error),
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

/// A request ready for its tries: URL with query, headers, and what to redact.
struct Prepared<'r> {
    request: &'r Request,
    url: Url,
    headers: HeaderMap,
    /// The URL as errors show it: query credentials replaced by `***`.
    shown_url: Option<Url>,
}

impl Transport {
    /// Joins the base URL with path segments. Each segment is percent-encoded as one
    /// segment, so a value containing `/`, `?`, `#`, `%`, spaces or non-ASCII characters
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
    /// allows. Returns the response for a 2xx status and [`Error::Api`] for any other.
    pub(crate) async fn send(&self, request: Request) -> Result<Received, Error> {
        let response = self.exchange(&request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let url = self.shown_url(&request, response.url());
        let body = response.bytes().await.map_err(Error::reading)?;
        Ok(Received {
            status,
            headers,
            url,
            body,
        })
    }

    /// Gets `url` (the next page a `Link` header names), with the credentials `auth` names:
    /// only on the configured server's origin, so that credentials never go elsewhere.
    pub(crate) async fn follow(
        &self,
        url: Url,
        auth: crate::auth::Auth,
        accept: &'static str,
    ) -> Result<Received, Error> {
        if url.origin() != self.inner.base_url.origin() {
            return Err(Error::InvalidRequest(format!(
                "the next page is on another server ({}); it is not followed",
                url.origin().ascii_serialization()
            )));
        }
        let request = Request::new(reqwest::Method::GET, url)
            .auth(auth)
            .accept(accept);
        self.send(request).await
    }

    /// Sends a request and returns the response as soon as its status and headers are
    /// in, for a download read as it arrives; error responses are read whole.
    pub(crate) async fn send_streaming(&self, request: Request) -> Result<Download, Error> {
        let response = self.exchange(&request).await?;
        let url = self.shown_url(&request, response.url());
        Ok(Download::new(response, url))
    }

    /// The URL a response to `request` came from, as it may be shown: the credentials
    /// sent in its query replaced by `***`.
    fn shown_url(&self, request: &Request, url: &Url) -> Url {
        let credentials = self.inner.credentials.chosen(request.auth);
        let keys = crate::auth::query_pairs(&credentials);
        if keys.is_empty() {
            url.clone()
        } else {
            redacted(url, &keys)
        }
    }

    /// The tries of a request, until a success status or an error the policy does not
    /// retry. An error response's body is read whole (it becomes an [`ApiError`]).
    async fn exchange(&self, request: &Request) -> Result<reqwest::Response, Error> {
        let prepared = self.prepare(request)?;
        let retry = &self.inner.retry;
        // A streamed body can be sent once: its request gets one try.
        let may_retry = retry.allows_method(&request.method)
            && request.body.as_ref().is_none_or(Body::repeatable);
        let started = Instant::now();
        let mut attempts: u32 = 0;
        loop {
            attempts = attempts.saturating_add(1);
            let (error, wait) = match self.attempt(&prepared).await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status();
                    let retryable = may_retry && is_retryable_status(status);
                    let wait = retry_after(response.headers(), SystemTime::now());
                    let error = api_error(response, attempts).await;
                    if !retryable {
                        return Err(error);
                    }
                    (error, wait)
                }
                Err(AttemptError::Timeout(source)) => {
                    return Err(Error::Timeout { attempts, source });
                }
                Err(AttemptError::Invalid(error)) => return Err(error),
                Err(AttemptError::Unrepeatable) => {
                    return Err(Error::InvalidRequest(
                        "the body is a stream that was sent already: it cannot be sent again"
                            .to_owned(),
                    ));
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
            match retry.next_delay(attempts, started.elapsed(), wait) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(error),
            }
        }
    }

    /// The URL with its query (parameters, then credentials) and the headers of every try.
    fn prepare<'r>(&self, request: &'r Request) -> Result<Prepared<'r>, Error> {
        let credentials = self.inner.credentials.chosen(request.auth);
        let mut url = request.url.clone();
        let keys = crate::auth::query_pairs(&credentials);
        // A URL the server named (the next page) may hold the keys already: they are
        // replaced, not repeated.
        let is_key = |name: &str| keys.iter().any(|(key, _)| *key == name);
        if url.query_pairs().any(|(name, _)| is_key(&name)) {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, _)| !is_key(name))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
        }
        if !request.query.is_empty() || !keys.is_empty() {
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(request.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
            pairs.extend_pairs(keys.iter().copied());
        }
        let shown_url = (!keys.is_empty()).then(|| redacted(&url, &keys));
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 2);
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static(request.accept));
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::InvalidRequest(format!("`{name}` is not a valid header name"))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::InvalidRequest(format!(
                    "the value of the `{name}` header is not valid header text"
                ))
            })?;
            headers.append(name, value);
        }
        Ok(Prepared {
            request,
            url,
            headers,
            shown_url,
        })
    }

    /// One try: sends the request and returns the response once its headers are in.
    async fn attempt(&self, prepared: &Prepared<'_>) -> Result<reqwest::Response, AttemptError> {
        let inner = &*self.inner;
        let request = prepared.request;
        let mut builder = inner
            .http
            .request(request.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone());
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }
        let cookies = cookie_header(&request.cookies);
        let credentials = inner.credentials.chosen(request.auth);
        builder = crate::auth::apply(&credentials, builder, cookies.as_deref())
            .map_err(AttemptError::Invalid)?;
        if let Some(body) = &request.body {
            builder = body.attach(builder).map_err(|why| match why {
                Unsendable::Spent => AttemptError::Unrepeatable,
                Unsendable::ContentType(content_type) => {
                    AttemptError::Invalid(Error::InvalidRequest(format!(
                        "the body cannot be sent with the content type {content_type:?}: it is \
                         not a media type"
                    )))
                }
            })?;
        }
        builder.send().await.map_err(|error| {
            let error = match &prepared.shown_url {
                Some(shown) => error.with_url(shown.clone()),
                None => error,
            };
            AttemptError::classify(error)
        })
    }
}

/// Reads an error response whole into an [`Error::Api`] (or the error that reading it
/// ran into).
async fn api_error(response: reqwest::Response, attempts: u32) -> Error {
    let status: StatusCode = response.status();
    let headers = response.headers().clone();
    match response.bytes().await {
        Ok(body) => Error::Api(Box::new(ApiError::new(status, headers, body, attempts))),
        Err(source) if source.is_timeout() => Error::Timeout { attempts, source },
        Err(source) => Error::Transport { attempts, source },
    }
}

/// The characters a cookie parameter's value keeps as they are: RFC 3986's unreserved
/// ones, as the `form` style's expansion (RFC 6570) has it. The others are
/// percent-encoded, so that a value can neither end its cookie nor add another.
const COOKIE_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The `Cookie` header value of cookie parameters.
fn cookie_header(cookies: &[(Cow<'static, str>, String)]) -> Option<String> {
    (!cookies.is_empty()).then(|| {
        cookies
            .iter()
            .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, COOKIE_VALUE)))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// `url` with the values of the query keys that are credentials replaced by `***`.
fn redacted(url: &Url, keys: &[(&str, &str)]) -> Url {
    let mut shown = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let secret = keys.iter().any(|(name, _)| *name == k);
            (
                k.into_owned(),
                if secret {
                    "***".to_owned()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown
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

    use bytes::Bytes;
    use reqwest::Method;
    use reqwest::header::{AUTHORIZATION, COOKIE};

    use crate::auth::{Auth, Credential, KeyLocation};
    use crate::upload::Upload;

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
        body: Bytes,
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
        let uri = request.uri().clone();
        let headers = request.headers().clone();
        let body = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let n = {
            let mut seen = script.seen.lock().unwrap();
            seen.push(Seen { uri, headers, body });
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

    fn get(transport: &Transport, auth: Auth) -> crate::request::Request {
        crate::request::Request::new(Method::GET, transport.url(&["items"]).unwrap()).auth(auth)
    }

    #[tokio::test]
    async fn retry_after_beyond_budget_returns_the_error_at_once() {
        let server = TestServer::start(vec![
            reply(StatusCode::SERVICE_UNAVAILABLE, "").header(reqwest::header::RETRY_AFTER, "120"),
            reply(StatusCode::OK, "{}"),
        ])
        .await;
        let transport = transport(&server.base_url());
        let started = Instant::now();
        let err = transport
            .send(get(&transport, Auth::All))
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
        let started = Instant::now();
        let err = transport
            .send(get(&transport, Auth::All))
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(err.attempts(), Some(1));
        assert_eq!(server.hits(), 1);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn a_streamed_body_is_sent_once_and_not_retried() {
        let server = TestServer::start(vec![
            reply(StatusCode::SERVICE_UNAVAILABLE, ""),
            reply(StatusCode::OK, "{}"),
        ])
        .await;
        let transport = transport(&server.base_url());
        let chunks = futures_util::stream::iter(vec![
            Ok::<_, std::io::Error>(Bytes::from_static(b"ab")),
            Ok(Bytes::from_static(b"cd")),
        ]);
        let upload = Upload::stream(chunks);
        let body = upload.clone().into_body("application/octet-stream");
        let request = crate::request::Request::new(Method::PUT, transport.url(&["blob"]).unwrap())
            .body(Some(body));
        // The failure is returned as it is, without waiting for a retry that cannot be.
        let err = transport.send(request).await.unwrap_err();
        assert_eq!(
            err.status(),
            Some(StatusCode::SERVICE_UNAVAILABLE),
            "{err:?}"
        );
        assert_eq!(err.attempts(), Some(1));
        assert_eq!(server.hits(), 1);
        assert_eq!(server.seen()[0].body, Bytes::from_static(b"abcd"));
        // A clone shares the stream: sending it again is refused before anything is sent.
        let request = crate::request::Request::new(Method::PUT, transport.url(&["blob"]).unwrap())
            .body(Some(upload.into_body("application/octet-stream")));
        let err = transport.send(request).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn bytes_are_resent_whole_by_a_retry() {
        let server = TestServer::start(vec![
            reply(StatusCode::SERVICE_UNAVAILABLE, ""),
            reply(StatusCode::OK, "{}"),
        ])
        .await;
        let transport = transport(&server.base_url());
        let body = Upload::from(b"\x00\x01binary".to_vec())
            .content_type("image/png")
            .into_body("application/octet-stream");
        let request = crate::request::Request::new(Method::PUT, transport.url(&["blob"]).unwrap())
            .body(Some(body));
        transport.send(request).await.unwrap();
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        for request in seen {
            assert_eq!(request.body, Bytes::from_static(b"\x00\x01binary"));
            assert_eq!(request.headers[reqwest::header::CONTENT_TYPE], "image/png");
        }
    }

    fn with_every_credential(base_url: &str) -> Transport {
        ClientBuilder::new(base_url)
            .credential("bearer", Credential::Bearer("t0ken".to_owned()))
            .credential(
                "basic",
                Credential::Basic {
                    user: "ann".to_owned(),
                    password: Some("pa:ss".to_owned()),
                },
            )
            .credential(
                "query",
                Credential::ApiKey {
                    location: KeyLocation::Query,
                    name: "api_key",
                    value: "q&k".to_owned(),
                },
            )
            .credential(
                "cookie",
                Credential::ApiKey {
                    location: KeyLocation::Cookie,
                    name: "session",
                    value: "c00kie".to_owned(),
                },
            )
            .build_transport()
            .unwrap()
    }

    #[tokio::test]
    async fn each_operation_sends_the_credentials_its_security_names() {
        let server = TestServer::start(vec![reply(StatusCode::OK, "{}")]).await;
        let transport = with_every_credential(&server.base_url());
        let requests = [
            get(&transport, Auth::AnyOf(&[&["missing"], &["basic"]])),
            get(&transport, Auth::AnyOf(&[&["query", "cookie"]])),
            get(&transport, Auth::None),
            get(&transport, Auth::AnyOf(&[&["bearer"]]))
                .cookies(crate::request::Pairs::default().each("theme", ["dark"])),
        ];
        for request in requests {
            transport.send(request).await.unwrap();
        }
        let seen = server.seen();
        // Basic: base64 of `ann:pa:ss`.
        assert_eq!(seen[0].headers[AUTHORIZATION], "Basic YW5uOnBhOnNz");
        assert_eq!(seen[0].uri.query(), None);
        assert_eq!(seen[1].uri.query(), Some("api_key=q%26k"));
        assert_eq!(seen[1].headers[COOKIE], "session=c00kie");
        assert!(!seen[1].headers.contains_key(AUTHORIZATION));
        assert!(!seen[2].headers.contains_key(AUTHORIZATION));
        assert!(!seen[2].headers.contains_key(COOKIE));
        assert_eq!(seen[3].headers[AUTHORIZATION], "Bearer t0ken");
        assert_eq!(seen[3].headers[COOKIE], "theme=dark");
    }

    #[tokio::test]
    async fn a_query_credential_replaces_one_the_url_has_and_never_shows() {
        let server = TestServer::start(vec![reply(StatusCode::OK, "{}")]).await;
        let transport = with_every_credential(&server.base_url());
        // A next page as a server may name it, with the key it was given in its query.
        let next = Url::parse(&format!(
            "{}/items?page=2&api_key=echoed&x=a%2Cb",
            server.base_url()
        ))
        .unwrap();
        let page = transport
            .follow(next, Auth::AnyOf(&[&["query"]]), "application/json")
            .await
            .unwrap();
        assert_eq!(
            server.seen()[0].uri.query(),
            Some("page=2&x=a%2Cb&api_key=q%26k")
        );
        assert_eq!(page.url.query(), Some("page=2&x=a%2Cb&api_key=***"));
    }

    #[tokio::test]
    async fn a_query_credential_never_shows_in_an_error() {
        let transport = with_every_credential("http://127.0.0.1:9");
        let request = get(&transport, Auth::AnyOf(&[&["query"]]))
            .query(crate::request::Pairs::default().each("page", [2]));
        let error = transport.send(request).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("q&k") && !shown.contains("q%26k"),
            "{shown}"
        );
        assert!(shown.contains("api_key=***"), "{shown}");
    }

    #[test]
    fn credentials_are_never_printed() {
        let transport = with_every_credential("http://user:pw@127.0.0.1:1234");
        let printed = format!("{transport:?} {transport:#?}");
        for secret in ["t0ken", "pa:ss", "q&k", "c00kie", ":pw@"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("ann"), "{printed}");
    }

    #[test]
    fn cookie_parameters_cannot_end_their_cookie() {
        let cookies = [
            (Cow::Borrowed("theme"), "dark; admin=1".to_owned()),
            (Cow::Borrowed("lang"), "fr-CA_x.y~z ✓%".to_owned()),
        ];
        assert_eq!(
            cookie_header(&cookies).as_deref(),
            Some("theme=dark%3B%20admin%3D1; lang=fr-CA_x.y~z%20%E2%9C%93%25")
        );
        assert_eq!(cookie_header(&[]), None);
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
                .credential("bearer", Credential::Bearer("s3cr3t\n".to_owned())),
        );
        assert!(message.contains("bearer"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
        let bad_name = Credential::ApiKey {
            location: KeyLocation::Header,
            name: "bad header",
            value: String::new(),
        };
        assert!(
            config(ClientBuilder::new("http://host").credential("key", bad_name))
                .contains("header name")
        );
    }

    #[test]
    fn transport_and_send_future_are_send() {
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        fn assert_send<T: Send>(_: &T) {}
        let transport = ClientBuilder::new("http://127.0.0.1:1")
            .build_transport()
            .unwrap();
        assert_send_sync(&transport);
        let request = get(&transport, Auth::All).body(Some(Body::text("text/plain", "x")));
        let future = transport.send(request);
        assert_send(&future);
        let future = transport.send_streaming(get(&transport, Auth::All));
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
        let err = transport
            .send(get(&transport, Auth::All).accept("text/csv"))
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(server.seen()[0].headers[ACCEPT], "text/csv");
    }

    #[tokio::test]
    async fn a_download_is_read_as_it_arrives() {
        let server = TestServer::start(vec![
            reply(StatusCode::OK, "0123456789")
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream"),
        ])
        .await;
        let transport = transport(&server.base_url());
        let download = transport
            .send_streaming(get(&transport, Auth::All))
            .await
            .unwrap();
        assert_eq!(download.content_type(), Some("application/octet-stream"));
        use futures_util::StreamExt;
        let chunks: Vec<Bytes> = download
            .into_stream()
            .map(|chunk| chunk.unwrap())
            .collect()
            .await;
        assert_eq!(chunks.concat(), b"0123456789");
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
            .credential("bearer", Credential::Bearer("s3cr3t".to_owned()))
            .build_transport()
            .unwrap();
        let err = transport
            .send(get(&transport, Auth::All))
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
        let item: Item = transport
            .send(get(&transport, Auth::All))
            .await
            .unwrap()
            .json()
            .unwrap()
            .into_value();
        assert_eq!(item, Item { a: 2 });
        let paths: Vec<String> = same.seen().iter().map(|s| s.uri.to_string()).collect();
        assert_eq!(paths, ["/items", "/moved"]);
    }
}
