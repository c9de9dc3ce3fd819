//! The Value census: how often a generated crate falls back to `serde_json::Value`, the
//! type of what the generator could not type, counted where it shows in the crate's API:
//! model fields, type aliases, operation parameters and responses.
//!
//! Each emitted file (`src/*.rs` but the runtime's modules, which do not depend on the
//! spec) is parsed with syn and every type path `serde_json::Value` is counted by the
//! place it appears in; `Option<Vec<serde_json::Value>>` counts once. Two kinds of use are
//! counted apart, out of the total: values kept as they came by design (the maps of a
//! struct's undeclared properties, `serde_json::Map<String, serde_json::Value>`, and the
//! `Unknown` variants of open unions), and uses outside the API (function bodies,
//! constructors, trait impls).

use std::collections::BTreeSet;
use std::fmt::Write;

use syn::visit::{self, Visit};
use tests::workspace_root;

/// Uses of `serde_json::Value` in one crate, by place.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Census {
    /// Fields of model structs and payloads of model enum variants.
    pub fields: usize,
    /// Type aliases (`pub type X = serde_json::Value;`).
    pub aliases: usize,
    /// Operation parameters: arguments of client methods and fields of parameter
    /// structs.
    pub params: usize,
    /// What client methods return.
    pub responses: usize,
    /// Outside the API: constructors' arguments, function bodies, trait impls. Not in
    /// the total.
    pub other: usize,
    /// Values kept as they came, by design: maps of undeclared properties
    /// (`serde_json::Map<String, serde_json::Value>`) and `Unknown` variants of open
    /// unions. Not in the total.
    pub kept: usize,
}

impl Census {
    /// The uses in the crate's API: fields, aliases, parameters and responses.
    pub fn total(&self) -> usize {
        self.fields + self.aliases + self.params + self.responses
    }

    fn add(&mut self, place: Place) {
        let counter = match place {
            Place::Field => &mut self.fields,
            Place::Alias => &mut self.aliases,
            Place::Param => &mut self.params,
            Place::Response => &mut self.responses,
            Place::Other => &mut self.other,
            Place::Kept => &mut self.kept,
        };
        *counter += 1;
    }

    fn sum(&mut self, other: &Census) {
        self.fields += other.fields;
        self.aliases += other.aliases;
        self.params += other.params;
        self.responses += other.responses;
        self.other += other.other;
        self.kept += other.kept;
    }
}

/// Counts the uses of `serde_json::Value` in a generated crate's files (path relative to
/// the crate's root -> text). `Err` names a file that does not parse.
pub fn take(files: &super::support::Files) -> Result<Census, String> {
    let runtime = runtime_modules();
    let mut census = Census::default();
    for (path, text) in files {
        let emitted = path.starts_with("src/") && path.ends_with(".rs");
        if !emitted || runtime.contains(path) {
            continue;
        }
        let file = syn::parse_file(text).map_err(|e| format!("{path} does not parse: {e}"))?;
        let mut counter = Counter {
            census: &mut census,
            place: Place::Other,
            in_client: path == "src/client.rs",
        };
        counter.visit_file(&file);
    }
    Ok(census)
}

/// The paths the runtime's modules have in a generated crate (`src/transport.rs`, ...):
/// every module of `runtime/src/` but its `lib.rs` (a generated crate's `lib.rs` is
/// emitted).
fn runtime_modules() -> BTreeSet<String> {
    let dir = workspace_root().join("runtime/src");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "cannot list the runtime's modules in {}: {e}",
            dir.display()
        )
    });
    entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "lib.rs")
        .map(|name| format!("src/{name}"))
        .collect()
}

/// The census as a table, one row per spec (in the order given) and a total.
pub fn table(rows: &[(String, Census)]) -> String {
    let width = rows
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut out = format!(
        "Value census: serde_json::Value in each generated crate's API \
         (other: outside the API; kept: undeclared properties and unknown union variants, \
         by design; neither in the total)\n\
         {:width$}  {:>5}  {:>6}  {:>7}  {:>6}  {:>9}  {:>5}  {:>4}\n",
        "spec", "total", "fields", "aliases", "params", "responses", "other", "kept"
    );
    let mut all = Census::default();
    for (name, census) in rows {
        row(&mut out, name, census, width);
        all.sum(census);
    }
    row(&mut out, "all", &all, width);
    out
}

fn row(out: &mut String, name: &str, census: &Census, width: usize) {
    // Writing to a `String` cannot fail.
    let _ = writeln!(
        out,
        "{name:width$}  {:>5}  {:>6}  {:>7}  {:>6}  {:>9}  {:>5}  {:>4}",
        census.total(),
        census.fields,
        census.aliases,
        census.params,
        census.responses,
        census.other,
        census.kept
    );
}

/// Where a type is written.
#[derive(Debug, Clone, Copy)]
enum Place {
    Field,
    Alias,
    Param,
    Response,
    Other,
    Kept,
}

/// Counts `serde_json::Value` paths by the place they are written in.
struct Counter<'a> {
    census: &'a mut Census,
    place: Place,
    /// In `src/client.rs`, structs hold operation parameters and method signatures are
    /// the operations'.
    in_client: bool,
}

impl Counter<'_> {
    fn within(&mut self, place: Place, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.place, place);
        visit(self);
        self.place = outer;
    }

    fn data_place(&self) -> Place {
        if self.in_client {
            Place::Param
        } else {
            Place::Field
        }
    }
}

impl<'ast> Visit<'ast> for Counter<'_> {
    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        self.within(Place::Alias, |v| visit::visit_item_type(v, item));
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.within(self.data_place(), |v| visit::visit_item_struct(v, item));
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.within(self.data_place(), |v| visit::visit_item_enum(v, item));
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        if variant.ident == "Unknown" {
            self.within(Place::Kept, |v| visit::visit_variant(v, variant));
        } else {
            visit::visit_variant(self, variant);
        }
    }

    fn visit_signature(&mut self, signature: &'ast syn::Signature) {
        if !self.in_client {
            return self.within(Place::Other, |v| visit::visit_signature(v, signature));
        }
        for input in &signature.inputs {
            self.within(Place::Param, |v| v.visit_fn_arg(input));
        }
        self.within(Place::Response, |v| v.visit_return_type(&signature.output));
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.within(Place::Other, |v| visit::visit_block(v, block));
    }

    fn visit_type_path(&mut self, path: &'ast syn::TypePath) {
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect();
        if path.qself.is_some() {
            return visit::visit_type_path(self, path);
        }
        if segments == ["serde_json", "Map"] {
            // Its values are whatever undeclared properties hold: not looked into.
            self.census.add(Place::Kept);
            return;
        }
        if segments == ["serde_json", "Value"] {
            self.census.add(self.place);
        }
        visit::visit_type_path(self, path);
    }
}
