//! Parameters -> the parameter structs of operations (with the functions that write their
//! query, header and cookie pairs as each parameter's `style` says), and the path
//! arguments of methods.

use proc_macro2::TokenStream;
use quote::quote;

use super::ty::{self, ident};
use super::{describe, docs};
use crate::model::{Api, Operation, Param, ParamLocation, ParamStyle, Scalar, Ty, TypeKind};
use crate::naming;

/// The parameter struct of an operation with query, header or cookie parameters.
pub fn params_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    let params_type = op.params_type.as_ref()?;
    let name = ident(params_type);
    let gate = super::gate::cfg(&op.gate);
    let shared = op
        .params_same_as
        .and_then(|index| api.operations.get(index));
    if let Some(first) = shared {
        let doc = docs::lines(&format!(
            "The parameters of [`Client::{}`], the same as those of [`Client::{}`].",
            op.name, first.name
        ));
        let first_type = ident(first.params_type.as_ref().unwrap_or(params_type));
        return Some(quote! {
            #doc
            #gate
            pub type #name = #first_type;
        });
    }
    let doc = docs::lines(&format!("The parameters of [`Client::{}`].", op.name));
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
            "The query pairs, in declaration order.",
        ),
        (ParamLocation::Header, "headers", "The header pairs."),
        (ParamLocation::Cookie, "cookies", "The cookie pairs."),
    ]
    .into_iter()
    .filter_map(|(location, name, doc)| encoder(api, op, location, name, doc));
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

/// The function writing the parameters of one location as name-value pairs: one call of
/// the runtime's `Pairs` per parameter.
fn encoder(
    api: &Api,
    op: &Operation,
    location: ParamLocation,
    name: &str,
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
    let name = ident(&naming::compose(&[name]));
    let calls = params.iter().map(|param| pairs_call(api, param));
    let doc = docs::lines(doc);
    Some(quote! {
        #doc
        pub(crate) fn #name(&self) -> crate::request::Pairs {
            crate::request::Pairs::default() #( #calls )*
        }
    })
}

/// The `Pairs` call writing one parameter, as its type and style say.
fn pairs_call(api: &Api, param: &Param) -> TokenStream {
    let wire = param.wire.as_str();
    let field = ident(&param.name);
    let value = if param.required {
        quote!(Some(&self.#field))
    } else {
        quote!(self.#field.as_ref())
    };
    let in_query = param.location == ParamLocation::Query;
    match ty::resolve(api, &param.ty) {
        Ty::Vec(item) => {
            let mut items = if param.required {
                quote!(self.#field.iter())
            } else {
                quote!(self.#field.iter().flatten())
            };
            if let Some(text) = text_of(api, item) {
                items = quote!(#items.map(#text));
            }
            match param.style {
                ParamStyle::FormExploded if in_query => quote!(.each(#wire, #items)),
                style => {
                    let separator = separator(style);
                    quote!(.joined(#wire, #items, #separator))
                }
            }
        }
        ty if is_object(api, ty) => match param.style {
            ParamStyle::FormExploded if in_query => quote!(.properties(#value)),
            ParamStyle::DeepObject if in_query => quote!(.deep(#wire, #value)),
            _ => quote!(.flattened(#wire, #value)),
        },
        ty => match text_of(api, ty) {
            Some(text) if param.required => quote!(.each(#wire, [#text(&self.#field)])),
            Some(text) => quote!(.each(#wire, #value.map(#text))),
            None => quote!(.each(#wire, #value)),
        },
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

/// A function turning a reference to a value of `ty` into its parameter text, for types
/// whose `Display` is not that text; `None` for those written by `Display` (strings,
/// numbers, booleans, UUIDs, dates, enums).
fn text_of(api: &Api, ty: &Ty) -> Option<TokenStream> {
    match ty::resolve(api, ty) {
        Ty::Scalar(Scalar::DateTime) => Some(quote!(crate::request::date_time_text)),
        Ty::Scalar(Scalar::Json) => Some(quote!(crate::request::param_text)),
        Ty::Scalar(_) => None,
        Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Enum(_)) => None,
        _ => Some(quote!(crate::request::param_text)),
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
