//! Operations -> the client's methods: for each operation, `…_with_response` (the request,
//! returning the decoded value with status and headers) and the plain method (the value
//! alone); the same pair for each other body media type the operation accepts.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::params::{PathArg, path_arg};
use super::responses;
use super::ty::{self, ident};
use crate::model::{
    Api, Body, BodyMedia, HttpMethod, Operation, Part, PartKind, PathPart, RustIdent, Security,
    Struct,
};

/// Every method of an operation.
pub fn methods(api: &Api, op: &Operation) -> TokenStream {
    let main = pair(api, op, op.body.as_ref(), (&op.name, &op.with_response));
    let others = op.other_bodies.iter().map(|body| {
        let name = body.method.as_ref().unwrap_or(&op.name);
        let full = body.with_response.as_ref().unwrap_or(&op.with_response);
        pair(api, op, Some(body), (name, full))
    });
    quote! { #main #( #others )* }
}

/// The plain method and its `…_with_response` twin, for one body media type.
fn pair(
    api: &Api,
    op: &Operation,
    body: Option<&Body>,
    names: (&RustIdent, &RustIdent),
) -> TokenStream {
    let (name, full) = names;
    let plain = ident(name);
    let full = ident(full);
    let path_args: Vec<PathArg> = op.path_params.iter().map(|p| path_arg(api, p)).collect();
    let mut args: Vec<TokenStream> = op
        .path_params
        .iter()
        .zip(&path_args)
        .map(|(param, arg)| {
            let name = ident(&param.name);
            let ty = arg.arg_ty(false);
            quote!(#name: #ty)
        })
        .collect();
    let mut names: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            quote!(#name)
        })
        .collect();
    if let Some(params_type) = &op.params_type {
        let params_type = ident(params_type);
        args.push(quote!(params: &#params_type));
        names.push(quote!(params));
    }
    let (body_arg, encode) = body.map(|b| body_encoding(api, b)).unzip();
    if let Some(arg) = body_arg {
        args.push(arg);
        names.push(quote!(body));
    }
    let output = responses::success_ty(api, op);
    let request = request_expr(api, op, &path_args, encode);
    let send = send_expr(api, op);
    let doc = method_docs(api, op, body);
    let full_doc = docs::lines(&format!(
        "[`Client::{name}`], with the response's status and headers."
    ));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    let many = many_arguments(args.len());
    let gate = super::gate::cfg(&op.gate);
    // An attribute cannot mark an expression: a call of a deprecated method is a statement.
    let call = if op.deprecated {
        quote! {
            #[allow(deprecated)]
            let response = self.#full(#(#names),*).await;
            response.map(crate::Response::into_value)
        }
    } else {
        quote!(self.#full(#(#names),*).await.map(crate::Response::into_value))
    };
    quote! {
        #doc
        #gate
        #deprecated
        #many
        pub async fn #plain(&self, #(#args),*) -> Result<#output, Error> {
            #call
        }

        #full_doc
        #gate
        #deprecated
        #many
        pub async fn #full(&self, #(#args),*) -> Result<crate::Response<#output>, Error> {
            #request
            #send
        }
    }
}

/// The statements building `request`.
fn request_expr(
    api: &Api,
    op: &Operation,
    path_args: &[PathArg],
    encode: Option<TokenStream>,
) -> TokenStream {
    let segments = op
        .segments
        .iter()
        .map(|segment| segment_expr(op, path_args, segment));
    let method = method_tokens(op.method);
    let mut calls = Vec::new();
    let located = |location| op.params.iter().any(|p| p.location == location);
    if located(crate::model::ParamLocation::Query) {
        calls.push(quote!(.query(params.query())));
    }
    if located(crate::model::ParamLocation::Header) {
        calls.push(quote!(.headers(params.headers())));
    }
    if located(crate::model::ParamLocation::Cookie) {
        calls.push(quote!(.cookies(params.cookies())));
    }
    if let Some(auth) = auth_expr(api, &op.security) {
        calls.push(quote!(.auth(#auth)));
    }
    let accept = op.responses.accept.as_str();
    if accept != "application/json" {
        calls.push(quote!(.accept(#accept)));
    }
    if encode.is_some() {
        calls.push(quote!(.body(body)));
    }
    let body = encode;
    quote! {
        let url = self.transport.url(&[#(#segments),*])?;
        #body
        let request = crate::request::Request::new(#method, url) #( #calls )*;
    }
}

/// Sending `request` and decoding the response.
fn send_expr(api: &Api, op: &Operation) -> TokenStream {
    let typed = responses::error_decoder(api, op)
        .map(|(_, name)| quote!(.map_err(|error| error.with_typed_body(#name))));
    if responses::streams(op) {
        return quote! {
            let download = self.transport.send_streaming(request).await #typed ?;
            Ok(download.into_response())
        };
    }
    let finish = responses::finish(op);
    quote! {
        let response = self.transport.send(request).await #typed ?;
        #finish
    }
}

/// The credentials a request sends.
pub fn auth_tokens(api: &Api, security: &Security) -> TokenStream {
    auth_expr(api, security).unwrap_or_else(|| quote!(crate::auth::Auth::All))
}

/// The credentials a request sends, unless it sends all the client has.
fn auth_expr(api: &Api, security: &Security) -> Option<TokenStream> {
    match security {
        Security::Unspecified => None,
        Security::None => Some(quote!(crate::auth::Auth::None)),
        Security::AnyOf(alternatives) => {
            let sets = alternatives.iter().map(|set| {
                let keys = set
                    .iter()
                    .filter_map(|index| api.auth.get(*index))
                    .map(|scheme| scheme.key.as_str());
                quote!(&[#(#keys),*])
            });
            Some(quote!(crate::auth::Auth::AnyOf(&[#(#sets),*])))
        }
    }
}

/// The body argument of a method and the statement encoding it as `body`, an
/// `Option<Body>`.
fn body_encoding(api: &Api, body: &Body) -> (TokenStream, TokenStream) {
    let content_type = body.content_type.as_str();
    let ty = ty::tokens(api, &body.ty);
    let required = body.required;
    match &body.media {
        BodyMedia::Json if required => (
            quote!(body: &#ty),
            quote!(let body = Some(crate::request::json_body(#content_type, body)?);),
        ),
        BodyMedia::Json => (
            quote!(body: Option<&#ty>),
            quote!(let body = body.map(|body| crate::request::json_body(#content_type, body)).transpose()?;),
        ),
        BodyMedia::Form if required => (
            quote!(body: &#ty),
            quote!(let body = Some(crate::request::form_body(body)?);),
        ),
        BodyMedia::Form => (
            quote!(body: Option<&#ty>),
            quote!(let body = body.map(crate::request::form_body).transpose()?;),
        ),
        BodyMedia::Multipart(_) if required => (
            quote!(body: &#ty),
            quote!(let body = Some(crate::upload::multipart_body(body.parts()?));),
        ),
        BodyMedia::Multipart(_) => (
            quote!(body: Option<&#ty>),
            quote!(let body = body.map(|body| body.parts().map(crate::upload::multipart_body)).transpose()?;),
        ),
        BodyMedia::Text if required => (
            quote!(body: &str),
            quote!(let body = Some(crate::request::Body::text(#content_type, body));),
        ),
        BodyMedia::Text => (
            quote!(body: Option<&str>),
            quote!(let body = body.map(|body| crate::request::Body::text(#content_type, body));),
        ),
        BodyMedia::Binary if required => (
            quote!(body: impl Into<crate::Upload>),
            quote!(let body = Some(crate::Upload::into_body(body.into(), #content_type));),
        ),
        BodyMedia::Binary => (
            quote!(body: Option<crate::Upload>),
            quote!(let body = body.map(|body| body.into_body(#content_type));),
        ),
    }
}

/// The `parts` method of a multipart body's type: one part per property that is set (a
/// list of files or values, one part per item).
pub fn multipart_parts(strukt: &Struct, parts: &[Part]) -> TokenStream {
    let pushes = parts.iter().filter_map(|part| {
        let field = strukt.fields.iter().find(|f| f.name == part.field)?;
        let member = ident(&part.field);
        let wire = part.wire.as_str();
        let content_type = match &part.content_type {
            Some(content_type) => quote!(Some(#content_type)),
            None => quote!(None),
        };
        let with_type = quote!(.with_content_type(#content_type));
        let push = match part.kind {
            PartKind::File => {
                quote!(parts.push(crate::upload::Part::file(#wire, value.clone()) #with_type);)
            }
            PartKind::Files => quote! {
                for file in value {
                    parts.push(crate::upload::Part::file(#wire, file.clone()) #with_type);
                }
            },
            PartKind::Text => quote! {
                parts.push(crate::upload::Part::text(#wire, crate::request::param_text(value)) #with_type);
            },
            PartKind::Texts => quote! {
                for item in value {
                    parts.push(crate::upload::Part::text(#wire, crate::request::param_text(item)) #with_type);
                }
            },
            PartKind::Json => quote!(parts.push(crate::upload::Part::json(#wire, value)? #with_type);),
        };
        Some(if field.is_option() {
            quote! { if let Some(value) = &self.#member { #push } }
        } else {
            quote! { { let value = &self.#member; #push } }
        })
    });
    quote! {
        /// The parts of the form: one per property that is set, files with their file
        /// name and content type.
        pub(crate) fn parts(&self) -> Result<Vec<crate::upload::Part>, crate::Error> {
            let mut parts = Vec::new();
            #( #pushes )*
            Ok(parts)
        }
    }
}

fn method_tokens(method: HttpMethod) -> TokenStream {
    match method {
        HttpMethod::Get => quote!(reqwest::Method::GET),
        HttpMethod::Put => quote!(reqwest::Method::PUT),
        HttpMethod::Post => quote!(reqwest::Method::POST),
        HttpMethod::Delete => quote!(reqwest::Method::DELETE),
        HttpMethod::Options => quote!(reqwest::Method::OPTIONS),
        HttpMethod::Head => quote!(reqwest::Method::HEAD),
        HttpMethod::Patch => quote!(reqwest::Method::PATCH),
        HttpMethod::Trace => quote!(reqwest::Method::TRACE),
    }
}

/// An expression for the text of one path segment (a `&str`). `path_args` are the
/// [`path_arg`]s of the operation's path parameters, which `PathPart::Param` indexes.
pub fn segment_expr(op: &Operation, path_args: &[PathArg], segment: &[PathPart]) -> TokenStream {
    let arg = |index: usize| op.path_params.get(index).map(|param| ident(&param.name));
    match segment {
        [PathPart::Literal(text)] => quote!(#text),
        // Lowering only makes indexes of existing parameters.
        [PathPart::Param(index)] => path_args
            .get(*index)
            .map_or_else(|| quote!(""), |arg| arg.text.clone()),
        parts => {
            let mut format = String::new();
            let mut values = Vec::new();
            for part in parts {
                match part {
                    PathPart::Literal(text) => {
                        format.push_str(&text.replace('{', "{{").replace('}', "}}"))
                    }
                    PathPart::Param(index) => {
                        if let Some(arg) = arg(*index) {
                            format.push_str("{}");
                            values.push(arg);
                        }
                    }
                }
            }
            quote!(&format!(#format, #(#values),*))
        }
    }
}

/// Allows clippy's `too_many_arguments` on a method with `count` arguments besides
/// `self`: a path with many parameters needs them all.
pub fn many_arguments(count: usize) -> Option<TokenStream> {
    // Clippy's default limit, `self` included.
    const CLIPPY_LIMIT: usize = 7;
    (count + 1 > CLIPPY_LIMIT).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

fn method_docs(api: &Api, op: &Operation, body: Option<&Body>) -> TokenStream {
    let request = format!(
        "`{} {}`",
        op.method.as_str().to_ascii_uppercase(),
        op.path_template.replace('`', "'")
    );
    let mut extra = vec![request];
    if let Some(body) = body {
        if let Some(description) = &body.docs.description {
            extra.push(format!("The body: {}", docs::sanitize(description)));
        }
        if !matches!(body.media, BodyMedia::Json) || !op.other_bodies.is_empty() {
            extra.push(format!(
                "The body is sent as {}.",
                docs::code(&body.content_type)
            ));
        }
    }
    extra.extend(responses::errors_doc(api, op));
    let mut own = op.docs.clone();
    if own.summary.is_none() && own.description.is_none() {
        own.summary = Some(format!("Calls `{}`.", op.name));
    }
    docs::attrs(&own, &extra)
}
