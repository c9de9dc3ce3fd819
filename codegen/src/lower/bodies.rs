//! Request bodies, by media type.
//!
//! An operation that accepts several media types gets a method for the one a caller most
//! likely wants, in this order: JSON, a URL-encoded form, a multipart form, text, raw
//! bytes; and a method of its own for each other kind it accepts (`…_form`,
//! `…_multipart`, `…_text`, `…_bytes`, `…_json`). A body the generator cannot encode
//! correctly is never sent wrong: that media type is left out, with a warning, and an
//! operation with no body it can send is left out of the client.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, RequestBody};

use super::Lowerer;
use crate::diagnostic::Pointer;
use crate::load::schema::{JsonType, SchemaId};
use crate::model::{Body, BodyMedia, Docs, Example, Part, PartKind, Scalar, Ty, TypeKind};

/// The kinds of request body, in the order a caller most likely wants them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

impl Kind {
    /// The kind of a media type (`*/*` is decided by its schema).
    fn of(media_type: &str) -> Option<Kind> {
        let essence = essence(media_type);
        Some(match essence.as_str() {
            "application/x-www-form-urlencoded" => Kind::Form,
            "multipart/form-data" => Kind::Multipart,
            e if is_json(e) => Kind::Json,
            e if e.starts_with("text/") || e == "application/xml" || e.ends_with("+xml") => {
                Kind::Text
            }
            e if e.starts_with("multipart/") => return None,
            _ => Kind::Binary,
        })
    }

    /// The suffix of the method that sends a body of this kind, when it is not the
    /// operation's first.
    fn suffix(self) -> &'static str {
        match self {
            Kind::Json => "json",
            Kind::Form => "form",
            Kind::Multipart => "multipart",
            Kind::Text => "text",
            Kind::Binary => "bytes",
        }
    }
}

impl Lowerer<'_> {
    /// The body an operation's method sends, and the others it accepts, each with the
    /// suffix of the method that sends it (`form`); reasons to leave the operation out go
    /// to `refused` (when it has a body it cannot send at all).
    pub(super) fn lower_bodies(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        pointer: &Pointer,
        type_prefix: &str,
        refused: &mut Vec<(Pointer, String)>,
    ) -> (Option<Body>, Vec<(Body, &'static str)>) {
        let Some(body) = self.resolve(body, pointer, "request body") else {
            return (None, Vec::new());
        };
        let mut offered: Vec<(Kind, &str, &MediaType, Pointer)> = Vec::new();
        let mut problems = Vec::new();
        for (media_type, media) in &body.content {
            let at = pointer.push("content").push(media_type);
            match self.kind_of(media_type, media) {
                Some(kind) if !offered.iter().any(|(k, ..)| *k == kind) => {
                    offered.push((kind, media_type.as_str(), media, at));
                }
                Some(_) => {}
                None => problems.push((
                    at,
                    format!("`{media_type}` request bodies are not supported"),
                )),
            }
        }
        offered.sort_by_key(|(kind, ..)| *kind);
        let mut bodies: Vec<(Body, &'static str)> = Vec::new();
        for (kind, media_type, media, at) in offered {
            match self.lower_body(kind, media_type, media, &at, type_prefix) {
                Ok(mut lowered) => {
                    lowered.required = body.required;
                    lowered.docs.description.clone_from(&body.description);
                    bodies.push((lowered, kind.suffix()));
                }
                Err(reason) => problems.push((at, reason)),
            }
        }
        if bodies.is_empty() {
            refused.append(&mut problems);
            return (None, Vec::new());
        }
        // The media types that cannot be sent are named; the others stay available.
        for (at, reason) in problems {
            self.diagnostics.warning(
                &at,
                format!("{reason}; this media type is left out of the client"),
            );
        }
        let mut bodies = bodies.into_iter();
        let first = bodies.next().map(|(body, _)| body);
        (first, bodies.collect())
    }

    /// The kind of a media type; `*/*` is JSON unless its schema is binary.
    fn kind_of(&self, media_type: &str, media: &MediaType) -> Option<Kind> {
        if essence(media_type) != "*/*" {
            return Kind::of(media_type);
        }
        let binary = media
            .schema
            .as_ref()
            .and_then(|schema| self.position(schema))
            .is_some_and(|id| self.is_binary(id));
        Some(if binary { Kind::Binary } else { Kind::Json })
    }

    fn lower_body(
        &mut self,
        kind: Kind,
        media_type: &str,
        media: &MediaType,
        at: &Pointer,
        type_prefix: &str,
    ) -> Result<Body, String> {
        let schema = match &media.schema {
            Some(schema) => self.schema_id(schema, &at.push("schema")),
            None => None,
        };
        let hint = format!("{type_prefix}Body");
        let (ty, body_media, content_type) = match kind {
            Kind::Json => {
                let ty = match schema {
                    Some(schema) => self.ty_of(schema, &hint),
                    None => Ty::Scalar(Scalar::Json),
                };
                let content_type = match essence(media_type).as_str() {
                    "*/*" => "application/json".to_owned(),
                    _ => media_type.to_owned(),
                };
                (ty, BodyMedia::Json, content_type)
            }
            Kind::Form => {
                let schema = schema.ok_or("a form body needs a schema of its fields")?;
                let ty = self.ty_of(schema, &hint);
                self.check_form(&ty, at)?;
                (
                    ty,
                    BodyMedia::Form,
                    "application/x-www-form-urlencoded".to_owned(),
                )
            }
            Kind::Multipart => {
                let schema = schema.ok_or("a multipart body needs a schema of its parts")?;
                let (ty, parts) =
                    self.multipart(schema, media, &format!("{type_prefix}Multipart"))?;
                (
                    ty,
                    BodyMedia::Multipart(parts),
                    "multipart/form-data".to_owned(),
                )
            }
            Kind::Text => (
                Ty::Scalar(Scalar::String),
                BodyMedia::Text,
                media_type.to_owned(),
            ),
            Kind::Binary => {
                let content_type = match essence(media_type) {
                    e if e.contains('*') => "application/octet-stream".to_owned(),
                    _ => media_type.to_owned(),
                };
                (Ty::Scalar(Scalar::Upload), BodyMedia::Binary, content_type)
            }
        };
        if matches!(kind, Kind::Json | Kind::Form) {
            self.media_examples(media, at, &ty, kind == Kind::Form);
        }
        let mut docs = Docs::default();
        docs.notes
            .extend(schema.and_then(|s| self.fallback_note(s)));
        Ok(Body {
            ty,
            media: body_media,
            content_type,
            required: false,
            method: None,
            with_response: None,
            docs,
        })
    }

    /// Whether a form body can be sent as it should be: a flat object whose values are
    /// scalars or lists of scalars (a list repeats its key), with the default encoding.
    fn check_form(&self, ty: &Ty, at: &Pointer) -> Result<(), String> {
        // Read as written: `openapiv3` reads a missing `explode` as `false`, where OpenAPI
        // means `true` for the `form` style.
        let encodings = self
            .skeleton
            .pointer(at.push("encoding").as_json_pointer())
            .and_then(serde_json::Value::as_object);
        for (property, encoding) in encodings.into_iter().flatten() {
            let style = encoding.get("style").and_then(serde_json::Value::as_str);
            let explode = encoding.get("explode").and_then(serde_json::Value::as_bool);
            if !matches!(style, None | Some("form")) || explode == Some(false) {
                return Err(format!(
                    "the form field `{property}` asks for an encoding other than repeated keys, \
                     which is not supported"
                ));
            }
        }
        let Ty::Named(id) = ty.non_null() else {
            return Err("a form body must be an object".to_owned());
        };
        let Some(TypeKind::Struct(strukt)) = self.type_kind(*id) else {
            return Err("a form body must be an object".to_owned());
        };
        for field in &strukt.fields {
            if !self.is_form_value(field.value_ty(), true) {
                return Err(format!(
                    "the form field `{}` is a nested object or list of objects, which a form \
                     cannot carry without an encoding the generator does not write",
                    field.wire
                ));
            }
        }
        Ok(())
    }

    /// Whether a value can be a form field: a scalar, an enum, a union of scalars, or
    /// (when `list` is allowed) a list of those.
    fn is_form_value(&self, ty: &Ty, list: bool) -> bool {
        match ty.non_null() {
            Ty::Scalar(Scalar::Json | Scalar::Upload) => false,
            Ty::Scalar(_) => true,
            Ty::Vec(item) => list && self.is_form_value(item, false),
            Ty::Map(_) | Ty::Option(_) | Ty::Tuple(_) => false,
            Ty::Named(id) => match self.type_kind(*id) {
                Some(TypeKind::Enum(_)) => true,
                Some(TypeKind::Alias(inner)) => {
                    let inner = inner.clone();
                    self.is_form_value(&inner, list)
                }
                Some(TypeKind::Union(union)) => union
                    .variants
                    .iter()
                    .all(|v| v.ty.as_ref().is_some_and(|t| self.is_form_value(t, false))),
                Some(TypeKind::Struct(_)) | None => false,
            },
        }
    }

    /// The type of a multipart body (a struct whose binary properties are uploads, without
    /// serde) and its parts.
    fn multipart(
        &mut self,
        schema: SchemaId,
        media: &MediaType,
        name: &str,
    ) -> Result<(Ty, Vec<Part>), String> {
        let parts = self
            .analysis
            .object_parts(schema)
            .ok_or("a multipart body must be an object, one part per property")?;
        let docs = super::schema::docs_of(self.analysis.get(schema));
        let pointer = self.analysis.get(schema).pointer.clone();
        let type_id = self.declare(name, docs, super::Origin::Inline(&pointer));
        let type_name = self.type_name(type_id).to_owned();
        let mut strukt = self.struct_of(&parts, &type_name, None);
        strukt.extra = crate::model::Extra::Forbidden;
        strukt.multipart = true;
        let mut lowered_parts = Vec::with_capacity(strukt.fields.len());
        for (field, (wire, schemas)) in strukt.fields.iter_mut().zip(&parts.properties) {
            let property = schemas
                .first()
                .copied()
                .ok_or("a property without a schema")?;
            let kind = self.part_kind(property, &field.ty);
            match kind {
                PartKind::File => field.ty = Ty::Scalar(Scalar::Upload),
                PartKind::Files => field.ty = Ty::Vec(Box::new(Ty::Scalar(Scalar::Upload))),
                PartKind::Text | PartKind::Texts | PartKind::Json => {}
            }
            let content_type = media
                .encoding
                .get(wire)
                .and_then(|encoding| encoding.content_type.as_deref())
                .and_then(part_content_type);
            lowered_parts.push(Part {
                wire: wire.clone(),
                field: field.name.clone(),
                kind,
                content_type,
            });
        }
        self.set_kind(type_id, TypeKind::Struct(strukt));
        Ok((Ty::Named(type_id), lowered_parts))
    }

    /// How a property of a multipart body is sent.
    fn part_kind(&self, property: SchemaId, ty: &Ty) -> PartKind {
        if self.is_binary(property) {
            return PartKind::File;
        }
        let resolved = self.analysis.get(self.analysis.resolve(property));
        if let Some(items) = resolved.items {
            if resolved.types.contains(JsonType::Array) && self.is_binary(items) {
                return PartKind::Files;
            }
        }
        match ty.non_null() {
            _ if self.is_form_value(ty, false) => PartKind::Text,
            Ty::Vec(item) if self.is_form_value(item, false) => PartKind::Texts,
            _ => PartKind::Json,
        }
    }

    /// Whether a schema describes raw bytes: a string of `format: binary`, or (3.1) with a
    /// `contentMediaType` and no `contentEncoding` (bytes as they are, not as text).
    pub(super) fn is_binary(&self, id: SchemaId) -> bool {
        let schema = self.analysis.get(self.analysis.resolve(id));
        let string = schema.types.is_empty() || schema.types.contains(JsonType::String);
        string
            && (schema.format.as_deref() == Some("binary")
                || (schema.content_media_type.is_some() && schema.content_encoding.is_none()))
    }

    /// The schema a skeleton schema position stands for, without reporting anything.
    fn position(&self, schema: &ReferenceOr<openapiv3::Schema>) -> Option<SchemaId> {
        match schema {
            ReferenceOr::Reference { reference } => {
                Pointer::from_ref(reference).and_then(|pointer| self.schemas.at(&pointer))
            }
            ReferenceOr::Item(_) => None,
        }
    }

    /// Records a media type's `example` and `examples` as values of `ty`.
    pub(super) fn media_examples(&mut self, media: &MediaType, at: &Pointer, ty: &Ty, form: bool) {
        if let Some(value) = &media.example {
            self.examples.push(Example {
                pointer: at.push("example"),
                ty: ty.clone(),
                value: value.clone(),
                mismatch: None,
                form,
            });
        }
        let examples: &IndexMap<String, ReferenceOr<openapiv3::Example>> = &media.examples;
        for (name, example) in examples {
            let here = at.push("examples").push(name);
            let Some(example) = self.resolve(example, &here, "example") else {
                continue;
            };
            if let Some(value) = example.value {
                self.examples.push(Example {
                    pointer: here,
                    ty: ty.clone(),
                    value,
                    mismatch: None,
                    form,
                });
            }
        }
    }
}

/// The content type a multipart part is sent with, from its `encoding`'s `contentType`,
/// which may list several (`image/png, image/jpeg`): the first; none for a wildcard
/// (`image/*`), which names no type a part can be sent with.
fn part_content_type(listed: &str) -> Option<String> {
    let first = listed.split(',').next().unwrap_or_default().trim();
    (!first.is_empty() && !first.contains('*')).then(|| first.to_owned())
}

/// A media type without its parameters, lower-case (`application/json`).
pub(super) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON: `application/json`, `text/json` or any `+json` type
/// (`application/problem+json` is JSON too; responses tell it apart).
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::part_content_type;

    #[test]
    fn a_part_is_sent_with_the_first_content_type_its_encoding_lists() {
        assert_eq!(part_content_type("image/png").as_deref(), Some("image/png"));
        assert_eq!(
            part_content_type(" image/png , image/jpeg").as_deref(),
            Some("image/png")
        );
        assert_eq!(
            part_content_type("text/plain; charset=utf-8").as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(part_content_type("image/*, image/png"), None);
        assert_eq!(part_content_type("*/*"), None);
        assert_eq!(part_content_type(""), None);
    }
}
