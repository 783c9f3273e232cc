//! Paging of lists.

use serde::{Deserialize, Serialize};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 200;
/// Page size when none is given.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Highest page number: keeps every offset far inside the databases' signed 64-bit range
/// (a page number near `i64::MAX` once overflowed the offset and dropped the connection).
pub const MAX_PAGE_NUMBER: u64 = 1_000_000;

/// A validated page request: `page` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub number: u64,
    pub size: u64,
}

impl Page {
    /// Clamps what a client sent into a valid page; absent values take defaults.
    pub fn new(number: Option<u64>, size: Option<u64>) -> Self {
        Self {
            number: number.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER),
            size: size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE),
        }
    }
    /// A page a client asked for: a page number beyond [`MAX_PAGE_NUMBER`] is refused with a
    /// message for the screen rather than quietly answered with an empty page.
    pub fn requested(number: Option<u64>, size: Option<u64>) -> Result<Self, String> {
        match number {
            Some(n) if n > MAX_PAGE_NUMBER => Err(format!(
                "ページ番号が大きすぎます（{MAX_PAGE_NUMBER} まで）"
            )),
            _ => Ok(Self::new(number, size)),
        }
    }
    pub fn offset(&self) -> u64 {
        (self.number - 1).saturating_mul(self.size)
    }
    /// Number of pages needed for `total` items (at least 1).
    pub fn page_count(&self, total: u64) -> u64 {
        total.div_ceil(self.size).max(1)
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(None, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_and_clamps() {
        assert_eq!(
            Page::new(None, None),
            Page {
                number: 1,
                size: 50
            }
        );
        assert_eq!(Page::new(Some(0), Some(0)), Page { number: 1, size: 1 });
        assert_eq!(Page::new(Some(3), Some(10_000)).size, MAX_PAGE_SIZE);
        assert_eq!(Page::new(Some(3), Some(20)).offset(), 40);
        assert_eq!(Page::new(None, Some(20)).page_count(0), 1);
        assert_eq!(Page::new(None, Some(20)).page_count(41), 3);
    }

    proptest! {
        #[test]
        fn page_is_always_valid(n in proptest::option::of(any::<u64>()), s in proptest::option::of(any::<u64>())) {
            let p = Page::new(n, s);
            prop_assert!(p.number >= 1);
            prop_assert!((1..=MAX_PAGE_SIZE).contains(&p.size));
            prop_assert!(i64::try_from(p.offset()).is_ok());
        }

        #[test]
        fn requested_pages_beyond_the_limit_are_refused(n in any::<u64>(), s in proptest::option::of(any::<u64>())) {
            let r = Page::requested(Some(n), s);
            prop_assert_eq!(r.is_err(), n > MAX_PAGE_NUMBER);
            if let Ok(p) = r {
                prop_assert!(i64::try_from(p.offset()).is_ok());
            }
        }
    }
}
