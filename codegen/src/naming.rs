//! Rust identifiers for names found in a spec.
//!
//! Every name a spec can hold (keywords, leading digits, punctuation, unicode, the empty
//! string) maps to a valid, readable identifier, and [`Namespace`] keeps the names of one
//! scope apart deterministically: the first claimant keeps the plain name, later ones get
//! a numeric suffix.

use std::collections::{HashMap, HashSet};
use std::fmt;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers, in any edition the generated code may be built with.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether cargo refuses `name` as a package's name although its characters are fine: a
/// Rust keyword, or the name of a crate Rust ships (`std`, `test`, ...), once `-` is `_`.
pub(crate) fn is_refused_package_name(name: &str) -> bool {
    const BUILT_IN: [&str; 5] = ["alloc", "core", "proc_macro", "std", "test"];
    let name = name.replace('-', "_");
    KEYWORDS.contains(&name.as_str()) || BUILT_IN.contains(&name.as_str())
}

/// Type names the generated crate uses itself (prelude, std and runtime items, and the
/// types it defines whatever the spec), which a schema must not shadow
/// (`lower::reserved_names` checks the generated code and the runtime's exports use no
/// other).
pub(crate) const RESERVED_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "ApiError",
    "BTreeMap",
    "Box",
    "Client",
    "ClientBuilder",
    "Clone",
    "Copy",
    "DateTime",
    "DecodeError",
    "Default",
    "Debug",
    "Deserialize",
    "Deserializer",
    "Display",
    "Download",
    "Drop",
    "Eq",
    "Err",
    "Error",
    "ErrorBody",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromStr",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "NaiveDate",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Problem",
    "Response",
    "Result",
    "RetryPolicy",
    "Self",
    "Send",
    "Serialize",
    "Serializer",
    "Server",
    "Sized",
    "Some",
    "Stream",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Transport",
    "Unpin",
    "Upload",
    "Utc",
    "Value",
    "Vec",
];

/// A Rust identifier of the generated crate: ASCII letters, digits and `_`, starting with
/// a letter, and no keyword.
///
/// Only the generator's naming module makes one (from a name of the spec, from pieces that
/// are identifiers already, or by claiming one in a scope), so every name the model holds
/// can become a [`proc_macro2::Ident`] without a check that could fail.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustIdent(String);

impl RustIdent {
    /// The identifier's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier as a token.
    pub fn to_ident(&self) -> proc_macro2::Ident {
        proc_macro2::Ident::new(&self.0, proc_macro2::Span::call_site())
    }
}

impl std::ops::Deref for RustIdent {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for RustIdent {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RustIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RustIdent {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for RustIdent {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl PartialEq<RustIdent> for String {
    fn eq(&self, other: &RustIdent) -> bool {
        *self == other.0
    }
}

impl PartialEq<&str> for RustIdent {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// An `UpperCamelCase` name for a type or enum variant.
pub fn type_name(raw: &str) -> RustIdent {
    let name = words(raw).to_upper_camel_case();
    RustIdent(match name.chars().next() {
        None => "Empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{name}"),
        Some(_) if name == "Self" => "SelfValue".to_owned(),
        Some(_) => name,
    })
}

/// A `snake_case` name for a field, method, parameter or module.
pub fn snake_name(raw: &str) -> RustIdent {
    let name = words(raw).to_snake_case();
    RustIdent(match name.chars().next() {
        None => "empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("n{name}"),
        Some(_) if KEYWORDS.contains(&name.as_str()) => format!("{name}_"),
        Some(_) => name,
    })
}

/// An identifier made of pieces that are identifiers or ASCII words already, written one
/// after the other as they are (`GetPet` and `Response` make `GetPetResponse`; `as_` and
/// `cat` make `as_cat`).
///
/// Characters that cannot be in an identifier are left out; a result that would still not
/// be one is made one as [`snake_name`] does (`n` before a leading digit or `_`, `_`
/// after a keyword, `empty` for nothing).
pub fn compose(pieces: &[&str]) -> RustIdent {
    let name: String = pieces
        .iter()
        .flat_map(|piece| piece.chars())
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    RustIdent(match name.chars().next() {
        None => "empty".to_owned(),
        Some(c) if !c.is_ascii_alphabetic() => format!("n{name}"),
        Some(_) if KEYWORDS.contains(&name.as_str()) => format!("{name}_"),
        Some(_) => name,
    })
}

/// A method name made of another and a suffix: the name loses a trailing `_` before it
/// (`type_` and `stream` make `type_stream`; `list_pets` and `with_response` make
/// `list_pets_with_response`).
pub fn suffixed_method(name: &RustIdent, suffix: &str) -> RustIdent {
    compose(&[name.trim_end_matches('_'), "_", suffix])
}

/// A `kebab-case` ASCII name for a cargo feature (`Hris Employee` -> `hris-employee`).
pub fn feature_name(raw: &str) -> String {
    let name = words(raw).to_kebab_case();
    if name.is_empty() {
        "empty".to_owned()
    } else {
        name
    }
}

/// Rewrites a raw name into space-separated ASCII words for heck.
///
/// In a name with letters or digits, punctuation separates words, a sign in front of a
/// number is spelled out (`+1` and `-1` stay apart), accented Latin letters lose their
/// accents (`café` -> `cafe`) and other letters become their code point (`名` -> `u540d`),
/// so the result is ASCII, stable and readable. A name of symbols only is spelled out
/// symbol by symbol (`*/` -> `star slash`, `🐶` -> `u1f436`), so it never becomes nothing.
fn words(raw: &str) -> String {
    if !raw.chars().any(char::is_alphanumeric) {
        return raw.chars().map(symbol_word).collect::<Vec<_>>().join(" ");
    }
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '+' => out.push_str(" plus "),
            '-' if at_start && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str(" minus ");
            }
            c if c.is_alphanumeric() => match latin_letter(c) {
                Some(ascii) => out.push_str(ascii),
                None => out.push_str(&format!(" u{:04x} ", u32::from(c))),
            },
            _ => out.push(' '),
        }
        at_start = false;
    }
    out
}

/// The word for a symbol in a name made only of symbols.
fn symbol_word(c: char) -> String {
    let word = match c {
        ' ' => "space",
        '!' => "bang",
        '"' => "quote",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '\'' => "apostrophe",
        '(' => "open paren",
        ')' => "close paren",
        '*' => "star",
        '+' => "plus",
        ',' => "comma",
        '-' => "minus",
        '.' => "dot",
        '/' => "slash",
        ':' => "colon",
        ';' => "semicolon",
        '<' => "lt",
        '=' => "eq",
        '>' => "gt",
        '?' => "question",
        '@' => "at",
        '[' => "open bracket",
        '\\' => "backslash",
        ']' => "close bracket",
        '^' => "caret",
        '_' => "underscore",
        '`' => "backtick",
        '{' => "open brace",
        '|' => "pipe",
        '}' => "close brace",
        '~' => "tilde",
        c => return format!("u{:04x}", u32::from(c)),
    };
    word.to_owned()
}

/// The ASCII spelling of an accented Latin letter, keeping its case.
fn latin_letter(c: char) -> Option<&'static str> {
    const LETTERS: &[(&str, &str, &str)] = &[
        ("àáâãäåāăą", "a", "A"),
        ("æ", "ae", "Ae"),
        ("çćĉċč", "c", "C"),
        ("ďđð", "d", "D"),
        ("èéêëēĕėęě", "e", "E"),
        ("ĝğġģ", "g", "G"),
        ("ĥħ", "h", "H"),
        ("ìíîïĩīĭįı", "i", "I"),
        ("ĵ", "j", "J"),
        ("ķ", "k", "K"),
        ("ĺļľŀł", "l", "L"),
        ("ñńņňŉ", "n", "N"),
        ("òóôõöøōŏő", "o", "O"),
        ("œ", "oe", "Oe"),
        ("ŕŗř", "r", "R"),
        ("śŝşš", "s", "S"),
        ("ß", "ss", "Ss"),
        ("ţťŧ", "t", "T"),
        ("þ", "th", "Th"),
        ("ùúûüũūŭůűų", "u", "U"),
        ("ŵ", "w", "W"),
        ("ýÿŷ", "y", "Y"),
        ("źżž", "z", "Z"),
    ];
    let lower = c.to_lowercase().next()?;
    let (_, small, capital) = LETTERS
        .iter()
        .find(|(letters, _, _)| letters.contains(lower))?;
    Some(if c.is_uppercase() { capital } else { small })
}

/// The names already taken in one scope (the crate's types, a struct's fields, an enum's
/// variants, the client's methods).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
    /// For each base that was claimed twice, the next suffix to try: many names that
    /// collide on one base would otherwise make claiming quadratic.
    next_suffix: HashMap<String, u32>,
}

impl Namespace {
    /// A scope in which the generated crate's own type names are already taken.
    pub fn for_types() -> Self {
        Self {
            taken: RESERVED_TYPES.iter().map(|s| (*s).to_owned()).collect(),
            next_suffix: HashMap::new(),
        }
    }

    /// Reserves `name` without claiming anything else.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Claims `base` if free, else the first free `base2`, `base3`, ... (`base_2` for
    /// snake_case names, so the suffix stays readable).
    pub fn claim(&mut self, base: &RustIdent) -> RustIdent {
        let base = base.as_str();
        if self.taken.insert(base.to_owned()) {
            return RustIdent(base.to_owned());
        }
        let snake = base.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let trimmed = base.trim_end_matches('_');
        let mut n = self.next_suffix.get(base).copied().unwrap_or(2);
        loop {
            let candidate = if snake {
                format!("{trimmed}_{n}")
            } else {
                format!("{trimmed}{n}")
            };
            n = n.saturating_add(1);
            if self.taken.insert(candidate.clone()) {
                self.next_suffix.insert(base.to_owned(), n);
                // A valid identifier without its trailing `_`s, followed by digits, is
                // one too, and a keyword has no digit.
                return RustIdent(candidate);
            }
        }
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_valid_identifiers() {
        let cases = [
            ("type", "type_", "Type"),
            ("self", "self_", "SelfValue"),
            ("Self", "self_", "SelfValue"),
            ("crate", "crate_", "Crate"),
            ("async", "async_", "Async"),
            ("gen", "gen_", "Gen"),
            ("1st", "n1st", "V1st"),
            (
                "foo-bar.baz qux/quux",
                "foo_bar_baz_qux_quux",
                "FooBarBazQuxQuux",
            ),
            ("", "empty", "Empty"),
            ("+1", "plus_1", "Plus1"),
            ("-1", "minus_1", "Minus1"),
            ("café", "cafe", "Cafe"),
            ("Ünïcödé Nämé", "unicode_name", "UnicodeName"),
            ("名前", "u540d_u524d", "U540dU524d"),
            ("🐶", "u1f436", "U1f436"),
            ("Production — EU", "production_eu", "ProductionEu"),
            ("fooBar", "foo_bar", "FooBar"),
            ("---", "minus_minus_minus", "MinusMinusMinus"),
            ("*/", "star_slash", "StarSlash"),
            ("\"", "quote", "Quote"),
            (" ", "space", "Space"),
            ("_", "underscore", "Underscore"),
            ("1.5", "n1_5", "V15"),
            ("r#type", "r_type", "RType"),
            ("super", "super_", "Super"),
        ];
        for (raw, snake, camel) in cases {
            assert_eq!(snake_name(raw), snake, "snake_name({raw:?})");
            assert_eq!(type_name(raw), camel, "type_name({raw:?})");
            assert!(
                syn::parse_str::<syn::Ident>(&snake_name(raw)).is_ok(),
                "{raw:?}"
            );
            assert!(
                syn::parse_str::<syn::Ident>(&type_name(raw)).is_ok(),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn composed_names_are_identifiers() {
        let cases = [
            (compose(&["GetPet", "Response"]), "GetPetResponse"),
            (compose(&["as_", &snake_name("type")]), "as_type_"),
            (compose(&["ty", "pe"]), "type_"),
            (compose(&["1", "st"]), "n1st"),
            (compose(&["_", "x"]), "n_x"),
            (compose(&["a-b", "é"]), "ab"),
            (compose(&["-"]), "empty"),
            (
                suffixed_method(&snake_name("type"), "stream"),
                "type_stream",
            ),
            (
                suffixed_method(&snake_name("list pets"), "with_response"),
                "list_pets_with_response",
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(name, expected);
            assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{name}");
            assert_eq!(name.to_ident().to_string(), expected);
        }
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let mut ns = Namespace::default();
        let names: Vec<_> = ["foo_bar", "fooBar", "FooBar"]
            .iter()
            .map(|raw| ns.claim(&snake_name(raw)))
            .collect();
        assert_eq!(names, ["foo_bar", "foo_bar_2", "foo_bar_3"]);
        let mut types = Namespace::for_types();
        assert_eq!(types.claim(&type_name("Result")), "Result2");
        assert_eq!(types.claim(&type_name("Client")), "Client2");
        assert_eq!(types.claim(&type_name("transport")), "Transport2");
        assert_eq!(types.claim(&type_name("a")), "A");
        assert_eq!(types.claim(&type_name("A")), "A2");
    }
}
