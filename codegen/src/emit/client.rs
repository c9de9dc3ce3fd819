//! Operations, servers and security schemes -> the `Client`, its builder methods and the
//! parameter structs.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::ty::{self, ident};
use crate::model::{
    Api, AuthKind, Body, BodyMedia, HttpMethod, Operation, Param, ParamLocation, PathPart,
    Response, Scalar, Ty, TypeKind,
};

/// The `client` module.
pub fn module(api: &Api) -> TokenStream {
    let servers = servers(api);
    let builder = builder(api);
    let params = api
        .operations
        .iter()
        .filter_map(|op| params_struct(api, op));
    let methods = api.operations.iter().map(|op| method(api, op));
    let streams = api
        .operations
        .iter()
        .filter_map(|op| stream_method(api, op));
    let title = docs::lines(&format!(
        "A client of the {}.",
        docs::sanitize(super::title(api))
    ));
    let default_url = api.servers.first().map_or(String::new(), |s| s.url.clone());
    let use_enums = super::use_enums(api);
    let use_models = super::use_models(api);
    // An API without operations still gets a client, whose transport nothing reads.
    let unread = api
        .operations
        .is_empty()
        .then(|| quote!(#[allow(dead_code)]));
    quote! {
        //! The client: one method per operation of the API.
        #use_enums
        #use_models
        use crate::transport::Transport;
        use crate::{ClientBuilder, Error};

        #servers

        #builder

        #title
        ///
        /// Made with [`Client::builder`]. Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            #unread
            transport: Transport,
        }

        impl Client {
            /// A builder for a client, set up for the first server the API description
            /// lists.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(#default_url)
            }

            #( #methods )*

            #( #streams )*
        }

        #( #params )*
    }
}

fn servers(api: &Api) -> Option<TokenStream> {
    let first = api.servers.first()?;
    let variants: Vec<_> = api.servers.iter().map(|s| ident(&s.variant)).collect();
    let urls = api.servers.iter().map(|s| s.url.as_str());
    let variant_docs = api.servers.iter().enumerate().map(|(index, s)| {
        let mut text = s
            .description
            .as_deref()
            .map(docs::sanitize)
            .unwrap_or_default();
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&format!("<{}>", s.url));
        if index == 0 {
            text.push_str(" (the default).");
        }
        let doc = docs::lines(&text);
        if index == 0 {
            quote!(#doc #[default])
        } else {
            doc
        }
    });
    let server_doc = format!(
        " Sends requests to one of the API's servers (by default [`Server::{}`]).",
        first.variant
    );
    let count = api.servers.len();
    Some(quote! {
        /// The servers the API description lists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum Server {
            #( #variant_docs
            #variants, )*
        }

        impl Server {
            /// Every server, in the order the API description lists them.
            pub const ALL: [Self; #count] = [ #( Self::#variants ),* ];

            /// The server's base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #( Self::#variants => #urls, )*
                }
            }
        }

        impl ClientBuilder {
            #[doc = #server_doc]
            ///
            /// For any other base URL (a proxy, a test server), use
            /// [`ClientBuilder::base_url`].
            pub fn server(self, server: Server) -> Self {
                self.base_url(server.url())
            }
        }
    })
}

fn builder(api: &Api) -> TokenStream {
    let methods = api.auth.iter().map(|scheme| {
        let description = scheme.description.as_deref().map(docs::sanitize);
        match &scheme.kind {
            AuthKind::Bearer => {
                let name = ident(&scheme.method);
                let doc = docs::lines(&join_docs(
                    "Authenticates every request with a bearer token, sent as `Authorization: Bearer <token>`. The token never appears in `Debug` output or in errors.",
                    description,
                ));
                quote! {
                    #doc
                    pub fn #name(self, token: impl Into<String>) -> Self {
                        self.secret_header("authorization", format!("Bearer {}", token.into()))
                    }
                }
            }
            AuthKind::ApiKeyHeader { header } => {
                let name = ident(&scheme.method);
                let header_name = header.to_ascii_lowercase();
                let doc = docs::lines(&join_docs(
                    &format!(
                        "Authenticates every request with an API key, sent as the value of the {} header. The key never appears in `Debug` output or in errors.",
                        docs::code(header)
                    ),
                    description,
                ));
                quote! {
                    #doc
                    pub fn #name(self, key: impl Into<String>) -> Self {
                        self.secret_header(#header_name, key.into())
                    }
                }
            }
        }
    });
    quote! {
        impl ClientBuilder {
            #( #methods )*

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// [`Error::Config`] when the base URL or a header value is invalid.
            pub fn build(self) -> Result<Client, Error> {
                Ok(Client { transport: self.build_transport()? })
            }
        }
    }
}

fn join_docs(ours: &str, theirs: Option<String>) -> String {
    match theirs {
        Some(theirs) if !theirs.is_empty() => format!("{ours}\n\n{theirs}"),
        _ => ours.to_owned(),
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

/// How a path parameter is taken and turned into segment text.
struct PathArg {
    /// The argument's type, behind a reference when `by_ref`.
    ty: TokenStream,
    by_ref: bool,
    /// An expression for the segment text, a `&str`.
    text: TokenStream,
}

impl PathArg {
    /// The argument's type; in a stream method, which keeps its arguments for as long as
    /// the stream lives, a reference has the stream's lifetime `'a`.
    fn arg_ty(&self, in_stream: bool) -> TokenStream {
        let ty = &self.ty;
        match (self.by_ref, in_stream) {
            (false, _) => ty.clone(),
            (true, false) => quote!(&#ty),
            (true, true) => quote!(&'a #ty),
        }
    }
}

fn path_arg(api: &Api, param: &Param) -> PathArg {
    let name = ident(&param.name);
    let by_value = |ty: TokenStream| PathArg {
        ty,
        by_ref: false,
        text: quote!(&#name.to_string()),
    };
    match ty::resolve(api, &param.ty) {
        Ty::Scalar(scalar)
            if scalar.is_number() || matches!(scalar, Scalar::Bool | Scalar::Uuid) =>
        {
            by_value(ty::tokens(api, &Ty::Scalar(*scalar)))
        }
        Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Enum(_)) => {
            let ty = ident(&api.ty(*id).name);
            PathArg {
                ty: quote!(#ty),
                by_ref: true,
                text: quote!(#name.as_str()),
            }
        }
        _ => PathArg {
            ty: quote!(str),
            by_ref: true,
            text: quote!(#name),
        },
    }
}

/// An expression for the text of one path segment (a `&str`). `path_args` are the
/// [`path_arg`]s of the operation's path parameters, which `PathPart::Param` indexes.
fn segment_expr(op: &Operation, path_args: &[PathArg], segment: &[PathPart]) -> TokenStream {
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

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let mut args = Vec::new();
    let mut prelude = Vec::new();
    // Path parameters.
    let path_args: Vec<_> = op.path_params.iter().map(|p| path_arg(api, p)).collect();
    for (param, path_arg) in op.path_params.iter().zip(&path_args) {
        let arg = ident(&param.name);
        let arg_ty = path_arg.arg_ty(false);
        args.push(quote!(#arg: #arg_ty));
    }
    let segment_exprs: Vec<TokenStream> = op
        .segments
        .iter()
        .map(|segment| segment_expr(op, &path_args, segment))
        .collect();
    let has_query = op.params.iter().any(|p| p.location == ParamLocation::Query);
    let has_headers = op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Header);
    if let Some(params_type) = &op.params_type {
        let params_type = ident(params_type);
        args.push(quote!(params: &#params_type));
    }
    let query = if has_query {
        quote!(&params.query())
    } else {
        quote!(&[])
    };
    let headers = if has_headers {
        quote!(&params.headers())
    } else {
        quote!(&[])
    };
    // Body.
    let body = match &op.body {
        None => quote!(None),
        Some(body) => {
            let (arg_ty, encode) = body_encoding(api, body);
            if body.required {
                args.push(quote!(body: &#arg_ty));
                prelude.push(encode.required());
                quote!(Some(&body))
            } else {
                args.push(quote!(body: Option<&#arg_ty>));
                prelude.push(encode.optional());
                quote!(body.as_ref())
            }
        }
    };
    let (output, finish) = match &op.response {
        Response::Empty => (quote!(()), quote!(response.empty())),
        Response::Json(ty) => (ty::tokens(api, ty), quote!(response.json())),
        Response::Text => (quote!(String), quote!(response.text())),
        Response::Bytes => (quote!(bytes::Bytes), quote!(Ok(response.bytes()))),
    };
    let http_method = method_tokens(op.method);
    let doc = method_docs(op);
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    let many = many_arguments(args.len());
    quote! {
        #doc
        #deprecated
        #many
        pub async fn #name(&self, #(#args),*) -> Result<#output, Error> {
            let url = self.transport.url(&[#(#segment_exprs),*])?;
            #(#prelude)*
            let response = self.transport.send(#http_method, url, #query, #headers, #body).await?;
            #finish
        }
    }
}

/// The type a method takes its body as (behind a reference), and how it is encoded.
fn body_encoding(api: &Api, body: &Body) -> (TokenStream, Encoding) {
    match body.media {
        BodyMedia::Json => (
            ty::tokens(api, &body.ty),
            Encoding::Fallible(quote!(crate::transport::json_body)),
        ),
        BodyMedia::Form => (
            ty::tokens(api, &body.ty),
            Encoding::Fallible(quote!(crate::transport::form_body)),
        ),
        BodyMedia::Text => (quote!(str), Encoding::Text),
    }
}

/// How a method turns its `body` argument into the transport's body.
enum Encoding {
    /// A function from `&T` to `Result<Body, Error>`.
    Fallible(TokenStream),
    /// Text, sent as it is.
    Text,
}

impl Encoding {
    /// `let body = ...;` for a body the method always takes.
    fn required(&self) -> TokenStream {
        match self {
            Self::Fallible(function) => quote!(let body = #function(body)?;),
            Self::Text => quote!(let body = crate::transport::Body::Text(body.to_owned());),
        }
    }

    /// `let body = ...;` for a body the method takes as an `Option`. The function is passed
    /// by path: a closure that only calls it is one clippy calls redundant.
    fn optional(&self) -> TokenStream {
        match self {
            Self::Fallible(function) => quote!(let body = body.map(#function).transpose()?;),
            Self::Text => {
                quote!(let body = body.map(|body| crate::transport::Body::Text(body.to_owned()));)
            }
        }
    }
}

/// Allows clippy's `too_many_arguments` on a method with `count` arguments besides
/// `self`: a path with many parameters needs them all.
fn many_arguments(count: usize) -> Option<TokenStream> {
    // Clippy's default limit, `self` included.
    const CLIPPY_LIMIT: usize = 7;
    (count + 1 > CLIPPY_LIMIT).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

fn method_docs(op: &Operation) -> TokenStream {
    let request = format!(
        "`{} {}`",
        op.method.as_str().to_ascii_uppercase(),
        op.path_template.replace('`', "'")
    );
    let mut extra = vec![request];
    if op.body.as_ref().is_some_and(|b| b.media == BodyMedia::Json) {
        if let Some(body) = &op.body {
            if let Some(description) = &body.docs.description {
                extra.push(format!("The body: {}", docs::sanitize(description)));
            }
        }
    }
    extra.push(
        "# Errors\n\n[`Error::Api`] when the server answers with an error status, \
         [`Error::Decode`] when a success response does not match the API description, \
         [`Error::Transport`] or [`Error::Timeout`] when no response arrives."
            .to_owned(),
    );
    let mut own = op.docs.clone();
    if own.summary.is_none() && own.description.is_none() {
        own.summary = Some(format!("Calls `{}`.", op.name));
    }
    docs::attrs(&own, &extra)
}

/// The stream method of a paged list operation.
fn stream_method(api: &Api, op: &Operation) -> Option<TokenStream> {
    let paging = op.paging.as_ref()?;
    let params_type = ident(op.params_type.as_ref()?);
    let limit = op.params.get(paging.limit)?;
    let offset = op.params.get(paging.offset)?;
    let name = ident(&paging.method);
    let list = ident(&op.name);
    let item = ty::tokens(api, &paging.item);
    let limit_field = ident(&limit.name);
    let offset_field = ident(&offset.name);
    let default_size = paging.default_page_size;
    let path_args: Vec<_> = op
        .path_params
        .iter()
        .map(|p| {
            let arg = ident(&p.name);
            let ty = path_arg(api, p).arg_ty(true);
            quote!(#arg: #ty)
        })
        .collect();
    let path_names: Vec<_> = op.path_params.iter().map(|p| ident(&p.name)).collect();
    // Page sizes below 1 (and NaN) fall back to the default, offsets below 0 to 0.
    let to_u64 = |field: &proc_macro2::Ident, param: &Param, default: u64, least: u64| {
        match ty::resolve(api, &param.ty) {
            Ty::Scalar(Scalar::F64) => {
                let least = least as f64;
                quote!(params.#field.filter(|value| *value >= #least).map_or(#default, |value| value as u64))
            }
            _ if least == 0 => {
                quote!(params.#field.and_then(|value| u64::try_from(value).ok()).unwrap_or(#default))
            }
            _ => {
                quote!(params.#field.and_then(|value| u64::try_from(value).ok()).filter(|value| *value >= #least).unwrap_or(#default))
            }
        }
    };
    let from_u64 = |param: &Param, value: TokenStream| match ty::resolve(api, &param.ty) {
        Ty::Scalar(Scalar::F64) => quote!(#value as f64),
        Ty::Scalar(Scalar::U64) => value,
        Ty::Scalar(scalar) => {
            let target = ty::tokens(api, &Ty::Scalar(*scalar));
            quote!(#target::try_from(#value).unwrap_or(#target::MAX))
        }
        _ => quote!(i64::try_from(#value).unwrap_or(i64::MAX)),
    };
    let mut page_size = to_u64(&limit_field, limit, default_size, 1);
    let mut capped = String::new();
    if let Some(max) = paging.max_page_size {
        page_size = quote!((#page_size).min(#max));
        capped = format!(", and at most {max}, the API's maximum");
    }
    let start = to_u64(&offset_field, offset, 0, 0);
    let set_offset = from_u64(offset, quote!(offset));
    let set_limit = from_u64(limit, quote!(limit));
    let doc = format!(
        "Every item of [`Client::{0}`], fetched page after page.\n\nPages hold `params.{1}` items ({2} when unset{4}), starting at `params.{3}`.\nThe stream ends after the first page with fewer items. An error ends the stream after\nbeing yielded.",
        op.name, limit.name, default_size, offset.name, capped
    );
    let doc = docs::lines(doc.trim_start());
    let deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let many = many_arguments(path_args.len() + 1);
    Some(quote! {
        #doc
        #deprecated
        #many
        pub fn #name<'a>(&'a self, #(#path_args,)* params: #params_type) -> impl futures_core::Stream<Item = Result<#item, Error>> + Send + 'a {
            let page_size = #page_size;
            let start = #start;
            crate::paging::offset_paged(start, page_size, move |offset, limit| {
                let mut params = params.clone();
                params.#offset_field = Some(#set_offset);
                params.#limit_field = Some(#set_limit);
                async move { self.#list(#(#path_names,)* &params).await }
            })
        }
    })
}

fn params_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    let params_type = op.params_type.as_ref()?;
    let name = ident(params_type);
    let doc = format!(" The parameters of [`Client::{}`].", op.name);
    let fields = op.params.iter().map(|param| {
        let field = ident(&param.name);
        let mut ty = ty::tokens(api, &param.ty);
        if !param.required {
            ty = quote!(Option<#ty>);
        }
        let mut own = param.docs.clone();
        if own.description.is_none() && own.summary.is_none() {
            own.description = Some(format!("The `{}` parameter.", param.wire.replace('`', "'")));
        }
        let mut extra = Vec::new();
        if let Some(default) = &param.default {
            extra.push(format!(
                "The server's default: `{}`.",
                default.to_string().replace('`', "'")
            ));
        }
        let doc = docs::attrs(&own, &extra);
        let deprecated = param
            .deprecated
            .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
        quote! { #doc #deprecated pub #field: #ty, }
    });
    let derive_default = op.params.iter().all(|p| !p.required);
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if derive_default {
        derives.push(quote!(Default));
    }
    let query = encoder(
        api,
        op,
        ParamLocation::Query,
        "query",
        "The query pairs, in declaration order; repeated keys for exploded arrays.",
    );
    let headers = encoder(
        api,
        op,
        ParamLocation::Header,
        "headers",
        "The header pairs.",
    );
    let deprecated = op
        .params
        .iter()
        .any(|p| p.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    Some(quote! {
        #[doc = #doc]
        #[derive(#(#derives),*)]
        pub struct #name {
            #( #fields )*
        }

        #deprecated
        impl #name {
            #query
            #headers
        }
    })
}

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
    let name = ident(name);
    let pushes = params.iter().map(|param| {
        let field = ident(&param.name);
        let wire = param.wire.as_str();
        let push = match ty::resolve(api, &param.ty) {
            Ty::Vec(inner) if param.explode => {
                let value = text_of(api, inner, quote!(value));
                quote!(for value in values { pairs.push((#wire, #value)); })
            }
            // Strings are joined as they are (a `map` that only clones is one clippy refuses).
            Ty::Vec(inner) if matches!(ty::resolve(api, inner), Ty::Scalar(Scalar::String)) => quote! {
                if !values.is_empty() {
                    pairs.push((#wire, values.join(",")));
                }
            },
            Ty::Vec(inner) => {
                let value = text_of(api, inner, quote!(value));
                quote! {
                    if !values.is_empty() {
                        pairs.push((#wire, values.iter().map(|value| #value).collect::<Vec<_>>().join(",")));
                    }
                }
            }
            Ty::Map(inner) if param.explode => {
                let value = text_of(api, inner, quote!(value));
                quote!(for (key, value) in values { pairs.push((key.as_str(), #value)); })
            }
            Ty::Map(inner) => {
                let value = text_of(api, inner, quote!(value));
                quote! {
                    if !values.is_empty() {
                        let joined: Vec<String> = values.iter().flat_map(|(key, value)| [key.clone(), #value]).collect();
                        pairs.push((#wire, joined.join(",")));
                    }
                }
            }
            ty => {
                let value = text_of(api, ty, quote!(values));
                quote!(pairs.push((#wire, #value));)
            }
        };
        if param.required {
            quote! { { let values = &self.#field; #push } }
        } else {
            quote! { if let Some(values) = &self.#field { #push } }
        }
    });
    let doc = format!(" {doc}");
    Some(quote! {
        #[doc = #doc]
        fn #name(&self) -> Vec<(&str, String)> {
            let mut pairs = Vec::new();
            #( #pushes )*
            pairs
        }
    })
}

/// An expression turning `value` (a reference to a `ty`) into parameter text.
fn text_of(api: &Api, ty: &Ty, value: TokenStream) -> TokenStream {
    match ty::resolve(api, ty) {
        Ty::Scalar(Scalar::String) => quote!(#value.clone()),
        Ty::Scalar(Scalar::DateTime) => {
            quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        }
        Ty::Scalar(Scalar::Json) => quote! {
            match #value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            }
        },
        Ty::Scalar(_) => quote!(#value.to_string()),
        Ty::Named(id) if matches!(api.ty(*id).kind, TypeKind::Enum(_)) => {
            quote!(#value.as_str().to_owned())
        }
        _ => quote!(crate::transport::param_text(#value)),
    }
}
