//! The whole Unified.to API (673 operations, 1090 schemas, a real-world document with
//! slips) generates a crate with a method for every operation, and that crate passes
//! `cargo clippy -- -D warnings`.
//!
//! The spec lives in the shared folder beside the workspace
//! (`<workspace>/../shared/specs/unified-full-openapi.yaml`). The crate is written to
//! `target/test-crates/unified-full` and checked with the target folder all generated test
//! crates share; a cold run compiles the client's dependencies once (about two minutes on
//! two cores), a warm one takes about a minute.

mod support;

use std::path::PathBuf;

use tests::workspace_root;

fn spec_path() -> PathBuf {
    workspace_root().join("../shared/specs/unified-full-openapi.yaml")
}

/// The spec's text. CI always has the shared folder and fails without it; a checkout
/// without it skips this test, saying so.
fn spec_text() -> Option<String> {
    let path = spec_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!(
                "the full Unified.to spec is expected at {}: {e}",
                path.display()
            )
        }
        Err(e) => {
            eprintln!(
                "skipped: the full Unified.to spec is not at {} ({e})",
                path.display()
            );
            None
        }
    }
}

#[test]
fn full_unified_spec_generates_a_method_per_operation_and_passes_clippy() {
    let Some(text) = spec_text() else { return };
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

    let output = support::generate("unified-full", "unified-full-openapi.yaml", &text);
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

    let dir = support::write_crate("unified-full", &output.files);
    if let Err(failure) = support::cargo(&dir, &["clippy", "--quiet", "--", "-D", "warnings"], &[])
    {
        panic!("the generated unified-full crate does not pass clippy:\n{failure}");
    }
}
