// Copied by `cargo xtask codegen` from `runtime/src/response.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! What an operation returns: the decoded value with the response's status and headers
//! ([`Response`]), read from a complete response or, for downloads, a body read as it
//! arrives ([`Download`]).

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

use crate::error::{DecodeError, Error};

/// A successful response: the decoded value, with the status and headers it came with
/// (rate limits, request ids, `Link`, `ETag`...).
///
/// Every operation has a `…_with_response` method that returns this; the plain method
/// returns the value alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    url: Url,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The URL the response came from: the request's, or where a redirect led. API keys
    /// sent in the query show as `***`.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, without the status and headers.
    pub fn into_value(self) -> T {
        self.value
    }

    /// Status, headers and decoded body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.value)
    }

    /// The same response with its value changed by `f`.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            url: self.url,
            value: f(self.value),
        }
    }
}

/// A complete response with a success status, not decoded yet.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// Where the response came from (relative links in it are relative to this).
    pub(crate) url: Url,
    pub(crate) body: Bytes,
}

impl Received {
    fn into_response<T>(self, value: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            url: self.url,
            value,
        }
    }

    /// Decodes the JSON body as `T`. An empty body, a body that does not match `T` or
    /// trailing data after the JSON value gives [`Error::Decode`], with the path of the
    /// failing field when there is one.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<Response<T>, Error> {
        match decode_json(&self.body) {
            Ok(value) => Ok(self.into_response(value)),
            Err(failure) => Err(self.decode_error(failure)),
        }
    }

    /// The body as text; a body that is not valid UTF-8 gives [`Error::Decode`].
    pub(crate) fn text(self) -> Result<Response<String>, Error> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => {
                let text = text.to_owned();
                Ok(self.into_response(text))
            }
            Err(source) => Err(Error::Decode(Box::new(DecodeError::utf8(
                self.status,
                self.headers,
                self.body,
                source,
            )))),
        }
    }

    /// The body as bytes.
    pub(crate) fn bytes(self) -> Result<Response<Bytes>, Error> {
        let body = self.body.clone();
        Ok(self.into_response(body))
    }

    /// Discards the body, whatever it contains.
    pub(crate) fn empty(self) -> Result<Response<()>, Error> {
        Ok(self.into_response(()))
    }

    /// The status of a response whose statuses have different bodies: the caller picks
    /// the decoding by it.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    fn decode_error(self, failure: JsonFailure) -> Error {
        Error::Decode(Box::new(match failure {
            JsonFailure::Empty => DecodeError::empty(self.status, self.headers, self.body),
            JsonFailure::Json { path, source } => {
                DecodeError::json(self.status, self.headers, self.body, path, source)
            }
        }))
    }
}

/// Why a body is not the JSON value wanted.
enum JsonFailure {
    Empty,
    Json {
        path: String,
        source: serde_json::Error,
    },
}

/// Decodes a whole body as one JSON value of type `T`, saying where it failed.
fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, JsonFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(JsonFailure::Empty);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        JsonFailure::Json {
            path,
            source: e.into_inner(),
        }
    })?;
    deserializer.end().map_err(|source| JsonFailure::Json {
        path: String::new(),
        source,
    })?;
    Ok(value)
}

/// A body read as it arrives: a download is never held in memory whole unless asked
/// ([`Download::bytes`]).
pub struct Download {
    response: reqwest::Response,
    /// Where it came from, without the credentials its query had.
    url: Url,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.response.status())
            .field("url", &self.url.as_str())
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish()
    }
}

impl Download {
    /// A download of `response`, which came from `url` (as it may be shown).
    pub(crate) fn new(response: reqwest::Response, url: Url) -> Self {
        Download { response, url }
    }

    /// The response's `Content-Type`, if it has one.
    pub fn content_type(&self) -> Option<&str> {
        self.response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// The body's length, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The next piece of the body, or `None` at its end.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] or [`Error::Timeout`] when the connection fails while the body
    /// is read.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        self.response.chunk().await.map_err(Error::reading)
    }

    /// The whole body, read into memory.
    ///
    /// # Errors
    ///
    /// As [`Download::chunk`].
    pub async fn bytes(self) -> Result<Bytes, Error> {
        self.response.bytes().await.map_err(Error::reading)
    }

    /// The body as a stream of pieces.
    pub fn into_stream(self) -> impl futures_core::Stream<Item = Result<Bytes, Error>> + Send {
        futures_util::stream::unfold(Some(self), |download| async move {
            let mut download = download?;
            match download.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(download))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        })
    }

    /// Wraps the download with the response's status and headers.
    pub(crate) fn into_response(self) -> Response<Download> {
        Response {
            status: self.response.status(),
            headers: self.response.headers().clone(),
            url: self.url.clone(),
            value: self,
        }
    }
}
