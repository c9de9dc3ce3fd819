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
    let expected = format!(
        "::error file={}::#/components/schemas/Connection/properties/auth: ",
        bad.display()
    );
    assert!(
        stdout.lines().any(|line| line.starts_with(&expected)),
        "an error annotation on the spec file: {stdout}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");

    let warned_run = run(&warned, true);
    let stdout = text(&warned_run.stdout);
    assert!(warned_run.status.success(), "{}", text(&warned_run.stderr));
    let expected = format!("::warning file={}::#/servers/0/url: ", warned.display());
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
