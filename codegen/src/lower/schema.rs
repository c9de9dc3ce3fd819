//! Schemas -> named types and type expressions.

use std::collections::HashSet;

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Lowerer, Origin, json_ty, ref_name, ref_problem};
use crate::diagnostic::Pointer;
use crate::model::{Docs, Enum, Field, Scalar, Struct, Ty, TypeKind, Variant};
use crate::naming::{self, Namespace};

/// The doc note of a value whose schema is a combination the generator does not type.
const ALTERNATIVES_NOTE: &str = "The schema combines several alternatives (`oneOf`/`anyOf`/`allOf`), \
                                 which are kept as untyped JSON.";

/// An object schema seen through the parts that matter for a struct, whether it was written
/// as `type: object`, without a `type`, or as an `allOf` of objects.
struct ObjectView<'a> {
    properties: Vec<(&'a str, &'a ReferenceOr<Box<Schema>>, Pointer)>,
    required: HashSet<&'a str>,
    additional: Option<(&'a AdditionalProperties, Pointer)>,
}

/// What a schema becomes.
enum Shape<'a> {
    Object(ObjectView<'a>),
    Enum(Vec<&'a str>),
    Plain,
}

impl<'a> Lowerer<'a> {
    /// Declares a named type for every `components/schemas` entry, before any is lowered, so
    /// references resolve whatever their order.
    pub(super) fn declare_components(&mut self) {
        let spec = self.spec;
        let Some(components) = &spec.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let docs = match schema {
                ReferenceOr::Item(schema) => docs_of(&schema.schema_data),
                ReferenceOr::Reference { .. } => Docs::default(),
            };
            let id = self.declare(name, docs, Origin::Component(name));
            self.components.insert(name.as_str(), id);
        }
    }

    /// Lowers every `components/schemas` entry into the type declared for it.
    pub(super) fn lower_components(&mut self) {
        let spec = self.spec;
        let Some(components) = &spec.components else {
            return;
        };
        let base = Pointer::root().push("components").push("schemas");
        for (raw_name, schema) in &components.schemas {
            let Some(&id) = self.components.get(raw_name.as_str()) else {
                continue;
            };
            let pointer = base.push(raw_name);
            let kind = match schema {
                ReferenceOr::Reference { reference } => {
                    TypeKind::Alias(self.schema_ref(reference, &pointer))
                }
                ReferenceOr::Item(schema) => {
                    let name = self.types[id.0].name.clone();
                    self.named_kind(schema, &pointer, &name)
                }
            };
            self.types[id.0].kind = kind;
            // Notes about the schema itself (a fallback to JSON) belong to its type.
            let notes = std::mem::take(&mut self.pending_notes);
            self.types[id.0].docs.notes.extend(notes);
        }
    }

    /// Resolves a schema `$ref` to the type declared for its target.
    pub(super) fn schema_ref(&mut self, reference: &str, pointer: &Pointer) -> Ty {
        let Some(name) = ref_name(reference, "schemas") else {
            self.diagnostics
                .error(pointer, ref_problem(reference, "schemas"));
            return json_ty();
        };
        match self.components.get(name.as_str()) {
            Some(&id) => Ty::Named(id),
            None => {
                self.diagnostics.error(
                    pointer,
                    format!("`$ref: {reference}` points to a schema that does not exist"),
                );
                json_ty()
            }
        }
    }

    /// The type of a schema used in place; inline objects and enums become new types named
    /// `hint`.
    pub(super) fn ty_of(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        pointer: &Pointer,
        hint: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, pointer, hint),
        }
    }

    /// [`Self::ty_of`] for the boxed schemas found inside objects and arrays.
    fn ty_of_boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        pointer: &Pointer,
        hint: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, pointer, hint),
        }
    }

    fn ty_of_schema(&mut self, schema: &'a Schema, pointer: &Pointer, hint: &str) -> Ty {
        // An `allOf` that includes a referenced object copies that object's properties, so
        // the same inline schema can be reached again, even from inside itself (a property
        // of `Thing` that is an `allOf` of `Thing`). It is one type: declared before its
        // members are lowered, and found again by its place in the document.
        let key: *const Schema = schema;
        if let Some(&id) = self.inline.get(&key) {
            return Ty::Named(id);
        }
        match self.shape(schema, pointer) {
            Shape::Plain => self.plain_ty(schema, pointer, hint),
            shape => {
                let id = self.declare(hint, docs_of(&schema.schema_data), Origin::Inline(pointer));
                self.inline.insert(key, id);
                let name = self.types[id.0].name.clone();
                self.types[id.0].kind = self.kind_of_shape(shape, pointer, &name);
                Ty::Named(id)
            }
        }
    }

    /// The kind of a type given a name: objects become structs, string enums enums, anything
    /// else an alias.
    fn named_kind(&mut self, schema: &'a Schema, pointer: &Pointer, name: &str) -> TypeKind {
        match self.shape(schema, pointer) {
            Shape::Plain => TypeKind::Alias(self.plain_ty(schema, pointer, name)),
            shape => self.kind_of_shape(shape, pointer, name),
        }
    }

    fn kind_of_shape(&mut self, shape: Shape<'a>, pointer: &Pointer, name: &str) -> TypeKind {
        match shape {
            Shape::Object(view) => TypeKind::Struct(self.struct_of(view, name)),
            Shape::Enum(values) => TypeKind::Enum(self.enum_of(&values, pointer)),
            Shape::Plain => TypeKind::Alias(json_ty()),
        }
    }

    fn shape(&mut self, schema: &'a Schema, pointer: &Pointer) -> Shape<'a> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                Shape::Object(object_view(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                    pointer,
                ))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => Shape::Object(object_view(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                pointer,
            )),
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                Shape::Enum(
                    string
                        .enumeration
                        .iter()
                        .flatten()
                        .map(String::as_str)
                        .collect(),
                )
            }
            SchemaKind::Any(any)
                if !any.enumeration.is_empty()
                    && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                Shape::Enum(any.enumeration.iter().filter_map(|v| v.as_str()).collect())
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => self
                .merge_all_of(all_of, pointer)
                .map_or(Shape::Plain, Shape::Object),
            _ => Shape::Plain,
        }
    }

    /// Merges an `allOf` whose parts are all objects into one object; `None` when a part is
    /// something else.
    fn merge_all_of(
        &mut self,
        parts: &'a [ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> Option<ObjectView<'a>> {
        let spec = self.spec;
        let mut merged = ObjectView {
            properties: Vec::new(),
            required: HashSet::new(),
            additional: None,
        };
        let mut seen = HashSet::new();
        for (index, part) in parts.iter().enumerate() {
            let (schema, at) = match part {
                ReferenceOr::Item(schema) => (schema, pointer.push("allOf").push(index)),
                ReferenceOr::Reference { reference } => {
                    let name = ref_name(reference, "schemas")?;
                    let schema = spec.components.as_ref()?.schemas.get(&name)?.as_item()?;
                    (
                        schema,
                        Pointer::root()
                            .push("components")
                            .push("schemas")
                            .push(&name),
                    )
                }
            };
            let view = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => object_view(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                    &at,
                ),
                SchemaKind::Any(any) if !any.properties.is_empty() => object_view(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    &at,
                ),
                _ => return None,
            };
            for property in view.properties {
                if seen.insert(property.0) {
                    merged.properties.push(property);
                }
            }
            merged.required.extend(view.required);
            merged.additional = merged.additional.or(view.additional);
        }
        Some(merged)
    }

    fn struct_of(&mut self, view: ObjectView<'a>, parent: &str) -> Struct {
        let mut names = Namespace::default();
        let mut fields = Vec::with_capacity(view.properties.len());
        for (wire, schema, pointer) in view.properties {
            let hint = format!("{parent}{}", naming::type_name(wire));
            let ty = self.ty_of_boxed(schema, &pointer, &hint);
            let data = match schema {
                ReferenceOr::Item(schema) => Some(&schema.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            let mut docs = data.map(docs_of).unwrap_or_default();
            if docs.description.is_none() {
                if let Ty::Named(id) = &ty {
                    docs.description
                        .clone_from(&self.types[id.0].docs.description);
                }
            }
            docs.notes.append(&mut self.pending_notes);
            let secret = self.is_secret(schema);
            fields.push(Field {
                wire: wire.to_owned(),
                name: names.claim(&naming::snake_name(wire)),
                ty,
                required: view.required.contains(wire),
                nullable: data.is_some_and(|d| d.nullable),
                default: data.and_then(|d| d.default.clone()),
                boxed: false,
                read_only: data.is_some_and(|d| d.read_only),
                secret,
                deprecated: data.is_some_and(|d| d.deprecated),
                docs,
            });
        }
        let additional = view
            .additional
            .and_then(|(additional, pointer)| match additional {
                AdditionalProperties::Any(true) => Some(json_ty()),
                AdditionalProperties::Any(false) => None,
                AdditionalProperties::Schema(schema) => {
                    Some(self.ty_of(schema, &pointer, &format!("{parent}Value")))
                }
            });
        // A fallback note about the extra properties' type has no field to go to.
        self.pending_notes.clear();
        Struct {
            fields,
            additional,
            derived: None,
        }
    }

    fn enum_of(&mut self, values: &[&str], pointer: &Pointer) -> Enum {
        let mut names = Namespace::default();
        let mut seen = HashSet::new();
        let mut variants = Vec::with_capacity(values.len());
        for (index, value) in values.iter().enumerate() {
            if !seen.insert(*value) {
                self.diagnostics.warning(
                    &pointer.push("enum").push(index),
                    format!("`{value}` is listed twice; the repeat is ignored"),
                );
                continue;
            }
            variants.push(Variant {
                wire: (*value).to_owned(),
                name: names.claim(&naming::type_name(value)),
            });
        }
        let unknown = if names.contains("Unknown") {
            names.claim("UnknownValue")
        } else {
            "Unknown".to_owned()
        };
        Enum { variants, unknown }
    }

    /// Types that need no new named type: scalars, arrays, maps, and fallbacks.
    fn plain_ty(&mut self, schema: &'a Schema, pointer: &Pointer, hint: &str) -> Ty {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                    Ty::Scalar(Scalar::DateTime)
                }
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Scalar(Scalar::Date),
                _ => Ty::Scalar(Scalar::String),
            },
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                    Ty::Scalar(Scalar::I32)
                }
                _ => Ty::Scalar(Scalar::I64),
            },
            SchemaKind::Type(Type::Number(_)) => Ty::Scalar(Scalar::F64),
            SchemaKind::Type(Type::Boolean(_)) => Ty::Scalar(Scalar::Bool),
            SchemaKind::Type(Type::Array(array)) => {
                self.array_ty(array.items.as_ref(), pointer, hint)
            }
            SchemaKind::Type(Type::Object(object)) => {
                self.map_ty(object.additional_properties.as_ref(), pointer, hint)
            }
            SchemaKind::AllOf { all_of: parts }
            | SchemaKind::OneOf { one_of: parts }
            | SchemaKind::AnyOf { any_of: parts }
                if parts.len() == 1 =>
            {
                let key = match &schema.schema_kind {
                    SchemaKind::AllOf { .. } => "allOf",
                    SchemaKind::OneOf { .. } => "oneOf",
                    _ => "anyOf",
                };
                match parts.first() {
                    Some(part) => self.ty_of(part, &pointer.push(key).push(0), hint),
                    None => json_ty(),
                }
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } => {
                self.pending_notes.push(ALTERNATIVES_NOTE.to_owned());
                json_ty()
            }
            SchemaKind::Not { .. } => json_ty(),
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("string") => match any.format.as_deref() {
                    Some("date-time") => Ty::Scalar(Scalar::DateTime),
                    Some("date") => Ty::Scalar(Scalar::Date),
                    _ => Ty::Scalar(Scalar::String),
                },
                Some("integer") => Ty::Scalar(if any.format.as_deref() == Some("int32") {
                    Scalar::I32
                } else {
                    Scalar::I64
                }),
                Some("number") => Ty::Scalar(Scalar::F64),
                Some("boolean") => Ty::Scalar(Scalar::Bool),
                Some("array") => self.array_ty(any.items.as_ref(), pointer, hint),
                Some("object") => self.map_ty(any.additional_properties.as_ref(), pointer, hint),
                _ if any.items.is_some() => self.array_ty(any.items.as_ref(), pointer, hint),
                _ => {
                    if !(any.one_of.is_empty() && any.any_of.is_empty() && any.all_of.is_empty()) {
                        self.pending_notes.push(ALTERNATIVES_NOTE.to_owned());
                    }
                    json_ty()
                }
            },
        }
    }

    fn array_ty(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        pointer: &Pointer,
        hint: &str,
    ) -> Ty {
        let item = match items {
            Some(items) => self.ty_of_boxed(items, &pointer.push("items"), hint),
            None => json_ty(),
        };
        Ty::Vec(Box::new(item))
    }

    fn map_ty(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        pointer: &Pointer,
        hint: &str,
    ) -> Ty {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => self.ty_of(
                schema,
                &pointer.push("additionalProperties"),
                &format!("{hint}Value"),
            ),
            _ => json_ty(),
        };
        Ty::Map(Box::new(value))
    }
}

fn object_view<'a>(
    properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
    pointer: &Pointer,
) -> ObjectView<'a> {
    let base = pointer.push("properties");
    ObjectView {
        properties: properties
            .iter()
            .map(|(k, v)| (k.as_str(), v, base.push(k)))
            .collect(),
        required: required.iter().map(String::as_str).collect(),
        additional: additional.map(|a| (a, pointer.push("additionalProperties"))),
    }
}

/// The docs of a schema: `title` as summary, `description` as the body.
pub(super) fn docs_of(data: &SchemaData) -> Docs {
    Docs {
        summary: data.title.clone().filter(|t| !t.trim().is_empty()),
        description: data.description.clone().filter(|d| !d.trim().is_empty()),
        ..Docs::default()
    }
}

/// Whether the schema is marked secret: `format: password` or `x-secret: true`.
impl Lowerer<'_> {
    /// Whether a property is secret, looking through `$ref`s (to a component marked
    /// secret) and array items (a list of secrets), for a few hops only, so that a loop of
    /// references cannot hang.
    fn is_secret(&self, schema: &ReferenceOr<Box<Schema>>) -> bool {
        let mut current: Option<&Schema> = None;
        let mut reference = match schema {
            ReferenceOr::Item(schema) => {
                current = Some(schema);
                None
            }
            ReferenceOr::Reference { reference } => Some(reference.as_str()),
        };
        for _ in 0..8 {
            if let Some(target) = reference.take() {
                current = ref_name(target, "schemas")
                    .and_then(|name| self.spec.components.as_ref()?.schemas.get(&name))
                    .and_then(|s| match s {
                        ReferenceOr::Item(schema) => Some(schema),
                        ReferenceOr::Reference { reference: next } => {
                            reference = Some(next.as_str());
                            None
                        }
                    });
                if current.is_none() {
                    continue;
                }
            }
            let Some(schema) = current else { return false };
            if marked_secret(schema) {
                return true;
            }
            match &schema.schema_kind {
                SchemaKind::Type(Type::Array(array)) => match &array.items {
                    Some(ReferenceOr::Item(items)) => current = Some(items),
                    Some(ReferenceOr::Reference { reference: next }) => {
                        reference = Some(next.as_str())
                    }
                    None => return false,
                },
                _ => return false,
            }
        }
        false
    }
}

/// Whether the schema itself is marked secret: `format: password` or `x-secret: true`.
fn marked_secret(schema: &Schema) -> bool {
    let password = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            matches!(
                s.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Password)
            )
        }
        SchemaKind::Any(any) => any.format.as_deref() == Some("password"),
        _ => false,
    };
    password
        || schema
            .schema_data
            .extensions
            .get("x-secret")
            .and_then(|v| v.as_bool())
            == Some(true)
}
