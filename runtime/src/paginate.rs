//! Paged lists as lazy streams: [`Pages`] yields each answer, [`Items`] each item.
//!
//! A generated paged operation ([`Paginated`]) says how to move its cursor (an offset, a
//! page number or a marker) and what a page holds. The stream sends the caller's request
//! with its cursor made explicit, then follows the cursor until the true end of the list:
//! the total count the latest page reports (re-read on every page, so a list that grows or
//! shrinks while it is read ends at its current end), a page shorter than the page size,
//! an empty page, or a missing marker. The caller's page size is sent on every request.
//! An error ends the stream after the items already yielded; nothing yielded is lost.
//!
//! Offset paging cannot see items that move while it reads: an item inserted before the
//! current offset makes one item appear twice, an item removed before it makes one be
//! skipped. That is the API's behaviour; re-read the list when exactness matters.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::operation::{Operation, Response};

/// Where a request starts reading a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// Number of items to skip.
    Offset(u64),
    /// Page number.
    Page(u64),
    /// The marker of the previous page (`None`: the first page).
    Marker(Option<String>),
}

/// What one answer says about its page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// Number of items on the page.
    pub items: usize,
    /// Total number of items in the list, if the answer says.
    pub total: Option<u64>,
    /// The marker of the next page, for marker paging.
    pub next_marker: Option<String>,
}

/// A list operation that pages; implemented by generated inputs.
pub trait Paginated: Operation + Clone + 'static {
    /// One item of the list.
    type Item: Send + 'static;

    /// The wire name of the answer's field that holds the page's items.
    const ITEMS_FIELD: &'static str;

    /// The offset of the first item, for offset paging: 0, or 1 where the service counts
    /// positions from 1 (CSS's `start`).
    const FIRST_OFFSET: u64 = 0;

    /// The cursor of this request as built: the caller's offset, page or marker, or the
    /// start of the list.
    fn cursor(&self) -> Cursor;

    /// Sets the cursor of the next request.
    fn set_cursor(&mut self, cursor: &Cursor) -> Result<(), Error>;

    /// The page size this request asks for, if it sets one.
    fn page_size(&self) -> Option<u64>;

    /// What an answer says about its page.
    fn page_info(output: &Self::Output) -> PageInfo;

    /// The items of an answer.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// The answers of a paged list, fetched lazily one page at a time.
///
/// Use it as a [`Stream`], or call [`next`](Self::next) in a loop.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<O: Paginated> {
    inner: BoxStream<'static, Result<Response<O::Output>, Error>>,
}

impl<O: Paginated> fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &O::SPEC.id)
            .finish_non_exhaustive()
    }
}

/// What the stream does next.
enum Step<O> {
    Fetch(O, Tracker),
    Fail(Error),
}

impl<O> Pages<O>
where
    O: Paginated,
    O::Output: Send + 'static,
{
    /// Pages through the list that `input` starts, sending each request with `fetch`. An
    /// `input` that could not be built is the stream's only item.
    pub fn new<F, Fut>(input: Result<O, Error>, fetch: F) -> Self
    where
        F: Fn(O) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Response<O::Output>, Error>> + Send + 'static,
    {
        let first = input.and_then(|mut input| {
            let cursor = input.cursor();
            // The cursor is always sent: a server default (GaussDB documents offset 1 for
            // some lists) must not shift the first page against the ones that follow.
            input.set_cursor(&cursor)?;
            let tracker = Tracker::new(cursor, input.page_size()).counting_from(O::FIRST_OFFSET);
            Ok(Step::Fetch(input, tracker))
        });
        let first = first.unwrap_or_else(Step::Fail);
        let fetch = Arc::new(fetch);
        let inner = stream::unfold(Some(first), move |step| {
            let fetch = Arc::clone(&fetch);
            async move {
                match step? {
                    Step::Fail(error) => Some((Err(error), None)),
                    Step::Fetch(input, mut tracker) => {
                        let template = input.clone();
                        match fetch(input).await {
                            Err(error) => Some((Err(error), None)),
                            Ok(response) => {
                                let info = O::page_info(response.body());
                                let next = match tracker.advance(&info) {
                                    Ok(Some(cursor)) => {
                                        let mut next = template;
                                        Some(match next.set_cursor(&cursor) {
                                            Ok(()) => Step::Fetch(next, tracker),
                                            Err(error) => Step::Fail(error),
                                        })
                                    }
                                    Ok(None) => None,
                                    Err(error) => Some(Step::Fail(error.for_operation(O::SPEC.id))),
                                };
                                Some((Ok(response), next))
                            }
                        }
                    }
                }
            }
        });
        Self {
            inner: inner.boxed(),
        }
    }

    /// The next page, or `None` at the end of the list (or after an error).
    pub async fn next(&mut self) -> Option<Result<Response<O::Output>, Error>> {
        self.inner.next().await
    }

    /// The items of each page, one at a time.
    pub fn items(self) -> Items<O::Item> {
        let inner = self.inner.flat_map(|page| {
            let items: Vec<Result<O::Item, Error>> = match page {
                Ok(response) => O::into_items(response.into_body())
                    .into_iter()
                    .map(Ok)
                    .collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(items)
        });
        Items {
            inner: inner.boxed(),
        }
    }
}

impl<O: Paginated> Stream for Pages<O> {
    type Item = Result<Response<O::Output>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// The items of a paged list, fetched lazily one page at a time.
///
/// Use it as a [`Stream`], or call [`next`](Self::next) in a loop.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<T> Items<T> {
    /// The next item, or `None` at the end of the list (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        self.inner.next().await
    }

    /// Every item up to the end of the list or the first error, which comes with the
    /// items read before it.
    pub async fn collect_all(mut self) -> (Vec<T>, Option<Error>) {
        let mut items = Vec::new();
        while let Some(next) = self.inner.next().await {
            match next {
                Ok(item) => items.push(item),
                Err(error) => return (items, Some(error)),
            }
        }
        (items, None)
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Where the list is, and whether it has ended.
#[derive(Debug)]
struct Tracker {
    cursor: Cursor,
    /// Page number of the first page read, and items read since (page paging).
    first_page: u64,
    /// The offset of the list's first item (offset paging: 0, or 1 for 1-based offsets).
    first_offset: u64,
    read: u64,
    page_size: Option<u64>,
}

impl Tracker {
    fn new(cursor: Cursor, page_size: Option<u64>) -> Self {
        let first_page = match cursor {
            Cursor::Page(page) => page,
            _ => 0,
        };
        Self {
            cursor,
            first_page,
            first_offset: 0,
            read: 0,
            page_size,
        }
    }

    /// Offsets count from `first` (the offset of the list's first item).
    fn counting_from(mut self, first: u64) -> Self {
        self.first_offset = first;
        self
    }

    /// The cursor of the next page, or `None` at the end of the list.
    fn advance(&mut self, info: &PageInfo) -> Result<Option<Cursor>, Error> {
        let count = info.items as u64;
        self.read += count;
        if count == 0 {
            return Ok(None);
        }
        let short = self.page_size.is_some_and(|size| count < size);
        let next = match &self.cursor {
            Cursor::Offset(offset) => {
                let next = offset + count;
                let ended = match info.total {
                    Some(total) => next.saturating_sub(self.first_offset) >= total,
                    None => short,
                };
                (!ended).then_some(Cursor::Offset(next))
            }
            Cursor::Page(page) => {
                let ended = match (info.total, self.page_size) {
                    (Some(total), Some(size)) => {
                        let before = (self.first_page.saturating_sub(1)).saturating_mul(size);
                        before + self.read >= total || short
                    }
                    _ => short,
                };
                (!ended).then_some(Cursor::Page(page + 1))
            }
            Cursor::Marker(current) => match info.next_marker.as_deref() {
                None | Some("") => None,
                Some(_) if short => None,
                Some(next) if current.as_deref() == Some(next) => {
                    return Err(Error::new(
                        ErrorKind::Decode,
                        format!(
                            "the service gave the marker `{next}` for two pages in a row; \
                             stopping instead of reading the same page forever"
                        ),
                    ));
                }
                Some(next) => Some(Cursor::Marker(Some(next.to_owned()))),
            },
        };
        if let Some(cursor) = &next {
            self.cursor = cursor.clone();
        }
        Ok(next)
    }
}

/// The number a parameter or answer field holds (`"20"` or `20`), if any.
#[doc(hidden)]
pub fn count<T: Serialize>(value: &T) -> Option<u64> {
    match serde_json::to_value(value).ok()? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The text of a marker field (`"1690000000000"` or `1690000000000`), if any.
#[doc(hidden)]
pub fn marker<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A cursor position as a parameter value of type `T` (a string or an integer).
#[doc(hidden)]
pub fn position<T: serde::de::DeserializeOwned>(cursor: &Cursor) -> Result<Option<T>, Error> {
    let text = match cursor {
        Cursor::Offset(n) | Cursor::Page(n) => n.to_string(),
        Cursor::Marker(None) => return Ok(None),
        Cursor::Marker(Some(marker)) => marker.clone(),
    };
    text.parse::<u64>()
        .ok()
        .and_then(|n| serde_json::from_value(Value::from(n)).ok())
        .or_else(|| serde_json::from_value(Value::String(text.clone())).ok())
        .map(Some)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Encode,
                format!(
                    "the list position `{text}` does not fit the cursor parameter ({})",
                    std::any::type_name::<T>()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(items: usize, total: Option<u64>, next_marker: Option<&str>) -> PageInfo {
        PageInfo {
            items,
            total,
            next_marker: next_marker.map(str::to_owned),
        }
    }

    #[test]
    fn offsets_stop_at_the_latest_total() {
        let mut t = Tracker::new(Cursor::Offset(0), Some(2));
        assert_eq!(
            t.advance(&info(2, Some(5), None)).ok(),
            Some(Some(Cursor::Offset(2)))
        );
        // The list shrank to 3: the page at offset 2 is the last.
        assert_eq!(t.advance(&info(1, Some(3), None)).ok(), Some(None));
    }

    #[test]
    fn without_a_total_a_short_or_empty_page_ends_the_list() {
        let mut t = Tracker::new(Cursor::Offset(4), Some(3));
        assert_eq!(
            t.advance(&info(3, None, None)).ok(),
            Some(Some(Cursor::Offset(7)))
        );
        assert_eq!(t.advance(&info(2, None, None)).ok(), Some(None));
        // 1-based offsets: items 1..=3 of 3, then the end.
        let mut one_based = Tracker::new(Cursor::Offset(1), Some(2)).counting_from(1);
        assert_eq!(
            one_based.advance(&info(2, Some(3), None)).unwrap(),
            Some(Cursor::Offset(3))
        );
        assert_eq!(one_based.advance(&info(1, Some(3), None)).unwrap(), None);
        let mut t = Tracker::new(Cursor::Offset(0), None);
        assert_eq!(
            t.advance(&info(3, None, None)).ok(),
            Some(Some(Cursor::Offset(3)))
        );
        assert_eq!(t.advance(&info(0, None, None)).ok(), Some(None));
    }

    #[test]
    fn pages_count_from_the_first_page_read() {
        let mut t = Tracker::new(Cursor::Page(1), Some(2));
        assert_eq!(
            t.advance(&info(2, Some(4), None)).ok(),
            Some(Some(Cursor::Page(2)))
        );
        assert_eq!(t.advance(&info(2, Some(4), None)).ok(), Some(None));
        let mut t = Tracker::new(Cursor::Page(2), Some(2));
        assert_eq!(
            t.advance(&info(2, Some(5), None)).ok(),
            Some(Some(Cursor::Page(3)))
        );
        assert_eq!(t.advance(&info(1, Some(5), None)).ok(), Some(None));
    }

    #[test]
    fn markers_end_when_missing_and_never_repeat() {
        let mut t = Tracker::new(Cursor::Marker(None), None);
        assert_eq!(
            t.advance(&info(2, None, Some("m1"))).ok(),
            Some(Some(Cursor::Marker(Some("m1".into()))))
        );
        let repeated = t.advance(&info(2, None, Some("m1")));
        assert!(repeated.is_err_and(|e| e.to_string().contains("two pages in a row")));
        let mut t = Tracker::new(Cursor::Marker(None), None);
        assert_eq!(t.advance(&info(2, None, None)).ok(), Some(None));
    }

    #[test]
    fn positions_fit_string_and_integer_parameters() {
        assert_eq!(
            position::<String>(&Cursor::Offset(20)).ok(),
            Some(Some("20".to_owned()))
        );
        assert_eq!(position::<i32>(&Cursor::Page(3)).ok(), Some(Some(3)));
        assert_eq!(
            position::<i64>(&Cursor::Marker(Some("1690000000000".into()))).ok(),
            Some(Some(1_690_000_000_000))
        );
        assert_eq!(position::<String>(&Cursor::Marker(None)).ok(), Some(None));
        assert!(position::<i32>(&Cursor::Offset(u64::MAX)).is_err());
        assert_eq!(count(&Some("20")), Some(20));
        assert_eq!(count(&Some(7_i32)), Some(7));
        assert_eq!(count(&Option::<i32>::None), None);
        assert_eq!(marker(&Some(12_i64)), Some("12".to_owned()));
    }
}
