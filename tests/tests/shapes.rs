//! The types each shape of schema becomes (`tests/fixtures/shapes/`: nullable uses,
//! unions, `allOf` merges, kept properties, references anywhere, request types): the
//! generated `models.rs` and `enums.rs` of each fixture are snapshotted, so a change in
//! what the generator makes of a shape is reviewed like code.
//!
//! That the types also work is checked by the corpus test, which builds these fixtures
//! with their example tests (every example decodes and encodes without loss).

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
