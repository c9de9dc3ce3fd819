//! The places where the OpenAPI object model holds a Schema object, and the document's
//! skeleton without them.
//!
//! Schemas are read by this crate's own reader (`keywords.rs`), which knows OpenAPI 3.0
//! and 3.1 schemas alike; the rest of the document (paths, operations, parameters, bodies,
//! responses, security schemes) is read by `openapiv3`. So before `openapiv3` reads the
//! document, every schema in it is replaced by a `$ref` to its own place: `openapiv3` sees
//! only references, and lowering finds each schema by that pointer.

use serde_json::{Map, Value};

use crate::diagnostic::Pointer;
use crate::model::HttpMethod;

/// Where the schemas of a document are.
#[derive(Debug, Default)]
pub struct Positions {
    /// Every schema the object model holds, in document order: `components/schemas`
    /// entries with their name, and the places that hold one in place (a parameter's, a
    /// header's, a media type's `schema`).
    pub all: Vec<(Option<String>, Pointer)>,
    /// The places that hold a schema in place.
    pub inline: Vec<Pointer>,
}

/// Finds the schemas of `document`.
pub fn positions(document: &Value) -> Positions {
    let mut found = Positions::default();
    let root = Pointer::root();
    let Value::Object(top) = document else {
        return found;
    };
    for (key, section) in top {
        match (key.as_str(), section) {
            ("paths" | "webhooks", Value::Object(items)) => {
                for (name, item) in items {
                    path_item(item, &root.push(key).push(name), &mut found);
                }
            }
            ("components", Value::Object(components)) => {
                in_components(components, &root.push("components"), &mut found);
            }
            _ => {}
        }
    }
    found
}

impl Positions {
    fn inline(&mut self, pointer: Pointer) {
        self.all.push((None, pointer.clone()));
        self.inline.push(pointer);
    }
}

/// Replaces every inline schema of `document` by a `$ref` to its own place, and removes
/// `components/schemas`: what is left is read by `openapiv3`.
pub fn strip(document: &mut Value, positions: &Positions) {
    for pointer in &positions.inline {
        if let Some(slot) = document.pointer_mut(pointer.as_json_pointer()) {
            // `%` is escaped, as a `$ref` is a URI fragment whose `%xx` escapes are decoded.
            let reference = format!("#{}", pointer.as_json_pointer().replace('%', "%25"));
            let mut object = Map::new();
            object.insert("$ref".to_owned(), Value::String(reference));
            *slot = Value::Object(object);
        }
    }
    if let Some(Value::Object(components)) = document.get_mut("components") {
        components.remove("schemas");
    }
}

/// Finds the schemas of one kind of object.
type Walk = fn(&Value, &Pointer, &mut Positions);

fn in_components(components: &Map<String, Value>, at: &Pointer, found: &mut Positions) {
    let entries = |key: &str| match components.get(key) {
        Some(Value::Object(entries)) => Some((entries, at.push(key))),
        _ => None,
    };
    if let Some((schemas, at)) = entries("schemas") {
        found.all.extend(
            schemas
                .keys()
                .map(|name| (Some(name.clone()), at.push(name))),
        );
    }
    let sections: [(&str, Walk); 6] = [
        ("parameters", parameter),
        ("headers", parameter),
        ("requestBodies", with_content),
        ("responses", response),
        ("callbacks", callback),
        ("pathItems", path_item),
    ];
    for (key, walk) in sections {
        if let Some((entries, at)) = entries(key) {
            for (name, entry) in entries {
                walk(entry, &at.push(name), found);
            }
        }
    }
}

fn path_item(item: &Value, at: &Pointer, found: &mut Positions) {
    let Value::Object(item) = item else { return };
    if let Some(Value::Array(parameters)) = item.get("parameters") {
        for (index, param) in parameters.iter().enumerate() {
            parameter(param, &at.push("parameters").push(index), found);
        }
    }
    for method in HttpMethod::keys() {
        if let Some(operation) = item.get(method) {
            in_operation(operation, &at.push(method), found);
        }
    }
}

fn in_operation(operation: &Value, at: &Pointer, found: &mut Positions) {
    if let Some(Value::Array(parameters)) = operation.get("parameters") {
        for (index, param) in parameters.iter().enumerate() {
            parameter(param, &at.push("parameters").push(index), found);
        }
    }
    if let Some(body) = operation.get("requestBody") {
        with_content(body, &at.push("requestBody"), found);
    }
    if let Some(Value::Object(responses)) = operation.get("responses") {
        for (code, entry) in responses {
            response(entry, &at.push("responses").push(code), found);
        }
    }
    if let Some(Value::Object(callbacks)) = operation.get("callbacks") {
        for (name, entry) in callbacks {
            callback(entry, &at.push("callbacks").push(name), found);
        }
    }
}

/// A parameter or a header: a `schema`, or a `content` map.
fn parameter(param: &Value, at: &Pointer, found: &mut Positions) {
    if let Some(Value::Object(_)) = param.get("schema") {
        found.inline(at.push("schema"));
    }
    with_content(param, at, found);
}

fn response(entry: &Value, at: &Pointer, found: &mut Positions) {
    if let Some(Value::Object(headers)) = entry.get("headers") {
        for (name, header) in headers {
            parameter(header, &at.push("headers").push(name), found);
        }
    }
    with_content(entry, at, found);
}

fn callback(entry: &Value, at: &Pointer, found: &mut Positions) {
    let Value::Object(expressions) = entry else {
        return;
    };
    for (expression, item) in expressions {
        path_item(item, &at.push(expression), found);
    }
}

/// The media types of an object's `content`: each one's `schema`, and the headers of its
/// `encoding` entries.
fn with_content(owner: &Value, at: &Pointer, found: &mut Positions) {
    let Some(Value::Object(content)) = owner.get("content") else {
        return;
    };
    for (media_type, media) in content {
        let at = at.push("content").push(media_type);
        if let Some(Value::Object(_) | Value::Bool(_)) = media.get("schema") {
            found.inline(at.push("schema"));
        }
        let Some(Value::Object(encodings)) = media.get("encoding") else {
            continue;
        };
        for (property, encoding) in encodings {
            let Some(Value::Object(headers)) = encoding.get("headers") else {
                continue;
            };
            for (name, header) in headers {
                parameter(
                    header,
                    &at.push("encoding")
                        .push(property)
                        .push("headers")
                        .push(name),
                    found,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_found_where_the_object_model_has_them_and_nowhere_else() {
        let document: Value = serde_json::from_str(
            r##"{
              "paths": {
                "/a": {
                  "parameters": [{"name": "p", "in": "query", "schema": {"type": "string"}}],
                  "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"},
                      "example": {"schema": {"type": "not a schema"}}}}},
                    "responses": {"200": {"headers": {"X-Rate": {"schema": {"type": "integer"}}},
                      "content": {"text/plain": {"schema": {"type": "string"}}}}}
                  }
                }
              },
              "components": {
                "schemas": {"Pet": {"type": "object"}},
                "parameters": {"schema": {"name": "schema", "in": "query", "schema": {"type": "string"}}}
              }
            }"##,
        )
        .unwrap();
        let found = positions(&document);
        let inline: Vec<String> = found.inline.iter().map(ToString::to_string).collect();
        assert_eq!(
            inline,
            [
                "#/paths/~1a/parameters/0/schema",
                "#/paths/~1a/post/requestBody/content/application~1json/schema",
                "#/paths/~1a/post/responses/200/headers/X-Rate/schema",
                "#/paths/~1a/post/responses/200/content/text~1plain/schema",
                "#/components/parameters/schema/schema",
            ]
        );
        assert_eq!(
            found.all.iter().filter(|(name, _)| name.is_some()).count(),
            1
        );

        let mut skeleton = document.clone();
        strip(&mut skeleton, &found);
        assert_eq!(
            skeleton.pointer("/paths/~1a/parameters/0/schema"),
            Some(&serde_json::json!({"$ref": "#/paths/~1a/parameters/0/schema"}))
        );
        assert!(skeleton.pointer("/components/schemas").is_none());
        assert_eq!(
            skeleton.pointer("/paths/~1a/post/requestBody/content/application~1json/example"),
            document.pointer("/paths/~1a/post/requestBody/content/application~1json/example")
        );
    }
}
