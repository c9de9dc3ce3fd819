//! `cargo xtask codegen`: generate, compare, write.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use codegen::{Diagnostic, Options, Severity};

use crate::annotation;
use crate::tree;

/// How many warnings are printed one by one before the rest are only counted.
const WARNINGS_SHOWN: usize = 10;

/// The options of `cargo xtask codegen`.
#[derive(Debug, Default)]
pub struct Args {
    /// Compare only.
    pub check: bool,
    /// `--spec`.
    pub spec: Option<PathBuf>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--name`.
    pub name: Option<String>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let root = crate::workspace_root();
    let (spec_path, source) = match &args.spec {
        Some(spec) => (spec.clone(), spec.display().to_string()),
        None => (
            root.join("spec/unified-connection.yaml"),
            "spec/unified-connection.yaml".to_owned(),
        ),
    };
    if args.spec.is_some() && args.out.is_none() {
        bail!("--spec needs --out: generated/ is made from spec/unified-connection.yaml only");
    }
    let out = args.out.clone().unwrap_or_else(|| root.join("generated"));
    let mut options = Options::new(
        args.name.as_deref().unwrap_or("unified-connection"),
        source.clone(),
    );
    // The committed crate is a member of this workspace; any other output is a crate of its own.
    options.standalone = args.out.is_some();

    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the API description {}", spec_path.display()))?;
    let output = match codegen::generate(&text, &options) {
        Ok(output) => output,
        Err(error) => {
            annotate(&source, error.diagnostics());
            bail!("{source}: {error}\nnothing was written");
        }
    };
    report_warnings(&source, &output.warnings);

    if !args.check {
        // Before comparing, so that a run that finds nothing to change still cleans up
        // after one that was interrupted.
        tree::recover(&out)
            .with_context(|| format!("cannot recover {} from an interrupted run", out.display()))?;
    }
    let plan = tree::plan(&out, &output.files)
        .with_context(|| format!("cannot read {} to compare it", out.display()))?;
    if plan.is_empty() {
        if !args.check {
            println!("{} is up to date", out.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        report_stale(&out, &plan, &source);
        return Ok(ExitCode::FAILURE);
    }
    tree::write(&out, &output.files).with_context(|| {
        format!(
            "cannot write {} (the previous output is left as it was)",
            out.display()
        )
    })?;
    println!("{}: {} file(s) updated", out.display(), plan.len());
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

fn report_warnings(source: &str, warnings: &[Diagnostic]) {
    let warnings: Vec<&Diagnostic> = warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    for warning in warnings.iter().take(WARNINGS_SHOWN) {
        eprintln!(
            "warning: {source}: {}: {}",
            warning.pointer, warning.message
        );
    }
    if warnings.len() > WARNINGS_SHOWN {
        eprintln!(
            "warning: {source}: {} more warning(s) like these",
            warnings.len() - WARNINGS_SHOWN
        );
    }
    annotate(source, warnings.into_iter().take(WARNINGS_SHOWN));
}

/// On GitHub Actions, each diagnostic as an annotation on the spec file. Diagnostics
/// carry a JSON pointer, not a line, so the annotation is on the whole file, the pointer
/// leading its message.
fn annotate<'a>(source: &str, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    for diagnostic in diagnostics {
        annotation::annotate(
            diagnostic.severity,
            source,
            None,
            &format!("{}: {}", diagnostic.pointer, diagnostic.message),
        );
    }
}

/// Whether `path` is where the header says a generated file comes from.
pub fn is_generated(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|line| line.contains("Generated by `cargo xtask codegen`"))
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
        assert!(error.contains("#/paths/~1pets~1{id}/get"), "{error}");
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
