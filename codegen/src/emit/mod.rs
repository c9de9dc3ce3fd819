//! [`crate::model::Api`] -> the files of the generated crate, as token streams (Rust) or
//! text (the manifest and the runtime templates).

mod client;
mod crate_root;
mod docs;
mod enums;
mod manifest;
mod models;
mod ty;
mod unions;

use proc_macro2::TokenStream;
use quote::quote;

use crate::Options;
use crate::model::{Api, Tagging, TypeKind};

/// One file of the generated crate, before formatting.
pub enum File {
    /// Rust code to format.
    Rust(TokenStream),
    /// A runtime template, copied as it is.
    Template(&'static str),
    /// The manifest.
    Manifest(String),
}

/// The runtime: spec-independent modules kept as real `.rs` files in `codegen/templates`.
const TEMPLATES: [(&str, &str); 6] = [
    (
        "src/error.rs",
        include_str!("../../../runtime/src/error.rs"),
    ),
    (
        "src/open_enum.rs",
        include_str!("../../../runtime/src/open_enum.rs"),
    ),
    (
        "src/paging.rs",
        include_str!("../../../runtime/src/paging.rs"),
    ),
    (
        "src/retry.rs",
        include_str!("../../../runtime/src/retry.rs"),
    ),
    (
        "src/union.rs",
        include_str!("../../../runtime/src/union.rs"),
    ),
    (
        "src/transport.rs",
        include_str!("../../../runtime/src/transport.rs"),
    ),
];

/// The runtime template only a crate with enums needs.
const ENUM_TEMPLATE: &str = "src/open_enum.rs";

/// The runtime template only a crate with tagged unions needs.
const UNION_TEMPLATE: &str = "src/union.rs";

/// Every file of the crate, by path relative to the crate's root.
pub fn files(api: &Api, options: &Options) -> Vec<(String, File)> {
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            File::Manifest(manifest::manifest(api, options)),
        ),
        (
            "src/lib.rs".to_owned(),
            File::Rust(crate_root::lib_rs(api, options)),
        ),
        ("src/client.rs".to_owned(), File::Rust(client::module(api))),
    ];
    // An empty module would leave its `pub use` unused, and without enums their runtime
    // would be unused too, which the crate's `-D warnings` builds refuse.
    if has_models(api) {
        files.push(("src/models.rs".to_owned(), File::Rust(models::module(api))));
    }
    let enums = has_enums(api);
    if enums {
        files.push(("src/enums.rs".to_owned(), File::Rust(enums_module(api))));
    }
    let unions = has_tagged_unions(api);
    files.extend(
        TEMPLATES
            .iter()
            .filter(|(path, _)| enums || *path != ENUM_TEMPLATE)
            .filter(|(path, _)| unions || *path != UNION_TEMPLATE)
            .map(|(path, text)| ((*path).to_owned(), File::Template(text))),
    );
    files
}

/// The API's title, or "API" when the spec gives an empty one.
fn title(api: &Api) -> &str {
    if api.title.trim().is_empty() {
        "API"
    } else {
        &api.title
    }
}

/// Whether the crate has a `models` module: any struct or alias.
fn has_models(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| !matches!(def.kind, TypeKind::Enum(_)))
}

/// Whether the crate has a tagged union, whose decoding uses the `union` runtime module.
fn has_tagged_unions(api: &Api) -> bool {
    api.types.iter().any(|def| match &def.kind {
        TypeKind::Union(union) => !matches!(union.tagging, Tagging::Untagged),
        _ => false,
    })
}

/// Whether any type of the crate is a UUID, which needs the `uuid` crate.
fn uses_uuid(api: &Api) -> bool {
    let mut found = false;
    api.visit_tys(&mut |ty| found |= *ty == crate::model::Ty::Scalar(crate::model::Scalar::Uuid));
    found
}

/// `use crate::models::*;` for a module that may name models, when there are any.
fn use_models(api: &Api) -> Option<TokenStream> {
    has_models(api).then(|| {
        quote! {
            #[allow(unused_imports)]
            use crate::models::*;
        }
    })
}

/// Whether the crate has an `enums` module.
fn has_enums(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, TypeKind::Enum(_)))
}

/// `use crate::enums::*;` for a module that may name enums, when there are any.
fn use_enums(api: &Api) -> Option<TokenStream> {
    has_enums(api).then(|| {
        quote! {
            #[allow(unused_imports)]
            use crate::enums::*;
        }
    })
}

fn enums_module(api: &Api) -> TokenStream {
    let enums = api.types.iter().filter_map(|def| match &def.kind {
        TypeKind::Enum(e) => Some(enums::open_enum(def, e)),
        _ => None,
    });
    quote! {
        //! The API's string enums. Every one is open: values the API description does not
        //! list decode into a catch-all variant and encode back unchanged.
        #( #enums )*
    }
}
