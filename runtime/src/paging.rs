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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    /// Serves `total` numbered items and records every `(offset, limit)` requested.
    fn source(
        total: u64,
        calls: Arc<Mutex<Vec<(u64, u64)>>>,
    ) -> impl FnMut(u64, u64) -> std::future::Ready<Result<Vec<u64>, Error>> {
        move |offset, limit| {
            calls.lock().unwrap().push((offset, limit));
            let end = offset.saturating_add(limit).min(total);
            std::future::ready(Ok((offset.min(end)..end).collect()))
        }
    }

    async fn run(total: u64, page_size: u64) -> (Vec<u64>, Vec<(u64, u64)>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let items: Vec<u64> = offset_paged(0, page_size, source(total, calls.clone()))
            .map(|item| item.unwrap())
            .collect()
            .await;
        let calls = calls.lock().unwrap().clone();
        (items, calls)
    }

    #[tokio::test]
    async fn fetches_exactly_the_needed_pages() {
        // (items available, page size, expected (offset, limit) fetches)
        type Case = (u64, u64, &'static [(u64, u64)]);
        let cases: [Case; 5] = [
            (0, 10, &[(0, 10)]),
            (1, 10, &[(0, 10)]),
            (10, 10, &[(0, 10), (10, 10)]),
            (11, 10, &[(0, 10), (10, 10)]),
            (250, 100, &[(0, 100), (100, 100), (200, 100)]),
        ];
        for (total, page_size, expected_calls) in cases {
            let (items, calls) = run(total, page_size).await;
            assert_eq!(items, (0..total).collect::<Vec<_>>(), "total {total}");
            assert_eq!(calls, expected_calls, "total {total}");
        }
    }

    #[tokio::test]
    async fn page_size_zero_is_treated_as_one() {
        let (items, calls) = run(2, 0).await;
        assert_eq!(items, [0, 1]);
        assert_eq!(calls, [(0, 1), (1, 1), (2, 1)]);
    }

    #[tokio::test]
    async fn starts_at_the_given_offset_and_advances_by_items_received() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let recorded = calls.clone();
        // The server returns fewer items than asked for on the first page only.
        let fetch = move |offset: u64, limit: u64| {
            recorded.lock().unwrap().push((offset, limit));
            let items: Vec<u64> = match offset {
                5 => vec![5, 6, 7],
                8 => vec![8],
                _ => Vec::new(),
            };
            async move { Ok::<_, Error>(items) }
        };
        let items: Vec<u64> = offset_paged(5, 3, fetch)
            .map(|item| item.unwrap())
            .collect()
            .await;
        assert_eq!(items, [5, 6, 7, 8]);
        assert_eq!(*calls.lock().unwrap(), [(5, 3), (8, 3)]);
    }

    #[tokio::test]
    async fn error_is_yielded_once_after_earlier_items_and_ends_the_stream() {
        let calls = Arc::new(Mutex::new(0u32));
        let counter = calls.clone();
        let fetch = move |offset: u64, _limit: u64| {
            *counter.lock().unwrap() += 1;
            let result = if offset == 0 {
                Ok(vec![1, 2])
            } else {
                Err(Error::Config("second page failed".to_owned()))
            };
            async move { result }
        };
        let results: Vec<Result<u32, Error>> = offset_paged(0, 2, fetch).collect().await;
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].as_ref().ok(), Some(&1));
        assert_eq!(results[1].as_ref().ok(), Some(&2));
        assert!(matches!(&results[2], Err(Error::Config(m)) if m == "second page failed"));
        assert_eq!(*calls.lock().unwrap(), 2);
    }

    #[tokio::test]
    async fn polling_after_the_end_keeps_returning_none() {
        let calls = Arc::new(Mutex::new(0u32));
        let counter = calls.clone();
        let fetch = move |_offset: u64, _limit: u64| {
            *counter.lock().unwrap() += 1;
            async move { Err::<Vec<u32>, _>(Error::Config("failed".to_owned())) }
        };
        let mut stream = std::pin::pin!(offset_paged(0, 2, fetch));
        assert!(matches!(stream.next().await, Some(Err(Error::Config(_)))));
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none());
        let calls_after_error = *calls.lock().unwrap();
        assert_eq!(calls_after_error, 1);

        let calls = Arc::new(Mutex::new(Vec::new()));
        let mut stream = std::pin::pin!(offset_paged(0, 10, source(1, calls.clone())));
        assert_eq!(stream.next().await.map(|item| item.ok()), Some(Some(0)));
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none());
        assert_eq!(*calls.lock().unwrap(), [(0, 10)]);
    }

    #[tokio::test]
    async fn stream_is_send_and_lazy() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let stream = offset_paged(0, 100, source(250, calls.clone()));
        assert!(calls.lock().unwrap().is_empty());
        let handle = tokio::spawn(async move {
            let mut stream = std::pin::pin!(stream);
            stream.next().await.map(|item| item.ok())
        });
        assert_eq!(handle.await.unwrap(), Some(Some(0)));
        assert_eq!(*calls.lock().unwrap(), [(0, 100)]);
    }

    #[tokio::test]
    async fn token_pages_follow_each_token_and_stop_at_none_or_a_repeat() {
        let pages = |cursor: Option<u32>| async move {
            Ok::<_, Error>(match cursor {
                None => (vec![1, 2], Some(1)),
                Some(1) => (vec![3], Some(2)),
                Some(2) => (vec![4], Some(1)),
                Some(_) => (vec![], None),
            })
        };
        let items: Vec<u32> = token_paged(pages).map(|item| item.unwrap()).collect().await;
        assert_eq!(items, [1, 2, 3, 4], "the repeated token 1 ends the stream");
        let none = |_: Option<u32>| async { Ok::<_, Error>((vec![7], None)) };
        let items: Vec<u32> = token_paged(none).map(|item| item.unwrap()).collect().await;
        assert_eq!(items, [7]);
    }

    #[test]
    fn the_next_link_is_found_among_others_and_resolved() {
        let page = Url::parse("https://api.example.com/v1/items?page=1").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            r#"<https://api.example.com/v1/items?page=1>; rel="prev first", </v1/items?page=2&x=a,b>; rel="next""#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&headers, &page).unwrap().as_str(),
            "https://api.example.com/v1/items?page=2&x=a,b"
        );
        headers.insert(LINK, r#"<?page=3>; rel=next"#.parse().unwrap());
        assert_eq!(
            next_link(&headers, &page).unwrap().as_str(),
            "https://api.example.com/v1/items?page=3"
        );
        // A relative path is relative to the page, not to the server's root.
        headers.insert(LINK, r#"<items?page=4>; rel="next""#.parse().unwrap());
        assert_eq!(
            next_link(&headers, &page).unwrap().as_str(),
            "https://api.example.com/v1/items?page=4"
        );
        headers.insert(LINK, r#"<https://x.io/a>; rel="last""#.parse().unwrap());
        assert_eq!(next_link(&headers, &page), None);
        assert_eq!(next_link(&HeaderMap::new(), &page), None);
    }
}
