// Copied by `cargo xtask codegen` from `runtime/src/paging.rs`, without its tests. Do not
// edit: change the runtime crate and regenerate.

//! Streams over paginated list operations.

// Only clients whose API has paginated list operations use this module.
#![allow(dead_code)]

use std::future::Future;

use futures_core::Stream;

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
