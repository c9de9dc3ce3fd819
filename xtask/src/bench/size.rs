//! How much code the generator writes: the lines of Rust of the committed Connection
//! crate (`generated/src`) and of the crate generated from the full Unified.to document,
//! and whether any test code (`cfg(test)`) ships in them.

use std::path::Path;

use anyhow::Context;
use codegen::Options;
use serde_json::{Value, json};

use super::report::{Target, render};

pub struct Size {
    pub name: String,
    pub files: usize,
    pub lines: usize,
    /// The lines of the runtime modules copied into the crate (the same for every API).
    pub runtime_lines: usize,
    /// The files that hold `cfg(test)`.
    pub test_code: Vec<String>,
}

impl Size {
    /// The figures of Rust files given as (path, text).
    fn of<'a>(name: &str, files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut size = Self {
            name: name.to_owned(),
            files: 0,
            lines: 0,
            runtime_lines: 0,
            test_code: Vec::new(),
        };
        for (path, text) in files {
            if !path.ends_with(".rs") {
                continue;
            }
            size.files += 1;
            let lines = text.lines().count();
            size.lines += lines;
            if codegen::is_runtime_copy(text) {
                size.runtime_lines += lines;
            }
            if text.contains("cfg(test)") {
                size.test_code.push(path.to_owned());
            }
        }
        size
    }
}

/// The committed Connection crate's `src/`, then the crate each spec generates.
pub fn measure(root: &Path, specs: &[(&str, &Path)]) -> anyhow::Result<Vec<Size>> {
    let src = root.join("generated/src");
    let mut committed = Vec::new();
    for entry in
        std::fs::read_dir(&src).with_context(|| format!("cannot list {}", src.display()))?
    {
        let path = entry
            .with_context(|| format!("cannot list {}", src.display()))?
            .path();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.file_name().map_or_else(String::new, |n| {
            format!("generated/src/{}", n.to_string_lossy())
        });
        committed.push((name, text));
    }
    committed.sort();
    let mut sizes = vec![Size::of(
        "Connection crate (generated/src)",
        committed.iter().map(|(p, t)| (p.as_str(), t.as_str())),
    )];
    // The shipped spec's crate is the committed one.
    for (name, spec) in specs.iter().filter(|(name, _)| *name != "shipped") {
        let text = std::fs::read_to_string(spec)
            .with_context(|| format!("cannot read the spec {}", spec.display()))?;
        let options = Options::new("x", spec.display().to_string());
        let output = codegen::generate(&text, &options)
            .with_context(|| format!("cannot generate a crate from {}", spec.display()))?;
        sizes.push(Size::of(
            &format!("crate of the {name} document"),
            output.files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        ));
    }
    Ok(sizes)
}

pub fn table(results: &[Size]) -> String {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.files.to_string(),
                s.lines.to_string(),
                s.runtime_lines.to_string(),
                (s.lines - s.runtime_lines).to_string(),
                if s.test_code.is_empty() {
                    "none".to_owned()
                } else {
                    s.test_code.join(", ")
                },
            ]
        })
        .collect();
    render(
        "Size of the generated code: lines of Rust (every line of every .rs file)",
        &[
            "crate",
            "files",
            "lines",
            "runtime (copied)",
            "from the spec",
            "files with cfg(test)",
        ],
        &rows,
    )
}

/// The goals: the Connection crate's `src/` in 2,500 lines without test code, the full
/// document's crate in 60,000 lines. The table splits the lines into the runtime's
/// (copied, the same for every API) and the spec's.
pub fn targets(results: &[Size]) -> Vec<Target> {
    let mut targets = Vec::new();
    for s in results {
        if s.name.starts_with("Connection crate") {
            targets.push(Target::at_most(
                "Connection crate (generated/src): lines",
                s.lines as f64,
                2500.0,
                "",
            ));
            targets.push(Target::at_most(
                "Connection crate (generated/src): files with test code",
                s.test_code.len() as f64,
                0.0,
                "",
            ));
        } else if s.name.contains("full") {
            targets.push(Target::at_most(
                "full document's crate: lines",
                s.lines as f64,
                60000.0,
                "",
            ));
        }
    }
    targets
}

pub fn to_json(results: &[Size]) -> Value {
    Value::Array(
        results
            .iter()
            .map(|s| {
                json!({
                    "crate": s.name,
                    "files": s.files,
                    "lines": s.lines,
                    "runtime_lines": s.runtime_lines,
                    "files_with_test_code": s.test_code,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_rust_files_are_counted_and_test_code_is_found() {
        let size = Size::of(
            "x",
            [
                ("src/lib.rs", "mod a;\n\nfn f() {}\n"),
                ("src/a.rs", "#[cfg(test)]\nmod tests {}\n"),
                (
                    "src/b.rs",
                    "// Copied by `cargo xtask codegen` from x\nfn g() {}\n",
                ),
                ("Cargo.toml", "[package]\nname = \"x\"\n"),
            ],
        );
        assert_eq!((size.files, size.lines, size.runtime_lines), (3, 7, 2));
        assert_eq!(size.test_code, ["src/a.rs"]);
        let targets = targets(&[Size {
            name: "Connection crate (generated/src)".to_owned(),
            ..size
        }]);
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[1].pass(), Some(false), "test code is a miss");
    }
}
