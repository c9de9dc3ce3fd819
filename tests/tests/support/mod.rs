//! Checking generated crates from tests. The crates of one test are written as the members
//! of one cargo workspace under `<target>/test-crates/<workspace>`, with this workspace's
//! `Cargo.lock` (so they resolve the very dependency versions this workspace uses), and
//! checked by one `cargo clippy` and one `cargo doc` run. Every test workspace shares one
//! build folder (`<target>/test-crates/build`, cargo's `build-dir`), so the clients'
//! dependencies are compiled once; each has its own target folder
//! (`<workspace>/target`), where only its docs are written, so rustdoc does not merge
//! every other test's crates into its search index.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use tests::workspace_root;

/// The files of one generated crate, by path relative to the crate's root.
pub type Files = BTreeMap<String, String>;

/// The folder that holds every test workspace and their shared build folder:
/// `<target>/test-crates`, beside Cargo's own output wherever `CARGO_TARGET_DIR` puts it.
pub fn test_crates_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or_else(|| workspace_root().join("target"), Path::to_path_buf)
        .join("test-crates")
}

/// Generates the crate `name` from the spec text, as a member of a test workspace (its
/// manifest has no `[workspace]` table of its own), with its example tests when
/// `example_tests` says so.
pub fn generate(
    name: &str,
    source: &str,
    text: &str,
    example_tests: bool,
) -> Result<codegen::Output, codegen::Error> {
    let mut options = codegen::Options::new(name, source);
    options.example_tests = example_tests;
    codegen::generate(text, &options)
}

/// Writes `crates` (crate name -> files) as the members of the workspace
/// `<test-crates>/<workspace>`, each in the folder of its name, with a manifest listing
/// them and this workspace's `Cargo.lock`.
///
/// A file whose text is unchanged is not rewritten, so cargo finds an unchanged crate fresh
/// and a second run checks only what changed; files and crates no longer generated are
/// removed.
pub fn write_workspace(workspace: &str, crates: &BTreeMap<String, Files>) -> PathBuf {
    let dir = test_crates_dir().join(workspace);
    std::fs::create_dir_all(&dir).expect("the test workspace's folder can be created");
    remove_stale(&dir, crates);
    for (name, files) in crates {
        for (path, text) in files {
            write_if_changed(&dir.join(name).join(path), text);
        }
    }
    let members: Vec<String> = crates.keys().map(|name| format!("{name:?}")).collect();
    // Checked once from scratch (CI) or found fresh: incremental state would only cost
    // time and gigabytes.
    let manifest = format!(
        "# Written by the tests: the generated crates of one test, checked together.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
         [profile.dev]\nincremental = false\n",
        members.join(", ")
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("the workspace's Cargo.lock can be copied");
    dir
}

/// A test workspace's own target folder, inside it, where its docs are written.
const TARGET: &str = "target";

/// Removes the members that are not in `crates`, and the files of members that their
/// crate no longer has.
fn remove_stale(dir: &Path, crates: &BTreeMap<String, Files>) {
    let entries = std::fs::read_dir(dir).expect("the test workspace's folder can be listed");
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !path.is_dir() || name == TARGET {
            continue;
        }
        match crates.get(&name) {
            None => std::fs::remove_dir_all(&path).expect("a stale test crate can be removed"),
            Some(files) => {
                for stale in files_under(&path) {
                    let relative = stale.strip_prefix(&path).unwrap_or(&stale);
                    let key = relative.to_string_lossy().replace('\\', "/");
                    if !files.contains_key(&key) {
                        std::fs::remove_file(&stale).expect("a stale file can be removed");
                    }
                }
            }
        }
    }
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("the test crate's folder can be created");
    }
    std::fs::write(path, text).expect("the test crate's files can be written");
}

/// One problem a check found in a crate: an error or warning of clippy or rustdoc.
#[derive(Debug, Clone)]
pub struct Problem {
    /// `clippy` or `rustdoc`.
    pub tool: &'static str,
    /// The lint or error code (`clippy::doc_lazy_continuation`, `E0308`), if any.
    pub code: Option<String>,
    /// The message as the compiler prints it.
    pub rendered: String,
}

/// What checking a workspace found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Problems by member crate name; a crate without problems has no entry.
    pub by_crate: BTreeMap<String, Vec<Problem>>,
    /// Failures that belong to no member (cargo could not resolve the workspace, say),
    /// with cargo's output.
    pub other: Vec<String>,
}

impl Findings {
    /// Whether the checks found nothing.
    pub fn is_clean(&self) -> bool {
        self.by_crate.is_empty() && self.other.is_empty()
    }
}

/// Runs `cargo clippy --workspace --all-targets -- -D warnings` and
/// `RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps` in the test workspace
/// `dir`, each once over every member (`--keep-going`, so one failing crate does not hide
/// the others), and sorts what they report by crate.
pub fn check_workspace(dir: &Path) -> Findings {
    let mut findings = Findings::default();
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--keep-going",
        "--message-format=json",
        "--",
        "-D",
        "warnings",
    ];
    run_check(dir, "clippy", &clippy, &[], &mut findings);
    let doc = [
        "doc",
        "--workspace",
        "--no-deps",
        "--keep-going",
        "--message-format=json",
    ];
    run_check(
        dir,
        "rustdoc",
        &doc,
        &[("RUSTDOCFLAGS", "-D warnings")],
        &mut findings,
    );
    findings
}

/// `cargo` to run in the test workspace `dir`, with the shared build folder and the
/// workspace's own target folder.
pub fn cargo_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(dir);
    for key in std::env::vars_os().map(|(key, _)| key) {
        if set_by_cargo_test(&key.to_string_lossy()) {
            command.env_remove(key);
        }
    }
    command
        .env("CARGO_BUILD_BUILD_DIR", test_crates_dir().join("build"))
        .env("CARGO_TARGET_DIR", dir.join(TARGET));
    command
}

/// Runs one cargo command with JSON messages and adds what it reports to `findings`.
fn run_check(
    dir: &Path,
    tool: &'static str,
    args: &[&str],
    env: &[(&str, &str)],
    findings: &mut Findings,
) {
    let mut command = cargo_command(dir);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let started = Instant::now();
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => {
            findings.other.push(format!("cannot run cargo: {e}"));
            return;
        }
    };
    let mut attributed = false;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some((krate, problem)) = problem_of(tool, line) {
            attributed = true;
            // A library's problems are reported again by its unit-test target.
            let problems = findings.by_crate.entry(krate).or_default();
            let known = problems
                .iter()
                .any(|p| p.tool == problem.tool && p.rendered == problem.rendered);
            if !known {
                problems.push(problem);
            }
        }
    }
    println!(
        "{tool}: `cargo {}` took {:.1} s",
        args.join(" "),
        started.elapsed().as_secs_f64()
    );
    if !output.status.success() && !attributed {
        findings.other.push(format!(
            "`cargo {}` failed in {} ({}) without naming a crate:\n{}",
            args.join(" "),
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
}

/// Whether `key` is one of the variables `cargo test` sets for a test about the test's own
/// package (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, ...). They are not passed on: cargo
/// reruns a build script that watches one of them (ring's watches `CARGO_PKG_NAME`) when
/// its value changes, so the dependencies would be rebuilt whenever a test workspace is
/// checked by hand after a test, and again by the next test.
fn set_by_cargo_test(key: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || matches!(
            key,
            "CARGO_CRATE_NAME" | "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR" | "OUT_DIR"
        )
}

/// The crate and problem of one line of cargo's JSON output, if it is a compiler error or
/// warning about a member (not one of the summaries rustc ends with).
fn problem_of(tool: &'static str, line: &str) -> Option<(String, Problem)> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    if value["reason"] != "compiler-message" {
        return None;
    }
    let message = &value["message"];
    if !matches!(message["level"].as_str(), Some("error" | "warning")) {
        return None;
    }
    let text = message["message"].as_str().unwrap_or_default();
    let summary = text.starts_with("aborting due to")
        || text.ends_with("warning emitted")
        || text.ends_with("warnings emitted");
    if summary {
        return None;
    }
    // A member's folder is named after its crate.
    let manifest = Path::new(value["manifest_path"].as_str()?);
    let krate = manifest
        .parent()?
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let problem = Problem {
        tool,
        code: message["code"]["code"].as_str().map(str::to_owned),
        rendered: message["rendered"]
            .as_str()
            .unwrap_or(text)
            .trim_end()
            .to_owned(),
    };
    Some((krate, problem))
}

/// A summary of each crate's problems: one line per crate with its counts by tool and
/// code, then the first message of each code (at most `lines` lines of it).
pub fn describe(findings: &Findings, lines: usize) -> String {
    let mut out = String::new();
    for (krate, problems) in &findings.by_crate {
        let mut by_code: BTreeMap<(&str, &str), (usize, &Problem)> = BTreeMap::new();
        for problem in problems {
            let code = problem.code.as_deref().unwrap_or("(no code)");
            by_code
                .entry((problem.tool, code))
                .or_insert((0, problem))
                .0 += 1;
        }
        let counts: Vec<String> = by_code
            .iter()
            .map(|((tool, code), (count, _))| format!("{tool} {code} x{count}"))
            .collect();
        out.push_str(&format!("{krate}: {}\n", counts.join(", ")));
        for (_, first) in by_code.values() {
            for line in first.rendered.lines().take(lines) {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    for other in &findings.other {
        out.push_str(other);
        out.push('\n');
    }
    out
}
