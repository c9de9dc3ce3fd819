//! Schemas -> named types and type expressions.
//!
//! [`super::shape`] says what a schema describes; this module gives it a Rust type: a
//! scalar, a `Vec` or map of what its items are, or a named type (struct, enum, union) for
//! objects, string lists and alternatives. Nullability belongs to each use of a type: a
//! schema that allows `null` is used as `Option<…>`, whatever the path to it (a `$ref`, an
//! `allOf` wrapper, an `anyOf` with `null`).

use std::collections::HashSet;

use super::shape::{EnumValue, ObjectParts, Shape};
use super::{Lowerer, Origin};
use crate::diagnostic::Pointer;
use crate::load::Version;
use crate::load::schema::{Additional, SchemaId};
use crate::model::{
    Docs, Enum, Example, Extra, Field, Scalar, Struct, Ty, TypeKind, Untyped, UntypedReason,
    Variant,
};
use crate::naming::{self, Namespace};

/// The field that keeps undeclared properties, named clear of the declared ones.
const EXTRA_FIELD: &str = "extra";

/// The field that holds `additionalProperties` of a declared type.
const ADDITIONAL_FIELD: &str = "additional_properties";

impl Lowerer<'_> {
    /// Declares a named type for every `components/schemas` entry, before any is lowered, so
    /// references resolve whatever their order.
    pub(super) fn declare_components(&mut self) {
        let schemas = self.schemas;
        for (name, id) in schemas.components() {
            let docs = docs_of(self.analysis.get(*id));
            let type_id = self.declare(name, docs, Origin::Component(name));
            self.named.insert(*id, type_id);
        }
    }

    /// Reports schemas whose `type` contradicts the schema their `$ref` names: an error in
    /// OpenAPI 3.1, where both apply and no value can match them; a warning in 3.0, which
    /// ignores keywords beside `$ref` (the reference is used).
    pub(super) fn check_reference_siblings(&mut self, version: Version) {
        let schemas = self.schemas;
        for id in schemas.ids() {
            let Some((own, theirs)) = self.analysis.reference_conflict(id) else {
                continue;
            };
            let schema = self.analysis.get(id);
            let target = schema
                .reference
                .as_ref()
                .map(|r| r.raw.replace('`', "'"))
                .unwrap_or_default();
            let conflict = format!(
                "`type: {}` beside `$ref: {target}` contradicts that schema, which allows only \
                 `{}`",
                match own.as_slice() {
                    [only] => only.name().to_owned(),
                    several => format!("[{}]", type_names(several, ", ")),
                },
                type_names(&theirs, "`, `")
            );
            let at = schema.pointer.push("type");
            match version {
                Version::V3_1 => self.diagnostics.error(
                    &at,
                    format!("{conflict}: no value matches both; remove one of the two"),
                ),
                Version::V3_0 => self.diagnostics.warning(
                    &at,
                    format!(
                        "{conflict}; the `type` is ignored, as OpenAPI 3.0 ignores keywords beside \
                         `$ref`"
                    ),
                ),
            }
        }
    }

    /// Lowers every `components/schemas` entry into the type declared for it.
    pub(super) fn lower_components(&mut self) {
        let schemas = self.schemas;
        for (_, id) in schemas.components() {
            let Some(&type_id) = self.named.get(id) else {
                continue;
            };
            let kind = self.named_kind(*id, type_id);
            self.set_kind(type_id, kind);
            let mut ty = Ty::Named(type_id);
            if self.analysis.nullable(*id) {
                ty = ty.nullable();
            }
            self.note_examples(*id, &ty);
        }
    }

    /// The type of a value described by schema `id`: `Option<…>` when it may be `null`.
    /// Objects, string lists and alternatives written in place become named types called
    /// `hint`.
    pub(super) fn ty_of(&mut self, id: SchemaId, hint: &str) -> Ty {
        let bare = self.ty_without_null(id, hint);
        let ty = if self.analysis.nullable(id) {
            bare.clone().nullable()
        } else {
            bare.clone()
        };
        self.note_examples(id, &ty);
        // The examples of a schema this one refers to that is not a component (a `$defs`
        // entry, any place a `$ref` names), which no other use records.
        let target = self.analysis.resolve(id);
        if target != id && !self.schemas.components().iter().any(|(_, c)| *c == target) {
            let target_ty = if self.analysis.nullable(target) {
                bare.nullable()
            } else {
                bare
            };
            self.note_examples(target, &target_ty);
        }
        ty
    }

    fn ty_without_null(&mut self, id: SchemaId, hint: &str) -> Ty {
        let id = self.analysis.resolve(id);
        match self.named.get(&id) {
            Some(&type_id) => Ty::Named(type_id),
            None => self.ty_of_shape(id, hint),
        }
    }

    /// The type of what `id` describes, declaring a named type for a structural shape.
    fn ty_of_shape(&mut self, id: SchemaId, hint: &str) -> Ty {
        match self.analysis.shape(id) {
            Shape::Same(target) if self.analysis.resolve(target) != id => {
                self.ty_without_null(target, hint)
            }
            Shape::Scalar(Scalar::Json) | Shape::Any | Shape::Same(_) => {
                self.untyped(id, UntypedReason::AnyValue)
            }
            Shape::Scalar(scalar) => Ty::Scalar(scalar),
            Shape::Array(items) => Ty::Vec(Box::new(match items {
                Some(items) => self.ty_of(items, &format!("{hint}Item")),
                None => self.untyped(id, UntypedReason::AnyValue),
            })),
            Shape::Tuple(items) => self.tuple_of(&items, hint),
            Shape::Map(values) => Ty::Map(Box::new(match values {
                Some(values) => self.ty_of(values, &format!("{hint}Value")),
                None => self.untyped(id, UntypedReason::FreeFormValues),
            })),
            Shape::Unsupported(reason) => self.unsupported(id, reason),
            shape @ (Shape::Object(_)
            | Shape::StringEnum(_)
            | Shape::Union(_)
            | Shape::Types(_)) => {
                let docs = docs_of(self.analysis.get(id));
                let pointer = self.analysis.get(id).pointer.clone();
                let type_id = self.declare(hint, docs, Origin::Inline(&pointer));
                self.named.insert(id, type_id);
                let name = self.type_name(type_id).to_owned();
                let kind = self.kind_of_shape(id, shape, &name);
                self.set_kind(type_id, kind);
                Ty::Named(type_id)
            }
        }
    }

    /// The kind of the named type `type_id` declared for the component schema `id`.
    fn named_kind(&mut self, id: SchemaId, type_id: crate::model::TypeId) -> TypeKind {
        let name = self.type_name(type_id).to_owned();
        let target = self.unnamed_target(id);
        let shape = self.analysis.shape(target);
        let structural = matches!(
            shape,
            Shape::Object(_) | Shape::StringEnum(_) | Shape::Union(_) | Shape::Types(_)
        );
        if structural && (target == id || !self.named.contains_key(&target)) {
            // A schema written elsewhere without a name of its own (behind a `$ref`, a
            // one-part `allOf`, a one-alternative `oneOf`): this component names it.
            self.named.insert(target, type_id);
            return self.kind_of_shape(target, shape, &name);
        }
        if target == id {
            return TypeKind::Alias(self.ty_of_shape(id, &name));
        }
        TypeKind::Alias(self.ty_without_null(target, &name))
    }

    /// The schema whose shape component `id` has, following references and one-part
    /// wrappers until a schema that has a type of its own (another component) or a shape.
    fn unnamed_target(&self, id: SchemaId) -> SchemaId {
        let mut current = id;
        for _ in 0..=self.schemas.len() {
            let resolved = self.analysis.resolve(current);
            if resolved != id && self.named.contains_key(&resolved) {
                return resolved;
            }
            match self.analysis.shape(resolved) {
                Shape::Same(next) if next != resolved && next != id => current = next,
                _ => return resolved,
            }
        }
        current
    }

    fn kind_of_shape(&mut self, id: SchemaId, shape: Shape, name: &str) -> TypeKind {
        let pointer = self.analysis.get(id).pointer.clone();
        match shape {
            Shape::Object(parts) => TypeKind::Struct(self.struct_of(&parts, name, None)),
            Shape::StringEnum(values) => TypeKind::Enum(self.enum_of(&values, &pointer)),
            Shape::Union(alternatives) => self.union_of(id, &alternatives, name),
            Shape::Types(types) => self.type_list_union(id, &types, name),
            _ => TypeKind::Alias(self.ty_without_null(id, name)),
        }
    }

    /// The struct for an object's properties; `without` names a property left out (the
    /// tag of a tagged union, which the union reads and writes itself).
    pub(super) fn struct_of(
        &mut self,
        parts: &ObjectParts,
        parent: &str,
        without: Option<&str>,
    ) -> Struct {
        let mut names = Namespace::default();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, schemas) in &parts.properties {
            if Some(wire.as_str()) == without {
                continue;
            }
            let required = parts.required.contains(wire);
            fields.push(self.field(wire, schemas, parent, &mut names, required));
        }
        let extra = match parts.additional {
            Some(Additional::Forbidden) => Extra::Forbidden,
            Some(Additional::Schema(values)) if self.analysis.get(values).constrains_type() => {
                let ty = self.ty_of(values, &format!("{parent}Value"));
                Extra::Typed {
                    field: names.claim(&naming::snake_name(ADDITIONAL_FIELD)),
                    ty,
                }
            }
            _ => Extra::Kept {
                field: names.claim(&naming::snake_name(EXTRA_FIELD)),
            },
        };
        Struct {
            fields,
            extra,
            derived: None,
            partial: false,
            multipart: false,
        }
    }

    /// One property; `schemas` are every schema that declares it (several when `allOf`
    /// parts repeat it).
    fn field(
        &mut self,
        wire: &str,
        schemas: &[SchemaId],
        parent: &str,
        names: &mut Namespace,
        required: bool,
    ) -> Field {
        let hint = format!("{parent}{}", naming::type_name(wire));
        let typed: Vec<SchemaId> = schemas
            .iter()
            .copied()
            .filter(|id| self.analysis.get(*id).constrains_type())
            .collect();
        let ty = match typed.as_slice() {
            [] => schemas
                .first()
                .map_or(Ty::Scalar(Scalar::Json), |id| self.ty_of(*id, &hint)),
            [first, rest @ ..] => {
                let ty = self.ty_of(*first, &hint);
                self.check_same_property(wire, *first, rest, ty)
            }
        };
        let mut annotations = super::shape::Annotations::default();
        for id in schemas {
            annotations.merge(self.analysis.annotations(*id));
        }
        let mut docs = Docs {
            summary: annotations.title,
            description: annotations.description,
            ..Docs::default()
        };
        if docs.description.is_none() {
            if let Ty::Named(id) = ty.non_null() {
                docs.description
                    .clone_from(&self.type_docs(*id).description);
            }
        }
        if let Some(id) = schemas.first() {
            docs.notes.extend(self.fallback_note(*id));
            docs.notes.extend(content_note(self.analysis.get(*id)));
        }
        Field {
            wire: wire.to_owned(),
            name: names.claim(&naming::snake_name(wire)),
            ty,
            required,
            default: annotations.default,
            boxed: false,
            read_only: annotations.read_only,
            secret: annotations.secret,
            deprecated: annotations.deprecated,
            limits: annotations.limits,
            docs,
        }
    }

    /// A property that `allOf` parts declare more than once: the same type, or a warning
    /// and untyped JSON (either declaration alone would refuse what the other allows).
    fn check_same_property(
        &mut self,
        wire: &str,
        first: SchemaId,
        rest: &[SchemaId],
        ty: Ty,
    ) -> Ty {
        let first_types = self.analysis.json_types(first);
        for other in rest {
            let other_types = self.analysis.json_types(*other);
            let same = self.analysis.resolve(first) == self.analysis.resolve(*other)
                || first_types.is_empty()
                || other_types.is_empty()
                || first_types == other_types;
            if !same {
                let pointer = self.analysis.get(*other).pointer.clone();
                self.diagnostics.warning(
                    &pointer,
                    format!(
                        "property `{wire}` is declared again with another type (first at {}); \
                         it is kept as untyped JSON",
                        self.analysis.get(first).pointer
                    ),
                );
                return self.untyped(
                    first,
                    UntypedReason::Unsupported(format!(
                        "`allOf` parts declare property `{wire}` with different types"
                    )),
                );
            }
        }
        ty
    }

    fn enum_of(&mut self, values: &[EnumValue], pointer: &Pointer) -> Enum {
        let mut names = Namespace::default();
        let mut seen = HashSet::new();
        let mut variants = Vec::with_capacity(values.len());
        for (index, value) in values.iter().enumerate() {
            if !seen.insert(value.value.as_str()) {
                self.diagnostics.warning(
                    &pointer.push("enum").push(index),
                    format!("`{}` is listed twice; the repeat is ignored", value.value),
                );
                continue;
            }
            let docs = value
                .from
                .map(|id| docs_of(self.analysis.get(id)))
                .unwrap_or_default();
            variants.push(Variant {
                wire: value.value.clone(),
                name: names.claim(&naming::type_name(&value.value)),
                docs,
            });
        }
        let unknown = if names.contains("Unknown") {
            names.claim(&naming::type_name("UnknownValue"))
        } else {
            naming::type_name("Unknown")
        };
        Enum { variants, unknown }
    }

    /// `serde_json::Value`, recorded with the reason.
    pub(super) fn untyped(&mut self, id: SchemaId, reason: UntypedReason) -> Ty {
        let pointer = self.analysis.get(id).pointer.clone();
        if !self.untyped.iter().any(|u| u.pointer == pointer) {
            self.untyped.push(Untyped { pointer, reason });
        }
        Ty::Scalar(Scalar::Json)
    }

    /// The tuple of `prefixItems`, each item's type named after its place if it needs a
    /// name.
    pub(super) fn tuple_of(&mut self, items: &[SchemaId], hint: &str) -> Ty {
        Ty::Tuple(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| self.ty_of(*item, &format!("{hint}Item{index}")))
                .collect(),
        )
    }

    pub(super) fn unsupported(&mut self, id: SchemaId, reason: String) -> Ty {
        let pointer = self.analysis.get(id).pointer.clone();
        self.diagnostics.warning(
            &pointer,
            format!("{reason}; the value is kept as untyped JSON"),
        );
        self.untyped(id, UntypedReason::Unsupported(reason))
    }

    /// Why a value of schema `id` is untyped JSON, for its docs.
    pub(super) fn fallback_note(&self, id: SchemaId) -> Option<String> {
        match self.analysis.shape(self.analysis.resolve(id)) {
            Shape::Unsupported(reason) => Some(format!("Kept as untyped JSON: {reason}.")),
            _ => None,
        }
    }

    /// Records the examples of schema `id` as values of `ty`, once.
    fn note_examples(&mut self, id: SchemaId, ty: &Ty) {
        if !self.examples_seen.insert(id) {
            return;
        }
        for (pointer, value) in &self.analysis.get(id).examples {
            self.examples.push(Example {
                pointer: pointer.clone(),
                ty: ty.clone(),
                value: value.clone(),
                mismatch: None,
                form: false,
            });
        }
    }
}

/// JSON type names, for messages.
fn type_names(types: &[crate::load::schema::JsonType], separator: &str) -> String {
    let names: Vec<&str> = types.iter().map(|ty| ty.name()).collect();
    names.join(separator)
}

/// The docs of a schema: `title` as summary, `description` as the body, and what its
/// text holds if it says (see [`content_note`]).
pub(super) fn docs_of(schema: &crate::load::schema::Schema) -> Docs {
    Docs {
        summary: schema.title.clone().filter(|t| !t.trim().is_empty()),
        description: schema.description.clone().filter(|d| !d.trim().is_empty()),
        notes: content_note(schema).into_iter().collect(),
        ..Docs::default()
    }
}

/// What a string holds when its schema says: `contentEncoding` and `contentMediaType`
/// (3.1), or `format: byte` (3.0's base64). The value stays the text as sent (a `String`):
/// the note tells the reader to decode it.
pub(super) fn content_note(schema: &crate::load::schema::Schema) -> Option<String> {
    let encoding = schema
        .content_encoding
        .as_deref()
        .or_else(|| (schema.format.as_deref() == Some("byte")).then_some("base64"));
    let media = schema
        .content_media_type
        .as_deref()
        .map(|media| format!(" `{}`", media.replace('`', "'")));
    let media = media.unwrap_or_default();
    match encoding {
        Some(encoding) if encoding.eq_ignore_ascii_case("base64") => Some(format!(
            "Base64-encoded{media} data, kept as the encoded text."
        )),
        Some(encoding) => Some(format!(
            "`{}`-encoded{media} data, kept as the encoded text.",
            encoding.replace('`', "'")
        )),
        None if !media.is_empty() => Some(format!("Text holding{media} content.")),
        None => None,
    }
}
