//! Building generated crates from tests: each is written under the target folder with the
//! workspace's `Cargo.lock` (so it resolves the very dependency versions the workspace
//! uses) and built with one target folder shared by all such crates, so their dependencies
//! are compiled once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tests::workspace_root;

/// The folder that holds every generated test crate and their shared target folder:
/// `<target>/test-crates`, beside Cargo's own output wherever `CARGO_TARGET_DIR` puts it.
pub fn test_crates_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map_or_else(|| workspace_root().join("target"), Path::to_path_buf)
        .join("test-crates")
}

/// Writes `files` as the crate `<test-crates>/<name>`, replacing what was there, with the
/// workspace's `Cargo.lock` copied in.
pub fn write_crate(name: &str, files: &BTreeMap<String, String>) -> PathBuf {
    let dir = test_crates_dir().join(name);
    // Only the generated sources are replaced: a stale file could otherwise linger, and
    // the crate's own folder holds nothing worth keeping (the target folder is shared).
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the test crate's folder can be created");
        }
        std::fs::write(&path, text).expect("the test crate's files can be written");
    }
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("the workspace's Cargo.lock can be copied");
    dir
}

/// Runs `cargo <args>` in `dir` with the shared target folder; `Err` holds cargo's output.
pub fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", test_crates_dir().join("target"));
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` failed in {} ({}):\n{}{}",
            args.join(" "),
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Generates the crate `name` from the spec text, as a standalone crate.
pub fn generate(name: &str, source: &str, text: &str) -> codegen::Output {
    let mut options = codegen::Options::new(name, source);
    options.standalone = true;
    codegen::generate(text, &options).unwrap_or_else(|error| panic!("{source} generates: {error}"))
}
