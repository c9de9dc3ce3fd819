//! `cargo xtask bench`: measures the generator and the generated code.
//!
//! ```text
//! cargo xtask bench [--json FILE] [--quick] [--full] [--only LIST] [--in-place]
//! ```
//!
//! `cargo xtask` builds this binary in the dev profile, which says little about the speed a
//! user sees; so unless `--in-place` is given, a dev build re-runs itself as
//! `cargo run --release -p xtask -- bench ...`, and every figure comes from the release
//! binary. The measurements (see BENCHMARKS.md):
//!
//! - `phases`: load, lower, emit and format in this process, median of repeated runs;
//! - `process`: this binary running `codegen` as a child, wall time and peak RSS;
//! - `scaling`: the shipped spec copied 1, 2, 4 and 8 times into one document;
//! - `serde`: `cargo bench -p tests --bench serde`, whose figures are folded in;
//! - `compile`: `cargo build` of a generated crate after touching its `src/lib.rs`;
//! - `clean`: a clean build of xtask and its dependencies (only with `--full`).

mod compile;
mod phases;
mod process;
mod report;
mod serde_bench;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::{Value, json};

use report::Target;

const USAGE: &str = "\
usage: cargo xtask bench [--json FILE] [--quick] [--full] [--only LIST] [--in-place]

  --json FILE   also write the figures as JSON to FILE
  --quick       fewer repetitions: a rough picture in a few minutes
  --full        also time a clean build of xtask and its dependencies (slow)
  --only LIST   run only these, comma-separated: phases,process,scaling,serde,compile,clean
  --in-place    measure this binary as built, without re-running in the release profile
";

/// Every measurement, in the order it runs.
const ALL: [&str; 6] = ["phases", "process", "scaling", "serde", "compile", "clean"];

/// The options of `cargo xtask bench`.
#[derive(Debug, Clone, Default)]
struct Args {
    json: Option<PathBuf>,
    quick: bool,
    full: bool,
    only: Option<Vec<String>>,
    in_place: bool,
    /// Internal: run this command line as a child and report its time and peak memory.
    measure_child: Option<Vec<OsString>>,
}

impl Args {
    fn parse(mut parser: lexopt::Parser) -> Result<Option<Self>, String> {
        use lexopt::prelude::*;
        let mut args = Self::default();
        while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
            match arg {
                Long(process::MEASURE_CHILD) => {
                    args.measure_child =
                        Some(parser.raw_args().map_err(|e| e.to_string())?.collect());
                }
                Long("json") => {
                    args.json = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
                }
                Long("quick") => args.quick = true,
                Long("full") => args.full = true,
                Long("in-place") => args.in_place = true,
                Long("only") => {
                    let list = parser
                        .value()
                        .map_err(|e| e.to_string())?
                        .string()
                        .map_err(|e| e.to_string())?;
                    let names: Vec<String> = list
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    if let Some(bad) = names.iter().find(|n| !ALL.contains(&n.as_str())) {
                        return Err(format!("unknown measurement `{bad}` in --only\n\n{USAGE}"));
                    }
                    args.only = Some(names);
                }
                Long("help") | Short('h') => {
                    print!("{USAGE}");
                    return Ok(None);
                }
                other => return Err(format!("{}\n\n{USAGE}", other.unexpected())),
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
        if self.quick {
            out.push("--quick".into());
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
    /// The full Unified.to document, beside the workspace in `shared/specs/`.
    pub full: PathBuf,
    /// A scratch folder under the target folder, kept between runs (warm builds).
    pub scratch: PathBuf,
    /// `cargo`.
    pub cargo: OsString,
}

impl Paths {
    fn find() -> Result<Self, String> {
        let root = crate::workspace_root();
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
        // target/<profile>/xtask: the target folder is two levels up.
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => exe
                .parent()
                .and_then(Path::parent)
                .map_or_else(|| root.join("target"), Path::to_path_buf),
        };
        let full = root
            .parent()
            .map_or_else(|| root.join("shared"), |p| p.join("shared"))
            .join("specs/unified-full-openapi.yaml");
        Ok(Self {
            shipped: root.join("spec/unified-connection.yaml"),
            full,
            scratch: target.join("xtask-bench"),
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            root,
        })
    }
}

/// Runs the benchmarks.
pub fn run(parser: lexopt::Parser) -> Result<ExitCode, String> {
    let Some(args) = Args::parse(parser)? else {
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(command) = &args.measure_child {
        return process::measure_child(command);
    }
    if cfg!(debug_assertions) && !args.in_place {
        return rerun_in_release(&args);
    }
    let paths = Paths::find()?;
    std::fs::create_dir_all(&paths.scratch)
        .map_err(|e| format!("cannot create {}: {e}", paths.scratch.display()))?;

    let mut machine = report::machine();
    eprintln!(
        "bench: profile {PROFILE}{}; scratch folder {}",
        if args.quick { ", quick" } else { "" },
        paths.scratch.display()
    );
    let mut figures = serde_json::Map::new();
    figures.insert("profile".into(), json!(PROFILE));
    figures.insert("quick".into(), json!(args.quick));
    let mut targets: Vec<Target> = Vec::new();
    let mut tables: Vec<String> = Vec::new();

    let full_exists = paths.full.is_file();
    if !full_exists {
        eprintln!(
            "bench: {} not found: measurements of the full document are skipped",
            paths.full.display()
        );
    }
    let mut specs: Vec<(&str, &Path)> = vec![("shipped", &paths.shipped)];
    if full_exists {
        specs.push(("full", &paths.full));
    }

    if args.runs("phases") {
        eprintln!("bench: codegen phases, in process");
        let results = phases::phases(&specs, args.quick)?;
        tables.push(phases::table(&results));
        figures.insert("phases".into(), phases::to_json(&results));
    }
    if args.runs("process") {
        eprintln!("bench: codegen as a whole process");
        let results = process::measure(&paths, &specs, args.quick)?;
        tables.push(process::table(&results));
        targets.extend(process::targets(&results));
        figures.insert("process".into(), process::to_json(&results));
    }
    if args.runs("scaling") {
        eprintln!("bench: scaling with synthetic specs");
        let results = phases::scaling(&paths.shipped, &paths.scratch.join("scaling"), args.quick)?;
        tables.push(phases::scaling_table(&results));
        targets.extend(phases::scaling_targets(&results));
        figures.insert("scaling".into(), phases::scaling_json(&results));
    }
    if args.runs("serde") {
        eprintln!("bench: decode/encode (cargo bench -p tests --bench serde)");
        match serde_bench::run(&paths, args.quick) {
            Ok(results) => {
                tables.push(serde_bench::table(&results));
                targets.extend(serde_bench::targets(&results));
                figures.insert("serde".into(), serde_bench::to_json(&results));
            }
            Err(error) => {
                eprintln!("bench: serde: {error}");
                tables.push(format!("Decode/encode: FAILED: {error}\n"));
                figures.insert("serde".into(), json!({ "error": error }));
            }
        }
    }
    if args.runs("compile") {
        eprintln!("bench: compile time of the generated crate");
        let results = compile::generated(&paths, &specs, args.quick)?;
        tables.push(compile::table(&results));
        figures.insert("compile".into(), compile::to_json(&results));
    }
    if args.runs("clean") {
        eprintln!("bench: clean build of xtask (slow)");
        let result = compile::clean_xtask(&paths)?;
        tables.push(compile::clean_table(&result));
        figures.insert("clean_build".into(), compile::clean_json(&result));
    }

    if !targets.is_empty() {
        tables.push(report::targets_table(&targets));
    }
    machine["load_average_after"] = json!(report::load_average());
    tables.insert(0, report::machine_table(&machine));
    figures.insert("machine".into(), machine);
    figures.insert(
        "targets".into(),
        Value::Array(targets.iter().map(Target::to_json).collect()),
    );

    println!();
    for table in &tables {
        println!("{table}");
    }
    if let Some(path) = &args.json {
        let text =
            serde_json::to_string_pretty(&Value::Object(figures)).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("bench: figures written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds and runs this task in the release profile, where the figures mean something.
fn rerun_in_release(args: &Args) -> Result<ExitCode, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "bench: this is a {PROFILE} build; running `cargo run --release -p xtask -- bench` instead (--in-place to skip)"
    );
    let status = Command::new(cargo)
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
        .map_err(|e| format!("cannot run cargo: {e}"))?;
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
