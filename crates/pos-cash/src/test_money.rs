//! Amounts as the unit tests write them.

use pos_domain::{Currency, Money};

/// `cents` US cents.
pub(crate) fn usd(cents: i64) -> Money {
    Money::new(cents, Currency::Usd)
}

/// `riel` riel.
pub(crate) fn khr(riel: i64) -> Money {
    Money::new(riel, Currency::Khr)
}
