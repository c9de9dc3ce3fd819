//! References between the objects around the schemas that `openapiv3` does not follow the
//! way OpenAPI means them, followed here in the skeleton (once the schemas are taken out,
//! so copies hold only references to schemas, which stay where they are written):
//!
//! - a path item that is a `$ref` (to `components/pathItems` in 3.1, or anywhere): the path
//!   item it names is copied in its place, fields written beside the `$ref` winning, so its
//!   operations are generated; problems found in the copy are reported where the document
//!   has them (see [`Diagnostics::copied`]);
//! - a Reference object with a `description` (3.1), naming a parameter or a request body,
//!   whose descriptions document the generated client: the object it names is copied in
//!   its place with that description;
//! - any other field beside a `$ref` is ignored, as OpenAPI says, with a warning.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Version, kind_of};
use crate::diagnostic::{Diagnostics, Pointer};
use crate::model::HttpMethod;

/// How many references a chain may go through before it is taken for a loop.
const MAX_HOPS: usize = 32;

/// Follows the references of path items, and those with a description, in `document`.
pub fn follow(
    document: &mut Value,
    version: Version,
    reported: &mut BTreeSet<Pointer>,
    diagnostics: &mut Diagnostics,
) {
    path_items(document, reported, diagnostics);
    for section in ["paths", "webhooks"] {
        let names: Vec<String> = match document.get(section) {
            Some(Value::Object(items)) => items.keys().cloned().collect(),
            _ => continue,
        };
        for name in names {
            let at = Pointer::root().push(section).push(&name);
            for (place, kind) in reference_places(document, &at) {
                sibling_fields(document, &place, kind, version, reported, diagnostics);
            }
        }
    }
}

/// Replaces every path item of `paths` and `webhooks` that is a `$ref` by what it names.
fn path_items(
    document: &mut Value,
    reported: &mut BTreeSet<Pointer>,
    diagnostics: &mut Diagnostics,
) {
    let mut replacements = Vec::new();
    for section in ["paths", "webhooks"] {
        let Some(Value::Object(items)) = document.get(section) else {
            continue;
        };
        for (name, item) in items {
            let Value::Object(item) = item else { continue };
            if !item.contains_key("$ref") {
                continue;
            }
            let at = Pointer::root().push(section).push(name);
            let merged = merged_path_item(document, item, &at);
            replacements.push((section, name.clone(), at, merged));
        }
    }
    for (section, name, at, merged) in replacements {
        let Some(Value::Object(items)) = document.get_mut(section) else {
            continue;
        };
        match merged {
            Ok(Merged { item, origins }) => {
                if origins.iter().any(|(_, from)| reported.contains(from)) {
                    reported.insert(at.clone());
                }
                for (key, from) in origins {
                    diagnostics.copied(at.push(&key), from.push(&key));
                }
                items.insert(name, Value::Object(item));
            }
            Err(problem) => {
                diagnostics.error(&at.push("$ref"), problem);
                items.remove(&name);
            }
        }
    }
}

/// A path item with the fields of the path items it refers to.
struct Merged {
    item: Map<String, Value>,
    /// The fields taken from another path item, with that path item's pointer.
    origins: Vec<(String, Pointer)>,
}

/// The path item `item` (at `at`) stands for: its own fields, then those of the path item
/// its `$ref` names (and so on, along a chain of references).
fn merged_path_item(
    document: &Value,
    item: &Map<String, Value>,
    at: &Pointer,
) -> Result<Merged, String> {
    let mut merged = Merged {
        item: Map::new(),
        origins: Vec::new(),
    };
    let mut current = item;
    let mut current_at = at.clone();
    let mut seen = vec![at.clone()];
    loop {
        for (key, value) in current {
            if key != "$ref" && !merged.item.contains_key(key) {
                merged.item.insert(key.clone(), value.clone());
                if current_at != *at {
                    merged.origins.push((key.clone(), current_at.clone()));
                }
            }
        }
        let Some(reference) = current.get("$ref") else {
            return Ok(merged);
        };
        let (pointer, target) = target_of(document, reference, "path item")?;
        if seen.contains(&pointer) || seen.len() > MAX_HOPS {
            return Err(format!(
                "`$ref: {}` leads back to itself; it names no path item",
                pointer_text(reference)
            ));
        }
        let Value::Object(target) = target else {
            return Err(format!(
                "`$ref: {}` points to {}, not to a path item",
                pointer_text(reference),
                kind_of(target)
            ));
        };
        seen.push(pointer.clone());
        current = target;
        current_at = pointer;
    }
}

/// The object a `$ref` value names in `document`, with its pointer.
fn target_of<'d>(
    document: &'d Value,
    reference: &Value,
    noun: &str,
) -> Result<(Pointer, &'d Value), String> {
    let Value::String(raw) = reference else {
        return Err(format!(
            "`$ref` is a reference (a string), but this one is {}",
            kind_of(reference)
        ));
    };
    let Some(pointer) = Pointer::from_ref(raw) else {
        return Err(format!(
            "`$ref: {raw}` points outside this document; external references are not \
             supported (bundle the spec into one file first)"
        ));
    };
    match document.pointer(pointer.as_json_pointer()) {
        Some(target) => Ok((pointer, target)),
        None => Err(format!(
            "`$ref: {raw}` points to a {noun} that does not exist"
        )),
    }
}

fn pointer_text(reference: &Value) -> String {
    reference.as_str().unwrap_or_default().to_owned()
}

/// What a Reference object stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Parameter,
    RequestBody,
    Response,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Self::Parameter => "parameter",
            Self::RequestBody => "request body",
            Self::Response => "response",
        }
    }
}

/// The places in the path item at `at` that may hold a Reference object: parameters,
/// request bodies and responses.
fn reference_places(document: &Value, at: &Pointer) -> Vec<(Pointer, Kind)> {
    let mut places = Vec::new();
    let Some(Value::Object(item)) = document.pointer(at.as_json_pointer()) else {
        return places;
    };
    let parameters = |owner: &Map<String, Value>, at: &Pointer, places: &mut Vec<_>| {
        if let Some(Value::Array(list)) = owner.get("parameters") {
            places
                .extend((0..list.len()).map(|i| (at.push("parameters").push(i), Kind::Parameter)));
        }
    };
    parameters(item, at, &mut places);
    for method in HttpMethod::keys() {
        let Some(Value::Object(operation)) = item.get(method) else {
            continue;
        };
        let at = at.push(method);
        parameters(operation, &at, &mut places);
        if operation.contains_key("requestBody") {
            places.push((at.push("requestBody"), Kind::RequestBody));
        }
        if let Some(Value::Object(responses)) = operation.get("responses") {
            places.extend(
                responses
                    .keys()
                    .filter(|code| !code.starts_with("x-"))
                    .map(|code| (at.push("responses").push(code), Kind::Response)),
            );
        }
    }
    places
}

/// The fields beside the `$ref` of the Reference object at `at`, if it is one: a 3.1
/// `description` of a parameter or a request body is used (the object named is copied in
/// with it); any other field is ignored, with a warning unless it only documents.
fn sibling_fields(
    document: &mut Value,
    at: &Pointer,
    kind: Kind,
    version: Version,
    reported: &BTreeSet<Pointer>,
    diagnostics: &mut Diagnostics,
) {
    let Some(Value::Object(object)) = document.pointer(at.as_json_pointer()) else {
        return;
    };
    let Some(reference) = object.get("$ref") else {
        return;
    };
    for key in object.keys() {
        if !matches!(key.as_str(), "$ref" | "summary" | "description") && !key.starts_with("x-") {
            diagnostics.warning(
                &at.push(key),
                format!(
                    "`{key}` beside `$ref` is ignored: OpenAPI allows only `summary` and \
                     `description` beside a reference (the {} it names is used as it is)",
                    kind.noun()
                ),
            );
        }
    }
    let described = matches!(kind, Kind::Parameter | Kind::RequestBody) && version == Version::V3_1;
    let Some(description) = object.get("description").filter(|_| described).cloned() else {
        return;
    };
    // Anything that goes wrong here is reported when the reference is followed.
    let Some((pointer, target)) = final_target(document, reference) else {
        return;
    };
    if reported.contains(&pointer) {
        return;
    }
    let mut copy = target.clone();
    copy.insert("description".to_owned(), description);
    if let Some(slot) = document.pointer_mut(at.as_json_pointer()) {
        *slot = Value::Object(copy);
    }
}

/// The object at the end of a chain of references, if the chain ends at one.
fn final_target<'d>(
    document: &'d Value,
    reference: &Value,
) -> Option<(Pointer, &'d Map<String, Value>)> {
    let mut reference = reference;
    for _ in 0..MAX_HOPS {
        let (pointer, target) = target_of(document, reference, "").ok()?;
        let Value::Object(target) = target else {
            return None;
        };
        match target.get("$ref") {
            Some(next) => reference = next,
            None => return Some((pointer, target)),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn followed(mut document: Value, version: Version) -> (Value, Vec<String>) {
        let mut diagnostics = Diagnostics::default();
        follow(
            &mut document,
            version,
            &mut BTreeSet::new(),
            &mut diagnostics,
        );
        let found = diagnostics
            .into_vec()
            .iter()
            .map(ToString::to_string)
            .collect();
        (document, found)
    }

    #[test]
    fn a_path_item_reference_is_replaced_by_what_it_names_own_fields_winning() {
        let (document, found) = followed(
            json!({
                "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "Own"}},
                "webhooks": {"hook": {"$ref": "#/components/pathItems/B"}},
                "components": {"pathItems": {
                    "A": {"summary": "A's", "get": {"operationId": "a"}},
                    "B": {"$ref": "#/components/pathItems/A"},
                }},
            }),
            Version::V3_1,
        );
        assert_eq!(
            document["paths"]["/a"],
            json!({"summary": "Own", "get": {"operationId": "a"}})
        );
        assert_eq!(
            document["webhooks"]["hook"],
            json!({"summary": "A's", "get": {"operationId": "a"}})
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn problems_in_a_copied_path_item_name_where_it_is_written() {
        let mut document = json!({
            "paths": {"/a": {"$ref": "#/components/pathItems/A"}},
            "components": {"pathItems": {"A": {"get": {}}}},
        });
        let mut diagnostics = Diagnostics::default();
        follow(
            &mut document,
            Version::V3_1,
            &mut BTreeSet::new(),
            &mut diagnostics,
        );
        let copy = Pointer::root().push("paths").push("/a");
        diagnostics.warning(&copy.push("get").push("responses"), "w");
        diagnostics.warning(&copy, "at the path itself");
        let pointers: Vec<String> = diagnostics
            .into_vec()
            .iter()
            .map(|d| d.pointer.to_string())
            .collect();
        assert_eq!(
            pointers,
            ["#/components/pathItems/A/get/responses", "#/paths/~1a"]
        );
    }

    #[test]
    fn path_item_references_that_lead_nowhere_are_reported() {
        let (document, found) = followed(
            json!({
                "paths": {
                    "/loop": {"$ref": "#/paths/~1loop"},
                    "/missing": {"$ref": "#/components/pathItems/Missing"},
                    "/external": {"$ref": "other.yaml#/A"},
                    "/scalar": {"$ref": "#/info/title"},
                },
                "info": {"title": "T"},
            }),
            Version::V3_0,
        );
        assert_eq!(document["paths"], json!({}));
        assert_eq!(
            found,
            [
                "error: #/paths/~1loop/$ref: `$ref: #/paths/~1loop` leads back to itself; it \
                 names no path item",
                "error: #/paths/~1missing/$ref: `$ref: #/components/pathItems/Missing` points \
                 to a path item that does not exist",
                "error: #/paths/~1external/$ref: `$ref: other.yaml#/A` points outside this \
                 document; external references are not supported (bundle the spec into one \
                 file first)",
                "error: #/paths/~1scalar/$ref: `$ref: #/info/title` points to a string, not to \
                 a path item",
            ]
        );
    }

    #[test]
    fn a_reference_description_documents_parameters_and_bodies_in_3_1_only() {
        let document = json!({
            "paths": {"/a": {"post": {
                "parameters": [{"$ref": "#/components/parameters/P", "description": "Here."}],
                "requestBody": {"$ref": "#/components/requestBodies/B", "description": "Body."},
                "responses": {"200": {"$ref": "#/components/responses/R", "required": true}},
            }}},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query", "description": "There."}},
                "requestBodies": {"B": {"content": {}}},
                "responses": {"R": {"description": "R"}},
            },
        });
        let (v31, found) = followed(document.clone(), Version::V3_1);
        assert_eq!(
            v31["paths"]["/a"]["post"]["parameters"][0],
            json!({"name": "p", "in": "query", "description": "Here."})
        );
        assert_eq!(
            v31["paths"]["/a"]["post"]["requestBody"],
            json!({"content": {}, "description": "Body."})
        );
        assert_eq!(
            found,
            [
                "warning: #/paths/~1a/post/responses/200/required: `required` beside `$ref` is \
              ignored: OpenAPI allows only `summary` and `description` beside a reference \
              (the response it names is used as it is)"
            ]
        );
        let (v30, _) = followed(document.clone(), Version::V3_0);
        assert_eq!(v30["paths"], document["paths"]);
    }
}
