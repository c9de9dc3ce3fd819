//! The document's own fields where OpenAPI 3.1 differs from 3.0, which `openapiv3` (a 3.0
//! model) would refuse or drop without a word: checked, and where needed rewritten into
//! what it reads, so that nothing that changes meaning is lost silently.
//!
//! - `jsonSchemaDialect`: schemas are read as JSON Schema 2020-12 (OpenAPI 3.1's own
//!   dialect extends it); another dialect gets a warning.
//! - `paths` is optional in 3.1, but a document has `paths`, `webhooks` or `components`.
//! - `info.summary` (3.1) is put before `info.description`, which the crate docs show.
//!   `license.identifier` needs nothing: the license is not used.
//! - `mutualTLS` security schemes (3.1): the client cannot set them up; removed with a
//!   warning saying how to give the client a certificate.
//! - operations without `responses` (optional in 3.1): read as declaring none, with a
//!   warning (the method returns nothing).
//!
//! `webhooks` are read by lowering (typed payloads) and `components/pathItems` through
//! the references that name them (see `references.rs`).

use serde_json::{Map, Value};

use super::Version;
use crate::diagnostic::{Diagnostics, Pointer};
use crate::model::HttpMethod;

/// The dialect 3.1 schemas are read as, and OpenAPI's own, which extends it.
const DIALECTS: [&str; 2] = [
    "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/dialect/",
];

/// Whether `uri` names the dialect schemas are read as (JSON Schema 2020-12, or OpenAPI
/// 3.1's dialect of it, in any of its dated versions).
pub fn is_known_dialect(uri: &str) -> bool {
    let uri = uri.trim_end_matches('#');
    uri == DIALECTS[0] || uri.starts_with(DIALECTS[1])
}

/// Checks the fields of the document's root that 3.1 added or made optional.
pub fn check(document: &Value, version: Version, diagnostics: &mut Diagnostics) {
    let root = Pointer::root();
    if version == Version::V3_0 {
        if document.get("paths").is_none() {
            diagnostics.error(
                &root.push("paths"),
                "missing: an OpenAPI 3.0 document has `paths` (it may be empty, `paths: {}`)",
            );
        }
        return;
    }
    let sections = ["paths", "webhooks", "components"];
    if sections.iter().all(|key| document.get(key).is_none()) {
        diagnostics.error(
            &root,
            "an OpenAPI 3.1 document has at least one of `paths`, `webhooks` and `components`; \
             this one has none",
        );
    }
    match document.get("jsonSchemaDialect") {
        None => {}
        Some(Value::String(uri)) if is_known_dialect(uri) => {}
        Some(other) => diagnostics.warning(
            &root.push("jsonSchemaDialect"),
            format!(
                "schemas are read as JSON Schema 2020-12 (the dialect of OpenAPI 3.1); `{}` is \
                 another dialect, whose keywords may mean something else",
                super::display_scalar(other).replace('`', "'")
            ),
        ),
    }
}

/// Rewrites what `openapiv3` would refuse or drop into what it reads.
pub fn adapt(document: &mut Value, version: Version, diagnostics: &mut Diagnostics) {
    fold_info_summary(document);
    remove_mutual_tls(document, diagnostics);
    if version == Version::V3_1 {
        declare_no_responses(document, diagnostics);
    }
}

/// `info.summary`, a one-line summary, as the first paragraph of `info.description`.
fn fold_info_summary(document: &mut Value) {
    let Some(Value::Object(info)) = document.get_mut("info") else {
        return;
    };
    let Some(Value::String(summary)) = info.remove("summary") else {
        return;
    };
    if summary.trim().is_empty() {
        return;
    }
    let text = match info.get("description") {
        Some(Value::String(description)) if !description.trim().is_empty() => {
            format!("{summary}\n\n{description}")
        }
        _ => summary,
    };
    info.insert("description".to_owned(), Value::String(text));
}

/// Takes `mutualTLS` schemes out of `components/securitySchemes`, with a warning.
fn remove_mutual_tls(document: &mut Value, diagnostics: &mut Diagnostics) {
    let Some(Value::Object(schemes)) = document.pointer_mut("/components/securitySchemes") else {
        return;
    };
    let at = Pointer::root().push("components").push("securitySchemes");
    schemes.retain(|name, scheme| {
        let mutual = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
        if mutual {
            diagnostics.warning(
                &at.push(name),
                "mutual TLS is not set up by the generated client; this scheme is ignored \
                 (give `ClientBuilder::http_client` a `reqwest::Client` with the client \
                 certificate)",
            );
        }
        !mutual
    });
}

/// Gives every operation of `paths` without `responses` an empty one, with a warning.
fn declare_no_responses(document: &mut Value, diagnostics: &mut Diagnostics) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    let at = Pointer::root().push("paths");
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in HttpMethod::keys() {
            let Some(Value::Object(operation)) = item.get_mut(method) else {
                continue;
            };
            if operation.contains_key("responses") {
                continue;
            }
            operation.insert("responses".to_owned(), Value::Object(Map::new()));
            diagnostics.warning(
                &at.push(path).push(method),
                "the operation declares no `responses`; the generated method reads no response \
                 body and returns nothing",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(diagnostics: Diagnostics) -> Vec<String> {
        diagnostics
            .into_vec()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn dialects_other_than_2020_12_are_warned_about() {
        for known in [
            "https://json-schema.org/draft/2020-12/schema",
            "https://json-schema.org/draft/2020-12/schema#",
            "https://spec.openapis.org/oas/3.1/dialect/base",
            "https://spec.openapis.org/oas/3.1/dialect/2024-11-10",
        ] {
            assert!(is_known_dialect(known), "{known}");
        }
        let mut diagnostics = Diagnostics::default();
        let document = json!({
            "paths": {},
            "jsonSchemaDialect": "http://json-schema.org/draft-07/schema#",
        });
        check(&document, Version::V3_1, &mut diagnostics);
        assert_eq!(
            messages(diagnostics),
            [
                "warning: #/jsonSchemaDialect: schemas are read as JSON Schema 2020-12 (the \
              dialect of OpenAPI 3.1); `http://json-schema.org/draft-07/schema#` is another \
              dialect, whose keywords may mean something else"
            ]
        );
    }

    #[test]
    fn paths_are_optional_in_3_1_but_something_must_be_described() {
        let mut diagnostics = Diagnostics::default();
        check(&json!({"webhooks": {}}), Version::V3_1, &mut diagnostics);
        check(&json!({"components": {}}), Version::V3_1, &mut diagnostics);
        assert!(messages(diagnostics).is_empty());
        let mut diagnostics = Diagnostics::default();
        check(&json!({"info": {}}), Version::V3_1, &mut diagnostics);
        check(&json!({"webhooks": {}}), Version::V3_0, &mut diagnostics);
        assert_eq!(messages(diagnostics).len(), 2);
    }

    #[test]
    fn summaries_schemes_and_missing_responses_are_adapted() {
        let mut document = json!({
            "info": {"title": "T", "summary": "Short.", "description": "Long."},
            "paths": {"/a": {"get": {}, "put": {"responses": {"204": {"description": "x"}}}}},
            "components": {"securitySchemes": {
                "mtls": {"type": "mutualTLS"},
                "bearer": {"type": "http", "scheme": "bearer"},
            }},
        });
        let mut diagnostics = Diagnostics::default();
        adapt(&mut document, Version::V3_1, &mut diagnostics);
        assert_eq!(
            document["info"],
            json!({"title": "T", "description": "Short.\n\nLong."})
        );
        assert_eq!(document["paths"]["/a"]["get"], json!({"responses": {}}));
        assert_eq!(
            document["components"]["securitySchemes"]
                .as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["bearer".to_owned()])
        );
        let found = messages(diagnostics);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("warning: #/components/securitySchemes/mtls: mutual TLS"));
        assert!(found[1].starts_with("warning: #/paths/~1a/get: the operation declares no"));
    }
}
