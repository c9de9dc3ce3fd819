//! `cargo xtask bench`: measures the generator and the generated code.
//!
//! ```text
//! cargo xtask bench [--json FILE] [--quick | --smoke] [--full] [--only LIST] [--in-place]
//! ```
//!
//! `cargo xtask` builds this binary in the dev profile, which says little about the speed a
//! user sees; so unless `--in-place` or `--smoke` is given, a dev build re-runs itself as
//! `cargo run --release -p xtask -- bench ...`, and every figure comes from the release
//! binary. The measurements (see BENCHMARKS.md):
//!
//! - `phases`: load, lower, emit and format in this process, median of repeated runs;
//! - `process`: this binary running `codegen` as a child, wall time and peak RSS;
//! - `scaling`: the shipped spec copied 1, 2, 4 and 8 times into one document;
//! - `serde`: `cargo bench -p tests --bench serde`, whose figures are folded in;
//! - `compile`: `cargo build` of a generated crate after touching its `src/lib.rs`;
//! - `clean`: a clean build of xtask and its dependencies (only with `--full`).
//!
//! `--smoke` runs every measurement once, on the shipped spec only, as built and without
//! warm-up, and judges no target: it checks that each section still runs (`cargo xtask ci`
//! runs it), and its numbers mean nothing. A section that fails makes the run fail, after the others ran.

mod compile;
mod phases;
mod process;
mod report;
mod serde_bench;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use report::Target;

const USAGE: &str = "\
usage: cargo xtask bench [--json FILE] [--quick | --smoke] [--full] [--only LIST] [--in-place]

  --json FILE   also write the figures as JSON to FILE
  --quick       fewer repetitions: a rough picture in a few minutes
  --smoke       every measurement once, as built, no targets judged: checks that each runs
  --full        also time a clean build of xtask and its dependencies (slow)
  --only LIST   run only these, comma-separated: phases,process,scaling,serde,compile,clean
  --in-place    measure this binary as built, without re-running in the release profile
";

/// Every measurement, in the order it runs.
const ALL: [&str; 6] = ["phases", "process", "scaling", "serde", "compile", "clean"];

/// How many repetitions a run makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Effort {
    /// The repetitions behind the figures of BENCHMARKS.md.
    #[default]
    Standard,
    /// Fewer repetitions (`--quick`): a rough picture.
    Quick,
    /// One repetition and no warm-up (`--smoke`): whether each measurement still runs.
    Smoke,
}

impl Effort {
    /// The number of timed repetitions: `standard` or `quick`, and one in a smoke run.
    pub fn runs(self, standard: usize, quick: usize) -> usize {
        match self {
            Self::Standard => standard,
            Self::Quick => quick,
            Self::Smoke => 1,
        }
    }

    /// The number of untimed warm-up repetitions: `normal`, and none in a smoke run.
    pub fn warmups(self, normal: usize) -> usize {
        if self == Self::Smoke { 0 } else { normal }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Quick => "quick",
            Self::Smoke => "smoke",
        }
    }
}

/// The options of `cargo xtask bench`.
#[derive(Debug, Clone, Default)]
struct Args {
    json: Option<PathBuf>,
    effort: Effort,
    full: bool,
    only: Option<Vec<String>>,
    in_place: bool,
    /// Internal: run this command line as a child and report its time and peak memory.
    measure_child: Option<Vec<OsString>>,
}

impl Args {
    fn parse(mut parser: lexopt::Parser) -> anyhow::Result<Option<Self>> {
        use lexopt::prelude::*;
        let mut args = Self::default();
        while let Some(arg) = parser.next()? {
            match arg {
                Long(process::MEASURE_CHILD) => {
                    args.measure_child = Some(parser.raw_args()?.collect());
                }
                Long("json") => args.json = Some(PathBuf::from(parser.value()?)),
                Long(effort @ ("quick" | "smoke")) => {
                    let effort = if effort == "quick" {
                        Effort::Quick
                    } else {
                        Effort::Smoke
                    };
                    if args.effort != Effort::Standard && args.effort != effort {
                        bail!("--quick and --smoke exclude each other\n\n{USAGE}");
                    }
                    args.effort = effort;
                }
                Long("full") => args.full = true,
                Long("in-place") => args.in_place = true,
                Long("only") => args.only = Some(parse_only(&parser.value()?.string()?)?),
                Long("help") | Short('h') => {
                    print!("{USAGE}");
                    return Ok(None);
                }
                other => bail!("{}\n\n{USAGE}", other.unexpected()),
            }
        }
        Ok(Some(args))
    }

    /// The arguments that give these options again.
    fn to_args(&self) -> Vec<OsString> {
        let mut out: Vec<OsString> = Vec::new();
        if let Some(json) = &self.json {
            // The child runs in the same folder, but make it absolute all the same.
            let json = std::path::absolute(json).unwrap_or_else(|_| json.clone());
            out.extend(["--json".into(), json.into_os_string()]);
        }
        match self.effort {
            Effort::Standard => {}
            Effort::Quick => out.push("--quick".into()),
            Effort::Smoke => out.push("--smoke".into()),
        }
        if self.full {
            out.push("--full".into());
        }
        if let Some(only) = &self.only {
            out.extend(["--only".into(), only.join(",").into()]);
        }
        out
    }

    /// Whether the measurement `name` runs.
    fn runs(&self, name: &str) -> bool {
        match &self.only {
            Some(only) => only.iter().any(|n| n == name),
            None => name != "clean" || self.full,
        }
    }
}

/// The measurements named by `--only`.
fn parse_only(list: &str) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = list
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(bad) = names.iter().find(|n| !ALL.contains(&n.as_str())) {
        bail!("unknown measurement `{bad}` in --only\n\n{USAGE}");
    }
    Ok(names)
}

/// The build profile of this binary.
const PROFILE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "release"
};

/// Where things are.
pub struct Paths {
    /// The workspace's root.
    pub root: PathBuf,
    /// The shipped spec.
    pub shipped: PathBuf,
    /// The full Unified.to document, vendored in `tests/fixtures/real-world/`.
    pub full: PathBuf,
    /// The target folder this binary was built in.
    pub target: PathBuf,
    /// A scratch folder under the target folder, kept between runs (warm builds).
    pub scratch: PathBuf,
    /// `cargo`.
    pub cargo: OsString,
}

impl Paths {
    fn find() -> anyhow::Result<Self> {
        let root = crate::workspace_root();
        let exe = std::env::current_exe().context("cannot find the path of this binary")?;
        // target/<profile>/xtask: the target folder is two levels up.
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => exe
                .parent()
                .and_then(Path::parent)
                .map_or_else(|| root.join("target"), Path::to_path_buf),
        };
        Ok(Self {
            shipped: root.join("spec/unified-connection.yaml"),
            full: root.join("tests/fixtures/real-world/unified-full-openapi.yaml"),
            scratch: target.join("xtask-bench"),
            target,
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            root,
        })
    }
}

/// Runs the benchmarks as `cargo xtask bench` was asked to.
pub fn run(parser: lexopt::Parser) -> anyhow::Result<ExitCode> {
    let Some(args) = Args::parse(parser)? else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(command) = &args.measure_child {
        return process::measure_child(command);
    }
    if cfg!(debug_assertions) && !args.in_place && args.effort != Effort::Smoke {
        return rerun_in_release(&args);
    }
    Ok(if measure(&args)? {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `cargo xtask bench --smoke`, as `cargo xtask ci` runs it: whether every section ran.
pub fn smoke() -> anyhow::Result<bool> {
    measure(&Args {
        effort: Effort::Smoke,
        ..Args::default()
    })
}

/// What the sections produced: tables to print, targets to judge, figures for `--json`.
#[derive(Default)]
struct Report {
    tables: Vec<String>,
    targets: Vec<Target>,
    figures: serde_json::Map<String, Value>,
    failed: Vec<&'static str>,
}

impl Report {
    /// Records a section's outcome; a failure is shown in place of its table.
    fn section<T>(
        &mut self,
        name: &'static str,
        result: anyhow::Result<T>,
        record: impl FnOnce(&mut Self, T),
    ) {
        match result {
            Ok(value) => record(self, value),
            Err(error) => {
                eprintln!("bench: {name} FAILED: {error:#}");
                self.tables.push(format!("{name}: FAILED: {error:#}\n"));
                self.figures
                    .insert(name.into(), json!({ "error": format!("{error:#}") }));
                self.failed.push(name);
            }
        }
    }
}

/// Runs the sections `args` asks for and prints their tables; `false` when one failed.
fn measure(args: &Args) -> anyhow::Result<bool> {
    let paths = Paths::find()?;
    std::fs::create_dir_all(&paths.scratch).with_context(|| {
        format!(
            "cannot create the scratch folder {}",
            paths.scratch.display()
        )
    })?;
    let effort = args.effort;
    let mut machine = report::machine();
    eprintln!(
        "bench: profile {PROFILE}, {} run; scratch folder {}",
        effort.name(),
        paths.scratch.display()
    );
    let mut report = Report::default();
    report.figures.insert("profile".into(), json!(PROFILE));
    report.figures.insert("effort".into(), json!(effort.name()));

    if !paths.full.is_file() {
        bail!(
            "the full Unified.to document is missing: {}",
            paths.full.display()
        );
    }
    let mut specs: Vec<(&str, &Path)> = vec![("shipped", &paths.shipped)];
    if effort == Effort::Smoke {
        eprintln!("bench: a smoke run measures the shipped spec only");
    } else {
        specs.push(("full", &paths.full));
    }
    run_generator_sections(args, &paths, &specs, &mut report);
    run_build_sections(args, &paths, &specs, &mut report);

    machine["load_average_after"] = json!(report::load_average());
    report.tables.insert(0, report::machine_table(&machine));
    report.figures.insert("machine".into(), machine);
    if effort == Effort::Smoke {
        report.tables.push(
            "Smoke run: every measurement once, no warm-up, as built; the figures above are \
             not measurements and no target is judged.\n"
                .to_owned(),
        );
    } else {
        if !report.targets.is_empty() {
            report.tables.push(report::targets_table(&report.targets));
        }
        let targets = report.targets.iter().map(Target::to_json).collect();
        report
            .figures
            .insert("targets".into(), Value::Array(targets));
    }

    println!();
    for table in &report.tables {
        println!("{table}");
    }
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&Value::Object(report.figures))
            .context("cannot write the figures as JSON")?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write the figures to {}", path.display()))?;
        eprintln!("bench: figures written to {}", path.display());
    }
    if !report.failed.is_empty() {
        eprintln!("bench: FAILED: {}", report.failed.join(", "));
    }
    Ok(report.failed.is_empty())
}

/// The generator's own measurements: phases, whole process, scaling.
fn run_generator_sections(
    args: &Args,
    paths: &Paths,
    specs: &[(&str, &Path)],
    report: &mut Report,
) {
    let effort = args.effort;
    if args.runs("phases") {
        eprintln!("bench: codegen phases, in process");
        report.section("phases", phases::phases(specs, effort), |r, results| {
            r.tables.push(phases::table(&results));
            r.figures.insert("phases".into(), phases::to_json(&results));
        });
    }
    if args.runs("process") {
        eprintln!("bench: codegen as a whole process");
        report.section(
            "process",
            process::measure(paths, specs, effort),
            |r, results| {
                r.tables.push(process::table(&results));
                r.targets.extend(process::targets(&results));
                r.figures
                    .insert("process".into(), process::to_json(&results));
            },
        );
    }
    if args.runs("scaling") {
        eprintln!("bench: scaling with synthetic specs");
        let keep = paths.scratch.join("scaling");
        report.section(
            "scaling",
            phases::scaling(&paths.shipped, &keep, effort),
            |r, results| {
                r.tables.push(phases::scaling_table(&results));
                r.targets.extend(phases::scaling_targets(&results));
                r.figures
                    .insert("scaling".into(), phases::scaling_json(&results));
            },
        );
    }
}

/// The measurements that run cargo: decode/encode, compile times.
fn run_build_sections(args: &Args, paths: &Paths, specs: &[(&str, &Path)], report: &mut Report) {
    let effort = args.effort;
    if args.runs("serde") {
        eprintln!(
            "bench: decode/encode ({})",
            serde_bench::command(effort).join(" ")
        );
        report.section("serde", serde_bench::run(paths, effort), |r, results| {
            r.tables.push(serde_bench::table(&results));
            r.targets.extend(serde_bench::targets(&results));
            r.figures
                .insert("serde".into(), serde_bench::to_json(&results));
        });
    }
    if args.runs("compile") {
        eprintln!("bench: compile time of the generated crate");
        report.section(
            "compile",
            compile::generated(paths, specs, effort),
            |r, results| {
                r.tables.push(compile::table(&results, effort));
                r.figures
                    .insert("compile".into(), compile::to_json(&results));
            },
        );
    }
    if args.runs("clean") {
        eprintln!("bench: clean build of xtask (slow)");
        report.section("clean", compile::clean_xtask(paths), |r, result| {
            r.tables.push(compile::clean_table(&result));
            r.figures
                .insert("clean_build".into(), compile::clean_json(&result));
        });
    }
}

/// Builds and runs this task in the release profile, where the figures mean something.
fn rerun_in_release(args: &Args) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "bench: this is a {PROFILE} build; running `cargo run --release -p xtask -- bench` instead (--in-place to skip)"
    );
    let status = Command::new(&cargo)
        .current_dir(crate::workspace_root())
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "xtask",
            "--",
            "bench",
        ])
        .args(args.to_args())
        .status()
        .with_context(|| format!("cannot run {}", cargo.to_string_lossy()))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The median of `values` (the upper one of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The smallest of `values`.
pub fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Option<Args>> {
        Args::parse(lexopt::Parser::from_args(args.iter().copied()))
    }

    #[test]
    fn a_smoke_run_times_each_measurement_once_without_warm_up() {
        assert_eq!(Effort::Smoke.runs(21, 5), 1);
        assert_eq!(Effort::Smoke.warmups(1), 0);
        assert_eq!(Effort::Quick.runs(21, 5), 5);
        assert_eq!(Effort::Quick.warmups(1), 1);
        assert_eq!(Effort::Standard.runs(21, 5), 21);
    }

    #[test]
    fn smoke_is_an_option_that_excludes_quick_and_is_passed_on() {
        let args = parse(&["--smoke", "--only", "serde,compile"])
            .expect("parses")
            .expect("not --help");
        assert_eq!(args.effort, Effort::Smoke);
        assert!(args.runs("compile") && !args.runs("phases"));
        assert_eq!(
            args.to_args(),
            ["--smoke", "--only", "serde,compile"].map(OsString::from)
        );
        let error = parse(&["--quick", "--smoke"]).expect_err("--quick --smoke is refused");
        assert!(error.to_string().contains("exclude each other"), "{error}");
        assert!(parse(&["--only", "phases,nope"]).is_err());
    }

    #[test]
    fn clean_runs_only_when_asked_for() {
        let default = parse(&[]).expect("parses").expect("not --help");
        assert!(default.runs("serde") && !default.runs("clean"));
        let full = parse(&["--full"]).expect("parses").expect("not --help");
        assert!(full.runs("clean"));
    }
}
