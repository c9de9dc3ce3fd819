//! Build times: the generated crate's own code (dependencies already built), and a clean
//! build of xtask with all its dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use codegen::Options;
use serde_json::{Value, json};

use super::report::{number, render};
use super::{Paths, median};

pub struct Compile {
    pub name: String,
    pub lines: usize,
    pub first_build_s: f64,
    pub runs: usize,
    /// Median and min of the rebuilds without incremental compilation: the crate's whole
    /// code compiled again.
    pub rebuild_s: f64,
    pub rebuild_min_s: f64,
    /// Median of the rebuilds with incremental compilation (the dev profile's default),
    /// where an unchanged file costs little more than checking the cache.
    pub incremental_s: f64,
}

/// Runs `cargo build` with its output in `log`; the wall time in seconds.
fn cargo_build(
    paths: &Paths,
    dir: &Path,
    target: &Path,
    extra: &[&str],
    incremental: bool,
    log: &Path,
) -> Result<f64, String> {
    let log_file =
        std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
    let start = Instant::now();
    let status = Command::new(&paths.cargo)
        .current_dir(dir)
        .arg("build")
        .args(extra)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(err_file)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "`cargo build` in {} failed ({status}):\n{}",
            dir.display(),
            tail.join("\n")
        ));
    }
    Ok(seconds)
}

/// Writes the crate generated from `spec` to `dir`, leaving unchanged files untouched.
fn write_crate(spec: &Path, name: &str, dir: &Path, lockfile: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let mut options = Options::new(format!("bench-{name}"), spec.display().to_string());
    options.standalone = true;
    let output =
        codegen::generate(&text, &options).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut lines = 0;
    for (path, content) in &output.files {
        let file = dir.join(path);
        if path.ends_with(".rs") {
            lines += content.lines().count();
        }
        if std::fs::read_to_string(&file).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&file, content)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    // The workspace's lock file: the same dependency versions as the committed crate.
    std::fs::copy(lockfile, dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy {}: {e}", lockfile.display()))?;
    Ok(lines)
}

/// Marks `file` as changed now, as an edit would.
fn touch(file: &Path) -> Result<(), String> {
    std::fs::File::options()
        .write(true)
        .open(file)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", file.display()))
}

/// For each spec: generate the crate under the scratch folder, build it once (its
/// dependencies, shared by both crates in one target folder, are built then if they are
/// not already), then touch `src/lib.rs` and time `cargo build` again, without and then
/// with incremental compilation.
pub fn generated(
    paths: &Paths,
    specs: &[(&str, &Path)],
    quick: bool,
) -> Result<Vec<Compile>, String> {
    let base: PathBuf = paths.scratch.join("compile");
    let target = base.join("target");
    let lockfile = paths.root.join("Cargo.lock");
    let mut results = Vec::new();
    for (name, spec) in specs {
        let dir = base.join(name);
        let lines = write_crate(spec, name, &dir, &lockfile)?;
        let log = base.join(format!("{name}.log"));
        eprintln!(
            "  {name}: {lines} lines of Rust in {}; first build",
            dir.display()
        );
        let first_build_s = cargo_build(paths, &dir, &target, &[], false, &log)?;
        let runs = match (*name, quick) {
            ("shipped", false) => 5,
            ("shipped", true) => 2,
            (_, false) => 2,
            (_, true) => 1,
        };
        let mut times = Vec::new();
        for run in 1..=runs {
            eprintln!(
                "  {name}: rebuild {run}/{runs} after touching src/lib.rs (CARGO_INCREMENTAL=0)"
            );
            touch(&dir.join("src/lib.rs"))?;
            times.push(cargo_build(paths, &dir, &target, &[], false, &log)?);
        }
        eprintln!("  {name}: incremental build to fill the cache");
        cargo_build(paths, &dir, &target, &[], true, &log)?;
        let mut incremental = Vec::new();
        for run in 1..=runs {
            eprintln!("  {name}: rebuild {run}/{runs} after touching src/lib.rs (incremental)");
            touch(&dir.join("src/lib.rs"))?;
            incremental.push(cargo_build(paths, &dir, &target, &[], true, &log)?);
        }
        results.push(Compile {
            name: (*name).to_owned(),
            lines,
            first_build_s,
            runs,
            rebuild_s: median(&times),
            rebuild_min_s: super::min(&times),
            incremental_s: median(&incremental),
        });
    }
    Ok(results)
}

pub fn table(results: &[Compile]) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|c| {
            vec![
                format!("{} ({} lines)", c.name, c.lines),
                c.runs.to_string(),
                number(c.rebuild_s),
                number(c.rebuild_min_s),
                number(c.incremental_s),
                number(c.first_build_s),
            ]
        })
        .collect();
    render(
        "Generated crate: `cargo build` (dev profile) after touching src/lib.rs, dependencies built \
         (s, median; rebuild: CARGO_INCREMENTAL=0; incremental: the dev default)",
        &[
            "spec",
            "runs",
            "rebuild",
            "min",
            "incremental",
            "first build",
        ],
        &rows,
    )
}

pub fn to_json(results: &[Compile]) -> Value {
    Value::Array(
        results
            .iter()
            .map(|c| {
                json!({
                    "spec": c.name,
                    "lines": c.lines,
                    "profile": "dev",
                    "runs": c.runs,
                    "rebuild_s_median": c.rebuild_s,
                    "rebuild_s_min": c.rebuild_min_s,
                    "rebuild_incremental_s_median": c.incremental_s,
                    "first_build_s": c.first_build_s,
                })
            })
            .collect(),
    )
}

pub struct Clean {
    pub seconds: f64,
    pub crates: usize,
}

/// `cargo build -p xtask` (dev profile, as `cargo xtask` builds it) in an empty target
/// folder, so every dependency is compiled; the folder is removed afterwards.
pub fn clean_xtask(paths: &Paths) -> Result<Clean, String> {
    let target = paths.scratch.join("clean-xtask-target");
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .map_err(|e| format!("cannot remove {}: {e}", target.display()))?;
    }
    let log = paths.scratch.join("clean-xtask.log");
    let seconds = cargo_build(
        paths,
        &paths.root,
        &target,
        &["--package", "xtask"],
        true,
        &log,
    )?;
    let crates = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    let _ = std::fs::remove_dir_all(&target);
    Ok(Clean { seconds, crates })
}

pub fn clean_table(clean: &Clean) -> String {
    render(
        "Clean build of xtask: `cargo build -p xtask` (dev profile) in an empty target folder",
        &["packages compiled", "seconds"],
        &[vec![clean.crates.to_string(), number(clean.seconds)]],
    )
}

pub fn clean_json(clean: &Clean) -> Value {
    json!({ "command": "cargo build -p xtask", "profile": "dev", "seconds": clean.seconds, "packages": clean.crates })
}
