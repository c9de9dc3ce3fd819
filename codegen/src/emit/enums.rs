//! String enums -> open Rust enums: every listed value a variant, any other value kept in
//! a catch-all variant and written back unchanged.

use std::fmt::Write;

use super::docs;
use crate::model::{Enum, TypeDef};

/// The enum named by `def`, as source text: an invocation of the runtime's `open_enum!`,
/// which writes the enum and its impls (`as_str`, `KNOWN`, `Display`, `FromStr`,
/// `From<&str>`, `From<String>`, serde that never fails on an unknown value) from the list
/// of values, and ends the docs of the enum and of each variant with what every enum's
/// say (how unlisted values are kept, the value on the wire). Written as text, laid out
/// as a person would, since a formatter leaves the inside of a macro call as it finds it.
pub fn open_enum(def: &TypeDef, e: &Enum, out: &mut String) {
    if let Some(cfg) = super::gate::cfg_line(&def.gate) {
        out.push_str(&cfg);
    }
    out.push_str("crate::open_enum::open_enum! {\n");
    comment(&docs::text(&def.docs, &[]), "    ", out);
    let _ = writeln!(out, "    {}, {} {{", def.name, e.unknown);
    for variant in &e.variants {
        comment(&docs::text(&variant.docs, &[]), "        ", out);
        let wire = proc_macro2::Literal::string(&variant.wire);
        let _ = match shown(&variant.wire) {
            Some(shown) => {
                let shown = proc_macro2::Literal::string(&shown);
                writeln!(out, "        {} = {wire} as {shown},", variant.name)
            }
            None => writeln!(out, "        {} = {wire},", variant.name),
        };
    }
    out.push_str("    }\n}\n");
}

/// How a variant's docs show a wire value that `` `value` `` cannot show: one that is
/// empty, holds a backtick or a line break (which would end the code span or make one of
/// another kind), or starts and ends with a space (which the span would drop); `None` for
/// every other value.
fn shown(wire: &str) -> Option<String> {
    if wire.is_empty() {
        return Some("The empty string.".to_owned());
    }
    let padded = wire.starts_with(' ') && wire.ends_with(' ') && !wire.trim().is_empty();
    if padded && !wire.contains('`') {
        // A code span drops one space from each end of such a text.
        return Some(format!("` {wire} `"));
    }
    if !wire.contains(['`', '\n', '\r']) {
        return None;
    }
    // A line break is shown escaped, as Rust writes it in a string literal.
    let text = if wire.contains(['\n', '\r']) {
        let literal = format!("{wire:?}");
        literal
            .strip_prefix('"')
            .and_then(|inner| inner.strip_suffix('"'))
            .map_or_else(|| literal.clone(), str::to_owned)
    } else {
        wire.to_owned()
    };
    Some(super::describe::code_span(&text))
}

/// Writes `text` as `///` lines at `indent`; nothing for no text.
fn comment(text: &str, indent: &str, out: &mut String) {
    if text.trim().is_empty() {
        return;
    }
    for line in docs::doc_lines(text) {
        let _ = writeln!(out, "{indent}///{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn values_a_plain_code_span_cannot_show_are_shown_exactly() {
        assert_eq!(shown("red"), None);
        assert_eq!(shown(" "), None);
        assert_eq!(shown("").as_deref(), Some("The empty string."));
        assert_eq!(shown("`").as_deref(), Some("`` ` ``"));
        assert_eq!(shown(" a ").as_deref(), Some("`  a  `"));
        assert_eq!(shown("a\nb's").as_deref(), Some("`a\\nb's`"));
    }
}
