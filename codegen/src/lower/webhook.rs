//! `webhooks` (OpenAPI 3.1): requests the API sends to its users' servers, not requests the
//! client makes. There is nothing to call, but what they carry is typed: the JSON body of
//! each webhook becomes a named type, `<Webhook>Payload` (`<Webhook><Method>Payload` when
//! a webhook has bodies for several methods), documented as that webhook's payload, so a
//! receiver can decode what it is sent with serde. Their examples are checked like the
//! others. A webhook without a JSON body gets a warning naming it.

use serde_json::{Map, Value};

use super::Lowerer;
use super::schema::docs_of;
use crate::diagnostic::Pointer;
use crate::load::schema::SchemaId;
use crate::model::{Docs, Example, HttpMethod, Ty, TypeDef, TypeId, TypeKind};
use crate::naming::{self, RustIdent};

/// A webhook's request body, found.
struct Payload<'a> {
    webhook: &'a str,
    method: &'a str,
    /// The body, references followed.
    body: &'a Map<String, Value>,
    /// Where the body is written (the `requestBody` of the webhook's operation).
    at: Pointer,
    /// The type's name.
    name: RustIdent,
}

impl<'a> Lowerer<'a> {
    /// Declares the payload type of every webhook.
    pub(super) fn lower_webhooks(&mut self) {
        let skeleton = self.skeleton;
        let Some(Value::Object(webhooks)) = skeleton.get("webhooks") else {
            return;
        };
        let at = Pointer::root().push("webhooks");
        for (webhook, item) in webhooks.iter().filter(|(name, _)| !name.starts_with("x-")) {
            let item_at = at.push(webhook);
            let bodies: Vec<(&str, &Value)> = HttpMethod::keys()
                .filter_map(|method| Some((method, item.get(method)?.get("requestBody")?)))
                .collect();
            if bodies.is_empty() {
                self.diagnostics.warning(
                    &item_at,
                    format!(
                        "the `{}` webhook sends no request body: there is no payload to type",
                        webhook.replace('`', "'")
                    ),
                );
            }
            let several = bodies.len() > 1;
            for (method, body) in bodies {
                let at = item_at.push(method).push("requestBody");
                let Some(body) = self.follow_object(body, &at, "request body") else {
                    continue;
                };
                let name = if several {
                    format!("{webhook} {method} payload")
                } else {
                    format!("{webhook} payload")
                };
                let payload = Payload {
                    webhook,
                    method,
                    body,
                    at,
                    name: naming::type_name(&name),
                };
                self.lower_payload(&payload);
            }
        }
    }

    /// The payload type of one webhook body.
    fn lower_payload(&mut self, payload: &Payload<'a>) {
        let content = payload.body.get("content").and_then(Value::as_object);
        let json =
            content.and_then(|content| content.iter().find(|(media_type, _)| is_json(media_type)));
        let Some((media_type, media)) = json else {
            self.diagnostics.warning(
                &payload.at.push("content"),
                format!(
                    "the `{}` webhook sends no JSON body: only JSON payloads are typed",
                    payload.webhook.replace('`', "'")
                ),
            );
            return;
        };
        let at = payload.at.push("content").push(media_type);
        let schema = media
            .get("schema")
            .and_then(|schema| schema.get("$ref"))
            .and_then(Value::as_str)
            .and_then(Pointer::from_ref)
            .and_then(|pointer| self.schemas.at(&pointer));
        let Some(schema) = schema else {
            self.diagnostics.warning(
                &at,
                format!(
                    "the `{}` webhook's body has no schema: its payload is not typed",
                    payload.webhook.replace('`', "'")
                ),
            );
            return;
        };
        let ty = Ty::Named(self.payload_type(payload, schema));
        self.payload_examples(media, &at, &ty);
    }

    /// The named type of a payload: the type its schema becomes when that is written in
    /// place, else an alias of the type the schema has.
    fn payload_type(&mut self, payload: &Payload<'a>, schema: SchemaId) -> TypeId {
        let declared_before = self.types.len();
        let ty = self.ty_of(schema, &payload.name);
        let note = payload_note(payload);
        let description = payload
            .body
            .get("description")
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(str::to_owned);
        if let Ty::Named(id) = ty {
            if id.0 == declared_before {
                if let Some(def) = self.types.get_mut(id.0) {
                    let docs = &mut def.docs;
                    if docs.summary.is_none() && docs.description.is_none() {
                        // Only the note saying where the schema is: the webhook says more.
                        docs.description = description;
                        docs.notes.clear();
                    }
                    docs.notes.insert(0, note);
                }
                return id;
            }
        }
        let own = docs_of(self.analysis.get(schema));
        let docs = Docs {
            description: description.or(own.description),
            notes: vec![note],
            ..Docs::default()
        };
        let id = TypeId(self.types.len());
        let name = self.type_names.claim(&payload.name);
        self.types.push(TypeDef {
            name,
            docs,
            kind: TypeKind::Alias(ty),
            gate: crate::model::Gate::Always,
        });
        id
    }

    /// Records the examples of a webhook's media type as values of its payload type.
    fn payload_examples(&mut self, media: &'a Value, at: &Pointer, ty: &Ty) {
        if let Some(value) = media.get("example") {
            self.examples.push(Example {
                pointer: at.push("example"),
                ty: ty.clone(),
                value: value.clone(),
                mismatch: None,
                form: false,
            });
        }
        let Some(Value::Object(examples)) = media.get("examples") else {
            return;
        };
        for (name, example) in examples {
            let here = at.push("examples").push(name);
            let Some(example) = self.follow_object(example, &here, "example") else {
                continue;
            };
            if let Some(value) = example.get("value") {
                self.examples.push(Example {
                    pointer: here,
                    ty: ty.clone(),
                    value: value.clone(),
                    mismatch: None,
                    form: false,
                });
            }
        }
    }
}

/// The note documenting a payload type.
fn payload_note(payload: &Payload<'_>) -> String {
    format!(
        "The payload of the `{}` webhook: the JSON body of the `{}` requests the API sends \
         (decode it with `serde_json::from_slice`).",
        payload.webhook.replace('`', "'"),
        payload.method.to_ascii_uppercase()
    )
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or(media_type).trim();
    essence == "application/json" || essence.ends_with("+json")
}
