//! Turns an OpenAPI 3.0 or 3.1 document into a typed, async Rust client crate.
//!
//! The pipeline runs one way, each step testable on its own:
//!
//! 1. [`load()`]: YAML or JSON text -> `openapiv3::OpenAPI`, repairing slips whose intent is
//!    clear (with warnings) and refusing what is not OpenAPI 3.0 or 3.1;
//! 2. [`lower()`]: the document -> the checked [`model::Api`]: `$ref`s resolved, every type
//!    and member named, every problem reported with its JSON pointer;
//! 3. [`emit()`]: the model -> token streams, in parts per file, plus the runtime's modules
//!    (copied from the `runtime` crate of this workspace without their tests);
//! 4. [`format()`]: tokens -> source text under a "generated, do not edit" header (the
//!    runtime's modules get one saying where they come from; see [`is_generated`]).
//!
//! [`generate`] runs them all, emitting and formatting on every core ([`render`]). It
//! does no I/O and is deterministic: the same input gives byte-identical output.
//!
//! ```
//! let spec = r##"
//! openapi: 3.0.3
//! info: { title: Pets, version: "1" }
//! paths:
//!   /pets:
//!     get:
//!       operationId: listPets
//!       responses:
//!         "200":
//!           description: The pets.
//!           content:
//!             application/json:
//!               schema: { type: array, items: { $ref: "#/components/schemas/Pet" } }
//! components:
//!   schemas:
//!     Pet:
//!       type: object
//!       required: [name]
//!       properties: { name: { type: string } }
//! "##;
//! let output = codegen::generate(spec, &codegen::Options::new("pets", "spec/pets.yaml")).unwrap();
//! assert!(output.files["src/models.rs"].contains("pub struct Pet"));
//! assert!(output.files["src/client.rs"].contains("pub async fn list_pets"));
//! ```

pub mod diagnostic;
pub mod model;

pub mod emit;
mod format;
mod load;
mod lower;
mod naming;
mod parallel;
pub mod report;
mod source_map;
/// The stripping `build.rs` does, compiled here for its unit tests.
#[cfg(test)]
#[path = "../build/strip_tests.rs"]
mod strip_tests;

use std::collections::BTreeMap;
use std::fmt;

pub use diagnostic::{Diagnostic, Location, Pointer, Severity};
pub use format::{is_generated, is_runtime_copy};

use diagnostic::Diagnostics;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The crate's package name (`unified-connection`).
    pub crate_name: String,
    /// The crate's version.
    pub crate_version: String,
    /// The spec's path as shown in the generated files' header.
    pub source: String,
    /// Adds an empty `[workspace]` to the manifest, so the crate builds on its own even
    /// inside another workspace's folder.
    pub standalone: bool,
    /// Adds `tests/examples.rs` to the crate: a test that decodes every example the
    /// description gives into its type and checks that encoding it again loses nothing.
    pub example_tests: bool,
    /// How many threads [`generate`] and [`render`] may use, this one included; `None`:
    /// one per core. With one, nothing runs on another thread. The output is the same
    /// whatever the number.
    pub threads: Option<std::num::NonZeroUsize>,
}

impl Options {
    /// Options for crate `crate_name` (version 0.1.0) generated from the spec at `source`.
    pub fn new(crate_name: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            source: source.into(),
            standalone: false,
            example_tests: false,
            threads: None,
        }
    }
}

impl Options {
    /// How many threads generation may use: [`Options::threads`], or one per core.
    fn thread_count(&self) -> usize {
        self.threads
            .map_or_else(parallel::threads, std::num::NonZeroUsize::get)
    }

    /// Checks that the options can make a crate: a package name cargo accepts (ASCII
    /// letters, digits, `-` and `_`, not starting with a digit) and a version made of
    /// semver's characters.
    ///
    /// # Errors
    ///
    /// [`Error::Options`] saying what is wrong.
    pub fn check(&self) -> Result<(), Error> {
        let name = &self.crate_name;
        let name_ok = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !name_ok {
            return Err(Error::Options(format!(
                "`{name}` is not a package name cargo accepts (ASCII letters, digits, `-` and `_`, \
                 starting with a letter)"
            )));
        }
        if naming::is_refused_package_name(name) {
            return Err(Error::Options(format!(
                "`{name}` is not a package name cargo accepts: it is a Rust keyword or the \
                 name of a crate Rust ships"
            )));
        }
        let version = &self.crate_version;
        let version_ok = !version.is_empty()
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
        if !version_ok {
            return Err(Error::Options(format!(
                "`{version}` is not a crate version (such as 0.1.0)"
            )));
        }
        Ok(())
    }
}

/// A generated crate.
#[derive(Debug, Clone)]
pub struct Output {
    /// Every file, by path relative to the crate's root (`Cargo.toml`, `src/lib.rs`, ...).
    pub files: Files,
    /// What was odd in the spec but could be read.
    pub warnings: Vec<Diagnostic>,
    /// Every place the crate keeps a value as untyped JSON (`serde_json::Value`), and why.
    pub untyped: Vec<model::Untyped>,
}

/// Why nothing was generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec has problems: every one found, each with its location.
    #[error("{}", Problems(.0))]
    Spec(Vec<Diagnostic>),
    /// The [`Options`] cannot make a crate (a package name cargo refuses, say).
    #[error("invalid options: {0}")]
    Options(String),
    /// The generator produced code that does not parse: a bug in the generator.
    #[error(
        "internal error: the generated `{file}` does not parse ({message}); please report this with the spec"
    )]
    Internal {
        /// The file.
        file: String,
        /// syn's message.
        message: String,
    },
}

impl Error {
    /// The spec's problems (empty for an internal error).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Spec(diagnostics) => diagnostics,
            Self::Options(_) | Self::Internal { .. } => &[],
        }
    }
}

struct Problems<'a>(&'a [Diagnostic]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        write!(
            f,
            "the API description has {errors} problem{}:",
            if errors == 1 { "" } else { "s" }
        )?;
        for diagnostic in self.0 {
            write!(f, "\n  {diagnostic}")?;
        }
        Ok(())
    }
}

/// A loaded document and what was odd about it.
pub struct Loaded {
    document: load::Document,
    diagnostics: Diagnostics,
}

impl Loaded {
    /// The document as `openapiv3` reads it, every schema replaced by a reference to its
    /// own place (schemas are read by this crate's own reader, for 3.0 and 3.1 alike).
    pub fn spec(&self) -> &openapiv3::OpenAPI {
        &self.document.spec
    }

    /// How many schemas `components/schemas` holds.
    pub fn component_count(&self) -> usize {
        self.document.schemas.components().len()
    }
}

/// Step 1: reads `text` (YAML or JSON) as an OpenAPI 3.0 or 3.1 document.
///
/// # Errors
///
/// [`Error::Spec`] when the text is not YAML/JSON or not an OpenAPI 3.0 or 3.1 document.
pub fn load(text: &str) -> Result<Loaded, Error> {
    let mut diagnostics = Diagnostics::default();
    match load::load(text, &mut diagnostics) {
        Some(document) if !diagnostics.has_errors() => Ok(Loaded {
            document,
            diagnostics,
        }),
        _ => Err(placed(Error::Spec(diagnostics.into_vec()), text)),
    }
}

/// Step 2: the checked model of a loaded document, with the warnings found so far.
///
/// # Errors
///
/// [`Error::Spec`] with every problem found.
pub fn lower(loaded: Loaded) -> Result<(model::Api, Vec<Diagnostic>), Error> {
    let Loaded {
        document,
        mut diagnostics,
    } = loaded;
    match lower::lower(&document, &mut diagnostics) {
        Some(api) => Ok((api, diagnostics.into_vec())),
        None => Err(Error::Spec(diagnostics.into_vec())),
    }
}

/// Step 3: the files of the crate, emitted on this thread: each file's parts as token
/// streams or texts (see [`render`], which runs steps 3 and 4 on every core).
pub fn emit(api: &model::Api, options: &Options) -> Vec<emit::Emitted> {
    emit::plan(api, options, emit::PartSizes::default())
        .into_iter()
        .map(emit::Planned::emit)
        .collect()
}

/// Step 4: formats emitted files on this thread, each under the generated-file header.
///
/// # Errors
///
/// [`Error::Internal`] when emitted tokens do not parse.
pub fn format(files: Vec<emit::Emitted>, options: &Options) -> Result<Files, Error> {
    let mut out = BTreeMap::new();
    for file in files {
        let names = !file.imports.is_empty();
        let parts = file
            .parts
            .into_iter()
            .map(|(join, part)| format::part(part, join, names))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|message| internal(file.path, message))?;
        let text = format::file(parts, &file.imports, &options.source)
            .map_err(|message| internal(file.path, message))?;
        out.insert(file.path.to_owned(), text);
    }
    Ok(out)
}

/// Steps 3 and 4 at once, on every core: the files of the crate, emitted and formatted.
///
/// Each file comes in parts (the big ones in runs of operations or types), each part
/// emitted and formatted on one thread, the heaviest first; the texts of a file's parts
/// are joined in order. Its output is the same whatever the number of threads, and the
/// same as [`emit()`] then [`format()`].
///
/// # Errors
///
/// [`Error::Internal`] when emitted tokens do not parse.
pub fn render(api: &model::Api, options: &Options) -> Result<Files, Error> {
    render_with(
        api,
        options,
        emit::PartSizes::default(),
        options.thread_count(),
    )
}

/// [`render`] with parts of `sizes`, on up to `threads` threads.
fn render_with(
    api: &model::Api,
    options: &Options,
    sizes: emit::PartSizes,
    threads: usize,
) -> Result<Files, Error> {
    let mut files = Vec::new();
    let mut jobs = Vec::new();
    for (index, planned) in emit::plan(api, options, sizes).into_iter().enumerate() {
        let names = !planned.imports.is_empty();
        for part in planned.parts {
            jobs.push((part.weight, (index, names, part)));
        }
        files.push((planned.path, planned.imports, Vec::new()));
    }
    let formatted = parallel::run(jobs, threads, |(index, names, part)| {
        let join = part.join;
        (index, format::part(part.emit(), join, names))
    });
    for (index, part) in formatted {
        if let Some((path, _, parts)) = files.get_mut(index) {
            parts.push(part.map_err(|message| internal(path, message))?);
        }
    }
    let mut out = BTreeMap::new();
    for (path, imports, parts) in files {
        let text = format::file(parts, &imports, &options.source)
            .map_err(|message| internal(path, message))?;
        out.insert(path.to_owned(), text);
    }
    Ok(out)
}

/// The files of a crate, by path relative to its root.
pub type Files = BTreeMap<String, String>;

/// The error of a generated file that came out wrong.
fn internal(file: &str, message: String) -> Error {
    Error::Internal {
        file: file.to_owned(),
        message,
    }
}

/// Generates the whole crate from spec text.
///
/// # Errors
///
/// [`Error::Options`] when the options cannot make a crate, [`Error::Spec`] with every
/// problem found in the spec, or [`Error::Internal`].
pub fn generate(text: &str, options: &Options) -> Result<Output, Error> {
    options.check()?;
    // Unlike `load()` then `lower()`, lowering goes on after problems in schemas, so that
    // every problem of a spec is reported at once.
    let mut diagnostics = Diagnostics::default();
    let document = load::load(text, &mut diagnostics);
    let api = document.and_then(|document| lower::lower(&document, &mut diagnostics));
    let mut api = match api {
        Some(api) if !diagnostics.has_errors() => api,
        _ => return Err(placed(Error::Spec(diagnostics.into_vec()), text)),
    };
    let untyped = std::mem::take(&mut api.untyped);
    let mut warnings = diagnostics.into_vec();
    // Placing the warnings reads the text once more: beside the files, on a thread of
    // its own when there may be more than one.
    let files = if options.thread_count() == 1 {
        place(text, &mut warnings);
        render(&api, options)
    } else {
        std::thread::scope(|scope| {
            let placing =
                (!warnings.is_empty()).then(|| scope.spawn(|| place(text, &mut warnings)));
            let files = render(&api, options);
            if let Some(Err(panic)) = placing.map(std::thread::ScopedJoinHandle::join) {
                std::panic::resume_unwind(panic);
            }
            files
        })
    }?;
    Ok(Output {
        files,
        warnings,
        untyped,
    })
}

/// Fills in the [`Location`] of every diagnostic that has none, from the spec's `text`
/// (YAML or JSON, the text the diagnostics were found in), and puts the diagnostics in the
/// order of their places in the text. [`load()`] and [`generate()`] do this; callers of
/// [`lower()`] do it for its diagnostics.
///
/// Costs nothing when every diagnostic is placed already; otherwise the text is parsed once
/// more, for positions (about 50 ms for the 1.5 MB Unified.to document).
pub fn place(text: &str, diagnostics: &mut [Diagnostic]) {
    let mut unplaced: Vec<&mut Diagnostic> = diagnostics
        .iter_mut()
        .filter(|d| d.location.is_none())
        .collect();
    if unplaced.is_empty() {
        return;
    }
    let pointers: Vec<&Pointer> = unplaced.iter().map(|d| &d.pointer).collect();
    let mut locations = source_map::locate(text, &pointers);
    // A syntax error is reported at the root; it is placed where the parser found it.
    if unplaced.iter().any(|d| d.pointer == Pointer::root()) {
        if let Some(error) = source_map::syntax_error(text) {
            for (location, diagnostic) in locations.iter_mut().zip(&unplaced) {
                if diagnostic.pointer == Pointer::root() {
                    *location = Some(error);
                }
            }
        }
    }
    for (diagnostic, location) in unplaced.iter_mut().zip(locations) {
        diagnostic.location = location;
    }
    // Stable: diagnostics of one place keep the order they were found in.
    diagnostics.sort_by_key(|d| d.location.map(|l| (l.line, l.column)));
}

/// `error` with its diagnostics placed in `text`.
fn placed(mut error: Error, text: &str) -> Error {
    if let Error::Spec(diagnostics) = &mut error {
        place(text, diagnostics);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specs of the workspace's own crates: every kind of operation, body, response,
    /// parameter and paging between them.
    const SPECS: [&str; 2] = [
        include_str!("../../spec/unified-connection.yaml"),
        include_str!("../../tests/fixtures/wire.yaml"),
    ];

    fn model(text: &str) -> model::Api {
        let (api, _) = lower(load(text).unwrap()).unwrap();
        api
    }

    #[test]
    fn one_thread_generates_what_every_core_does() {
        // A spec with warnings, so that placing them is part of the run.
        let text = SPECS[1].replacen("paths:\n", "paths:\n  not-a-path: {}\n", 1);
        let mut options = Options::new("x", "x.yaml");
        let everywhere = generate(&text, &options).unwrap();
        assert!(
            !everywhere.warnings.is_empty(),
            "the spec should have warnings"
        );
        options.threads = std::num::NonZeroUsize::new(1);
        let one = generate(&text, &options).unwrap();
        assert_eq!(one.files, everywhere.files);
        assert_eq!(
            format!("{:?}", one.warnings),
            format!("{:?}", everywhere.warnings)
        );
    }

    #[test]
    fn files_in_parts_on_any_number_of_threads_are_the_files_formatted_whole() {
        let mut options = Options::new("x", "x.yaml");
        options.example_tests = true;
        for text in SPECS {
            let api = model(text);
            // One part per section and file: what formatting each file whole gives.
            let whole = emit::PartSizes {
                operations: usize::MAX,
                types: usize::MAX,
                enums: usize::MAX,
            };
            let expected = render_with(&api, &options, whole, 1).unwrap();
            assert!(expected["src/client.rs"].contains("impl Client {"));
            for (size, threads) in [(1, 1), (1, 4), (2, 2), (3, 3), (5, 2)] {
                let sizes = emit::PartSizes {
                    operations: size,
                    types: size + 1,
                    enums: size.saturating_sub(1),
                };
                let files = render_with(&api, &options, sizes, threads).unwrap();
                assert_eq!(files.len(), expected.len());
                for (path, text) in &expected {
                    assert!(
                        files[path] == *text,
                        "{path} differs in parts of {sizes:?} on {threads} threads"
                    );
                }
            }
            assert_eq!(
                format(emit(&api, &options), &options).unwrap(),
                expected,
                "emit then format, on one thread"
            );
        }
    }

    #[test]
    fn the_methods_of_client_are_in_one_impl_block_after_builder() {
        let api = model(SPECS[0]);
        let sizes = emit::PartSizes {
            operations: 1,
            types: 1,
            enums: 1,
        };
        let files = render_with(&api, &Options::new("x", "x.yaml"), sizes, 2).unwrap();
        let client = &files["src/client.rs"];
        assert_eq!(client.matches("impl Client {").count(), 1, "{client}");
        let builder = client.find("pub fn builder()").unwrap();
        let method = client
            .find("pub async fn list_unified_connections")
            .unwrap();
        assert!(builder < method);
    }
}
