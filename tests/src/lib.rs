//! Shared helpers of the workspace's tests.
//!
//! The tests themselves live in `tests/tests/`; the README's code examples are compiled
//! and run here as doctests, so they cannot drift from the real API.
#![doc = include_str!("../../README.md")]

use std::path::PathBuf;

/// The `readOnly` properties of the spec's `Connection`: set by the server, never sent.
pub const CONNECTION_READ_ONLY: [&str; 7] = [
    "id",
    "created_at",
    "updated_at",
    "workspace_id",
    "is_paused",
    "last_healthy_at",
    "last_unhealthy_at",
];

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

/// The whole Unified.to document, vendored in the fixtures; a missing fixture fails the
/// test that asks for it.
pub fn unified_full_spec() -> String {
    let path = workspace_root().join("tests/fixtures/real-world/unified-full-openapi.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the vendored Unified.to document should be at {}: {e}",
            path.display()
        )
    })
}
