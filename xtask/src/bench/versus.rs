//! This generator and progenitor 0.15 side by side on the shipped spec, as whole
//! processes in one run: `xtask codegen` and `cargo-progenitor` take turns, each run
//! measured the same way (wall time, peak RSS; see `process.rs`).
//!
//! Skipped, with a note, when `cargo-progenitor` is not installed (`cargo install
//! cargo-progenitor --version 0.15.1 --locked`).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::process::{copy_of_this_binary, run_measured};
use super::report::{Target, number, render};
use super::{Effort, Paths, median};

/// How to install what this section runs.
pub const INSTALL: &str = "cargo install cargo-progenitor --version 0.15.1 --locked";

/// The figures of one generator: median wall time (ms), the largest peak RSS (MB).
pub struct Figures {
    pub wall_ms: f64,
    pub wall_min_ms: f64,
    pub peak_rss_mb: f64,
}

pub enum Versus {
    /// `cargo-progenitor` is not installed.
    Skipped,
    /// Both ran; progenitor's figures, or why it did not generate a crate.
    Measured {
        runs: usize,
        progenitor: String,
        ours: Figures,
        theirs: Result<Figures, String>,
    },
}

/// `cargo-progenitor` on the `PATH` or in cargo's `bin` folder.
fn find_progenitor() -> Option<PathBuf> {
    let name = "cargo-progenitor";
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(cargo_home.map(|home| home.join("bin")))
        .map(|folder| folder.join(name))
        .find(|candidate| candidate.is_file())
}

/// `cargo-progenitor v0.15.1`, as `cargo install --list` gives it for the installation
/// `program` belongs to (its `bin` folder's parent); the program has no `--version`.
fn installed_version(cargo: &OsStr, program: &Path) -> Option<String> {
    let root = program.parent()?.parent()?;
    let out = Command::new(cargo)
        .args(["install", "--list", "--root"])
        .arg(root)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|line| line.starts_with("cargo-progenitor v"))
        .map(|line| line.trim_end_matches(':').to_owned())
}

/// Runs both generators on the shipped spec in turns: 11 rounds (5 quick, 1 smoke)
/// after one to warm up.
pub fn run(paths: &Paths, effort: Effort) -> anyhow::Result<Versus> {
    let Some(progenitor) = find_progenitor() else {
        return Ok(Versus::Skipped);
    };
    let version = installed_version(&paths.cargo, &progenitor)
        .unwrap_or_else(|| "cargo-progenitor (version unknown)".to_owned());
    let folder = paths.scratch.join("versus");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let exe = copy_of_this_binary(&folder)?;
    let ours_out = folder.join("out-ours");
    let theirs_out = folder.join("out-progenitor");
    let ours_args: Vec<OsString> = vec![
        "codegen".into(),
        "--spec".into(),
        paths.shipped.clone().into(),
        "--out".into(),
        ours_out.clone().into(),
        "--name".into(),
        "x".into(),
    ];
    // As cargo runs a subcommand: the binary, then the subcommand's name.
    let theirs_args: Vec<OsString> = vec![
        "progenitor".into(),
        "--input".into(),
        paths.shipped.clone().into(),
        "--output".into(),
        theirs_out.clone().into(),
        "--name".into(),
        "x".into(),
        "--version".into(),
        "0.1.0".into(),
    ];
    let runs = effort.runs(11, 5);
    eprintln!(
        "  {runs} rounds of `xtask codegen` and `{} progenitor` on the shipped spec",
        progenitor.display()
    );
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut refused = None;
    for round in 0..effort.warmups(1) + runs {
        for out in [&ours_out, &theirs_out] {
            if out.exists() {
                std::fs::remove_dir_all(out)
                    .with_context(|| format!("cannot remove {}", out.display()))?;
            }
        }
        let log = folder.join("ours.stderr");
        let figure = run_measured(&exe, &exe, &ours_args, &log);
        let figure = match figure {
            Ok(figure) => figure,
            Err(failure) => bail!("`xtask codegen` failed: {}", failure.message),
        };
        let log = folder.join("progenitor.stderr");
        let their_figure = if refused.is_none() {
            match run_measured(&exe, &progenitor, &theirs_args, &log) {
                Ok(figure) => Some(figure),
                Err(failure) => {
                    refused = Some(first_lines(&failure.message));
                    None
                }
            }
        } else {
            None
        };
        if round >= effort.warmups(1) {
            ours.push(figure);
            theirs.extend(their_figure);
        }
    }
    Ok(Versus::Measured {
        runs,
        progenitor: version,
        ours: figures(&ours),
        theirs: match refused {
            Some(message) => Err(message),
            None => Ok(figures(&theirs)),
        },
    })
}

/// The first lines of a failure's message, for a table.
fn first_lines(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    lines.join(" / ")
}

fn figures(samples: &[(f64, u64)]) -> Figures {
    let walls: Vec<f64> = samples.iter().map(|(wall, _)| *wall).collect();
    let peak = samples.iter().map(|(_, rss)| *rss).max().unwrap_or(0);
    Figures {
        wall_ms: median(&walls),
        wall_min_ms: super::min(&walls),
        peak_rss_mb: peak as f64 * 1024.0 / 1e6,
    }
}

pub fn table(versus: &Versus) -> String {
    let title = "Versus progenitor: the shipped spec, whole processes taking turns \
                 (wall ms: median and min; peak RSS: the largest)";
    match versus {
        Versus::Skipped => {
            format!("{title}\n  skipped: cargo-progenitor is not installed (`{INSTALL}`)\n")
        }
        Versus::Measured {
            runs,
            progenitor,
            ours,
            theirs,
        } => {
            let row = |name: &str, f: &Figures| {
                vec![
                    name.to_owned(),
                    runs.to_string(),
                    number(f.wall_ms),
                    number(f.wall_min_ms),
                    number(f.peak_rss_mb),
                ]
            };
            let mut rows = vec![row("xtask codegen (this generator)", ours)];
            match theirs {
                Ok(theirs) => rows.push(row(progenitor, theirs)),
                Err(message) => rows.push(vec![
                    progenitor.clone(),
                    "-".to_owned(),
                    format!("refused the spec: {message}"),
                    String::new(),
                    String::new(),
                ]),
            }
            render(
                title,
                &["generator", "runs", "wall ms", "min", "peak RSS MB"],
                &rows,
            )
        }
    }
}

/// The goal: a tenth of progenitor's time at most.
pub fn targets(versus: &Versus) -> Vec<Target> {
    let name = "shipped spec: whole process / progenitor 0.15's";
    let target = match versus {
        Versus::Skipped => {
            Target::not_measured(name, "cargo-progenitor is not installed", 0.1, "x")
        }
        Versus::Measured { theirs: Err(_), .. } => {
            Target::not_measured(name, "progenitor refused the spec", 0.1, "x")
        }
        Versus::Measured {
            ours,
            theirs: Ok(theirs),
            ..
        } => Target::at_most(name, ours.wall_ms / theirs.wall_ms, 0.1, "x"),
    };
    vec![target]
}

pub fn to_json(versus: &Versus) -> Value {
    let figures = |f: &Figures| json!({ "wall_ms_median": f.wall_ms, "wall_ms_min": f.wall_min_ms, "peak_rss_mb": f.peak_rss_mb });
    match versus {
        Versus::Skipped => {
            json!({ "skipped": format!("cargo-progenitor is not installed: {INSTALL}") })
        }
        Versus::Measured {
            runs,
            progenitor,
            ours,
            theirs,
        } => json!({
            "spec": "shipped",
            "runs": runs,
            "progenitor": progenitor,
            "ours": figures(ours),
            "progenitor_figures": match theirs {
                Ok(theirs) => figures(theirs),
                Err(message) => json!({ "refused": message }),
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_progenitor_is_a_target_without_a_figure_and_a_skip_note() {
        let skipped = targets(&Versus::Skipped);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].pass(), None);
        assert!(table(&Versus::Skipped).contains(INSTALL));
        let refused = Versus::Measured {
            runs: 1,
            progenitor: "cargo-progenitor 0.15.1".to_owned(),
            ours: figures(&[(5.0, 8000)]),
            theirs: Err("error: bad spec".to_owned()),
        };
        assert!(table(&refused).contains("refused the spec: error: bad spec"));
        assert_eq!(targets(&refused)[0].pass(), None);
        let measured = Versus::Measured {
            runs: 1,
            progenitor: "cargo-progenitor 0.15.1".to_owned(),
            ours: figures(&[(5.0, 8000)]),
            theirs: Ok(figures(&[(100.0, 40000)])),
        };
        assert_eq!(targets(&measured)[0].pass(), Some(true));
    }
}
