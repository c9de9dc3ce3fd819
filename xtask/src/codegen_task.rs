//! `cargo xtask codegen`: generate, compare, write.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use codegen::{Diagnostic, Options, Severity};

use crate::annotation;
use crate::committed::COMMITTED;
use crate::report::{MessageFormat, Report};
use crate::tree;

/// How many warnings are annotated on GitHub Actions, as many as are shown.
const WARNINGS_ANNOTATED: usize = 10;

/// The options of `cargo xtask codegen`.
#[derive(Debug, Default, Clone)]
pub struct Args {
    /// Compare only.
    pub check: bool,
    /// `--spec`.
    pub spec: Option<PathBuf>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--name`.
    pub name: Option<String>,
    /// `--example-tests`.
    pub example_tests: bool,
    /// `--explain-values`: report the untyped values instead of writing.
    pub explain_values: bool,
    /// `--message-format`.
    pub message_format: MessageFormat,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.spec.is_some() && args.out.is_none() {
        bail!("--spec needs --out: without them, the workspace's own crates are generated");
    }
    if let Some(spec) = &args.spec {
        // A crate of its own, outside this workspace.
        return generate_into(args, &spec.display().to_string(), true);
    }
    let root = crate::workspace_root();
    let mut code = ExitCode::SUCCESS;
    for (spec, out, name) in COMMITTED {
        let one = Args {
            spec: Some(root.join(spec)),
            out: Some(root.join(out)),
            name: Some(name.to_owned()),
            ..args.clone()
        };
        // Named in headers by its path in the workspace; a member of the workspace.
        if generate_into(&one, spec, false)? != ExitCode::SUCCESS {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// Generates the crate `args` names from `args.spec` into `args.out`; `source` is the
/// spec's path as the files' headers show it.
fn generate_into(args: &Args, source: &str, standalone: bool) -> anyhow::Result<ExitCode> {
    let (Some(spec_path), Some(out)) = (args.spec.clone(), args.out.clone()) else {
        bail!("a description and an output folder are needed");
    };
    let mut options = Options::new(args.name.as_deref().unwrap_or("unified-connection"), source);
    options.standalone = standalone;
    options.example_tests = args.example_tests;

    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the API description {}", spec_path.display()))?;
    let report = Report::new(args.message_format, source, &text);
    let output = match codegen::generate(&text, &options) {
        Ok(output) => output,
        Err(error) => {
            annotate(source, error.diagnostics());
            bail!("{}", report.refused(&error));
        }
    };
    report.warnings(&output.warnings);
    annotate(source, &output.warnings);
    if args.explain_values {
        for untyped in &output.untyped {
            println!("{untyped}");
        }
        println!(
            "{source}: {} value(s) kept as untyped JSON (serde_json::Value)",
            output.untyped.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    write_or_check(args, &out, &output, &report, source)
}

/// Compares the output with what `out` holds, and writes it unless checking.
fn write_or_check(
    args: &Args,
    out: &std::path::Path,
    output: &codegen::Output,
    report: &Report<'_>,
    source: &str,
) -> anyhow::Result<ExitCode> {
    if !args.check {
        // Before comparing, so that a run that finds nothing to change still cleans up
        // after one that was interrupted.
        tree::recover(out)
            .with_context(|| format!("cannot recover {} from an interrupted run", out.display()))?;
    }
    let plan = tree::plan(out, &output.files)
        .with_context(|| format!("cannot read {} to compare it", out.display()))?;
    if plan.is_empty() {
        if !args.check {
            report.status(&format!("{} is up to date", out.display()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        report_stale(out, &plan, source);
        return Ok(ExitCode::FAILURE);
    }
    tree::write(out, &output.files).with_context(|| {
        format!(
            "cannot write {} (the previous output is left as it was)",
            out.display()
        )
    })?;
    report.status(&format!(
        "{}: {} file(s) updated",
        out.display(),
        plan.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// `--check` found differences: the diff, what to run, and an annotation on each file.
fn report_stale(out: &std::path::Path, plan: &tree::Plan, source: &str) {
    eprint!("{}", plan.diff(out));
    eprintln!(
        "error: {} is stale: {} file(s) differ from what {source} generates; run `cargo xtask codegen` and commit the result",
        out.display(),
        plan.len()
    );
    let root = crate::workspace_root();
    for path in plan.paths() {
        let file = out.join(path);
        let shown = file.strip_prefix(&root).unwrap_or(&file);
        annotation::annotate(
            Severity::Error,
            &shown.display().to_string(),
            None,
            &format!(
                "differs from what {source} generates: run `cargo xtask codegen` and commit the result"
            ),
        );
    }
}

/// On GitHub Actions, each error and the first warnings as annotations at their place in
/// the spec, the JSON pointer leading the message.
fn annotate(source: &str, diagnostics: &[Diagnostic]) {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error);
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .take(WARNINGS_ANNOTATED);
    for diagnostic in errors.chain(warnings) {
        let position = diagnostic.location.map(|l| annotation::Position {
            line: l.line,
            column: Some(l.column),
        });
        annotation::annotate(
            diagnostic.severity,
            source,
            position,
            &format!("{}: {}", diagnostic.pointer, diagnostic.message),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    const GOOD: &str = r#"
openapi: 3.0.3
info: { title: Pets, version: "1" }
paths:
  /pets:
    get:
      operationId: listPets
      responses: { "204": { description: Done. } }
"#;

    const BAD: &str = r#"
openapi: 3.0.3
info: { title: Pets, version: "1" }
paths:
  /pets/{id}:
    get:
      operationId: getPet
      responses: { "204": { description: Done. } }
"#;

    /// Every file below `dir` with its bytes.
    fn snapshot(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = fs::read(&path).expect("readable");
                    found.push((path, bytes));
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn a_bad_spec_leaves_the_previous_output_byte_identical() {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let spec = temp.path().join("spec.yaml");
        let out = temp.path().join("client");
        let args = Args {
            check: false,
            spec: Some(spec.clone()),
            out: Some(out.clone()),
            name: Some("pets".to_owned()),
            message_format: MessageFormat::Json,
            ..Args::default()
        };
        fs::write(&spec, GOOD).expect("written");
        assert_eq!(
            run(&args).expect("a good spec generates"),
            ExitCode::SUCCESS
        );
        fs::write(out.join("Cargo.lock"), "# lock\n").expect("written");
        let before = snapshot(temp.path());

        fs::write(&spec, BAD).expect("written");
        let error = format!("{:#}", run(&args).expect_err("a bad spec fails"));
        assert!(error.contains("has 1 problem;"), "{error}");
        assert!(error.contains("nothing was written"), "{error}");
        let mut after = snapshot(temp.path());
        // Only the spec changed.
        for (path, bytes) in &mut after {
            if *path == spec {
                *bytes = GOOD.as_bytes().to_vec();
            }
        }
        assert_eq!(after, before);
    }
}
