//! OpenAPI 3.1 documents, read as well as 3.0 ones.
//!
//! - `tests/fixtures/v31/`: a fixture for each part of 3.1 (`type` lists; the JSON Schema
//!   2020-12 keywords; the document level: webhooks, path items, references with a
//!   description, optional `paths` and `responses`, `mutualTLS`; a JSON document with only
//!   webhooks). What the generator makes of each is snapshotted (`snapshots/v31/`).
//! - `tests/fixtures/twins/`: one API written in 3.0 and in 3.1 generates the same crate,
//!   byte for byte.
//! - Those fixtures and the 3.1 documents of `tests/fixtures/real-world/` generate crates
//!   that pass `cargo clippy --all-targets -- -D warnings` and `RUSTDOCFLAGS="-D warnings"
//!   cargo doc`, and whose example tests (`Options::example_tests`) decode every example of
//!   the document and encode it again without loss; an example left out of them is one the
//!   generator warned does not match its own schema.
//! - Problems in 3.1 documents are reported where the document has them.
//!
//! The real-world documents are unmodified copies of files written by others:
//! `oai-3.1-non-oauth-scopes.yaml`, `oai-3.1-tictactoe.yaml` and
//! `oai-3.1-webhook-example.yaml` from OAI/learn.openapis.org, `examples/v3.1/` (CC-BY-4.0,
//! by the OpenAPI Initiative), and `redocly-museum-3.1.yaml` from
//! Redocly/museum-openapi-example, `openapi.yaml` (MIT, Copyright (c) 2023 Redocly LLC; the
//! notice is in `tests/fixtures/real-world/LICENSES/MIT-Redocly.txt`).

mod example_runs;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tests::workspace_root;

/// The OpenAPI 3.1 documents of the real-world corpus.
const REAL_WORLD_3_1: [&str; 4] = [
    "oai-3.1-non-oauth-scopes.yaml",
    "oai-3.1-tictactoe.yaml",
    "oai-3.1-webhook-example.yaml",
    "redocly-museum-3.1.yaml",
];

/// The files the generator writes itself, which the snapshots show.
const EMITTED: [&str; 4] = [
    "src/lib.rs",
    "src/models.rs",
    "src/enums.rs",
    "src/client.rs",
];

/// What the generator makes of each 3.1 fixture: its warnings, then the files it writes
/// itself (snapshots `v31/generated@<fixture>`).
#[test]
fn fixtures_generate_as_snapshotted() {
    insta::glob!("../fixtures/v31", "*.{yaml,json}", |path| {
        let text = std::fs::read_to_string(path).expect("the fixture is readable");
        let name = file_name(path);
        let source = format!("tests/fixtures/v31/{name}");
        let options = codegen::Options::new(crate_name(&name), source.as_str());
        let output = codegen::generate(&text, &options)
            .unwrap_or_else(|error| panic!("{source} generates: {error}"));
        let mut shown = String::new();
        for warning in &output.warnings {
            shown.push_str(&format!("// {warning}\n"));
        }
        for file in EMITTED {
            if let Some(text) = output.files.get(file) {
                shown.push_str(&format!("// ---- {file}\n{text}"));
            }
        }
        insta::with_settings!({ snapshot_path => "snapshots/v31", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("generated", shown);
        });
    });
}

/// The same API written in OpenAPI 3.0 and in 3.1 generates the same crate.
#[test]
fn the_same_api_in_3_0_and_3_1_generates_the_same_crate() {
    let dir = workspace_root().join("tests/fixtures/twins");
    let generate = |version: &str| {
        let path = dir.join(format!("pets-{version}.yaml"));
        let text = std::fs::read_to_string(&path).expect("the twin is readable");
        // One source name for both, so the headers agree too.
        support::generate("twin-pets", "pets.yaml", &text, false).expect("the twin generates")
    };
    let (v30, v31) = (generate("3.0"), generate("3.1"));
    assert_eq!(
        v30.files.keys().collect::<Vec<_>>(),
        v31.files.keys().collect::<Vec<_>>()
    );
    for (path, text) in &v30.files {
        let twin = &v31.files[path];
        if text != twin {
            let diff = similar::TextDiff::from_lines(text.as_str(), twin.as_str());
            panic!(
                "{path} differs between the 3.0 and the 3.1 document:\n{}",
                diff.unified_diff().header("3.0", "3.1")
            );
        }
    }
    assert_eq!(v30.untyped, v31.untyped);
}

/// Each crate passes clippy and rustdoc with warnings denied, and its example tests. The
/// crates are the members of the test workspace `v31` (see `support`).
#[test]
fn crates_pass_clippy_rustdoc_and_their_example_tests() {
    let mut failures = Vec::new();
    let mut crates = BTreeMap::new();
    // Per crate: its document, its example cases, and the examples left out of them.
    let mut examples = Vec::new();
    for (path, source) in documents() {
        let name = file_name(&path);
        let text = std::fs::read_to_string(&path).expect("the document is readable");
        let mut options = codegen::Options::new(crate_name(&name), source.as_str());
        options.example_tests = true;
        let output = match codegen::generate(&text, &options) {
            Ok(output) => output,
            Err(error) => {
                failures.push(format!("{source} does not generate: {error}"));
                continue;
            }
        };
        let left_out = output
            .warnings
            .iter()
            .filter(|w| {
                w.message
                    .starts_with("the example does not match its schema")
            })
            .count();
        let cases = example_runs::cases(&output.files);
        examples.push((options.crate_name.clone(), source, cases, left_out));
        crates.insert(options.crate_name, output.files);
    }
    let dir = support::write_workspace("v31", &crates);
    let findings = support::check_workspace(&dir);
    if !findings.is_clean() {
        failures.push(support::describe(&findings, 40));
    }
    let expected: BTreeMap<String, usize> = examples
        .iter()
        .filter(|(krate, ..)| !findings.by_crate.contains_key(krate))
        .map(|(krate, _, cases, _)| (krate.clone(), *cases))
        .collect();
    let mut results = example_runs::run(&dir, &expected);
    let mut reports = String::new();
    for (krate, source, _, left_out) in examples {
        match results.remove(&krate) {
            Some(Ok(summary)) => {
                reports.push_str(&format!("{source}: {summary}, {left_out} left out\n"));
            }
            Some(Err(failure)) => failures.push(format!("{source}: {failure}")),
            None => {}
        }
    }
    println!("{reports}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What the generator says of each real-world 3.1 document: every warning, and every value
/// it keeps as untyped JSON (snapshot `v31/real-world-reports`).
#[test]
fn real_world_documents_are_read_with_these_reports() {
    let mut shown = String::new();
    for file in REAL_WORLD_3_1 {
        let path = workspace_root()
            .join("tests/fixtures/real-world")
            .join(file);
        let text = std::fs::read_to_string(&path).expect("the document is readable");
        let output = support::generate(&crate_name(file), file, &text, false)
            .unwrap_or_else(|error| panic!("{file} generates: {error}"));
        shown.push_str(&format!("{file}:\n"));
        for warning in &output.warnings {
            shown.push_str(&format!("  {warning}\n"));
        }
        for untyped in &output.untyped {
            shown.push_str(&format!("  untyped: {untyped}\n"));
        }
    }
    insta::with_settings!({ snapshot_path => "snapshots/v31", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("real-world-reports", shown);
    });
}

/// Problems are reported at the place the document has them: in webhooks, in `$defs`, in
/// path items that paths use through `$ref` (not where they are used), and in 3.1 keywords.
#[test]
fn problems_are_reported_where_the_document_has_them() {
    let spec = r##"
openapi: 3.1.0
info: { title: Places, version: "1" }
paths:
  /a/{id}:
    $ref: "#/components/pathItems/A"
webhooks:
  hook:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: [object, "nul"] }
components:
  pathItems:
    A:
      get:
        operationId: getA
        parameters:
          - { name: q, in: query, schema: { $ref: "#/components/schemas/S/$defs/Missing" } }
        responses: { "204": { description: Done. } }
  schemas:
    S:
      $defs:
        Thing: { type: string, exclusiveMinimum: "zero" }
"##;
    let error = codegen::generate(spec, &codegen::Options::new("places", "places.yaml"))
        .expect_err("the document has errors");
    let found: Vec<String> = error
        .diagnostics()
        .iter()
        .map(|d| format!("{:?} {}", d.severity, d.pointer))
        .collect();
    assert_eq!(
        found,
        [
            "Error #/webhooks/hook/post/requestBody/content/application~1json/schema/type/1",
            "Error #/components/pathItems/A/get",
            "Error #/components/pathItems/A/get/parameters/0/schema/$ref",
            "Error #/components/schemas/S/$defs/Thing/exclusiveMinimum",
        ],
        "{error}"
    );
}

/// The 3.1 fixtures and the real-world 3.1 documents, with the source name shown in their
/// crates.
fn documents() -> Vec<(PathBuf, String)> {
    let root = workspace_root();
    let fixtures = root.join("tests/fixtures/v31");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", fixtures.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "json")
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures in {}", fixtures.display());
    found.extend(
        REAL_WORLD_3_1
            .iter()
            .map(|file| root.join("tests/fixtures/real-world").join(file)),
    );
    found
        .into_iter()
        .map(|path| {
            let source = path
                .strip_prefix(&root)
                .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
            (path, source)
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A package name for the crate of a document: `v31-` and its file name, dots as dashes.
fn crate_name(file: &str) -> String {
    format!("v31-{}", file.replace('.', "-"))
}
