//! What a schema describes, decided by looking at it (and the schemas it refers to) without
//! changing anything: the classification that lowering turns into Rust types.
//!
//! Every walk here follows references, so every walk is bounded: a schema may refer to
//! itself through any keyword, and [`MAX_HOPS`] ends a chain that never reaches a shape.

use std::cell::Cell;
use std::collections::HashSet;

use crate::load::schema::{Additional, JsonType, Schema, SchemaId, Schemas};
use crate::model::{Limits, Scalar};

/// How many references or wrappers a walk follows before it gives up on a chain.
const MAX_HOPS: usize = 64;

/// What a schema describes.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Exactly what another schema describes: a `$ref`, an `allOf` or `oneOf` of one schema,
    /// maybe with annotations around it.
    Same(SchemaId),
    /// An object with declared properties (possibly merged from `allOf` parts).
    Object(ObjectParts),
    /// A string from a list (`enum`, `const`, or a `oneOf` of such lists).
    StringEnum(Vec<EnumValue>),
    /// One of several alternatives.
    Union(Alternatives),
    /// One of several JSON types (a 3.1 `type` list).
    Types(Vec<JsonType>),
    /// An array of `items`.
    Array(Option<SchemaId>),
    /// An array of exactly these items, in this order (`prefixItems`, closed).
    Tuple(Vec<SchemaId>),
    /// An object without declared properties: a map of values.
    Map(Option<SchemaId>),
    /// A built-in scalar.
    Scalar(Scalar),
    /// Any JSON value: the schema does not constrain the type.
    Any,
    /// A schema the generator cannot type, and why.
    Unsupported(String),
}

/// One value of a string enum, with what the description says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value.
    pub value: String,
    /// Where it comes from, when it is an alternative of its own (its title and
    /// description document the value).
    pub from: Option<SchemaId>,
}

/// The alternatives of a `oneOf`/`anyOf`, `null` left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives {
    /// The alternatives that are not `null`, duplicates removed.
    pub schemas: Vec<SchemaId>,
    /// The schema holding the `discriminator`, if there is one.
    pub discriminated: Option<SchemaId>,
}

/// An object's properties gathered from the schema, its references and its `allOf` parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectParts {
    /// Each property once, in the order first seen, with every schema that declares it.
    pub properties: Vec<(String, Vec<SchemaId>)>,
    /// Names listed in any part's `required`.
    pub required: HashSet<String>,
    /// The first `additionalProperties` found.
    pub additional: Option<Additional>,
}

impl ObjectParts {
    fn add_property(&mut self, name: &str, schema: SchemaId) {
        match self.properties.iter_mut().find(|(known, _)| known == name) {
            Some((_, schemas)) if !schemas.contains(&schema) => schemas.push(schema),
            Some(_) => {}
            None => self.properties.push((name.to_owned(), vec![schema])),
        }
    }
}

/// Annotations that apply to a value, gathered through references and wrappers: the first
/// `description`, `title` and `default` found, and flags that any of them sets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `default`.
    pub default: Option<serde_json::Value>,
    /// `readOnly`.
    pub read_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `format: password` or `x-secret`.
    pub secret: bool,
    /// Bounds, lengths and pattern.
    pub limits: Limits,
}

impl Annotations {
    /// Adds what `other` says and `self` does not: the first text, default and limit
    /// found win; a flag set by either is set.
    pub fn merge(&mut self, other: Self) {
        self.title = self.title.take().or(other.title);
        self.description = self.description.take().or(other.description);
        self.default = self.default.take().or(other.default);
        self.read_only |= other.read_only;
        self.deprecated |= other.deprecated;
        self.secret |= other.secret;
        let (limits, more) = (&mut self.limits, other.limits);
        limits.minimum = limits.minimum.or(more.minimum);
        limits.maximum = limits.maximum.or(more.maximum);
        limits.min_length = limits.min_length.or(more.min_length);
        limits.max_length = limits.max_length.or(more.max_length);
        limits.min_items = limits.min_items.or(more.min_items);
        limits.max_items = limits.max_items.or(more.max_items);
        limits.pattern = limits.pattern.take().or(more.pattern);
    }

    /// What one schema says by itself.
    fn of(schema: &Schema) -> Self {
        Self {
            title: non_blank(&schema.title),
            description: non_blank(&schema.description),
            default: schema.default.clone(),
            read_only: schema.read_only,
            deprecated: schema.deprecated,
            secret: schema.secret,
            limits: schema.limits.clone(),
        }
    }
}

/// Looks at the schemas of a document.
pub struct Analysis<'a> {
    schemas: &'a Schemas,
    /// How deeply [`Analysis::shape`] is nested in itself, to end walks that come back to
    /// where they started.
    depth: Cell<usize>,
}

impl<'a> Analysis<'a> {
    /// An analysis of `schemas`.
    pub fn new(schemas: &'a Schemas) -> Self {
        Self {
            schemas,
            depth: Cell::new(0),
        }
    }

    /// The schema behind `id`.
    pub fn get(&self, id: SchemaId) -> &'a Schema {
        self.schemas.get(id)
    }

    /// The schema whose shape `id` has: references and one-part `allOf` wrappers
    /// followed.
    pub fn resolve(&self, id: SchemaId) -> SchemaId {
        let mut current = id;
        for _ in 0..MAX_HOPS {
            match self.wrapped(current) {
                Some(next) if next != current => current = next,
                _ => return current,
            }
        }
        current
    }

    /// The schema `id` only wraps: a `$ref`, or an `allOf` of one schema, with nothing
    /// else but annotations.
    fn wrapped(&self, id: SchemaId) -> Option<SchemaId> {
        let schema = self.get(id);
        if self.has_own_type(schema) || !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            return None;
        }
        let reference = schema.reference.as_ref().and_then(|r| r.target);
        let mut parts = schema
            .all_of
            .iter()
            .copied()
            .filter(|part| self.get(*part).constrains_type());
        match (reference, parts.next(), parts.next()) {
            (Some(target), None, _) => Some(target),
            (None, Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// Whether `null` is a valid value: the schema says so (`nullable`, a `null` type or
    /// enum value), or a schema it is the same as does, or an alternative is `null`.
    pub fn nullable(&self, id: SchemaId) -> bool {
        self.nullable_within(id, MAX_HOPS)
    }

    fn nullable_within(&self, id: SchemaId, hops: usize) -> bool {
        let Some(hops) = hops.checked_sub(1) else {
            return false;
        };
        let schema = self.get(id);
        if schema.nullable {
            return true;
        }
        let alternatives = schema.one_of.iter().chain(&schema.any_of);
        if alternatives
            .clone()
            .any(|alt| self.nullable_within(*alt, hops))
        {
            return true;
        }
        // Through a reference or an `allOf`: `null` must be valid for every part that
        // constrains the type.
        let mut parts = schema.all_of.iter().copied().filter(|part| {
            let part = self.get(*part);
            part.constrains_type() || part.nullable
        });
        let reference = schema.reference.as_ref().and_then(|r| r.target);
        match (reference, parts.next()) {
            (Some(target), None) if !self.has_own_type(schema) => {
                self.nullable_within(target, hops)
            }
            (None, Some(first)) if !self.has_own_type(schema) => {
                self.nullable_within(first, hops) && parts.all(|p| self.nullable_within(p, hops))
            }
            _ => false,
        }
    }

    /// Whether a schema has type keywords of its own, besides `$ref`, `allOf`, `oneOf` and
    /// `anyOf`. A `type` that only restates the type of the one schema it wraps
    /// (`type: object` beside `allOf: [$ref: AnObject]`) is not one.
    fn has_own_type(&self, schema: &Schema) -> bool {
        if has_local_structure(schema) {
            return true;
        }
        if schema.types.is_empty() {
            return false;
        }
        let mut wrapped = schema
            .all_of
            .iter()
            .copied()
            .filter(|part| self.get(*part).constrains_type())
            .chain(schema.reference.as_ref().and_then(|r| r.target));
        match (wrapped.next(), wrapped.next()) {
            (Some(only), None) => !self.declares_types(only, schema.types),
            _ => true,
        }
    }

    /// Whether `id`, or what it refers to, declares the JSON types `types` (an object
    /// with properties declares `object`).
    fn declares_types(&self, id: SchemaId, types: crate::load::schema::Types) -> bool {
        let mut current = id;
        for _ in 0..MAX_HOPS {
            let schema = self.get(current);
            if !schema.types.is_empty() {
                return schema.types == types;
            }
            let object_only = types.contains(JsonType::Object) && types.non_null().count() == 1;
            if object_only && (!schema.properties.is_empty() || schema.additional.is_some()) {
                return true;
            }
            let only_part = match schema.all_of.as_slice() {
                [only] => Some(*only),
                _ => None,
            };
            let next = schema
                .reference
                .as_ref()
                .and_then(|r| r.target)
                .or(only_part);
            match next {
                Some(next) => current = next,
                None => return false,
            }
        }
        false
    }

    /// The annotations of `id`, through references and `allOf` wrappers.
    pub fn annotations(&self, id: SchemaId) -> Annotations {
        let mut found = Annotations::default();
        let mut seen = HashSet::new();
        let mut queue = vec![id];
        while let Some(id) = queue.pop() {
            if !seen.insert(id) || seen.len() > MAX_HOPS {
                continue;
            }
            let schema = self.get(id);
            found.merge(Annotations::of(schema));
            // Annotations of what the schema refers to come after its own (stack order).
            queue.extend(schema.all_of.iter().rev());
            if let Some(target) = schema.reference.as_ref().and_then(|r| r.target) {
                queue.push(target);
            }
        }
        found
    }

    /// What `id` describes.
    pub fn shape(&self, id: SchemaId) -> Shape {
        let depth = self.depth.get();
        if depth > MAX_HOPS {
            return Shape::Unsupported(
                "the schema is defined in terms of itself without an object in between".to_owned(),
            );
        }
        self.depth.set(depth + 1);
        let shape = self.shape_unguarded(id);
        self.depth.set(depth);
        shape
    }

    fn shape_unguarded(&self, id: SchemaId) -> Shape {
        let schema = self.get(id);
        if schema.never {
            return Shape::Unsupported("the schema is `false`: no value is valid".to_owned());
        }
        if !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            if let Some(shape) = self.alternatives_shape(id) {
                return shape;
            }
        }
        let reference = schema.reference.as_ref().and_then(|r| r.target);
        let parts: Vec<SchemaId> = schema
            .all_of
            .iter()
            .copied()
            .filter(|part| self.get(*part).constrains_type())
            .collect();
        match (reference, parts.as_slice(), self.has_own_type(schema)) {
            (Some(target), [], false) => Shape::Same(target),
            // Contradicting keywords (reported): the reference wins, as OpenAPI 3.0 says.
            (Some(target), [], true) if self.reference_conflict(id).is_some() => {
                Shape::Same(target)
            }
            (None, [only], false) => Shape::Same(*only),
            (None, [], _) => self.local_shape(schema),
            _ => self.combined_shape(id),
        }
    }

    /// The schema's own `type` and the JSON types of the schema its `$ref` names, when they
    /// have none in common: no value can match both.
    pub fn reference_conflict(&self, id: SchemaId) -> Option<(Vec<JsonType>, Vec<JsonType>)> {
        let schema = self.get(id);
        let target = schema.reference.as_ref()?.target?;
        let own: Vec<JsonType> = schema.types.non_null().collect();
        if own.is_empty() {
            return None;
        }
        let mut theirs = self.json_types(target);
        theirs.retain(|ty| *ty != JsonType::Null);
        let numbers = [JsonType::Integer, JsonType::Number];
        let overlap = own.iter().any(|a| {
            theirs
                .iter()
                .any(|b| a == b || (numbers.contains(a) && numbers.contains(b)))
        });
        (!theirs.is_empty() && !overlap).then_some((own, theirs))
    }

    /// The shape of a schema made of a reference, `allOf` parts and keywords of its own.
    fn combined_shape(&self, id: SchemaId) -> Shape {
        if let Some(parts) = self.object_parts(id) {
            return Shape::Object(parts);
        }
        // Parts that each describe the same single type (a reference to a string, plus a
        // `maxLength`): the one with the most to say decides.
        let schema = self.get(id);
        let mut candidates: Vec<SchemaId> = schema.all_of.clone();
        candidates.extend(schema.reference.as_ref().and_then(|r| r.target));
        let shapes: Vec<(SchemaId, Shape)> = candidates
            .into_iter()
            .filter(|part| self.get(*part).constrains_type())
            .map(|part| (part, self.shape(part)))
            .collect();
        let local = self.local_shape(schema);
        let structural: Vec<&(SchemaId, Shape)> = shapes
            .iter()
            .filter(|(_, shape)| !matches!(shape, Shape::Scalar(_) | Shape::Any))
            .collect();
        match structural.as_slice() {
            [(only, _)] if matches!(local, Shape::Scalar(_) | Shape::Any) => Shape::Same(*only),
            [] => match shapes.first() {
                Some((_, Shape::Scalar(scalar))) if matches!(local, Shape::Any) => {
                    Shape::Scalar(*scalar)
                }
                _ if !matches!(local, Shape::Any) => local,
                Some((first, _)) => Shape::Same(*first),
                None => Shape::Any,
            },
            _ => Shape::Unsupported(
                "the `allOf` parts are not all objects, so they cannot be merged into one type"
                    .to_owned(),
            ),
        }
    }

    /// The shape of a schema's own keywords (no reference, no `allOf`).
    fn local_shape(&self, schema: &Schema) -> Shape {
        let types: Vec<JsonType> = schema.types.non_null().collect();
        if let Some(values) = &schema.enumeration {
            let strings: Option<Vec<EnumValue>> = values
                .iter()
                .map(|v| {
                    v.as_str().map(|s| EnumValue {
                        value: s.to_owned(),
                        from: None,
                    })
                })
                .collect();
            match strings {
                Some(values) if types.iter().all(|t| *t == JsonType::String) => {
                    return Shape::StringEnum(values);
                }
                _ => {}
            }
        }
        match types.as_slice() {
            [] if !schema.properties.is_empty() => self.object_parts_of(schema),
            [] if schema.items.is_some() || !schema.prefix_items.is_empty() => array_shape(schema),
            [] if schema.only_null => Shape::Any,
            [] => Shape::Any,
            [JsonType::Object] if schema.properties.is_empty() => match schema.additional {
                Some(Additional::Schema(values)) => Shape::Map(Some(values)),
                _ => Shape::Map(None),
            },
            [JsonType::Object] => self.object_parts_of(schema),
            [JsonType::Array] => array_shape(schema),
            [single] => Shape::Scalar(scalar(*single, schema.format.as_deref())),
            several => Shape::Types(several.to_vec()),
        }
    }

    fn object_parts_of(&self, schema: &Schema) -> Shape {
        Shape::Object(local_object_parts(schema))
    }

    /// The properties of an object schema, merged through references and `allOf`; `None`
    /// when a part is not an object.
    pub fn object_parts(&self, id: SchemaId) -> Option<ObjectParts> {
        let mut parts = ObjectParts::default();
        let mut seen = HashSet::new();
        self.gather(id, &mut parts, &mut seen)
            .then_some(parts)
            .filter(|parts| !parts.properties.is_empty() || parts.additional.is_some())
    }

    /// Adds the properties of `id` to `parts`; false when `id` is not an object.
    fn gather(&self, id: SchemaId, parts: &mut ObjectParts, seen: &mut HashSet<SchemaId>) -> bool {
        if !seen.insert(id) || seen.len() > MAX_HOPS {
            // Reached again through a part of itself: it adds nothing new.
            return true;
        }
        let schema = self.get(id);
        if !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            // Alternatives beside properties only narrow which properties are required.
            let narrowing = schema
                .one_of
                .iter()
                .chain(&schema.any_of)
                .all(|alt| !self.get(*alt).constrains_type());
            if !narrowing {
                return false;
            }
        }
        let object_types = schema.types.is_empty()
            || (schema.types.contains(JsonType::Object) && schema.types.non_null().count() == 1);
        if !object_types || schema.enumeration.is_some() || schema.items.is_some() {
            return false;
        }
        if let Some(target) = schema.reference.as_ref().and_then(|r| r.target) {
            if !self.gather(target, parts, seen) {
                return false;
            }
        }
        for part in &schema.all_of {
            let part_schema = self.get(*part);
            if part_schema.constrains_type() && !self.gather(*part, parts, seen) {
                return false;
            }
            if !part_schema.constrains_type() {
                parts.required.extend(part_schema.required.iter().cloned());
            }
        }
        add_local(schema, parts);
        true
    }

    /// The shape of a schema with `oneOf`/`anyOf`, or `None` when the alternatives only
    /// narrow the schema's own object (they add `required` lists and nothing else).
    fn alternatives_shape(&self, id: SchemaId) -> Option<Shape> {
        let schema = self.get(id);
        let all: Vec<SchemaId> = if schema.one_of.is_empty() {
            schema.any_of.clone()
        } else {
            schema.one_of.clone()
        };
        if all.iter().all(|alt| !self.get(*alt).constrains_type()) {
            return None;
        }
        let mut schemas: Vec<SchemaId> = Vec::with_capacity(all.len());
        let mut resolved_seen = HashSet::new();
        for alt in all {
            let alt_schema = self.get(alt);
            if alt_schema.only_null || (alt_schema.nullable && !alt_schema.constrains_type()) {
                continue;
            }
            if resolved_seen.insert(self.resolve(alt)) {
                schemas.push(alt);
            }
        }
        if self.has_own_type(schema) || schema.reference.is_some() || !schema.all_of.is_empty() {
            return Some(Shape::Unsupported(
                "alternatives (`oneOf`/`anyOf`) beside other type keywords are not typed"
                    .to_owned(),
            ));
        }
        Some(match schemas.as_slice() {
            [] => Shape::Any,
            [only] => Shape::Same(*only),
            _ => match self.enum_of_alternatives(&schemas) {
                Some(values) => Shape::StringEnum(values),
                None => Shape::Union(Alternatives {
                    schemas,
                    discriminated: schema.discriminator.as_ref().map(|_| id),
                }),
            },
        })
    }

    /// The values of alternatives that are all string lists (or plain strings, whose
    /// values an open enum keeps anyway): one enum.
    fn enum_of_alternatives(&self, alternatives: &[SchemaId]) -> Option<Vec<EnumValue>> {
        let mut values: Vec<EnumValue> = Vec::new();
        let mut any_listed = false;
        for alt in alternatives {
            match self.shape(self.resolve(*alt)) {
                Shape::StringEnum(listed) => {
                    any_listed = true;
                    let single = listed.len() == 1;
                    for mut value in listed {
                        if single {
                            value.from = Some(*alt);
                        }
                        if !values.iter().any(|v| v.value == value.value) {
                            values.push(value);
                        }
                    }
                }
                Shape::Scalar(Scalar::String) => {}
                _ => return None,
            }
        }
        any_listed.then_some(values)
    }

    /// The JSON types a value of `id` may have (all of them for a schema that does not
    /// say), for telling alternatives apart.
    pub fn json_types(&self, id: SchemaId) -> Vec<JsonType> {
        let depth = self.depth.get();
        if depth > MAX_HOPS {
            return Vec::new();
        }
        self.depth.set(depth + 1);
        let types = self.json_types_unguarded(id);
        self.depth.set(depth);
        types
    }

    fn json_types_unguarded(&self, id: SchemaId) -> Vec<JsonType> {
        match self.shape(self.resolve(id)) {
            Shape::Object(_) | Shape::Map(_) => vec![JsonType::Object],
            Shape::StringEnum(_) => vec![JsonType::String],
            Shape::Array(_) | Shape::Tuple(_) => vec![JsonType::Array],
            Shape::Types(types) => types,
            Shape::Scalar(scalar) => vec![scalar_type(scalar)],
            Shape::Union(alternatives) => {
                let mut types: Vec<JsonType> = Vec::new();
                for alt in &alternatives.schemas {
                    for ty in self.json_types(*alt) {
                        if !types.contains(&ty) {
                            types.push(ty);
                        }
                    }
                }
                types
            }
            Shape::Same(_) | Shape::Any | Shape::Unsupported(_) => Vec::new(),
        }
    }
}

/// What an array schema describes: a `Vec` of its `items`, or a tuple of its
/// `prefixItems`. A Rust tuple holds exactly its items, so `prefixItems` are a tuple only
/// when no other array is valid: `items: false` (no items after them) and a `minItems` of
/// at least their number (none of them missing). Otherwise the array is not typed.
pub fn array_shape(schema: &Schema) -> Shape {
    let prefix = &schema.prefix_items;
    if prefix.is_empty() {
        return Shape::Array(schema.items);
    }
    let count = prefix.len();
    if !schema.closed_items {
        return Shape::Unsupported(format!(
            "a tuple (`prefixItems`) open to further items is not typed (`items: false` with \
             `minItems: {count}` makes it a Rust tuple)"
        ));
    }
    let required = schema.limits.min_items.unwrap_or(0);
    if usize::try_from(required).is_ok_and(|required| required < count) {
        return Shape::Unsupported(format!(
            "a tuple (`prefixItems`) whose items may be missing is not typed (`minItems: \
             {count}` makes it a Rust tuple)"
        ));
    }
    Shape::Tuple(prefix.clone())
}

/// A schema's own properties, `required` and `additionalProperties`.
pub fn local_object_parts(schema: &Schema) -> ObjectParts {
    let mut parts = ObjectParts::default();
    add_local(schema, &mut parts);
    parts
}

/// Adds a schema's own properties, `required` and `additionalProperties` to `parts`.
fn add_local(schema: &Schema, parts: &mut ObjectParts) {
    for (name, property) in &schema.properties {
        parts.add_property(name, *property);
    }
    parts.required.extend(schema.required.iter().cloned());
    if parts.additional.is_none() {
        parts.additional = schema.additional;
    }
}

/// Whether a schema describes structure of its own (properties, items, values), besides
/// `type`, `$ref`, `allOf`, `oneOf` and `anyOf`.
fn has_local_structure(schema: &Schema) -> bool {
    // `additionalProperties: true` allows what is allowed anyway.
    let additional = matches!(
        schema.additional,
        Some(Additional::Schema(_) | Additional::Forbidden)
    );
    schema.enumeration.is_some()
        || !schema.properties.is_empty()
        || additional
        || schema.items.is_some()
        || !schema.prefix_items.is_empty()
}

fn non_blank(text: &Option<String>) -> Option<String> {
    text.clone().filter(|t| !t.trim().is_empty())
}

/// The scalar for a JSON type and `format`.
pub fn scalar(ty: JsonType, format: Option<&str>) -> Scalar {
    match (ty, format) {
        (JsonType::String, Some("date-time")) => Scalar::DateTime,
        (JsonType::String, Some("date")) => Scalar::Date,
        (JsonType::String, Some("uuid")) => Scalar::Uuid,
        (JsonType::Integer, Some("int8")) => Scalar::I8,
        (JsonType::Integer, Some("int16")) => Scalar::I16,
        (JsonType::Integer, Some("int32")) => Scalar::I32,
        (JsonType::Integer, Some("uint8")) => Scalar::U8,
        (JsonType::Integer, Some("uint16")) => Scalar::U16,
        (JsonType::Integer, Some("uint32")) => Scalar::U32,
        (JsonType::Integer, Some("uint64" | "uint")) => Scalar::U64,
        (JsonType::Integer, _) => Scalar::I64,
        (JsonType::Number, _) => Scalar::F64,
        (JsonType::Boolean, _) => Scalar::Bool,
        (JsonType::String, _) => Scalar::String,
        (JsonType::Null | JsonType::Array | JsonType::Object, _) => Scalar::Json,
    }
}

/// The JSON type a scalar is written as.
pub fn scalar_type(scalar: Scalar) -> JsonType {
    match scalar {
        Scalar::Bool => JsonType::Boolean,
        Scalar::F64 => JsonType::Number,
        s if s.is_integer() => JsonType::Integer,
        Scalar::Json => JsonType::Null,
        _ => JsonType::String,
    }
}
