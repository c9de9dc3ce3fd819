//! The checked intermediate model: what the generated crate contains, with every `$ref`
//! resolved, every name chosen and every spec problem already reported.
//!
//! Lowering (`crate::lower`) builds it; the emitters (`crate::emit`) only read it.

mod features;
mod operation;
mod types;

pub use features::{Feature, Gate};
pub use operation::{
    Body, BodyMedia, Content, HttpMethod, Operation, Paging, PagingKind, Param, ParamLocation,
    ParamStyle, Part, PartKind, PathPart, Responses, Security, Status, StatusBody, Success,
};
pub use types::{
    Bound, Derivation, Docs, Enum, Extra, Field, Limits, Scalar, Struct, Tagging, Ty, TypeDef,
    TypeId, TypeKind, Union, UnionVariant, Variant,
};

pub use crate::naming::RustIdent;

use crate::diagnostic::Pointer;

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
    /// Every place a value is kept as untyped JSON (`serde_json::Value`), and why.
    pub untyped: Vec<Untyped>,
    /// The examples the description gives, each with the type it should decode into.
    pub examples: Vec<Example>,
    /// The cargo features that select parts of the crate, one per tag, in the order the
    /// description gives its tags; none when the description has fewer than two tags that
    /// tell operations apart.
    pub features: Vec<Feature>,
}

/// A schema that became `serde_json::Value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Untyped {
    /// Where the schema is written.
    pub pointer: Pointer,
    /// Why it is untyped.
    pub reason: UntypedReason,
}

/// Why a schema became `serde_json::Value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UntypedReason {
    /// The schema allows any JSON value (`{}`, no `type`), so any value is right.
    AnyValue,
    /// The values of an object that declares no properties nor a schema for its values
    /// (`type: object` alone): the object is a map, its values any JSON.
    FreeFormValues,
    /// The generator cannot type what the schema says; the text says why.
    Unsupported(String),
}

impl std::fmt::Display for Untyped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            UntypedReason::AnyValue => write!(
                f,
                "{}: any JSON value (the schema does not constrain the type)",
                self.pointer
            ),
            UntypedReason::FreeFormValues => write!(
                f,
                "{}: values of an object that describes none of them (a map of any JSON)",
                self.pointer
            ),
            UntypedReason::Unsupported(why) => write!(f, "{}: {why}", self.pointer),
        }
    }
}

/// An example value from the description.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where it is written.
    pub pointer: Pointer,
    /// The type it must decode into.
    pub ty: Ty,
    /// The value.
    pub value: serde_json::Value,
    /// Why the value cannot be decoded into `ty`, when it does not match its own schema.
    pub mismatch: Option<String>,
    /// The example is of a form body (`application/x-www-form-urlencoded`): its values
    /// travel as text, and it is checked by encoding and decoding a form.
    pub form: bool,
}

impl Api {
    /// The type behind `id`.
    ///
    /// Ids are only handed out by lowering for types it pushed, so the lookup cannot miss.
    #[allow(clippy::indexing_slicing)]
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

impl Api {
    /// Calls `visit` with every type expression of the API, nested ones included: fields,
    /// extra properties, union payloads, aliases, parameters, bodies, responses and paging
    /// items.
    pub fn visit_tys(&self, visit: &mut dyn FnMut(&Ty)) {
        for def in &self.types {
            visit_def_tys(def, visit);
        }
        for operation in &self.operations {
            operation.visit_tys(visit);
        }
    }
}

impl Api {
    /// Calls `visit` with every type expression of the API that may name a type, so that a
    /// pass can point them elsewhere: those [`Api::visit_tys`] visits, paging items and
    /// examples. Nested expressions are visited after the one holding them.
    pub fn visit_tys_mut(&mut self, visit: &mut dyn FnMut(&mut Ty)) {
        for def in &mut self.types {
            match &mut def.kind {
                TypeKind::Struct(strukt) => {
                    for field in &mut strukt.fields {
                        visit_ty_mut(&mut field.ty, visit);
                    }
                    if let Extra::Typed { ty, .. } = &mut strukt.extra {
                        visit_ty_mut(ty, visit);
                    }
                }
                TypeKind::Union(union) => {
                    for ty in union.variants.iter_mut().filter_map(|v| v.ty.as_mut()) {
                        visit_ty_mut(ty, visit);
                    }
                }
                TypeKind::Alias(ty) => visit_ty_mut(ty, visit),
                TypeKind::Enum(_) => {}
            }
        }
        for operation in &mut self.operations {
            operation.visit_tys_mut(visit);
        }
        for example in &mut self.examples {
            visit_ty_mut(&mut example.ty, visit);
        }
    }
}

/// Calls `visit` with `ty` and every type expression nested in it, mutably.
pub fn visit_ty_mut(ty: &mut Ty, visit: &mut dyn FnMut(&mut Ty)) {
    visit(ty);
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => visit_ty_mut(inner, visit),
        Ty::Tuple(items) => items.iter_mut().for_each(|item| visit_ty_mut(item, visit)),
        Ty::Scalar(_) | Ty::Named(_) => {}
    }
}

/// Calls `visit` with every type expression a named type holds, nested ones included.
pub fn visit_def_tys(def: &TypeDef, visit: &mut dyn FnMut(&Ty)) {
    match &def.kind {
        TypeKind::Struct(strukt) => {
            for field in &strukt.fields {
                visit_ty(&field.ty, visit);
            }
            if let Extra::Typed { ty, .. } = &strukt.extra {
                visit_ty(ty, visit);
            }
        }
        TypeKind::Union(union) => {
            for ty in union.variants.iter().filter_map(|v| v.ty.as_ref()) {
                visit_ty(ty, visit);
            }
        }
        TypeKind::Alias(ty) => visit_ty(ty, visit),
        TypeKind::Enum(_) => {}
    }
}

/// Calls `visit` with `ty` and every type expression nested in it.
pub fn visit_ty(ty: &Ty, visit: &mut dyn FnMut(&Ty)) {
    visit(ty);
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => visit_ty(inner, visit),
        Ty::Tuple(items) => items.iter().for_each(|item| visit_ty(item, visit)),
        Ty::Scalar(_) | Ty::Named(_) => {}
    }
}

/// One entry of `servers`.
#[derive(Debug, Clone)]
pub struct Server {
    /// The enum variant naming it (`Default`, `Eu`, ...).
    pub variant: RustIdent,
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
    /// The `ClientBuilder` method that sets the credential (`bearer_token`, `basic_auth`,
    /// `api_key`, or prefixed by the key when the API has several schemes).
    pub method: RustIdent,
    /// `description`.
    pub description: Option<String>,
    /// How the credential travels.
    pub kind: AuthKind,
}

/// How a credential is attached to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `type: http, scheme: bearer`, and OAuth2 or OpenID Connect access tokens the caller
    /// obtains: `Authorization: Bearer <token>`.
    Bearer,
    /// `type: http, scheme: basic`: `Authorization: Basic <user:password in base64>`.
    Basic,
    /// `type: apiKey`: the key in a header, a query parameter or a cookie.
    ApiKey {
        /// Where it travels.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}
