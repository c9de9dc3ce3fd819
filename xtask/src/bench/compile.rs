//! Build times: the generated crate's own code (dependencies already built), and a clean
//! build of xtask with all its dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context, bail};
use codegen::Options;
use serde_json::{Value, json};

use super::report::{Target, number, render};
use super::{Effort, Paths, median};

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
    /// The crate's largest feature (by operations) built alone: its name, how many of the
    /// crate's operations it compiles, and the median rebuild (`CARGO_INCREMENTAL=0`).
    pub one_tag: Option<OneTag>,
}

/// The rebuild of one feature's code alone (`--no-default-features --features <name>`).
pub struct OneTag {
    pub feature: String,
    pub operations: usize,
    pub of: usize,
    pub rebuild_s: f64,
}

/// Where and how a crate is built: `cargo <subcommand>` in `dir` with `CARGO_TARGET_DIR`
/// set to `target`, the output in `log`.
struct Build<'a> {
    paths: &'a Paths,
    subcommand: &'static str,
    dir: &'a Path,
    target: &'a Path,
    log: &'a Path,
}

/// Runs the build with its output in the log; the wall time in seconds.
fn cargo_build(build: &Build, extra: &[&str], incremental: bool) -> anyhow::Result<f64> {
    let Build {
        paths,
        subcommand,
        dir,
        target,
        log,
    } = *build;
    let log_file = std::fs::File::create(log)
        .with_context(|| format!("cannot create the build log {}", log.display()))?;
    let err_file = log_file
        .try_clone()
        .with_context(|| format!("cannot open the build log {} twice", log.display()))?;
    let start = Instant::now();
    let status = Command::new(&paths.cargo)
        .current_dir(dir)
        .arg(subcommand)
        .args(extra)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(err_file)
        .status()
        .with_context(|| format!("cannot run `cargo {subcommand}` in {}", dir.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "`cargo {subcommand}` in {} failed ({status}):\n{}",
            dir.display(),
            tail.join("\n")
        );
    }
    Ok(seconds)
}

/// The feature of the crate generated from `text` that compiles the most operations: its
/// name, that number and the number of all operations; `None` for a crate without
/// features.
fn largest_feature(text: &str) -> anyhow::Result<Option<(String, usize, usize)>> {
    let loaded = codegen::load(text).context("cannot load the spec")?;
    let (api, _) = codegen::lower(loaded).context("cannot lower the spec")?;
    let count = |feature: &str| {
        api.operations
            .iter()
            .filter(|op| match &op.gate {
                codegen::model::Gate::AnyOf(names) => names.contains(feature),
                codegen::model::Gate::Always => true,
            })
            .count()
    };
    Ok(api
        .features
        .iter()
        .map(|feature| (feature.name.clone(), count(&feature.name)))
        .max_by(|(a_name, a), (b_name, b)| a.cmp(b).then(b_name.cmp(a_name)))
        .map(|(name, operations)| (name, operations, api.operations.len())))
}

/// Writes the crate generated from `text`, the spec at `spec`, to `dir`, leaving unchanged
/// files untouched.
fn write_crate(
    text: &str,
    spec: &Path,
    name: &str,
    dir: &Path,
    lockfile: &Path,
) -> anyhow::Result<usize> {
    let mut options = Options::new(format!("bench-{name}"), spec.display().to_string());
    options.standalone = true;
    let output = codegen::generate(text, &options)
        .with_context(|| format!("cannot generate a crate from {}", spec.display()))?;
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
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&file, content)
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    // The workspace's lock file: the same dependency versions as the committed crate.
    let copy = dir.join("Cargo.lock");
    std::fs::copy(lockfile, &copy)
        .with_context(|| format!("cannot copy {} to {}", lockfile.display(), copy.display()))?;
    Ok(lines)
}

/// Marks `file` as changed now, as an edit would.
fn touch(file: &Path) -> anyhow::Result<()> {
    std::fs::File::options()
        .write(true)
        .open(file)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .with_context(|| format!("cannot set the modification time of {}", file.display()))
}

/// For each spec: generate the crate under the scratch folder, build it once (its
/// dependencies, shared by both crates in one target folder, are built then if they are
/// not already), then touch `src/lib.rs` and time `cargo build` again, without and then
/// with incremental compilation.
///
/// A smoke run (given the shipped spec only) runs `cargo check` once each way, in the
/// target folder of the crates the tests generate (`<target>/test-crates/target`), whose
/// dependencies the tests have already checked: it exercises every step of this
/// measurement in seconds, but measures nothing.
pub fn generated(
    paths: &Paths,
    specs: &[(&str, &Path)],
    effort: Effort,
) -> anyhow::Result<Vec<Compile>> {
    let base: PathBuf = paths.scratch.join("compile");
    let (subcommand, target) = if effort == Effort::Smoke {
        ("check", paths.target.join("test-crates/target"))
    } else {
        ("build", base.join("target"))
    };
    let lockfile = paths.root.join("Cargo.lock");
    let mut results = Vec::new();
    for (name, spec) in specs {
        let dir = base.join(name);
        let text = std::fs::read_to_string(spec)
            .with_context(|| format!("cannot read the spec {}", spec.display()))?;
        let lines = write_crate(&text, spec, name, &dir, &lockfile)?;
        let log = base.join(format!("{name}.log"));
        let build = Build {
            paths,
            subcommand,
            dir: &dir,
            target: &target,
            log: &log,
        };
        eprintln!(
            "  {name}: {lines} lines of Rust in {}; first `cargo {subcommand}`",
            dir.display()
        );
        let first_build_s = cargo_build(&build, &[], false)?;
        let runs = match *name {
            "shipped" => effort.runs(5, 2),
            _ => effort.runs(2, 1),
        };
        let lib = dir.join("src/lib.rs");
        let mut times = Vec::new();
        for run in 1..=runs {
            eprintln!(
                "  {name}: rebuild {run}/{runs} after touching src/lib.rs (CARGO_INCREMENTAL=0)"
            );
            touch(&lib)?;
            times.push(cargo_build(&build, &[], false)?);
        }
        for _ in 0..effort.warmups(1) {
            eprintln!("  {name}: incremental build to fill the cache");
            cargo_build(&build, &[], true)?;
        }
        let mut incremental = Vec::new();
        for run in 1..=runs {
            eprintln!("  {name}: rebuild {run}/{runs} after touching src/lib.rs (incremental)");
            touch(&lib)?;
            incremental.push(cargo_build(&build, &[], true)?);
        }
        let one_tag = match effort {
            Effort::Smoke => None,
            _ => one_tag(&build, &text, &lib, runs)?,
        };
        results.push(Compile {
            name: (*name).to_owned(),
            lines,
            first_build_s,
            runs,
            rebuild_s: median(&times),
            rebuild_min_s: super::min(&times),
            incremental_s: median(&incremental),
            one_tag,
        });
    }
    Ok(results)
}

/// The largest feature of the crate generated from `text`, built alone: one build with only that feature (the crate
/// is compiled again for the new feature set), then `runs` rebuilds after touching
/// `src/lib.rs` (`CARGO_INCREMENTAL=0`). `None` for a crate without features.
fn one_tag(build: &Build, text: &str, lib: &Path, runs: usize) -> anyhow::Result<Option<OneTag>> {
    let Some((feature, operations, of)) = largest_feature(text)? else {
        return Ok(None);
    };
    let args = ["--no-default-features", "--features", feature.as_str()];
    eprintln!("  feature {feature} alone ({operations} of {of} operations): first build");
    cargo_build(build, &args, false)?;
    let mut times = Vec::new();
    for run in 1..=runs {
        eprintln!("  feature {feature} alone: rebuild {run}/{runs} (CARGO_INCREMENTAL=0)");
        touch(lib)?;
        times.push(cargo_build(build, &args, false)?);
    }
    Ok(Some(OneTag {
        feature,
        operations,
        of,
        rebuild_s: median(&times),
    }))
}

pub fn table(results: &[Compile], effort: Effort) -> String {
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
        .chain(results.iter().filter_map(|c| {
            let one = c.one_tag.as_ref()?;
            Some(vec![
                format!(
                    "{}, feature `{}` alone ({} of {} operations)",
                    c.name, one.feature, one.operations, one.of
                ),
                c.runs.to_string(),
                number(one.rebuild_s),
                String::new(),
                String::new(),
                String::new(),
            ])
        }))
        .collect();
    let command = if effort == Effort::Smoke {
        "check"
    } else {
        "build"
    };
    render(
        &format!(
            "Generated crate: `cargo {command}` (dev profile) after touching src/lib.rs, \
             dependencies built (s, median; rebuild: CARGO_INCREMENTAL=0; incremental: the dev default)"
        ),
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

/// The goals of the Unified.to crate's build: its own code rebuilt (`CARGO_INCREMENTAL=0`,
/// dependencies built) in 15 s; its largest tag's code alone in 5 s.
pub fn targets(results: &[Compile]) -> Vec<Target> {
    let Some(full) = results.iter().find(|c| c.name == "full") else {
        return Vec::new();
    };
    vec![
        Target::at_most(
            "full document's crate: own-code rebuild",
            full.rebuild_s,
            15.0,
            " s",
        ),
        match &full.one_tag {
            Some(one) => Target::at_most(
                format!(
                    "full document's crate: one tag alone (`{}`, the largest)",
                    one.feature
                ),
                one.rebuild_s,
                5.0,
                " s",
            ),
            None => Target::not_measured(
                "full document's crate: one tag alone",
                "the crate has no features",
                5.0,
                " s",
            ),
        },
    ]
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
                    "one_tag": c.one_tag.as_ref().map(|one| json!({
                        "feature": one.feature,
                        "operations": one.operations,
                        "of": one.of,
                        "rebuild_s_median": one.rebuild_s,
                    })),
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
pub fn clean_xtask(paths: &Paths) -> anyhow::Result<Clean> {
    let target = paths.scratch.join("clean-xtask-target");
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .with_context(|| format!("cannot empty the target folder {}", target.display()))?;
    }
    let log = paths.scratch.join("clean-xtask.log");
    let build = Build {
        paths,
        subcommand: "build",
        dir: &paths.root,
        target: &target,
        log: &log,
    };
    let seconds = cargo_build(&build, &["--package", "xtask"], true)?;
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
