//! Maintainer tasks for this workspace.
//!
//! ```text
//! cargo xtask codegen [--check] [--spec FILE] [--out DIR] [--name CRATE]
//!                     [--example-tests] [--explain-values] [--message-format FMT]
//! cargo xtask ci
//! cargo xtask bench [--smoke] [--quick] [--full] [--only LIST] [--json FILE] [--in-place]
//! ```
//!
//! Without options, `codegen` regenerates `generated/` from `spec/unified-connection.yaml`;
//! `--check` writes nothing and fails with a diff when the committed output is stale.

mod annotation;
mod bench;
mod ci;
mod codegen_task;
mod committed;
mod report;
mod tree;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec FILE] [--out DIR] [--name CRATE]
                           [--example-tests] [--explain-values] [--message-format FMT]

  codegen          regenerate the client crate from the API description
    --check        write nothing; fail with a diff if the output is stale
    --spec FILE    the OpenAPI 3.0 or 3.1 document (default: spec/unified-connection.yaml)
    --out DIR      the crate's folder (default: generated)
    --name CRATE   the crate's package name (default: unified-connection)
    --example-tests  add tests/examples.rs: every example of the description decoded
                   into its type and encoded again without loss
    --explain-values  list every place the crate keeps a value as untyped JSON
                   (serde_json::Value), with its JSON pointer and why, and exit
    --message-format FMT
                   how the spec's problems are shown: `human` (default) or `json`
                   (one object per line on stdout: file, pointer, line, column,
                   severity, message)

  ci               everything CI checks: spec and workflow lint, freshness, clippy, rustdoc,
                   tests, a smoke run of the benchmarks
  bench            measure the generator and the generated code (see BENCHMARKS.md;
                   `cargo xtask bench --help` for its options)
";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            // `{:#}`: the message, then each cause it was given as context, on one line.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_env();
    let task = match parser.next()? {
        Some(Value(task)) => task.string()?,
        Some(Long("help") | Short('h')) | None => {
            print!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => bail!("{}\n\n{USAGE}", other.unexpected()),
    };
    match task.as_str() {
        "codegen" => {
            let mut args = codegen_task::Args::default();
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("check") => args.check = true,
                    Long("example-tests") => args.example_tests = true,
                    Long("explain-values") => args.explain_values = true,
                    Long("spec") => args.spec = Some(PathBuf::from(parser.value()?)),
                    Long("out") => args.out = Some(PathBuf::from(parser.value()?)),
                    Long("name") => args.name = Some(parser.value()?.string()?),
                    Long("message-format") => {
                        args.message_format = parser
                            .value()?
                            .string()?
                            .parse()
                            .map_err(|e: String| anyhow::anyhow!(e))?;
                    }
                    Long("help") | Short('h') => {
                        print!("{USAGE}");
                        return Ok(ExitCode::SUCCESS);
                    }
                    other => bail!("{}\n\n{USAGE}", other.unexpected()),
                }
            }
            codegen_task::run(&args)
        }
        "bench" => bench::run(parser),
        "ci" => ci::run(),
        other => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

/// The workspace's root folder.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}
