//! String enums -> open Rust enums: every listed value a variant, any other value kept in
//! a catch-all variant and written back unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::ty::ident;
use crate::model::{Enum, TypeDef};

/// The enum named by `def`, with `as_str`, `Display`, `FromStr`, `From<&str>`,
/// `From<String>` and serde impls that never fail on an unknown value.
pub fn open_enum(def: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(&e.unknown);
    let listed = format!(
        "Values this version does not list are kept in [`{0}::{1}`] and written back unchanged, \
         so a value added to the API later never breaks decoding.",
        def.name, e.unknown
    );
    let doc = docs::attrs(&def.docs, &[listed]);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<_> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs = e.variants.iter().map(|v| {
        if v.docs.summary.is_none() && v.docs.description.is_none() {
            docs::lines(&docs::code(&v.wire))
        } else {
            docs::attrs(&v.docs, &[format!("On the wire: {}.", docs::code(&v.wire))])
        }
    });
    let count = e.variants.len();
    let known = if e.variants.is_empty() {
        quote! {
            /// The listed value `value` names: none, as the description lists no values.
            fn known(_value: &str) -> Option<Self> {
                None
            }
        }
    } else {
        quote! {
            /// The listed value `value` names, if any.
            fn known(value: &str) -> Option<Self> {
                match value {
                    #( #wires => Some(Self::#variants), )*
                    _ => None,
                }
            }
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the crate does not know, kept as received.
            #unknown(String),
        }

        impl #name {
            /// Every value the API description lists, in its order.
            pub const KNOWN: [Self; #count] = [ #( Self::#variants ),* ];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#unknown(value) => value,
                }
            }

            #known
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::#unknown(value.to_owned()))
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                Self::known(&value).unwrap_or(Self::#unknown(value))
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(crate::open_enum::OpenEnumVisitor::<Self>::new())
            }
        }
    }
}
