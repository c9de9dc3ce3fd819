//! The generated crate's `Cargo.toml`.

use std::fmt::Write;

use crate::Options;
use crate::model::Api;

/// The manifest: the crate's dependencies are fixed by the runtime, not by the spec.
pub fn manifest(api: &Api, options: &Options) -> String {
    let mut text = String::new();
    let description = format!(
        "A typed, async client of the {}.",
        super::title(api).replace(['\n', '\r', '"', '\\'], " ")
    );
    // Writing to a `String` cannot fail.
    let _ = write!(
        text,
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2024"
rust-version = "1.85"
description = "{description}"
publish = false

[features]
default = [{default}]
# TLS for https servers: rustls (pure Rust) or the platform's native library.
rustls = ["reqwest/rustls-tls"]
native-tls = ["reqwest/native-tls"]
{parts}
[dependencies]
bytes = "1"
chrono = {{ version = "0.4.38", default-features = false, features = ["serde", "std"] }}
fastrand = "2"
futures-core = "0.3"
futures-util = {{ version = "0.3", default-features = false, features = ["alloc"] }}
httpdate = "1"
percent-encoding = "2"
reqwest = {{ version = "0.12", default-features = false{reqwest_features} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_path_to_error = "0.1"
serde_html_form = "0.2"
serde_with = {{ version = "3", default-features = false, features = ["macros"] }}
thiserror = "2"
tokio = {{ version = "1", features = ["time"] }}
{uuid}"#,
        name = options.crate_name,
        default = default_features(api),
        parts = part_features(api),
        reqwest_features = if super::uses_uploads(api) {
            ", features = [\"multipart\", \"stream\"]"
        } else {
            ""
        },
        uuid = if super::uses_uuid(api) {
            "uuid = { version = \"1\", features = [\"serde\"] }\n"
        } else {
            ""
        },
        version = options.crate_version,
    );
    if options.standalone {
        text.push_str(
            "\n# A crate of its own, even when generated inside another workspace.\n[workspace]\n",
        );
    }
    text
}

/// The features on by default: rustls, and every part of the API.
fn default_features(api: &Api) -> String {
    if api.features.is_empty() {
        return "\"rustls\"".to_owned();
    }
    let mut text = String::from("\n    \"rustls\",\n");
    for feature in &api.features {
        let _ = writeln!(text, "    \"{}\",", feature.name);
    }
    text
}

/// The features of the API's parts, one per tag, each with what the tag is.
fn part_features(api: &Api) -> String {
    let mut text = String::new();
    if api.features.is_empty() {
        return text;
    }
    text.push_str(
        "# The API's parts, one per tag of its description: each compiles the operations of\n\
         # its tag and the types they use.\n",
    );
    for feature in &api.features {
        let about = feature.summary();
        let tag = (feature.tag != feature.name).then(|| format!("The tag `{}`", feature.tag));
        let comment: Vec<String> = tag.into_iter().chain(about).collect();
        if !comment.is_empty() {
            let _ = writeln!(text, "# {}", comment.join(": ").replace(['\r', '\n'], " "));
        }
        let _ = writeln!(text, "{} = []", feature.name);
    }
    text
}
