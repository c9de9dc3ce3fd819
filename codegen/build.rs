//! Prepares the runtime the generator ships: every module of `../runtime/src` but `lib.rs`,
//! without its `#[cfg(test)]` items, written to `$OUT_DIR/runtime/` for `emit` to include.
//!
//! Done here rather than when generating, because parsing the runtime takes longer than
//! generating the shipped spec's whole crate.

#[path = "build/strip_tests.rs"]
mod strip_tests;

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?,
    );
    let source = manifest_dir.join("../runtime/src");
    println!("cargo::rerun-if-changed={}", source.display());
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("runtime");
    fs::create_dir_all(&out)?;
    for entry in fs::read_dir(&source)? {
        let path = entry?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if path.extension().is_some_and(|ext| ext == "rs") && name != "lib.rs" {
            fs::write(out.join(name), stripped(&path)?)?;
        }
    }
    Ok(())
}

/// The module at `path` without its tests.
fn stripped(path: &Path) -> Result<String, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    strip_tests::strip_test_items(&text).map_err(|e| {
        let at = e.span().start();
        format!("{}:{}:{}: {e}", path.display(), at.line, at.column + 1)
    })
}
