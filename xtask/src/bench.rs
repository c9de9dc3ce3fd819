//! `cargo xtask bench`: measures the generator and the generated code.

use std::process::ExitCode;

/// Runs the benchmarks.
pub fn run(_parser: lexopt::Parser) -> Result<ExitCode, String> {
    Err("not implemented yet".to_owned())
}
