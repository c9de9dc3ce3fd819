//! How `cargo xtask codegen` shows a spec's problems: as rustc shows its own (the default:
//! the message, the file, line and column, the spec's line with the node underlined, the
//! JSON pointer as a note), or with `--message-format json` as one JSON object per line
//! on stdout, for editors and CI annotations.

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::str::FromStr;

use codegen::report::{Colour, render};
use codegen::{Diagnostic, Severity};

/// How many warnings are shown one by one before the rest are only counted (all are
/// written in JSON).
const WARNINGS_SHOWN: usize = 10;

/// `--message-format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MessageFormat {
    /// Rendered for people, on stderr.
    #[default]
    Human,
    /// One JSON object per diagnostic and line, on stdout; other messages go to stderr.
    Json,
}

impl FromStr for MessageFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "human" => Ok(Self::Human),
            "json" => Ok(Self::Json),
            other => Err(format!(
                "unknown message format `{other}`: use `human` or `json`"
            )),
        }
    }
}

/// Shows the diagnostics of one spec.
#[derive(Debug)]
pub struct Report<'a> {
    format: MessageFormat,
    /// The spec's path, as shown.
    path: &'a str,
    /// The spec's text.
    spec: &'a str,
    colour: Colour,
}

impl<'a> Report<'a> {
    /// A report on the spec at `path` (as shown) with text `spec`, coloured when stderr is
    /// a terminal and `NO_COLOR` is not set.
    pub fn new(format: MessageFormat, path: &'a str, spec: &'a str) -> Self {
        let no_color = std::env::var_os("NO_COLOR");
        Self {
            format,
            path,
            spec,
            colour: colour(std::io::stderr().is_terminal(), no_color.as_deref()),
        }
    }

    /// Shows the warnings of a spec that generated.
    pub fn warnings(&self, diagnostics: &[Diagnostic]) {
        self.show(diagnostics);
    }

    /// Shows the problems of a spec that did not generate; the message to end with.
    pub fn refused(&self, error: &codegen::Error) -> String {
        let diagnostics = error.diagnostics();
        if diagnostics.is_empty() {
            return format!("{}: {error}\nnothing was written", self.path);
        }
        self.show(diagnostics);
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let plural = if errors == 1 { "" } else { "s" };
        format!(
            "{}: the API description has {errors} problem{plural}; nothing was written",
            self.path
        )
    }

    /// A message that is not a diagnostic ("… is up to date"): on stdout, unless stdout
    /// carries JSON.
    pub fn status(&self, message: &str) {
        match self.format {
            MessageFormat::Human => println!("{message}"),
            MessageFormat::Json => eprintln!("{message}"),
        }
    }

    fn show(&self, diagnostics: &[Diagnostic]) {
        // A closed pipe is no reason to fail the run, nor to panic as `println!` would.
        let _ = match self.format {
            MessageFormat::Human => self.write_human(&mut std::io::stderr().lock(), diagnostics),
            MessageFormat::Json => self.write_json(&mut std::io::stdout().lock(), diagnostics),
        };
    }

    /// Every error and the first [`WARNINGS_SHOWN`] warnings rendered, then how many more
    /// warnings there are.
    fn write_human(&self, out: &mut impl Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        let mut warnings = 0;
        for diagnostic in diagnostics {
            if diagnostic.severity == Severity::Warning {
                warnings += 1;
                if warnings > WARNINGS_SHOWN {
                    continue;
                }
            }
            let shown = render(diagnostic, self.spec, self.path, self.colour);
            writeln!(out, "{shown}\n")?;
        }
        if warnings > WARNINGS_SHOWN {
            writeln!(
                out,
                "warning: {}: {} more warning(s) like these",
                self.path,
                warnings - WARNINGS_SHOWN
            )?;
        }
        Ok(())
    }

    /// One JSON object per diagnostic and line.
    fn write_json(&self, out: &mut impl Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        for diagnostic in diagnostics {
            writeln!(out, "{}", json(self.path, diagnostic))?;
        }
        Ok(())
    }
}

/// Whether to colour: on a terminal, unless `NO_COLOR` is set to anything but the empty
/// string (<https://no-color.org>).
fn colour(is_terminal: bool, no_color: Option<&OsStr>) -> Colour {
    let no_color = no_color.is_some_and(|value| !value.is_empty());
    if is_terminal && !no_color {
        Colour::Ansi
    } else {
        Colour::Never
    }
}

/// `diagnostic` as a JSON object: file, severity, pointer, line, column (1-based, in
/// characters; `null` when the text has no node to point at), where the node ends
/// (`end_line`, `end_column`, exclusive) and the message.
fn json(path: &str, diagnostic: &Diagnostic) -> serde_json::Value {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let at = diagnostic.location;
    serde_json::json!({
        "file": path,
        "severity": severity,
        "pointer": diagnostic.pointer.to_string(),
        "line": at.map(|at| at.line),
        "column": at.map(|at| at.column),
        "end_line": at.map(|at| at.end_line),
        "end_column": at.map(|at| at.end_column),
        "message": diagnostic.message,
    })
}

#[cfg(test)]
mod tests {
    use codegen::{Location, Pointer};

    use super::*;

    const SPEC: &str = "openapi: 3.0.3\npaths:\n  pets: {}\n";

    fn warning(number: usize) -> Diagnostic {
        let mut warning = Diagnostic::warning(
            &Pointer::root().push("paths").push("pets"),
            format!("odd thing {number}"),
        );
        warning.location = Some(Location {
            line: 3,
            column: 3,
            end_line: 3,
            end_column: 7,
        });
        warning
    }

    fn report(format: MessageFormat) -> Report<'static> {
        Report {
            format,
            path: "spec.yaml",
            spec: SPEC,
            colour: Colour::Never,
        }
    }

    #[test]
    fn warnings_past_the_tenth_are_counted_in_text_and_all_written_in_json() {
        let warnings: Vec<Diagnostic> = (1..=12).map(warning).collect();
        let mut text = Vec::new();
        let written = report(MessageFormat::Human).write_human(&mut text, &warnings);
        let text = String::from_utf8_lossy(&text);
        assert!(written.is_ok());
        assert_eq!(text.matches("warning: odd thing").count(), 10, "{text}");
        assert!(
            text.contains("odd thing 10\n") && !text.contains("odd thing 11"),
            "{text}"
        );
        assert!(text.contains(" --> spec.yaml:3:3\n"), "{text}");
        assert!(
            text.ends_with("warning: spec.yaml: 2 more warning(s) like these\n"),
            "{text}"
        );

        let mut json = Vec::new();
        let written = report(MessageFormat::Json).write_json(&mut json, &warnings);
        assert!(written.is_ok());
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&json)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_default())
            .collect();
        assert_eq!(lines.len(), 12);
        assert_eq!(
            lines[11],
            serde_json::json!({
                "file": "spec.yaml", "severity": "warning", "pointer": "#/paths/pets",
                "line": 3, "column": 3, "end_line": 3, "end_column": 7,
                "message": "odd thing 12",
            })
        );
    }

    #[test]
    fn a_diagnostic_without_a_location_has_null_lines_in_json() {
        let nowhere = Diagnostic::error(&Pointer::root(), "empty");
        let line = json("spec.yaml", &nowhere);
        assert_eq!(line["line"], serde_json::Value::Null);
        assert_eq!(line["pointer"], "#");
        assert_eq!(line["severity"], "error");
    }

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        assert_eq!(colour(true, None), Colour::Ansi);
        assert_eq!(colour(true, Some(OsStr::new(""))), Colour::Ansi);
        assert_eq!(colour(true, Some(OsStr::new("1"))), Colour::Never);
        assert_eq!(colour(false, None), Colour::Never);
    }

    #[test]
    fn message_formats_are_named_human_and_json() {
        assert_eq!("human".parse(), Ok(MessageFormat::Human));
        assert_eq!("json".parse(), Ok(MessageFormat::Json));
        assert!("short".parse::<MessageFormat>().is_err());
    }
}
