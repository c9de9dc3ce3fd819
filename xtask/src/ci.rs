//! `cargo xtask ci`: everything CI checks, in one command, cheapest first.
//!
//! Installs the pinned Node tools (`npm ci`), lints the spec, checks the committed crate is
//! fresh and the hand-written code formatted, then runs clippy, rustdoc and the tests over
//! the whole workspace with warnings denied. Stops at the first failing step.

use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::codegen_task;

/// One step: a name and what runs it.
struct Step {
    name: &'static str,
    run: fn() -> Result<bool, String>,
}

const STEPS: [Step; 7] = [
    Step {
        name: "install the pinned Node tools (npm ci)",
        run: npm_ci,
    },
    Step {
        name: "lint the API description (redocly)",
        run: lint_spec,
    },
    Step {
        name: "generated/ is fresh (cargo xtask codegen --check)",
        run: codegen_check,
    },
    Step {
        name: "rustfmt (hand-written crates; generated/ is formatted by the generator)",
        run: fmt,
    },
    Step {
        name: "clippy, warnings denied",
        run: clippy,
    },
    Step {
        name: "rustdoc, warnings denied",
        run: doc,
    },
    Step {
        name: "tests",
        run: test,
    },
];

pub fn run() -> Result<ExitCode, String> {
    let started = Instant::now();
    for (index, step) in STEPS.iter().enumerate() {
        eprintln!("\n==> [{}/{}] {}", index + 1, STEPS.len(), step.name);
        let step_started = Instant::now();
        let passed = (step.run)()?;
        eprintln!(
            "==> {} in {:.1} s",
            if passed { "passed" } else { "FAILED" },
            step_started.elapsed().as_secs_f64()
        );
        if !passed {
            return Err(format!("step failed: {}", step.name));
        }
    }
    eprintln!(
        "\n==> all {} steps passed in {:.0} s",
        STEPS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn status(command: &mut Command) -> Result<bool, String> {
    let root = crate::workspace_root();
    command
        .current_dir(&root)
        .status()
        .map(|status| status.success())
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn npm_ci() -> Result<bool, String> {
    status(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]))
}

fn lint_spec() -> Result<bool, String> {
    let redocly = crate::workspace_root().join("node_modules/.bin/redocly");
    status(Command::new(redocly).args(["lint", "--format=stylish", "spec/unified-connection.yaml"]))
}

fn codegen_check() -> Result<bool, String> {
    let args = codegen_task::Args {
        check: true,
        ..codegen_task::Args::default()
    };
    Ok(codegen_task::run(&args)? == ExitCode::SUCCESS)
}

fn fmt() -> Result<bool, String> {
    status(cargo().args([
        "fmt", "--check", "-p", "codegen", "-p", "runtime", "-p", "xtask", "-p", "tests",
    ]))
}

fn clippy() -> Result<bool, String> {
    status(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))
}

fn doc() -> Result<bool, String> {
    status(
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

fn test() -> Result<bool, String> {
    status(cargo().args(["test", "--workspace", "--locked", "--no-fail-fast"]))
}
