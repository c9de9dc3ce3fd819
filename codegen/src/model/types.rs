//! Named types: structs, enums and aliases, and the type expressions that refer to them.

use crate::naming::RustIdent;

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
    pub name: RustIdent,
    /// Its documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
    /// The features that compile it: those of the operations that use it.
    pub gate: super::Gate,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum, open to values the spec does not list.
    Enum(Enum),
    /// One of several alternatives (`oneOf`, `anyOf`, a `type` list).
    Union(Union),
    /// Another name for a type expression (`type Foo = Vec<Bar>;`).
    Alias(Ty),
}

/// Why a struct exists, when it was derived from another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derivation {
    /// The request form of `from`: the same fields less the `readOnly` ones (in nested
    /// objects too).
    Input,
    /// The partial-update form of `from`: every writable field optional, only the set ones
    /// sent, nullable ones able to send `null`.
    Patch,
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Its properties, in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties the description does not declare.
    pub extra: Extra,
    /// Set when this struct is derived from another one.
    pub derived: Option<(TypeId, Derivation)>,
    /// A partial update (a PATCH body): every field may be left out, and a nullable field
    /// can be set to `null`, which is not the same as leaving it out.
    pub partial: bool,
    /// A multipart form: sent as parts, not as JSON, so it has no serde impls; its binary
    /// properties are uploads.
    pub multipart: bool,
}

/// The properties an object may have besides its declared ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// None (`additionalProperties: false`).
    Forbidden,
    /// Any, kept as JSON in the named field and written back unchanged, so that what a
    /// newer server sends survives a read-modify-write.
    Kept {
        /// The Rust field holding them, clear of the declared fields' names.
        field: RustIdent,
    },
    /// Values of one type (`additionalProperties: <schema>`), kept in the named field.
    Typed {
        /// The Rust field holding them.
        field: RustIdent,
        /// Their type.
        ty: Ty,
    },
}

impl Extra {
    /// The Rust field holding extra properties, if there is one.
    pub fn field(&self) -> Option<&RustIdent> {
        match self {
            Self::Forbidden => None,
            Self::Kept { field } | Self::Typed { field, .. } => Some(field),
        }
    }
}

/// What an API description says a valid value is beyond its type: a number's bounds, a
/// string's length and pattern, a list's length. Documented, not checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// `minimum`, `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum`, `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `pattern`: a regular expression a string matches.
    pub pattern: Option<String>,
}

/// A bound of a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The bound.
    pub value: f64,
    /// The bound itself is not allowed (`exclusiveMinimum`, `exclusiveMaximum`).
    pub exclusive: bool,
}

/// One property of an object type.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON key.
    pub wire: String,
    /// The Rust field name.
    pub name: RustIdent,
    /// The value's type, [`Ty::Option`] when `null` is a valid value, without the `Option`
    /// that optionality adds.
    pub ty: Ty,
    /// Listed in `required`: the field is always present.
    pub required: bool,
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
    /// What a valid value is beyond its type.
    pub limits: Limits,
    /// Its documentation.
    pub docs: Docs,
}

impl Field {
    /// Whether `null` is a valid value.
    pub fn nullable(&self) -> bool {
        matches!(self.ty, Ty::Option(_))
    }

    /// Whether the Rust field is an `Option`: it may be absent (and has no default to take
    /// its place) or `null`.
    pub fn is_option(&self) -> bool {
        self.nullable() || (!self.required && self.default.is_none())
    }

    /// The value's type without the `Option` of nullability.
    pub fn value_ty(&self) -> &Ty {
        match &self.ty {
            Ty::Option(inner) => inner,
            ty => ty,
        }
    }
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// The values the spec lists, in spec order.
    pub variants: Vec<Variant>,
    /// The name of the variant that keeps any other value.
    pub unknown: RustIdent,
}

/// One listed enum value.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub name: RustIdent,
    /// What the description says of this value.
    pub docs: Docs,
}

/// A value that is one of several alternatives.
#[derive(Debug, Clone)]
pub struct Union {
    /// How a value says which alternative it is.
    pub tagging: Tagging,
    /// The alternatives, in the order they are tried when decoding an untagged value.
    pub variants: Vec<UnionVariant>,
    /// For a tagged union, the variant that keeps a value whose tag this version does not
    /// know (as JSON, written back unchanged).
    pub unknown: Option<RustIdent>,
}

/// How a union's alternatives are told apart on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tagging {
    /// By the value of `property`, which the variants' own types do not declare: the union
    /// reads and writes it (serde's internally tagged representation).
    Internal {
        /// The tag property's JSON key.
        property: String,
    },
    /// By the value of `property`, which every variant's type declares itself (OpenAPI's
    /// `discriminator` over referenced schemas).
    Embedded {
        /// The tag property's JSON key.
        property: String,
    },
    /// By shape: each alternative is tried in turn, the first that decodes wins.
    Untagged,
}

/// One alternative of a [`Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: RustIdent,
    /// The tag value naming this alternative, for tagged unions.
    pub tag: Option<String>,
    /// What it holds; `None` for an alternative with nothing besides its tag.
    pub ty: Option<Ty>,
    /// The value refers back to its own union (directly or through others): boxed.
    pub boxed: bool,
    /// Its documentation.
    pub docs: Docs,
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
    /// `Option<T>`: `null` is a valid value.
    Option(Box<Ty>),
    /// A tuple, `(A, B)`: an array of exactly these items, in this order (`prefixItems`).
    Tuple(Vec<Ty>),
}

impl Ty {
    /// `Option<self>`, unless `self` already allows `null`.
    #[must_use]
    pub fn nullable(self) -> Self {
        match self {
            Self::Option(_) => self,
            other => Self::Option(Box::new(other)),
        }
    }

    /// `self` without the `Option` of nullability.
    pub fn non_null(&self) -> &Self {
        match self {
            Self::Option(inner) => inner,
            other => other,
        }
    }
}

/// Built-in scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i8` (`format: int8`).
    I8,
    /// `i16` (`format: int16`).
    I16,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`integer` without a narrower format).
    I64,
    /// `u8` (`format: uint8`).
    U8,
    /// `u16` (`format: uint16`).
    U16,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64` or `uint`).
    U64,
    /// `f64` (`number`).
    F64,
    /// `chrono::DateTime<Utc>` (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// Bytes to send (a binary body, a file of a multipart form): the runtime's `Upload`.
    Upload,
    /// `serde_json::Value`: any JSON.
    Json,
}

impl Scalar {
    /// Whether the scalar is a whole number.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Self::I8
                | Self::I16
                | Self::I32
                | Self::I64
                | Self::U8
                | Self::U16
                | Self::U32
                | Self::U64
        )
    }

    /// Whether the scalar is a number.
    pub fn is_number(self) -> bool {
        self.is_integer() || self == Self::F64
    }
}
