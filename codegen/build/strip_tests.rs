//! Removes the `#[cfg(test)]` items of a Rust source file, keeping every other byte.
//!
//! The file is parsed with syn (proc-macro2's `span-locations` gives each item its byte
//! range); the text of the items marked `#[cfg(test)]`, their doc comments and other
//! attributes included, is cut from the original text, so comments, blank lines and
//! formatting elsewhere are kept exactly. Items are looked for at the top level, in inline
//! modules, and in `impl` and `trait` blocks.
//!
//! Used by `build.rs` (the runtime's modules are copied into generated crates without
//! their tests) and compiled into the library's unit tests, which test it.

use std::ops::Range;

use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, Item, TraitItem};

/// `text` without its `#[cfg(test)]` items.
///
/// An item that fills whole lines is cut with those lines, and with a blank line beside
/// it where keeping that line would leave two in a row, or one at the start or end of a
/// block or of the file.
///
/// # Errors
///
/// `text` is not a Rust file syn can parse.
pub fn strip_test_items(text: &str) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse_str(text)?;
    let mut ranges = Vec::new();
    collect_items(&file.items, &mut ranges);
    let ranges = merge(text, ranges.into_iter().map(|r| whole_lines(text, r)));
    let mut out = String::with_capacity(text.len());
    let mut kept_from = 0;
    for range in ranges {
        let range = with_blank_line_beside(text, range);
        out.push_str(&text[kept_from..range.start]);
        kept_from = range.end;
    }
    out.push_str(&text[kept_from..]);
    Ok(out)
}

/// Adds the byte ranges of the `#[cfg(test)]` items among `items` (and within the others).
fn collect_items(items: &[Item], ranges: &mut Vec<Range<usize>>) {
    for item in items {
        if is_test_only(item_attrs(item)) {
            ranges.push(item.span().byte_range());
            continue;
        }
        match item {
            Item::Mod(module) => {
                if let Some((_, content)) = &module.content {
                    collect_items(content, ranges);
                }
            }
            Item::Impl(block) => {
                for member in &block.items {
                    if is_test_only(impl_item_attrs(member)) {
                        ranges.push(member.span().byte_range());
                    }
                }
            }
            Item::Trait(block) => {
                for member in &block.items {
                    if is_test_only(trait_item_attrs(member)) {
                        ranges.push(member.span().byte_range());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether the attributes include `#[cfg(test)]`.
fn is_test_only(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        matches!(attr.style, syn::AttrStyle::Outer)
            && attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|predicate| predicate == "test")
    })
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(item) => &item.attrs,
        Item::Enum(item) => &item.attrs,
        Item::ExternCrate(item) => &item.attrs,
        Item::Fn(item) => &item.attrs,
        Item::ForeignMod(item) => &item.attrs,
        Item::Impl(item) => &item.attrs,
        Item::Macro(item) => &item.attrs,
        Item::Mod(item) => &item.attrs,
        Item::Static(item) => &item.attrs,
        Item::Struct(item) => &item.attrs,
        Item::Trait(item) => &item.attrs,
        Item::TraitAlias(item) => &item.attrs,
        Item::Type(item) => &item.attrs,
        Item::Union(item) => &item.attrs,
        Item::Use(item) => &item.attrs,
        _ => &[],
    }
}

fn impl_item_attrs(item: &ImplItem) -> &[Attribute] {
    match item {
        ImplItem::Const(item) => &item.attrs,
        ImplItem::Fn(item) => &item.attrs,
        ImplItem::Type(item) => &item.attrs,
        ImplItem::Macro(item) => &item.attrs,
        _ => &[],
    }
}

fn trait_item_attrs(item: &TraitItem) -> &[Attribute] {
    match item {
        TraitItem::Const(item) => &item.attrs,
        TraitItem::Fn(item) => &item.attrs,
        TraitItem::Type(item) => &item.attrs,
        TraitItem::Macro(item) => &item.attrs,
        _ => &[],
    }
}

/// `range` grown to whole lines (with the line break) when only spaces share its first
/// and last lines; as it is otherwise.
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |at| range.end + at + 1);
    let blank = |part: &str| part.trim().is_empty();
    if blank(&text[line_start..range.start]) && blank(&text[range.end..line_end]) {
        line_start..line_end
    } else {
        range
    }
}

/// The ranges in order, those separated by nothing but whitespace joined into one.
fn merge(text: &str, ranges: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = ranges.collect();
    ranges.sort_by_key(|range| range.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last)
                if range.start <= last.end || text[last.end..range.start].trim().is_empty() =>
            {
                last.end = last.end.max(range.end);
            }
            _ => merged.push(range),
        }
    }
    merged
}

/// `range` with one blank line beside it, so that the cut leaves no run of blank lines
/// and no blank line at the start or end of a block or of the file: the blank line before
/// it when a blank line, a closing brace or the end of the file follows; else the blank
/// line after it when it follows an opening brace or starts the file. Ranges that do not
/// fill whole lines are returned as they are.
fn with_blank_line_beside(text: &str, range: Range<usize>) -> Range<usize> {
    let whole_lines = (range.start == 0 || text[..range.start].ends_with('\n'))
        && (range.end == text.len() || text[..range.end].ends_with('\n'));
    if !whole_lines {
        return range;
    }
    let before = range.start.checked_sub(1).map(|newline| {
        let start = text[..newline].rfind('\n').map_or(0, |at| at + 1);
        start..range.start
    });
    let after = (range.end < text.len()).then(|| {
        let end = text[range.end..]
            .find('\n')
            .map_or(text.len(), |at| range.end + at + 1);
        range.end..end
    });
    let blank = |line: &Range<usize>| text[line.clone()].trim().is_empty();
    let after_blank = after.as_ref().is_some_and(blank);
    let after_closes = after
        .as_ref()
        .is_none_or(|line| text[line.clone()].trim_start().starts_with('}'));
    let before_opens = before
        .as_ref()
        .is_none_or(|line| text[line.clone()].trim_end().ends_with('{'));
    match (before, after) {
        (Some(before), _) if blank(&before) && (after_blank || after_closes) => {
            before.start..range.end
        }
        (_, Some(after)) if before_opens && after_blank => range.start..after.end,
        _ => range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with test items of every kind, in every place they can be.
    const WITH_TEST_ITEMS: &str = "\
//! A module.

// Which helpers are used depends on the caller.
#![allow(dead_code)]

use std::fmt;

/// Kept, with its odd   spacing.
pub fn kept( a : u8 ) -> u8 { a } // and its comment

#[cfg(test)]
use std::sync::Mutex;

pub struct Kept;

impl Kept {
    /// Kept too.
    pub fn new() -> Self {
        Kept
    }

    /// A helper only tests use.
    #[cfg(test)]
    #[allow(clippy::new_ret_no_self)]
    fn for_tests() -> u8 {
        1
    }
}

trait Shape {
    #[cfg(test)]
    fn probe(&self);
    fn area(&self) -> f64;
}

mod inner {
    #[cfg(test)]
    const ONLY_IN_TESTS: u8 = 1;

    pub const ALWAYS: u8 = 2;
}

#[cfg(not(test))]
const NOT_TEST: u8 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    // A plain comment inside the tests.
    #[test]
    fn works() {
        assert_eq!(kept(1), 1);
    }
}
";

    /// [`WITH_TEST_ITEMS`] without them.
    const WITHOUT_TEST_ITEMS: &str = "\
//! A module.

// Which helpers are used depends on the caller.
#![allow(dead_code)]

use std::fmt;

/// Kept, with its odd   spacing.
pub fn kept( a : u8 ) -> u8 { a } // and its comment

pub struct Kept;

impl Kept {
    /// Kept too.
    pub fn new() -> Self {
        Kept
    }
}

trait Shape {
    fn area(&self) -> f64;
}

mod inner {
    pub const ALWAYS: u8 = 2;
}

#[cfg(not(test))]
const NOT_TEST: u8 = 3;
";

    #[test]
    fn test_modules_and_items_go_the_rest_stays_byte_identical() {
        assert_eq!(
            strip_test_items(WITH_TEST_ITEMS).unwrap(),
            WITHOUT_TEST_ITEMS
        );
    }

    #[test]
    fn a_file_without_test_items_is_unchanged() {
        let text = "// A comment.\n\nfn f() {}\n\n\n#[cfg(feature = \"x\")]\nfn g() {}\n";
        assert_eq!(strip_test_items(text).unwrap(), text);
    }

    #[test]
    fn consecutive_test_items_go_with_the_blank_lines_between_them() {
        let text = "fn a() {}\n\n#[cfg(test)]\nfn b() {}\n\n#[cfg(test)]\nfn c() {}\n\nfn d() {}\n";
        assert_eq!(strip_test_items(text).unwrap(), "fn a() {}\n\nfn d() {}\n");
    }

    #[test]
    fn an_item_sharing_its_line_is_cut_alone() {
        let text = "fn a() {} #[cfg(test)] fn b() {} fn c() {}\n";
        assert_eq!(strip_test_items(text).unwrap(), "fn a() {}  fn c() {}\n");
    }

    #[test]
    fn non_ascii_text_before_an_item_keeps_the_offsets_right() {
        let text = "/// Héllo, wörld: “quoted”.\nfn a() {}\n\n#[cfg(test)]\nfn b() -> &'static str { \"é\" }\n";
        assert_eq!(
            strip_test_items(text).unwrap(),
            "/// Héllo, wörld: “quoted”.\nfn a() {}\n"
        );
    }

    #[test]
    fn text_that_is_not_rust_is_an_error() {
        assert!(strip_test_items("fn (").is_err());
    }
}
