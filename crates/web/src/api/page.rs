//! Paging of the API's lists: `?limit=&offset=` (at most [`MAX_LIMIT`] items a page, [`DEFAULT_LIMIT`] by default),
//! answered as `{ "total", "limit", "offset", "items" }`, so a script knows how many there are and asks for the next
//! page with `offset + limit` until it reaches `total`.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use domain::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Items a page when the client does not say.
pub const DEFAULT_LIMIT: i64 = 100;
/// The most items a page.
pub const MAX_LIMIT: i64 = 500;

/// The page asked for, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// At most this many items (1..=[`MAX_LIMIT`], default [`DEFAULT_LIMIT`]).
    #[serde(default)]
    pub limit: Option<i64>,
    /// Skip this many (0 or more, default 0).
    #[serde(default)]
    pub offset: Option<i64>,
}

/// A checked page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// At most this many items.
    pub limit: i64,
    /// Skip this many.
    pub offset: i64,
}

/// The query of a paged list, or why it could not be read (a 400 naming the parameter).
pub type PageParams = Result<Query<PageQuery>, QueryRejection>;

impl Page {
    /// Checks a query: a limit outside 1..=[`MAX_LIMIT`] or a negative offset is a 422 naming the parameter, a value
    /// that is not an integer a 400.
    pub fn parse(params: PageParams) -> Result<Page, AppError> {
        let Query(query) = params.map_err(bad_query)?;
        Page::new(query.limit, query.offset)
    }

    /// Checks a limit and an offset as sent (absent: the defaults), for queries with more parameters than a page.
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Page, AppError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ValidationError::new("limit", Problem::Malformed).into());
        }
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(ValidationError::new("offset", Problem::Malformed).into());
        }
        Ok(Page { limit, offset })
    }

    /// This page of `items` (all of a list the use case read), with the list's total.
    pub fn of<T, U: Serialize>(&self, items: &[T], shape: impl Fn(&T) -> U) -> Paged<U> {
        let start = usize::try_from(self.offset)
            .unwrap_or(usize::MAX)
            .min(items.len());
        let end = start
            .saturating_add(usize::try_from(self.limit).unwrap_or(0))
            .min(items.len());
        Paged {
            total: items.len() as i64,
            limit: self.limit,
            offset: self.offset,
            items: items[start..end].iter().map(shape).collect(),
        }
    }
}

/// A query string that does not parse (a value that is not an integer, say): a 400 whose message names it.
pub fn bad_query(rejection: QueryRejection) -> AppError {
    AppError::BadInput {
        status: rejection.status(),
        message: rejection.body_text(),
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T: Serialize> {
    /// How many items the whole list has.
    pub total: i64,
    /// The limit asked for.
    pub limit: i64,
    /// The offset asked for.
    pub offset: i64,
    /// The items of this page, in the list's order.
    pub items: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(limit: Option<i64>, offset: Option<i64>) -> Result<Page, AppError> {
        Page::parse(Ok(Query(PageQuery { limit, offset })))
    }

    #[test]
    fn a_page_is_a_slice_of_the_list_with_its_total() {
        let items: Vec<i64> = (1..=7).collect();
        let first = page(Some(3), None).unwrap().of(&items, |i| *i);
        assert_eq!((first.total, first.items), (7, vec![1, 2, 3]));
        let last = page(Some(3), Some(6)).unwrap().of(&items, |i| *i);
        assert_eq!(last.items, vec![7]);
        let beyond = page(Some(3), Some(70)).unwrap().of(&items, |i| *i);
        assert!(beyond.items.is_empty());
        assert_eq!(
            page(None, None).unwrap(),
            Page {
                limit: DEFAULT_LIMIT,
                offset: 0
            }
        );
    }

    #[test]
    fn a_limit_out_of_range_or_a_negative_offset_is_refused() {
        for (limit, offset) in [
            (Some(0), None),
            (Some(MAX_LIMIT + 1), None),
            (None, Some(-1)),
        ] {
            assert!(matches!(page(limit, offset), Err(AppError::Invalid(_))));
        }
        assert!(page(Some(MAX_LIMIT), Some(0)).is_ok());
    }
}
