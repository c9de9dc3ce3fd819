//! Objects of the document that may be `$ref`s (parameters, request bodies, responses,
//! examples), followed to wherever in the document they point; and the schemas that the
//! skeleton's schema positions stand for.

use openapiv3::ReferenceOr;
use serde_json::{Map, Value};

use super::Lowerer;
use crate::diagnostic::Pointer;
use crate::load::schema::SchemaId;

impl<'a> Lowerer<'a> {
    /// An object that may be a `$ref` (a parameter, a request body, a response): the object,
    /// or the one the reference names, anywhere in the document.
    pub(super) fn resolve<T: serde::de::DeserializeOwned + Clone>(
        &mut self,
        object: &ReferenceOr<T>,
        at: &Pointer,
        noun: &str,
    ) -> Option<T> {
        let reference = match object {
            ReferenceOr::Item(item) => return Some(item.clone()),
            ReferenceOr::Reference { reference } => reference,
        };
        let (value, reference) = self.follow(reference, at, noun)?;
        match serde_json::from_value::<T>(value.clone()) {
            Ok(item) => Some(item),
            Err(error) => {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {reference}` does not point to a {noun}: {error}"),
                );
                None
            }
        }
    }

    /// The object `value` is, or the one its `$ref` names (along a chain of references),
    /// for objects the document model does not read (a webhook's); `None`, reported, when
    /// there is none.
    pub(super) fn follow_object(
        &mut self,
        value: &'a Value,
        at: &Pointer,
        noun: &str,
    ) -> Option<&'a Map<String, Value>> {
        let value = match value.get("$ref") {
            Some(Value::String(reference)) => self.follow(reference, &at.push("$ref"), noun)?.0,
            _ => value,
        };
        let object = value.as_object();
        if object.is_none() {
            self.diagnostics
                .error(at, format!("a {noun} is a mapping, but this one is not"));
        }
        object
    }

    /// The value `reference` names in the document, along a chain of references to the
    /// first that is not one, with the chain's last reference; `None`, reported at `at`,
    /// when the chain leaves the document, names nothing or goes round.
    fn follow(&mut self, reference: &str, at: &Pointer, noun: &str) -> Option<(&'a Value, String)> {
        let skeleton = self.skeleton;
        let mut reference = reference.to_owned();
        let mut seen = Vec::new();
        loop {
            let Some(pointer) = Pointer::from_ref(&reference) else {
                self.diagnostics.error(at, external_ref(&reference));
                return None;
            };
            if seen.contains(&pointer) {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {reference}` leads back to itself; it names no {noun}"),
                );
                return None;
            }
            let Some(value) = skeleton.pointer(pointer.as_json_pointer()) else {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {reference}` points to a {noun} that does not exist"),
                );
                return None;
            };
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    seen.push(pointer);
                    reference = next.to_owned();
                }
                None => return Some((value, reference)),
            }
        }
    }

    /// The schema that a schema position of the skeleton stands for: every schema was
    /// replaced by a reference to its own place when the document was loaded.
    pub(super) fn schema_id(
        &mut self,
        schema: &ReferenceOr<openapiv3::Schema>,
        at: &Pointer,
    ) -> Option<SchemaId> {
        let found = match schema {
            ReferenceOr::Reference { reference } => {
                Pointer::from_ref(reference).and_then(|pointer| self.schemas.at(&pointer))
            }
            ReferenceOr::Item(_) => None,
        };
        if found.is_none() {
            self.diagnostics
                .error(at, "the schema could not be read (see the other errors)");
        }
        found
    }
}

/// Explains why a reference outside the document cannot be followed.
fn external_ref(reference: &str) -> String {
    if reference.starts_with('#') {
        format!("`$ref: {reference}` is not a JSON pointer (`#/...`); anchors are not supported")
    } else {
        format!(
            "`$ref: {reference}` points outside this document; external references are not \
             supported (bundle the spec into one file first)"
        )
    }
}
