//! Alternatives (`oneOf`, `anyOf`, 3.1 `type` lists) -> Rust enums.
//!
//! A union is tagged when a property tells its alternatives apart: the `discriminator`'s,
//! or a property that every alternative declares with a single, different value (the
//! `state: "attached"` pattern). Otherwise it is untagged: alternatives are tried in turn,
//! ordered so that a more specific one comes before one that would also accept its values
//! (a UUID before a free string, an integer before a number, an object with more required
//! properties before one with fewer, any JSON last).

use super::Lowerer;
use super::schema::docs_of;
use super::shape::{Alternatives, ObjectParts, Shape};
use crate::load::schema::{JsonType, SchemaId};
use crate::model::{Docs, Scalar, Tagging, Ty, TypeKind, Union, UnionVariant};
use crate::naming::{self, Namespace, RustIdent};

/// A property that tells the alternatives apart, and each alternative's value of it.
struct Tag {
    property: String,
    /// Per alternative: its schema, its tag value, and its object's properties.
    alternatives: Vec<(SchemaId, String, ObjectParts)>,
    /// The alternatives' own types declare the property (see [`Tagging::Embedded`]).
    embedded: bool,
}

impl Lowerer<'_> {
    /// The enum for the alternatives of schema `id`.
    pub(super) fn union_of(
        &mut self,
        id: SchemaId,
        alternatives: &Alternatives,
        name: &str,
    ) -> TypeKind {
        match self.find_tag(alternatives) {
            Some(tag) => self.tagged_union(tag, name),
            None => self.untagged_union(id, alternatives, name),
        }
    }

    /// The tag of a union, if it has one.
    fn find_tag(&mut self, alternatives: &Alternatives) -> Option<Tag> {
        let discriminator = alternatives
            .discriminated
            .and_then(|id| self.analysis.get(id).discriminator.clone());
        let parts: Vec<ObjectParts> = alternatives
            .schemas
            .iter()
            .map(|alt| self.analysis.object_parts(*alt))
            .collect::<Option<_>>()?;
        let candidates: Vec<String> = match &discriminator {
            Some(discriminator) => vec![discriminator.property.clone()],
            None => parts
                .first()?
                .properties
                .iter()
                .map(|(name, _)| name.clone())
                .collect(),
        };
        for property in candidates {
            let mut found = Vec::with_capacity(parts.len());
            for (alt, alt_parts) in alternatives.schemas.iter().zip(&parts) {
                let value = self.tag_value(*alt, alt_parts, &property, discriminator.as_ref());
                match value {
                    Some(value) if !found.iter().any(|(_, v, _)| *v == value) => {
                        found.push((*alt, value, alt_parts.clone()));
                    }
                    _ => break,
                }
            }
            if found.len() != parts.len() {
                continue;
            }
            let embedded = self.tag_is_embedded(&found, &property)?;
            return Some(Tag {
                property,
                alternatives: found,
                embedded,
            });
        }
        if let (Some(discriminator), Some(id)) = (&discriminator, alternatives.discriminated) {
            let pointer = self.analysis.get(id).pointer.push("discriminator");
            self.diagnostics.warning(
                &pointer,
                format!(
                    "the alternatives cannot all be told apart by `{}`; they are tried in turn",
                    discriminator.property
                ),
            );
        }
        None
    }

    /// The value of `property` that names alternative `alt`: from the discriminator's
    /// `mapping`, from a single-value `enum`/`const` on the property, or (with a
    /// discriminator) the name of the component the alternative refers to.
    fn tag_value(
        &self,
        alt: SchemaId,
        parts: &ObjectParts,
        property: &str,
        discriminator: Option<&crate::load::schema::Discriminator>,
    ) -> Option<String> {
        let resolved = self.analysis.resolve(alt);
        if let Some(discriminator) = discriminator {
            let mapped = discriminator.mapping.iter().find(|(_, reference)| {
                let pointer = mapping_pointer(reference);
                pointer.is_some_and(|p| {
                    self.schemas.at(&p).map(|t| self.analysis.resolve(t)) == Some(resolved)
                })
            });
            if let Some((value, _)) = mapped {
                return Some(value.clone());
            }
        }
        let declared = parts
            .properties
            .iter()
            .find(|(name, _)| name == property)
            .and_then(|(_, schemas)| {
                schemas.iter().find_map(|id| {
                    match self.analysis.shape(self.analysis.resolve(*id)) {
                        Shape::StringEnum(values) if values.len() == 1 => {
                            values.into_iter().next().map(|v| v.value)
                        }
                        _ => None,
                    }
                })
            });
        if declared.is_some() {
            return declared;
        }
        let referenced = self.analysis.get(alt).reference.is_some() && resolved != alt;
        (discriminator.is_some() && referenced)
            .then(|| self.analysis.get(resolved).pointer.last())
            .flatten()
    }

    /// Whether the alternatives' own types keep the tag property: alternatives that refer
    /// to schemas of their own must be used as they are, so either all of those declare
    /// the property (embedded) or none does (internal). `None` when they disagree.
    fn tag_is_embedded(
        &self,
        alternatives: &[(SchemaId, String, ObjectParts)],
        property: &str,
    ) -> Option<bool> {
        let mut declares = alternatives
            .iter()
            .filter(|(alt, _, _)| self.is_referenced(*alt))
            .map(|(_, _, parts)| parts.properties.iter().any(|(name, _)| name == property));
        match declares.next() {
            None => Some(false),
            Some(first) => declares.all(|d| d == first).then_some(first),
        }
    }

    /// Whether an alternative is a reference to a schema that has a type of its own.
    fn is_referenced(&self, alt: SchemaId) -> bool {
        let resolved = self.analysis.resolve(alt);
        resolved != alt && (self.named.contains_key(&resolved) || self.is_component(resolved))
    }

    fn is_component(&self, id: SchemaId) -> bool {
        self.schemas.components().iter().any(|(_, c)| *c == id)
    }

    fn tagged_union(&mut self, tag: Tag, name: &str) -> TypeKind {
        let mut names = Namespace::default();
        let mut variants = Vec::with_capacity(tag.alternatives.len());
        for (alt, value, parts) in &tag.alternatives {
            let variant = names.claim(&naming::type_name(value));
            let hint = format!("{name}{variant}");
            let ty = if tag.embedded || self.is_referenced(*alt) {
                Some(self.ty_of(*alt, &hint))
            } else {
                self.payload_without_tag(*alt, parts, &tag.property, &hint)
            };
            variants.push(UnionVariant {
                name: variant,
                tag: Some(value.clone()),
                ty,
                boxed: false,
                docs: self.variant_docs(*alt),
            });
        }
        let unknown = names.claim(&naming::type_name("Unknown"));
        let tagging = if tag.embedded {
            Tagging::Embedded {
                property: tag.property,
            }
        } else {
            Tagging::Internal {
                property: tag.property,
            }
        };
        TypeKind::Union(Union {
            tagging,
            variants,
            unknown: Some(unknown),
        })
    }

    /// The payload of an alternative written in place, without the tag property (which
    /// the union reads and writes): a struct, or nothing when the tag is all it has.
    fn payload_without_tag(
        &mut self,
        alt: SchemaId,
        parts: &ObjectParts,
        property: &str,
        hint: &str,
    ) -> Option<Ty> {
        let only_tag =
            parts.properties.iter().all(|(name, _)| name == property) && parts.additional.is_none();
        if only_tag {
            return None;
        }
        let docs = docs_of(self.analysis.get(alt));
        let pointer = self.analysis.get(alt).pointer.clone();
        let type_id = self.declare(hint, docs, super::Origin::Inline(&pointer));
        let type_name = self.type_name(type_id).to_owned();
        let strukt = self.struct_of(parts, &type_name, Some(property));
        self.set_kind(type_id, TypeKind::Struct(strukt));
        Some(Ty::Named(type_id))
    }

    fn variant_docs(&self, alt: SchemaId) -> Docs {
        let annotations = self.analysis.annotations(alt);
        Docs {
            summary: annotations.title,
            description: annotations.description,
            ..Docs::default()
        }
    }

    fn untagged_union(
        &mut self,
        id: SchemaId,
        alternatives: &Alternatives,
        name: &str,
    ) -> TypeKind {
        let mut names = Namespace::default();
        let mut variants = Vec::with_capacity(alternatives.schemas.len());
        for alt in &alternatives.schemas {
            let variant = names.claim(&self.variant_name(*alt));
            let ty = self.ty_of(*alt, &format!("{name}{variant}"));
            let rank = self.rank(*alt);
            let variant = UnionVariant {
                name: variant,
                tag: None,
                ty: Some(ty),
                boxed: false,
                docs: self.variant_docs(*alt),
            };
            variants.push((rank, variant));
        }
        self.order_untagged(id, variants)
    }

    /// The variant name of an untagged alternative: the schema it refers to, its title, or
    /// what it is.
    fn variant_name(&self, alt: SchemaId) -> RustIdent {
        let resolved = self.analysis.resolve(alt);
        if resolved != alt {
            if let Some(def) = self
                .named
                .get(&resolved)
                .and_then(|id| self.types.get(id.0))
            {
                return def.name.clone();
            }
            if let Some(last) = self.analysis.get(resolved).pointer.last() {
                if self.is_component(resolved) {
                    return naming::type_name(&last);
                }
            }
        }
        if let Some(title) = self.analysis.annotations(alt).title {
            return naming::type_name(&title);
        }
        let what = match self.analysis.shape(resolved) {
            Shape::Scalar(scalar) => scalar_variant(scalar),
            Shape::StringEnum(_) => "String",
            Shape::Array(_) => "Array",
            Shape::Tuple(_) => "Tuple",
            Shape::Object(_) | Shape::Map(_) => "Object",
            _ => "Value",
        };
        naming::compose(&[what])
    }

    /// The union for a 3.1 `type` list of several types.
    pub(super) fn type_list_union(
        &mut self,
        id: SchemaId,
        types: &[JsonType],
        name: &str,
    ) -> TypeKind {
        let schema = self.analysis.get(id);
        let format = schema.format.clone();
        let array = super::shape::array_shape(schema);
        let additional = schema.additional;
        let has_properties = !schema.properties.is_empty();
        let mut variants = Vec::with_capacity(types.len());
        for ty in types {
            let rust = match ty {
                JsonType::Array => match &array {
                    Shape::Tuple(items) => self.tuple_of(items, &format!("{name}Array")),
                    Shape::Array(Some(items)) => {
                        Ty::Vec(Box::new(self.ty_of(*items, &format!("{name}Item"))))
                    }
                    Shape::Unsupported(reason) => self.unsupported(id, reason.clone()),
                    _ => Ty::Vec(Box::new(
                        self.untyped(id, crate::model::UntypedReason::AnyValue),
                    )),
                },
                JsonType::Object if has_properties => {
                    // The schema's own properties: `object_parts` refuses a schema that
                    // allows other types besides objects.
                    let parts = super::shape::local_object_parts(self.analysis.get(id));
                    let pointer = self.analysis.get(id).pointer.clone();
                    let type_id = self.declare(
                        &format!("{name}Object"),
                        Docs::default(),
                        super::Origin::Inline(&pointer),
                    );
                    let type_name = self.type_name(type_id).to_owned();
                    let strukt = self.struct_of(&parts, &type_name, None);
                    self.set_kind(type_id, TypeKind::Struct(strukt));
                    Ty::Named(type_id)
                }
                JsonType::Object => Ty::Map(Box::new(match additional {
                    Some(crate::load::schema::Additional::Schema(values)) => {
                        self.ty_of(values, &format!("{name}Value"))
                    }
                    _ => self.untyped(id, crate::model::UntypedReason::FreeFormValues),
                })),
                other => Ty::Scalar(super::shape::scalar(*other, format.as_deref())),
            };
            let (name, rank) = match &rust {
                Ty::Scalar(scalar) => (scalar_variant(*scalar), (scalar_rank(*scalar), 0)),
                Ty::Vec(_) | Ty::Tuple(_) => ("Array", (50, 0)),
                Ty::Map(_) => ("Object", (70, 0)),
                _ => ("Object", (60, 0)),
            };
            let variant = UnionVariant {
                name: naming::compose(&[name]),
                tag: None,
                ty: Some(rust),
                boxed: false,
                docs: Docs::default(),
            };
            variants.push((rank, variant));
        }
        self.order_untagged(id, variants)
    }

    /// Orders untagged variants so that none shadows a later one, and warns about pairs
    /// that accept the same values.
    fn order_untagged(&mut self, id: SchemaId, mut ranked: Vec<(Rank, UnionVariant)>) -> TypeKind {
        ranked.sort_by_key(|(rank, _)| *rank);
        let pointer = self.analysis.get(id).pointer.clone();
        for pair in ranked.windows(2) {
            let [(first_rank, first), (second_rank, second)] = pair else {
                continue;
            };
            if first_rank.0 == second_rank.0 && CATCH_ALL.contains(&first_rank.0) {
                self.diagnostics.warning(
                    &pointer,
                    format!(
                        "alternatives `{}` and `{}` accept the same values; a value that fits \
                         both decodes as `{}`",
                        first.name, second.name, first.name
                    ),
                );
            }
        }
        TypeKind::Union(Union {
            tagging: Tagging::Untagged,
            variants: ranked.into_iter().map(|(_, variant)| variant).collect(),
            unknown: None,
        })
    }

    /// Where an alternative goes in the order of an untagged union: its class of JSON
    /// values (more specific classes first), then, for objects, more required properties
    /// first.
    fn rank(&self, alt: SchemaId) -> Rank {
        match self.analysis.shape(self.analysis.resolve(alt)) {
            Shape::Scalar(scalar) => (scalar_rank(scalar), 0),
            Shape::StringEnum(_) => (38, 0),
            // A tuple accepts fewer arrays than a list does.
            Shape::Tuple(_) => (49, 0),
            Shape::Array(_) => (50, 0),
            Shape::Object(parts) => (60, -count(parts.required.len())),
            Shape::Map(_) => (70, 0),
            Shape::Union(_) | Shape::Types(_) => (80, 0),
            Shape::Same(_) | Shape::Any | Shape::Unsupported(_) => (99, 0),
        }
    }
}

/// A variant's place in an untagged union: its class, then its order within the class.
type Rank = (u8, i64);

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Ranks of classes that accept every value of their JSON type: two variants of the same
/// such class cannot be told apart.
const CATCH_ALL: [u8; 5] = [10, 39, 38, 70, 99];

fn scalar_rank(scalar: Scalar) -> u8 {
    match scalar {
        Scalar::Bool => 10,
        Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64 => 20,
        Scalar::U8 | Scalar::U16 | Scalar::U32 | Scalar::U64 => 21,
        Scalar::F64 => 22,
        Scalar::Uuid => 30,
        Scalar::DateTime => 31,
        Scalar::Date => 32,
        Scalar::String => 39,
        Scalar::Json | Scalar::Upload => 99,
    }
}

fn scalar_variant(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::String => "String",
        Scalar::Bool => "Boolean",
        Scalar::F64 => "Number",
        Scalar::Uuid => "Uuid",
        Scalar::DateTime => "DateTime",
        Scalar::Date => "Date",
        Scalar::Json => "Value",
        Scalar::Upload => "Upload",
        _ => "Integer",
    }
}

/// The pointer a discriminator `mapping` value names: a `$ref` string, or the bare name of
/// a component schema.
fn mapping_pointer(reference: &str) -> Option<crate::diagnostic::Pointer> {
    if reference.contains('#') || reference.contains('/') {
        crate::diagnostic::Pointer::from_ref(reference)
    } else {
        Some(
            crate::diagnostic::Pointer::root()
                .push("components")
                .push("schemas")
                .push(reference),
        )
    }
}
