//! [`crate::model::Api`] -> the files of the generated crate, as token streams (Rust) or
//! text (the manifest and the runtime's modules).

mod client;
mod crate_root;
mod describe;
mod docs;
mod enums;
mod example_tests;
pub(crate) mod gate;
mod manifest;
mod methods;
mod models;
mod params;
mod responses;
mod streams;
mod ty;
mod unions;

use proc_macro2::TokenStream;

use crate::Options;
use crate::model::{Api, Tagging, TypeKind};

/// One file of the generated crate, before formatting.
pub enum File {
    /// Rust code to format.
    Rust(TokenStream),
    /// Rust code to format, which imports what it uses of other modules: each `use` lists
    /// exactly the names the code refers to.
    Importing(TokenStream, Vec<Import>),
    /// A module of the runtime, copied as it is.
    Runtime {
        /// Where it comes from, relative to the workspace's root
        /// (`runtime/src/transport.rs`).
        source: &'static str,
        /// Its text, without its `#[cfg(test)]` items.
        text: &'static str,
    },
    /// The manifest.
    Manifest(String),
    /// Rust source laid out already (a formatter would leave macro calls unformatted):
    /// checked to parse, not formatted again.
    Source(String),
}

/// Names a file may import from another module of the crate.
pub struct Import {
    /// The module (`crate::models`).
    pub module: &'static str,
    /// The names it defines.
    pub names: std::collections::HashSet<String>,
}

/// A module of the runtime crate (`runtime/src/`): its path in the generated crate, where
/// it comes from, and its text as `build.rs` left it (without its tests).
struct RuntimeModule {
    path: &'static str,
    source: &'static str,
    text: &'static str,
}

/// One [`RuntimeModule`] for `runtime/src/$name.rs`.
macro_rules! runtime_module {
    ($name:literal) => {
        RuntimeModule {
            path: concat!("src/", $name, ".rs"),
            source: concat!("runtime/src/", $name, ".rs"),
            text: include_str!(concat!(env!("OUT_DIR"), "/runtime/", $name, ".rs")),
        }
    };
}

/// The runtime: the spec-independent modules generated crates get.
const RUNTIME: [RuntimeModule; 10] = [
    runtime_module!("auth"),
    runtime_module!("error"),
    runtime_module!("open_enum"),
    runtime_module!("paging"),
    runtime_module!("request"),
    runtime_module!("response"),
    runtime_module!("retry"),
    runtime_module!("transport"),
    runtime_module!("union"),
    runtime_module!("upload"),
];

/// Every file of the crate, by path relative to the crate's root.
pub fn files(api: &Api, options: &Options) -> Vec<(String, File)> {
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            File::Manifest(manifest::manifest(api, options)),
        ),
        (
            "src/lib.rs".to_owned(),
            File::Rust(crate_root::lib_rs(api, options)),
        ),
        (
            "src/client.rs".to_owned(),
            File::Importing(
                client::module(api),
                vec![models_import(api), enums_import(api)],
            ),
        ),
    ];
    // An empty module would leave its `pub use` unused, and without enums their runtime
    // would be unused too, which the crate's `-D warnings` builds refuse.
    if has_models(api) {
        files.push((
            "src/models.rs".to_owned(),
            File::Importing(models::module(api), vec![enums_import(api)]),
        ));
    }
    let enums = has_enums(api);
    if enums {
        files.push(("src/enums.rs".to_owned(), File::Source(enums_module(api))));
    }
    if options.example_tests {
        if let Some(tests) = example_tests::file(api, options) {
            files.push(("tests/examples.rs".to_owned(), File::Rust(tests)));
        }
    }
    let wanted = runtime_modules(api);
    files.extend(
        RUNTIME
            .iter()
            .filter(|module| wanted.contains(&module.name()))
            .map(|module| {
                let file = File::Runtime {
                    source: module.source,
                    text: module.text,
                };
                (module.path.to_owned(), file)
            }),
    );
    files
}

/// The API's title, or "API" when the spec gives an empty one.
fn title(api: &Api) -> &str {
    if api.title.trim().is_empty() {
        "API"
    } else {
        &api.title
    }
}

/// Whether the crate has a `models` module: any struct or alias.
fn has_models(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| !matches!(def.kind, TypeKind::Enum(_)))
}

impl RuntimeModule {
    /// The module's name (`transport`).
    fn name(&self) -> &'static str {
        self.path
            .strip_prefix("src/")
            .and_then(|p| p.strip_suffix(".rs"))
            .unwrap_or(self.path)
    }
}

/// The runtime modules the crate needs: those every client uses, and those only some
/// APIs need (open enums, tagged unions, uploads), which would need dependencies or
/// features the crate does not otherwise have.
pub fn runtime_modules(api: &Api) -> Vec<&'static str> {
    let mut modules = vec![
        "auth",
        "error",
        "paging",
        "request",
        "response",
        "retry",
        "transport",
    ];
    if has_enums(api) {
        modules.push("open_enum");
    }
    if has_tagged_unions(api) {
        modules.push("union");
    }
    if uses_uploads(api) {
        modules.push("upload");
    }
    modules.sort_unstable();
    modules
}

/// Whether a request body is bytes or a multipart form, which the `upload` module sends.
pub fn uses_uploads(api: &Api) -> bool {
    api.operations
        .iter()
        .flat_map(|op| op.body.iter().chain(&op.other_bodies))
        .any(|body| {
            matches!(
                body.media,
                crate::model::BodyMedia::Binary | crate::model::BodyMedia::Multipart(_)
            )
        })
}

/// Whether the crate has a tagged union, whose decoding uses the `union` runtime module.
fn has_tagged_unions(api: &Api) -> bool {
    api.types.iter().any(|def| match &def.kind {
        TypeKind::Union(union) => !matches!(union.tagging, Tagging::Untagged),
        _ => false,
    })
}

/// Whether any type of the crate is a UUID, which needs the `uuid` crate.
fn uses_uuid(api: &Api) -> bool {
    let mut found = false;
    api.visit_tys(&mut |ty| found |= *ty == crate::model::Ty::Scalar(crate::model::Scalar::Uuid));
    found
}

/// Whether the crate has an `enums` module.
fn has_enums(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, TypeKind::Enum(_)))
}

/// What the `models` module defines (structs, unions, aliases).
fn models_import(api: &Api) -> Import {
    Import {
        module: "crate::models",
        names: api
            .types
            .iter()
            .filter(|def| !matches!(def.kind, TypeKind::Enum(_)))
            .map(|def| def.name.to_string())
            .collect(),
    }
}

/// What the `enums` module defines.
fn enums_import(api: &Api) -> Import {
    Import {
        module: "crate::enums",
        names: api
            .types
            .iter()
            .filter(|def| matches!(def.kind, TypeKind::Enum(_)))
            .map(|def| def.name.to_string())
            .collect(),
    }
}

fn enums_module(api: &Api) -> String {
    let mut out = String::from(
        "//! The API's string enums. Every one is open: values the API description does not\n\
         //! list decode into a catch-all variant and encode back unchanged.\n",
    );
    for def in &api.types {
        if let TypeKind::Enum(e) = &def.kind {
            out.push('\n');
            enums::open_enum(def, e, &mut out);
        }
    }
    out
}
