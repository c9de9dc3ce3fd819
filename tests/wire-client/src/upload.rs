// Copied by `cargo xtask codegen` from `runtime/src/upload.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! Bytes to upload: binary request bodies and the files of multipart forms, from memory
//! or from a stream (which is sent once: a request whose body is a stream is not retried).

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::fmt;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::{CONTENT_TYPE, HeaderValue};

use crate::request::{Body, Payload, Unsendable};

/// A stream of bytes to upload.
type ByteStream = std::pin::Pin<
    Box<dyn Stream<Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>> + Send>,
>;

/// Bytes to send: a file of a multipart form, or a binary request body.
///
/// Made from bytes in memory (`Upload::from(vec)`, `Upload::from(bytes)`, `&'static [u8]`,
/// `String`) or from a stream ([`Upload::stream`]), with an optional file name and content
/// type.
#[derive(Clone)]
pub struct Upload {
    content: Content,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Content {
    Bytes(Bytes),
    /// Taken by the first try that sends it.
    Stream(Arc<Mutex<Option<ByteStream>>>),
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Upload");
        match &self.content {
            Content::Bytes(bytes) => debug.field("len", &bytes.len()),
            Content::Stream(_) => debug.field("stream", &true),
        };
        debug
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl PartialEq for Upload {
    /// Uploads of the same bytes, file name and content type are equal; a stream is only
    /// equal to a clone of itself.
    fn eq(&self, other: &Self) -> bool {
        let content = match (&self.content, &other.content) {
            (Content::Bytes(a), Content::Bytes(b)) => a == b,
            (Content::Stream(a), Content::Stream(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        content && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

impl Upload {
    /// Bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Upload {
            content: Content::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A stream of bytes, read while the request is sent. A request with a streamed body
    /// is tried once: a stream cannot be sent again.
    pub fn stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        use futures_util::StreamExt;
        let boxed: ByteStream = Box::pin(stream.map(|item| item.map_err(Into::into)));
        Upload {
            content: Content::Stream(Arc::new(Mutex::new(Some(boxed)))),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name sent with a multipart file part (without one, the part's name is
    /// sent as its file name, since many servers read a part without one as a plain
    /// field).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The content type sent with the bytes (`image/png`...), instead of the one the API
    /// description gives.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes as a request body, once per try; a stream only once.
    fn body(&self) -> Result<reqwest::Body, Unsendable> {
        match &self.content {
            Content::Bytes(bytes) => Ok(reqwest::Body::from(bytes.clone())),
            Content::Stream(stream) => {
                let stream = stream
                    .lock()
                    .ok()
                    .and_then(|mut stream| stream.take())
                    .ok_or(Unsendable::Spent)?;
                Ok(reqwest::Body::wrap_stream(stream))
            }
        }
    }

    /// Whether the bytes can be sent again (they are not a stream).
    fn repeatable(&self) -> bool {
        matches!(self.content, Content::Bytes(_))
    }

    /// As a binary request body with the description's content type (or the upload's
    /// own).
    pub(crate) fn into_body(self, content_type: &'static str) -> Body {
        Body::Built(Arc::new(Binary {
            upload: self,
            content_type,
        }))
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::bytes(Bytes::from_static(bytes))
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Upload::bytes(text)
    }
}

/// A binary request body.
struct Binary {
    upload: Upload,
    content_type: &'static str,
}

impl Payload for Binary {
    fn attach(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Unsendable> {
        let content_type = match &self.upload.content_type {
            Some(own) => {
                HeaderValue::from_str(own).map_err(|_| Unsendable::ContentType(own.clone()))?
            }
            None => HeaderValue::from_static(self.content_type),
        };
        Ok(request
            .header(CONTENT_TYPE, content_type)
            .body(self.upload.body()?))
    }

    fn repeatable(&self) -> bool {
        self.upload.repeatable()
    }
}

/// One part of a multipart form.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    name: &'static str,
    value: PartValue,
    content_type: Option<&'static str>,
}

#[derive(Debug, Clone)]
enum PartValue {
    Text(String),
    Json(Vec<u8>),
    File(Upload),
}

impl Part {
    /// A text part (a string, number, boolean or enum value).
    pub(crate) fn text(name: &'static str, text: impl Into<String>) -> Part {
        Part {
            name,
            value: PartValue::Text(text.into()),
            content_type: None,
        }
    }

    /// A part holding `value` as JSON.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(
        name: &'static str,
        value: &T,
    ) -> Result<Part, crate::Error> {
        Ok(Part {
            name,
            value: PartValue::Json(serde_json::to_vec(value).map_err(crate::Error::Encode)?),
            content_type: None,
        })
    }

    /// A file part.
    pub(crate) fn file(name: &'static str, upload: Upload) -> Part {
        Part {
            name,
            value: PartValue::File(upload),
            content_type: None,
        }
    }

    /// The part's content type, as the media type's `encoding` gives it.
    pub(crate) fn with_content_type(mut self, content_type: Option<&'static str>) -> Part {
        self.content_type = content_type;
        self
    }

    fn to_reqwest(&self) -> Result<reqwest::multipart::Part, Unsendable> {
        let (part, content_type) = match &self.value {
            PartValue::Text(text) => (
                reqwest::multipart::Part::text(text.clone()),
                self.content_type,
            ),
            PartValue::Json(bytes) => (
                reqwest::multipart::Part::bytes(bytes.clone()),
                Some(self.content_type.unwrap_or("application/json")),
            ),
            PartValue::File(upload) => {
                // A part without a file name is a plain field to many servers: the
                // part's own name stands in for one the caller did not give.
                let file_name = upload.file_name.as_deref().unwrap_or(self.name);
                let part = reqwest::multipart::Part::stream(upload.body()?)
                    .file_name(file_name.to_owned());
                // The upload's own content type, else the description's, else bytes.
                let content_type = upload
                    .content_type
                    .as_deref()
                    .or(self.content_type)
                    .unwrap_or("application/octet-stream");
                (part, Some(content_type))
            }
        };
        match content_type {
            Some(content_type) => part
                .mime_str(content_type)
                .map_err(|_| Unsendable::ContentType(content_type.to_owned())),
            None => Ok(part),
        }
    }

    /// Whether the part can be sent again (it is not a streamed file).
    fn repeatable(&self) -> bool {
        match &self.value {
            PartValue::File(upload) => upload.repeatable(),
            PartValue::Text(_) | PartValue::Json(_) => true,
        }
    }
}

/// A `multipart/form-data` body, built anew for each try.
pub(crate) fn multipart_body(parts: Vec<Part>) -> Body {
    Body::Built(Arc::new(Multipart { parts }))
}

struct Multipart {
    parts: Vec<Part>,
}

impl Payload for Multipart {
    fn attach(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Unsendable> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            form = form.part(part.name, part.to_reqwest()?);
        }
        Ok(request.multipart(form))
    }

    fn repeatable(&self) -> bool {
        self.parts.iter().all(Part::repeatable)
    }
}
