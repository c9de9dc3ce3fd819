//! Reading one schema object, keyword by keyword, into a [`Schema`]; and following `$ref`s
//! to wherever in the document they point.

use serde_json::{Map, Value};

use super::kind_of;
use super::schema::{Additional, Discriminator, JsonType, Reference, Schema, SchemaId, Schemas};
use crate::diagnostic::{Diagnostics, Pointer};
use crate::model::Bound;

/// Keywords that only annotate or validate values of a type the other keywords decide:
/// accepted, and not needed to choose a Rust type.
const ACCEPTED: [&str; 17] = [
    "$id",
    "$comment",
    "$anchor",
    "$dynamicAnchor",
    "$vocabulary",
    "xml",
    "externalDocs",
    "multipleOf",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "dependentRequired",
    "contentSchema",
];

/// Keywords that would change the type of a value, which the generator does not model:
/// read past with a warning saying what is lost.
const UNSUPPORTED: [(&str, &str); 8] = [
    (
        "patternProperties",
        "properties matching a pattern are kept untyped with the other undeclared properties",
    ),
    (
        "if",
        "conditional schemas are not typed; the `then`/`else` branches are ignored",
    ),
    (
        "then",
        "conditional schemas are not typed; this branch is ignored",
    ),
    (
        "else",
        "conditional schemas are not typed; this branch is ignored",
    ),
    (
        "dependentSchemas",
        "schemas that depend on a property's presence are not typed",
    ),
    (
        "unevaluatedProperties",
        "the generated type keeps undeclared properties whatever this says",
    ),
    ("unevaluatedItems", "array items are typed by `items` only"),
    (
        "$dynamicRef",
        "dynamic references are not followed; the value is untyped JSON",
    ),
];

/// Reads schemas and the schemas they reference.
pub struct Reader<'d, 'g> {
    document: &'d Value,
    schemas: Schemas,
    diagnostics: &'g mut Diagnostics,
    /// References not followed yet, in the order they were read.
    unresolved: std::collections::VecDeque<SchemaId>,
}

impl<'d, 'g> Reader<'d, 'g> {
    /// A reader of the schemas of `document`.
    pub fn new(document: &'d Value, diagnostics: &'g mut Diagnostics) -> Self {
        Self {
            document,
            schemas: Schemas::default(),
            diagnostics,
            unresolved: std::collections::VecDeque::new(),
        }
    }

    /// Reads the `components/schemas` entry `name`.
    pub fn component(&mut self, name: &str, value: &'d Value, pointer: &Pointer) {
        let id = self.read(value, pointer);
        self.schemas.push_component(name, id);
    }

    /// Reads the schema written at `pointer`, whose JSON is `value`; a schema already read
    /// there is not read again.
    pub fn read(&mut self, value: &'d Value, pointer: &Pointer) -> SchemaId {
        if let Some(id) = self.schemas.at(pointer) {
            return id;
        }
        let id = self.schemas.insert(Schema {
            pointer: pointer.clone(),
            ..Schema::default()
        });
        let schema = match value {
            Value::Bool(allowed) => Schema {
                pointer: pointer.clone(),
                never: !allowed,
                ..Schema::default()
            },
            Value::Object(object) => self.object(object, pointer),
            other => {
                self.diagnostics.error(
                    pointer,
                    format!("a schema is a mapping, but this one is {}", kind_of(other)),
                );
                Schema {
                    pointer: pointer.clone(),
                    ..Schema::default()
                }
            }
        };
        if schema.reference.is_some() {
            self.unresolved.push_back(id);
        }
        self.schemas.replace(id, schema);
        id
    }

    /// Follows every reference (reading their targets, which may hold more), reports
    /// chains of references that lead back to themselves, and hands over the schemas.
    pub fn finish(mut self) -> Schemas {
        while let Some(id) = self.unresolved.pop_front() {
            let Some(reference) = self.schemas.get(id).reference.clone() else {
                continue;
            };
            let at = self.schemas.get(id).pointer.push("$ref");
            let target = self.follow(&reference.raw, &at);
            self.schemas.set_target(id, target);
        }
        self.report_reference_cycles();
        self.schemas
    }

    /// The schema a `$ref` names, read where it is if it was not read yet.
    fn follow(&mut self, raw: &str, at: &Pointer) -> Option<SchemaId> {
        let Some(pointer) = Pointer::from_ref(raw) else {
            let message = if raw.starts_with('#') {
                format!("`$ref: {raw}` is not a JSON pointer (`#/...`); anchors are not supported")
            } else {
                format!(
                    "`$ref: {raw}` points outside this document; external references are not \
                     supported (bundle the spec into one file first)"
                )
            };
            self.diagnostics.error(at, message);
            return None;
        };
        if let Some(id) = self.schemas.at(&pointer) {
            return Some(id);
        }
        let document = self.document;
        match document.pointer(pointer.as_json_pointer()) {
            Some(value @ (Value::Object(_) | Value::Bool(_))) => Some(self.read(value, &pointer)),
            Some(other) => {
                self.diagnostics.error(
                    at,
                    format!(
                        "`$ref: {raw}` points to {}, not to a schema",
                        kind_of(other)
                    ),
                );
                None
            }
            None => {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {raw}` points to a schema that does not exist"),
                );
                None
            }
        }
    }

    /// Reports schemas that are only a reference to themselves, directly or through other
    /// such schemas (`A: {$ref: B}`, `B: {$ref: A}`, `C: {allOf: [$ref: C]}`): no value can
    /// be described that way. Each cycle is reported once, at its first schema.
    fn report_reference_cycles(&mut self) {
        let mut reported = std::collections::HashSet::new();
        for index in 0..self.schemas.len() {
            let start = Schemas::id(index);
            if reported.contains(&start) {
                continue;
            }
            let mut chain = vec![start];
            let mut current = start;
            while let Some(next) = self.alias_target(current) {
                if next == start {
                    let pointers: Vec<String> = chain
                        .iter()
                        .map(|id| self.schemas.get(*id).pointer.to_string())
                        .collect();
                    let at = self.schemas.get(start).pointer.clone();
                    self.diagnostics.error(
                        &at,
                        format!(
                            "the schema only refers to itself ({} -> back): it describes no \
                             value",
                            pointers.join(" -> ")
                        ),
                    );
                    reported.extend(chain.iter().copied());
                    break;
                }
                if chain.contains(&next) || chain.len() > self.schemas.len() {
                    break;
                }
                chain.push(next);
                current = next;
            }
        }
    }

    /// The schema that `id` is nothing but: the target of a `$ref`, or the one part of an
    /// `allOf`, with no other keyword besides annotations.
    fn alias_target(&self, id: SchemaId) -> Option<SchemaId> {
        let schema = self.schemas.get(id);
        let mut rest = schema.clone();
        rest.reference = None;
        rest.all_of = Vec::new();
        if rest.constrains_type() {
            return None;
        }
        let typed: Vec<SchemaId> = schema
            .all_of
            .iter()
            .copied()
            .filter(|part| self.schemas.get(*part).constrains_type())
            .collect();
        match (
            schema.reference.as_ref().and_then(|r| r.target),
            typed.as_slice(),
        ) {
            (Some(target), []) => Some(target),
            (None, [only]) => Some(*only),
            _ => None,
        }
    }

    fn object(&mut self, object: &'d Map<String, Value>, at: &Pointer) -> Schema {
        let mut schema = Schema {
            pointer: at.clone(),
            ..Schema::default()
        };
        let mut exclusive = (None, None);
        for (key, value) in object {
            let here = at.push(key);
            match key.as_str() {
                "$ref" => {
                    schema.reference = self
                        .string(value, &here)
                        .map(|raw| Reference { raw, target: None });
                }
                "type" => self.types(value, &here, &mut schema),
                "nullable" => schema.nullable |= self.boolean(value, &here),
                "format" => schema.format = self.string(value, &here),
                "title" => schema.title = self.string(value, &here),
                "description" => schema.description = self.string(value, &here),
                "enum" => self.enumeration(value, &here, &mut schema),
                "const" => set_const(value, &mut schema),
                "properties" => schema.properties = self.schema_map(value, &here),
                "required" => schema.required = self.names(value, &here),
                "additionalProperties" => schema.additional = self.additional(value, &here),
                "items" => self.items(value, &here, &mut schema),
                "prefixItems" => schema.prefix_items = self.schema_list(value, &here),
                "allOf" => schema.all_of = self.schema_list(value, &here),
                "oneOf" => schema.one_of = self.schema_list(value, &here),
                "anyOf" => schema.any_of = self.schema_list(value, &here),
                "not" => schema.not = Some(self.read(value, &here)),
                "discriminator" => schema.discriminator = self.discriminator(value, &here),
                "readOnly" => schema.read_only = self.boolean(value, &here),
                "writeOnly" => schema.write_only = self.boolean(value, &here),
                "deprecated" => schema.deprecated = self.boolean(value, &here),
                "default" => schema.default = Some(value.clone()),
                "example" => schema.examples.insert(0, (here, value.clone())),
                "examples" => self.examples(value, &here, &mut schema),
                "minimum" => schema.limits.minimum = self.number(value, &here).map(inclusive),
                "maximum" => schema.limits.maximum = self.number(value, &here).map(inclusive),
                "exclusiveMinimum" => exclusive.0 = Some((value, here)),
                "exclusiveMaximum" => exclusive.1 = Some((value, here)),
                "minLength" => schema.limits.min_length = self.count(value, &here),
                "maxLength" => schema.limits.max_length = self.count(value, &here),
                "minItems" => schema.limits.min_items = self.count(value, &here),
                "maxItems" => schema.limits.max_items = self.count(value, &here),
                "pattern" => schema.limits.pattern = self.string(value, &here),
                "contentMediaType" => schema.content_media_type = self.string(value, &here),
                "contentEncoding" => schema.content_encoding = self.string(value, &here),
                "$schema" => self.dialect(value, &here),
                "$defs" | "definitions" => {
                    self.schema_map(value, &here);
                }
                "x-secret" => schema.secret |= value.as_bool() == Some(true),
                _ => self.other_keyword(key, &here),
            }
        }
        if let (Some((value, here)), bound) = (exclusive.0, &mut schema.limits.minimum) {
            *bound = self.exclusive(value, &here, *bound);
        }
        if let (Some((value, here)), bound) = (exclusive.1, &mut schema.limits.maximum) {
            *bound = self.exclusive(value, &here, *bound);
        }
        schema.secret |= schema.format.as_deref() == Some("password");
        schema
    }

    fn other_keyword(&mut self, key: &str, here: &Pointer) {
        if key.starts_with("x-") || ACCEPTED.contains(&key) {
            return;
        }
        match UNSUPPORTED.iter().find(|(name, _)| *name == key) {
            Some((_, loss)) => self
                .diagnostics
                .warning(here, format!("`{key}` is not supported: {loss}")),
            None => self.diagnostics.warning(
                here,
                format!("`{key}` is not a schema keyword of OpenAPI 3.0 or 3.1; ignored"),
            ),
        }
    }

    /// `$schema`: the dialect of a schema, which must be the one schemas are read as.
    fn dialect(&mut self, value: &Value, at: &Pointer) {
        let Some(uri) = self.string(value, at) else {
            return;
        };
        if !super::document::is_known_dialect(&uri) {
            self.diagnostics.warning(
                at,
                format!(
                    "the schema is read as JSON Schema 2020-12 (the dialect of OpenAPI 3.1); \
                     `{}` is another dialect, whose keywords may mean something else",
                    uri.replace('`', "'")
                ),
            );
        }
    }

    fn types(&mut self, value: &Value, at: &Pointer, schema: &mut Schema) {
        let names: Vec<(Option<&str>, Pointer)> = match value {
            Value::String(name) => vec![(Some(name.as_str()), at.clone())],
            Value::Array(names) if names.is_empty() => {
                self.diagnostics.error(
                    at,
                    "`type: []` allows no type; list at least one (or leave `type` out to allow \
                     any)",
                );
                return;
            }
            Value::Array(names) => names
                .iter()
                .enumerate()
                .map(|(index, name)| (name.as_str(), at.push(index)))
                .collect(),
            other => {
                self.diagnostics.error(
                    at,
                    format!(
                        "`type` is a type name or a list of them, but this one is {}",
                        kind_of(other)
                    ),
                );
                return;
            }
        };
        let mut only_null = !names.is_empty();
        for (name, here) in names {
            match name.and_then(JsonType::from_name) {
                Some(JsonType::Null) => schema.nullable = true,
                Some(ty) => {
                    only_null = false;
                    schema.types.insert(ty);
                }
                None => {
                    only_null = false;
                    let message = match name {
                        Some(name) => format!(
                            "`{}` is not a JSON type (`string`, `number`, `integer`, `boolean`, \
                             `array`, `object` or `null`)",
                            name.replace('`', "'")
                        ),
                        None => "a type name is a string, but this one is not".to_owned(),
                    };
                    self.diagnostics.error(&here, message);
                }
            }
        }
        schema.only_null |= only_null;
    }

    fn enumeration(&mut self, value: &Value, at: &Pointer, schema: &mut Schema) {
        let Value::Array(values) = value else {
            self.diagnostics.error(
                at,
                format!(
                    "`enum` is a list of values, but this one is {}",
                    kind_of(value)
                ),
            );
            return;
        };
        let mut listed = Vec::with_capacity(values.len());
        for value in values {
            if value.is_null() {
                schema.nullable = true;
            } else {
                listed.push(value.clone());
            }
        }
        schema.only_null |= listed.is_empty() && !values.is_empty();
        schema.enumeration = Some(listed);
    }

    fn examples(&mut self, value: &Value, at: &Pointer, schema: &mut Schema) {
        match value {
            Value::Array(values) => schema.examples.extend(
                values
                    .iter()
                    .enumerate()
                    .map(|(index, value)| (at.push(index), value.clone())),
            ),
            other => self.diagnostics.warning(
                at,
                format!(
                    "`examples` of a schema is a list of values, but this one is {}; ignored",
                    kind_of(other)
                ),
            ),
        }
    }

    fn items(&mut self, value: &'d Value, at: &Pointer, schema: &mut Schema) {
        match value {
            Value::Bool(false) => schema.closed_items = true,
            Value::Array(_) => {
                self.diagnostics.warning(
                    at,
                    "`items` as a list is the draft-07 tuple form; read as `prefixItems`",
                );
                schema.prefix_items = self.schema_list(value, at);
                schema.closed_items = true;
            }
            _ => schema.items = Some(self.read(value, at)),
        }
    }

    fn additional(&mut self, value: &'d Value, at: &Pointer) -> Option<Additional> {
        match value {
            Value::Bool(true) => Some(Additional::Any),
            Value::Bool(false) => Some(Additional::Forbidden),
            Value::Object(object) if object.is_empty() => Some(Additional::Any),
            Value::Object(_) => Some(Additional::Schema(self.read(value, at))),
            other => {
                self.diagnostics.error(
                    at,
                    format!(
                        "`additionalProperties` is a boolean or a schema, but this one is {}",
                        kind_of(other)
                    ),
                );
                None
            }
        }
    }

    fn discriminator(&mut self, value: &Value, at: &Pointer) -> Option<Discriminator> {
        let Some(property) = value.get("propertyName").and_then(Value::as_str) else {
            self.diagnostics.error(
                at,
                "a `discriminator` needs a `propertyName`, the property whose value tells the \
                 alternatives apart",
            );
            return None;
        };
        let mut mapping = Vec::new();
        match value.get("mapping") {
            None => {}
            Some(Value::Object(entries)) => {
                for (tag, reference) in entries {
                    match reference.as_str() {
                        Some(reference) => mapping.push((tag.clone(), reference.to_owned())),
                        None => self.diagnostics.error(
                            &at.push("mapping").push(tag),
                            "a `mapping` value is a reference (a schema name or a `$ref`), \
                             but this one is not a string",
                        ),
                    }
                }
            }
            Some(other) => self.diagnostics.error(
                &at.push("mapping"),
                format!(
                    "`mapping` maps values to schemas, but this one is {}",
                    kind_of(other)
                ),
            ),
        }
        Some(Discriminator {
            property: property.to_owned(),
            mapping,
        })
    }

    fn schema_map(&mut self, value: &'d Value, at: &Pointer) -> Vec<(String, SchemaId)> {
        let Value::Object(entries) = value else {
            self.diagnostics.error(
                at,
                format!(
                    "a mapping of schemas was expected, but this is {}",
                    kind_of(value)
                ),
            );
            return Vec::new();
        };
        entries
            .iter()
            .map(|(name, sub)| (name.clone(), self.read(sub, &at.push(name))))
            .collect()
    }

    fn schema_list(&mut self, value: &'d Value, at: &Pointer) -> Vec<SchemaId> {
        let Value::Array(entries) = value else {
            self.diagnostics.error(
                at,
                format!(
                    "a list of schemas was expected, but this is {}",
                    kind_of(value)
                ),
            );
            return Vec::new();
        };
        entries
            .iter()
            .enumerate()
            .map(|(index, sub)| self.read(sub, &at.push(index)))
            .collect()
    }

    fn names(&mut self, value: &Value, at: &Pointer) -> Vec<String> {
        match value {
            Value::Array(names) => names
                .iter()
                .enumerate()
                .filter_map(|(index, name)| self.string(name, &at.push(index)))
                .collect(),
            Value::Bool(_) => {
                self.diagnostics.warning(
                    at,
                    "`required: true` on a property is Swagger 2.0 style; list the property in \
                     its object's `required` instead. Ignored",
                );
                Vec::new()
            }
            other => {
                self.diagnostics.error(
                    at,
                    format!(
                        "`required` is a list of property names, but this one is {}",
                        kind_of(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn string(&mut self, value: &Value, at: &Pointer) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            other => {
                self.diagnostics.error(
                    at,
                    format!("a string was expected, but this is {}", kind_of(other)),
                );
                None
            }
        }
    }

    fn boolean(&mut self, value: &Value, at: &Pointer) -> bool {
        match value {
            Value::Bool(flag) => *flag,
            other => {
                self.diagnostics.error(
                    at,
                    format!(
                        "`true` or `false` was expected, but this is {}",
                        kind_of(other)
                    ),
                );
                false
            }
        }
    }

    fn number(&mut self, value: &Value, at: &Pointer) -> Option<f64> {
        match value.as_f64() {
            Some(number) => Some(number),
            // YAML reads a number too large for a float (`1e400`) as text.
            None if value
                .as_str()
                .and_then(|text| text.parse::<f64>().ok())
                .is_some_and(f64::is_infinite) =>
            {
                self.diagnostics.warning(
                    at,
                    "the bound is beyond the range of a 64-bit float; it is ignored",
                );
                None
            }
            None => {
                self.diagnostics.error(
                    at,
                    format!("a number was expected, but this is {}", kind_of(value)),
                );
                None
            }
        }
    }

    fn count(&mut self, value: &Value, at: &Pointer) -> Option<u64> {
        match value.as_u64() {
            Some(count) => Some(count),
            None => {
                self.diagnostics.warning(
                    at,
                    format!(
                        "a count (a whole number, 0 or more) was expected, but this is {}; \
                         ignored",
                        kind_of(value)
                    ),
                );
                None
            }
        }
    }

    /// `exclusiveMinimum`/`exclusiveMaximum`: a flag on the bound in 3.0, a bound of its
    /// own in 3.1.
    fn exclusive(&mut self, value: &Value, at: &Pointer, bound: Option<Bound>) -> Option<Bound> {
        match value {
            Value::Bool(exclusive) => bound.map(|bound| Bound {
                exclusive: *exclusive,
                ..bound
            }),
            Value::Number(_) => self.number(value, at).map(|value| Bound {
                value,
                exclusive: true,
            }),
            other => {
                self.diagnostics.error(
                    at,
                    format!(
                        "a number (3.1) or a boolean (3.0) was expected, but this is {}",
                        kind_of(other)
                    ),
                );
                bound
            }
        }
    }
}

fn inclusive(value: f64) -> Bound {
    Bound {
        value,
        exclusive: false,
    }
}

/// `const`: the only value allowed, as a one-value `enum`.
fn set_const(value: &Value, schema: &mut Schema) {
    if value.is_null() {
        schema.nullable = true;
        schema.only_null = true;
        schema.enumeration = Some(Vec::new());
    } else {
        schema.enumeration = Some(vec![value.clone()]);
    }
}
