//! Reading a spec: YAML or JSON text to `openapiv3::OpenAPI`.
//!
//! The text is first read into a plain JSON value, so that the document's kind can be
//! checked (Swagger 2.0 and OpenAPI 3.1 are refused with a clear message) and so that
//! common real-world slips whose intent is clear can be repaired, each repair reported as a
//! warning naming its location. Only then is the value read as OpenAPI 3.0, with the
//! location of any mismatch.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, Pointer};

/// Reads `text` as an OpenAPI 3.0 document, repairing what can be repaired.
pub fn load(text: &str, diagnostics: &mut Diagnostics) -> Option<OpenAPI> {
    let mut value: Value = match serde_yaml::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let at = error
                .location()
                .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
                .unwrap_or_default();
            diagnostics.error(&Pointer::root(), format!("not valid YAML or JSON{at}: {error}"));
            return None;
        }
    };
    check_version(&value, diagnostics)?;
    repair(&mut value, diagnostics);
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(api) => Some(api),
        Err(error) => {
            let pointer = pointer_of(error.path());
            diagnostics
                .error(&pointer, format!("not a valid OpenAPI 3.0 document here: {}", error.inner()));
            None
        }
    }
}

/// Refuses what is not OpenAPI 3.0: not an object, Swagger 2.0, OpenAPI 3.1 or later.
fn check_version(value: &Value, diagnostics: &mut Diagnostics) -> Option<()> {
    let root = Pointer::root();
    let Some(object) = value.as_object() else {
        let kind = match value {
            Value::Null => "empty",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        diagnostics.error(&root, format!("an OpenAPI document is a mapping, but this one is {kind}"));
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
            diagnostics.error(&pointer, "missing: the `openapi` field must give the version, 3.0.x");
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

fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Repairs slips whose intent is clear, with a warning for each.
///
/// - A parameter with both a `schema` and schema keywords beside it (`type`, `items`,
///   `enum`, ...), as Swagger 2.0 wrote them: the stray keywords are dropped, the `schema`
///   is what counts.
fn repair(value: &mut Value, diagnostics: &mut Diagnostics) {
    const STRAY: &[&str] = &["type", "items", "enum", "format", "default", "collectionFormat"];
    let paths = Pointer::root().push("paths");
    let Some(Value::Object(items)) = value.get_mut("paths") else { return };
    for (path, item) in items.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let item_pointer = paths.push(path);
        for (key, operation) in item.iter_mut() {
            let (params, pointer) = if key == "parameters" {
                (Some(operation), item_pointer.push("parameters"))
            } else {
                (operation.get_mut("parameters"), item_pointer.push(key).push("parameters"))
            };
            let Some(Value::Array(params)) = params else { continue };
            for (index, param) in params.iter_mut().enumerate() {
                let Some(param) = param.as_object_mut() else { continue };
                if !param.contains_key("schema") {
                    continue;
                }
                let stray: Vec<&str> =
                    STRAY.iter().copied().filter(|k| param.contains_key(*k)).collect();
                if stray.is_empty() {
                    continue;
                }
                for key in &stray {
                    param.remove(*key);
                }
                diagnostics.warning(
                    &pointer.push(index),
                    format!(
                        "`{}` beside `schema` is not OpenAPI 3.0 (it is Swagger 2.0 style); ignored, \
                         the `schema` is used",
                        stray.join("`, `")
                    ),
                );
            }
        }
    }
}

/// The JSON pointer of a serde path.
fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.push(index),
        Segment::Map { key } => pointer.push(key),
        Segment::Enum { variant } => pointer.push(variant),
        Segment::Unknown => pointer,
    })
}
