//! One page of a long list read from the store (issue 18, item 5): pages count from 0, and a page past the last
//! (the list shrank, or a typed URL) shows the last one, never an empty page.

/// Items per page of the pages' long lists (members, evidence, recommendations, comments): a row of any of them
/// weighs at most a few kilobytes, so a page stays far under the 200 kB a list page may weigh.
pub const PAGE_SIZE: i64 = 50;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of the page, in the list's order.
    pub items: Vec<T>,
    /// How many items match in all.
    pub total: i64,
    /// The page shown, from 0.
    pub page: i64,
}

/// Page `$page` (from 0) of a list `$size` a page, as a [`Page`]: `$fetch` reads `$limit` items from the `$offset`-th
/// and gives them with how many there are in all (`(Vec<T>, i64)`, usually a store `*_page` function's
/// `.await?`); asked for a page past the last, it reads and returns the last. A macro, not a function taking an
/// async closure, so the handlers' futures stay `Send`.
#[macro_export]
macro_rules! page_of {
    ($page:expr, $size:expr, |$limit:ident, $offset:ident| $fetch:expr) => {{
        let size: i64 = ::std::cmp::max($size, 1);
        let mut page: i64 = ::std::cmp::max($page, 0);
        let ($limit, $offset) = (size, page.saturating_mul(size));
        let (mut items, mut total) = $fetch;
        let last = ::std::cmp::max(total - 1, 0) / size;
        if page > last {
            page = last;
            let ($limit, $offset) = (size, page * size);
            (items, total) = $fetch;
        }
        $crate::paging::Page { items, total, page }
    }};
}
