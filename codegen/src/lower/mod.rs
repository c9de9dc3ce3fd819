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
    if lowerer.diagnostics.has_errors() {
        None
    } else {
        Some(api)
    }
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
    /// Inline schemas that became named types, by their address in the document (used
    /// as an identity only, never dereferenced).
    inline: HashMap<*const openapiv3::Schema, TypeId>,
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
            inline: HashMap::new(),
            pending_notes: Vec::new(),
        }
    }

    /// Adds a type whose kind is filled in later (so that references to it, recursive ones
    /// included, can be lowered first).
    ///
    /// `origin` says where the schema comes from; a schema without `title` or
    /// `description` is documented by it, since the generated crate denies missing docs.
    fn declare(&mut self, raw_name: &str, mut docs: Docs, origin: Origin<'_>) -> TypeId {
        if docs.summary.is_none() && docs.description.is_none() {
            docs.notes.insert(0, origin.note());
        }
        let name = self.type_names.claim(&naming::type_name(raw_name));
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            docs,
            kind: crate::model::TypeKind::Alias(json_ty()),
        });
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
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                self.diagnostics.warning(
                    &pointer.push(index).push("url"),
                    "server URL is relative; server left out (clients set the base URL with \
                     `ClientBuilder::base_url`)",
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
        let Some(components) = &self.spec.components else {
            return Vec::new();
        };
        let pointer = Pointer::root().push("components").push("securitySchemes");
        let mut schemes = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let at = pointer.push(key);
            let ReferenceOr::Item(scheme) = scheme else {
                self.diagnostics
                    .warning(&at, "a `$ref` security scheme is not supported; ignored");
                continue;
            };
            let (kind, description) = match scheme {
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } if scheme.eq_ignore_ascii_case("bearer") => (AuthKind::Bearer, description),
                SecurityScheme::APIKey {
                    location: openapiv3::APIKeyLocation::Header,
                    name,
                    description,
                    ..
                } => (
                    AuthKind::ApiKeyHeader {
                        header: name.clone(),
                    },
                    description,
                ),
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
                method: String::new(),
                description: description.clone(),
                kind,
            });
        }
        name_auth_methods(&mut schemes);
        schemes
    }
}

/// Where a named type's schema is written, for the docs of an undocumented one.
#[derive(Clone, Copy)]
enum Origin<'p> {
    /// An entry of `components/schemas`, by its key.
    Component(&'p str),
    /// A schema written in place, at this pointer.
    Inline(&'p Pointer),
}

impl Origin<'_> {
    fn note(self) -> String {
        match self {
            Self::Component(key) => {
                format!(
                    "The `{}` schema of the API description.",
                    key.replace('`', "'")
                )
            }
            Self::Inline(pointer) => format!(
                "The schema written in place at `{}` in the API description.",
                pointer.to_string().replace('`', "'")
            ),
        }
    }
}

/// The methods `ClientBuilder` has whatever the spec (the runtime's and the generated
/// `server` and `build`), which a security scheme's method must not take.
const BUILDER_METHODS: [&str; 11] = [
    "new",
    "base_url",
    "timeout",
    "connect_timeout",
    "user_agent",
    "http_client",
    "retry_policy",
    "secret_header",
    "build_transport",
    "server",
    "build",
];

/// Names the builder method of each scheme: `bearer_token` or `api_key` when the API has
/// one scheme, prefixed by the scheme's key when it has several.
fn name_auth_methods(schemes: &mut [AuthScheme]) {
    let mut names = Namespace::default();
    for taken in BUILDER_METHODS {
        names.reserve(taken);
    }
    let single = schemes.len() == 1;
    for scheme in schemes {
        let plain = match scheme.kind {
            AuthKind::Bearer => "bearer_token",
            AuthKind::ApiKeyHeader { .. } => "api_key",
        };
        let base = if single {
            plain.to_owned()
        } else {
            naming::snake_name(&format!("{} {plain}", scheme.key))
        };
        scheme.method = names.claim(&base);
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

/// What a local `$ref` names, if it has the form `#/components/<section>/<name>`: the
/// entry's key, unescaped (`%xx` as in any URI fragment, then `~1` and `~0` as in any
/// JSON pointer).
fn ref_name(reference: &str, section: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/")?;
    let (found, name) = rest.split_once('/')?;
    (found == section && !name.contains('/'))
        .then(|| percent_decode(name).replace("~1", "/").replace("~0", "~"))
}

/// Decodes `%xx` escapes; text that does not decode to UTF-8 is kept as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(decoded) if byte == b'%' => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Explains why `reference`, found where an entry of `components/<section>` (a `noun`) is
/// expected, does not lead to one.
fn missing_ref(reference: &str, section: &str, noun: &str) -> String {
    if ref_name(reference, section).is_some() {
        format!("`$ref: {reference}` points to a {noun} that does not exist")
    } else {
        ref_problem(reference, section)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime's `ClientBuilder` methods are edited apart from the generator: each must
    /// be one a security scheme cannot take.
    #[test]
    fn every_builder_method_of_the_runtime_is_reserved() {
        let transport = include_str!("../../templates/transport.rs");
        let mut in_builder = false;
        for line in transport.lines() {
            if line.starts_with("impl ClientBuilder") {
                in_builder = true;
            } else if line.starts_with('}') {
                in_builder = false;
            } else if let Some(rest) = line.trim_start().split("fn ").nth(1).filter(|_| in_builder)
            {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    BUILDER_METHODS.contains(&name.as_str()),
                    "`ClientBuilder::{name}` is not reserved"
                );
            }
        }
    }

    #[test]
    fn references_are_unescaped() {
        assert_eq!(
            ref_name("#/components/schemas/a~1b~0c", "schemas").as_deref(),
            Some("a/b~c")
        );
        assert_eq!(
            ref_name("#/components/schemas/with%20space", "schemas").as_deref(),
            Some("with space")
        );
        assert_eq!(
            ref_name("#/components/schemas/100%", "schemas").as_deref(),
            Some("100%")
        );
        assert_eq!(
            ref_name("#/components/schemas/%+1", "schemas").as_deref(),
            Some("%+1")
        );
        assert_eq!(ref_name("#/components/responses/x", "schemas"), None);
        assert_eq!(
            ref_name("other.yaml#/components/schemas/x", "schemas"),
            None
        );
    }
}
