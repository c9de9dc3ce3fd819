//! The types each shape of schema becomes (`tests/fixtures/shapes/`: nullable uses,
//! unions, `allOf` merges, kept properties, references anywhere, request types): the
//! generated `models.rs` and `enums.rs` of each fixture are snapshotted, so a change in
//! what the generator makes of a shape is reviewed like code.
//!
//! That the types also work is checked here too: each fixture's crate passes clippy and
//! rustdoc, and its example tests decode every example and encode it again without loss.

mod example_runs;
mod support;

use std::collections::BTreeMap;

/// The generated type files of every shape fixture (snapshots `types@<fixture>`).
#[test]
fn types() {
    insta::glob!("../fixtures/shapes", "*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("the fixture is readable");
        let stem = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = format!("tests/fixtures/shapes/{stem}.yaml");
        let options = codegen::Options::new(format!("shape-{stem}"), source.as_str());
        let output = codegen::generate(&text, &options)
            .unwrap_or_else(|error| panic!("{source} generates: {error}"));
        // The warnings come first: what the generator said of the fixture is part of what
        // is reviewed.
        let mut types = String::new();
        for warning in &output.warnings {
            types.push_str(&format!("// {warning}\n"));
        }
        for file in ["src/models.rs", "src/enums.rs"] {
            if let Some(text) = output.files.get(file) {
                types.push_str(&format!("// ---- {file}\n{text}"));
            }
        }
        insta::with_settings!({ snapshot_path => "snapshots/shapes", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(types);
        });
    });
}

/// Operations with the same parameters share one struct: the later ones' parameter types
/// are aliases of the first's (`repeated.yaml`: `getNote` takes what `listNotes` takes,
/// `listDrafts` a `fields` list of other values).
#[test]
fn operations_with_the_same_parameters_share_their_struct() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/shapes/repeated.yaml"
    ))
    .expect("the fixture is readable");
    let options = codegen::Options::new("shape-repeated", "repeated.yaml");
    let output = codegen::generate(&text, &options).expect("the fixture generates");
    let client = &output.files["src/client.rs"];
    assert!(client.contains("pub struct ListNotesParams {"), "{client}");
    assert!(
        client.contains("pub type GetNoteParams = ListNotesParams;"),
        "{client}"
    );
    assert!(client.contains("pub struct ListDraftsParams {"), "{client}");
}

/// Every shape fixture makes a crate that passes clippy and rustdoc with warnings denied,
/// and whose example tests decode each example of the fixture and encode it again without
/// loss (the crates are the members of the test workspace `shapes`, see `support`).
#[test]
fn shape_crates_pass_clippy_rustdoc_and_their_example_tests() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shapes");
    let mut crates = BTreeMap::new();
    let mut cases = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("the shapes folder is readable")
        .map(|entry| entry.expect("the shapes folder is readable").path())
        .collect();
    entries.sort();
    for path in entries {
        let stem = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("the fixture is readable");
        let name = format!("shape-{stem}");
        let source = format!("tests/fixtures/shapes/{stem}.yaml");
        let output = support::generate(&name, &source, &text, true)
            .unwrap_or_else(|error| panic!("{source} generates: {error}"));
        cases.insert(name.clone(), example_runs::cases(&output.files));
        crates.insert(name, output.files);
    }
    let workspace = support::write_workspace("shapes", &crates);
    let findings = support::check_workspace(&workspace);
    assert!(findings.is_clean(), "{}", support::describe(&findings, 40));
    let mut failures = Vec::new();
    for (krate, result) in example_runs::run(&workspace, &cases) {
        match result {
            Ok(summary) => println!("{krate}: {summary}"),
            Err(failure) => failures.push(format!("{krate}: {failure}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        cases.values().all(|cases| *cases > 0),
        "every shape fixture gives examples: {cases:?}"
    );
}
