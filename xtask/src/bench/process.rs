//! The generator as a user runs it: this (release) binary's `codegen` task in a child
//! process, from reading the spec to the written crate. Wall time around spawn and reap;
//! peak resident memory from the kernel's accounting of that one child (`wait4`), taken by
//! a fresh helper process (see [`measure_child`]).

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use serde_json::{Value, json};

use super::report::{Target, number, render};
use super::{Effort, Paths, median, min};

pub struct Process {
    pub name: String,
    pub runs: usize,
    pub wall_median_ms: f64,
    pub wall_min_ms: f64,
    /// The largest peak RSS of the runs, in KiB.
    pub peak_rss_kib: u64,
}

impl Process {
    fn peak_rss_mb(&self) -> f64 {
        self.peak_rss_kib as f64 * 1024.0 / 1e6
    }
}

/// The hidden option by which this binary measures one child for another instance of itself.
pub const MEASURE_CHILD: &str = "measure-child";

/// Runs `command` (program and arguments) as a child and prints its wall time and peak RSS
/// as `measure-child wall_ns=N maxrss_kib=N`.
///
/// Linux counts the memory of the process that spawned a child into the child's
/// `ru_maxrss` (the peak is carried across `exec`), so the bench, whose own memory has
/// grown by then, does not spawn the measured run itself: it starts this small, fresh
/// helper, which does.
pub fn measure_child(command: &[OsString]) -> anyhow::Result<ExitCode> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| anyhow!("--{MEASURE_CHILD} needs a command to run"))?;
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run {}", program.to_string_lossy()))?;
    let pid = libc::pid_t::try_from(child.id())
        .with_context(|| format!("the child's process id {} is out of range", child.id()))?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data; all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (`Child` is never waited on);
        // `status` and `usage` are valid for writes.
        let reaped = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
        if reaped == pid {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error).with_context(|| format!("cannot wait for process {pid} (wait4)"));
        }
    }
    let wall = start.elapsed();
    drop(child);
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        bail!(
            "{} failed (wait status {status})",
            program.to_string_lossy()
        );
    }
    // Linux reports ru_maxrss in KiB.
    println!(
        "{MEASURE_CHILD} wall_ns={} maxrss_kib={}",
        wall.as_nanos(),
        usage.ru_maxrss
    );
    Ok(ExitCode::SUCCESS)
}

/// One run, through the helper: `xtask codegen --spec SPEC --out OUT --name x` into a
/// fresh folder. The wall time in ms and the peak RSS in KiB.
fn run_once(exe: &Path, spec: &Path, out: &Path, log: &Path) -> anyhow::Result<(f64, u64)> {
    if out.exists() {
        std::fs::remove_dir_all(out)
            .with_context(|| format!("cannot remove the previous output {}", out.display()))?;
    }
    let args: Vec<OsString> = vec![
        "codegen".into(),
        "--spec".into(),
        spec.into(),
        "--out".into(),
        out.into(),
        "--name".into(),
        "x".into(),
    ];
    run_measured(exe, exe, &args, log).map_err(|failure| {
        anyhow!(
            "`xtask codegen --spec {}` failed: {}",
            spec.display(),
            failure.message
        )
    })
}

/// Why a measured run failed: what it printed, or why it could not run.
pub struct Failure {
    pub message: String,
}

/// Runs `program` with `args` as a child of a fresh helper (`exe bench --measure-child`),
/// its standard error in `log`: its wall time in ms and peak RSS in KiB, or what it
/// printed when it failed.
pub fn run_measured(
    exe: &Path,
    program: &Path,
    args: &[OsString],
    log: &Path,
) -> Result<(f64, u64), Failure> {
    let failure = |message: String| Failure { message };
    let stderr = File::create(log)
        .map_err(|e| failure(format!("cannot create the log {}: {e}", log.display())))?;
    let output = Command::new(exe)
        .args(["bench", &format!("--{MEASURE_CHILD}")])
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(stderr)
        .output()
        .map_err(|e| failure(format!("cannot run {}: {e}", exe.display())))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix(MEASURE_CHILD));
    let (Some(line), true) = (line, output.status.success()) else {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        return Err(failure(format!("{}:\n{}", output.status, text.trim_end())));
    };
    let field = |key: &str| -> Option<u64> {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
    };
    let (Some(wall_ns), Some(rss)) = (field("wall_ns"), field("maxrss_kib")) else {
        return Err(failure(format!(
            "no wall_ns or maxrss_kib in the helper's output: {stdout}"
        )));
    };
    Ok((wall_ns as f64 / 1e6, rss))
}

/// A copy of this binary in `folder`, which the measured runs execute. A build during the
/// run may replace `target/<profile>/xtask` (`cargo xtask ci` runs the smoke round after
/// `cargo test`, which rebuilds it); the copy stays. On Linux the copy is made from
/// `/proc/self/exe`, which still reads this process's binary when its file was replaced.
pub fn copy_of_this_binary(folder: &Path) -> anyhow::Result<PathBuf> {
    let proc_exe = Path::new("/proc/self/exe");
    let this = if proc_exe.exists() {
        proc_exe.to_path_buf()
    } else {
        std::env::current_exe().context("cannot find the path of this binary")?
    };
    let copy = folder.join("xtask-measured");
    std::fs::copy(&this, &copy)
        .with_context(|| format!("cannot copy {} to {}", this.display(), copy.display()))?;
    Ok(copy)
}

pub fn measure(
    paths: &Paths,
    specs: &[(&str, &Path)],
    effort: Effort,
) -> anyhow::Result<Vec<Process>> {
    let folder: PathBuf = paths.scratch.join("process");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let exe = copy_of_this_binary(&folder)?;
    let mut results = Vec::new();
    for (name, spec) in specs {
        let runs = match *name {
            "shipped" => effort.runs(21, 5),
            _ => effort.runs(5, 2),
        };
        eprintln!("  {name}: {runs} runs of {} codegen", exe.display());
        let out = folder.join(format!("out-{name}"));
        let log = folder.join(format!("{name}.stderr"));
        for _ in 0..effort.warmups(1) {
            run_once(&exe, spec, &out, &log)?; // warm-up: page cache, binary
        }
        let mut walls = Vec::new();
        let mut peak = 0;
        for _ in 0..runs {
            let (wall, rss) = run_once(&exe, spec, &out, &log)?;
            walls.push(wall);
            peak = peak.max(rss);
        }
        results.push(Process {
            name: (*name).to_owned(),
            runs,
            wall_median_ms: median(&walls),
            wall_min_ms: min(&walls),
            peak_rss_kib: peak,
        });
    }
    Ok(results)
}

pub fn table(results: &[Process]) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.runs.to_string(),
                number(p.wall_median_ms),
                number(p.wall_min_ms),
                number(p.peak_rss_mb()),
            ]
        })
        .collect();
    render(
        &format!(
            "Whole process: `xtask codegen --spec S --out DIR --name x` ({} binary)",
            super::PROFILE
        ),
        &[
            "spec",
            "runs",
            "wall ms (median)",
            "wall ms (min)",
            "peak RSS MB",
        ],
        &rows,
    )
}

/// The goals of the whole process: the shipped spec in 6 ms, the full document in 0.3 s
/// and 100 MB.
pub fn targets(results: &[Process]) -> Vec<Target> {
    let mut targets = Vec::new();
    for p in results {
        match p.name.as_str() {
            "shipped" => targets.push(Target::at_most(
                "shipped spec: whole process",
                p.wall_median_ms,
                6.0,
                " ms",
            )),
            "full" => {
                targets.push(Target::at_most(
                    "full document: whole process",
                    p.wall_median_ms / 1e3,
                    0.3,
                    " s",
                ));
                targets.push(Target::at_most(
                    "full document: peak RSS",
                    p.peak_rss_mb(),
                    100.0,
                    " MB",
                ));
            }
            _ => {}
        }
    }
    targets
}

pub fn to_json(results: &[Process]) -> Value {
    Value::Array(
        results
            .iter()
            .map(|p| {
                json!({
                    "spec": p.name,
                    "runs": p.runs,
                    "wall_ms_median": p.wall_median_ms,
                    "wall_ms_min": p.wall_min_ms,
                    "peak_rss_kib": p.peak_rss_kib,
                    "peak_rss_mb": p.peak_rss_mb(),
                })
            })
            .collect(),
    )
}
