//! Reading a spec: YAML or JSON text to `openapiv3::OpenAPI` and the document's schemas.
//!
//! The text is first read into a plain JSON value, so that the document's kind can be
//! checked (OpenAPI 3.0 and 3.1 are read; Swagger 2.0 and later versions are refused with
//! a clear message), so that common real-world slips whose intent is clear can be
//! repaired (each repair reported as a warning naming its location), and so that mistakes
//! serde would describe badly (a parameter without a schema) are reported in plain words
//! first. Schemas are read by this crate's own reader, for both versions alike; what is
//! left, the skeleton, is adapted where 3.1 differs from 3.0 (`document.rs`,
//! `references.rs`) and read by `openapiv3`, piece by piece, so that every malformed piece
//! is reported with its location, not only the first.

mod document;
mod keywords;
mod parameters;
mod read;
mod references;
pub mod schema;
mod skeleton;
mod text;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, Pointer};
use schema::Schemas;

/// The version of OpenAPI a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0.x.
    V3_0,
    /// OpenAPI 3.1.x, whose schemas are JSON Schema 2020-12.
    V3_1,
}

/// A document as read: its skeleton, read by `openapiv3` with every schema replaced by a
/// reference to its own place, and its schemas.
pub struct Document {
    /// The version it is written in.
    pub version: Version,
    /// The document without its schemas.
    pub spec: OpenAPI,
    /// Every schema of the document, by pointer.
    pub schemas: Schemas,
    /// The skeleton as JSON, to read objects that a `$ref` names anywhere in the document.
    pub skeleton: Value,
}

/// Reads `text` as an OpenAPI 3.0 or 3.1 document, repairing what can be repaired.
pub fn load(text: &str, diagnostics: &mut Diagnostics) -> Option<Document> {
    let mut value = match text::read(text) {
        Ok(value) => value,
        Err(error) => {
            // serde_yaml's message already gives the line and column.
            diagnostics.error(&Pointer::root(), format!("not valid YAML or JSON: {error}"));
            return None;
        }
    };
    let version = check_version(&value, diagnostics)?;
    check_depth(&value, diagnostics)?;
    document::check(&value, version, diagnostics);
    let mut reported = parameters::review(&mut value, diagnostics);
    let positions = skeleton::positions(&value);
    let schemas = read_schemas(&value, &positions, diagnostics);
    skeleton::strip(&mut value, &positions);
    references::follow(&mut value, version, &mut reported, diagnostics);
    document::adapt(&mut value, version, diagnostics);
    let spec = read::document(&value, &reported, diagnostics)?;
    Some(Document {
        version,
        spec,
        schemas,
        skeleton: value,
    })
}

/// Reads every schema: the components, then those written in place.
fn read_schemas(
    document: &Value,
    positions: &skeleton::Positions,
    diagnostics: &mut Diagnostics,
) -> Schemas {
    let mut reader = keywords::Reader::new(document, diagnostics);
    for (name, pointer) in &positions.all {
        let Some(value) = document.pointer(pointer.as_json_pointer()) else {
            continue;
        };
        match name {
            Some(name) => reader.component(name, value, pointer),
            None => {
                reader.read(value, pointer);
            }
        }
    }
    reader.finish()
}

/// The version of the document, or `None` (reported) when it is not OpenAPI 3.0 or 3.1:
/// not an object, Swagger 2.0, OpenAPI 3.2 or later.
fn check_version(value: &Value, diagnostics: &mut Diagnostics) -> Option<Version> {
    let root = Pointer::root();
    let Some(object) = value.as_object() else {
        diagnostics.error(
            &root,
            format!(
                "an OpenAPI document is a mapping, but this one is {}",
                kind_of(value)
            ),
        );
        return None;
    };
    if let Some(swagger) = object.get("swagger") {
        diagnostics.push_diagnostic(Diagnostic::error(
            &root.push("swagger"),
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are supported (convert \
                 it first, e.g. with swagger2openapi)",
                display_scalar(swagger)
            ),
        ));
        return None;
    }
    let pointer = root.push("openapi");
    let version = match object.get("openapi") {
        None => {
            diagnostics.error(
                &pointer,
                "missing: the `openapi` field must give the version, 3.0.x or 3.1.x",
            );
            return None;
        }
        Some(Value::String(version)) => version,
        Some(Value::Number(number)) => {
            diagnostics.error(
                &pointer,
                format!(
                    "the version is a string such as `3.1.0`, but this is the number {number} \
                     (write it with its patch number, or quote it)"
                ),
            );
            return None;
        }
        Some(other) => {
            diagnostics.error(
                &pointer,
                format!(
                    "the version is a string such as `3.1.0`, but this is {}",
                    kind_of(other)
                ),
            );
            return None;
        }
    };
    let mut numbers = version.split(['.', '-', '+']);
    match (numbers.next(), numbers.next()) {
        (Some("3"), Some("0")) => Some(Version::V3_0),
        (Some("3"), Some("1")) => Some(Version::V3_1),
        _ => {
            diagnostics.error(
                &pointer,
                format!(
                    "OpenAPI {} is not supported; only 3.0.x and 3.1.x documents can be read",
                    version.replace('`', "'")
                ),
            );
            None
        }
    }
}

/// How deeply a document may nest. Reading a schema takes a lot of stack per level
/// (openapiv3 reads schemas through flattened and untagged enums), and a debug build on a
/// 2 MiB thread runs out near 75 levels; real API descriptions stay under 20.
const MAX_DEPTH: usize = 48;

/// Refuses a document that nests deeper than [`MAX_DEPTH`], which could otherwise
/// overflow the stack; walks with a stack of its own, so any depth is measured safely.
/// The pointer of the place is only made for a document that is too deep.
fn check_depth(document: &Value, diagnostics: &mut Diagnostics) -> Option<()> {
    let mut stack = vec![(document, 0_usize)];
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            report_depth(value_too_deep(document), diagnostics);
            return None;
        }
        match value {
            Value::Object(map) => stack.extend(map.values().map(|child| (child, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|child| (child, depth + 1))),
            _ => {}
        }
    }
    Some(())
}

/// The pointer of the first place, in the order [`check_depth`] walks, deeper than
/// [`MAX_DEPTH`] in `document`.
fn value_too_deep(document: &Value) -> Pointer {
    let mut stack = vec![(document, Pointer::root(), 0_usize)];
    while let Some((value, pointer, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return pointer;
        }
        match value {
            Value::Object(map) => {
                stack.extend(
                    map.iter()
                        .map(|(key, child)| (child, pointer.push(key), depth + 1)),
                );
            }
            Value::Array(items) => {
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, child)| (child, pointer.push(index), depth + 1)),
                );
            }
            _ => {}
        }
    }
    Pointer::root()
}

/// Reports a document nesting deeper than [`MAX_DEPTH`] at `pointer`.
fn report_depth(pointer: Pointer, diagnostics: &mut Diagnostics) {
    diagnostics.error(
        &pointer,
        format!(
            "the document nests more than {MAX_DEPTH} levels deep here; the generator reads at \
             most {MAX_DEPTH}"
        ),
    );
}

/// What kind of JSON value `value` is, with its article, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a mapping",
    }
}

fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
