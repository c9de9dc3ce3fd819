//! The cargo features of a generated crate whose description has several tags
//! (`tests/fixtures/tags.yaml`): what the generator writes (snapshots `features/tags@<file>`),
//! that the crate passes `cargo clippy --all-targets -- -D warnings` with its default
//! features, with all, with none and with each tag alone, its docs and tests with one tag
//! alone, and that one tag alone leaves the other tags' operations and types out; and the
//! whole Unified.to API's crate with one tag alone (`accounting`, 90 of its 673
//! operations) passes clippy too.
//!
//! The crates are members of the test workspaces `target/test-crates/features`,
//! `features-left-out` and `features-unified`, built with the build folder all generated test
//! crates share (see `support`); once the clients' dependencies are compiled, each check of
//! the fixture takes a few seconds, and the Unified.to crate with one tag about ten (the
//! whole crate takes about a minute).

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use tests::workspace_root;

const SOURCE: &str = "tests/fixtures/tags.yaml";

/// The fixture's crate, with its example tests.
fn generate() -> codegen::Output {
    let text =
        std::fs::read_to_string(workspace_root().join(SOURCE)).expect("the fixture is readable");
    support::generate("tags-fixture", SOURCE, &text, true)
        .unwrap_or_else(|error| panic!("{SOURCE} generates: {error}"))
}

/// Runs `cargo <args>` in the test workspace `dir`; `Err` holds cargo's output.
fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut command = support::cargo_command(dir);
    command.args(args).envs(env.iter().copied());
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`cargo {}` failed in {} ({}):\n{}{}",
        args.join(" "),
        dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
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
    let fixture = generate().files;
    let mut crates = BTreeMap::new();
    crates.insert("tags-fixture".to_owned(), fixture.clone());
    crates.insert("tags-user".to_owned(), dependent("tags-user", USERS_CALLS));
    let dir = support::write_workspace("features", &crates);
    // Every crate with its default features, then the fixture's with others.
    let findings = support::check_workspace(&dir);
    let mut failures: Vec<String> = Vec::new();
    if !findings.is_clean() {
        failures.push(support::describe(&findings, 40));
    }
    let configurations: [&[&str]; 6] = [
        &["--all-features"],
        &["--no-default-features"],
        &["--no-default-features", "--features", "pets"],
        &["--no-default-features", "--features", "store-front"],
        &["--no-default-features", "--features", "users"],
        &["--no-default-features", "--features", "pets,users"],
    ];
    for features in configurations {
        let mut args = vec!["clippy", "--quiet", "-p", "tags-fixture", "--all-targets"];
        args.extend(features);
        args.extend(["--", "-D", "warnings"]);
        failures.extend(cargo(&dir, &args, &[]).err());
    }
    let one = [
        "-p",
        "tags-fixture",
        "--no-default-features",
        "--features",
        "store-front",
    ];
    let doc = [["doc", "--quiet", "--no-deps"].as_slice(), &one].concat();
    failures.extend(cargo(&dir, &doc, &[("RUSTDOCFLAGS", "-D warnings")]).err());
    // The example tests (the pets' example is left out) and the crate's example (which
    // calls a pets operation, so it is not compiled).
    let test = [["test", "--quiet"].as_slice(), &one].concat();
    failures.extend(cargo(&dir, &test, &[]).err());
    failures.extend(left_out(fixture));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Checks that a crate depending on the fixture's with the `users` feature alone cannot
/// name what the `pets` feature compiles; the problems found.
fn left_out(fixture: support::Files) -> Vec<String> {
    let mut crates = BTreeMap::new();
    crates.insert("tags-fixture".to_owned(), fixture);
    crates.insert(
        "tags-pets-user".to_owned(),
        dependent("tags-pets-user", PETS_CALLS),
    );
    let dir = support::write_workspace("features-left-out", &crates);
    let output = match cargo(&dir, &["check", "--quiet", "-p", "tags-pets-user"], &[]) {
        Ok(()) => {
            return vec![
                "a crate with the `users` feature alone calls `list_pets`, a `pets` operation"
                    .to_owned(),
            ];
        }
        Err(output) => output,
    };
    ["`ListPetsParams`", "`Pet`", "`list_pets`"]
        .into_iter()
        .filter(|missing| !output.contains(missing))
        .map(|missing| {
            format!("with the `users` feature alone, {missing} should be missing:\n{output}")
        })
        .collect()
}

/// What the `users` feature compiles: the users' operations and those of no tag.
const USERS_CALLS: &str = "//! Calls what the `users` feature compiles.
/// Gets a user, adopts a pet for them, and asks for the service's health.
pub async fn call(client: &tags_fixture::Client) -> Result<(), tags_fixture::Error> {
    let user: tags_fixture::User = client.get_user(\"u1\").await?;
    let adoption = tags_fixture::Adoption::new(\"p1\", user.id);
    client.adopt(&adoption).await?;
    client.health().await?;
    Ok(())
}
";

/// What the `pets` feature compiles.
const PETS_CALLS: &str = "//! Calls what the `pets` feature compiles.
/// Lists pets.
pub async fn call(
    client: &tags_fixture::Client,
) -> Result<Vec<tags_fixture::Pet>, tags_fixture::Error> {
    client.list_pets(&tags_fixture::ListPetsParams::default()).await
}
";

/// The crate `name`, whose `lib.rs` is `lib`, depending on the fixture's with the `users`
/// feature alone.
fn dependent(name: &str, lib: &str) -> support::Files {
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\ntags-fixture = {{ path = \"../tags-fixture\", \
         default-features = false, features = [\"users\"] }}\n"
    );
    [
        ("Cargo.toml".to_owned(), manifest),
        ("src/lib.rs".to_owned(), lib.to_owned()),
    ]
    .into()
}

#[test]
fn the_unified_crate_with_one_tag_alone_passes_clippy() {
    let output = support::generate(
        "unified-one-tag",
        "unified-full-openapi.yaml",
        &tests::unified_full_spec(),
        false,
    )
    .unwrap_or_else(|error| panic!("the Unified.to document generates: {error}"));
    let manifest = &output.files["Cargo.toml"];
    assert!(
        manifest.contains("\naccounting = []\n"),
        "the crate has no `accounting` feature"
    );
    let crates = BTreeMap::from([("unified-one-tag".to_owned(), output.files)]);
    let dir = support::write_workspace("features-unified", &crates);
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
    if let Err(failure) = cargo(&dir, &args, &[]) {
        panic!("the Unified.to crate with `accounting` alone does not pass clippy:\n{failure}");
    }
}
