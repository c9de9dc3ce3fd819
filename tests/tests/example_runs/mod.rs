//! Running the example tests of generated crates (`Options::example_tests`): each crate's
//! `tests/examples.rs` decodes every example of its description into its type and encodes
//! it again, and prints `examples of <crate>: <found> found, <decoded> decoded, <lossless>
//! lossless`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support;

/// How many examples the generated `tests/examples.rs` among `files` decodes (none
/// without the file).
pub fn cases(files: &support::Files) -> usize {
    files.get("tests/examples.rs").map_or(0, |file| {
        file.matches("decode::<").count() + file.matches("decode_form::<").count()
    })
}

/// Runs the example tests of `crates` (crate name -> the number of examples its test
/// decodes) of the test workspace `dir`, in one cargo run; per crate, its summary line, or
/// why it is not the one expected (every example decoded and lossless).
pub fn run(
    dir: &Path,
    crates: &BTreeMap<String, usize>,
) -> BTreeMap<String, Result<String, String>> {
    let tested: Vec<&String> = crates
        .iter()
        .filter(|(_, cases)| **cases > 0)
        .map(|(name, _)| name)
        .collect();
    let mut results: BTreeMap<String, Result<String, String>> = crates
        .iter()
        .filter(|(_, cases)| **cases == 0)
        .map(|(name, _)| (name.clone(), Ok("no examples".to_owned())))
        .collect();
    if tested.is_empty() {
        return results;
    }
    let mut command = support::cargo_command(dir);
    command.args(["test", "--quiet", "--no-fail-fast", "--test", "examples"]);
    for name in &tested {
        command.args(["-p", name.as_str()]);
    }
    command.args(["--", "--nocapture"]);
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => {
            for name in tested {
                results.insert(name.clone(), Err(format!("cannot run cargo: {e}")));
            }
            return results;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summaries: BTreeMap<&str, &str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("examples of ")?.split_once(": "))
        .collect();
    for name in tested {
        let cases = crates.get(name).copied().unwrap_or_default();
        let every = format!("{cases} found, {cases} decoded, {cases} lossless");
        let result = match summaries.get(name.as_str()) {
            Some(summary) if *summary == every => Ok(format!("examples: {summary}")),
            Some(summary) => Err(format!(
                "expected `{every}`, found `{summary}`:\n{}",
                failures_of(&stdout, name)
            )),
            None => Err(format!(
                "the example tests did not run:\n{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            )),
        };
        results.insert(name.clone(), result);
    }
    results
}

/// The lines of the test output that name failed examples (indented, after the summary of
/// crate `name`).
fn failures_of(stdout: &str, name: &str) -> String {
    let start = format!("examples of {name}: ");
    stdout
        .lines()
        .skip_while(|line| !line.starts_with(&start))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .take(20)
        .collect::<Vec<_>>()
        .join("\n")
}
