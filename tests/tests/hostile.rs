//! Every spec in `tests/fixtures/hostile/` (keywords, punctuation and unicode, colliding
//! names, names of std and runtime items, recursive types, descriptions full of markup,
//! odd shapes) generates a crate that passes `cargo clippy --all-targets -- -D warnings` and
//! `RUSTDOCFLAGS="-D warnings" cargo doc --no-deps`.
//!
//! Each fixture is the crate `hostile-<name>`, a member of the workspace
//! `target/test-crates/hostile`, checked by one clippy and one rustdoc run with the build
//! folder all generated test crates share (see `support`).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tests::workspace_root;

/// The files the generator writes itself (the rest are the runtime's modules, whose docs
/// are hand-written).
const EMITTED: [&str; 4] = [
    "src/lib.rs",
    "src/models.rs",
    "src/enums.rs",
    "src/client.rs",
];

fn fixtures() -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/fixtures/hostile");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures in {}", dir.display());
    found
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn hostile_specs_generate_crates_that_pass_clippy_and_rustdoc() {
    let mut failures = Vec::new();
    let mut crates = BTreeMap::new();
    for path in fixtures() {
        let name = format!("hostile-{}", stem(&path));
        let text = std::fs::read_to_string(&path).expect("the fixture is readable");
        let source = format!("tests/fixtures/hostile/{}.yaml", stem(&path));
        let output = support::generate(&name, &source, &text, false)
            .unwrap_or_else(|error| panic!("{source} generates: {error}"));
        failures.extend(fenced_code_that_would_run(&name, &output.files));
        crates.insert(name, output.files);
    }
    let dir = support::write_workspace("hostile", &crates);
    let findings = support::check_workspace(&dir);
    if !findings.is_clean() {
        failures.push(support::describe(&findings, 40));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Code blocks in the generated docs that `cargo test --doc` would compile: every block
/// from a spec must be `text`; the only one that runs is the crate's own `no_run`
/// example in `lib.rs`.
fn fenced_code_that_would_run(name: &str, files: &support::Files) -> Vec<String> {
    let mut found = Vec::new();
    for path in EMITTED {
        let Some(text) = files.get(path) else {
            continue;
        };
        let mut open = false;
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start();
            let Some(doc) = line
                .strip_prefix("///")
                .or_else(|| line.strip_prefix("//!"))
            else {
                continue;
            };
            let doc = doc.strip_prefix(' ').unwrap_or(doc);
            if !(doc.starts_with("```") || doc.starts_with("~~~")) {
                continue;
            }
            if !open {
                let info = &doc[3..];
                let allowed = info == "text" || (path == "src/lib.rs" && info == "no_run");
                if !allowed {
                    found.push(format!(
                        "{name}/{path}:{}: a doc block that would be compiled: {doc}",
                        number + 1
                    ));
                }
            }
            open = !open;
        }
    }
    found
}

#[test]
fn a_spec_code_fence_is_never_a_doctest() {
    let spec = r#"
openapi: 3.0.3
info: { title: Fences, version: "1", description: "```rust\nfn main() { nope }\n```" }
paths:
  /a:
    get:
      operationId: a
      description: "    indented\n\n```\nplain\n```\n~~~should_panic\npanic!()\n~~~"
      responses: { "204": { description: Done. } }
"#;
    let output = support::generate("fences", "inline", spec, false).expect("the spec generates");
    assert_eq!(
        fenced_code_that_would_run("fences", &output.files),
        Vec::<String>::new()
    );
}
