// Copied by `cargo xtask codegen` from `runtime/src/error.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! The error type returned by every operation of the client.

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::{Deserialize, Deserializer};

/// One error type for every call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured with an invalid value (bad base URL, header value...).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A request argument cannot be sent as given, for example a path parameter that is
    /// empty, `.` or `..` and would therefore change which resource the URL designates.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The request body could not be encoded.
    #[error("could not encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// The request never got a complete response: connection refused, DNS, TLS, reset,
    /// truncated body...
    #[error(
        "could not complete the request (after {}): {}",
        Attempts(*.attempts),
        Chain(.source)
    )]
    Transport {
        /// How many tries were made.
        attempts: u32,
        /// The underlying HTTP client error.
        source: reqwest::Error,
    },
    /// No complete response within the configured timeout.
    #[error(
        "the request timed out (after {}): {}",
        Attempts(*.attempts),
        Chain(.source)
    )]
    Timeout {
        /// How many tries were made.
        attempts: u32,
        /// The underlying HTTP client error.
        source: reqwest::Error,
    },
    /// The server answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A success response whose body did not match the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
}

impl Error {
    /// The HTTP status of the response, for [`Error::Api`] and [`Error::Decode`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.status()),
            _ => None,
        }
    }

    /// How many tries were made, for [`Error::Transport`], [`Error::Timeout`] and
    /// [`Error::Api`].
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => Some(*attempts),
            Error::Api(e) => Some(e.attempts()),
            _ => None,
        }
    }

    /// Whether the request failed because it did not complete within the timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The error response, if the server answered with a non-success status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The decoding failure, if a success response did not match the expected type.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match self {
            Error::Decode(e) => Some(e),
            _ => None,
        }
    }

    /// A failure while a body was read after a first try had its response.
    pub(crate) fn reading(source: reqwest::Error) -> Error {
        if source.is_timeout() {
            Error::Timeout {
                attempts: 1,
                source,
            }
        } else {
            Error::Transport {
                attempts: 1,
                source,
            }
        }
    }

    /// Decodes the body of an [`Error::Api`] as the type the API description gives for
    /// its status (see [`ApiError::typed`]); other errors are returned as they are.
    pub(crate) fn with_typed_body(self, decode: ErrorBodyDecoder) -> Error {
        match self {
            Error::Api(mut api) => {
                api.typed = decode(api.status, &api.body);
                Error::Api(api)
            }
            other => other,
        }
    }
}

/// Decodes an error response's body, by status, into the type the API description gives
/// it; `None` when it gives none or the body does not match.
pub(crate) type ErrorBodyDecoder = fn(StatusCode, &[u8]) -> Option<Arc<dyn TypedBody>>;

/// A decoded error body, whatever its type (see [`ApiError::typed`]).
pub(crate) trait TypedBody: Any + fmt::Debug + Send + Sync {
    /// The body, to be downcast.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> TypedBody for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Decodes `body` as `T` and wraps it in the variant `wrap` of an operation's error enum,
/// for an [`ErrorBodyDecoder`].
pub(crate) fn typed_variant<T, E>(body: &[u8], wrap: fn(T) -> E) -> Option<Arc<dyn TypedBody>>
where
    T: serde::de::DeserializeOwned,
    E: fmt::Debug + Send + Sync + 'static,
{
    let value: T = serde_json::from_slice(body).ok()?;
    Some(Arc::new(wrap(value)))
}

/// Decodes `body` as `T`, for an [`ErrorBodyDecoder`].
pub(crate) fn typed_body<T>(body: &[u8]) -> Option<Arc<dyn TypedBody>>
where
    T: serde::de::DeserializeOwned + fmt::Debug + Send + Sync + 'static,
{
    let value: T = serde_json::from_slice(body).ok()?;
    Some(Arc::new(value))
}

/// Formats an attempt count as "1 attempt" or "N attempts".
struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 1 {
            f.write_str("1 attempt")
        } else {
            write!(f, "{} attempts", self.0)
        }
    }
}

/// Formats an error followed by its innermost cause, which for HTTP client errors is
/// usually the informative part ("Connection refused", "operation timed out").
struct Chain<'a>(&'a reqwest::Error);

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut root: Option<&(dyn std::error::Error + 'static)> = None;
        let mut next = std::error::Error::source(self.0);
        while let Some(err) = next {
            root = Some(err);
            next = err.source();
        }
        if let Some(root) = root {
            write!(f, ": {root}")?;
        }
        Ok(())
    }
}

/// Longest excerpt of a raw error body shown in [`ApiError`]'s `Display` output.
const BODY_EXCERPT_CHARS: usize = 200;

/// A response with a non-success status.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    parsed: Option<ErrorBody>,
    problem: Option<Problem>,
    typed: Option<Arc<dyn TypedBody>>,
    attempts: u32,
}

impl ApiError {
    /// Wraps a non-success response; the body is parsed leniently as an [`ErrorBody`].
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes, attempts: u32) -> Self {
        // Only a JSON object qualifies: a derived `Deserialize` would also accept an
        // array such as `[404]` as the fields in order.
        let parsed = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&body)
            .ok()
            .and_then(|object| ErrorBody::deserialize(serde_json::Value::Object(object)).ok())
            .filter(|parsed| !parsed.is_empty());
        let problem = Problem::read(&headers, &body);
        ApiError {
            status,
            headers,
            body,
            parsed,
            problem,
            typed: None,
            attempts,
        }
    }

    /// The body decoded as the type the API description gives for this status, if it
    /// gives one, `T` is that type, and the body matches it. Each operation's
    /// documentation names the type (one type, or an enum of them when statuses differ).
    pub fn typed<T: Any>(&self) -> Option<&T> {
        self.typed.as_deref()?.as_any().downcast_ref()
    }

    /// The body as RFC 9457 problem details, when it is `application/problem+json`.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body of the response.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body of the response as text; invalid UTF-8 sequences are replaced with U+FFFD.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as the common `{statusCode, error, message}` error shape, if it
    /// has that shape and at least one of the three fields is present.
    pub fn parsed(&self) -> Option<&ErrorBody> {
        self.parsed.as_ref()
    }

    /// How many tries were made before giving up.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The most informative one-line description of the body, if any.
    fn summary(&self) -> Option<String> {
        if let Some(problem) = &self.problem {
            let parts: Vec<&str> = [&problem.title, &problem.detail]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .filter(|part| !part.trim().is_empty())
                .collect();
            if !parts.is_empty() {
                return Some(one_line(&parts.join(": ")));
            }
        }
        if let Some(parsed) = &self.parsed {
            let reason = self.status.canonical_reason().unwrap_or("");
            let useful = |s: &&String| {
                let s = s.trim();
                !s.is_empty() && !s.eq_ignore_ascii_case(reason)
            };
            if let Some(text) = parsed.message.as_ref().filter(useful) {
                return Some(one_line(text));
            }
            if let Some(text) = parsed.error.as_ref().filter(useful) {
                return Some(one_line(text));
            }
            return None;
        }
        let text = one_line(&String::from_utf8_lossy(&self.body));
        if text.is_empty() {
            return None;
        }
        let mut chars = text.char_indices();
        match chars.nth(BODY_EXCERPT_CHARS) {
            Some((cut, _)) => Some(format!("{}...", &text[..cut])),
            None => Some(text),
        }
    }
}

/// Collapses every run of whitespace (including newlines) to a single space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(summary) = self.summary() {
            write!(f, ": {summary}")?;
        }
        write!(f, " (after {})", Attempts(self.attempts))
    }
}

impl std::error::Error for ApiError {}

/// Problem details (RFC 9457), the body of `application/problem+json` responses.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct Problem {
    /// A URI naming the kind of problem (`type`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A short summary of the kind of problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The HTTP status, repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What went wrong this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A URI naming this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The problem type's own members.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// The problem details of a body whose content type says it has them.
    fn read(headers: &HeaderMap, body: &[u8]) -> Option<Problem> {
        let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let essence = content_type.split(';').next()?.trim();
        if !essence.eq_ignore_ascii_case("application/problem+json") {
            return None;
        }
        serde_json::from_slice(body).ok()
    }
}

/// The `{statusCode, error, message}` JSON error shape many APIs use.
///
/// Deserialization is lenient: a field of an unexpected type is read as `None`, a
/// numeric `statusCode` given as a string is accepted, and a `message` given as an
/// array of strings is joined with `"; "`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    /// The HTTP status code repeated in the body.
    #[serde(rename = "statusCode", default, deserialize_with = "lenient_status")]
    pub status_code: Option<u16>,
    /// A short error name, often the status reason ("Unauthorized").
    #[serde(default, deserialize_with = "lenient_text")]
    pub error: Option<String>,
    /// A human-readable description of the error.
    #[serde(default, deserialize_with = "lenient_text")]
    pub message: Option<String>,
}

impl ErrorBody {
    fn is_empty(&self) -> bool {
        self.status_code.is_none() && self.error.is_none() && self.message.is_none()
    }
}

fn lenient_status<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Array(items) => {
            let parts: Vec<&str> = items.iter().filter_map(|item| item.as_str()).collect();
            if parts.is_empty() {
                None
            } else {
                Some(parts.join("; "))
            }
        }
        _ => None,
    })
}

/// Why a response body could not be decoded.
#[derive(Debug)]
enum DecodeFailure {
    Json(serde_json::Error),
    Utf8(std::str::Utf8Error),
    Empty,
}

/// A success response whose body did not match the expected type.
#[derive(Debug)]
pub struct DecodeError {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    path: String,
    failure: DecodeFailure,
}

impl DecodeError {
    /// A JSON body that did not match the expected type; `path` is where it failed.
    pub(crate) fn json(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        path: String,
        source: serde_json::Error,
    ) -> Self {
        DecodeError {
            status,
            headers,
            body,
            path,
            failure: DecodeFailure::Json(source),
        }
    }

    /// An empty body where a JSON value was expected.
    pub(crate) fn empty(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        DecodeError {
            status,
            headers,
            body,
            path: String::new(),
            failure: DecodeFailure::Empty,
        }
    }

    /// A body that is not valid UTF-8 where text was expected.
    pub(crate) fn utf8(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        source: std::str::Utf8Error,
    ) -> Self {
        DecodeError {
            status,
            headers,
            body,
            path: String::new(),
            failure: DecodeFailure::Utf8(source),
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body of the response.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body of the response as text; invalid UTF-8 sequences are replaced with U+FFFD.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The JSON path of the value that failed to decode, such as `[0].permissions[2]` or
    /// `created_at`; `.` for the top-level value, empty when the body was not JSON at all
    /// (empty body, trailing data, invalid UTF-8 text).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            DecodeFailure::Json(source) if self.path.is_empty() => {
                write!(f, "could not decode the response: {source}")
            }
            DecodeFailure::Json(source) => {
                write!(
                    f,
                    "could not decode the response at `{}`: {source}",
                    self.path
                )
            }
            DecodeFailure::Utf8(source) => {
                write!(f, "could not decode the response as UTF-8 text: {source}")
            }
            DecodeFailure::Empty => f.write_str(
                "could not decode the response: the body is empty but a JSON value was expected",
            ),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            DecodeFailure::Json(source) => Some(source),
            DecodeFailure::Utf8(source) => Some(source),
            DecodeFailure::Empty => None,
        }
    }
}
