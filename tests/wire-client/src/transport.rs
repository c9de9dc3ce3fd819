// Copied by `cargo xtask codegen` from `runtime/src/transport.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

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
