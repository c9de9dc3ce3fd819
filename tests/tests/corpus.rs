//! The real-world corpus: API descriptions written by others (`tests/fixtures/real-world/`,
//! provenance and licences in its README). Every document of it (OpenAPI 3.0 and 3.1), and
//! the whole Unified.to API, generates a crate that passes
//! `cargo clippy --workspace --all-targets -- -D warnings` and
//! `RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps`, whose example tests
//! decode every example of the document that fits its schema and encode it again without
//! loss (the generator warns of the others, naming them), and whose only
//! `serde_json::Value`s are where the document allows any JSON.
//!
//! The crates are the members of one workspace, `target/test-crates/corpus`, checked by one
//! clippy and one rustdoc run with the build folder all generated test crates share (see
//! `support`). The test prints, per spec, the problems found, and the Value census (where
//! each crate falls back to `serde_json::Value`); `--nocapture` shows them on success too.
//!
//! Time (`cargo test -p tests --test corpus`, test binary built), measured on two cores
//! shared with other builds (load average 3 to 6, so wall times varied twofold; CPU time is
//! the steadier figure):
//! - cold (no `target/test-crates`: the clients' dependencies are checked first, once with
//!   the dev-dependencies' features for clippy's test targets and once without for
//!   rustdoc): about 5 min of CPU time, 3.5 to 7 min of wall time; clippy is four fifths
//!   of it;
//! - warm, unchanged generator (cargo finds every crate fresh): 10 to 20 s, nearly all of
//!   it generating the 23 crates (two threads, debug build);
//! - after a generator change that touches every crate: about 4 min of CPU time, 2.5 to
//!   4 min of wall time: clippy 2.7 min (1.3 without the test targets of
//!   `--all-targets`), rustdoc 1.2 min.

mod example_runs;
mod support;
mod value_census;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tests::workspace_root;
use value_census::Census;

/// The corpus documents, each with the crate made from it.
const READ: [(&str, &str); 23] = [
    ("oai-3.0-api-with-examples.yaml", "oai-api-with-examples"),
    ("oai-3.0-callback-example.yaml", "oai-callback-example"),
    ("oai-3.0-link-example.yaml", "oai-link-example"),
    ("oai-3.0-petstore-expanded.yaml", "oai-petstore-expanded"),
    ("oai-3.0-petstore.yaml", "oai-petstore"),
    ("oai-3.0-uspto.yaml", "oai-uspto"),
    ("oai-3.1-non-oauth-scopes.yaml", "oai-non-oauth-scopes"),
    ("oai-3.1-tictactoe.yaml", "oai-tictactoe"),
    ("oai-3.1-webhook-example.yaml", "oai-webhook-example"),
    ("progenitor-buildomat.json", "progenitor-buildomat"),
    ("progenitor-cli-gen.json", "progenitor-cli-gen"),
    ("progenitor-keeper.json", "progenitor-keeper"),
    ("progenitor-nexus.json", "progenitor-nexus"),
    (
        "progenitor-param-collision.json",
        "progenitor-param-collision",
    ),
    (
        "progenitor-param-overrides.json",
        "progenitor-param-overrides-json",
    ),
    (
        "progenitor-param-overrides.yaml",
        "progenitor-param-overrides-yaml",
    ),
    (
        "progenitor-propolis-server.json",
        "progenitor-propolis-server",
    ),
    ("redocly-museum-3.1.yaml", "redocly-museum"),
    ("twilio_api_v2010.yaml", "twilio-api-v2010"),
    ("twilio_chat_v2.yaml", "twilio-chat-v2"),
    ("twilio_messaging_v1.yaml", "twilio-messaging-v1"),
    ("twilio_verify_v2.yaml", "twilio-verify-v2"),
    ("unified-full-openapi.yaml", "unified-full"),
];

/// The folder's files that are not API descriptions: provenance and licences.
const NOT_DOCUMENTS: [&str; 2] = ["README.md", "LICENSES"];

fn corpus_dir() -> PathBuf {
    workspace_root().join("tests/fixtures/real-world")
}

/// A corpus document's text; a missing fixture fails the test.
fn read(file: &str) -> String {
    let path = corpus_dir().join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the corpus document {} is missing: {e}", path.display()))
}

#[test]
fn the_corpus_folder_holds_exactly_the_listed_documents() {
    let dir = corpus_dir();
    let found: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !NOT_DOCUMENTS.contains(&name.as_str()))
        .collect();
    let listed: BTreeSet<String> = READ.iter().map(|(file, _)| (*file).to_owned()).collect();
    assert_eq!(
        found,
        listed,
        "the documents in {} and the lists in corpus.rs differ",
        dir.display()
    );
    for name in NOT_DOCUMENTS {
        assert!(dir.join(name).exists(), "{name} is missing from the corpus");
    }
}

/// What went wrong with one spec, by spec file.
type Failures = BTreeMap<&'static str, Vec<String>>;

/// What the example tests of each crate say, by crate.
type Examples = BTreeMap<String, Result<String, String>>;

#[test]
fn every_corpus_document_generates_a_crate_that_passes_clippy_and_rustdoc() {
    let started = Instant::now();
    let mut failures = Failures::new();
    let mut crates = BTreeMap::new();
    let mut census = Vec::new();
    for ((file, krate), generated) in READ.into_iter().zip(generate_all()) {
        let output = match generated {
            Ok(output) => output,
            Err(error) => {
                failures
                    .entry(file)
                    .or_default()
                    .push(format!("not generated: {error}"));
                continue;
            }
        };
        // `Value` only where the schema allows any JSON: never for a construct (a union, a
        // merge, a nullable use) the generator could not type.
        for untyped in &output.untyped {
            if let codegen::model::UntypedReason::Unsupported(_) = untyped.reason {
                failures
                    .entry(file)
                    .or_default()
                    .push(format!("untyped: {untyped}"));
            }
        }
        match value_census::take(&output.files) {
            Ok(counted) => census.push((file.to_owned(), counted)),
            Err(error) => failures.entry(file).or_default().push(error),
        }
        crates.insert(krate.to_owned(), output.files);
    }
    let generated = started.elapsed();
    let dir = support::write_workspace("corpus", &crates);
    let findings = support::check_workspace(&dir);
    let checked = started.elapsed();
    let clean: BTreeMap<String, usize> = crates
        .iter()
        .filter(|(krate, _)| !findings.by_crate.contains_key(*krate))
        .map(|(krate, files)| (krate.clone(), example_runs::cases(files)))
        .collect();
    let examples = example_runs::run(&dir, &clean);
    for (file, krate) in READ {
        if let Some(Err(failure)) = examples.get(krate) {
            failures.entry(file).or_default().push(failure.clone());
        }
        if let Some(problems) = findings.by_crate.get(krate) {
            let tools: BTreeSet<&str> = problems.iter().map(|p| p.tool).collect();
            let tools: Vec<&str> = tools.into_iter().collect();
            failures.entry(file).or_default().push(format!(
                "{} problems ({})",
                problems.len(),
                tools.join(", ")
            ));
        }
    }

    println!("{}", summary(&failures, &findings, &examples));
    println!("{}", value_census::table(&census));
    println!(
        "generated {} crates in {:.1} s; checked them in {:.1} s; ran their example tests \
         in {:.1} s",
        crates.len(),
        generated.as_secs_f64(),
        (checked - generated).as_secs_f64(),
        (started.elapsed() - checked).as_secs_f64()
    );
    assert!(
        failures.is_empty() && findings.other.is_empty(),
        "{} of {} corpus specs fail (see the summary above)",
        failures.len(),
        READ.len()
    );
    assert_eq!(census.len(), READ.len(), "the census missed a spec");
}

/// The crate of every document of `READ`, with its example tests, in its order, generated
/// on as many threads as there are cores.
fn generate_all() -> Vec<Result<codegen::Output, codegen::Error>> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let mut done: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some((file, krate)) = READ.get(index) else {
                            return done;
                        };
                        let source = format!("tests/fixtures/real-world/{file}");
                        let generated = support::generate(krate, &source, &read(file), true);
                        done.push((index, generated));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, generated)| generated).collect()
}

/// One line per spec (`ok` with its examples, or what failed), then the problems of each
/// failing crate.
fn summary(failures: &Failures, findings: &support::Findings, examples: &Examples) -> String {
    let mut out = format!("corpus: {} specs\n", READ.len());
    for (file, krate) in READ {
        let tested = match examples.get(krate) {
            Some(Ok(summary)) => summary.as_str(),
            _ => "",
        };
        // Writing to a `String` cannot fail.
        let _ = match failures.get(file) {
            None => writeln!(out, "  ok    {file} ({krate}) {tested}"),
            Some(reasons) => writeln!(out, "  FAIL  {file} ({krate}): {}", reasons.join("; ")),
        };
    }
    if !findings.is_clean() {
        out.push_str("\nproblems by crate (the first message of each kind):\n");
        out.push_str(&support::describe(findings, 24));
    }
    out
}

/// The harness reports a crate's clippy and rustdoc problems under its name.
#[test]
fn problems_are_reported_by_crate() {
    let lib = "//! A crate with two problems.\n\
               \n\
               /// - a list item\n\
               /// continued lazily; see [`Missing`].\n\
               pub fn documented() {}\n";
    let manifest = "[package]\nname = \"two-problems\"\nversion = \"0.1.0\"\nedition = \"2024\"\n";
    let files: support::Files = [("Cargo.toml", manifest), ("src/lib.rs", lib)]
        .into_iter()
        .map(|(path, text)| (path.to_owned(), text.to_owned()))
        .collect();
    let crates = BTreeMap::from([("two-problems".to_owned(), files)]);
    let dir = support::write_workspace("harness-self-test", &crates);
    let findings = support::check_workspace(&dir);
    let codes: BTreeSet<(&str, &str)> = findings
        .by_crate
        .get("two-problems")
        .into_iter()
        .flatten()
        .map(|p| (p.tool, p.code.as_deref().unwrap_or_default()))
        .collect();
    let expected = BTreeSet::from([
        ("clippy", "clippy::doc_lazy_continuation"),
        ("rustdoc", "rustdoc::broken_intra_doc_links"),
    ]);
    assert_eq!(codes, expected, "{}", support::describe(&findings, 40));
    assert!(findings.other.is_empty(), "{:?}", findings.other);
}

#[test]
fn the_value_census_counts_by_place() {
    let client = r"
        pub struct Client;
        pub struct SearchParams { pub filter: Option<serde_json::Value> }
        impl Client {
            pub async fn search(&self, query: serde_json::Value) -> Result<Vec<serde_json::Value>, E> {
                let raw: serde_json::Value = todo!();
            }
        }
    ";
    let models = r"
        pub type Anything = serde_json::Value;
        pub struct Pet {
            pub tags: std::collections::BTreeMap<String, serde_json::Value>,
            pub name: String,
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
        pub enum Shape { Other(serde_json::Value), Unknown(serde_json::Value) }
        impl Pet { pub fn new(extra: serde_json::Value) -> Self { todo!() } }
    ";
    let runtime = "pub fn parsed(body: serde_json::Value) {}";
    let files: support::Files = [
        ("Cargo.toml", "[package]"),
        ("src/client.rs", client),
        ("src/models.rs", models),
        ("src/transport.rs", runtime),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_owned(), text.to_owned()))
    .collect();
    let counted = value_census::take(&files).expect("the files parse");
    let expected = Census {
        fields: 2,
        aliases: 1,
        params: 2,
        responses: 1,
        other: 2,
        kept: 2,
    };
    assert_eq!(counted, expected);
    let table = value_census::table(&[("a.yaml".to_owned(), counted)]);
    let row: Vec<&str> = table
        .lines()
        .find(|line| line.starts_with("a.yaml"))
        .map(|line| line.split_whitespace().collect())
        .unwrap_or_default();
    assert_eq!(
        row,
        ["a.yaml", "6", "2", "1", "2", "1", "2", "2"],
        "{table}"
    );
}
