//! The generated crate's `lib.rs`: crate docs with a complete example, modules and
//! re-exports.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, gate, ty};
use crate::Options;
use crate::model::{Api, Content, Derivation, Gate, Operation, Scalar, Success, Ty, TypeKind};

/// The crate root: the generated modules, the runtime's, and what users name.
pub fn lib_rs(api: &Api, options: &Options) -> TokenStream {
    let text = crate_docs(api, options);
    let crate_docs = docs::inner_lines(&text);
    let mut modules: Vec<&str> = vec!["client"];
    if super::has_enums(api) {
        modules.push("enums");
    }
    if super::has_models(api) {
        modules.push("models");
    }
    modules.extend(super::runtime_modules(api));
    modules.sort_unstable();
    let modules = modules.iter().map(|module| {
        // The names of the runtime's files and of the generated ones: identifiers.
        let module = quote::format_ident!("{module}");
        quote!(mod #module;)
    });
    // A module's re-export is compiled with what it holds, or it would be unused.
    let enums_use = super::has_enums(api).then(|| {
        let gate = gate::cfg(&module_gate(api, true));
        quote!(
            #gate
            pub use enums::*;
        )
    });
    let models_use = super::has_models(api).then(|| {
        let gate = gate::cfg(&module_gate(api, false));
        quote!(
            #gate
            pub use models::*;
        )
    });
    let upload_use = super::uses_uploads(api).then(|| {
        quote!(
            pub use upload::Upload;
        )
    });
    quote! {
        #crate_docs
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]

        #( #modules )*

        pub use client::*;
        #enums_use
        pub use error::{ApiError, DecodeError, Error, ErrorBody, Problem};
        #models_use
        pub use response::{Download, Response};
        pub use retry::RetryPolicy;
        pub use transport::ClientBuilder;
        #upload_use

        /// The HTTP client library, whose types (`StatusCode`, `HeaderMap`, `Client`) appear
        /// in this crate's API.
        pub use reqwest;
    }
}

/// When the `enums` module (`enums`) or the `models` module has an item compiled.
fn module_gate(api: &Api, enums: bool) -> Gate {
    Gate::any(
        api.types
            .iter()
            .filter(|def| matches!(def.kind, TypeKind::Enum(_)) == enums)
            .map(|def| &def.gate),
    )
}

fn crate_docs(api: &Api, options: &Options) -> String {
    let mut text = format!("# {}\n\n", docs::sanitize(super::title(api)));
    let version = match api.version.trim() {
        "" => String::new(),
        _ => format!(" (version {})", docs::code(&api.version)),
    };
    text.push_str(&format!(
        "A typed, async client of the {}{version}.\n\n",
        docs::sanitize(super::title(api)),
    ));
    if let Some(description) = &api.description {
        text.push_str(&docs::sanitize(description));
        text.push_str("\n\n");
    }
    text.push_str(&example(api, options));
    text.push_str("\n\n## What the types promise\n\n");
    text.push_str(&promises(api).join("\n"));
    if !api.features.is_empty() {
        text.push_str("\n\n");
        text.push_str(&features(api, options));
    }
    text
}

/// The section on the crate's features: one per part of the API.
fn features(api: &Api, options: &Options) -> String {
    let first = api
        .features
        .first()
        .map_or("", |feature| feature.name.as_str());
    let mut text = format!(
        "## Features\n\n\
         The API is in parts, one cargo feature per tag of its description, all on by \
         default. Each compiles the operations of its tag and the types they use (an \
         operation with several tags is compiled with any of them), so a crate that needs \
         only some parts compiles only those: `{name} = {{ default-features = false, \
         features = [\"rustls\", \"{first}\"] }}` (`rustls` or `native-tls` gives https). \
         Operations of no part, and the types that they, webhooks or every part use, are \
         always compiled.\n\n",
        name = options.crate_name,
    );
    for feature in &api.features {
        let count = api
            .operations
            .iter()
            .filter(|op| matches!(&op.gate, Gate::AnyOf(names) if names.contains(&feature.name)))
            .count();
        let operations = if count == 1 {
            "operation"
        } else {
            "operations"
        };
        let mut line = format!("- `{}`: {count} {operations}", feature.name);
        if feature.tag != feature.name {
            line.push_str(&format!(", the tag {}", docs::code(&feature.tag)));
        }
        if let Some(about) = feature.summary() {
            line.push_str(&format!(". {}", docs::sanitize(&about)));
        }
        if !line.ends_with(['.', '!', '?']) {
            line.push('.');
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.trim_end().to_owned()
}

/// One bullet for each guarantee the generated types give, for the features this API has.
fn promises(api: &Api) -> Vec<String> {
    let structs = || {
        api.types.iter().filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        })
    };
    let mut promises = Vec::new();
    if api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Enum(_)))
    {
        promises.push(
            "- Enums are open: a value this version does not list decodes into the `Unknown` \
             variant and is written back unchanged, so new values on the server never break \
             decoding."
                .to_owned(),
        );
    }
    let derived =
        |wanted: Derivation| structs().any(|s| s.derived.is_some_and(|(_, d)| d == wanted));
    if derived(Derivation::Input) {
        promises.push(
            "- Read-only fields of request bodies are not sent: requests take `…Input` types \
             without the body's own read-only fields, made `From` a fetched value."
                .to_owned(),
        );
    }
    if structs().any(|s| s.partial) {
        let clearable = structs().any(|s| s.partial && s.fields.iter().any(|f| f.nullable()));
        let mut promise =
            "- Partial updates (PATCH bodies) have every field optional, and only the \
                           fields set are sent"
                .to_owned();
        if clearable {
            promise.push_str(
                "; a field that can be cleared is an `Option<Option<_>>`, and `Some(None)` \
                 sends `null`",
            );
        }
        promise.push('.');
        promises.push(promise);
    }
    if structs().any(|s| matches!(s.extra, crate::model::Extra::Kept { .. })) {
        promises.push(
            "- Properties the API description does not declare are kept in each struct's `extra` \
             map and written back, so a read-modify-write never erases what a newer server \
             added."
                .to_owned(),
        );
    }
    if structs().any(|s| s.fields.iter().any(|f| f.secret)) {
        promises.push(
            "- Secret fields print as `\"***\"` in `Debug` output but are sent unchanged."
                .to_owned(),
        );
    }
    promises.push(
        "- Failed requests are retried for idempotent methods (see [`RetryPolicy`]), and every \
         failure is an [`Error`] carrying what is known: status, headers and body of an API \
         error, the path of a field that failed to decode."
            .to_owned(),
    );
    promises
}

/// A `no_run` doctest: configure a client, make a call, page through a list, handle an
/// error; using the spec's own servers, auth and operations.
fn example(api: &Api, options: &Options) -> String {
    let stream = api
        .operations
        .iter()
        .find(|op| op.paging.is_some() && simple_args(api, op).is_some());
    let call = example_call(api);
    let mut lines = example_client(api, options, stream.is_some());
    // The example is compiled only with the features of the operations it calls.
    let used = call.into_iter().chain(stream).map(|op| &op.gate);
    if let Some(cfg) = gate::cfg_all_text(used) {
        let start = lines.iter().position(|line| line.starts_with("# async fn"));
        lines.insert(start.unwrap_or(lines.len()), format!("# {cfg}"));
    }
    if let Some(op) = call {
        let args = simple_args(api, op).unwrap_or_default();
        lines.push(String::new());
        lines.push(format!(
            "// One call: `{} {}`.",
            op.method.as_str().to_ascii_uppercase(),
            op.path_template.replace('`', "'")
        ));
        lines.push(format!("let response = client.{}({args}).await?;", op.name));
        lines.push("println!(\"{response:?}\");".to_owned());
    }
    if let Some((op, paging)) = stream.and_then(|op| Some((op, op.paging.as_ref()?))) {
        lines.extend(example_stream(api, op, paging));
    }
    if let Some(op) = call {
        lines.extend(example_error(api, op));
    }
    lines.extend(["# Ok(())", "# }", "```"].map(str::to_owned));
    lines.join("\n")
}

/// The operation the example calls: a simple GET, one by id if there is one (a call by id
/// shows best what an error looks like).
fn example_call(api: &Api) -> Option<&Operation> {
    let gettable = |op: &&Operation| {
        op.method == crate::model::HttpMethod::Get
            && op.body.is_none()
            && matches!(op.responses.success, Success::One(Content::Json(_)))
            && simple_args(api, op).is_some()
    };
    api.operations
        .iter()
        .filter(gettable)
        .find(|op| !op.path_params.is_empty())
        .or_else(|| api.operations.iter().find(gettable))
}

/// The example's first lines: its imports and the client, built with the spec's second
/// server (the first is the default) and first credential.
fn example_client(api: &Api, options: &Options, streams: bool) -> Vec<String> {
    let krate = options.crate_name.replace('-', "_");
    let mut lines = vec![
        "## Example".to_owned(),
        String::new(),
        "```no_run".to_owned(),
    ];
    if streams {
        lines.push("use futures_util::StreamExt;".to_owned());
    }
    let server = api.servers.get(1).or(api.servers.first());
    let mut imports = vec!["Client", "Error"];
    if server.is_some() {
        imports.push("Server");
    }
    lines.push(format!("use {krate}::{{{}}};", imports.join(", ")));
    lines.push(String::new());
    lines.push("# async fn example() -> Result<(), Error> {".to_owned());
    lines.push("let client = Client::builder()".to_owned());
    match server {
        Some(server) => lines.push(format!("    .server(Server::{})", server.variant)),
        None => lines.push("    .base_url(\"https://api.example.com\")".to_owned()),
    }
    if let Some(scheme) = api.auth.first() {
        let arguments = match scheme.kind {
            crate::model::AuthKind::Basic => "\"YOUR_USER\", \"YOUR_PASSWORD\"",
            _ => "\"YOUR_API_KEY\"",
        };
        lines.push(format!("    .{}({arguments})", scheme.method));
    }
    lines.push("    .build()?;".to_owned());
    lines
}

/// The example's lines that go through every item of a list, page after page.
fn example_stream(api: &Api, op: &Operation, paging: &crate::model::Paging) -> Vec<String> {
    let args = simple_args(api, op).unwrap_or_default();
    // The stream takes the parameters by value.
    let args = args.replace("&Default::default()", "Default::default()");
    vec![
        String::new(),
        "// Every item of a list, page after page.".to_owned(),
        format!(
            "let mut items = std::pin::pin!(client.{}({args}));",
            paging.method
        ),
        "while let Some(item) = items.next().await {".to_owned(),
        "    println!(\"{:?}\", item?);".to_owned(),
        "}".to_owned(),
    ]
}

/// The example's lines that handle an API error of a call.
fn example_error(api: &Api, op: &Operation) -> Vec<String> {
    let args = simple_args(api, op).unwrap_or_default();
    vec![
        String::new(),
        "// Errors say what went wrong: here, the status and body of an API error.".to_owned(),
        format!("match client.{}({args}).await {{", op.name),
        "    Ok(found) => println!(\"{found:?}\"),".to_owned(),
        "    Err(Error::Api(error)) if error.status() == 404 => {".to_owned(),
        "        println!(\"not found: {}\", error.body_text());".to_owned(),
        "    }".to_owned(),
        "    Err(error) => return Err(error),".to_owned(),
        "}".to_owned(),
    ]
}

/// Arguments for calling `op` in an example, when they can be written without knowing the
/// API: string path parameters and parameters that all have defaults.
fn simple_args(api: &Api, op: &Operation) -> Option<String> {
    let mut args = Vec::new();
    for param in &op.path_params {
        match ty::resolve(api, &param.ty) {
            Ty::Scalar(Scalar::String) => args.push(format!("\"{}\"", example_id(&param.name))),
            Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Alias(_)) => return None,
            _ => return None,
        }
    }
    if op.params_type.is_some() {
        if op.params.iter().any(|p| p.required) {
            return None;
        }
        args.push("&Default::default()".to_owned());
    }
    Some(args.join(", "))
}

fn example_id(name: &str) -> String {
    format!("{}_123", name.trim_end_matches('_'))
}
