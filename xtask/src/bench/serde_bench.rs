//! Decode/encode throughput, measured by `cargo bench -p tests --bench serde` (in the
//! bench profile) and read back from its `serde-bench ...` lines. xtask itself does not
//! depend on the generated crate.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::report::{Target, number, render};
use super::{Effort, Paths};

/// One line's `key=value` pairs.
type Fields = BTreeMap<String, String>;

pub struct Serde {
    pub setup: Fields,
    pub results: Vec<Fields>,
    pub ratios: Vec<Fields>,
}

fn fields(rest: &str) -> Fields {
    rest.split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Reads the machine-readable lines of the bench's output.
pub fn parse(stdout: &str) -> Serde {
    let mut serde = Serde {
        setup: Fields::new(),
        results: Vec::new(),
        ratios: Vec::new(),
    };
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("serde-bench-setup ") {
            serde.setup = fields(rest);
        } else if let Some(rest) = line.strip_prefix("serde-bench-ratio ") {
            serde.ratios.push(fields(rest));
        } else if let Some(rest) = line.strip_prefix("serde-bench ") {
            serde.results.push(fields(rest));
        }
    }
    serde
}

/// The cargo command line (without `cargo`) that runs the bench with this effort.
///
/// A smoke run builds it in the dev profile and with the whole workspace's features, as
/// `cargo test --workspace` builds the dependencies, so that it reuses them, and runs it on
/// a few connections, once: every check the bench makes of its data still runs.
pub fn command(effort: Effort) -> Vec<&'static str> {
    match effort {
        Effort::Standard => vec!["bench", "--package", "tests", "--bench", "serde"],
        Effort::Quick => vec![
            "bench",
            "--package",
            "tests",
            "--bench",
            "serde",
            "--",
            "--quick",
        ],
        Effort::Smoke => vec![
            "bench",
            "--profile",
            "dev",
            "--workspace",
            "--bench",
            "serde",
            "--",
            "--smoke",
        ],
    }
}

pub fn run(paths: &Paths, effort: Effort) -> anyhow::Result<Serde> {
    let args = command(effort);
    let shown = format!("cargo {}", args.join(" "));
    // Build progress goes to the terminal; the figures are read from stdout.
    let output = Command::new(&paths.cargo)
        .current_dir(&paths.root)
        .args(&args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run `{shown}`"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("`{shown}` failed ({}):\n{stdout}", output.status);
    }
    let serde = parse(&stdout);
    if serde.results.is_empty() || serde.ratios.is_empty() {
        bail!("no `serde-bench` lines in the output of `{shown}`:\n{stdout}");
    }
    Ok(serde)
}

fn get<'a>(fields: &'a Fields, key: &str) -> &'a str {
    fields.get(key).map_or("?", String::as_str)
}

fn float(fields: &Fields, key: &str) -> f64 {
    fields
        .get(key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

pub fn table(serde: &Serde) -> String {
    let rows: Vec<Vec<String>> = serde
        .results
        .iter()
        .map(|r| {
            let case = get(r, "case");
            let data = get(r, "data");
            let which = get(r, "impl");
            let ratio = if which == "generated" {
                serde
                    .ratios
                    .iter()
                    .find(|x| get(x, "case") == case && get(x, "data") == data)
                    .map_or_else(String::new, |x| format!("{:.3}x", float(x, "ratio")))
            } else {
                String::new()
            };
            vec![
                format!("{case} {data} {which}"),
                number(float(r, "median_ns") / 1e6),
                number(float(r, "mb_per_s")),
                format!("{:.0}", float(r, "items_per_s")),
                ratio,
            ]
        })
        .collect();
    let title = format!(
        "Decode/encode {} connections with serde_json ({} profile; median of {} rounds; \
         `known`: listed values only, `mixed`: {} unlisted values, the baseline reading the `known` twin; \
         `enums`: a bare array of listed permissions, 10 per connection, for information)",
        get(&serde.setup, "items"),
        get(&serde.setup, "profile"),
        get(&serde.setup, "rounds"),
        get(&serde.setup, "unknown_values"),
    );
    render(
        &title,
        &["case data impl", "ms", "MB/s", "items/s", "vs baseline"],
        &rows,
    )
}

pub fn targets(serde: &Serde) -> Vec<Target> {
    // `enums` (the enums alone) is shown for information; the goals are about connections.
    serde
        .ratios
        .iter()
        .filter(|r| get(r, "data") != "enums")
        .map(|r| {
            let name = format!(
                "{} ({} data): open enums / closed baseline",
                get(r, "case"),
                get(r, "data")
            );
            Target::at_least(name, float(r, "ratio"), 0.9, "x")
        })
        .collect()
}

pub fn to_json(serde: &Serde) -> Value {
    let convert = |fields: &Fields| -> Value {
        Value::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    let value = v.parse::<f64>().map_or_else(|_| json!(v), |n| json!(n));
                    (k.clone(), value)
                })
                .collect(),
        )
    };
    json!({
        "command": "cargo bench -p tests --bench serde",
        "setup": convert(&serde.setup),
        "results": serde.results.iter().map(convert).collect::<Vec<_>>(),
        "ratios": serde.ratios.iter().map(convert).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smoke_run_builds_the_bench_in_the_dev_profile_and_asks_for_a_short_round() {
        assert_eq!(
            command(Effort::Smoke),
            [
                "bench",
                "--profile",
                "dev",
                "--workspace",
                "--bench",
                "serde",
                "--",
                "--smoke"
            ]
        );
        assert_eq!(command(Effort::Quick).last(), Some(&"--quick"));
        assert!(!command(Effort::Standard).contains(&"--profile"));
        assert!(!command(Effort::Standard).contains(&"--"));
    }

    #[test]
    fn reads_the_bench_lines_and_skips_the_rest() {
        let out = "serde: 10 connections\n\
                   serde-bench-setup items=10 profile=bench rounds=3\n\
                   serde-bench case=decode data=known impl=generated median_ns=100 mb_per_s=5.0 items_per_s=9\n\
                   serde-bench case=decode data=known impl=baseline median_ns=90 mb_per_s=5.5 items_per_s=10\n\
                   serde-bench-ratio case=decode data=known ratio=0.9000\n\
                   other text\n";
        let serde = parse(out);
        assert_eq!(serde.setup["items"], "10");
        assert_eq!(serde.results.len(), 2);
        assert_eq!(serde.results[1]["impl"], "baseline");
        let targets = targets(&serde);
        assert_eq!(targets.len(), 1);
        assert_eq!(
            targets[0].pass(),
            Some(true),
            "0.9 meets a goal of at least 0.9"
        );
        assert!(table(&serde).contains("0.900x"));
        assert!(table(&serde).contains("(bench profile; median of 3 rounds"));
    }
}
