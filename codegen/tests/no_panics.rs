//! The generator returns errors, it does not panic: its non-test source calls no
//! `unwrap()` or `expect()` and uses no `todo!`, `unimplemented!`, `unreachable!` or
//! `panic!`.
//!
//! The source is read with syn, so comments, doc comments and string literals cannot
//! trigger it, and `#[cfg(test)]` items are left out.

use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;

const METHODS: [&str; 2] = ["unwrap", "expect"];
const MACROS: [&str; 4] = ["todo", "unimplemented", "unreachable", "panic"];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr.meta.to_token_stream().to_string().replace(' ', "") == "cfg(test)"
    })
}

/// The file's tokens, without `#[cfg(test)]` items.
fn non_test_tokens(file: syn::File) -> TokenStream {
    let mut tokens = TokenStream::new();
    for item in file.items {
        let attrs: &[syn::Attribute] = match &item {
            syn::Item::Mod(item) => &item.attrs,
            syn::Item::Fn(item) => &item.attrs,
            syn::Item::Impl(item) => &item.attrs,
            syn::Item::Use(item) => &item.attrs,
            syn::Item::Const(item) => &item.attrs,
            syn::Item::Static(item) => &item.attrs,
            _ => &[],
        };
        if !is_cfg_test(attrs) {
            item.to_tokens(&mut tokens);
        }
    }
    tokens
}

/// Every forbidden call or macro in `tokens`, named with the function it is in.
fn forbidden(tokens: TokenStream, function: &str, found: &mut Vec<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut function = function.to_owned();
    for (index, tree) in trees.iter().enumerate() {
        let previous = index.checked_sub(1).and_then(|i| trees.get(i));
        let next = trees.get(index + 1);
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if matches!(previous, Some(TokenTree::Ident(keyword)) if keyword == "fn") {
                    function = name.clone();
                }
                let after_dot = matches!(previous, Some(TokenTree::Punct(p)) if p.as_char() == '.');
                let called = matches!(next, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let bang = matches!(next, Some(TokenTree::Punct(p)) if p.as_char() == '!');
                if METHODS.contains(&name.as_str()) && after_dot && called {
                    found.push(format!("`.{name}(…)` in `{function}`"));
                }
                if MACROS.contains(&name.as_str()) && bang {
                    found.push(format!("`{name}!` in `{function}`"));
                }
            }
            TokenTree::Group(group) => forbidden(group.stream(), &function, found),
            _ => {}
        }
    }
}

#[test]
fn generator_source_has_no_panicking_calls() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(
        files.len() > 10,
        "expected the generator's modules in {}",
        src.display()
    );
    let mut problems = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut found = Vec::new();
        forbidden(non_test_tokens(file), "(top level)", &mut found);
        let shown = path
            .strip_prefix(&src)
            .unwrap_or(&path)
            .display()
            .to_string();
        problems.extend(found.into_iter().map(|f| format!("src/{shown}: {f}")));
    }
    assert!(
        problems.is_empty(),
        "the generator must return errors, not panic:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scan_finds_what_it_looks_for() {
    let file = syn::parse_file(
        r#"
        /// Docs may say `x.unwrap()` and `panic!`.
        fn a(x: Option<u8>) -> u8 { let s = "y.expect(1)"; x.unwrap() }
        fn b() { todo!() }
        fn c(x: Option<u8>) -> u8 { x.unwrap_or(1) }
        #[cfg(test)]
        mod tests { fn t() { None::<u8>.expect("fine in tests"); panic!() } }
        "#,
    )
    .expect("parses");
    let mut found = Vec::new();
    forbidden(non_test_tokens(file), "(top level)", &mut found);
    assert_eq!(found, ["`.unwrap(…)` in `a`", "`todo!` in `b`"]);
}
