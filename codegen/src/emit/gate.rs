//! [`Gate`]s -> `#[cfg(...)]` attributes on the items of the crate's features, and back
//! (to import a name under the conditions of the items that use it).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Gate;

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`; nothing for an
/// item that is always compiled.
pub fn cfg(gate: &Gate) -> Option<TokenStream> {
    let predicate = predicate(gate)?;
    Some(quote!(#[cfg(#predicate)]))
}

/// `#[cfg_attr(not(<gate>), allow(dead_code))]`: for an item that is always compiled but
/// only read by items of `gate`.
pub fn unread_without(gate: &Gate) -> Option<TokenStream> {
    unread_without_any(&[vec![gate]])
}

/// `#[cfg_attr(not(...), allow(dead_code))]` for an item that is always compiled but only
/// read by items that need, each, every gate of one of `readers`: allowed to be unused
/// when no reader is compiled. Nothing when a reader is always compiled, or when there
/// is none.
pub fn unread_without_any(readers: &[Vec<&Gate>]) -> Option<TokenStream> {
    let predicate = predicate_any(readers)?;
    Some(quote!(#[cfg_attr(not(#predicate), allow(dead_code))]))
}

/// `#[cfg(...)]` for an item that is needed by items that need, each, every gate of one of
/// `readers`: compiled when one of them is. Nothing when one of them is always compiled.
pub fn cfg_any(readers: &[Vec<&Gate>]) -> Option<TokenStream> {
    let predicate = predicate_any(readers)?;
    Some(quote!(#[cfg(#predicate)]))
}

/// The predicate of [`cfg_any`]: `any(feature = "a", all(...), ...)`, or the only one.
fn predicate_any(readers: &[Vec<&Gate>]) -> Option<TokenStream> {
    let mut single = Vec::new();
    let mut several: BTreeSet<BTreeSet<&Gate>> = BTreeSet::new();
    for reader in readers {
        let gates: BTreeSet<&Gate> = reader.iter().copied().filter(|g| !g.is_always()).collect();
        match gates.len() {
            0 => return None,
            1 => single.extend(gates),
            _ => {
                several.insert(gates);
            }
        }
    }
    let mut predicates: Vec<TokenStream> = match Gate::any(single) {
        Gate::AnyOf(names) => names.iter().map(|name| quote!(feature = #name)).collect(),
        Gate::Always => Vec::new(),
    };
    predicates.extend(several.into_iter().filter_map(predicate_all));
    match predicates.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        all => Some(quote!(any(#(#all),*))),
    }
}

/// The attribute of [`cfg`] as source text, on a line of its own.
pub fn cfg_line(gate: &Gate) -> Option<String> {
    cfg_all_text([gate]).map(|attribute| format!("{attribute}\n"))
}

/// `#[cfg(...)]` for an item that needs the items of every gate of `gates`:
/// `all(<gate>, <gate>)`; nothing when they are all always compiled.
pub fn cfg_all<'g>(gates: impl IntoIterator<Item = &'g Gate>) -> Option<TokenStream> {
    let predicate = predicate_all(gates)?;
    Some(quote!(#[cfg(#predicate)]))
}

/// The predicate of [`cfg_all`].
pub fn predicate_all<'g>(gates: impl IntoIterator<Item = &'g Gate>) -> Option<TokenStream> {
    let distinct: BTreeSet<&Gate> = gates.into_iter().collect();
    let predicates: Vec<TokenStream> = distinct.into_iter().filter_map(predicate).collect();
    match predicates.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        all => Some(quote!(all(#(#all),*))),
    }
}

/// The attribute of [`cfg_all`] as source text.
pub fn cfg_all_text<'g>(gates: impl IntoIterator<Item = &'g Gate>) -> Option<String> {
    let distinct: BTreeSet<&Gate> = gates.into_iter().collect();
    let predicates: Vec<String> = distinct.into_iter().filter_map(predicate_text).collect();
    match predicates.as_slice() {
        [] => None,
        [one] => Some(format!("#[cfg({one})]")),
        all => Some(format!("#[cfg(all({}))]", all.join(", "))),
    }
}

/// The text of [`predicate`].
fn predicate_text(gate: &Gate) -> Option<String> {
    let Gate::AnyOf(names) = gate else {
        return None;
    };
    // Feature names are ASCII, whose `Debug` is a Rust string literal.
    let features: Vec<String> = names
        .iter()
        .map(|name| format!("feature = {name:?}"))
        .collect();
    match features.as_slice() {
        [one] => Some(one.clone()),
        all => Some(format!("any({})", all.join(", "))),
    }
}

/// The predicate of a gate's `cfg`: `feature = "a"` or `any(feature = "a", ...)`.
fn predicate(gate: &Gate) -> Option<TokenStream> {
    let Gate::AnyOf(names) = gate else {
        return None;
    };
    let features: Vec<TokenStream> = names.iter().map(|name| quote!(feature = #name)).collect();
    match features.as_slice() {
        [one] => Some(one.clone()),
        all => Some(quote!(any(#(#all),*))),
    }
}

/// The gate an item's attributes give it: that of a `#[cfg]` that [`cfg`] writes;
/// `None` for an item without one, or with a `cfg` that [`cfg`] does not write.
pub fn read(attrs: &[syn::Attribute]) -> Option<Gate> {
    let attribute = attrs.iter().find(|attr| attr.path().is_ident("cfg"))?;
    let meta: syn::Meta = attribute.parse_args().ok()?;
    let mut names = BTreeSet::new();
    match &meta {
        syn::Meta::List(any) if any.path.is_ident("any") => {
            let parts = any
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            for part in &parts {
                names.insert(feature_of(part)?);
            }
        }
        one => {
            names.insert(feature_of(one)?);
        }
    }
    Some(Gate::AnyOf(names))
}

/// `a` for `feature = "a"`.
fn feature_of(meta: &syn::Meta) -> Option<String> {
    let syn::Meta::NameValue(pair) = meta else {
        return None;
    };
    if !pair.path.is_ident("feature") {
        return None;
    }
    match &pair.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        }) => Some(name.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(names: &[&str]) -> Gate {
        Gate::AnyOf(names.iter().map(|name| (*name).to_owned()).collect())
    }

    /// The attributes of `item`, parsed.
    fn attrs(item: TokenStream) -> Vec<syn::Attribute> {
        let item: syn::ItemFn = syn::parse2(quote!(#item fn f() {})).expect("an item");
        item.attrs
    }

    #[test]
    fn a_gate_reads_back_from_its_cfg() {
        for gate in [gate(&["a"]), gate(&["a", "b-c"])] {
            assert_eq!(
                read(&attrs(cfg(&gate).unwrap_or_default())),
                Some(gate.clone())
            );
            let line = cfg_line(&gate).unwrap_or_default();
            let parsed: TokenStream = line.parse().expect("the line is tokens");
            assert_eq!(read(&attrs(parsed)), Some(gate));
        }
        assert_eq!(cfg(&Gate::Always).map(|t| t.to_string()), None);
        assert_eq!(read(&attrs(quote!(#[cfg(test)]))), None);
        assert_eq!(read(&attrs(quote!(#[cfg(not(feature = "a"))]))), None);
    }

    #[test]
    fn cfgs_are_written_as_people_write_them() {
        assert_eq!(
            cfg_line(&gate(&["a"])).as_deref(),
            Some("#[cfg(feature = \"a\")]\n")
        );
        assert_eq!(
            cfg_all_text([&gate(&["b", "a"]), &Gate::Always, &gate(&["c"])]).as_deref(),
            Some("#[cfg(all(any(feature = \"a\", feature = \"b\"), feature = \"c\"))]")
        );
        assert_eq!(cfg_all_text([&Gate::Always]), None);
    }

    #[test]
    fn unread_items_are_allowed_where_no_reader_is_compiled() {
        let (a, b, c) = (gate(&["a"]), gate(&["b"]), gate(&["c"]));
        let text = |readers: &[Vec<&Gate>]| unread_without_any(readers).map(|t| t.to_string());
        let expected = quote!(#[cfg_attr(not(any(feature = "a", feature = "b", all(feature = "b", feature = "c"))), allow(dead_code))]);
        assert_eq!(
            text(&[vec![&a], vec![&b], vec![&b, &c]]),
            Some(expected.to_string())
        );
        assert_eq!(text(&[vec![&a], vec![&Gate::Always]]), None);
        assert_eq!(
            text(&[vec![&a]]),
            Some(quote!(#[cfg_attr(not(feature = "a"), allow(dead_code))]).to_string())
        );
    }
}
