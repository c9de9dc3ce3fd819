//! Paged list operations -> `…_stream` methods yielding every item, page after page.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs;
use super::methods::many_arguments;
use super::params::path_arg;
use super::ty::{self, ident};
use crate::model::{Api, Operation, Paging, PagingKind, Param, Scalar, Ty};

/// The stream method of a paged list operation.
pub fn stream_method(api: &Api, op: &Operation) -> Option<TokenStream> {
    let paging = op.paging.as_ref()?;
    let params_type = ident(op.params_type.as_ref()?);
    let name = ident(&paging.method);
    let item = ty::tokens(api, &paging.item);
    let path_args: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let arg = ident(&p.name);
            let ty = path_arg(api, p).arg_ty(true);
            quote!(#arg: #ty)
        })
        .collect();
    let path_names: Vec<Ident> = op.path_params.iter().map(|p| ident(&p.name)).collect();
    let (doc, body) = match &paging.kind {
        PagingKind::Offset { .. } => offset(api, op, paging, &path_names)?,
        PagingKind::Cursor { .. } => cursor(op, paging, &path_names)?,
        PagingKind::LinkHeader => link(api, op, &path_names),
    };
    let doc = docs::lines(&doc);
    let deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let many = many_arguments(path_args.len() + 1);
    let gate = super::gate::cfg(&op.gate);
    Some(quote! {
        #doc
        #gate
        #deprecated
        #many
        pub fn #name<'a>(&'a self, #(#path_args,)* params: #params_type) -> impl futures_core::Stream<Item = Result<#item, Error>> + Send + 'a {
            #body
        }
    })
}

/// Offset paging: pages of `limit` items from `offset` on, until a short page.
fn offset(
    api: &Api,
    op: &Operation,
    paging: &Paging,
    path_names: &[Ident],
) -> Option<(String, TokenStream)> {
    let PagingKind::Offset {
        limit,
        offset,
        default_page_size,
        max_page_size,
    } = &paging.kind
    else {
        return None;
    };
    let limit = op.params.get(*limit)?;
    let offset = op.params.get(*offset)?;
    let list = ident(&op.name);
    let limit_field = ident(&limit.name);
    let offset_field = ident(&offset.name);
    let mut page_size = to_u64(api, &limit_field, limit, *default_page_size, 1);
    let mut capped = String::new();
    if let Some(max) = max_page_size {
        let literal = proc_macro2::Literal::u64_unsuffixed(*max);
        page_size = quote!((#page_size).min(#literal));
        capped = format!(", and at most {max}, the API's maximum");
    }
    let start = to_u64(api, &offset_field, offset, 0, 0);
    let set_offset = from_u64(api, offset, quote!(offset));
    let set_limit = from_u64(api, limit, quote!(limit));
    let doc = format!(
        "Every item of [`Client::{0}`], fetched page after page.\n\nPages hold `params.{1}` \
         items ({2} when unset{4}), starting at `params.{3}`.\nThe stream ends after the first \
         page with fewer items. An error ends the stream after\nbeing yielded.",
        op.name, limit.name, default_page_size, offset.name, capped
    );
    let body = quote! {
        let page_size = #page_size;
        let start = #start;
        crate::paging::offset_paged(start, page_size, move |offset, limit| {
            let mut params = params.clone();
            params.#offset_field = Some(#set_offset);
            params.#limit_field = Some(#set_limit);
            async move { self.#list(#(#path_names,)* &params).await }
        })
    };
    Some((doc, body))
}

/// Cursor paging: each page names the cursor of the next, sent in the cursor parameter.
fn cursor(op: &Operation, paging: &Paging, path_names: &[Ident]) -> Option<(String, TokenStream)> {
    let PagingKind::Cursor {
        param,
        items,
        next,
        items_optional,
        next_optional,
    } = &paging.kind
    else {
        return None;
    };
    let param = op.params.get(*param)?;
    let list = ident(&op.name);
    let cursor_field = ident(&param.name);
    let items_field = ident(items);
    let next_field = ident(next);
    let items = if *items_optional {
        quote!(page.#items_field.unwrap_or_default())
    } else {
        quote!(page.#items_field)
    };
    let next = if *next_optional {
        quote!(page.#next_field)
    } else {
        quote!(Some(page.#next_field))
    };
    let doc = format!(
        "Every item of [`Client::{0}`], fetched page after page.\n\nThe first page starts at \
         `params.{1}` (the first of all when unset); each page's `{2}` is the\ncursor of the \
         next. The stream ends at a page without one. An error ends the stream\nafter being \
         yielded.",
        op.name, param.name, next
    );
    let body = quote! {
        crate::paging::token_paged(move |cursor: Option<String>| {
            let mut params = params.clone();
            if cursor.is_some() {
                params.#cursor_field = cursor;
            }
            async move {
                let page = self.#list(#(#path_names,)* &params).await?;
                let next = #next.filter(|next| !next.is_empty());
                Ok((#items, next))
            }
        })
    };
    Some((doc, body))
}

/// `Link` header paging: each page's `rel="next"` link is the next page.
fn link(api: &Api, op: &Operation, path_names: &[Ident]) -> (String, TokenStream) {
    let list = ident(&op.with_response);
    let accept = op.responses.accept.as_str();
    let auth = super::methods::auth_tokens(api, &op.security);
    // A later page's error carries the typed body a first page's would.
    let typed = super::responses::error_decoder(api, op)
        .map(|(_, name)| quote!(.map_err(|error| error.with_typed_body(#name))));
    let doc = format!(
        "Every item of [`Client::{0}`], fetched page after page.\n\nEach page's `Link` header \
         names the next (`rel=\"next\"`); the stream ends at a page\nwithout one, and never \
         follows a link to another server. An error ends the stream\nafter being yielded.",
        op.name
    );
    let body = quote! {
        crate::paging::token_paged(move |next: Option<reqwest::Url>| {
            let params = params.clone();
            async move {
                let page = match next {
                    None => self.#list(#(#path_names,)* &params).await?,
                    Some(url) => self.transport.follow(url, #auth, #accept).await #typed ?.json()?,
                };
                let next = crate::paging::next_page(&page);
                Ok((page.into_value(), next))
            }
        })
    };
    (doc, body)
}

/// An expression reading a paging parameter as a `u64`: values below `least` (and NaN)
/// fall back to `default`.
fn to_u64(api: &Api, field: &Ident, param: &Param, default: u64, least: u64) -> TokenStream {
    let default = proc_macro2::Literal::u64_unsuffixed(default);
    match ty::resolve(api, &param.ty) {
        Ty::Scalar(Scalar::F64) => {
            let least = proc_macro2::Literal::f64_unsuffixed(least as f64);
            quote!(params.#field.filter(|value| *value >= #least).map_or(#default, |value| value as u64))
        }
        _ if least == 0 => {
            quote!(params.#field.and_then(|value| u64::try_from(value).ok()).unwrap_or(#default))
        }
        _ => {
            let least = proc_macro2::Literal::u64_unsuffixed(least);
            quote!(params.#field.and_then(|value| u64::try_from(value).ok()).filter(|value| *value >= #least).unwrap_or(#default))
        }
    }
}

/// An expression turning a `u64` into a paging parameter's type, saturating.
fn from_u64(api: &Api, param: &Param, value: TokenStream) -> TokenStream {
    match ty::resolve(api, &param.ty) {
        Ty::Scalar(Scalar::F64) => quote!(#value as f64),
        Ty::Scalar(Scalar::U64) => value,
        Ty::Scalar(scalar) => {
            let target = ty::tokens(api, &Ty::Scalar(*scalar));
            quote!(#target::try_from(#value).unwrap_or(#target::MAX))
        }
        _ => quote!(i64::try_from(#value).unwrap_or(i64::MAX)),
    }
}
