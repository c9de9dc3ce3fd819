//! The cargo features of a generated crate whose description has several tags
//! (`tests/fixtures/tags.yaml`): what the generator writes (snapshots `features/tags@<file>`),
//! that the crate passes `cargo clippy --all-targets -- -D warnings` with its default
//! features, with all, with none and with each tag alone, its docs and tests with one tag
//! alone, and that one tag alone leaves the other tags' operations and types out; and the
//! whole Unified.to API's crate with one tag alone (`accounting`, 90 of its 673
//! operations) passes clippy too.
//!
//! The crates are written to `target/test-crates/` and checked with the target folder all
//! generated test crates share; once the client's dependencies are compiled (see
//! `full_spec.rs`), each check of the fixture takes a few seconds, and the Unified.to
//! crate with one tag about ten (the whole crate takes about a minute).

mod support;

use std::path::Path;

use tests::workspace_root;

const SOURCE: &str = "tests/fixtures/tags.yaml";

/// The fixture's crate, with its example tests.
fn generate() -> codegen::Output {
    let text =
        std::fs::read_to_string(workspace_root().join(SOURCE)).expect("the fixture is readable");
    let mut options = codegen::Options::new("tags-fixture", SOURCE);
    options.standalone = true;
    options.example_tests = true;
    codegen::generate(&text, &options).unwrap_or_else(|error| panic!("{SOURCE} generates: {error}"))
}

/// The generated files that say what each feature holds.
#[test]
fn features_are_written_into_the_manifest_the_docs_and_the_items() {
    let output = generate();
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/client.rs",
        "src/models.rs",
        "src/enums.rs",
        "tests/examples.rs",
    ] {
        let text = output
            .files
            .get(file)
            .unwrap_or_else(|| panic!("the crate has no {file}"));
        let name = format!("tags@{}", file.replace(['/', '.'], "_"));
        insta::with_settings!({ snapshot_path => "snapshots/features", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn each_tag_alone_builds_without_warnings_and_leaves_the_others_out() {
    let output = generate();
    let dir = support::write_crate("tags-fixture", &output.files);
    let mut failures = Vec::new();
    let configurations: [&[&str]; 7] = [
        &[],
        &["--all-features"],
        &["--no-default-features"],
        &["--no-default-features", "--features", "pets"],
        &["--no-default-features", "--features", "store-front"],
        &["--no-default-features", "--features", "users"],
        &["--no-default-features", "--features", "pets,users"],
    ];
    for features in configurations {
        let mut args = vec!["clippy", "--quiet", "--all-targets"];
        args.extend(features);
        args.extend(["--", "-D", "warnings"]);
        failures.extend(support::cargo(&dir, &args, &[]).err());
    }
    let one = ["--no-default-features", "--features", "store-front"];
    let doc = [["doc", "--quiet", "--no-deps"].as_slice(), &one].concat();
    failures.extend(support::cargo(&dir, &doc, &[("RUSTDOCFLAGS", "-D warnings")]).err());
    // The example tests (the pets' example is left out) and the crate's example (which
    // calls a pets operation, so it is not compiled).
    let test = [["test", "--quiet"].as_slice(), &one].concat();
    failures.extend(support::cargo(&dir, &test, &[]).err());
    failures.extend(only_users_are_compiled(&dir));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The whole Unified.to document, vendored in the fixtures or in the shared folder beside
/// the workspace. CI always has it and fails without it; a checkout without it skips the
/// test that needs it, saying so.
fn unified_spec() -> Option<String> {
    let paths = [
        workspace_root().join("tests/fixtures/real-world/unified-full-openapi.yaml"),
        workspace_root().join("../shared/specs/unified-full-openapi.yaml"),
    ];
    if let Some(text) = paths
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
    {
        return Some(text);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the full Unified.to spec is expected at {}",
        paths.map(|path| path.display().to_string()).join(" or ")
    );
    eprintln!("skipped: the full Unified.to spec is in none of {paths:?}");
    None
}

#[test]
fn the_unified_crate_with_one_tag_alone_passes_clippy() {
    let Some(text) = unified_spec() else { return };
    let output = support::generate("unified-one-tag", "unified-full-openapi.yaml", &text);
    let manifest = &output.files["Cargo.toml"];
    assert!(
        manifest.contains("\naccounting = []\n"),
        "the crate has no `accounting` feature"
    );
    let dir = support::write_crate("unified-one-tag", &output.files);
    let args = [
        "clippy",
        "--quiet",
        "--all-targets",
        "--no-default-features",
        "--features",
        "rustls,accounting",
        "--",
        "-D",
        "warnings",
    ];
    if let Err(failure) = support::cargo(&dir, &args, &[]) {
        panic!("the Unified.to crate with `accounting` alone does not pass clippy:\n{failure}");
    }
}

/// A crate that depends on the fixture's with the `users` feature alone can call the
/// users' operations and those of no tag, and cannot name the pets' operations or types.
fn only_users_are_compiled(fixture: &Path) -> Vec<String> {
    let manifest = format!(
        "[package]\nname = \"tags-user\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\ntags-fixture = {{ path = {:?}, \
         default-features = false, features = [\"users\"] }}\n\n[workspace]\n",
        fixture.display().to_string()
    );
    let allowed = "//! Calls what the `users` feature compiles.\n\
        /// Gets a user and the service's health.\n\
        pub async fn call(client: &tags_fixture::Client) -> Result<(), tags_fixture::Error> {\n\
            let user: tags_fixture::User = client.get_user(\"u1\").await?;\n\
            let adoption = tags_fixture::Adoption::new(\"p1\", user.id);\n\
            client.adopt(&adoption).await?;\n\
            client.health().await?;\n\
            Ok(())\n\
        }\n";
    let left_out = "//! Calls what the `pets` feature compiles.\n\
        /// Lists pets.\n\
        pub async fn call(client: &tags_fixture::Client) -> Result<Vec<tags_fixture::Pet>, tags_fixture::Error> {\n\
            client.list_pets(&tags_fixture::ListPetsParams::default()).await\n\
        }\n";
    let mut failures = Vec::new();
    let files = |lib: &str| {
        [
            ("Cargo.toml".to_owned(), manifest.clone()),
            ("src/lib.rs".to_owned(), lib.to_owned()),
        ]
        .into()
    };
    let dir = support::write_crate("tags-user", &files(allowed));
    failures.extend(support::cargo(&dir, &["check", "--quiet"], &[]).err());
    let dir = support::write_crate("tags-user", &files(left_out));
    match support::cargo(&dir, &["check", "--quiet"], &[]) {
        Ok(()) => failures.push(
            "a crate with the `users` feature alone calls `list_pets`, a `pets` operation"
                .to_owned(),
        ),
        Err(output) => {
            for missing in ["`ListPetsParams`", "`Pet`", "`list_pets`"] {
                if !output.contains(missing) {
                    failures.push(format!(
                        "with the `users` feature alone, {missing} should be missing:\n{output}"
                    ));
                }
            }
        }
    }
    failures
}
