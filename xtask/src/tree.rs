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

use codegen::is_generated;
use similar::TextDiff;

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

    /// The paths that would change, relative to the folder.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.changes.iter().map(|change| match change {
            Change::Added(path) | Change::Changed(path, _) | Change::Removed(path, _) => {
                path.as_str()
            }
        })
    }

    /// A unified diff of every change.
    pub fn diff(&self, out: &Path) -> String {
        let mut text = String::new();
        for change in &self.changes {
            let (path, old, new) = match change {
                Change::Added(path) => (path, "", self.new.get(path).map_or("", String::as_str)),
                Change::Changed(path, old) => (
                    path,
                    old.as_str(),
                    self.new.get(path).map_or("", String::as_str),
                ),
                Change::Removed(path, old) => (path, old.as_str(), ""),
            };
            let shown = out.join(path).display().to_string();
            let diff = TextDiff::from_lines(old, new);
            text.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string(),
            );
        }
        text
    }
}

/// Compares the folder `out` with `files`. Reads only: a swap left unfinished is not
/// recovered here (see [`recover`]), so `--check` writes nothing.
pub fn plan(out: &Path, files: &BTreeMap<String, String>) -> io::Result<Plan> {
    let mut changes = Vec::new();
    for (path, text) in files {
        match fs::read(out.join(path)) {
            Ok(old) if old == text.as_bytes() => {}
            Ok(old) => changes.push(Change::Changed(
                path.clone(),
                String::from_utf8_lossy(&old).into_owned(),
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                changes.push(Change::Added(path.clone()))
            }
            Err(e) => return Err(e),
        }
    }
    for path in existing_files(out)? {
        if files.contains_key(&path) {
            continue;
        }
        let old = out.join(&path);
        if is_generated_file(&old) {
            let text = fs::read(&old).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())?;
            changes.push(Change::Removed(path, text));
        }
    }
    Ok(Plan {
        changes,
        new: files.clone(),
    })
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
        let unchanged = fs::read(&source).is_ok_and(|old| old == text.as_bytes());
        if !(unchanged && fs::hard_link(&source, &target).is_ok()) {
            fs::write(&target, text)?;
        }
    }
    if out.is_dir() {
        carry_over(out, staging, files)?;
    }
    Ok(())
}

/// Carries over from `out` what is not generated: the build folder and hidden entries at
/// the top (`target/`, `.git`, ...) whole, and elsewhere every file the new tree does not
/// replace and that has no generated header. Generated files the spec no longer produces
/// are left behind, so they disappear with the old tree.
fn carry_over(out: &Path, staging: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    for entry in fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_kept_whole(&name) {
            // A build folder can be large: hard-link it file by file instead of copying.
            link_tree(&entry.path(), &staging.join(&name))?;
        }
    }
    for path in existing_files(out)? {
        if files.contains_key(&path) || is_generated_file(&out.join(&path)) {
            continue;
        }
        keep(&out.join(&path), &staging.join(&path))?;
    }
    Ok(())
}

/// Top-level entries of the crate's folder that are carried over as they are, never
/// looked into.
fn is_kept_whole(name: &str) -> bool {
    name == "target" || name.starts_with('.')
}

/// Whether the file at `path` starts with a header of the generator (see
/// [`codegen::is_generated`]; a file that is not text is not generated).
fn is_generated_file(path: &Path) -> bool {
    fs::read(path).is_ok_and(|bytes| is_generated(&String::from_utf8_lossy(&bytes)))
}

/// Puts `from` at `to`, creating the folders it needs: a hard link where possible (no
/// copy, same timestamp), a copy otherwise; a symbolic link stays one.
fn keep(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    if fs::symlink_metadata(from)?.file_type().is_symlink() {
        return copy_symlink(from, to);
    }
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to)?;
    }
    Ok(())
}

#[cfg(unix)]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to).map(|_| ())
}

/// Recreates the tree `from` at `to`, file by file with [`keep`].
fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    if !fs::symlink_metadata(from)?.is_dir() {
        return keep(from, to);
    }
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        link_tree(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// The staging and backup folders beside `out`.
fn siblings(out: &Path) -> io::Result<(PathBuf, PathBuf)> {
    let name = out
        .file_name()
        .ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name")
        })?
        .to_string_lossy()
        .into_owned();
    let parent = out
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let parent = if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent
    };
    Ok((
        parent.join(format!(".{name}.codegen-new")),
        parent.join(format!(".{name}.codegen-old")),
    ))
}

/// Finishes or undoes a swap cut short, and removes a staging folder left behind.
///
/// A backup beside `out` means the run stopped between the two renames (`out` is
/// missing: the backup is the previous tree, put back) or after them (`out` is the new
/// tree: the backup is removed).
pub fn recover(out: &Path) -> io::Result<()> {
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

/// Every file below `out` (relative, `/`-separated), leaving out the top-level entries
/// that are kept whole (`target/`, hidden ones). Symbolic links count as files.
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
        if prefix.is_empty() && is_kept_whole(&name) {
            continue;
        }
        let relative = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &relative, found)?;
        } else {
            found.push(relative);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "// Generated by `cargo xtask codegen` from `spec.yaml`. Do not edit.\n";

    fn generated(body: &str) -> String {
        format!("{HEADER}{body}\n")
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(path, body)| ((*path).to_owned(), generated(body)))
            .collect()
    }

    /// Every file below `dir` (hidden and build folders included) with its bytes.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn visit(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).expect("readable") {
                let entry = entry.expect("entry");
                let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
                if entry.file_type().expect("type").is_dir() {
                    visit(&entry.path(), &format!("{name}/"), out);
                } else {
                    out.insert(name, fs::read(entry.path()).expect("readable"));
                }
            }
        }
        let mut out = BTreeMap::new();
        visit(dir, "", &mut out);
        out
    }

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let temp = tempfile::tempdir().expect("a temporary folder");
        let out = temp.path().join("crate");
        (temp, out)
    }

    fn write_file(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        fs::write(path, text).expect("written");
    }

    #[test]
    fn a_full_write_creates_every_file() {
        let (_temp, out) = setup();
        let new = files(&[
            ("Cargo.toml", "[package]"),
            ("src/lib.rs", "mod a;"),
            ("src/a/b.rs", ""),
        ]);
        assert_eq!(plan(&out, &new).expect("plan").len(), 3);
        write(&out, &new).expect("write");
        let expected: BTreeMap<String, Vec<u8>> = new
            .iter()
            .map(|(path, text)| (path.clone(), text.clone().into_bytes()))
            .collect();
        assert_eq!(snapshot(&out), expected);
        assert!(plan(&out, &new).expect("plan").is_empty());
    }

    #[test]
    fn an_unchanged_rewrite_writes_nothing() {
        let (_temp, out) = setup();
        let new = files(&[("src/lib.rs", "mod a;"), ("src/a.rs", "")]);
        write(&out, &new).expect("write");
        let before = fs::metadata(out.join("src/lib.rs"))
            .and_then(|m| m.modified())
            .expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(
            plan(&out, &new).expect("plan").is_empty(),
            "nothing to change"
        );
        // Even when asked to write, unchanged files keep their timestamp (cargo sees no change).
        write(&out, &new).expect("write");
        let after = fs::metadata(out.join("src/lib.rs"))
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(before, after);
    }

    #[test]
    fn stale_generated_files_are_removed() {
        let (_temp, out) = setup();
        write(
            &out,
            &files(&[
                ("src/lib.rs", "mod a;"),
                ("src/a.rs", ""),
                ("examples/old.rs", ""),
            ]),
        )
        .expect("write");
        let new = files(&[("src/lib.rs", "")]);
        let planned = plan(&out, &new).expect("plan");
        let removed: Vec<&str> = planned
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Removed(path, _) => Some(path.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(removed, ["examples/old.rs", "src/a.rs"]);
        write(&out, &new).expect("write");
        assert_eq!(snapshot(&out).keys().collect::<Vec<_>>(), ["src/lib.rs"]);
    }

    #[test]
    fn a_runtime_module_the_crate_no_longer_gets_is_removed() {
        let (_temp, out) = setup();
        let mut old = files(&[("src/lib.rs", "mod open_enum;")]);
        old.insert(
            "src/open_enum.rs".to_owned(),
            "// Copied by `cargo xtask codegen` from `runtime/src/open_enum.rs`, without its \
             tests. Do not\n// edit: change the runtime crate and regenerate.\n\nstruct V;\n"
                .to_owned(),
        );
        write(&out, &old).expect("write");
        let new = files(&[("src/lib.rs", "")]);
        let planned = plan(&out, &new).expect("plan");
        assert!(
            matches!(&planned.changes[..], [Change::Changed(..), Change::Removed(path, _)] if path == "src/open_enum.rs")
        );
        write(&out, &new).expect("write");
        assert_eq!(snapshot(&out).keys().collect::<Vec<_>>(), ["src/lib.rs"]);
    }

    #[test]
    fn files_that_are_not_generated_are_kept() {
        let (_temp, out) = setup();
        write(&out, &files(&[("Cargo.toml", ""), ("src/lib.rs", "")])).expect("write");
        write_file(&out.join("Cargo.lock"), "# lock\n");
        write_file(&out.join("target/debug/build.bin"), "binary");
        write_file(
            &out.join("target/debug/generated-looking.rs"),
            &generated("kept: a build output"),
        );
        write_file(&out.join("src/hand_written.rs"), "// mine\n");
        write_file(&out.join("src/.keep"), "");
        write_file(&out.join(".gitignore"), "target\n");
        write_file(&out.join("notes/todo.md"), "- more\n");
        let mut before = snapshot(&out);
        let new = files(&[("Cargo.toml", "[package]"), ("src/lib.rs", "mod changed;")]);
        write(&out, &new).expect("write");
        for (path, text) in &new {
            before.insert(path.clone(), text.clone().into_bytes());
        }
        assert_eq!(snapshot(&out), before);
    }

    #[test]
    fn planning_writes_nothing() {
        let (temp, out) = setup();
        write(&out, &files(&[("src/lib.rs", "")])).expect("write");
        let (staging, _) = siblings(&out).expect("siblings");
        write_file(&staging.join("src/lib.rs"), "left over");
        let before = snapshot(temp.path());
        let planned = plan(
            &out,
            &files(&[("src/lib.rs", "changed"), ("src/new.rs", "")]),
        )
        .expect("plan");
        assert_eq!(planned.len(), 2);
        assert!(planned.diff(&out).contains("+changed"));
        assert_eq!(snapshot(temp.path()), before);
    }

    #[test]
    fn a_staging_folder_left_behind_is_removed() {
        let (_temp, out) = setup();
        let new = files(&[("src/lib.rs", "")]);
        write(&out, &new).expect("write");
        let (staging, _) = siblings(&out).expect("siblings");
        write_file(&staging.join("src/lib.rs"), "half written");
        recover(&out).expect("recover");
        assert!(!staging.exists());
        assert!(plan(&out, &new).expect("plan").is_empty());
    }

    #[test]
    fn a_swap_cut_between_the_renames_is_undone() {
        let (_temp, out) = setup();
        let old = files(&[("src/lib.rs", "old")]);
        write(&out, &old).expect("write");
        write_file(&out.join("Cargo.lock"), "# lock\n");
        let expected = snapshot(&out);
        // The run stopped after moving the old tree aside, before moving the new one in.
        let (staging, backup) = siblings(&out).expect("siblings");
        fs::rename(&out, &backup).expect("rename");
        write_file(&staging.join("src/lib.rs"), &generated("new"));
        recover(&out).expect("recover");
        assert_eq!(snapshot(&out), expected);
        assert!(!staging.exists() && !backup.exists());
        // And the next write goes through.
        write(&out, &files(&[("src/lib.rs", "new")])).expect("write");
        assert_eq!(
            fs::read_to_string(out.join("src/lib.rs")).expect("read"),
            generated("new")
        );
        assert_eq!(
            fs::read_to_string(out.join("Cargo.lock")).expect("read"),
            "# lock\n"
        );
    }

    #[test]
    fn a_swap_cut_after_the_renames_is_finished() {
        let (_temp, out) = setup();
        let new = files(&[("src/lib.rs", "new")]);
        write(&out, &new).expect("write");
        // The run stopped after the swap, before removing the old tree.
        let (_, backup) = siblings(&out).expect("siblings");
        write_file(&backup.join("src/lib.rs"), &generated("old"));
        recover(&out).expect("recover");
        assert!(!backup.exists());
        assert!(plan(&out, &new).expect("plan").is_empty());
    }
}
