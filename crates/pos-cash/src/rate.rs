//! [`Rate`]: the shop's exchange rate, whole riel per US dollar.

use std::fmt;

use pos_domain::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::CashError;

/// The shop's exchange rate in whole riel per US dollar, within [`Rate::MIN`]..=[`Rate::MAX`].
/// Each sale freezes the rate it used; reports convert at the frozen rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rate(i64);

impl Rate {
    /// The lowest rate accepted. The riel has traded near 4,000–4,150 per dollar for two
    /// decades; the bounds catch a dropped or doubled digit (410, 41,000), not a policy.
    pub const MIN: i64 = 1_000;
    /// The highest rate accepted.
    pub const MAX: i64 = 10_000;

    /// A rate of `riel_per_usd`, refused outside [`Rate::MIN`]..=[`Rate::MAX`] (so never 0).
    pub fn new(riel_per_usd: i64) -> Result<Rate, CashError> {
        if (Rate::MIN..=Rate::MAX).contains(&riel_per_usd) {
            Ok(Rate(riel_per_usd))
        } else {
            Err(CashError::RateOutOfRange {
                riel_per_usd,
                min: Rate::MIN,
                max: Rate::MAX,
            })
        }
    }

    /// Parses what an owner types (`4100`, `4,100`) with the one cashier grammar of
    /// [`Money::parse_cashier`] for riel: digits, separators in their places, no decimals.
    pub fn parse(text: &str) -> Result<Rate, CashError> {
        let riel = Money::parse_cashier(text, Currency::Khr, None).map_err(CashError::RateText)?;
        Rate::new(riel.minor)
    }

    /// Riel per US dollar.
    pub const fn riel_per_usd(self) -> i64 {
        self.0
    }

    /// `amount` in whole riel: KHR unchanged, USD at this rate rounded half-up to whole riel
    /// (the spec's rule for a USD price paid in riel; the same as [`Money::to_khr`]).
    pub fn to_riel(self, amount: Money) -> Result<i64, CashError> {
        amount
            .to_khr(self.0)
            .map(|m| m.minor)
            .ok_or(CashError::Overflow)
    }

    /// `riel` in cents at this rate, rounded up to the next cent: shown as the dollar
    /// equivalent of a riel amount due, so that paying the shown dollars always covers it.
    pub fn riel_to_cents_up(self, riel: i64) -> i64 {
        // riel ≤ i64::MAX, ×100 fits in i128; the quotient is at most riel/10, so it fits i64.
        let scaled = i128::from(riel) * 100;
        let cents = scaled.div_euclid(i128::from(self.0))
            + i128::from(scaled.rem_euclid(i128::from(self.0)) != 0);
        i64::try_from(cents).unwrap_or(i64::MAX)
    }
}

impl TryFrom<i64> for Rate {
    type Error = CashError;
    fn try_from(riel_per_usd: i64) -> Result<Rate, CashError> {
        Rate::new(riel_per_usd)
    }
}

impl From<Rate> for i64 {
    fn from(rate: Rate) -> i64 {
        rate.0
    }
}

impl fmt::Display for Rate {
    /// `4,100 riel/$`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} riel/$", Money::new(self.0, Currency::Khr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_is_typed_like_a_riel_amount_and_checked_for_range() {
        assert_eq!(Rate::parse("4,100").unwrap().riel_per_usd(), 4100);
        assert_eq!(Rate::parse(" 4000 ").unwrap().riel_per_usd(), 4000);
        assert!(matches!(Rate::parse("0"), Err(CashError::RateText(_))));
        assert!(matches!(Rate::parse("four"), Err(CashError::RateText(_))));
        assert!(matches!(Rate::parse("4100.5"), Err(CashError::RateText(_))));
        assert!(matches!(Rate::parse("-4100"), Err(CashError::RateText(_))));
        assert_eq!(
            Rate::parse("41,000"),
            Err(CashError::RateOutOfRange {
                riel_per_usd: 41_000,
                min: Rate::MIN,
                max: Rate::MAX
            })
        );
        assert!(Rate::new(410).is_err());
        assert!(Rate::new(0).is_err());
        assert!(Rate::new(-4100).is_err());
    }

    #[test]
    fn conversions_state_their_rounding() {
        let rate = Rate::new(4150).unwrap();
        // $0.01 × 4,150 = 41.5 riel, half-up to 42.
        assert_eq!(rate.to_riel(Money::new(1, Currency::Usd)), Ok(42));
        assert_eq!(rate.to_riel(Money::new(5000, Currency::Khr)), Ok(5000));
        // 10,000 riel at 4,150 = $2.4096…, shown as $2.41 (up, so paying it covers the due).
        assert_eq!(rate.riel_to_cents_up(10_000), 241);
        assert_eq!(rate.riel_to_cents_up(4150), 100);
        assert_eq!(rate.riel_to_cents_up(0), 0);
    }
}
