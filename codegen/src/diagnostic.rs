//! Problems found in a spec, each tied to the place in the document it concerns.

use std::fmt;

/// A location in the spec, as a JSON pointer (`#/components/schemas/Connection/properties/auth`).
///
/// Segments are escaped as RFC 6901 requires (`~` as `~0`, `/` as `~1`), so a path like
/// `/unified/connection/{id}` appears as `#/paths/~1unified~1connection~1{id}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// The pointer a local `$ref` names (`#/components/schemas/Connection`), its `%xx`
    /// escapes decoded as in any URI fragment; `None` when the reference is not a JSON
    /// pointer into this document (another file, a URL, an anchor such as `#node`).
    pub fn from_ref(reference: &str) -> Option<Self> {
        let fragment = reference.strip_prefix('#')?;
        let decoded = percent_decode(fragment);
        (decoded.is_empty() || decoded.starts_with('/')).then_some(Self(decoded))
    }

    /// The pointer in RFC 6901 form, without the leading `#` (`/components/schemas/A`), as
    /// `serde_json::Value::pointer` takes it.
    pub fn as_json_pointer(&self) -> &str {
        &self.0
    }

    /// The last segment, unescaped (`Connection` for `#/components/schemas/Connection`).
    pub fn last(&self) -> Option<String> {
        self.segments().last()
    }

    /// This pointer with one more segment.
    #[must_use]
    pub fn push(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string();
        let mut text = String::with_capacity(self.0.len() + segment.len() + 1);
        text.push_str(&self.0);
        text.push('/');
        for c in segment.chars() {
            match c {
                '~' => text.push_str("~0"),
                '/' => text.push_str("~1"),
                c => text.push(c),
            }
        }
        Self(text)
    }

    /// `self` with its leading `prefix` replaced by `by`, when `self` is `prefix` or below
    /// it.
    pub fn rebase(&self, prefix: &Pointer, by: &Pointer) -> Option<Self> {
        let rest = self.0.strip_prefix(&prefix.0)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| Self(format!("{}{rest}", by.0)))
    }

    /// The unescaped segments after `#`.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
    }
}

/// Decodes `%xx` escapes; text that does not decode to UTF-8 is kept as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(decoded) if byte == b'%' => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The spec was read, but something in it was odd and had to be interpreted.
    Warning,
    /// The spec cannot be turned into a client.
    Error,
}

/// Where a node is in the spec's text, in 1-based lines and columns (columns count
/// characters): from its start to just after it, where a mapping entry is its key, a list
/// item that is a collection its first token, and a syntax error a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The line the node starts on.
    pub line: usize,
    /// The column the node starts at.
    pub column: usize,
    /// The line the node ends on.
    pub end_line: usize,
    /// The column just after the node's last character (equal to `column` for a point).
    pub end_column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One problem in a spec: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Where in the spec.
    pub pointer: Pointer,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Where [`pointer`](Self::pointer) is in the spec's text (or its nearest ancestor that
    /// is there); filled in by [`crate::load()`] and [`crate::generate()`], or by
    /// [`crate::place()`] for the steps run one by one.
    pub location: Option<Location>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: &Pointer, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pointer: pointer.clone(),
            message: message.into(),
            location: None,
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: &Pointer, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            pointer: pointer.clone(),
            message: message.into(),
            location: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.location {
            Some(at) => write!(f, "{label}: {at}: {}: {}", self.pointer, self.message),
            None => write!(f, "{label}: {}: {}", self.pointer, self.message),
        }
    }
}

/// Collects diagnostics while a pass walks the spec, so that every problem is reported,
/// not only the first.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Parts of the document that were copied before being read (a path item a `$ref`
    /// names, copied where it is used): where the copy is, and where it is written.
    copies: Vec<(Pointer, Pointer)>,
}

impl Diagnostics {
    /// Records an error.
    pub fn error(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.items.push(Diagnostic::error(pointer, message));
    }

    /// Records a warning.
    pub fn warning(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.items.push(Diagnostic::warning(pointer, message));
    }

    /// Records a diagnostic made elsewhere.
    pub fn push_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// How many errors were recorded.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Records that what is at `copy` was copied from `original`: problems found in the
    /// copy are reported where the document has them.
    pub fn copied(&mut self, copy: Pointer, original: Pointer) {
        self.copies.push((copy, original));
    }

    /// Everything recorded, in the order found, each at its place in the document.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        let Self { mut items, copies } = self;
        for item in &mut items {
            if let Some(original) = copies
                .iter()
                .find_map(|(copy, original)| item.pointer.rebase(copy, original))
            {
                item.pointer = original;
            }
        }
        items
    }
}
