//! Reading the JSON value as OpenAPI 3.0, piece by piece.
//!
//! serde stops at the first mismatch, and inside openapiv3's flattened maps (all of
//! `paths`, an operation's `responses`) and untagged enums it loses the location. So the
//! document is read in pieces (the root, each path item, each `components` entry), every
//! malformed piece is reported, and a path item that does not read is searched again one
//! level down (its operations, then their responses) for a more precise location.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Operation, PathItem, Paths, ReferenceOr, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::kind_of;
use crate::diagnostic::{Diagnostic, Diagnostics, Pointer};
use crate::model::HttpMethod;

/// Reads the document. `reported` are pieces whose problems are already reported: they
/// are skipped. `None` when any piece has an error.
pub fn document(
    value: &Value,
    reported: &BTreeSet<Pointer>,
    diagnostics: &mut Diagnostics,
) -> Option<OpenAPI> {
    let root = Pointer::root();
    let errors_before = diagnostics.error_count();
    let object = value.as_object()?;
    // The root is read without its two big parts, which are read piece by piece below.
    let mut top: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "paths" | "components" | "webhooks"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    top.insert("paths".to_owned(), Value::Object(Map::new()));
    let spec = parse::<OpenAPI>(&Value::Object(top), &root)
        .map_err(|d| diagnostics.push_diagnostic(d))
        .ok();
    let paths = match object.get("paths") {
        Some(paths) => read_paths(paths, reported, diagnostics),
        None => Paths::default(),
    };
    let components = match object.get("components") {
        None | Some(Value::Null) => None,
        Some(components) => Some(read_components(components, reported, diagnostics)),
    };
    let mut spec = spec?;
    if diagnostics.error_count() > errors_before {
        return None;
    }
    spec.paths = paths;
    spec.components = components;
    Some(spec)
}

fn read_paths(value: &Value, reported: &BTreeSet<Pointer>, diagnostics: &mut Diagnostics) -> Paths {
    let at = Pointer::root().push("paths");
    let mut paths = Paths::default();
    let Value::Object(entries) = value else {
        diagnostics.error(
            &at,
            format!(
                "`paths` maps paths to path items, but this one is {}",
                kind_of(value)
            ),
        );
        return paths;
    };
    for (path, item) in entries {
        let pointer = at.push(path);
        if path.starts_with("x-") || reported.contains(&pointer) {
            continue;
        }
        if !path.starts_with('/') {
            diagnostics.warning(&pointer, "not a path (paths start with `/`); ignored");
            continue;
        }
        match diagnose::<ReferenceOr<PathItem>>(item, &pointer, path_item_detail) {
            Ok(item) => {
                paths.paths.insert(path.clone(), item);
            }
            Err(found) => found
                .into_iter()
                .for_each(|d| diagnostics.push_diagnostic(d)),
        }
    }
    paths
}

fn read_components(
    value: &Value,
    reported: &BTreeSet<Pointer>,
    diagnostics: &mut Diagnostics,
) -> Components {
    let at = Pointer::root().push("components");
    let Value::Object(sections) = value else {
        diagnostics.error(
            &at,
            format!(
                "`components` is a mapping, but this one is {}",
                kind_of(value)
            ),
        );
        return Components::default();
    };
    let mut reader = Sections {
        sections,
        at,
        reported,
        diagnostics,
    };
    Components {
        // Schemas are read by this crate's own reader (see `skeleton.rs`).
        schemas: IndexMap::new(),
        responses: reader.section("responses"),
        parameters: reader.section("parameters"),
        examples: reader.section("examples"),
        request_bodies: reader.section("requestBodies"),
        headers: reader.section("headers"),
        security_schemes: reader.section("securitySchemes"),
        links: reader.section("links"),
        callbacks: reader.section("callbacks"),
        extensions: IndexMap::new(),
    }
}

/// Reads the sections of `components`, entry by entry.
struct Sections<'a> {
    sections: &'a Map<String, Value>,
    at: Pointer,
    reported: &'a BTreeSet<Pointer>,
    diagnostics: &'a mut Diagnostics,
}

impl Sections<'_> {
    fn section<T: DeserializeOwned>(&mut self, key: &str) -> IndexMap<String, ReferenceOr<T>> {
        let at = self.at.push(key);
        let entries = match self.sections.get(key) {
            None | Some(Value::Null) => return IndexMap::new(),
            Some(Value::Object(entries)) => entries,
            Some(other) => {
                self.diagnostics.error(
                    &at,
                    format!(
                        "`{key}` maps names to definitions, but this one is {}",
                        kind_of(other)
                    ),
                );
                return IndexMap::new();
            }
        };
        let mut read = IndexMap::new();
        for (name, entry) in entries {
            let pointer = at.push(name);
            if self.reported.contains(&pointer) {
                continue;
            }
            match diagnose(entry, &pointer, no_detail) {
                Ok(item) => {
                    read.insert(name.clone(), item);
                }
                Err(found) => found
                    .into_iter()
                    .for_each(|d| self.diagnostics.push_diagnostic(d)),
            }
        }
        read
    }
}

/// Reads `value` as `T`; when it does not read, `detail` looks for more precise
/// locations, and serde's own message is kept when it finds none.
fn diagnose<T: DeserializeOwned>(
    value: &Value,
    at: &Pointer,
    detail: fn(&Value, &Pointer) -> Vec<Diagnostic>,
) -> Result<T, Vec<Diagnostic>> {
    parse(value, at).map_err(|general| {
        let precise = detail(value, at);
        if precise.is_empty() {
            vec![general]
        } else {
            precise
        }
    })
}

/// The problems of a path item's operations, each read on its own.
fn path_item_detail(value: &Value, at: &Pointer) -> Vec<Diagnostic> {
    let Value::Object(item) = value else {
        return Vec::new();
    };
    item.iter()
        .filter(|(key, _)| HttpMethod::is_key(key))
        .filter_map(|(key, operation)| {
            diagnose::<Operation>(operation, &at.push(key), operation_detail).err()
        })
        .flatten()
        .collect()
}

/// The problems of an operation's pieces, each read on its own: its request body and its
/// responses (serde loses the location inside `responses`, a flattened map).
fn operation_detail(value: &Value, at: &Pointer) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(body) = value.get("requestBody") {
        found.extend(
            diagnose::<ReferenceOr<openapiv3::RequestBody>>(
                body,
                &at.push("requestBody"),
                no_detail,
            )
            .err()
            .into_iter()
            .flatten(),
        );
    }
    if let Some(Value::Object(responses)) = value.get("responses") {
        let at = at.push("responses");
        for (code, response) in responses.iter().filter(|(code, _)| !code.starts_with("x-")) {
            found.extend(
                diagnose::<ReferenceOr<Response>>(response, &at.push(code), no_detail)
                    .err()
                    .into_iter()
                    .flatten(),
            );
        }
    }
    found
}

/// For pieces where serde's location is precise enough.
fn no_detail(_: &Value, _: &Pointer) -> Vec<Diagnostic> {
    Vec::new()
}

/// Reads `value` as `T`, or says where below `at` and why it does not fit.
fn parse<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let pointer = below(at, error.path());
        Diagnostic::error(&pointer, format!("not valid OpenAPI: {}", error.inner()))
    })
}

/// The JSON pointer of a serde path, below `at`.
fn below(at: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter()
        .fold(at.clone(), |pointer, segment| match segment {
            Segment::Seq { index } => pointer.push(index),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            Segment::Unknown => pointer,
        })
}
