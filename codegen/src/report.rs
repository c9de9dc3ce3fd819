//! Diagnostics shown the way rustc shows its own: the message, the file with line and
//! column, the spec's line with the node underlined, and the JSON pointer as a note.
//!
//! ```text
//! error: `$ref: #/components/schemas/Owner` points to a schema that does not exist
//!   --> spec.yaml:12:9
//!    |
//! 12 |         owner: { $ref: '#/components/schemas/Owner' }
//!    |         ^^^^^
//!    |
//!    = note: at #/components/schemas/Pet/properties/owner
//! ```

use annotate_snippets::{
    AnnotationKind, Group, Level, Origin, Renderer, Snippet, normalize_untrusted_str,
};

use crate::diagnostic::{Diagnostic, Location, Severity};

/// Whether rendered text is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Plain text: for files, pipes and tests.
    Never,
    /// ANSI colours: for a terminal.
    Ansi,
}

/// `diagnostic` as rustc would show it, found in `spec` (the spec's text) read from `path`
/// (as it is to be shown). Text from the spec is shown with control characters made
/// visible, so a hostile spec cannot drive the terminal. Ends without a line break.
pub fn render(diagnostic: &Diagnostic, spec: &str, path: &str, colour: Colour) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(diagnostic.message.as_str());
    let note = normalize_untrusted_str(&format!("at {}", diagnostic.pointer));
    let group = match diagnostic.location {
        Some(at) => match snippet(spec, path, at) {
            Some(snippet) => title.element(snippet),
            None => title.element(Origin::path(path).line(at.line).char_column(at.column)),
        },
        None => title.element(Origin::path(path)),
    };
    let report: [Group<'_>; 1] = [group.element(Level::NOTE.message(note))];
    let renderer = match colour {
        Colour::Never => Renderer::plain(),
        Colour::Ansi => Renderer::styled(),
    };
    renderer.render(&report)
}

/// The line of `at` with the node underlined (on its first line, for a node that spans
/// several); `None` when the text has no such line.
fn snippet<'a>(
    spec: &'a str,
    path: &'a str,
    at: Location,
) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
    let line = nth_line(spec, at.line)?;
    let start = byte_of_column(line, at.column)?;
    let end = if at.end_line == at.line {
        byte_of_column(line, at.end_column).unwrap_or(line.len())
    } else {
        line.len()
    };
    // A point is underlined by its character (if the line has one there).
    let end = match line[start..].chars().next() {
        Some(c) if end <= start => start + c.len_utf8(),
        _ => end.max(start),
    };
    Some(
        Snippet::source(line)
            .line_start(at.line)
            .path(path)
            .annotation(AnnotationKind::Primary.span(start..end)),
    )
}

/// Line `number` (from 1) of `text`, without its line break; lines end at `\n`, `\r\n` or
/// a lone `\r`, as in YAML.
fn nth_line(text: &str, number: usize) -> Option<&str> {
    let mut rest = text;
    for _ in 1..number {
        let end = rest.find(['\n', '\r'])?;
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + skip..];
    }
    Some(&rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())])
}

/// The byte offset of `column` (from 1, in characters) in `line`; the line's end is the
/// column after its last character.
fn byte_of_column(line: &str, column: usize) -> Option<usize> {
    let index = column.checked_sub(1)?;
    line.char_indices()
        .map(|(offset, _)| offset)
        .chain([line.len()])
        .nth(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pointer;

    fn at(line: usize, column: usize, end_column: usize) -> Option<Location> {
        Some(Location {
            line,
            column,
            end_line: line,
            end_column,
        })
    }

    fn diagnostic(location: Option<Location>) -> Diagnostic {
        let pointer = Pointer::root().push("paths").push("/pets");
        let mut diagnostic = Diagnostic::error(&pointer, "the path is odd");
        diagnostic.location = location;
        diagnostic
    }

    const SPEC: &str = "openapi: 3.0.3\r\npaths:\r  /pets: {}\n";

    #[test]
    fn the_node_is_underlined_on_its_line() {
        let shown = render(&diagnostic(at(3, 3, 8)), SPEC, "spec.yaml", Colour::Never);
        let expected = "\
error: the path is odd
 --> spec.yaml:3:3
  |
3 |   /pets: {}
  |   ^^^^^
  |
  = note: at #/paths/~1pets";
        assert_eq!(shown, expected);
    }

    #[test]
    fn a_point_is_underlined_by_its_character_and_past_the_end_by_a_caret() {
        let point = render(&diagnostic(at(1, 10, 10)), SPEC, "s.yaml", Colour::Never);
        assert!(
            point.contains("1 | openapi: 3.0.3\n  |          ^\n"),
            "{point}"
        );
        let past = render(&diagnostic(at(4, 1, 1)), SPEC, "s.yaml", Colour::Never);
        assert!(past.contains(" --> s.yaml:4:1\n"), "{past}");
    }

    #[test]
    fn without_a_line_the_file_alone_is_named() {
        let nowhere = render(&diagnostic(None), SPEC, "s.yaml", Colour::Never);
        assert!(nowhere.contains(" --> s.yaml\n"), "{nowhere}");
        assert!(nowhere.ends_with("= note: at #/paths/~1pets"), "{nowhere}");
        let beyond = render(&diagnostic(at(40, 2, 3)), SPEC, "s.yaml", Colour::Never);
        assert!(beyond.contains(" --> s.yaml:40:2\n"), "{beyond}");
    }

    #[test]
    fn colour_is_only_there_when_asked_for_and_control_characters_never() {
        let mut hostile = diagnostic(at(1, 1, 2));
        hostile.message = "bad \u{1b}[2J name".to_owned();
        let plain = render(&hostile, "\u{1b}[31m: 1\n", "s.yaml", Colour::Never);
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        let coloured = render(&diagnostic(at(3, 3, 8)), SPEC, "s.yaml", Colour::Ansi);
        assert!(coloured.contains('\u{1b}'), "{coloured:?}");
    }

    #[test]
    fn lines_are_split_as_yaml_splits_them() {
        assert_eq!(nth_line(SPEC, 2), Some("paths:"));
        assert_eq!(nth_line(SPEC, 3), Some("  /pets: {}"));
        assert_eq!(nth_line(SPEC, 4), Some(""));
        assert_eq!(nth_line(SPEC, 5), None);
        assert_eq!(byte_of_column("é: x", 2), Some(2));
        assert_eq!(byte_of_column("ab", 3), Some(2));
        assert_eq!(byte_of_column("ab", 4), None);
    }
}
