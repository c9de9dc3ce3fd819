//! The whole Unified.to API (673 operations, 1090 schemas, a real-world document with
//! slips) generates a crate with a method for every operation.
//!
//! The document is vendored in `tests/fixtures/real-world/unified-full-openapi.yaml`
//! (provenance in that folder's README). That the crate passes clippy and rustdoc is
//! checked by `corpus.rs`, with the rest of the real-world corpus.

#[test]
fn full_unified_spec_generates_a_method_per_operation() {
    let text = tests::unified_full_spec();
    let loaded = codegen::load(&text).expect("the full spec loads");
    // Counted on the parsed document, independently of lowering.
    let expected = loaded.spec().operations().count();
    assert_eq!(expected, 673, "the full spec's operation count changed");

    let (api, warnings) = codegen::lower(loaded).expect("the full spec lowers");
    assert_eq!(
        api.operations.len(),
        expected,
        "one client method per operation"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.severity == codegen::Severity::Warning),
        "lowering returned errors as warnings"
    );

    let options = codegen::Options::new("unified-full", "unified-full-openapi.yaml");
    let output = codegen::generate(&text, &options).expect("the full spec generates");
    let client = &output.files["src/client.rs"];
    // Each operation has a method for its value and one with the response's status and
    // headers too, and such a pair for each other media type its body may be sent in.
    let pairs: usize = api
        .operations
        .iter()
        .map(|operation| 1 + operation.other_bodies.len())
        .sum();
    assert_eq!(client.matches("pub async fn ").count(), 2 * pairs);
    for operation in &api.operations {
        assert!(
            client.contains(&format!("pub async fn {}_with_response(", operation.name)),
            "no method `{}_with_response` in the client",
            operation.name
        );
        assert!(
            client.contains(&format!("pub async fn {}(", operation.name)),
            "no method `{}` in the client",
            operation.name
        );
    }
}
