//! Unions -> Rust enums: one variant per alternative, serde impls that read and write the
//! wire form (tagged by a property, or untagged), `From` for each variant's type and
//! `as_…` accessors.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::ty::{self, ident};
use super::{docs, gate};
use crate::model::{Api, Tagging, TypeDef, Union, UnionVariant};
use crate::naming::{self, Namespace};

/// The enum of `def`, a union, with its serde impls, `From` impls and accessors.
pub fn union_def(api: &Api, def: &TypeDef, union: &Union) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&def.docs, &[representation(def, union)]);
    let variants = union.variants.iter().map(|v| variant_def(api, union, v));
    let unknown = union.unknown.as_ref().map(|unknown| {
        let unknown = ident(unknown);
        let untagged =
            (!matches!(union.tagging, Tagging::Untagged)).then(|| quote!(#[serde(untagged)]));
        quote! {
            /// A value whose tag this version does not know, kept as received and written
            /// back unchanged.
            #untagged
            #unknown(serde_json::Value),
        }
    });
    let (container, deserialize) = match &union.tagging {
        Tagging::Internal { property } => (
            quote!(#[serde(tag = #property)]),
            Some(tagged_deserialize(def, union, property, true)),
        ),
        Tagging::Embedded { property } => (
            quote!(#[serde(untagged)]),
            Some(tagged_deserialize(def, union, property, false)),
        ),
        Tagging::Untagged => (quote!(#[serde(untagged)]), None),
    };
    let derive_deserialize = deserialize.is_none().then(|| quote!(serde::Deserialize,));
    let conversions = conversions(api, def, union);
    let undocumented = union
        .variants
        .iter()
        .any(|variant| variant_doc_text(variant).is_empty());
    let allow_undocumented = docs::allow_undocumented(undocumented);
    let gate = gate::cfg(&def.gate);
    quote! {
        #doc
        #gate
        #allow_undocumented
        #[derive(Debug, Clone, PartialEq, serde::Serialize, #derive_deserialize)]
        #container
        pub enum #name {
            #( #variants )*
            #unknown
        }
        #deserialize
        #conversions
    }
}

/// The paragraph that says how a value of the union looks on the wire.
fn representation(def: &TypeDef, union: &Union) -> String {
    let unknown = union.unknown.as_deref().map_or(String::new(), |unknown| {
        format!(
            " A value with a tag this version does not know is kept in [`{}::{unknown}`] and \
             written back unchanged.",
            def.name
        )
    });
    match &union.tagging {
        Tagging::Internal { property } | Tagging::Embedded { property } => format!(
            "Tagged: the {} property of a value says which variant it is.{unknown}",
            docs::code(property)
        ),
        Tagging::Untagged => {
            let order: Vec<String> = union
                .variants
                .iter()
                .map(|v| format!("[`{}`]({}::{})", v.name, def.name, v.name))
                .collect();
            format!(
                "Untagged: a value is read as the first of these variants it fits, in this \
                 order: {}.",
                order.join(", ")
            )
        }
    }
}

/// A variant's doc text: its schema's, or the tag that selects it; empty for an untagged
/// variant that the description says nothing about (its payload's type says it all).
fn variant_doc_text(variant: &UnionVariant) -> String {
    let mut own = variant.docs.clone();
    own.notes.clear();
    let extra: Vec<String> = match (&variant.tag, &own.summary, &own.description) {
        (Some(tag), None, None) => vec![format!("Tagged {}.", docs::code(tag))],
        (None, None, None) if variant.ty.is_none() => vec!["Nothing besides its tag.".to_owned()],
        _ => Vec::new(),
    };
    docs::text(&own, &extra)
}

fn variant_def(api: &Api, union: &Union, variant: &UnionVariant) -> TokenStream {
    let name = ident(&variant.name);
    let doc = docs::lines(&variant_doc_text(variant));
    let rename = match (&union.tagging, &variant.tag) {
        (Tagging::Internal { .. }, Some(tag)) => Some(quote!(#[serde(rename = #tag)])),
        _ => None,
    };
    match &variant.ty {
        None => quote! { #doc #rename #name, },
        Some(ty) => {
            let mut payload = ty::tokens(api, ty);
            if variant.boxed {
                payload = quote!(Box<#payload>);
            }
            quote! { #doc #rename #name(#payload), }
        }
    }
}

/// `Deserialize` for a tagged union: the tag is read first, then the value is decoded as
/// the variant it names (an error if it does not fit), or kept whole when the tag is not
/// one this version knows.
fn tagged_deserialize(def: &TypeDef, union: &Union, property: &str, strip: bool) -> TokenStream {
    let name = ident(&def.name);
    let strip = if strip {
        quote!(Some(#property))
    } else {
        quote!(None)
    };
    let arms = union.variants.iter().filter_map(|variant| {
        let tag = variant.tag.as_deref()?;
        let member = ident(&variant.name);
        Some(match (&variant.ty, variant.boxed) {
            (None, _) => quote!(Some(#tag) => Ok(Self::#member),),
            (Some(_), false) => {
                quote!(Some(#tag) => crate::union::payload(value, #strip).map(Self::#member),)
            }
            (Some(_), true) => quote! {
                Some(#tag) => crate::union::payload(value, #strip).map(|payload| Self::#member(Box::new(payload))),
            },
        })
    });
    let unknown = union.unknown.as_ref().map(ident).map_or_else(
        || quote!(_ => Err(serde::de::Error::custom("unknown tag"))),
        |unknown| quote!(_ => Ok(Self::#unknown(value))),
    );
    let gate = gate::cfg(&def.gate);
    quote! {
        #gate
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match crate::union::tag(&value, #property).as_deref() {
                    #( #arms )*
                    #unknown
                }
            }
        }
    }
}

/// `From` each variant's type (when no other variant has the same type) and an `as_…`
/// accessor per variant that holds a value.
fn conversions(api: &Api, def: &TypeDef, union: &Union) -> TokenStream {
    let name = ident(&def.name);
    // Told apart by the types aliases stand for: two aliases of `String` are one type.
    let payloads: Vec<Option<String>> = union
        .variants
        .iter()
        .map(|v| v.ty.as_ref().map(|ty| canonical(api, ty)))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for payload in payloads.iter().flatten() {
        *counts.entry(payload.as_str()).or_default() += 1;
    }
    let gate = gate::cfg(&def.gate);
    let mut methods = Namespace::default();
    let mut accessors = Vec::new();
    let mut froms = Vec::new();
    for (variant, payload) in union.variants.iter().zip(&payloads) {
        let (Some(ty), Some(payload)) = (&variant.ty, payload) else {
            continue;
        };
        let member = ident(&variant.name);
        let value_ty = ty::tokens(api, ty);
        let method = ident(&methods.claim(&naming::compose(&[
            "as_",
            &naming::snake_name(&variant.name),
        ])));
        let doc = format!(
            " The value, if it is a [`{0}::{1}`].",
            def.name, variant.name
        );
        let doc = docs::lines(doc.trim_start());
        let access = if variant.boxed {
            quote!(Some(&**value))
        } else {
            quote!(Some(value))
        };
        accessors.push(quote! {
            #doc
            pub fn #method(&self) -> Option<&#value_ty> {
                match self {
                    Self::#member(value) => #access,
                    _ => None,
                }
            }
        });
        if counts.get(payload.as_str()) == Some(&1) {
            let wrap = if variant.boxed {
                quote!(Box::new(value))
            } else {
                quote!(value)
            };
            froms.push(quote! {
                #gate
                impl From<#value_ty> for #name {
                    fn from(value: #value_ty) -> Self {
                        Self::#member(#wrap)
                    }
                }
            });
        }
    }
    let accessors = (!accessors.is_empty()).then(|| {
        quote! {
            #gate
            impl #name {
                #( #accessors )*
            }
        }
    });
    quote! { #accessors #( #froms )* }
}

/// The Rust type of `ty` with every alias replaced by what it stands for, as text.
fn canonical(api: &Api, ty: &crate::model::Ty) -> String {
    use crate::model::{Ty, TypeKind};
    match ty {
        Ty::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(inner) if inner != ty => canonical(api, inner),
            _ => api.ty(*id).name.to_string(),
        },
        Ty::Vec(inner) => format!("Vec<{}>", canonical(api, inner)),
        Ty::Map(inner) => format!("Map<{}>", canonical(api, inner)),
        Ty::Option(inner) => format!("Option<{}>", canonical(api, inner)),
        Ty::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|item| canonical(api, item)).collect();
            format!("({})", items.join(", "))
        }
        Ty::Scalar(_) => ty::tokens(api, ty).to_string(),
    }
}
