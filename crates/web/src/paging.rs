//! Page links of a long staff or public list (issue 18, item 5): first, previous, next and last, with where the
//! reader is ("Page 2 of 100: 101–200 of 10,000"), working without JavaScript. Pages are numbered from 1 in
//! URLs and forms (`page=2`); the use cases count from 0.
//!
//! A list filtered only by non-personal fields (a status, an id) pages with plain links, so a page can be
//! bookmarked. A list searched by a name or email pages with small POST forms that carry the search in their
//! body, so the name never appears in a URL, the browser's history or a server log.

use crate::i18n::Lang;
use crate::i18n::fill;
use crate::i18n::lists::ListsMessages;

/// One link (or button) of the page navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// Its words ("Next page").
    pub label: &'static str,
    /// The page it opens, from 1.
    pub page: i64,
    /// The link's `href` (plain links only).
    pub href: String,
    /// `prev`, `next` or empty.
    pub rel: &'static str,
}

/// The navigation of one page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// "Page 2 of 100: 101–200 of 10,000" (empty for an empty list).
    pub summary: String,
    /// The navigation's accessible name.
    pub label: &'static str,
    /// The links to other pages (empty when everything is on one page).
    pub links: Vec<PageLink>,
    /// The form's action when the links are POST buttons (a searched list), else `None`.
    pub post_to: Option<String>,
    /// The hidden fields each POST button carries (the search and filters), without the page.
    pub hidden: Vec<(String, String)>,
}

impl Paging {
    /// The navigation of page `page` (from 0) of `total` items shown `size` a page, whose pages are at
    /// `base` + `page=N` (`base` ends with `?` or `&`).
    pub fn links(lang: Lang, base: &str, page: i64, size: i64, total: i64) -> Paging {
        Paging::build(
            lang,
            page,
            size,
            total,
            |n| format!("{base}page={n}"),
            None,
            Vec::new(),
        )
    }

    /// The navigation of a searched list: POST buttons to `action`, each carrying `hidden` and its page.
    pub fn posts(
        lang: Lang,
        action: &str,
        hidden: Vec<(String, String)>,
        page: i64,
        size: i64,
        total: i64,
    ) -> Paging {
        Paging::build(
            lang,
            page,
            size,
            total,
            |_| String::new(),
            Some(action.to_owned()),
            hidden,
        )
    }

    fn build(
        lang: Lang,
        page: i64,
        size: i64,
        total: i64,
        href: impl Fn(i64) -> String,
        post_to: Option<String>,
        hidden: Vec<(String, String)>,
    ) -> Paging {
        let t = lang.t::<ListsMessages>();
        let size = size.max(1);
        let pages = ((total + size - 1) / size).max(1);
        let page = page.clamp(0, pages - 1);
        let summary = if total == 0 {
            String::new()
        } else {
            let from = page * size + 1;
            let to = (from + size - 1).min(total);
            fill(
                t.page_summary,
                &[
                    ("page", &(page + 1).to_string()),
                    ("pages", &pages.to_string()),
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                    ("total", &total.to_string()),
                ],
            )
        };
        let mut links = Vec::new();
        let mut link = |label, target: i64, rel| {
            links.push(PageLink {
                label,
                page: target + 1,
                href: href(target + 1),
                rel,
            })
        };
        if page > 0 {
            if page > 1 {
                link(t.first_page, 0, "");
            }
            link(t.previous_page, page - 1, "prev");
        }
        if page + 1 < pages {
            link(t.next_page, page + 1, "next");
            if page + 2 < pages {
                link(t.last_page, pages - 1, "");
            }
        }
        Paging {
            summary,
            label: t.pages_label,
            links,
            post_to,
            hidden,
        }
    }
}

/// The query of a list page that only pages: `?page=N` (from 1; anything else is the first page).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    /// The page as typed.
    #[serde(default)]
    pub page: String,
}

impl PageQuery {
    /// The page asked for, from 0.
    pub fn index(&self) -> i64 {
        page_from_field(&self.page)
    }
}

/// A page number as typed in a query or form (from 1): anything else is the first page. Returns it from 0.
pub fn page_from_field(value: &str) -> i64 {
    value
        .trim()
        .parse::<i64>()
        .map(|page| page.max(1) - 1)
        .unwrap_or(0)
}

/// The base of a list's page links: `path?` followed by the non-empty `params`, URL-encoded, each with its `&`
/// (for [`Paging::links`], which adds `page=N`). Only for values that are not personal data.
pub fn base_url(path: &str, params: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(_, value)| !value.trim().is_empty())
        .collect();
    if kept.is_empty() {
        return format!("{path}?");
    }
    let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
    format!("{path}?{query}&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_middle_page_links_to_all_four_neighbours_and_says_where_it_is() {
        let paging = Paging::links(Lang::En, "/x?status=registered&", 4, 100, 10_000);
        assert_eq!(paging.summary, "Page 5 of 100: 401–500 of 10000");
        let hrefs: Vec<_> = paging.links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "/x?status=registered&page=1",
                "/x?status=registered&page=4",
                "/x?status=registered&page=6",
                "/x?status=registered&page=100"
            ]
        );
    }

    #[test]
    fn the_ends_have_only_the_links_that_lead_somewhere() {
        let first = Paging::links(Lang::En, "/x?", 0, 100, 150);
        assert_eq!(first.links.len(), 1);
        assert_eq!(first.links[0].page, 2);
        let last = Paging::links(Lang::Fr, "/x?", 1, 100, 150);
        assert_eq!(last.links.len(), 1);
        assert_eq!(last.links[0].rel, "prev");
        assert!(Paging::links(Lang::En, "/x?", 0, 100, 0).links.is_empty());
        assert_eq!(Paging::links(Lang::En, "/x?", 0, 100, 0).summary, "");
    }

    #[test]
    fn a_base_url_keeps_the_filters_given_encoded_and_ends_ready_for_the_page() {
        assert_eq!(base_url("/x", &[("topic", ""), ("q", " ")]), "/x?");
        assert_eq!(
            base_url("/x", &[("topic", "Energy & heat"), ("q", "")]),
            "/x?topic=Energy+%26+heat&"
        );
    }

    #[test]
    fn typed_page_numbers_count_from_one_and_junk_is_the_first_page() {
        assert_eq!(page_from_field("3"), 2);
        assert_eq!(page_from_field("0"), 0);
        assert_eq!(page_from_field("-4"), 0);
        assert_eq!(page_from_field("lots"), 0);
    }
}
