//! Parameter objects as written, before serde reads them.
//!
//! Parameters are where hand-written and converted specs go wrong most often, and where
//! serde explains it worst: openapiv3 reads a parameter through a tagged enum and a
//! flattened schema-or-content enum, so a parameter without a `schema` fails as "no
//! variant of enum ParameterSchemaOrContent found in flattened data", at no useful
//! location. So every parameter object is looked at here first: slips whose intent is clear
//! are repaired with a warning, and the rest are reported in plain words at their pointer.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::kind_of;
use crate::diagnostic::{Diagnostics, Pointer};
use crate::model::HttpMethod;

/// Where a parameter can travel.
const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

/// Schema keywords that Swagger 2.0 wrote on the parameter itself.
const STRAY: [&str; 6] = [
    "type",
    "items",
    "enum",
    "format",
    "default",
    "collectionFormat",
];

/// Repairs and checks every parameter object of the document.
///
/// Returns the pieces of the document (path items and `components/parameters` entries)
/// that hold a parameter with a reported problem: reading them again would only repeat
/// the problem in serde's words.
pub fn review(value: &mut Value, diagnostics: &mut Diagnostics) -> BTreeSet<Pointer> {
    let mut reported = BTreeSet::new();
    for Found { param, at, owner } in parameters_mut(value) {
        if param.contains_key("$ref") {
            continue;
        }
        repair_stray_keywords(param, &at, diagnostics);
        for problem in problems(param) {
            diagnostics.error(&at, problem);
            reported.insert(owner.clone());
        }
    }
    reported
}

/// A parameter object found in the document.
struct Found<'v> {
    param: &'v mut Map<String, Value>,
    /// The parameter's own pointer.
    at: Pointer,
    /// The piece that is read as a whole: its path item or its components entry.
    owner: Pointer,
}

/// Every parameter object: those of path items and operations, and
/// `components/parameters`.
fn parameters_mut(value: &mut Value) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    let Some(root) = value.as_object_mut() else {
        return found;
    };
    for (key, section) in root.iter_mut() {
        match (key.as_str(), section) {
            ("paths", Value::Object(paths)) => {
                for (path, item) in paths.iter_mut().filter(|(path, _)| path.starts_with('/')) {
                    in_path_item(path, item, &mut found);
                }
            }
            ("components", Value::Object(components)) => {
                let Some(Value::Object(params)) = components.get_mut("parameters") else {
                    continue;
                };
                let base = Pointer::root().push("components").push("parameters");
                for (name, param) in params.iter_mut() {
                    if let Value::Object(param) = param {
                        let at = base.push(name);
                        found.push(Found {
                            param,
                            owner: at.clone(),
                            at,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn in_path_item<'v>(path: &str, item: &'v mut Value, found: &mut Vec<Found<'v>>) {
    let owner = Pointer::root().push("paths").push(path);
    let Value::Object(item) = item else { return };
    for (key, value) in item.iter_mut() {
        let (list, at) = if key == "parameters" {
            (Some(value), owner.push("parameters"))
        } else if HttpMethod::is_key(key) {
            (
                value.get_mut("parameters"),
                owner.push(key).push("parameters"),
            )
        } else {
            continue;
        };
        let Some(Value::Array(list)) = list else {
            continue;
        };
        for (index, param) in list.iter_mut().enumerate() {
            if let Value::Object(param) = param {
                found.push(Found {
                    param,
                    at: at.push(index),
                    owner: owner.clone(),
                });
            }
        }
    }
}

/// A parameter with both a `schema` and schema keywords beside it (`type`, `items`,
/// `enum`, ...), as Swagger 2.0 wrote them: the stray keywords are dropped, the `schema`
/// is what counts.
fn repair_stray_keywords(
    param: &mut Map<String, Value>,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) {
    if !param.contains_key("schema") {
        return;
    }
    let stray: Vec<&str> = STRAY
        .into_iter()
        .filter(|k| param.contains_key(*k))
        .collect();
    if stray.is_empty() {
        return;
    }
    for key in &stray {
        param.remove(*key);
    }
    diagnostics.warning(
        at,
        format!(
            "`{}` beside `schema` is not OpenAPI 3.0 (it is Swagger 2.0 style); ignored, the \
             `schema` is used",
            stray.join("`, `")
        ),
    );
}

/// What is wrong with a parameter object, in plain words.
fn problems(param: &Map<String, Value>) -> Vec<String> {
    let mut problems = Vec::new();
    let label = match param.get("name") {
        Some(Value::String(name)) => format!("parameter `{}`", name.replace('`', "'")),
        Some(other) => {
            problems.push(format!(
                "a parameter's `name` is a string, but this one is {}",
                kind_of(other)
            ));
            "the parameter".to_owned()
        }
        None => {
            problems.push("the parameter has no `name`".to_owned());
            "the parameter".to_owned()
        }
    };
    match param.get("in") {
        Some(Value::String(location)) if LOCATIONS.contains(&location.as_str()) => {}
        Some(Value::String(location)) if location == "body" || location == "formData" => {
            problems.push(format!(
                "{label} is `in: {location}`, which is Swagger 2.0; in OpenAPI 3.0 the operation's \
                 `requestBody` describes the body"
            ));
        }
        Some(Value::String(location)) => problems.push(format!(
            "{label} has `in: {}`; it must be `path`, `query`, `header` or `cookie`",
            location.replace('`', "'")
        )),
        Some(other) => problems.push(format!(
            "{label} has an `in` that is {}; it must be `path`, `query`, `header` or `cookie`",
            kind_of(other)
        )),
        None => problems.push(format!(
            "{label} has no `in`: say where it travels (`path`, `query`, `header` or `cookie`)"
        )),
    }
    match (param.contains_key("schema"), param.contains_key("content")) {
        (false, false) => problems.push(format!(
            "{label} has neither `schema` nor `content`; give it a `schema` (for example \
             `schema: {{ type: string }}`)"
        )),
        (true, true) => problems.push(format!(
            "{label} has both `schema` and `content`; OpenAPI 3.0 allows only one of them"
        )),
        _ => {}
    }
    problems
}
