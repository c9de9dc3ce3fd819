//! Named types: structs, enums and aliases, and the type expressions that refer to them.

/// Index of a [`TypeDef`] in [`super::Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Documentation carried over from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// A one-line summary (`summary`, or `title` on schemas).
    pub summary: Option<String>,
    /// The long text (`description`).
    pub description: Option<String>,
    /// Notes the generator adds (where a type came from, why a fallback was used); they
    /// may quote the spec, so they are escaped like it.
    pub notes: Vec<String>,
    /// Paragraphs the generator writes as rustdoc, intra-doc links included: used as they
    /// are, after the spec's text.
    pub rustdoc: Vec<String>,
}

/// A named type of the generated crate.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, unique in the crate.
    pub name: String,
    /// Its documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum, open to values the spec does not list.
    Enum(Enum),
    /// Another name for a type expression (`type Foo = Vec<Bar>;`).
    Alias(Ty),
}

/// Why a struct exists, when it was derived from another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derivation {
    /// The request form of `from`: the same fields less the `readOnly` ones.
    Input,
    /// The partial-update form of `from`: every writable field optional, only the set ones sent.
    Patch,
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Its properties, in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties`: the type of values kept under keys that are not fields.
    pub additional: Option<Ty>,
    /// Set when this struct is derived from another one.
    pub derived: Option<(TypeId, Derivation)>,
}

/// One property of an object type.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON key.
    pub wire: String,
    /// The Rust field name.
    pub name: String,
    /// The value's type, without the `Option` that optionality adds.
    pub ty: Ty,
    /// Listed in `required`: the field is always present.
    pub required: bool,
    /// `nullable: true`: `null` is a valid value.
    pub nullable: bool,
    /// `default`, when it can be written as a Rust literal of the field's type.
    pub default: Option<serde_json::Value>,
    /// The field refers back to its own struct (directly or through others): boxed.
    pub boxed: bool,
    /// `readOnly: true`: sent by the server only.
    pub read_only: bool,
    /// Marked secret (`format: password` or `x-secret: true`): redacted in `Debug`.
    pub secret: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Its documentation.
    pub docs: Docs,
}

impl Field {
    /// Whether the Rust field is an `Option`: it may be absent (and has no default to take
    /// its place) or `null`.
    pub fn is_option(&self) -> bool {
        self.nullable || (!self.required && self.default.is_none())
    }
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// The values the spec lists, in spec order.
    pub variants: Vec<Variant>,
    /// The name of the variant that keeps any other value.
    pub unknown: String,
}

/// One listed enum value.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub name: String,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A built-in scalar.
    Scalar(Scalar),
    /// A named type of the crate.
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// A string-keyed map, `BTreeMap<String, T>`.
    Map(Box<Ty>),
}

/// Built-in scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`integer` without a narrower format).
    I64,
    /// `f64` (`number`).
    F64,
    /// `chrono::DateTime<Utc>` (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `serde_json::Value`: any JSON, or a schema that cannot be typed more precisely.
    Json,
}
