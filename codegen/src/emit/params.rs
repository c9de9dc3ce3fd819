//! Parameters -> the parameter structs of operations (with the functions that write their
//! query, header and cookie pairs as each parameter's `style` says), and the path
//! arguments of methods.

use proc_macro2::TokenStream;
use quote::quote;

use super::ty::{self, ident};
use super::{describe, docs};
use crate::model::{Api, Operation, Param, ParamLocation, ParamStyle, Scalar, Ty, TypeKind};

/// The parameter struct of an operation with query, header or cookie parameters.
pub fn params_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    let params_type = op.params_type.as_ref()?;
    let name = ident(params_type);
    let doc = format!(" The parameters of [`Client::{}`].", op.name);
    let doc = docs::lines(doc.trim_start());
    let fields = op.params.iter().map(|param| field(api, param));
    let derive_default = op.params.iter().all(|p| !p.required);
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if derive_default {
        derives.push(quote!(Default));
    }
    let encoders = [
        (
            ParamLocation::Query,
            "query",
            quote!(String),
            "The query pairs, in declaration order.",
        ),
        (
            ParamLocation::Header,
            "headers",
            quote!(&'static str),
            "The header pairs.",
        ),
        (
            ParamLocation::Cookie,
            "cookies",
            quote!(&'static str),
            "The cookie pairs.",
        ),
    ]
    .into_iter()
    .filter_map(|(location, name, key, doc)| encoder(api, op, location, name, &key, doc));
    let deprecated = op
        .params
        .iter()
        .any(|p| p.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let undocumented = op
        .params
        .iter()
        .any(|param| param_doc_text(param).is_empty());
    let allow_undocumented = docs::allow_undocumented(undocumented);
    let gate = super::gate::cfg(&op.gate);
    Some(quote! {
        #doc
        #gate
        #allow_undocumented
        #[derive(#(#derives),*)]
        pub struct #name {
            #( #fields )*
        }

        #gate
        #deprecated
        impl #name {
            #( #encoders )*
        }
    })
}

fn field(api: &Api, param: &Param) -> TokenStream {
    let field = ident(&param.name);
    let mut ty = ty::tokens(api, &param.ty);
    if !param.required {
        ty = quote!(Option<#ty>);
    }
    let doc = docs::lines(&param_doc_text(param));
    let deprecated = param
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    quote! { #doc #deprecated pub #field: #ty, }
}

/// A parameter's doc text: the description's, its limits and default, its name on the
/// wire when the field's differs; empty when nothing is known.
fn param_doc_text(param: &Param) -> String {
    let mut extra: Vec<String> = describe::limits(&param.limits).into_iter().collect();
    if let Some(default) = &param.default {
        extra.push(format!(
            "The server's default: `{}`.",
            default.to_string().replace('`', "'")
        ));
    }
    if param.wire != param.name {
        let place = match param.location {
            ParamLocation::Path => "path parameter",
            ParamLocation::Query => "query parameter",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        extra.push(format!("Sent as the {} {place}.", docs::code(&param.wire)));
    }
    docs::text(&param.docs, &extra)
}

/// The function writing the parameters of one location as name-value pairs.
fn encoder(
    api: &Api,
    op: &Operation,
    location: ParamLocation,
    name: &str,
    key: &TokenStream,
    doc: &str,
) -> Option<TokenStream> {
    let params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == location)
        .collect();
    if params.is_empty() {
        return None;
    }
    let name = ident(name);
    let owned_keys = location == ParamLocation::Query;
    let pushes = params.iter().map(|param| {
        let field = ident(&param.name);
        let push = pairs_of(api, param, owned_keys);
        if param.required {
            quote! { { let values = &self.#field; #push } }
        } else {
            quote! { if let Some(values) = &self.#field { #push } }
        }
    });
    let doc = format!(" {doc}");
    let doc = docs::lines(doc.trim_start());
    Some(quote! {
        #doc
        pub(crate) fn #name(&self) -> Vec<(#key, String)> {
            let mut pairs = Vec::new();
            #( #pushes )*
            pairs
        }
    })
}

/// Statements pushing the pairs of one parameter, whose value is `values` (a reference).
fn pairs_of(api: &Api, param: &Param, owned_keys: bool) -> TokenStream {
    let wire = param.wire.as_str();
    let key = if owned_keys {
        quote!(#wire.to_owned())
    } else {
        quote!(#wire)
    };
    match ty::resolve(api, &param.ty) {
        Ty::Vec(inner) => {
            let value = text_of(api, inner, quote!(value));
            let strings = matches!(ty::resolve(api, inner), Ty::Scalar(Scalar::String));
            match (param.style, owned_keys) {
                (ParamStyle::FormExploded, true) => {
                    quote!(for value in values { pairs.push((#key, #value)); })
                }
                // Strings are joined as they are (a `map` that only clones is one clippy
                // refuses).
                (style, _) if strings => {
                    let separator = separator(style);
                    quote! {
                        if !values.is_empty() {
                            pairs.push((#key, values.join(#separator)));
                        }
                    }
                }
                (style, _) => {
                    let separator = separator(style);
                    quote! {
                        if !values.is_empty() {
                            let joined: Vec<String> = values.iter().map(|value| #value).collect();
                            pairs.push((#key, joined.join(#separator)));
                        }
                    }
                }
            }
        }
        ty @ (Ty::Map(_) | Ty::Named(_)) if is_object(api, ty) => {
            object_pairs(api, ty, wire, param.style, owned_keys)
        }
        ty => {
            let value = text_of(api, ty, quote!(values));
            quote!(pairs.push((#key, #value));)
        }
    }
}

/// Statements pushing an object parameter: its properties as pairs of their own
/// (exploded `form`), `name[key]` pairs (`deepObject`), or one `key,value,...` value.
fn object_pairs(
    api: &Api,
    ty: &Ty,
    wire: &str,
    style: ParamStyle,
    owned_keys: bool,
) -> TokenStream {
    let entries = match ty {
        Ty::Map(inner) => {
            let value = text_of(api, inner, quote!(value));
            quote!(values.iter().map(|(key, value)| (key.clone(), #value)).collect::<Vec<(String, String)>>())
        }
        _ => quote!(crate::request::object_entries(values)),
    };
    match (style, owned_keys) {
        (ParamStyle::FormExploded, true) => quote! {
            pairs.extend(#entries);
        },
        (ParamStyle::DeepObject, true) => quote! {
            for (key, value) in #entries {
                pairs.push((format!("{}[{key}]", #wire), value));
            }
        },
        _ => {
            let key = if owned_keys {
                quote!(#wire.to_owned())
            } else {
                quote!(#wire)
            };
            quote! {
                let joined: Vec<String> = (#entries).into_iter().flat_map(|(key, value)| [key, value]).collect();
                if !joined.is_empty() {
                    pairs.push((#key, joined.join(",")));
                }
            }
        }
    }
}

/// Whether a parameter's value is an object (a map, or a struct).
fn is_object(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Map(_) => true,
        Ty::Named(id) => matches!(api.ty(*id).kind, TypeKind::Struct(_)),
        _ => false,
    }
}

/// What joins the values of a list parameter in one value.
fn separator(style: ParamStyle) -> &'static str {
    match style {
        ParamStyle::Space => " ",
        ParamStyle::Pipe => "|",
        ParamStyle::FormExploded | ParamStyle::Comma | ParamStyle::DeepObject => ",",
    }
}

/// An expression turning `value` (a reference to a `ty`) into parameter text.
pub fn text_of(api: &Api, ty: &Ty, value: TokenStream) -> TokenStream {
    match ty::resolve(api, ty) {
        Ty::Scalar(Scalar::String) => quote!(#value.clone()),
        Ty::Scalar(Scalar::DateTime) => {
            quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        }
        Ty::Scalar(Scalar::Json) => quote!(crate::request::param_text(#value)),
        Ty::Scalar(_) => quote!(#value.to_string()),
        Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Enum(_)) => {
            quote!(#value.as_str().to_owned())
        }
        _ => quote!(crate::request::param_text(#value)),
    }
}

/// How a path parameter is taken and turned into segment text.
pub struct PathArg {
    /// The argument's type, behind a reference when `by_ref`.
    ty: TokenStream,
    by_ref: bool,
    /// An expression for the segment text, a `&str`.
    pub text: TokenStream,
}

impl PathArg {
    /// The argument's type; in a stream method, which keeps its arguments for as long as
    /// the stream lives, a reference has the stream's lifetime `'a`.
    pub fn arg_ty(&self, in_stream: bool) -> TokenStream {
        let ty = &self.ty;
        match (self.by_ref, in_stream) {
            (false, _) => ty.clone(),
            (true, false) => quote!(&#ty),
            (true, true) => quote!(&'a #ty),
        }
    }
}

/// The argument of a path parameter: numbers, booleans and UUIDs by value, enums,
/// unions and other named types by reference, anything else as `&str`.
pub fn path_arg(api: &Api, param: &Param) -> PathArg {
    let name = ident(&param.name);
    match ty::resolve(api, &param.ty) {
        Ty::Scalar(scalar)
            if scalar.is_number() || matches!(scalar, Scalar::Bool | Scalar::Uuid) =>
        {
            PathArg {
                ty: ty::tokens(api, &Ty::Scalar(*scalar)),
                by_ref: false,
                text: quote!(&#name.to_string()),
            }
        }
        Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Enum(_)) => {
            let ty = ident(&api.ty(*id).name);
            PathArg {
                ty: quote!(#ty),
                by_ref: true,
                text: quote!(#name.as_str()),
            }
        }
        Ty::Named(id) => {
            let ty = ident(&api.ty(*id).name);
            PathArg {
                ty: quote!(#ty),
                by_ref: true,
                text: quote!(&crate::request::param_text(#name)),
            }
        }
        _ => PathArg {
            ty: quote!(str),
            by_ref: true,
            text: quote!(#name),
        },
    }
}
