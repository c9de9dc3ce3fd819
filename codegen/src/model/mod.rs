//! The checked intermediate model: what the generated crate contains, with every `$ref`
//! resolved, every name chosen and every spec problem already reported.
//!
//! Lowering (`crate::lower`) builds it; the emitters (`crate::emit`) only read it.

mod operation;
mod types;

pub use operation::{
    Body, BodyMedia, HttpMethod, Operation, Paging, Param, ParamLocation, PathPart, Response,
};
pub use types::{
    Derivation, Docs, Enum, Field, Scalar, Struct, Ty, TypeDef, TypeId, TypeKind, Variant,
};

/// A whole API, ready to be emitted.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The servers the client can talk to, the first being the default.
    pub servers: Vec<Server>,
    /// How requests authenticate.
    pub auth: Vec<AuthScheme>,
    /// Every named type, indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The type behind `id`.
    ///
    /// Ids are only handed out by lowering for types it pushed, so the lookup cannot miss.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// One entry of `servers`.
#[derive(Debug, Clone)]
pub struct Server {
    /// The enum variant naming it (`Default`, `Eu`, ...).
    pub variant: String,
    /// The base URL.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
}

/// A supported security scheme.
#[derive(Debug, Clone)]
pub struct AuthScheme {
    /// The scheme's key in `components/securitySchemes`.
    pub key: String,
    /// The `ClientBuilder` method that sets the credential (`bearer_token`, `api_key`,
    /// or prefixed by the key when the API has several schemes).
    pub method: String,
    /// `description`.
    pub description: Option<String>,
    /// How the credential travels.
    pub kind: AuthKind,
}

/// How a credential is attached to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `type: http, scheme: bearer`: `Authorization: Bearer <token>`.
    Bearer,
    /// `type: apiKey, in: header`: the key as the value of the named header.
    ApiKeyHeader {
        /// The header's name.
        header: String,
    },
}
