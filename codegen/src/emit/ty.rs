//! Type expressions -> Rust types.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::{Api, RustIdent, Scalar, Ty, TypeKind};

/// The token of a name of the model.
pub fn ident(name: &RustIdent) -> Ident {
    name.to_ident()
}

/// The Rust type of `ty`.
pub fn tokens(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::Scalar(scalar) => scalar_tokens(*scalar),
        Ty::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(#name)
        }
        Ty::Vec(inner) => {
            let inner = tokens(api, inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = tokens(api, inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = tokens(api, inner);
            quote!(Option<#inner>)
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(|item| tokens(api, item));
            quote!((#(#items,)*))
        }
    }
}

fn scalar_tokens(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String => quote!(String),
        Scalar::Bool => quote!(bool),
        Scalar::I8 => quote!(i8),
        Scalar::I16 => quote!(i16),
        Scalar::I32 => quote!(i32),
        Scalar::I64 => quote!(i64),
        Scalar::U8 => quote!(u8),
        Scalar::U16 => quote!(u16),
        Scalar::U32 => quote!(u32),
        Scalar::U64 => quote!(u64),
        Scalar::Uuid => quote!(uuid::Uuid),
        Scalar::Upload => quote!(crate::Upload),
        Scalar::F64 => quote!(f64),
        Scalar::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Scalar::Date => quote!(chrono::NaiveDate),
        Scalar::Json => quote!(serde_json::Value),
    }
}

/// `ty` with aliases followed to what they name (at most as deep as there are types), and
/// the `Option` of nullability left out.
pub fn resolve<'a>(api: &'a Api, mut ty: &'a Ty) -> &'a Ty {
    for _ in 0..=api.types.len() {
        match ty {
            Ty::Named(id) => match &api.ty(*id).kind {
                TypeKind::Alias(inner) => ty = inner,
                _ => return ty,
            },
            Ty::Option(inner) => ty = inner,
            _ => return ty,
        }
    }
    ty
}
