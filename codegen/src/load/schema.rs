//! Schema objects, read from the document's JSON into [`Schema`]s.
//!
//! One reader for OpenAPI 3.0 schemas and 3.1 ones (JSON Schema 2020-12): `type` as a
//! string or an array, `nullable`, `const`, `example` and `examples`, boolean and numeric
//! `exclusiveMinimum`/`exclusiveMaximum`, `prefixItems`, `$defs`, and `$ref` with sibling
//! keywords. Lowering sees one shape whatever the dialect. Every keyword is accounted for:
//! those that do not change a type (validation, annotations) are read or accepted, those
//! that would and are not supported get a warning, unknown ones too.
//!
//! Schemas live in an arena ([`Schemas`]) indexed by [`SchemaId`] and by their pointer in
//! the document, so a `$ref` may point anywhere in the document: its target is read where
//! it is, once, however many references reach it.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Pointer;
use crate::model::Limits;

/// Index of a [`Schema`] in [`Schemas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaId(usize);

/// The JSON types a schema's `type` allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Types(u8);

/// One JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `string`
    String,
    /// `array`
    Array,
    /// `object`
    Object,
}

impl JsonType {
    const ALL: [Self; 7] = [
        Self::Null,
        Self::Boolean,
        Self::Integer,
        Self::Number,
        Self::String,
        Self::Array,
        Self::Object,
    ];

    pub(super) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The name `type` uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl Types {
    /// Whether `type` was given (an empty set means any type).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `ty` is allowed by name.
    pub fn contains(self, ty: JsonType) -> bool {
        self.0 & ty.bit() != 0
    }

    pub(super) fn insert(&mut self, ty: JsonType) {
        self.0 |= ty.bit();
    }

    /// The listed types other than `null`, in a fixed order.
    pub fn non_null(self) -> impl Iterator<Item = JsonType> {
        JsonType::ALL
            .into_iter()
            .filter(move |t| *t != JsonType::Null && self.contains(*t))
    }
}

/// `additionalProperties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Additional {
    /// `true`, or a schema that allows anything (`{}`).
    Any,
    /// `false`: no other properties.
    Forbidden,
    /// Other properties' values follow this schema.
    Schema(SchemaId),
}

/// `discriminator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discriminator {
    /// `propertyName`.
    pub property: String,
    /// `mapping`: tag value -> reference, in document order.
    pub mapping: Vec<(String, String)>,
}

/// A `$ref`: as written, and the schema it names once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The reference as written.
    pub raw: String,
    /// The schema it names; `None` when it could not be followed (reported).
    pub target: Option<SchemaId>,
}

/// One schema object, dialect-neutral.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// Where it is written.
    pub pointer: Pointer,
    /// `$ref`. Sibling keywords apply as well (3.1 semantics, and what 3.0 documents mean
    /// when they write `description` or `nullable` beside a reference).
    pub reference: Option<Reference>,
    /// `type`, without `null`.
    pub types: Types,
    /// `null` is allowed: `nullable: true`, `null` in a `type` array, or `null` among the
    /// `enum` values.
    pub nullable: bool,
    /// `format`.
    pub format: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `enum`, or `const` as a single value; `null` left out (see `nullable`).
    pub enumeration: Option<Vec<Value>>,
    /// `properties`, in document order.
    pub properties: Vec<(String, SchemaId)>,
    /// `required`.
    pub required: Vec<String>,
    /// `additionalProperties`.
    pub additional: Option<Additional>,
    /// `items`; `false` is recorded as `closed_items`.
    pub items: Option<SchemaId>,
    /// `items: false` beside `prefixItems`: no items beyond those.
    pub closed_items: bool,
    /// `prefixItems`.
    pub prefix_items: Vec<SchemaId>,
    /// `allOf`.
    pub all_of: Vec<SchemaId>,
    /// `oneOf`.
    pub one_of: Vec<SchemaId>,
    /// `anyOf`.
    pub any_of: Vec<SchemaId>,
    /// `not`.
    pub not: Option<SchemaId>,
    /// `discriminator`.
    pub discriminator: Option<Discriminator>,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `default`.
    pub default: Option<Value>,
    /// `example` and the values of `examples`, each with its pointer.
    pub examples: Vec<(Pointer, Value)>,
    /// `minimum`, `maximum` and their exclusive forms, `minLength`, `maxLength`,
    /// `minItems`, `maxItems`, `pattern`: the model's limits, read as they are.
    pub limits: Limits,
    /// `contentMediaType`.
    pub content_media_type: Option<String>,
    /// `contentEncoding`.
    pub content_encoding: Option<String>,
    /// `format: password` or `x-secret: true`.
    pub secret: bool,
    /// The schema is the boolean `false`: no value is valid.
    pub never: bool,
    /// The schema allows `null` and nothing else (`type: "null"`, `const: null`).
    pub only_null: bool,
}

impl Schema {
    /// Whether the schema says anything about the shape of a value (its type, its
    /// properties, its items, its alternatives), as opposed to annotations (`description`,
    /// `readOnly`, ...) and validation that does not change a type (`minLength`, ...).
    pub fn constrains_type(&self) -> bool {
        self.reference.is_some()
            || !self.types.is_empty()
            || self.enumeration.is_some()
            || !self.properties.is_empty()
            || self.additional.is_some()
            || self.items.is_some()
            || !self.prefix_items.is_empty()
            || !self.all_of.is_empty()
            || !self.one_of.is_empty()
            || !self.any_of.is_empty()
            || self.format.is_some()
            || self.never
    }
}

/// Every schema of a document.
#[derive(Debug, Default)]
pub struct Schemas {
    nodes: Vec<Schema>,
    by_pointer: HashMap<Pointer, SchemaId>,
    /// `components/schemas`, in document order.
    components: Vec<(String, SchemaId)>,
}

impl Schemas {
    /// The schema behind `id`.
    ///
    /// Ids are only made by the reader for schemas it stored, so the lookup cannot miss;
    /// a foreign id would get an empty schema rather than a panic.
    pub fn get(&self, id: SchemaId) -> &Schema {
        static EMPTY: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
        self.nodes
            .get(id.0)
            .unwrap_or_else(|| EMPTY.get_or_init(Schema::default))
    }

    /// The schema written at `pointer`, if one was read there.
    pub fn at(&self, pointer: &Pointer) -> Option<SchemaId> {
        self.by_pointer.get(pointer).copied()
    }

    /// The entries of `components/schemas`, in document order.
    pub fn components(&self) -> &[(String, SchemaId)] {
        &self.components
    }

    /// How many schemas were read.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Every schema's id, in the order they were read.
    pub fn ids(&self) -> impl Iterator<Item = SchemaId> + use<> {
        (0..self.nodes.len()).map(SchemaId)
    }
}

/// Building the arena (for the reader only).
impl Schemas {
    pub(super) fn insert(&mut self, schema: Schema) -> SchemaId {
        let id = SchemaId(self.nodes.len());
        self.by_pointer.insert(schema.pointer.clone(), id);
        self.nodes.push(schema);
        id
    }

    pub(super) fn replace(&mut self, id: SchemaId, schema: Schema) {
        if let Some(slot) = self.nodes.get_mut(id.0) {
            *slot = schema;
        }
    }

    pub(super) fn set_target(&mut self, id: SchemaId, target: Option<SchemaId>) {
        if let Some(reference) = self.nodes.get_mut(id.0).and_then(|s| s.reference.as_mut()) {
            reference.target = target;
        }
    }

    pub(super) fn push_component(&mut self, name: &str, id: SchemaId) {
        self.components.push((name.to_owned(), id));
    }

    pub(super) fn id(index: usize) -> SchemaId {
        SchemaId(index)
    }
}
