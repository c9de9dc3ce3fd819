//! The names lowering keeps free for the generated code's own items are written down by
//! hand ([`RESERVED_TYPES`], [`BUILDER_METHODS`], [`CLIENT_ITEMS`], [`METHOD_LOCALS`]);
//! these tests read the runtime's sources and the code generated from the test fixtures
//! with syn and check that every name that code takes is on its list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::visit::Visit;

use super::operation::CLIENT_ITEMS;
use super::params::METHOD_LOCALS;
use super::security::BUILDER_METHODS;
use crate::emit::File;
use crate::model::Api;
use crate::naming::RESERVED_TYPES;

/// A description the tests generate from, and what it generated.
struct Generated {
    /// The description's file, for messages.
    spec: String,
    api: Api,
    /// The emitted modules (not the runtime's), by path.
    files: Vec<(String, syn::File)>,
}

/// What the shipped description and the fixtures that generate a crate generate.
fn generated() -> Vec<Generated> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut specs = vec![
        root.join("spec/unified-connection.yaml"),
        root.join("tests/fixtures/wire.yaml"),
    ];
    for folder in ["shapes", "v31", "hostile"] {
        let mut found: Vec<_> = std::fs::read_dir(root.join("tests/fixtures").join(folder))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        found.sort();
        specs.extend(found);
    }
    let generated: Vec<Generated> = specs.iter().filter_map(|spec| generate(spec)).collect();
    assert!(generated.len() > 20, "the fixtures were not found");
    generated
}

/// What `spec` generates, or `None` when it is not a description that generates.
fn generate(spec: &Path) -> Option<Generated> {
    let text = std::fs::read_to_string(spec).ok()?;
    let (api, _) = crate::lower(crate::load(&text).ok()?).ok()?;
    let options = crate::Options::new("fixture", "fixture.yaml");
    let files = crate::emit(&api, &options)
        .into_iter()
        .filter_map(|(path, file)| match file {
            File::Rust(tokens) | File::Importing(tokens, _) => {
                Some((path, syn::parse2(tokens).unwrap()))
            }
            File::Source(text) => Some((path, syn::parse_file(&text).unwrap())),
            File::Runtime { .. } | File::Manifest(_) => None,
        })
        .collect();
    Some(Generated {
        spec: spec.display().to_string(),
        api,
        files,
    })
}

/// The names of the types lowering named: they may be any name but a reserved one.
fn named_types(api: &Api) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = api.types.iter().map(|def| def.name.to_string()).collect();
    for op in &api.operations {
        names.extend(op.params_type.iter().map(ToString::to_string));
        names.extend(op.responses.error_enum.iter().map(ToString::to_string));
        if let crate::model::Success::Several { name, .. } = &op.responses.success {
            names.insert(name.to_string());
        }
    }
    names
}

/// Every type-like name (starting with a capital) the code uses without a path before it
/// (`Option`, `Error`), imports by name, or defines; and the generic parameters it
/// declares, which are not names of the crate.
#[derive(Default)]
struct Unqualified {
    names: BTreeSet<String>,
    generics: BTreeSet<String>,
}

impl Unqualified {
    fn add(&mut self, ident: &syn::Ident) {
        let name = ident.to_string();
        if name.starts_with(char::is_uppercase) && name != "Self" {
            self.names.insert(name);
        }
    }
}

impl<'ast> Visit<'ast> for Unqualified {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            if let Some(first) = path.segments.first() {
                self.add(&first.ident);
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_use_name(&mut self, name: &'ast syn::UseName) {
        self.add(&name.ident);
    }

    fn visit_use_rename(&mut self, rename: &'ast syn::UseRename) {
        self.add(&rename.rename);
    }

    fn visit_type_param(&mut self, param: &'ast syn::TypeParam) {
        self.generics.insert(param.ident.to_string());
        syn::visit::visit_type_param(self, param);
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.add(&item.ident);
        syn::visit::visit_item_struct(self, item);
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.add(&item.ident);
        syn::visit::visit_item_enum(self, item);
    }

    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        self.add(&item.ident);
        syn::visit::visit_item_type(self, item);
    }
}

/// The generated code uses prelude, std and runtime types by their bare names and defines
/// types of its own (`Client`, `Server`): a schema's type must take none of those names.
#[test]
fn every_type_name_the_generated_code_takes_is_reserved() {
    let mut missing = BTreeMap::new();
    for generated in &generated() {
        let spec_names = named_types(&generated.api);
        for (path, file) in &generated.files {
            let mut found = Unqualified::default();
            found.visit_file(file);
            for name in &found.names {
                let reserved = RESERVED_TYPES.contains(&name.as_str());
                if !reserved && !spec_names.contains(name) && !found.generics.contains(name) {
                    missing
                        .entry(name.clone())
                        .or_insert_with(|| format!("{path} of {}", generated.spec));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in RESERVED_TYPES: {missing:#?}");
}

/// The runtime's crate root (mirrored by the generated `lib.rs`) exports types beside the
/// models: none of them may be a model's name.
#[test]
fn every_type_the_runtime_exports_is_reserved() {
    let lib = syn::parse_file(include_str!("../../../runtime/src/lib.rs")).unwrap();
    let mut found = Unqualified::default();
    for item in &lib.items {
        match item {
            syn::Item::Use(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                found.visit_item_use(item);
            }
            syn::Item::Struct(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                found.add(&item.ident);
            }
            _ => {}
        }
    }
    assert!(
        found.names.len() >= 10,
        "the runtime's exports were not found"
    );
    let missing: Vec<&String> = found
        .names
        .iter()
        .filter(|name| !RESERVED_TYPES.contains(&name.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in RESERVED_TYPES: {missing:?}");
}

/// The names of the methods of `impl <ty>` blocks (not trait impls) of `file`.
fn inherent_methods(file: &syn::File, ty: &str) -> Vec<String> {
    let mut names = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(path) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || !path.path.is_ident(ty) {
            continue;
        }
        for item in &block.items {
            if let syn::ImplItem::Fn(function) = item {
                names.push(function.sig.ident.to_string());
            }
        }
    }
    names
}

/// The runtime's `ClientBuilder` methods and the ones every generated crate adds (`server`,
/// `build`) are edited apart from the generator: a security scheme's method must take none.
#[test]
fn every_builder_method_is_reserved() {
    let transport = syn::parse_file(include_str!("../../../runtime/src/transport.rs")).unwrap();
    let runtime = inherent_methods(&transport, "ClientBuilder");
    assert!(
        runtime.len() >= 8,
        "the runtime's builder methods were not found"
    );
    let mut missing: BTreeSet<String> = runtime
        .into_iter()
        .filter(|name| !BUILDER_METHODS.contains(&name.as_str()))
        .collect();
    for generated in &generated() {
        let credentials: Vec<&str> = generated
            .api
            .auth
            .iter()
            .map(|s| s.method.as_str())
            .collect();
        for (_, file) in &generated.files {
            missing.extend(
                inherent_methods(file, "ClientBuilder")
                    .into_iter()
                    .filter(|name| !credentials.contains(&name.as_str()))
                    .filter(|name| !BUILDER_METHODS.contains(&name.as_str())),
            );
        }
    }
    assert!(missing.is_empty(), "not in BUILDER_METHODS: {missing:?}");
}

/// The generated `Client`'s own methods and fields: an operation's method must take none.
#[test]
fn every_item_of_the_client_is_reserved() {
    let mut missing = BTreeMap::new();
    for generated in &generated() {
        let operations: BTreeSet<String> = generated
            .api
            .operations
            .iter()
            .flat_map(|op| methods_of(op).into_iter().map(|(name, _)| name))
            .collect();
        for (path, file) in &generated.files {
            let mut own = inherent_methods(file, "Client");
            own.retain(|name| !operations.contains(name));
            own.extend(struct_fields(file, "Client"));
            for name in own {
                if !CLIENT_ITEMS.contains(&name.as_str()) {
                    missing
                        .entry(name)
                        .or_insert_with(|| format!("{path} of {}", generated.spec));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in CLIENT_ITEMS: {missing:#?}");
}

/// The names of the fields of struct `ty` in `file`.
fn struct_fields(file: &syn::File, ty: &str) -> Vec<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(item) if item.ident == ty => Some(&item.fields),
            _ => None,
        })
        .flatten()
        .filter_map(|field| field.ident.as_ref().map(ToString::to_string))
        .collect()
}

/// Every client method of an operation, with the names of its path arguments.
fn methods_of(op: &crate::model::Operation) -> Vec<(String, Vec<String>)> {
    let mut names = vec![op.name.to_string(), op.with_response.to_string()];
    for body in &op.other_bodies {
        names.extend(body.method.iter().map(ToString::to_string));
        names.extend(body.with_response.iter().map(ToString::to_string));
    }
    names.extend(op.paging.iter().map(|paging| paging.method.to_string()));
    let arguments: Vec<String> = op.path_params.iter().map(|p| p.name.to_string()).collect();
    names
        .into_iter()
        .map(|name| (name, arguments.clone()))
        .collect()
}

/// Every name a function binds: its arguments, its locals and its closures' arguments.
#[derive(Default)]
struct Bindings(BTreeSet<String>);

impl<'ast> Visit<'ast> for Bindings {
    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        // A capitalised name is a unit variant or a constant (`None`), not a binding.
        let name = pat.ident.to_string();
        if !name.starts_with(char::is_uppercase) {
            self.0.insert(name);
        }
        syn::visit::visit_pat_ident(self, pat);
    }
}

/// A path parameter is an argument of its operation's methods: it must not take the name
/// of anything else those methods bind, which would shadow it.
#[test]
fn every_name_a_client_method_binds_is_reserved_for_it() {
    let mut missing = BTreeMap::new();
    for generated in &generated() {
        let arguments: BTreeMap<String, Vec<String>> = generated
            .api
            .operations
            .iter()
            .flat_map(methods_of)
            .collect();
        for (path, file) in &generated.files {
            for item in &file.items {
                let syn::Item::Impl(block) = item else {
                    continue;
                };
                for item in &block.items {
                    let syn::ImplItem::Fn(function) = item else {
                        continue;
                    };
                    let Some(own) = arguments.get(&function.sig.ident.to_string()) else {
                        continue;
                    };
                    let mut bound = Bindings::default();
                    bound.visit_impl_item_fn(function);
                    for name in bound.0 {
                        if !own.contains(&name) && !METHOD_LOCALS.contains(&name.as_str()) {
                            missing.entry(name).or_insert_with(|| {
                                format!("`{}` in {path} of {}", function.sig.ident, generated.spec)
                            });
                        }
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in METHOD_LOCALS: {missing:#?}");
}
