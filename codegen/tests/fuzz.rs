//! Fuzzing `codegen::generate` with proptest (`cargo fuzz` needs a nightly toolchain): it
//! must never panic, whatever it is fed. A returned `Err` is fine; an `Ok` must hold Rust
//! files that parse.
//!
//! Three kinds of input:
//! - arbitrary text and bytes;
//! - arbitrary JSON-ish trees, bare or inside the frame of an OpenAPI 3.0 or 3.1 document
//!   (3.1 frames add `webhooks` and `components/pathItems`), written as JSON or YAML;
//! - mutated valid specs: the shipped spec, the hostile fixtures and the OpenAPI 3.1
//!   fixtures, with nodes deleted,
//!   replaced, duplicated, retyped, renamed, pointed elsewhere with `$ref`, or given
//!   hostile strings.
//!
//! The default run is bounded to about half a minute. A long run sets the number of cases
//! of each property (proptest's own variable) and builds optimised:
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test -p codegen --release --test fuzz
//! ```
//!
//! A stack overflow aborts the run without naming the input: rerun that property with
//! `FUZZ_LAST=/tmp/last.txt`, which holds the input being checked when it stops.
//!
//! A failure is shrunk to a minimal input and its seed saved in
//! `codegen/tests/fuzz.proptest-regressions`, which proptest replays first on every later
//! run; commit that
//! file, or put the minimal spec in `tests/fixtures/regressions/` (at the workspace root),
//! which `regression_fixtures_never_panic` runs.

// A test: its helpers may unwrap and index (the generator itself may not, see Cargo.toml).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

/// Keys and values that steer a tree towards the parts of a spec the generator reads.
const VOCABULARY: &[&str] = &[
    "openapi",
    "info",
    "title",
    "version",
    "paths",
    "components",
    "schemas",
    "parameters",
    "requestBodies",
    "responses",
    "securitySchemes",
    "servers",
    "url",
    "variables",
    "default",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "operationId",
    "summary",
    "description",
    "deprecated",
    "requestBody",
    "content",
    "schema",
    "required",
    "name",
    "in",
    "query",
    "path",
    "header",
    "cookie",
    "style",
    "explode",
    "form",
    "deepObject",
    "type",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "format",
    "int32",
    "int64",
    "date",
    "date-time",
    "password",
    "binary",
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "nullable",
    "readOnly",
    "writeOnly",
    "x-secret",
    "$ref",
    "200",
    "201",
    "204",
    "2XX",
    "404",
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data",
    "application/octet-stream",
    "http",
    "bearer",
    "apiKey",
    "scheme",
    "limit",
    "offset",
    "3.0.3",
    // OpenAPI 3.1 and JSON Schema 2020-12.
    "3.1.0",
    "webhooks",
    "pathItems",
    "jsonSchemaDialect",
    "identifier",
    "mutualTLS",
    "null",
    "const",
    "examples",
    "$defs",
    "prefixItems",
    "minItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "contentEncoding",
    "contentMediaType",
    "base64",
    "unevaluatedProperties",
    "$schema",
];

/// Strings that have broken generators: keywords, comment and doc syntax, path and `$ref`
/// syntax, odd unicode, versions, numbers as text.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "async",
    "gen",
    "Result",
    "Option",
    "Client",
    "Error",
    "additional_properties",
    "Unknown",
    "*/",
    "/*",
    "\"",
    "`",
    "\\",
    "#[x]",
    "#![x]",
    "```rust\nfn x() { nope }\n```",
    "    indented",
    "<token>",
    "[link]",
    "{",
    "}",
    "{id}",
    "/",
    "/{",
    "/a/{b}/{b}",
    "/{}",
    "#/components/schemas/",
    "#/components/schemas/Missing",
    "#/components/parameters/x",
    "#/definitions/X",
    "#/components/pathItems/A",
    "#/components/schemas/A/$defs/B",
    "https://json-schema.org/draft/2020-12/schema",
    "other.yaml#/X",
    "3.1.0",
    "2.0",
    "\u{202e}",
    "名前",
    "🐶",
    "é",
    "+1",
    "-1",
    "1e400",
    "-0",
    "null",
    "~0~1",
    "%",
    "%zz",
    "%2F",
    "\0",
    "\r\n",
    "x-ext",
    "foo_bar",
    "fooBar",
    "FooBar",
];

/// The cases of a property: `PROPTEST_CASES` when set, else `default`.
fn config(default: u32) -> ProptestConfig {
    match std::env::var("PROPTEST_CASES") {
        Ok(_) => ProptestConfig::default(),
        Err(_) => ProptestConfig::with_cases(default),
    }
}

/// The files the generator writes itself (the rest are the runtime's fixed modules).
const EMITTED: [&str; 4] = [
    "src/lib.rs",
    "src/models.rs",
    "src/enums.rs",
    "src/client.rs",
];

/// Generates from `text`, which must not panic; an `Ok` must hold Rust that parses.
fn check(text: &str) {
    // A stack overflow aborts the process before proptest can report the input: with
    // `FUZZ_LAST=<file>`, each input is written there first.
    if let Some(last) = std::env::var_os("FUZZ_LAST") {
        let _ = std::fs::write(last, text);
    }
    let options = codegen::Options::new("fuzzed", "fuzz");
    if let Ok(output) = codegen::generate(text, &options) {
        // Emitted files are parsed by `format` already; this guards that promise.
        for path in EMITTED {
            if let Some(file) = output.files.get(path) {
                if let Err(error) = syn::parse_file(file) {
                    panic!("generated {path} does not parse: {error}\n{file}");
                }
            }
        }
    }
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(VOCABULARY).prop_map(str::to_owned),
        2 => select(HOSTILE).prop_map(str::to_owned),
        1 => "[a-zA-Z_{}/ .-]{0,10}",
        1 => any::<String>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12..1e12_f64).prop_map(Value::from),
        word().prop_map(Value::String),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(word(), inner, 0..6).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A tree inside the frame of a 3.0 or a 3.1 document, so that it gets past the version
/// check; a 3.1 frame also has `webhooks` and `components/pathItems`, and may leave
/// `paths` out.
fn framed_tree() -> impl Strategy<Value = Value> {
    (
        btree_map(word(), btree_map(word(), tree(), 0..3), 0..4),
        tree(),
        any::<bool>(),
        btree_map(word(), btree_map(word(), tree(), 0..3), 0..3),
    )
        .prop_map(|(paths, schemas, v31, items)| {
            let paths: Map<String, Value> = paths
                .into_iter()
                .map(|(path, item)| {
                    (
                        format!("/{path}"),
                        Value::Object(item.into_iter().collect()),
                    )
                })
                .collect();
            if !v31 {
                return json!({
                    "openapi": "3.0.3",
                    "info": { "title": "Fuzzed", "version": "1" },
                    "paths": paths,
                    "components": { "schemas": schemas },
                });
            }
            let items: Map<String, Value> = items
                .into_iter()
                .map(|(name, item)| (name, Value::Object(item.into_iter().collect())))
                .collect();
            let mut document = json!({
                "openapi": "3.1.0",
                "info": { "title": "Fuzzed", "version": "1", "summary": "3.1" },
                "webhooks": items.clone(),
                "components": { "schemas": schemas, "pathItems": items },
            });
            if !paths.is_empty() {
                document["paths"] = Value::Object(paths);
            }
            document
        })
}

/// Writes `value` as JSON or YAML.
fn text_of(value: &Value, yaml: bool) -> String {
    if yaml {
        serde_yaml::to_string(value).unwrap_or_default()
    } else {
        value.to_string()
    }
}

proptest! {
    #![proptest_config(config(700))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..256)) {
        check(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn arbitrary_trees_never_panic(value in prop_oneof![tree(), framed_tree()], yaml in any::<bool>()) {
        check(&text_of(&value, yaml));
    }
}

// -- Mutated specs -------------------------------------------------------------------------

/// The workspace's root folder.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

/// The valid specs that mutations start from: the shipped spec, the hostile fixtures and
/// the OpenAPI 3.1 fixtures.
fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = workspace_root();
        let mut paths = vec![root.join("spec/unified-connection.yaml")];
        for folder in ["tests/fixtures/hostile", "tests/fixtures/v31"] {
            let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
                .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            fixtures.sort();
            paths.extend(
                fixtures
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")),
            );
        }
        let seeds: Vec<Value> = paths
            .iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                match serde_yaml::from_str(&text) {
                    Ok(value) => Some(value),
                    // Mutations edit a `serde_json::Value`, which cannot hold the integers
                    // beyond 64 bits that `v31/bounds.yaml` is about.
                    Err(e) if e.to_string().contains("JSON number out of range") => None,
                    Err(e) => panic!("{}: {e}", path.display()),
                }
            })
            .collect();
        assert!(
            seeds.len() > 12,
            "the hostile or the 3.1 fixtures are missing"
        );
        seeds
    })
}

/// One change to a document.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes the node from its parent.
    Delete,
    /// Puts an arbitrary tree in its place.
    Replace(Value),
    /// Puts a copy of another node (picked by the number) in its place.
    CopyFrom(usize),
    /// Turns it into a value of another JSON type.
    Retype,
    /// Puts a hostile string in its place, or adds it as a key of an object.
    Hostile(&'static str),
    /// Renames its key in the parent object.
    Rename(&'static str),
    /// Makes it a `$ref` to a schema (picked by the number among the document's own, so
    /// that cycles appear), or to a hostile target.
    Reference(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => Just(Mutation::Delete),
        2 => tree().prop_map(Mutation::Replace),
        2 => any::<usize>().prop_map(Mutation::CopyFrom),
        2 => Just(Mutation::Retype),
        2 => select(HOSTILE).prop_map(Mutation::Hostile),
        2 => select(HOSTILE).prop_map(Mutation::Rename),
        2 => (any::<usize>(), select(HOSTILE)).prop_map(|(n, s)| Mutation::Reference(n, s)),
    ]
}

/// Every JSON pointer of `value`, in document order (the root is `""`).
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// The parent's pointer and the last segment, unescaped.
fn split(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn retype(value: &Value) -> Value {
    match value {
        Value::Null => json!({}),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => Value::from(s.len()),
        Value::Array(items) => Value::Object(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
        ),
        Value::Object(map) => Value::Array(map.values().cloned().collect()),
    }
}

fn apply(doc: &mut Value, target: usize, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let pointer = all[target % all.len()].clone();
    let schemas: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let replacement = match mutation {
        Mutation::Delete | Mutation::Rename(_) => None,
        Mutation::Replace(tree) => Some(tree.clone()),
        Mutation::CopyFrom(source) => doc.pointer(&all[source % all.len()]).cloned(),
        Mutation::Retype => doc.pointer(&pointer).map(retype),
        Mutation::Hostile(text) => match doc.pointer_mut(&pointer) {
            Some(Value::Object(map)) => {
                map.insert((*text).to_owned(), json!({ "type": "string" }));
                None
            }
            _ => Some(Value::String((*text).to_owned())),
        },
        Mutation::Reference(n, text) => {
            let target = match schemas.get(n % schemas.len().max(1)) {
                Some(name) if n % 4 != 0 => format!(
                    "#/components/schemas/{}",
                    name.replace('~', "~0").replace('/', "~1")
                ),
                _ => (*text).to_owned(),
            };
            Some(json!({ "$ref": target }))
        }
    };
    match (mutation, replacement) {
        (_, Some(value)) => {
            if let Some(slot) = doc.pointer_mut(&pointer) {
                *slot = value;
            }
        }
        (Mutation::Delete, None) => {
            let Some((parent, last)) = split(&pointer) else {
                return;
            };
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = last.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
        }
        (Mutation::Rename(name), None) => {
            let Some((parent, last)) = split(&pointer) else {
                return;
            };
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                if let Some(value) = map.remove(&last) {
                    map.insert((*name).to_owned(), value);
                }
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(config(4000))]

    #[test]
    fn mutated_specs_never_panic(
        seed in any::<usize>(),
        edits in vec((any::<usize>(), mutation()), 1..6),
        yaml in any::<bool>(),
    ) {
        let seeds = seeds();
        let mut doc = seeds[seed % seeds.len()].clone();
        for (target, mutation) in &edits {
            apply(&mut doc, *target, mutation);
        }
        check(&text_of(&doc, yaml));
    }
}

/// Inputs that once made the generator panic (`tests/fixtures/regressions/` at the
/// workspace root) are run on every test run.
#[test]
fn regression_fixtures_never_panic() {
    let dir = workspace_root().join("tests/fixtures/regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let text = std::fs::read(entry.path()).unwrap_or_default();
        check(&String::from_utf8_lossy(&text));
    }
}

/// The unmutated seeds generate (so mutations start from specs that get far).
#[test]
fn seeds_generate() {
    for (index, seed) in seeds().iter().enumerate() {
        let options = codegen::Options::new("seed", "seed");
        if let Err(error) = codegen::generate(&seed.to_string(), &options) {
            panic!("seed {index} does not generate: {error}");
        }
    }
}
