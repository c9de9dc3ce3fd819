// Copied by `cargo xtask codegen` from `runtime/src/open_enum.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

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
