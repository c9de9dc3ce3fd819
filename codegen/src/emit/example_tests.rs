//! `tests/examples.rs`: every example of the description decoded into its generated type
//! and encoded again, which must lose nothing. The description's own examples are the best
//! evidence of what its servers send.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, gate, ty};
use crate::Options;
use crate::model::{Api, Example, Gate};
use crate::naming::RustIdent;

/// The test file, or `None` when the description has no example that fits its schema.
pub fn file(api: &Api, options: &Options) -> Option<TokenStream> {
    let krate = proc_macro2::Ident::new(
        &options.crate_name.replace('-', "_"),
        proc_macro2::Span::call_site(),
    );
    // Each example is checked where the types it decodes into are compiled.
    let tested: Vec<(&Example, Vec<&Gate>)> = api
        .examples
        .iter()
        .filter(|example| example.mismatch.is_none())
        .map(|example| (example, gates(api, example)))
        .collect();
    if tested.is_empty() {
        return None;
    }
    let cases = tested.iter().map(|(example, gates)| {
        let pointer = example.pointer.to_string();
        let json = example.value.to_string();
        let ty = ty::tokens(api, &example.ty);
        let cfg = gate::cfg_all(gates.iter().copied());
        if example.form {
            quote! { #cfg (#pointer, #json, decode_form::<#ty>), }
        } else {
            quote! { #cfg (#pointer, #json, decode::<#ty>), }
        }
    });
    let header = docs::inner_lines(&header(api));
    let readers = |form: bool| -> Vec<Vec<&Gate>> {
        tested
            .iter()
            .filter(|(example, _)| example.form == form)
            .map(|(_, gates)| gates.clone())
            .collect()
    };
    let helpers = helpers(&readers(false), &readers(true));
    let imports = imports(api, &krate, &tested);
    Some(quote! {
        #header

        #imports
        use serde_json::Value;

        #helpers

        #[test]
        fn every_example_decodes_and_encodes_without_loss() {
            let examples: &[(&str, &str, Check)] = &[ #( #cases )* ];
            let mut failures = Vec::new();
            let mut decoded = 0;
            for (pointer, json, check) in examples {
                match check(json) {
                    Ok((original, encoded)) => {
                        decoded += 1;
                        if let Some(loss) = lost(&original, &encoded, "") {
                            failures.push(format!("{pointer}: {loss}"));
                        }
                    }
                    Err(error) => failures.push(format!("{pointer}: {error}")),
                }
            }
            println!(
                "examples of {}: {} found, {decoded} decoded, {} lossless",
                env!("CARGO_PKG_NAME"),
                examples.len(),
                examples.len() - failures.len()
            );
            for failure in &failures {
                println!("  {failure}");
            }
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        }
    })
}

/// The file's docs: what it tests, and which examples it leaves out, and why.
fn header(api: &Api) -> String {
    let mut header = String::from(
        "Every example the API description gives, decoded into its type and encoded again:\n\
         encoding must give back every property with the same value.",
    );
    let left_out: Vec<String> = api
        .examples
        .iter()
        .filter_map(|example| {
            let problem = example.mismatch.as_ref()?;
            Some(format!(
                "- {}: {problem}",
                docs::code(&example.pointer.to_string())
            ))
        })
        .collect();
    if !left_out.is_empty() {
        header.push_str(
            "\n\nLeft out, as they do not match their own schemas (the generator warned):\n\n",
        );
        header.push_str(&docs::sanitize(&left_out.join("\n")));
    }
    header
}

/// The gates of the types an example decodes into: it is checked where all are compiled.
fn gates<'a>(api: &'a Api, example: &Example) -> Vec<&'a Gate> {
    let mut gates = Vec::new();
    crate::model::visit_ty(&example.ty, &mut |ty| {
        if let crate::model::Ty::Named(id) = ty {
            gates.push(&api.ty(*id).gate);
        }
    });
    gates
}

/// `use <crate>::{...};` of the types the tested examples (with their gates) decode into,
/// each under the `cfg` of the examples that use it.
fn imports(
    api: &Api,
    krate: &proc_macro2::Ident,
    tested: &[(&Example, Vec<&Gate>)],
) -> TokenStream {
    let mut users: BTreeMap<RustIdent, Vec<Vec<&Gate>>> = BTreeMap::new();
    for (example, gates) in tested {
        crate::model::visit_ty(&example.ty, &mut |ty| {
            if let crate::model::Ty::Named(id) = ty {
                let name = api.ty(*id).name.clone();
                users.entry(name).or_default().push(gates.clone());
            }
        });
    }
    // The names imported under each condition, by the condition's text.
    let mut groups: BTreeMap<String, (Option<TokenStream>, Vec<proc_macro2::Ident>)> =
        BTreeMap::new();
    for (name, readers) in &users {
        let cfg = gate::cfg_any(readers);
        let key = cfg.as_ref().map(ToString::to_string).unwrap_or_default();
        groups
            .entry(key)
            .or_insert((cfg, Vec::new()))
            .1
            .push(ty::ident(name));
    }
    let uses = groups
        .into_values()
        .map(|(cfg, names)| quote!(#cfg use #krate::{#(#names),*};));
    quote!(#(#uses)*)
}

/// The decoding and comparing functions of the test file: those of JSON examples and of
/// form bodies' examples when there are such examples, each with the gates of the
/// examples that read it (it is unused where none is compiled).
fn helpers(json: &[Vec<&Gate>], form: &[Vec<&Gate>]) -> TokenStream {
    let json = (!json.is_empty()).then(|| json_decoder(gate::unread_without_any(json)));
    let form = (!form.is_empty()).then(|| form_decoder(gate::unread_without_any(form)));
    quote! {
        /// Decodes an example and encodes it again: the example and what encoding gave.
        type Check = fn(&str) -> Result<(Value, Value), String>;

        #json
        #form

        /// What `encoded` lost of `original`, if anything: a property gone or changed. A
        /// `null` property may be left out; numbers compare as numbers, date-times as
        /// instants and UUIDs as UUIDs, whatever their spelling.
        fn lost(original: &Value, encoded: &Value, path: &str) -> Option<String> {
            match (original, encoded) {
                (Value::Object(before), Value::Object(after)) => before.iter().find_map(|(key, value)| {
                    let here = format!("{path}/{key}");
                    match after.get(key) {
                        None if value.is_null() => None,
                        None => Some(format!("{here} is gone")),
                        Some(found) => lost(value, found, &here),
                    }
                }),
                (Value::Array(before), Value::Array(after)) if before.len() == after.len() => before
                    .iter()
                    .zip(after)
                    .enumerate()
                    .find_map(|(index, (a, b))| lost(a, b, &format!("{path}/{index}"))),
                (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
                (Value::String(a), Value::String(b)) if same_text(a, b) => None,
                (a, b) if a == b => None,
                (a, b) => Some(format!("{path} was {a}, is {b}")),
            }
        }

        fn same_text(a: &str, b: &str) -> bool {
            if a == b {
                return true;
            }
            let instant = |text: &str| text.parse::<chrono::DateTime<chrono::Utc>>().ok();
            if let (Some(a), Some(b)) = (instant(a), instant(b)) {
                return a == b;
            }
            // A form's numbers are text: `1.50` and `1.5` are the same number.
            if let (Ok(a), Ok(b)) = (a.parse::<f64>(), b.parse::<f64>()) {
                return a == b;
            }
            a.eq_ignore_ascii_case(b) && a.len() == 36
        }
    }
}

/// `decode`, which reads an example as JSON, with `unread`, the attribute that lets it be
/// unused where no example it reads is compiled.
fn json_decoder(unread: Option<TokenStream>) -> TokenStream {
    quote! {
        #unread
        fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> Result<(Value, Value), String> {
            let original: Value = serde_json::from_str(json).map_err(|e| format!("is not JSON: {e}"))?;
            let value: T = serde_json::from_str(json).map_err(|e| format!("does not decode: {e}"))?;
            let encoded = serde_json::to_value(&value).map_err(|e| format!("does not encode: {e}"))?;
            Ok((original, encoded))
        }
    }
}

/// `decode_form`, which reads an example as the form it stands for, with `unread` (see
/// [`json_decoder`]).
fn form_decoder(unread: Option<TokenStream>) -> TokenStream {
    quote! {
        /// Decodes the example of a form body, written as the form it stands for, and
        /// encodes it again; both as forms read back into objects of text.
        #unread
        fn decode_form<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> Result<(Value, Value), String> {
            let original: Value = serde_json::from_str(json).map_err(|e| format!("is not JSON: {e}"))?;
            let pairs = form_pairs(&original);
            let form = serde_html_form::to_string(&pairs).map_err(|e| format!("is not a form: {e}"))?;
            let value: T = serde_html_form::from_str(&form).map_err(|e| format!("does not decode: {e}"))?;
            let encoded = serde_html_form::to_string(&value).map_err(|e| format!("does not encode: {e}"))?;
            let back: Vec<(String, String)> = serde_html_form::from_str(&encoded).map_err(|e| format!("encodes no form: {e}"))?;
            Ok((form_object(pairs), form_object(back)))
        }

        /// The pairs a form writes for an example's object: text as it is, other scalars
        /// as their JSON text, each value of a list under the same key.
        fn form_pairs(example: &Value) -> Vec<(String, String)> {
            let text = |value: &Value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let mut pairs = Vec::new();
            for (key, value) in example.as_object().into_iter().flatten() {
                match value {
                    Value::Null => {}
                    Value::Array(items) => pairs.extend(items.iter().map(|item| (key.clone(), text(item)))),
                    other => pairs.push((key.clone(), text(other))),
                }
            }
            pairs
        }

        /// A form's pairs as an object: a key's text, or its texts when it repeats. Empty
        /// values are left out: decoding reads an empty value of an optional field as
        /// absent (encoding a field set to an empty text does write it).
        fn form_object(pairs: Vec<(String, String)>) -> Value {
            let mut object = serde_json::Map::new();
            for (key, text) in pairs.into_iter().filter(|(_, text)| !text.is_empty()) {
                match object.get_mut(&key) {
                    None => {
                        object.insert(key, Value::String(text));
                    }
                    Some(Value::Array(texts)) => texts.push(Value::String(text)),
                    Some(first) => *first = Value::Array(vec![first.take(), Value::String(text)]),
                }
            }
            Value::Object(object)
        }
    }
}
