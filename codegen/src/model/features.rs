//! Cargo features of the generated crate: one per tag of the description, each compiling
//! the operations of its tag and the types only they use.

use std::collections::BTreeSet;

/// A cargo feature of the generated crate, made from a tag of the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name in `Cargo.toml` (kebab-case ASCII, unique).
    pub name: String,
    /// The tag as the description writes it.
    pub tag: String,
    /// The tag's `description` from the document's `tags` list.
    pub description: Option<String>,
}

impl Feature {
    /// The first paragraph of the tag's description on one line, if it has one.
    pub fn summary(&self) -> Option<String> {
        let text = self.description.as_deref()?;
        let paragraph = text.trim().split("\n\n").next().unwrap_or_default();
        let summary = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        (!summary.is_empty()).then_some(summary)
    }
}

/// Which cargo features compile an item of the generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gate {
    /// The item is always compiled.
    #[default]
    Always,
    /// The item is compiled when any of these features (at least one) is on.
    AnyOf(BTreeSet<String>),
}

impl Gate {
    /// The gate of an item needed wherever `self`'s item or `other`'s is: on when either
    /// is.
    #[must_use]
    pub fn or(self, other: &Self) -> Self {
        match (self, other) {
            (Self::AnyOf(mut mine), Self::AnyOf(theirs)) => {
                mine.extend(theirs.iter().cloned());
                Self::AnyOf(mine)
            }
            _ => Self::Always,
        }
    }

    /// The gate of an item needed wherever one of `gates`' items is; [`Gate::Always`]
    /// when there are none.
    pub fn any<'g>(gates: impl IntoIterator<Item = &'g Self>) -> Self {
        let mut gates = gates.into_iter();
        let Some(first) = gates.next() else {
            return Self::Always;
        };
        gates.fold(first.clone(), Self::or)
    }

    /// Whether the item is always compiled.
    pub fn is_always(&self) -> bool {
        matches!(self, Self::Always)
    }
}
