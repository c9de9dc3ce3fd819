//! The crates of this workspace that the generator writes, in a file of their own so that
//! the test guarding their freshness (`tests/tests/generated_output.rs`) reads this very
//! list (it includes this file) and the two cannot drift apart.

/// The client of the API (its description in `spec/`) and the client the wire tests run
/// against, from a description of every body, response, credential and paging kind
/// (`tests/fixtures/wire.yaml`). Each is `(description, crate folder, package name)`,
/// paths relative to the workspace root; `cargo xtask codegen` without `--spec`
/// regenerates them all.
pub const COMMITTED: [(&str, &str, &str); 2] = [
    (
        "spec/unified-connection.yaml",
        "generated",
        "unified-connection",
    ),
    (
        "tests/fixtures/wire.yaml",
        "tests/wire-client",
        "wire-client",
    ),
];
