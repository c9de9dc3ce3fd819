//! Responses -> what methods return: the value of a success (an enum when success
//! statuses hold different things), and the typed bodies of error responses (an enum
//! when error statuses have bodies of different types), with the function that decodes
//! them for an `ApiError`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::ty::{self, ident};
use crate::model::{Api, Content, Operation, Status, StatusBody, Success};
use crate::naming;

/// The Rust type of a content.
pub fn content_ty(api: &Api, content: &Content, streaming: bool) -> TokenStream {
    match content {
        Content::Empty => quote!(()),
        Content::Json(ty) => ty::tokens(api, ty),
        Content::Problem => quote!(crate::Problem),
        Content::Text => quote!(String),
        Content::Binary if streaming => quote!(crate::Download),
        Content::Binary => quote!(bytes::Bytes),
    }
}

/// The type a successful call returns.
pub fn success_ty(api: &Api, op: &Operation) -> TokenStream {
    match &op.responses.success {
        Success::One(content) => content_ty(api, content, true),
        Success::Several { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// Whether the call reads its response as it arrives (a download).
pub fn streams(op: &Operation) -> bool {
    matches!(op.responses.success, Success::One(Content::Binary))
}

/// The expression turning `response` (what the transport returned for a success) into
/// `Result<Response<T>, Error>`.
pub fn finish(op: &Operation) -> TokenStream {
    match &op.responses.success {
        Success::One(content) => decode(content, quote!(response)),
        Success::Several { name, variants } => {
            let name = ident(name);
            let arms = variants.iter().map(|(body, variant)| {
                let pattern = status_pattern(body.status);
                let member = ident(variant);
                let decoded = decode(&body.content, quote!(response));
                let wrap = match body.content {
                    Content::Empty => quote!(|()| #name::#member),
                    _ => quote!(#name::#member),
                };
                quote!(#pattern => #decoded.map(|response| response.map(#wrap)),)
            });
            // A success status the description does not list is read as its first one.
            let listed_all = variants
                .iter()
                .any(|(body, _)| body.status == Status::Default);
            let fallback = variants
                .first()
                .filter(|_| !listed_all)
                .map(|(body, variant)| {
                    let member = ident(variant);
                    let decoded = decode(&body.content, quote!(response));
                    let wrap = match body.content {
                        Content::Empty => quote!(|()| #name::#member),
                        _ => quote!(#name::#member),
                    };
                    quote!(_ => #decoded.map(|response| response.map(#wrap)),)
                });
            quote! {
                match response.status().as_u16() {
                    #( #arms )*
                    #fallback
                }
            }
        }
    }
}

/// Decoding one content from `response`.
fn decode(content: &Content, response: TokenStream) -> TokenStream {
    match content {
        Content::Empty => quote!(#response.empty()),
        Content::Json(_) | Content::Problem => quote!(#response.json()),
        Content::Text => quote!(#response.text()),
        Content::Binary => quote!(#response.bytes()),
    }
}

/// The `match` pattern of a status: a code, a range, or anything (`default`).
fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        Status::Range(range) => {
            let low = proc_macro2::Literal::u16_unsuffixed(range * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(range * 100 + 99);
            quote!(#low..=#high)
        }
        Status::Default => quote!(_),
    }
}

/// The enum of the successes of an operation whose success statuses hold different
/// things.
pub fn success_enum(api: &Api, op: &Operation) -> Option<TokenStream> {
    let Success::Several { name, variants } = &op.responses.success else {
        return None;
    };
    let doc = format!(
        " What a success of [`Client::{}`] holds: it depends on the status.",
        op.name
    );
    let doc = docs::lines(doc.trim_start());
    let variants = variants.iter().map(|(body, variant)| {
        let member = ident(variant);
        let doc = docs::lines(&status_doc(body.status));
        match body.content {
            Content::Empty => quote!(#doc #member,),
            _ => {
                let ty = content_ty(api, &body.content, false);
                quote!(#doc #member(#ty),)
            }
        }
    });
    let name = ident(name);
    let gate = super::gate::cfg(&op.gate);
    Some(quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #variants )*
        }
    })
}

/// The enum of the typed error bodies of an operation, when they are of several types.
pub fn error_enum(api: &Api, op: &Operation) -> Option<TokenStream> {
    let name = ident(op.responses.error_enum.as_ref()?);
    let doc = format!(
        " The body of an error response of [`Client::{}`], as its status says (see \
         [`ApiError::typed`](crate::ApiError::typed)).",
        op.name
    );
    let doc = docs::lines(doc.trim_start());
    let variants = op.responses.errors.iter().map(|body| {
        let member = ident(&body.variant);
        let doc = docs::lines(&status_doc(body.status));
        let ty = content_ty(api, &body.content, false);
        quote!(#doc #member(#ty),)
    });
    let gate = super::gate::cfg(&op.gate);
    Some(quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #variants )*
        }
    })
}

/// The function decoding an error response's body into its typed body, by status, and
/// its name; `None` when no error response has a typed body.
pub fn error_decoder(api: &Api, op: &Operation) -> Option<(TokenStream, proc_macro2::Ident)> {
    op.responses.errors.first()?;
    let name = ident(&naming::compose(&[&op.name, "_error_body"]));
    let mut ordered: Vec<&StatusBody> = op.responses.errors.iter().collect();
    ordered.sort_by_key(|body| body.status);
    let arms = ordered.iter().map(|body| {
        let pattern = status_pattern(body.status);
        let ty = content_ty(api, &body.content, false);
        match &op.responses.error_enum {
            Some(enum_name) => {
                let enum_name = ident(enum_name);
                let member = ident(&body.variant);
                quote!(#pattern => crate::error::typed_variant::<#ty, _>(body, #enum_name::#member),)
            }
            None => quote!(#pattern => crate::error::typed_body::<#ty>(body),),
        }
    });
    let catch_all = ordered
        .iter()
        .all(|body| body.status != Status::Default)
        .then(|| quote!(_ => None,));
    // One body for every status: no `match` needed, and the status is not read.
    let (status, decode) = match ordered.as_slice() {
        [only] if only.status == Status::Default => {
            let ty = content_ty(api, &only.content, false);
            (
                quote!(_status),
                quote!(crate::error::typed_body::<#ty>(body)),
            )
        }
        _ => (
            quote!(status),
            quote! {
                match status.as_u16() {
                    #( #arms )*
                    #catch_all
                }
            },
        ),
    };
    let doc = format!(
        " Decodes the body of an error response of [`Client::{}`] as the type its status has.",
        op.name
    );
    let doc = docs::lines(doc.trim_start());
    let gate = super::gate::cfg(&op.gate);
    Some((
        quote! {
            #doc
            #gate
            fn #name(#status: reqwest::StatusCode, body: &[u8]) -> Option<std::sync::Arc<dyn crate::error::TypedBody>> {
                #decode
            }
        },
        name,
    ))
}

/// A sentence naming a status.
fn status_doc(status: Status) -> String {
    match status {
        Status::Code(code) => format!("Status {code}."),
        Status::Range(range) => format!("A status {range}XX."),
        Status::Default => "Any other status.".to_owned(),
    }
}

/// What the method's docs say about typed error bodies, if there are any.
pub fn errors_doc(api: &Api, op: &Operation) -> Option<String> {
    let first = op.responses.errors.first()?;
    let ty = match &op.responses.error_enum {
        Some(name) => format!("[`{name}`]"),
        None => match &first.content {
            Content::Json(ty) => match ty.non_null() {
                crate::model::Ty::Named(id) => format!("[`{}`]", api.ty(*id).name),
                _ => format!("`{}`", content_ty(api, &first.content, false)),
            },
            Content::Problem => "[`Problem`](crate::Problem)".to_owned(),
            _ => return None,
        },
    };
    Some(format!(
        "An error response's body, when it matches the API description, is available as a {ty} \
         from [`ApiError::typed`](crate::ApiError::typed)."
    ))
}
