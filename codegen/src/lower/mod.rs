//! openapiv3 -> [`crate::model`]: resolves `$ref`s, names every type, reads the flags that
//! matter (`readOnly`, secrets, `deprecated`, defaults) and checks what the emitters rely on.
//!
//! Problems are collected, not returned at the first: a bad spec is reported whole.

mod derive;
mod operation;
mod schema;

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};

use crate::diagnostic::{Diagnostics, Pointer};
use crate::model::{Api, AuthKind, AuthScheme, Docs, Server, TypeDef, TypeId};
use crate::naming::{self, Namespace};

/// Lowers a loaded document. Returns `None` when an error was recorded.
pub fn lower(spec: &OpenAPI, diagnostics: &mut Diagnostics) -> Option<Api> {
    let mut lowerer = Lowerer::new(spec, diagnostics);
    lowerer.declare_components();
    lowerer.lower_components();
    let operations = lowerer.lower_operations();
    let servers = lowerer.servers();
    let auth = lowerer.auth();
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        servers,
        auth,
        types: lowerer.types,
        operations,
    };
    derive::box_recursive_fields(&mut api);
    derive::check_defaults(&mut api);
    derive::request_types(&mut api, &mut lowerer.type_names);
    if lowerer.diagnostics.has_errors() { None } else { Some(api) }
}

/// State of one lowering run.
struct Lowerer<'a> {
    spec: &'a OpenAPI,
    diagnostics: &'a mut Diagnostics,
    /// The crate's named types, in the order they were declared.
    types: Vec<TypeDef>,
    /// Names taken by types.
    type_names: Namespace,
    /// `components/schemas` name -> the type declared for it.
    components: HashMap<&'a str, TypeId>,
    /// Notes about the type expression lowered last (why a fallback was used), picked up by
    /// the field or parameter that owns it.
    pending_notes: Vec<String>,
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a OpenAPI, diagnostics: &'a mut Diagnostics) -> Self {
        Self {
            spec,
            diagnostics,
            types: Vec::new(),
            type_names: Namespace::for_types(),
            components: HashMap::new(),
            pending_notes: Vec::new(),
        }
    }

    /// Adds a type whose kind is filled in later (so that references to it, recursive ones
    /// included, can be lowered first).
    fn declare(&mut self, raw_name: &str, docs: Docs) -> TypeId {
        let name = self.type_names.claim(&naming::type_name(raw_name));
        let id = TypeId(self.types.len());
        self.types.push(TypeDef { name, docs, kind: crate::model::TypeKind::Alias(json_ty()) });
        id
    }

    fn servers(&mut self) -> Vec<Server> {
        let mut names = Namespace::default();
        let pointer = Pointer::root().push("servers");
        let mut servers = Vec::new();
        for (index, server) in self.spec.servers.iter().enumerate() {
            let mut url = server.url.clone();
            if let Some(variables) = &server.variables {
                for (name, variable) in variables {
                    url = url.replace(&format!("{{{name}}}"), &variable.default);
                }
            }
            if url.contains('{') {
                self.diagnostics.warning(
                    &pointer.push(index).push("url"),
                    "server URL has a variable without a default; server left out",
                );
                continue;
            }
            let base = server
                .description
                .as_deref()
                .filter(|d| !d.trim().is_empty() && d.len() <= 60)
                .map(naming::type_name)
                .unwrap_or_else(|| naming::type_name(url_host(&url)));
            servers.push(Server {
                variant: names.claim(&base),
                url: url.trim_end_matches('/').to_owned(),
                description: server.description.clone(),
            });
        }
        servers
    }

    fn auth(&mut self) -> Vec<AuthScheme> {
        let Some(components) = &self.spec.components else { return Vec::new() };
        let pointer = Pointer::root().push("components").push("securitySchemes");
        let mut schemes = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let at = pointer.push(key);
            let ReferenceOr::Item(scheme) = scheme else {
                self.diagnostics.warning(&at, "a `$ref` security scheme is not supported; ignored");
                continue;
            };
            let (kind, description) = match scheme {
                SecurityScheme::HTTP { scheme, description, .. }
                    if scheme.eq_ignore_ascii_case("bearer") =>
                {
                    (AuthKind::Bearer, description)
                }
                SecurityScheme::APIKey {
                    location: openapiv3::APIKeyLocation::Header, name, description, ..
                } => (AuthKind::ApiKeyHeader { header: name.clone() }, description),
                SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => {
                    // Both end in an access token sent as a bearer token.
                    (AuthKind::Bearer, description)
                }
                _ => {
                    self.diagnostics.warning(
                        &at,
                        "only bearer, OAuth2/OpenID Connect and header API keys are \
                         supported; this scheme is ignored",
                    );
                    continue;
                }
            };
            schemes.push(AuthScheme {
                key: key.clone(),
                description: description.clone(),
                kind,
            });
        }
        schemes
    }
}

/// `serde_json::Value`, the type of last resort.
fn json_ty() -> crate::model::Ty {
    crate::model::Ty::Scalar(crate::model::Scalar::Json)
}

/// The host of a URL, for naming a server that has no description.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// What a local `$ref` names, if it has the form `#/components/<section>/<name>`.
fn ref_name<'r>(reference: &'r str, section: &str) -> Option<&'r str> {
    let rest = reference.strip_prefix("#/components/")?;
    let (found, name) = rest.split_once('/')?;
    (found == section && !name.contains('/')).then_some(name)
}

/// Explains why `reference` cannot be followed.
fn ref_problem(reference: &str, section: &str) -> String {
    if reference.starts_with('#') {
        format!(
            "`$ref: {reference}` must point to an entry of `#/components/{section}`; \
             references elsewhere in the document are not supported"
        )
    } else {
        format!(
            "`$ref: {reference}` points outside this document; external references are not \
             supported (bundle the spec into one file first)"
        )
    }
}
