// Copied by `cargo xtask codegen` from `runtime/src/open_enum.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! Open enums: the [`open_enum!`] macro that defines each string enum of a generated crate
//! from its list of values, written once; and their decoding: a string becomes the
//! matching listed variant, or the catch-all variant holding the string, without failing
//! and without allocating for listed values.

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

/// Defines an open string enum: a variant per listed value and a catch-all variant that
/// keeps any other value, with `KNOWN`, `as_str`, `From<&str>`, `From<String>`, `FromStr`,
/// `Display` and serde impls that never fail on an unknown value.
///
/// The docs say the rest: the enum's end with a paragraph on what happens to values it
/// does not list, and each variant's with its value on the wire, in a code span, or as
/// `as` gives it for a value a plain code span cannot show (one with a backtick or a line
/// break, empty).
///
/// ```text
/// open_enum! {
///     /// Docs of the enum.
///     Color, Unknown {
///         Red = "red",
///         /// Docs of a variant.
///         Dark = "dark",
///         Tick = "`" as "`` ` ``",
///     }
/// }
/// ```
// Only the enums of a generated crate (its `enums.rs`) invoke it.
#[allow(unused_macros)]
macro_rules! open_enum {
    // A variant's value as its docs show it.
    (@shown $wire:literal) => { concat!("`", $wire, "`") };
    (@shown $wire:literal as $shown:literal) => { $shown };
    (
        $(#[$meta:meta])*
        $name:ident, $unknown:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal $(as $shown:literal)?, )*
        }
    ) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = concat!(
            "Values this version does not list are kept in [`", stringify!($name), "::",
            stringify!($unknown), "`] and written back unchanged, so a value added to the API ",
            "later never breaks decoding."
        )]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[doc = ""]
                #[doc = $crate::open_enum::open_enum!(@shown $wire $(as $shown)?)]
                $variant,
            )*
            /// A value this version of the crate does not know, kept as received.
            $unknown(String),
        }

        impl $name {
            /// Every value the API description lists, in its order.
            pub const KNOWN: &'static [Self] = &[ $( Self::$variant ),* ];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::$unknown(value) => value,
                }
            }

            /// The listed value `value` names, if any.
            #[allow(clippy::match_single_binding)]
            fn known(value: &str) -> Option<Self> {
                match value {
                    $( $wire => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::$unknown(value.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::known(&value).unwrap_or(Self::$unknown(value))
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::open_enum::OpenEnumVisitor::<Self>::new())
            }
        }
    };
}

// Only the enums of a generated crate (its `enums.rs`) use it.
#[allow(unused_imports)]
pub(crate) use open_enum;
