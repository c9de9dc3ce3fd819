//! `cargo xtask codegen` as a user runs it: the binary, real files, exit codes and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

/// A scratch folder under the workspace's `target/`, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root()
        .join("target/test-scratch/xtask-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn codegen(spec: &Path, out: &Path, check: bool) -> Output {
    let (spec, out) = (spec.to_string_lossy(), out.to_string_lossy());
    let mut args = vec![
        "codegen", "--spec", &spec, "--out", &out, "--name", "checked",
    ];
    if check {
        args.push("--check");
    }
    xtask(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_passes_when_fresh_and_fails_with_a_diff_after_a_one_word_edit() {
    let dir = scratch("check");
    let spec = dir.join("spec.yaml");
    let out = dir.join("crate");
    let original = std::fs::read_to_string(workspace_root().join("spec/unified-connection.yaml"))
        .expect("spec");
    std::fs::write(&spec, &original).expect("write spec");

    let generated = codegen(&spec, &out, false);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    assert!(out.join("Cargo.toml").is_file() && out.join("src/lib.rs").is_file());

    let fresh = codegen(&spec, &out, true);
    assert!(
        fresh.status.success(),
        "a fresh crate passes --check: {}",
        text(&fresh.stderr)
    );

    // One word of one description.
    let edited = original.replacen("The integration type", "The integration kind", 1);
    assert_ne!(
        edited, original,
        "the spec has the description this test edits"
    );
    std::fs::write(&spec, edited).expect("write spec");
    let before = std::fs::read_to_string(out.join("src/models.rs")).expect("models");
    let stale = codegen(&spec, &out, true);
    let stderr = text(&stale.stderr);
    assert!(
        !stale.status.success(),
        "--check must fail on a stale crate"
    );
    assert!(
        stderr.contains("-    /// The integration type"),
        "the diff shows the old line: {stderr}"
    );
    assert!(
        stderr.contains("+    /// The integration kind"),
        "the diff shows the new line: {stderr}"
    );
    assert!(
        stderr.contains("run `cargo xtask codegen`"),
        "the message says what to run: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("src/models.rs")).expect("models"),
        before,
        "--check writes nothing"
    );

    let regenerated = codegen(&spec, &out, false);
    assert!(regenerated.status.success());
    assert!(
        codegen(&spec, &out, true).status.success(),
        "after regenerating, --check passes"
    );
}

#[test]
fn a_bad_spec_exits_non_zero_names_the_place_and_writes_nothing() {
    let dir = scratch("bad");
    let spec = dir.join("bad.yaml");
    let out = dir.join("crate");
    let good = std::fs::read_to_string(workspace_root().join("spec/unified-connection.yaml"))
        .expect("spec");
    std::fs::write(&spec, &good).expect("write spec");
    assert!(codegen(&spec, &out, false).status.success());
    let before = std::fs::read_to_string(out.join("src/models.rs")).expect("models");

    let broken = good.replacen(
        "$ref: '#/components/schemas/ConnectionAuth'",
        "$ref: '#/components/schemas/Missing'",
        1,
    );
    assert_ne!(
        broken, good,
        "the spec references ConnectionAuth as this test expects"
    );
    std::fs::write(&spec, broken).expect("write spec");
    let failed = codegen(&spec, &out, false);
    let stderr = text(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("#/components/schemas/Connection/properties/auth"),
        "{stderr}"
    );
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("src/models.rs")).expect("models"),
        before
    );
}

#[test]
fn an_unreadable_spec_and_bad_arguments_are_reported() {
    let missing = xtask(&[
        "codegen",
        "--spec",
        "/nonexistent/spec.yaml",
        "--out",
        "/nonexistent/out",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("cannot read the API description /nonexistent/spec.yaml")
    );

    let unknown = xtask(&["codegen", "--frobnicate"]);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("--frobnicate"),
        "{}",
        text(&unknown.stderr)
    );
}

/// A spec with a dangling `$ref` on line 13 and twelve keys of `paths` that are not paths
/// (one warning each).
fn spec_with_problems() -> String {
    let mut spec = String::from(
        "openapi: 3.0.3
info: { title: Pets, version: \"1\" }
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        \"200\":
          description: The pets.
          content:
            application/json:
              schema:
                items: { $ref: '#/components/schemas/Missing' }
",
    );
    for number in 1..=12 {
        spec.push_str(&format!("  pets{number}: {{}}\n"));
    }
    spec
}

#[test]
fn a_bad_spec_is_shown_with_its_line_and_the_node_underlined() {
    let dir = scratch("rendered");
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, spec_with_problems()).expect("write spec");
    let failed = codegen(&spec, &dir.join("crate"), false);
    let stderr = text(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "\
error: `$ref: #/components/schemas/Missing` points to a schema that does not exist
  --> {}:13:26
   |
13 |                 items: {{ $ref: '#/components/schemas/Missing' }}
   |                          ^^^^
   |
   = note: at #/paths/~1pets/get/responses/200/content/application~1json/schema/items/$ref
",
        spec.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    // Not a terminal: no colour.
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    // Ten warnings shown, the other two counted.
    assert_eq!(
        stderr.matches("warning: not a path").count(),
        10,
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: {}: 2 more warning(s) like these",
            spec.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(&format!(
            "error: {}: the API description has 1 problem; nothing was written\n",
            spec.display()
        )),
        "{stderr}"
    );
    assert!(failed.stdout.is_empty(), "{}", text(&failed.stdout));
}

/// The JSON lines on stdout, parsed.
fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    text(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

#[test]
fn message_format_json_writes_one_object_per_diagnostic_on_stdout() {
    let dir = scratch("json");
    let spec = dir.join("bad.yaml");
    let out = dir.join("crate");
    std::fs::write(&spec, spec_with_problems()).expect("write spec");
    let (spec_arg, out_arg) = (spec.to_string_lossy(), out.to_string_lossy());
    let args = [
        "codegen",
        "--spec",
        &spec_arg,
        "--out",
        &out_arg,
        "--message-format",
        "json",
    ];

    let failed = xtask(&args);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
    let lines = json_lines(&failed.stdout);
    // Every warning, none capped, and the error.
    assert_eq!(lines.len(), 13, "{}", text(&failed.stdout));
    let error = lines
        .iter()
        .find(|line| line["severity"] == "error")
        .expect("the error is written");
    assert_eq!(
        *error,
        serde_json::json!({
            "file": spec_arg,
            "severity": "error",
            "pointer": "#/paths/~1pets/get/responses/200/content/application~1json/schema/items/$ref",
            "line": 13,
            "column": 26,
            "end_line": 13,
            "end_column": 30,
            "message": "`$ref: #/components/schemas/Missing` points to a schema that does not exist",
        })
    );
    let warning = lines
        .iter()
        .find(|line| line["pointer"] == "#/paths/pets12");
    assert_eq!(
        warning.map(|w| (&w["severity"], &w["line"], &w["column"])),
        Some((&"warning".into(), &25.into(), &3.into()))
    );
    assert!(
        text(&failed.stderr).contains("has 1 problem; nothing was written"),
        "{}",
        text(&failed.stderr)
    );

    // A spec that generates: its warnings as JSON, and nothing else on stdout.
    let fixed = spec_with_problems().replace("Missing", "Pet")
        + "components:\n  schemas:\n    Pet: { type: object }\n";
    std::fs::write(&spec, fixed).expect("write spec");
    let generated = xtask(&args);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let lines = json_lines(&generated.stdout);
    assert_eq!(lines.len(), 12);
    assert!(lines.iter().all(|line| line["severity"] == "warning"));
    assert!(
        text(&generated.stderr).contains("file(s) updated"),
        "{}",
        text(&generated.stderr)
    );

    let unknown = xtask(&["codegen", "--message-format", "xml"]);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("unknown message format `xml`"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn on_github_actions_spec_problems_are_also_annotations_on_the_spec() {
    let dir = scratch("annotations");
    let (bad, warned) = (dir.join("bad.yaml"), dir.join("warned.yaml"));
    let good = std::fs::read_to_string(workspace_root().join("spec/unified-connection.yaml"))
        .expect("spec");
    let broken = good.replacen(
        "$ref: '#/components/schemas/ConnectionAuth'",
        "$ref: '#/components/schemas/Missing'",
        1,
    );
    assert_ne!(broken, good, "the spec references ConnectionAuth");
    std::fs::write(&bad, broken).expect("write spec");
    std::fs::write(
        &warned,
        "openapi: 3.0.3\n\
         info: { title: Pets, version: \"1\" }\n\
         servers: [{ url: /v1 }]\n\
         paths:\n  /pets:\n    get:\n      operationId: listPets\n      \
         responses: { \"204\": { description: Done. } }\n",
    )
    .expect("write spec");
    let run = |spec: &Path, github: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(["codegen", "--spec"])
            .arg(spec)
            .arg("--out")
            .arg(dir.join("crate"));
        if github {
            command.env("GITHUB_ACTIONS", "true");
        } else {
            command.env_remove("GITHUB_ACTIONS");
        }
        command.output().expect("xtask runs")
    };

    let failed = run(&bad, true);
    let (stdout, stderr) = (text(&failed.stdout), text(&failed.stderr));
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    let expected = format!("::error file={},line=", bad.display());
    assert!(
        stdout.lines().any(|line| line.starts_with(&expected)
            && line.contains("::#/components/schemas/Connection/properties/auth/$ref: ")),
        "an error annotation at its line of the spec file: {stdout}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");

    let warned_run = run(&warned, true);
    let stdout = text(&warned_run.stdout);
    assert!(warned_run.status.success(), "{}", text(&warned_run.stderr));
    let expected = format!("::warning file={},line=3,col=", warned.display());
    assert!(
        stdout.lines().any(|line| line.starts_with(&expected)),
        "a warning annotation on the spec file: {stdout}"
    );

    let elsewhere = run(&bad, false);
    assert!(
        !text(&elsewhere.stdout).contains("::error"),
        "no annotations outside GitHub Actions: {}",
        text(&elsewhere.stdout)
    );
    assert_eq!(text(&elsewhere.stderr), text(&failed.stderr));
}
