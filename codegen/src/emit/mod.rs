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
use crate::model::{Api, Enum, Tagging, TypeDef, TypeKind};

/// A part of a file of the generated crate, before formatting.
pub enum File {
    /// Rust code to format.
    Rust(TokenStream),
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

/// How the formatted text of a part joins the text of the parts before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Its items follow theirs.
    Items,
    /// It is one `impl` block, whose items continue the `impl` block their text ends
    /// with (the methods of `Client`, emitted in runs of operations).
    Impl,
}

/// A file of the generated crate, to be emitted in parts.
pub struct Planned<'a> {
    /// Its path, relative to the crate's root.
    pub path: &'static str,
    /// What its code may import from other modules: the file gets a `use` of exactly
    /// the names its code refers to.
    pub imports: Vec<Import>,
    /// Its parts, in order. Each is emitted and formatted on its own, on any thread; the
    /// formatted parts, joined, are the file as formatted whole.
    pub parts: Vec<Part<'a>>,
}

impl Planned<'_> {
    /// Emits every part, on this thread.
    pub fn emit(self) -> Emitted {
        Emitted {
            path: self.path,
            imports: self.imports,
            parts: self
                .parts
                .into_iter()
                .map(|part| (part.join, part.emit()))
                .collect(),
        }
    }
}

/// A file of the generated crate, emitted: its parts, before formatting.
pub struct Emitted {
    /// Its path, relative to the crate's root.
    pub path: &'static str,
    /// What its code may import from other modules.
    pub imports: Vec<Import>,
    /// Its parts, in order, each with how its text joins the text before it.
    pub parts: Vec<(Join, File)>,
}

/// A part of a [`Planned`] file, not emitted yet.
pub struct Part<'a> {
    /// How its text joins the text before it.
    pub join: Join,
    /// How much it holds (operations, types), to start the largest parts first.
    pub weight: usize,
    emit: Box<dyn FnOnce() -> File + Send + 'a>,
}

impl<'a> Part<'a> {
    fn new(join: Join, weight: usize, emit: impl FnOnce() -> File + Send + 'a) -> Self {
        Self {
            join,
            weight,
            emit: Box::new(emit),
        }
    }

    /// Emits the part: its tokens or its text.
    pub fn emit(self) -> File {
        (self.emit)()
    }
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

/// How many operations a part of the client's sections holds, how many types a part of
/// `models.rs` and how many enums a part of `enums.rs`: parts small enough to keep every core busy until the end, large enough
/// that their own cost (a thread's turn, a syntax tree's setup) stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartSizes {
    /// Operations per part of each section of `client.rs`.
    pub operations: usize,
    /// Types (of the API's types, enums included) per part of `models.rs`.
    pub types: usize,
    /// Enums per part of `enums.rs`.
    pub enums: usize,
}

impl Default for PartSizes {
    fn default() -> Self {
        Self {
            operations: 24,
            types: 64,
            enums: 128,
        }
    }
}

/// Every file of the crate, by path relative to the crate's root, in parts of `sizes`.
pub fn plan<'a>(api: &'a Api, options: &'a Options, sizes: PartSizes) -> Vec<Planned<'a>> {
    let whole = |path, part| Planned {
        path,
        imports: Vec::new(),
        parts: vec![part],
    };
    let mut files = vec![
        whole(
            "Cargo.toml",
            Part::new(Join::Items, 1, || {
                File::Manifest(manifest::manifest(api, options))
            }),
        ),
        whole(
            "src/lib.rs",
            Part::new(Join::Items, 1, || {
                File::Rust(crate_root::lib_rs(api, options))
            }),
        ),
        Planned {
            path: "src/client.rs",
            imports: vec![models_import(api), enums_import(api)],
            parts: client_parts(api, sizes.operations.max(1)),
        },
    ];
    // An empty module would leave its `pub use` unused, and without enums their runtime
    // would be unused too, which the crate's `-D warnings` builds refuse.
    if has_models(api) {
        files.push(Planned {
            path: "src/models.rs",
            imports: vec![enums_import(api)],
            parts: models_parts(api, sizes.types.max(1)),
        });
    }
    if has_enums(api) {
        files.push(Planned {
            path: "src/enums.rs",
            imports: Vec::new(),
            parts: enums_parts(api, sizes.enums.max(1)),
        });
    }
    // `example_tests::file` makes a file of the examples that match their schemas.
    if options.example_tests && api.examples.iter().any(|e| e.mismatch.is_none()) {
        files.push(whole(
            "tests/examples.rs",
            Part::new(Join::Items, 1, || {
                File::Rust(example_tests::file(api, options).unwrap_or_default())
            }),
        ));
    }
    let wanted = runtime_modules(api);
    files.extend(
        RUNTIME
            .iter()
            .filter(|module| wanted.contains(&module.name()))
            .map(|module| {
                let (source, text) = (module.source, module.text);
                whole(
                    module.path,
                    Part::new(Join::Items, 1, move || File::Runtime { source, text }),
                )
            }),
    );
    files
}

/// The parts of `client.rs`: its head, then each section in runs of `size` operations.
fn client_parts(api: &Api, size: usize) -> Vec<Part<'_>> {
    let mut parts = vec![Part::new(Join::Items, 1, || File::Rust(client::head(api)))];
    for section in client::Section::ALL {
        let join = if section.in_impl() {
            Join::Impl
        } else {
            Join::Items
        };
        for operations in api.operations.chunks(size) {
            parts.push(Part::new(join, operations.len(), move || {
                File::Rust(client::section(api, section, operations))
            }));
        }
    }
    parts
}

/// The parts of `models.rs`: its types in runs of `size`, then its tail.
fn models_parts(api: &Api, size: usize) -> Vec<Part<'_>> {
    let mut parts: Vec<Part<'_>> = (0..api.types.len())
        .step_by(size)
        .map(|start| {
            let range = start..api.types.len().min(start.saturating_add(size));
            Part::new(Join::Items, range.len(), move || {
                File::Rust(models::types(api, range))
            })
        })
        .collect();
    parts.push(Part::new(Join::Items, 1, || File::Rust(models::tail(api))));
    parts
}

/// The parts of `enums.rs`: the module's docs, then its enums in runs of `size`.
fn enums_parts(api: &Api, size: usize) -> Vec<Part<'_>> {
    let enums: Vec<(&TypeDef, &Enum)> = api
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Enum(e) => Some((def, e)),
            _ => None,
        })
        .collect();
    let mut parts = vec![Part::new(Join::Items, 1, || {
        File::Source(
            "//! The API's string enums. Every one is open: values the API description does not\n\
             //! list decode into a catch-all variant and encode back unchanged.\n"
                .to_owned(),
        )
    })];
    for run in enums.chunks(size) {
        let run = run.to_vec();
        parts.push(Part::new(Join::Items, run.len(), move || {
            let mut out = String::new();
            for (def, e) in run {
                out.push('\n');
                enums::open_enum(def, e, &mut out);
            }
            File::Source(out)
        }));
    }
    parts
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
