//! Spec text -> rustdoc attributes.
//!
//! Descriptions are CommonMark written for other tools. Rendered as they are, they can
//! break `cargo doc -D warnings` or even `cargo test` (a fenced block is a doctest, an
//! indented block too). So: fences become `text` blocks, indentation outside fences is
//! dropped, `<`, `[` and `]` are escaped outside code spans (no stray HTML, no broken
//! intra-doc links), and bare URLs become autolinks.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Docs;

/// `#[doc = "..."]` lines for `docs`, followed by `extra` paragraphs the generator writes
/// itself (already valid rustdoc).
pub fn attrs(docs: &Docs, extra: &[String]) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(summary) = &docs.summary {
        paragraphs.push(sanitize(summary));
    }
    if let Some(description) = &docs.description {
        paragraphs.push(sanitize(description));
    }
    for note in &docs.notes {
        paragraphs.push(sanitize(note));
    }
    paragraphs.extend(extra.iter().cloned());
    lines(&paragraphs.join("\n\n"))
}

/// `#[doc = "..."]` attributes for text that is already valid rustdoc.
pub fn lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc = "..."]` attributes, for crate docs.
pub fn inner_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #![doc = #lines] )* }
}

/// Makes spec text safe to use as rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<&str> = None;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = raw.trim_start();
        if let Some(marker) = fence {
            if line.starts_with(marker) {
                fence = None;
                out.push_str(marker);
            } else {
                out.push_str(raw.trim_end());
            }
        } else if let Some(marker) = ["```", "~~~"].into_iter().find(|m| line.starts_with(m)) {
            fence = Some(marker);
            out.push_str(marker);
            out.push_str("text");
        } else {
            out.push_str(&escape_line(line.trim_end()));
        }
        out.push('\n');
    }
    if let Some(marker) = fence {
        out.push_str(marker);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// Escapes one line of prose, leaving code spans alone.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    // Split on backticks: odd pieces are inside code spans, if the span is closed.
    let pieces: Vec<&str> = line.split('`').collect();
    let closed = pieces.len() % 2 == 1;
    for (index, piece) in pieces.iter().enumerate() {
        let in_code = index % 2 == 1 && (closed || index + 1 < pieces.len());
        if index > 0 {
            out.push('`');
        }
        if in_code {
            out.push_str(piece);
        } else {
            escape_prose(piece, &mut out);
        }
    }
    // A line starting with `#` (a heading) stays one; a doc line starting with `#` followed
    // by `[` or `!` would not parse differently, since `[` is escaped.
    out
}

fn escape_prose(text: &str, out: &mut String) {
    let mut words = text.split(' ').peekable();
    while let Some(word) = words.next() {
        if let Some(start) = word.find("http://").or_else(|| word.find("https://")) {
            let (before, url) = word.split_at(start);
            let end = url
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(url.len());
            let (url, after) = url.split_at(end);
            let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
            let after = format!("{}{after}", &url[trimmed.len()..]);
            escape_chars(before, out);
            out.push('<');
            out.push_str(trimmed);
            out.push('>');
            escape_chars(&after, out);
        } else {
            escape_chars(word, out);
        }
        if words.peek().is_some() {
            out.push(' ');
        }
    }
}

fn escape_chars(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' | '>' | '[' | ']' | '\\' | '*' | '_' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Code text for use in rustdoc: inside backticks, with backticks removed.
pub fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_escaped_and_code_is_not() {
        assert_eq!(
            sanitize("Send `Authorization: Bearer <token>` or <b>x</b> [see] https://x.io/a."),
            "Send `Authorization: Bearer <token>` or \\<b\\>x\\</b\\> \\[see\\] <https://x.io/a>."
        );
    }

    #[test]
    fn fences_become_text_and_indentation_is_dropped() {
        assert_eq!(
            sanitize("Example:\n```js\nlet a = 1;\n```\n    indented"),
            "Example:\n```text\nlet a = 1;\n```\nindented"
        );
        assert_eq!(sanitize("```\nunclosed"), "```text\nunclosed\n```");
    }
}
