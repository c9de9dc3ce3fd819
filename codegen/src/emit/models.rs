//! Object schemas and aliases -> Rust structs and type aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::ty::{self, ident};
use crate::model::{Api, Derivation, Field, Scalar, Struct, Ty, TypeDef, TypeId, TypeKind};
use crate::naming::{self, Namespace};

/// The `models` module: every struct and alias, and the functions that give fields their
/// spec defaults.
pub fn module(api: &Api) -> TokenStream {
    let mut items = Vec::new();
    let mut defaults = Defaults::default();
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(strukt) => items.push(struct_def(api, def, strukt, &mut defaults)),
            TypeKind::Alias(target) => {
                let name = ident(&def.name);
                let doc = docs::attrs(&def.docs, &[]);
                let target = ty::tokens(api, target);
                items.push(quote! { #doc pub type #name = #target; });
            }
            TypeKind::Enum(_) => {}
        }
    }
    let defaults = defaults.functions;
    let defaults = (!defaults.is_empty()).then(|| {
        quote! {
            /// The defaults the API description gives to fields.
            mod defaults {
                #[allow(unused_imports)]
                use super::*;
                #( #defaults )*
            }
        }
    });
    let use_enums = super::use_enums(api);
    quote! {
        //! Request and response types: one struct per object schema.
        #use_enums
        #( #items )*
        #defaults
    }
}

/// The functions of the `defaults` module, with their names.
#[derive(Default)]
struct Defaults {
    names: Namespace,
    functions: Vec<TokenStream>,
}

fn struct_def(api: &Api, def: &TypeDef, strukt: &Struct, defaults: &mut Defaults) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&def.docs, &[]);
    let (fields, default_fns): (Vec<TokenStream>, Vec<Option<String>>) = strukt
        .fields
        .iter()
        .map(|field| field_def(api, def, field, defaults))
        .unzip();
    let additional = additional_field(api, strukt);
    let secret = strukt.fields.iter().any(|f| f.secret);
    let derive_default = strukt.fields.iter().all(Field::is_option);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !secret {
        derives.insert(0, quote!(Debug));
    }
    if derive_default {
        derives.push(quote!(Default));
    }
    let constructor = (!derive_default).then(|| constructor(api, def, strukt, &default_fns));
    let debug = secret.then(|| debug_impl(def, strukt));
    let from = strukt
        .derived
        .map(|(base, derivation)| from_impl(api, def, strukt, base, derivation));
    let deprecated = strukt
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #deprecated
        #[derive(#(#derives,)* serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #( #fields )*
            #additional
        }
        #constructor
        #debug
        #from
    }
}

/// `new(required fields)` for a struct with required fields, else a `Default` that applies
/// the spec's defaults: either way, no struct literal naming every field is needed.
fn constructor(
    api: &Api,
    def: &TypeDef,
    strukt: &Struct,
    default_fns: &[Option<String>],
) -> TokenStream {
    let name = ident(&def.name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for (field, default_fn) in strukt.fields.iter().zip(default_fns) {
        let member = ident(&field.name);
        if let Some(function) = default_fn {
            let function = ident(function);
            inits.push(quote!(#member: defaults::#function()));
        } else if field.is_option() {
            inits.push(quote!(#member: None));
        } else {
            let resolved = ty::resolve(api, &field.ty);
            let (arg_ty, init) = if matches!(resolved, Ty::Scalar(Scalar::String)) && !field.boxed {
                (quote!(impl Into<String>), quote!(#member: #member.into()))
            } else if field.boxed {
                (
                    ty::tokens(api, &field.ty),
                    quote!(#member: Box::new(#member)),
                )
            } else {
                (ty::tokens(api, &field.ty), quote!(#member))
            };
            args.push(quote!(#member: #arg_ty));
            inits.push(init);
        }
    }
    if strukt.additional.is_some() {
        let member = ident(&additional_name(strukt));
        inits.push(quote!(#member: std::collections::BTreeMap::new()));
    }
    let allow_deprecated = strukt
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    if args.is_empty() {
        return quote! {
            #allow_deprecated
            impl Default for #name {
                /// Every field unset, or at the default the API description gives it.
                fn default() -> Self {
                    Self { #( #inits, )* }
                }
            }
        };
    }
    let many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #allow_deprecated
        impl #name {
            /// A value with the required fields given and every other field unset, or at the
            /// default the API description gives it.
            #many
            pub fn new(#( #args ),*) -> Self {
                Self { #( #inits, )* }
            }
        }
    }
}

/// The name of the field holding `additionalProperties`, clear of the struct's own fields.
fn additional_name(strukt: &Struct) -> String {
    let mut name = "additional_properties".to_owned();
    while strukt.fields.iter().any(|f| f.name == name) {
        name.push('_');
    }
    name
}

fn additional_field(api: &Api, strukt: &Struct) -> Option<TokenStream> {
    let value = ty::tokens(api, strukt.additional.as_ref()?);
    let name = ident(&additional_name(strukt));
    Some(quote! {
        /// Properties beyond the ones listed above, kept as received.
        #[serde(flatten)]
        pub #name: std::collections::BTreeMap<String, #value>,
    })
}

fn field_type(api: &Api, field: &Field) -> TokenStream {
    let mut inner = ty::tokens(api, &field.ty);
    if field.boxed {
        inner = quote!(Box<#inner>);
    }
    if field.is_option() {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

/// A field's declaration, and the name of the function giving its default, if it has one.
fn field_def(
    api: &Api,
    def: &TypeDef,
    field: &Field,
    defaults: &mut Defaults,
) -> (TokenStream, Option<String>) {
    let name = ident(&field.name);
    let mut extra = Vec::new();
    if field.read_only {
        extra.push("Read-only: set by the server, never sent in a request.".to_owned());
    }
    if field.secret {
        extra.push("Secret: shown as `\"***\"` by `Debug`.".to_owned());
    }
    if let Some(value) = &field.default {
        extra.push(format!("Defaults to {}.", docs::code(&value.to_string())));
    }
    let mut field_docs = field.docs.clone();
    if field_docs.summary.is_none() && field_docs.description.is_none() && extra.is_empty() {
        field_docs.description = Some(format!("The `{}` property.", field.wire.replace('`', "'")));
    }
    let doc = docs::attrs(&field_docs, &extra);
    let mut serde_args = Vec::new();
    if field.name != field.wire {
        let wire = &field.wire;
        serde_args.push(quote!(rename = #wire));
    }
    let mut default_fn = None;
    if let Some(value) = field.default.as_ref().filter(|_| !field.is_option()) {
        let base = naming::snake_name(&format!("{} {}", def.name, field.name));
        let function = defaults.names.claim(&base);
        default_fn = Some(function.clone());
        let function_ident = ident(&function);
        let path = format!("defaults::{function}");
        serde_args.push(quote!(default = #path));
        let field_ty = ty::tokens(api, &field.ty);
        let literal = default_literal(api, &field.ty, value);
        defaults.functions.push(quote! {
            pub(super) fn #function_ident() -> #field_ty { #literal }
        });
    } else if field.is_option() {
        if field.required {
            serde_args.push(quote!(default));
        } else {
            serde_args.push(quote!(default, skip_serializing_if = "Option::is_none"));
        }
    }
    let serde = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    let deprecated = field
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    let field_ty = field_type(api, field);
    let tokens = quote! {
        #doc
        #serde
        #deprecated
        pub #name: #field_ty,
    };
    (tokens, default_fn)
}

/// A Rust expression for a default that `lower` checked fits the field's type.
fn default_literal(api: &Api, field_ty: &Ty, value: &serde_json::Value) -> TokenStream {
    match (ty::resolve(api, field_ty), value) {
        (Ty::Scalar(Scalar::String), serde_json::Value::String(s)) => quote!(#s.to_owned()),
        (Ty::Scalar(Scalar::Bool), serde_json::Value::Bool(b)) => quote!(#b),
        (Ty::Scalar(Scalar::I32), v) => {
            let n = v
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or_default();
            quote!(#n)
        }
        (Ty::Scalar(Scalar::I64), v) => {
            let n = v.as_i64().unwrap_or_default();
            quote!(#n)
        }
        (Ty::Scalar(Scalar::F64), v) => float_literal(v.as_f64().unwrap_or_default()),
        (Ty::Named(id), serde_json::Value::String(s)) => {
            let name = ident(&api.ty(*id).name);
            quote!(#name::from(#s))
        }
        _ => quote!(Default::default()),
    }
}

/// An `f64` literal as short as Rust's own `Debug` writes it (`1.5e300f64`, where the
/// token's default formatting spells out all 301 digits).
fn float_literal(value: f64) -> TokenStream {
    let literal = format!("{:?}f64", value.abs()).parse::<proc_macro2::Literal>();
    match literal {
        Ok(literal) if value.is_sign_negative() => quote!(-#literal),
        Ok(literal) => quote!(#literal),
        // Never for a finite number; and a literal of a non-finite one would panic.
        Err(_) => quote!(Default::default()),
    }
}

/// `Debug` that prints secret fields as `"***"`.
fn debug_impl(def: &TypeDef, strukt: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let label = &def.name;
    let entries = strukt.fields.iter().map(|field| {
        let member = ident(&field.name);
        let wire = &field.name;
        if !field.secret {
            quote!(.field(#wire, &self.#member))
        } else if field.is_option() {
            quote!(.field(#wire, &self.#member.as_ref().map(|_| "***")))
        } else {
            quote!(.field(#wire, &"***"))
        }
    });
    let additional = strukt.additional.as_ref().map(|_| {
        let member = ident(&additional_name(strukt));
        let label = additional_name(strukt);
        quote!(.field(#label, &self.#member))
    });
    quote! {
        #[allow(deprecated)]
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label)
                    #( #entries )*
                    #additional
                    .finish()
            }
        }
    }
}

/// `From<Base>` for a derived request type.
fn from_impl(
    api: &Api,
    def: &TypeDef,
    strukt: &Struct,
    base: TypeId,
    derivation: Derivation,
) -> TokenStream {
    let name = ident(&def.name);
    let base_def = api.ty(base);
    let base_name = ident(&base_def.name);
    let TypeKind::Struct(base_struct) = &base_def.kind else {
        return TokenStream::new();
    };
    let assignments = strukt.fields.iter().map(|field| {
        let member = ident(&field.name);
        let base_is_option = base_struct
            .fields
            .iter()
            .find(|f| f.name == field.name)
            .is_none_or(Field::is_option);
        if derivation == Derivation::Patch && !base_is_option {
            quote!(#member: Some(value.#member))
        } else {
            quote!(#member: value.#member)
        }
    });
    let additional = strukt.additional.as_ref().map(|_| {
        let member = ident(&additional_name(strukt));
        quote!(#member: value.#member,)
    });
    let doc = match derivation {
        Derivation::Input => format!(
            " Drops the read-only fields of a fetched [`{}`], ready to send back.",
            base_def.name
        ),
        Derivation::Patch => format!(
            " Sets every writable field of [`{}`]: a patch that sends all of them.",
            base_def.name
        ),
    };
    quote! {
        #[allow(deprecated)]
        impl From<#base_name> for #name {
            #[doc = #doc]
            fn from(value: #base_name) -> Self {
                Self { #( #assignments, )* #additional }
            }
        }
    }
}
