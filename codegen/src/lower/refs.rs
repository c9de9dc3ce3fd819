//! Objects of the document that may be `$ref`s (parameters, request bodies, responses,
//! examples), followed to wherever in the document they point; and the schemas that the
//! skeleton's schema positions stand for.

use openapiv3::ReferenceOr;

use super::Lowerer;
use crate::diagnostic::Pointer;
use crate::load::schema::SchemaId;

impl Lowerer<'_> {
    /// An object that may be a `$ref` (a parameter, a request body, a response): the object,
    /// or the one the reference names, anywhere in the document.
    pub(super) fn resolve<T: serde::de::DeserializeOwned + Clone>(
        &mut self,
        object: &ReferenceOr<T>,
        at: &Pointer,
        noun: &str,
    ) -> Option<T> {
        let mut reference = match object {
            ReferenceOr::Item(item) => return Some(item.clone()),
            ReferenceOr::Reference { reference } => reference.clone(),
        };
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
            let Some(value) = self.skeleton.pointer(pointer.as_json_pointer()) else {
                self.diagnostics.error(
                    at,
                    format!("`$ref: {reference}` points to a {noun} that does not exist"),
                );
                return None;
            };
            match serde_json::from_value::<ReferenceOr<T>>(value.clone()) {
                Ok(ReferenceOr::Item(item)) => return Some(item),
                Ok(ReferenceOr::Reference { reference: next }) => {
                    seen.push(pointer);
                    reference = next;
                }
                Err(error) => {
                    self.diagnostics.error(
                        at,
                        format!("`$ref: {reference}` does not point to a {noun}: {error}"),
                    );
                    return None;
                }
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
