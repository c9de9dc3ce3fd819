//! `cargo xtask codegen`: generate, compare, write.

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::Options;

use crate::committed::COMMITTED;
use crate::report::{MessageFormat, Report};
use crate::tree;

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

pub fn run(args: &Args) -> Result<ExitCode, String> {
    if args.spec.is_some() && args.out.is_none() {
        return Err(
            "--spec needs --out: without them, the workspace's own crates are generated".to_owned(),
        );
    }
    if args.spec.is_some() {
        return run_one(args);
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
        if run_one_committed(&one, spec)? != ExitCode::SUCCESS {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// One of the workspace's own crates, named in headers by its path in the workspace.
fn run_one_committed(args: &Args, source: &str) -> Result<ExitCode, String> {
    generate_into(args, source, false)
}

/// A crate from `--spec` into `--out`: a crate of its own, outside this workspace.
fn run_one(args: &Args) -> Result<ExitCode, String> {
    let source = args
        .spec
        .as_ref()
        .map(|spec| spec.display().to_string())
        .unwrap_or_default();
    generate_into(args, &source, true)
}

fn generate_into(args: &Args, source: &str, standalone: bool) -> Result<ExitCode, String> {
    let source = source.to_owned();
    let (Some(spec_path), Some(out)) = (args.spec.clone(), args.out.clone()) else {
        return Err("a description and an output folder are needed".to_owned());
    };
    let mut options = Options::new(
        args.name.as_deref().unwrap_or("unified-connection"),
        source.clone(),
    );
    // The committed crates are members of this workspace; any other output is a crate of
    // its own.
    options.standalone = standalone;
    options.example_tests = args.example_tests;

    let text = std::fs::read_to_string(&spec_path).map_err(|e| {
        format!(
            "cannot read the API description {}: {e}",
            spec_path.display()
        )
    })?;
    let report = Report::new(args.message_format, &source, &text);
    let output = codegen::generate(&text, &options).map_err(|error| report.refused(&error))?;
    report.warnings(&output.warnings);
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

    if !args.check {
        // Before comparing, so that a run that finds nothing to change still cleans up
        // after one that was interrupted.
        tree::recover(&out).map_err(|e| {
            format!(
                "cannot recover {} from an interrupted run: {e}",
                out.display()
            )
        })?;
    }
    let plan = tree::plan(&out, &output.files)
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    if plan.is_empty() {
        if !args.check {
            report.status(&format!("{} is up to date", out.display()));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        eprint!("{}", plan.diff(&out));
        eprintln!(
            "error: {} is stale: {} file(s) differ from what {source} generates; run `cargo xtask codegen` and commit the result",
            out.display(),
            plan.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    tree::write(&out, &output.files).map_err(|e| {
        format!(
            "cannot write {}: {e} (the previous output is left as it was)",
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
        assert_eq!(run(&args), Ok(ExitCode::SUCCESS));
        fs::write(out.join("Cargo.lock"), "# lock\n").expect("written");
        let before = snapshot(temp.path());

        fs::write(&spec, BAD).expect("written");
        let error = run(&args).expect_err("a bad spec fails");
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
