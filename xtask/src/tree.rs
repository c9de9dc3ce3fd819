//! Comparing and replacing a generated crate's folder, all or nothing.
//!
//! The new tree is written in full to a staging folder beside the target, then swapped in
//! with two renames; the previous tree is kept until the swap is done. An interrupted run
//! leaves either the old tree or the new one, and the next run finishes or undoes a swap
//! that was cut short. Files that are not generated (a `target/` folder, `Cargo.lock`,
//! anything without the generated header) are carried over untouched.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codegen_task::is_generated;

/// A difference between the folder and what should be in it.
pub enum Change {
    /// A file to create.
    Added(String),
    /// A file whose content differs: the old text.
    Changed(String, String),
    /// A generated file the spec no longer produces.
    Removed(String, String),
}

/// The changes that writing would make.
pub struct Plan {
    changes: Vec<Change>,
    new: BTreeMap<String, String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// A unified diff of every change.
    pub fn diff(&self, out: &Path) -> String {
        let mut text = String::new();
        for change in &self.changes {
            let (path, old, new) = match change {
                Change::Added(path) => (path, "", self.new.get(path).map_or("", String::as_str)),
                Change::Changed(path, old) => (path, old.as_str(), self.new.get(path).map_or("", String::as_str)),
                Change::Removed(path, old) => (path, old.as_str(), ""),
            };
            let shown = out.join(path).display().to_string();
            let diff = TextDiff::from_lines(old, new);
            text.push_str(&diff.unified_diff().context_radius(3).header(&format!("a/{shown}"), &format!("b/{shown}")).to_string());
        }
        text
    }
}

/// Compares the folder `out` with `files`.
pub fn plan(out: &Path, files: &BTreeMap<String, String>) -> io::Result<Plan> {
    recover(out)?;
    let mut changes = Vec::new();
    for (path, text) in files {
        match fs::read_to_string(out.join(path)) {
            Ok(old) if old == *text => {}
            Ok(old) => changes.push(Change::Changed(path.clone(), old)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => changes.push(Change::Added(path.clone())),
            Err(e) => return Err(e),
        }
    }
    for path in existing_files(out)? {
        if files.contains_key(&path) {
            continue;
        }
        if let Ok(old) = fs::read_to_string(out.join(&path)) {
            if is_generated(&old) {
                changes.push(Change::Removed(path, old));
            }
        }
    }
    Ok(Plan { changes, new: files.clone() })
}

/// Replaces the folder `out` with `files`, keeping whatever in it is not generated.
pub fn write(out: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    recover(out)?;
    let (staging, backup) = siblings(out)?;
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let staged = stage(out, &staging, files);
    if let Err(error) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    if out.exists() {
        fs::rename(out, &backup)?;
    }
    if let Err(error) = fs::rename(&staging, out) {
        // Put the previous tree back.
        let _ = fs::rename(&backup, out);
        return Err(error);
    }
    if backup.exists() {
        fs::remove_dir_all(&backup)?;
    }
    Ok(())
}

/// Fills `staging` with the new files and what is carried over from `out`.
fn stage(out: &Path, staging: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    fs::create_dir_all(staging)?;
    for (path, text) in files {
        let target = staging.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let source = out.join(path);
        // An unchanged file is linked, keeping its timestamp, so builds stay fresh.
        let unchanged = fs::read_to_string(&source).is_ok_and(|old| old == *text);
        if !(unchanged && fs::hard_link(&source, &target).is_ok()) {
            fs::write(&target, text)?;
        }
    }
    if !out.exists() {
        return Ok(());
    }
    // Carry over what is not generated: top-level entries the crate does not produce
    // (target/, Cargo.lock, ...) are moved whole; inside produced folders, files without
    // the generated header are copied.
    let produced_top: Vec<&str> = files.keys().filter_map(|p| p.split('/').next()).collect();
    for entry in fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if produced_top.contains(&name.as_str()) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            // A build folder can be large: hard-link it file by file instead of copying.
            link_tree(&entry.path(), &staging.join(&name))?;
        } else if !fs::read_to_string(entry.path()).is_ok_and(|t| is_generated(&t)) {
            fs::copy(entry.path(), staging.join(&name))?;
        }
    }
    for path in existing_files(out)? {
        let top = path.split('/').next().unwrap_or_default();
        if files.contains_key(&path) || !produced_top.contains(&top) {
            continue;
        }
        let keep = fs::read(out.join(&path)).is_ok_and(|bytes| !is_generated(&String::from_utf8_lossy(&bytes)));
        if keep {
            let target = staging.join(&path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(out.join(&path), target)?;
        }
    }
    Ok(())
}

fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            link_tree(&entry.path(), &target)?;
        } else if kind.is_file() && fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The staging and backup folders beside `out`.
fn siblings(out: &Path) -> io::Result<(PathBuf, PathBuf)> {
    let name = out
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name"))?
        .to_string_lossy()
        .into_owned();
    let parent = out.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let parent = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent };
    Ok((parent.join(format!(".{name}.codegen-new")), parent.join(format!(".{name}.codegen-old"))))
}

/// Finishes or undoes a swap cut short: the backup exists but `out` does not.
fn recover(out: &Path) -> io::Result<()> {
    let (staging, backup) = siblings(out)?;
    if backup.exists() {
        if out.exists() {
            fs::remove_dir_all(&backup)?;
        } else {
            fs::rename(&backup, out)?;
        }
    }
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    Ok(())
}

/// Every file below `out` (relative, `/`-separated), skipping `target/` and hidden folders.
fn existing_files(out: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    if out.is_dir() {
        walk(out, "", &mut found)?;
    }
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "target" || name.starts_with('.') {
            continue;
        }
        let relative = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &relative, found)?;
        } else if kind.is_file() {
            found.push(relative);
        }
    }
    Ok(())
}
