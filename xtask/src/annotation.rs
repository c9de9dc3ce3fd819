//! Problems as GitHub Actions annotations.
//!
//! On GitHub Actions (`GITHUB_ACTIONS=true`) a line such as
//! `::error file=spec/unified-connection.yaml,line=12,col=5::message` on standard output
//! becomes an annotation on that file in the run's summary and in a pull request's diff.
//! The format and its escaping are GitHub's "workflow commands"; they are a few lines of
//! text, so they are written here rather than pulled in with a toolkit crate.

use codegen::Severity;

/// A place in a file, 1-based, as an annotation points to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line.
    pub line: usize,
    /// The column, when known.
    pub column: Option<usize>,
}

/// Whether this process runs as a step of a GitHub Actions workflow.
pub fn on_github_actions() -> bool {
    std::env::var_os("GITHUB_ACTIONS").is_some_and(|value| value == "true")
}

/// The workflow command that annotates `file` (a path relative to the repository's root)
/// with `message`: at `position` when one is known, otherwise the whole file.
pub fn workflow_command(
    severity: Severity,
    file: &str,
    position: Option<Position>,
    message: &str,
) -> String {
    let command = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = format!("file={}", escape_property(file));
    if let Some(position) = position {
        properties.push_str(&format!(",line={}", position.line));
        if let Some(column) = position.column {
            properties.push_str(&format!(",col={column}"));
        }
    }
    format!("::{command} {properties}::{}", escape_data(message))
}

/// Prints [`workflow_command`]'s line when running on GitHub Actions; elsewhere nothing, as
/// the same problem is also printed for people.
pub fn annotate(severity: Severity, file: &str, position: Option<Position>, message: &str) {
    if on_github_actions() {
        println!("{}", workflow_command(severity, file, position, message));
    }
}

/// A message: `%`, carriage returns and line feeds are percent-encoded, so that a message
/// of several lines stays one command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property's value: as a message, and `:` and `,` too, which end a property.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_level_annotation_has_no_line() {
        assert_eq!(
            workflow_command(
                Severity::Warning,
                "spec/unified-connection.yaml",
                None,
                "#/paths/~1pets/get: no operationId"
            ),
            "::warning file=spec/unified-connection.yaml::#/paths/~1pets/get: no operationId"
        );
    }

    #[test]
    fn a_position_adds_line_and_column() {
        let at = |line, column| Some(Position { line, column });
        assert_eq!(
            workflow_command(Severity::Error, "spec.yaml", at(12, Some(5)), "bad"),
            "::error file=spec.yaml,line=12,col=5::bad"
        );
        assert_eq!(
            workflow_command(Severity::Error, "spec.yaml", at(12, None), "bad"),
            "::error file=spec.yaml,line=12::bad"
        );
    }

    #[test]
    fn messages_and_paths_are_escaped() {
        assert_eq!(
            workflow_command(
                Severity::Error,
                "dir,with:odd%name.yaml",
                None,
                "100% sure:\r\nsecond line, still one command"
            ),
            "::error file=dir%2Cwith%3Aodd%25name.yaml::100%25 sure:%0D%0Asecond line, still one command"
        );
    }
}
