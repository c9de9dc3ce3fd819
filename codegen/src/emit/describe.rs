//! Sentences the generator writes about a value: what the description says a valid value
//! is beyond its type (bounds, lengths, pattern).

use crate::model::{Bound, Limits};

/// The sentences saying what `limits` allows, as one paragraph; `None` when they allow
/// anything of the type.
pub fn limits(limits: &Limits) -> Option<String> {
    let sentences: Vec<String> = [
        range(limits.minimum, limits.maximum),
        count(limits.min_length, limits.max_length, "character"),
        count(limits.min_items, limits.max_items, "item"),
        limits
            .pattern
            .as_ref()
            .map(|pattern| format!("Matches the pattern {}.", code_span(pattern))),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

/// `From 1 to 100.`, `More than 0.`, `At least 1 and less than 10.`
fn range(minimum: Option<Bound>, maximum: Option<Bound>) -> Option<String> {
    let low = |bound: Bound| {
        let word = if bound.exclusive {
            "more than"
        } else {
            "at least"
        };
        format!("{word} {}", number(bound.value))
    };
    let high = |bound: Bound| {
        let word = if bound.exclusive {
            "less than"
        } else {
            "at most"
        };
        format!("{word} {}", number(bound.value))
    };
    let phrase = match (minimum, maximum) {
        (Some(min), Some(max)) if !min.exclusive && !max.exclusive => {
            format!("from {} to {}", number(min.value), number(max.value))
        }
        (Some(min), Some(max)) => format!("{} and {}", low(min), high(max)),
        (Some(min), None) => low(min),
        (None, Some(max)) => high(max),
        (None, None) => return None,
    };
    Some(sentence(&phrase))
}

/// `phrase` with a capital letter and a full stop.
fn sentence(phrase: &str) -> String {
    let mut chars = phrase.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{}{}.",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

/// `At most 64 characters.`, `From 1 to 10 items.`, `Exactly 2 items.`; nothing for a
/// lower bound of zero alone.
fn count(min: Option<u64>, max: Option<u64>, unit: &str) -> Option<String> {
    let units = |n: u64| {
        if n == 1 {
            format!("{n} {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match (min.filter(|min| *min > 0), max) {
        (Some(min), Some(max)) if min == max => Some(format!("Exactly {}.", units(max))),
        (Some(min), Some(max)) => Some(format!("From {min} to {}.", units(max))),
        (Some(min), None) => Some(format!("At least {}.", units(min))),
        (None, Some(max)) => Some(format!("At most {}.", units(max))),
        (None, None) => None,
    }
}

/// `text` as a code span, exactly: delimited by one backtick more than the longest run
/// of backticks in it (CommonMark), so a pattern keeps every character.
pub(super) fn code_span(text: &str) -> String {
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// A bound as people write it: `100`, `0.5`, `1e300`.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(value: f64, exclusive: bool) -> Option<Bound> {
        Some(Bound { value, exclusive })
    }

    #[test]
    fn number_ranges_read_as_sentences() {
        assert_eq!(
            range(bound(1.0, false), bound(100.0, false)).as_deref(),
            Some("From 1 to 100.")
        );
        assert_eq!(
            range(bound(0.0, true), bound(0.5, false)).as_deref(),
            Some("More than 0 and at most 0.5.")
        );
        assert_eq!(
            range(None, bound(1e300, true)).as_deref(),
            Some("Less than 1e300.")
        );
        assert_eq!(
            range(bound(-3.0, false), None).as_deref(),
            Some("At least -3.")
        );
        assert_eq!(range(None, None), None);
    }

    #[test]
    fn lengths_count_their_unit() {
        assert_eq!(
            count(Some(1), Some(1), "item").as_deref(),
            Some("Exactly 1 item.")
        );
        assert_eq!(
            count(Some(0), Some(64), "character").as_deref(),
            Some("At most 64 characters.")
        );
        assert_eq!(
            count(Some(2), None, "item").as_deref(),
            Some("At least 2 items.")
        );
        assert_eq!(count(Some(0), None, "item"), None);
    }

    #[test]
    fn limits_join_into_one_paragraph() {
        let limits = Limits {
            min_length: Some(1),
            max_length: Some(8),
            pattern: Some("^[a-z`]+$".to_owned()),
            ..Limits::default()
        };
        assert_eq!(
            super::limits(&limits).as_deref(),
            Some("From 1 to 8 characters. Matches the pattern `` ^[a-z`]+$ ``.")
        );
        assert_eq!(super::limits(&Limits::default()), None);
    }
}
