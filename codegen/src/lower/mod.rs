//! openapiv3 -> [`crate::model`]: resolves `$ref`s, names every type, reads the flags that
//! matter (`readOnly`, secrets, `deprecated`, defaults) and checks what the emitters rely on.
//!
//! Problems are collected, not returned at the first: a bad spec is reported whole.

mod bodies;
mod dedup;
mod derive;
mod examples;
mod features;
mod operation;
mod paging;
mod params;
mod refs;
#[cfg(test)]
mod reserved_names;
mod responses;
mod schema;
mod security;
mod shape;
mod union;
mod webhook;

use std::collections::{BTreeMap, HashMap, HashSet};

use openapiv3::OpenAPI;

use crate::diagnostic::{Diagnostics, Pointer};
use crate::load::Document;
use crate::load::schema::{SchemaId, Schemas};
use crate::model::{Api, AuthScheme, Docs, Example, Server, TypeDef, TypeId, TypeKind, Untyped};
use crate::naming::{self, Namespace};
use shape::Analysis;

/// Lowers a loaded document. Returns `None` when an error was recorded.
pub fn lower(document: &Document, diagnostics: &mut Diagnostics) -> Option<Api> {
    let spec = &document.spec;
    let mut lowerer = Lowerer::new(document, diagnostics);
    lowerer.declare_components();
    lowerer.check_reference_siblings(document.version);
    lowerer.lower_components();
    lowerer.auth = lowerer.security_schemes();
    let operations = lowerer.lower_operations();
    lowerer.lower_webhooks();
    let servers = lowerer.servers();
    let auth = std::mem::take(&mut lowerer.auth);
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        servers,
        auth,
        types: lowerer.types,
        operations,
        untyped: lowerer.untyped,
        examples: lowerer.examples,
        features: Vec::new(),
    };
    dedup::merge_identical(&mut api, &lowerer.inline_types);
    dedup::share_identical_params(&mut api);
    derive::box_recursive_fields(&mut api);
    derive::check_defaults(&mut api);
    derive::request_types(&mut api, &mut lowerer.type_names);
    features::gate_by_tags(&mut api, &spec.tags);
    examples::check(&mut api, lowerer.diagnostics);
    if lowerer.diagnostics.has_errors() {
        None
    } else {
        Some(api)
    }
}

/// State of one lowering run.
struct Lowerer<'a> {
    spec: &'a OpenAPI,
    /// The document's schemas.
    schemas: &'a Schemas,
    /// What the schemas describe.
    analysis: Analysis<'a>,
    /// The document without its schemas, for objects a `$ref` names anywhere.
    skeleton: &'a serde_json::Value,
    diagnostics: &'a mut Diagnostics,
    /// The crate's named types, in the order they were declared.
    types: Vec<TypeDef>,
    /// Names taken by types.
    type_names: Namespace,
    /// The types written in place, with where.
    inline_types: BTreeMap<TypeId, Pointer>,
    /// Schemas that became named types, by the schema (so a schema reached again, even
    /// from inside itself, is one type).
    named: HashMap<SchemaId, TypeId>,
    /// Every place a value is kept as untyped JSON.
    untyped: Vec<Untyped>,
    /// The examples found so far, with their types.
    examples: Vec<Example>,
    /// Schemas whose examples are recorded.
    examples_seen: HashSet<SchemaId>,
    /// The security schemes the client supports, which operations refer to by index.
    auth: Vec<AuthScheme>,
}

impl<'a> Lowerer<'a> {
    fn new(document: &'a Document, diagnostics: &'a mut Diagnostics) -> Self {
        Self {
            spec: &document.spec,
            schemas: &document.schemas,
            analysis: Analysis::new(&document.schemas),
            skeleton: &document.skeleton,
            diagnostics,
            types: Vec::new(),
            type_names: Namespace::for_types(),
            inline_types: BTreeMap::new(),
            named: HashMap::new(),
            untyped: Vec::new(),
            examples: Vec::new(),
            examples_seen: HashSet::new(),
            auth: Vec::new(),
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
        if let Origin::Inline(pointer) = origin {
            self.inline_types.insert(id, pointer.clone());
        }
        self.types.push(TypeDef {
            name,
            docs,
            kind: TypeKind::Alias(crate::model::Ty::Scalar(crate::model::Scalar::Json)),
            gate: crate::model::Gate::Always,
        });
        id
    }

    /// The name of a declared type.
    fn type_name(&self, id: TypeId) -> &str {
        self.types.get(id.0).map_or("", |def| def.name.as_str())
    }

    /// The docs of a declared type.
    fn type_docs(&self, id: TypeId) -> Docs {
        self.types
            .get(id.0)
            .map(|def| def.docs.clone())
            .unwrap_or_default()
    }

    /// What a declared type is (so far: a type being lowered is an alias of JSON until it
    /// is done).
    fn type_kind(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(id.0).map(|def| &def.kind)
    }

    /// Sets what a declared type is.
    fn set_kind(&mut self, id: TypeId, kind: TypeKind) {
        if let Some(def) = self.types.get_mut(id.0) {
            def.kind = kind;
        }
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

/// The host of a URL, for naming a server that has no description.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}
