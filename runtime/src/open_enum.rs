//! Decoding of open enums: a string becomes the matching listed variant, or the catch-all
//! variant holding the string, without failing and without allocating for listed values.

// Which of these helpers a client uses depends on its API description, so unused ones
// are expected.
#![allow(dead_code)]

use std::fmt;
use std::marker::PhantomData;

/// A serde visitor for the crate's enums: anything that can be made from a string.
pub(crate) struct OpenEnumVisitor<T>(PhantomData<T>);

impl<T> OpenEnumVisitor<T> {
    /// A visitor producing `T`.
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> serde::de::Visitor<'_> for OpenEnumVisitor<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An open enum reduced to what the visitor needs, as the generator writes them.
    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl From<&str> for Color {
        fn from(value: &str) -> Self {
            match value {
                "red" => Color::Red,
                other => Color::Unknown(other.to_owned()),
            }
        }
    }

    impl From<String> for Color {
        fn from(value: String) -> Self {
            match value.as_str() {
                "red" => Color::Red,
                _ => Color::Unknown(value),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Color {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(OpenEnumVisitor::new())
        }
    }

    #[test]
    fn listed_and_unlisted_strings_decode() {
        // Borrowed from the input (`visit_str`)...
        let colors: Vec<Color> = serde_json::from_str(r#"["red", "teal", "r\u0065d"]"#).unwrap();
        assert_eq!(
            colors,
            [Color::Red, Color::Unknown("teal".to_owned()), Color::Red]
        );
        // ...or owned (`visit_string`).
        let owned: Color = serde_json::from_value(serde_json::json!("teal")).unwrap();
        assert_eq!(owned, Color::Unknown("teal".to_owned()));
        let listed: Color = serde_json::from_value(serde_json::json!("red")).unwrap();
        assert_eq!(listed, Color::Red);
    }

    #[test]
    fn anything_but_a_string_is_an_error() {
        let error = serde_json::from_str::<Color>("7").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: integer `7`, expected a string at line 1 column 1"
        );
    }
}
