//! Operations: one client method each.

use super::{Docs, Gate, Limits, Ty};
use crate::naming::RustIdent;

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
    /// Every method, in the order a path item's operations are read.
    pub const ALL: [Self; 8] = [
        Self::Get,
        Self::Put,
        Self::Post,
        Self::Delete,
        Self::Options,
        Self::Head,
        Self::Patch,
        Self::Trace,
    ];

    /// The operation keys of a path item (`get`, `put`, ...), in [`Self::ALL`]'s order.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        Self::ALL.into_iter().map(Self::as_str)
    }

    /// Whether `key` is the key of an operation in a path item.
    pub fn is_key(key: &str) -> bool {
        Self::keys().any(|method| method == key)
    }

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
    pub name: RustIdent,
    /// The name of the method that returns the response's status and headers too
    /// (`get_pet_with_response`).
    pub with_response: RustIdent,
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
    /// Query, header and cookie parameters, gathered in a generated parameter struct.
    pub params: Vec<Param>,
    /// The name of that struct, when there are any such parameters.
    pub params_type: Option<RustIdent>,
    /// An earlier operation with the same parameters (and tags), by index in
    /// [`super::Api::operations`]: `params_type` is then another name of its struct.
    pub params_same_as: Option<usize>,
    /// Its `tags`, in the description's order.
    pub tags: Vec<String>,
    /// The request body, in the media type a caller most likely wants (see
    /// [`Operation::other_bodies`]).
    pub body: Option<Body>,
    /// The other media types the operation accepts, each sent by a method of its own.
    pub other_bodies: Vec<Body>,
    /// The responses: what a success holds, and the typed bodies of errors.
    pub responses: Responses,
    /// The credentials the operation takes.
    pub security: Security,
    /// How a list operation pages, when it does.
    pub paging: Option<Paging>,
    /// The features that compile the operation: those of its tags.
    pub gate: Gate,
}

impl Operation {
    /// Calls `visit` with every type expression of the operation, nested ones included:
    /// parameters, bodies, responses and paging items.
    pub fn visit_tys(&self, visit: &mut dyn FnMut(&Ty)) {
        for param in self.path_params.iter().chain(&self.params) {
            super::visit_ty(&param.ty, visit);
        }
        for body in self.body.iter().chain(&self.other_bodies) {
            super::visit_ty(&body.ty, visit);
        }
        for content in self.responses.contents() {
            if let Content::Json(ty) = content {
                super::visit_ty(ty, visit);
            }
        }
        if let Some(paging) = &self.paging {
            super::visit_ty(&paging.item, visit);
        }
    }

    /// Calls `visit` with every type expression of the operation (see
    /// [`super::Api::visit_tys_mut`]).
    pub fn visit_tys_mut(&mut self, visit: &mut dyn FnMut(&mut Ty)) {
        for param in self.path_params.iter_mut().chain(&mut self.params) {
            super::visit_ty_mut(&mut param.ty, visit);
        }
        for body in self.body.iter_mut().chain(&mut self.other_bodies) {
            super::visit_ty_mut(&mut body.ty, visit);
        }
        let responses = &mut self.responses;
        let successes: Vec<&mut Content> = match &mut responses.success {
            Success::One(content) => vec![content],
            Success::Several { variants, .. } => variants
                .iter_mut()
                .map(|(status, _)| &mut status.content)
                .collect(),
        };
        let errors = responses.errors.iter_mut().map(|error| &mut error.content);
        for content in successes.into_iter().chain(errors) {
            if let Content::Json(ty) = content {
                super::visit_ty_mut(ty, visit);
            }
        }
        if let Some(paging) = &mut self.paging {
            super::visit_ty_mut(&mut paging.item, visit);
        }
    }
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
    /// In the `Cookie` header.
    Cookie,
}

/// How an array or object parameter is written (`style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form`, exploded: a key per value (`a=1&a=2`), an object's properties as keys.
    FormExploded,
    /// `form` not exploded, and `simple` (headers, paths): values joined with commas
    /// (`a=1,2`), an object as `key,value` pairs.
    Comma,
    /// `spaceDelimited`: array values joined with spaces.
    Space,
    /// `pipeDelimited`: array values joined with `|`.
    Pipe,
    /// `deepObject`: an object's properties as `name[key]=value`.
    DeepObject,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name on the wire.
    pub wire: String,
    /// The Rust name.
    pub name: RustIdent,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its type, without the `Option` that optionality adds.
    pub ty: Ty,
    /// `required: true`.
    pub required: bool,
    /// How arrays and objects are written.
    pub style: ParamStyle,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `default`, for docs and paging.
    pub default: Option<serde_json::Value>,
    /// What a valid value is beyond its type (a page size's `maximum`, for paging).
    pub limits: Limits,
    /// Its documentation.
    pub docs: Docs,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyMedia {
    /// JSON (`application/json` or any `+json`), from the body's type.
    Json,
    /// `application/x-www-form-urlencoded`: the body's properties as form fields, arrays
    /// as repeated keys.
    Form,
    /// `multipart/form-data`: one part per property of the body's type (a struct whose
    /// binary properties are files).
    Multipart(Vec<Part>),
    /// Text (`text/*`), sent as it is.
    Text,
    /// Raw bytes or a stream of them (`application/octet-stream`, `image/*`, ...).
    Binary,
}

/// One part of a multipart body: a property of the body's type.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The part's name (the property's JSON key).
    pub wire: String,
    /// The Rust field of the body's type that holds it.
    pub field: RustIdent,
    /// How the part is written.
    pub kind: PartKind,
    /// The part's `Content-Type` from the media type's `encoding`, if it gives one.
    pub content_type: Option<String>,
}

/// How a multipart part is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A file: bytes with a file name and content type (an [`super::Scalar::Upload`]).
    File,
    /// A list of files under one name.
    Files,
    /// Text: a string, number, boolean or enum value as it is written in a query.
    Text,
    /// A list of such values, one part each under the same name.
    Texts,
    /// Anything else, as JSON (`application/json`).
    Json,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The body's type: the schema's for JSON, form and multipart bodies, `String` for
    /// text, an upload for binary bodies.
    pub ty: Ty,
    /// How it is encoded.
    pub media: BodyMedia,
    /// The media type as the description gives it, sent as `Content-Type`.
    pub content_type: String,
    /// `required: true`; otherwise the method takes an `Option`.
    pub required: bool,
    /// For a body in another media type than the operation's first: the name of the
    /// method that sends it (`upload_photo_form`).
    pub method: Option<RustIdent>,
    /// For such a body, the name of its method that returns the response's status and
    /// headers too.
    pub with_response: Option<RustIdent>,
    /// Its documentation.
    pub docs: Docs,
}

/// The responses of an operation.
#[derive(Debug, Clone)]
pub struct Responses {
    /// What a success holds: one kind for every success status, or an enum of them.
    pub success: Success,
    /// Error responses whose bodies have types, by status.
    pub errors: Vec<StatusBody>,
    /// The name of the enum of the typed error bodies, when they are of more than one
    /// type.
    pub error_enum: Option<RustIdent>,
    /// The `Accept` header: the media types the responses have.
    pub accept: String,
    /// A success response declares a `Link` header (whose `rel="next"` link is the next
    /// page of a list).
    pub next_link: bool,
}

impl Responses {
    /// Every content the responses have: the successes', then the errors'.
    pub fn contents(&self) -> impl Iterator<Item = &Content> {
        let success: Vec<&Content> = match &self.success {
            Success::One(content) => vec![content],
            Success::Several { variants, .. } => variants.iter().map(|(s, _)| &s.content).collect(),
        };
        success
            .into_iter()
            .chain(self.errors.iter().map(|e| &e.content))
    }
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// One kind of content for every success status.
    One(Content),
    /// Different content for different success statuses: an enum named `name`.
    Several {
        /// The enum's name.
        name: RustIdent,
        /// Each status and what it holds, with the variant's name.
        variants: Vec<(StatusBody, RustIdent)>,
    },
}

/// A status (or range, or `default`) and the content of its response.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBody {
    /// The status.
    pub status: Status,
    /// What its body holds.
    pub content: Content,
    /// The variant's name in the error enum, for error bodies.
    pub variant: RustIdent,
}

/// A response status as the description lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range: `2XX` is `Range(2)`.
    Range(u16),
    /// `default`: any status the others do not list.
    Default,
}

/// What a response body holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// No body (or one the client ignores).
    Empty,
    /// JSON decoded into this type.
    Json(Ty),
    /// An `application/problem+json` body: RFC 9457 problem details.
    Problem,
    /// Text, returned as a `String`.
    Text,
    /// Anything else, returned as a stream of bytes (a download is not buffered).
    Binary,
}

/// Which credentials an operation sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// The description says nothing: every credential the client is given is sent.
    Unspecified,
    /// `security: []` (or only `{}`): no credentials.
    None,
    /// Alternatives, each a set of schemes (indexes into [`super::Api::auth`]) sent
    /// together; the first alternative whose credentials the client has is used. An empty
    /// alternative (`{}`) means the call may also go without.
    AnyOf(Vec<Vec<usize>>),
}

/// How a list operation pages.
#[derive(Debug, Clone)]
pub struct Paging {
    /// The type of one item.
    pub item: Ty,
    /// How the next page is asked for.
    pub kind: PagingKind,
    /// The name of the client method that streams every item (`list_pets_stream`).
    pub method: RustIdent,
}

/// How the next page is asked for.
#[derive(Debug, Clone)]
pub enum PagingKind {
    /// `limit` and `offset` query parameters; the response is the array of items, and a
    /// short page is the last.
    Offset {
        /// Index in [`Operation::params`] of the page-size parameter.
        limit: usize,
        /// Index in [`Operation::params`] of the offset parameter.
        offset: usize,
        /// The page size when the caller sets none: the limit's `default`, else 100, and
        /// never above `max_page_size`.
        default_page_size: u64,
        /// The limit's `maximum`: a larger page size is lowered to it, since a server that
        /// caps pages would otherwise return a short page that ends the stream early.
        max_page_size: Option<u64>,
    },
    /// A cursor: the response is an object holding the items and the cursor of the next
    /// page, which the next request sends in a query parameter; no cursor (or an empty
    /// one) ends the stream.
    Cursor {
        /// Index in [`Operation::params`] of the cursor parameter.
        param: usize,
        /// The response field holding the items (its Rust name).
        items: RustIdent,
        /// The response field holding the next cursor (its Rust name).
        next: RustIdent,
        /// The items field is an `Option`.
        items_optional: bool,
        /// The next-cursor field is an `Option`.
        next_optional: bool,
    },
    /// A `Link` response header with `rel="next"`: the next page is that URL; the
    /// response is the array of items.
    LinkHeader,
}

#[cfg(test)]
mod tests {
    use super::HttpMethod;

    /// The methods are the operations `openapiv3` reads from a path item, in its order.
    #[test]
    fn the_methods_are_the_operations_of_a_path_item() {
        let operation = || Some(openapiv3::Operation::default());
        let item = openapiv3::PathItem {
            get: operation(),
            put: operation(),
            post: operation(),
            delete: operation(),
            options: operation(),
            head: operation(),
            patch: operation(),
            trace: operation(),
            ..openapiv3::PathItem::default()
        };
        let serde_json::Value::Object(written) = serde_json::to_value(&item).unwrap() else {
            panic!("a path item is written as an object");
        };
        let operations: Vec<&str> = written
            .iter()
            .filter(|(_, value)| value.get("responses").is_some())
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(operations, HttpMethod::keys().collect::<Vec<_>>());
        assert!(HttpMethod::is_key("trace") && !HttpMethod::is_key("parameters"));
    }
}
