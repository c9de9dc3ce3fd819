//! The machine, the targets and the shape of the tables.

use std::fmt::Write as _;
use std::process::Command;

use serde_json::{Value, json};

/// What this machine is: core count, CPU model, compiler.
pub fn machine() -> Value {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let rustc = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "unknown".to_owned(), |v| v.trim().to_owned());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
        });
    json!({ "cores": cores, "cpu": cpu, "rustc": rustc, "memory_kib": memory, "load_average_before": load_average() })
}

/// The 1-minute load average: other work on the machine skews the figures.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub fn machine_table(machine: &Value) -> String {
    let memory = machine["memory_kib"].as_u64().map_or_else(
        || "?".to_owned(),
        |kib| format!("{:.1} GiB", kib as f64 / 1048576.0),
    );
    let load = |key: &str| {
        machine[key]
            .as_f64()
            .map_or_else(|| "?".to_owned(), |l| format!("{l:.2}"))
    };
    format!(
        "Machine: {} cores, {}, {} RAM; {}; figures from the {} profile; load average {} before, {} after\n",
        machine["cores"],
        machine["cpu"].as_str().unwrap_or("?"),
        memory,
        machine["rustc"].as_str().unwrap_or("?"),
        super::PROFILE,
        load("load_average_before"),
        load("load_average_after"),
    )
}

/// A goal and how a figure compares with it.
pub struct Target {
    pub name: String,
    /// The figure, or why there is none.
    pub value: Result<f64, String>,
    pub unit: &'static str,
    /// `true`: the value must be at most `limit`; `false`: at least.
    pub at_most: bool,
    pub limit: f64,
}

impl Target {
    pub fn at_most(name: impl Into<String>, value: f64, limit: f64, unit: &'static str) -> Self {
        Self {
            name: name.into(),
            value: Ok(value),
            unit,
            at_most: true,
            limit,
        }
    }

    pub fn at_least(name: impl Into<String>, value: f64, limit: f64, unit: &'static str) -> Self {
        Self {
            name: name.into(),
            value: Ok(value),
            unit,
            at_most: false,
            limit,
        }
    }

    /// A goal that this run has no figure for, and why (`reason`), shown in place of one.
    pub fn not_measured(
        name: impl Into<String>,
        reason: impl Into<String>,
        limit: f64,
        unit: &'static str,
    ) -> Self {
        Self {
            name: name.into(),
            value: Err(reason.into()),
            unit,
            at_most: true,
            limit,
        }
    }

    /// Whether the figure meets the goal; `None` without a figure.
    pub fn pass(&self) -> Option<bool> {
        let value = *self.value.as_ref().ok()?;
        Some(if self.at_most {
            value <= self.limit
        } else {
            value >= self.limit
        })
    }

    fn goal(&self) -> String {
        format!(
            "{} {}{}",
            if self.at_most { "<=" } else { ">=" },
            number(self.limit),
            self.unit
        )
    }

    fn measured(&self) -> String {
        match &self.value {
            Ok(value) => format!("{}{}", number(*value), self.unit),
            Err(reason) => format!("not measured: {reason}"),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "value": self.value.as_ref().ok(),
            "not_measured": self.value.as_ref().err(),
            "unit": self.unit.trim(),
            "goal": self.goal(),
            "pass": self.pass(),
        })
    }
}

pub fn targets_table(targets: &[Target]) -> String {
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.measured(),
                t.goal(),
                match t.pass() {
                    Some(true) => "PASS".to_owned(),
                    Some(false) => "MISS".to_owned(),
                    None => "-".to_owned(),
                },
            ]
        })
        .collect();
    render("Targets", &["target", "measured", "goal", ""], &rows)
}

/// A number with a sensible count of decimals.
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A plain-text table under a title: first column left-aligned, the others right-aligned.
pub fn render(title: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = format!("{title}\n");
    let line = |cells: Vec<&str>, out: &mut String| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i == 0 {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str("  ");
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            }
        }
        let _ = writeln!(out, "  {}", text.trim_end());
    };
    line(header.to_vec(), &mut out);
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    let _ = writeln!(out, "  {}", "-".repeat(total));
    for row in rows {
        line(row.iter().map(String::as_str).collect(), &mut out);
    }
    out
}
