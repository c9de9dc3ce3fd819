// Copied by `cargo xtask codegen` from `runtime/src/paging.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! Streams over paginated list operations.

// Only clients whose API has paginated list operations use this module.
#![allow(dead_code)]

use std::collections::HashSet;
use std::future::Future;
use std::hash::Hash;

use futures_core::Stream;
use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

use crate::error::Error;

/// The state carried from one item of an [`offset_paged`] stream to the next.
struct Pager<F, T> {
    fetch: F,
    /// The offset of the next page to fetch.
    offset: u64,
    limit: u64,
    /// The items of the current page not yet yielded.
    page: std::vec::IntoIter<T>,
    /// No page is fetched any more: the last one was short, or an error was yielded.
    done: bool,
}

/// Turns an offset/limit list operation into a stream of items: fetches page after page
/// (offset advancing by the number of items received) until a page shorter than
/// `page_size` (or empty) arrives; an error is yielded once and ends the stream. Once
/// ended, the stream keeps returning `None` (it is fused) instead of panicking when
/// polled again.
///
/// `fetch` is called with `(offset, limit)`; a `page_size` of 0 is treated as 1. Pages
/// are fetched lazily, one at a time, so at most one page is held in memory. The stream
/// is `Send` when `fetch`, its future and the items are.
pub(crate) fn offset_paged<'a, T, F, Fut>(
    start_offset: u64,
    page_size: u64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + 'a
where
    F: FnMut(u64, u64) -> Fut + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + 'a,
    T: 'a,
{
    let pager = Pager {
        fetch,
        offset: start_offset,
        limit: page_size.max(1),
        page: Vec::new().into_iter(),
        done: false,
    };
    let items = futures_util::stream::unfold(pager, |mut pager| async move {
        loop {
            if let Some(item) = pager.page.next() {
                return Some((Ok(item), pager));
            }
            if pager.done {
                return None;
            }
            match (pager.fetch)(pager.offset, pager.limit).await {
                Ok(items) => {
                    let received = u64::try_from(items.len()).unwrap_or(u64::MAX);
                    if received == 0 {
                        return None;
                    }
                    let next_offset = pager.offset.checked_add(received);
                    pager.done = received < pager.limit || next_offset.is_none();
                    pager.offset = next_offset.unwrap_or(u64::MAX);
                    pager.page = items.into_iter();
                }
                Err(error) => {
                    pager.done = true;
                    return Some((Err(error), pager));
                }
            }
        }
    });
    // `unfold` panics when polled after its end; callers commonly poll once more after
    // an error (or after `None`) and must simply get `None`.
    futures_util::StreamExt::fuse(items)
}

/// The state carried from one item of a [`token_paged`] stream to the next.
struct TokenPager<F, T, K> {
    fetch: F,
    /// The token of the next page; `None` before the first.
    next: Option<K>,
    /// Every token followed, so that a server that names a page again cannot loop.
    seen: HashSet<K>,
    page: std::vec::IntoIter<T>,
    done: bool,
}

/// Turns a list operation whose pages name the next one (a cursor, a `Link` header) into a
/// stream of items: `fetch` is called with `None` for the first page, then with the token
/// each page names, and returns the page's items and that token; no token, or one
/// followed before, ends the stream. An error is yielded once and ends the stream, which
/// is fused like [`offset_paged`]'s.
pub(crate) fn token_paged<'a, T, K, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    F: FnMut(Option<K>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<K>), Error>> + 'a,
    K: Clone + Eq + Hash + 'a,
    T: 'a,
{
    let pager = TokenPager {
        fetch,
        next: None,
        seen: HashSet::new(),
        page: Vec::new().into_iter(),
        done: false,
    };
    let items = futures_util::stream::unfold(pager, |mut pager| async move {
        loop {
            if let Some(item) = pager.page.next() {
                return Some((Ok(item), pager));
            }
            if pager.done {
                return None;
            }
            match (pager.fetch)(pager.next.take()).await {
                Ok((items, next)) => {
                    pager.done = match &next {
                        Some(token) => !pager.seen.insert(token.clone()),
                        None => true,
                    };
                    pager.next = next;
                    pager.page = items.into_iter();
                }
                Err(error) => {
                    pager.done = true;
                    return Some((Err(error), pager));
                }
            }
        }
    });
    futures_util::StreamExt::fuse(items)
}

/// The next page a page's `Link` header names (see [`next_link`]).
pub(crate) fn next_page<T>(page: &crate::Response<T>) -> Option<Url> {
    next_link(page.headers(), page.url())
}

/// The URL of the `rel="next"` link of a `Link` header (RFC 8288), resolved against the
/// URL of the page it came with.
pub(crate) fn next_link(headers: &HeaderMap, page: &Url) -> Option<Url> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(split_links)
        .find(|(_, params)| is_next(params))
        .and_then(|(target, _)| page.join(target).ok())
}

/// The links of one `Link` header value: each target with its parameters.
fn split_links(value: &str) -> Vec<(&str, &str)> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>').map(|close| open + close) else {
            break;
        };
        let target = &rest[open + 1..close];
        let after = &rest[close + 1..];
        let end = after
            .find(",<")
            .or_else(|| after.find(", <"))
            .unwrap_or(after.len());
        links.push((target, &after[..end]));
        rest = &after[end..];
    }
    links
}

/// Whether a link's parameters say `rel="next"` (`rel` may list several relations).
fn is_next(params: &str) -> bool {
    params.split(';').any(|param| {
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
    })
}
