//! Operations: one client method each.

use super::{Docs, Ty};

/// An HTTP method the client can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// The lower-case name, as used for path-item keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }
}

/// One operation of the API.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The method name, snake_case and unique.
    pub name: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template as written (`/unified/connection/{id}`), for docs.
    pub path_template: String,
    /// The path split into segments, each made of literal text and parameters.
    pub segments: Vec<Vec<PathPart>>,
    /// Summary and description.
    pub docs: Docs,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path parameters, in the order they appear in the path.
    pub path_params: Vec<Param>,
    /// Query and header parameters, gathered in a generated parameter struct.
    pub params: Vec<Param>,
    /// The name of that struct, when there are any such parameters.
    pub params_type: Option<String>,
    /// The request body.
    pub body: Option<Body>,
    /// What a successful response holds.
    pub response: Response,
    /// Offset/limit paging, when the operation supports it.
    pub paging: Option<Paging>,
}

/// A piece of a path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// The path parameter at this index of [`Operation::path_params`].
    Param(usize),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// As a request header.
    Header,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name on the wire.
    pub wire: String,
    /// The Rust name.
    pub name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its type, without the `Option` that optionality adds.
    pub ty: Ty,
    /// `required: true`.
    pub required: bool,
    /// `explode` for arrays in the query: repeat the key (`a=1&a=2`) or join with commas.
    pub explode: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `default`, for docs and paging.
    pub default: Option<serde_json::Value>,
    /// `maximum` of a number, for paging.
    pub maximum: Option<f64>,
    /// Its documentation.
    pub docs: Docs,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    /// `application/json` (or any `+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/plain` and other text: sent as a string.
    Text,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The body's type.
    pub ty: Ty,
    /// How it is encoded.
    pub media: BodyMedia,
    /// `required: true`; otherwise the method takes an `Option`.
    pub required: bool,
    /// Its documentation.
    pub docs: Docs,
}

/// What a successful response holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// No body (or one the client ignores).
    Empty,
    /// JSON decoded into this type.
    Json(Ty),
    /// Text, returned as a `String`.
    Text,
    /// Anything else, returned as raw bytes.
    Bytes,
}

/// Offset/limit paging of a list operation.
#[derive(Debug, Clone)]
pub struct Paging {
    /// Index in [`Operation::params`] of the page-size parameter.
    pub limit: usize,
    /// Index in [`Operation::params`] of the offset parameter.
    pub offset: usize,
    /// The type of one item of the returned array.
    pub item: Ty,
    /// The page size when the caller sets none: the limit's `default`, else 100, and never
    /// above `max_page_size`.
    pub default_page_size: u64,
    /// The limit's `maximum`: a larger page size is lowered to it, since a server that caps
    /// pages would otherwise return a short page that ends the stream early.
    pub max_page_size: Option<u64>,
    /// The name of the client method that streams every item (`list_pets_stream`).
    pub method: String,
}
