//! Reading a spec: YAML or JSON text to `openapiv3::OpenAPI`.
//!
//! The text is first read into a plain JSON value, so that the document's kind can be
//! checked (Swagger 2.0 and OpenAPI 3.1 are refused with a clear message), so that common
//! real-world slips whose intent is clear can be repaired (each repair reported as a
//! warning naming its location), and so that mistakes serde would describe badly (a
//! parameter without a schema) are reported in plain words first. Only then is the value
//! read as OpenAPI 3.0, piece by piece, so that every malformed piece is reported with its
//! location, not only the first.

mod keywords;
mod parameters;
mod read;
pub mod schema;
mod skeleton;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, Pointer};
use schema::Schemas;

/// A document as read: its skeleton, read by `openapiv3` with every schema replaced by a
/// reference to its own place, and its schemas.
pub struct Document {
    /// The document without its schemas.
    pub spec: OpenAPI,
    /// Every schema of the document, by pointer.
    pub schemas: Schemas,
    /// The skeleton as JSON, to read objects that a `$ref` names anywhere in the document.
    pub skeleton: Value,
}

/// Reads `text` as an OpenAPI 3.0 document, repairing what can be repaired.
pub fn load(text: &str, diagnostics: &mut Diagnostics) -> Option<Document> {
    let mut value: Value = match serde_yaml::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            // serde_yaml's message already gives the line and column.
            diagnostics.error(&Pointer::root(), format!("not valid YAML or JSON: {error}"));
            return None;
        }
    };
    check_version(&value, diagnostics)?;
    check_depth(&value, diagnostics)?;
    if value.get("paths").is_none() {
        diagnostics.error(
            &Pointer::root().push("paths"),
            "missing: an OpenAPI 3.0 document has `paths` (it may be empty, `paths: {}`)",
        );
    }
    let reported = parameters::review(&mut value, diagnostics);
    let positions = skeleton::positions(&value);
    let schemas = read_schemas(&value, &positions, diagnostics);
    skeleton::strip(&mut value, &positions);
    let spec = read::document(&value, &reported, diagnostics)?;
    Some(Document {
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

/// Refuses what is not OpenAPI 3.0: not an object, Swagger 2.0, OpenAPI 3.1 or later.
fn check_version(value: &Value, diagnostics: &mut Diagnostics) -> Option<()> {
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
                "this is a Swagger {} document; only OpenAPI 3.0 is supported (convert it first, \
                 e.g. with swagger2openapi)",
                display_scalar(swagger)
            ),
        ));
        return None;
    }
    let pointer = root.push("openapi");
    match object.get("openapi") {
        None => {
            diagnostics.error(
                &pointer,
                "missing: the `openapi` field must give the version, 3.0.x",
            );
            None
        }
        Some(Value::String(version)) if version.starts_with("3.0") => Some(()),
        Some(other) => {
            diagnostics.error(
                &pointer,
                format!(
                    "OpenAPI {} is not supported; only 3.0.x documents can be read",
                    display_scalar(other)
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
fn check_depth(value: &Value, diagnostics: &mut Diagnostics) -> Option<()> {
    let mut stack = vec![(value, Pointer::root(), 0_usize)];
    while let Some((value, pointer, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            diagnostics.error(
                &pointer,
                format!(
                    "the document nests more than {MAX_DEPTH} levels deep here; the generator \
                     reads at most {MAX_DEPTH}"
                ),
            );
            return None;
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
    Some(())
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
