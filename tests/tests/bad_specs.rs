//! Every spec in `tests/fixtures/bad/` (YAML or JSON) is refused with every problem it has,
//! each naming its JSON pointer and its line and column: the messages are snapshotted (one
//! snapshot per fixture, in `snapshots/bad/`), so their wording is reviewed like code, both
//! as `codegen::Error` displays them and as `cargo xtask codegen` shows them.

use codegen::report::{Colour, render};
use codegen::{Error, Options, Severity};

/// The bad specs.
const FIXTURES: &str = "*.{yaml,json}";

/// Each bad spec is refused with every problem it has (snapshots `refused@<fixture>`).
#[test]
fn refused() {
    insta::glob!("../fixtures/bad", FIXTURES, |path| {
        let text = std::fs::read_to_string(path).expect("the fixture is readable");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let options = Options::new("bad", format!("tests/fixtures/bad/{name}"));
        let error = match codegen::generate(&text, &options) {
            Ok(_) => panic!("{name} generated a crate; it should have been refused"),
            Err(error) => error,
        };
        assert!(
            matches!(error, Error::Spec(_)),
            "{name}: not a spec error: {error}"
        );
        assert!(
            error
                .diagnostics()
                .iter()
                .any(|d| d.severity == Severity::Error),
            "{name}: refused without an error diagnostic"
        );
        insta::with_settings!({ snapshot_path => "snapshots/bad", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(error.to_string());
        });
    });
}

/// Each bad spec's problems as the CLI shows them, with the spec's lines (snapshots
/// `rendered@<fixture>`): every problem is placed on a line of the spec.
#[test]
fn rendered() {
    insta::glob!("../fixtures/bad", FIXTURES, |path| {
        let text = std::fs::read_to_string(path).expect("the fixture is readable");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let error = codegen::generate(&text, &Options::new("bad", name.as_str()))
            .err()
            .unwrap_or_else(|| panic!("{name} generated a crate; it should have been refused"));
        let diagnostics = error.diagnostics();
        // Only a document without a single node has nowhere to point.
        let has_node = text
            .lines()
            .any(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
        for diagnostic in diagnostics {
            assert_eq!(
                diagnostic.location.is_some(),
                has_node,
                "{name}: {diagnostic}"
            );
        }
        let shown: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                render(
                    d,
                    &text,
                    &format!("tests/fixtures/bad/{name}"),
                    Colour::Never,
                )
            })
            .collect();
        insta::with_settings!({ snapshot_path => "snapshots/bad", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(shown.join("\n\n"));
        });
    });
}

/// Loading refuses before lowering starts, so the two steps must agree: a spec that fails
/// to load reports the same problems from `codegen::load` as from `codegen::generate`.
#[test]
fn load_and_generate_agree_on_unloadable_specs() {
    for text in [
        "",
        "42",
        "- a",
        "swagger: '2.0'",
        "openapi: 3.2.0",
        "openapi: 3.1",
        "{",
    ] {
        let options = Options::new("bad", "inline");
        let from_load = codegen::load(text).err().map(|e| e.to_string());
        let from_generate = codegen::generate(text, &options)
            .err()
            .map(|e| e.to_string());
        assert!(from_load.is_some(), "{text:?} loaded");
        assert_eq!(from_load, from_generate, "{text:?}");
    }
}

/// Options that cannot make a crate are refused before the spec is read.
#[test]
fn options_that_cannot_make_a_crate_are_refused() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\n";
    for (name, version) in [
        ("my crate", "0.1.0"),
        ("1st", "0.1.0"),
        ("", "0.1.0"),
        ("type", "0.1.0"),
        ("self", "0.1.0"),
        ("proc-macro", "0.1.0"),
        ("ok", "0.1\"\n[x]"),
    ] {
        let mut options = Options::new(name, "spec.yaml");
        options.crate_version = version.to_owned();
        let error = codegen::generate(spec, &options).err();
        assert!(
            matches!(error, Some(Error::Options(_))),
            "{name:?} {version:?}: {error:?}"
        );
    }
    // A line break in the source's name cannot end the header comment.
    let output =
        codegen::generate(spec, &Options::new("ok", "a\nfn oops() {}")).expect("generates");
    assert!(
        output.files["src/lib.rs"]
            .lines()
            .nth(1)
            .is_some_and(|line| line.starts_with("//"))
    );
}
