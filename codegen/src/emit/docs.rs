//! Spec text -> rustdoc attributes.
//!
//! Descriptions are CommonMark written for other tools. Rendered as they are, they can
//! break `cargo doc -D warnings` or even `cargo test` (a fenced block is a doctest, an
//! indented block too). So: fences become `text` blocks, indentation outside fences is
//! dropped (but for the lines that go on with a list item's text, which are indented to
//! that text: a wrapped item is not a lazy continuation), `<`, `[` and `]` are escaped
//! outside code spans (no stray HTML, no broken intra-doc links), and bare URLs become
//! autolinks.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Docs;

/// `#[doc = "..."]` lines for `docs`, followed by `extra` paragraphs the generator writes
/// itself (already valid rustdoc).
pub fn attrs(docs: &Docs, extra: &[String]) -> TokenStream {
    lines(&text(docs, extra))
}

/// The rustdoc text of `docs` and `extra` paragraphs (see [`attrs`]).
pub fn text(docs: &Docs, extra: &[String]) -> String {
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
    paragraphs.extend(docs.rustdoc.iter().cloned());
    paragraphs.extend(extra.iter().cloned());
    paragraphs.join("\n\n")
}

/// `#[doc = "..."]` attributes for text that is already valid rustdoc; nothing for no
/// text.
pub fn lines(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#[allow(missing_docs)]` for an item with members that the description says nothing
/// about: they have no docs rather than a sentence restating their name or type.
pub fn allow_undocumented(any_undocumented: bool) -> Option<TokenStream> {
    any_undocumented.then(|| quote!(#[allow(missing_docs)]))
}

/// Inner `#![doc = "..."]` attributes, for crate docs.
pub fn inner_lines(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

/// How long a doc line's text may be: with `/// ` and an item's indentation, doc comments
/// end by the 100th column.
const WIDTH: usize = 88;

/// The lines of a doc comment, each after the space that `///` is followed by, wrapped at
/// [`WIDTH`]. Every doc the generator writes passes here, so this is where text is made
/// visible, and where a lone `\r` (which Rust refuses in a doc comment, and `str::lines`
/// keeps) ends a line.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = visible(text).replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            out.push(line.to_owned());
        } else if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = Some(marker);
            out.push(line.to_owned());
        } else {
            wrap(line, &mut out);
        }
    }
    out.into_iter()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// Wraps one line of prose at [`WIDTH`], between words; the lines it goes on to keep the
/// indentation of a list item's text. Tables, headings and lines without room to break
/// stay as they are, and no line is made to start with what would begin another block
/// (a list marker, a heading, a quote).
fn wrap(line: &str, out: &mut Vec<String>) {
    let trimmed = line.trim_start();
    if line.chars().count() <= WIDTH || trimmed.starts_with('|') || trimmed.starts_with('#') {
        out.push(line.to_owned());
        return;
    }
    let lead = line.len() - trimmed.len();
    let marker = list_marker(trimmed).unwrap_or(0);
    let indent = " ".repeat(lead + marker);
    let mut current = line[..lead].to_owned();
    let mut length = lead;
    // Words on the current line; a list item's marker keeps its first word with it (a
    // marker alone would be an empty item).
    let mut words = 0;
    let mut keep = if marker > 0 { 2 } else { 1 };
    for word in trimmed.split(' ') {
        let fits = length + 1 + word.chars().count() <= WIDTH;
        if words >= keep && !fits && !starts_block(word) {
            out.push(std::mem::replace(&mut current, indent.clone()));
            length = indent.len();
            words = 0;
            keep = 1;
        } else if words > 0 {
            current.push(' ');
            length += 1;
        }
        current.push_str(word);
        length += word.chars().count();
        words += 1;
    }
    out.push(current);
}

/// Whether a word at the start of a line would begin a block of its own.
fn starts_block(word: &str) -> bool {
    matches!(word, "-" | "*" | "+" | ">" | "=" | "|")
        || word.starts_with('#')
        || word.starts_with("```")
        || word.starts_with("~~~")
        || (word.ends_with('.') || word.ends_with(')'))
            && word.len() > 1
            && word[..word.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Makes spec text safe to use as rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<&str> = None;
    // The text column of the list item the previous lines belong to.
    let mut list_item: Option<usize> = None;
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
            list_item = None;
            out.push_str(marker);
            out.push_str("text");
        } else {
            let line = line.trim_end();
            if line.is_empty() || ends_list_item(line) {
                list_item = None;
            } else if let Some(width) = list_marker(line) {
                list_item = Some(width);
            } else if let Some(width) = list_item {
                // A line that goes on with a list item's text: indented to that text, as
                // in the spec, not left lazy at the margin.
                out.extend(std::iter::repeat_n(' ', width));
            }
            out.push_str(&escape_line(line));
        }
        out.push('\n');
    }
    if let Some(marker) = fence {
        out.push_str(marker);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// Whether `line`, at the margin after a list item, starts a block of its own rather than
/// going on with the item's text: a heading (`## Errors`) or a thematic break (`---`).
fn ends_list_item(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    let heading =
        (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), None | Some(b' '));
    let rule = ['-', '*', '_'].into_iter().any(|c| {
        line.chars().all(|x| x == c || x == ' ') && line.chars().filter(|&x| x == c).count() >= 3
    });
    heading || rule
}

/// The width of the list marker `line` starts with, up to its text (`- ` is 2, `10. ` is
/// 4, `*   ` is 4), if it starts with one: `-`, `*` or `+`, or one to nine digits and `.`
/// or `)`, followed by one to four spaces (more make the text an indented code block).
fn list_marker(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    let spaces = line[marker..].bytes().take_while(|&b| b == b' ').count();
    match spaces {
        1..=4 if spaces < line.len() - marker => Some(marker + spaces),
        _ => None,
    }
}

/// `text` with the code points that reorder text on screen (bidirectional overrides and
/// isolates) written as `U+202E`: rustc refuses them in comments, as they can make code
/// read differently from what it is.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => format!("U+{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
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
        match word.find("http://").or_else(|| word.find("https://")) {
            Some(start) => autolink(word, start, out),
            None => escape_chars(word, out),
        }
        if words.peek().is_some() {
            out.push(' ');
        }
    }
}

/// Writes `word`, whose URL starts at `start`, with the URL as an autolink (`<https://…>`)
/// and the rest escaped. The URL ends before whitespace, quotes, angle brackets, or a
/// closing parenthesis or bracket it did not open (so `(see https://x.io/a_(b))` keeps
/// the link's own parentheses); trailing punctuation is left out of it.
fn autolink(word: &str, start: usize, out: &mut String) {
    let (before, rest) = word.split_at(start);
    let mut depth = 0_i32;
    let end = rest
        .char_indices()
        .find(|&(_, c)| match c {
            '(' | '[' => {
                depth += 1;
                false
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                false
            }
            c => c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'),
        })
        .map_or(rest.len(), |(index, _)| index);
    let (url, after) = rest.split_at(end);
    let url = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    let after = rest.get(url.len()..).unwrap_or(after);
    // Already an autolink in the spec: `<https://…>` stays one.
    let (before, after) = match (before.strip_suffix('<'), after.strip_prefix('>')) {
        (Some(before), Some(after)) => (before, after),
        _ => (before, after),
    };
    escape_chars(before, out);
    out.push('<');
    out.push_str(url);
    out.push('>');
    escape_chars(after, out);
}

fn escape_chars(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' | '>' | '[' | ']' | '\\' | '|' => {
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
    fn urls_become_autolinks_once() {
        assert_eq!(
            sanitize("See https://example.com/a_(b)_c. Or <https://example.com>, (http://x.io)."),
            "See <https://example.com/a_(b)_c>. Or <https://example.com>, (<http://x.io>)."
        );
    }

    #[test]
    fn text_direction_overrides_are_shown_not_applied() {
        assert_eq!(doc_lines("a\u{202E}b\u{2066}c"), [" aU+202EbU+2066c"]);
    }

    #[test]
    fn long_lines_wrap_between_words_and_list_items_keep_their_indentation() {
        let long = "word ".repeat(30);
        let lines = doc_lines(&format!("{long}\n\n- {long}\n\n| a | b |{long}"));
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= WIDTH + 1 || l.starts_with(" |"))
        );
        let item: Vec<&String> = lines
            .iter()
            .skip_while(|l| !l.starts_with(" - "))
            .take(2)
            .collect();
        assert!(item[1].starts_with("   word"), "{item:?}");
        // A list marker is never left at the start of a wrapped line.
        let tricky = format!("{} - not a list", "x".repeat(WIDTH - 3));
        assert!(
            doc_lines(&tricky)
                .iter()
                .all(|l| !l.trim_start().starts_with("- "))
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        assert_eq!(doc_lines("`a\rb`\r\nc"), [" `a", " b`", " c"]);
    }

    #[test]
    fn wrapped_list_items_are_indented_to_their_text() {
        let spec = "Values:\n* `files` - only the files that\n      match\n* `folders` returns\nonly folders";
        let docs = "Values:\n* `files` - only the files that\n  match\n* `folders` returns\n  only folders";
        assert_eq!(sanitize(spec), docs);
        assert_eq!(
            sanitize("1. create, which takes\n a name\n10. then\nupload\n2) last\n   line"),
            "1. create, which takes\n   a name\n10. then\n    upload\n2) last\n   line"
        );
        // The text column counts the spaces after the marker; nested items are flattened.
        assert_eq!(
            sanitize("-   wide\n      more\n  - nested\n    more"),
            "-   wide\n    more\n- nested\n  more"
        );
    }

    #[test]
    fn a_list_marker_keeps_its_first_word_however_long() {
        let long = format!("`{}`:", "x".repeat(WIDTH));
        let lines = doc_lines(&format!("- {long} why it was left out"));
        assert_eq!(
            lines,
            [format!(" - {long}"), "   why it was left out".to_owned()]
        );
    }

    #[test]
    fn a_list_item_ends_at_a_blank_line_heading_rule_or_fence() {
        for text in [
            "- item\n\nparagraph",
            "- item\n## Heading",
            "- item\n---\nafter",
            "- item\n```text\ncode\n```",
        ] {
            assert_eq!(sanitize(text), text);
        }
        assert_eq!(sanitize("* * *\nafter"), "* * *\nafter");
    }

    #[test]
    fn text_that_only_looks_like_a_list_marker_is_not_one() {
        for text in [
            "-5 degrees\nnext",
            "1.5 is a number\nnext",
            "**bold**\nnext",
            "1234567890. too many digits\nnext",
            "#hashtag\nnext",
        ] {
            assert_eq!(sanitize(text), text);
        }
        assert_eq!(list_marker("-     five spaces"), None);
        assert_eq!(list_marker("- "), None);
        assert_eq!(list_marker("123456789. nine digits"), Some(11));
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
