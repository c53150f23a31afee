//! Notes: the dollar notes a shop accepts (and so can give back as change), and counting a
//! drawer from the number of each note.

use pos_domain::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::CashError;

/// Riel notes in circulation, in riel (15,000 and 30,000 are commemorative but legal tender;
/// the 50-riel note is rare but exists). There are no riel coins in use.
pub const KHR_NOTES: [i64; 14] = [
    50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 50_000, 100_000,
    200_000,
];

/// US dollar notes, in cents. Coins are not taken at Cambodian counters.
pub const USD_NOTES: [i64; 7] = [100, 200, 500, 1_000, 2_000, 5_000, 10_000];

/// The dollar notes a shop accepts and gives back, in whole dollars (a shop setting: NBC
/// discourages $1, $2 and $5 notes, so many shops refuse them). Sorted, deduplicated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<i64>", into = "Vec<i64>")]
pub struct UsdNotes(Vec<i64>);

impl UsdNotes {
    /// A non-empty subset of $1 $2 $5 $10 $20 $50 $100, in any order.
    pub fn new(mut dollars: Vec<i64>) -> Result<UsdNotes, CashError> {
        dollars.sort_unstable();
        dollars.dedup();
        let known = |d: &i64| USD_NOTES.contains(&d.saturating_mul(100));
        if dollars.is_empty() || !dollars.iter().all(known) {
            return Err(CashError::BadNoteList(dollars));
        }
        Ok(UsdNotes(dollars))
    }

    /// Every dollar note.
    pub fn all() -> UsdNotes {
        UsdNotes(USD_NOTES.iter().map(|c| c / 100).collect())
    }

    /// The accepted notes in dollars, ascending.
    pub fn dollars(&self) -> &[i64] {
        &self.0
    }

    /// The largest whole-dollar amount not above `dollars` that the accepted notes make.
    ///
    /// Exact for any note set (greedy is not: with $20 and $50, $60 is three twenties). With
    /// `m` the largest note, an optimal bundle needs fewer than `m` smaller notes (among any
    /// `m` of them some subset sums to a multiple of `m`, which `m`-notes replace), so the
    /// smaller notes make at most `m²` dollars: a table of that size decides, whatever the
    /// amount.
    pub fn best_at_most(&self, dollars: i64) -> i64 {
        let Some((&m, smaller)) = self.0.split_last() else {
            return 0;
        };
        let limit = dollars.clamp(0, m * m);
        // makeable[j]: the smaller notes make exactly `j` dollars.
        let mut makeable: Vec<bool> = Vec::new();
        let mut best = 0;
        for j in 0..=limit {
            let here = j == 0
                || smaller.iter().any(|&n| {
                    usize::try_from(j - n)
                        .ok()
                        .and_then(|k| makeable.get(k))
                        .is_some_and(|&b| b)
                });
            makeable.push(here);
            if here {
                // `j` dollars in smaller notes, the rest in `m`-notes.
                best = best.max(j + (dollars - j) / m * m);
            }
        }
        best
    }
}

impl TryFrom<Vec<i64>> for UsdNotes {
    type Error = CashError;
    fn try_from(dollars: Vec<i64>) -> Result<UsdNotes, CashError> {
        UsdNotes::new(dollars)
    }
}

impl From<UsdNotes> for Vec<i64> {
    fn from(notes: UsdNotes) -> Vec<i64> {
        notes.0
    }
}

/// The amount in a drawer from the number of each note, `(note value in minor units, count)`.
/// Refuses a note that is not in use for `currency`, a negative count, and an overflow.
pub fn count_drawer(currency: Currency, counts: &[(i64, i64)]) -> Result<Money, CashError> {
    let notes: &[i64] = match currency {
        Currency::Khr => &KHR_NOTES,
        Currency::Usd => &USD_NOTES,
    };
    let mut total: i64 = 0;
    for &(value, count) in counts {
        if !notes.contains(&value) {
            return Err(CashError::UnknownNote { value, currency });
        }
        if count < 0 {
            return Err(CashError::NegativeCount {
                value,
                currency,
                count,
            });
        }
        total = value
            .checked_mul(count)
            .and_then(|v| total.checked_add(v))
            .ok_or(CashError::Overflow)?;
    }
    Ok(Money::new(total, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_dollar_change_is_exact_where_greedy_is_not() {
        let twenties_and_fifties = UsdNotes::new(vec![50, 20]).unwrap();
        assert_eq!(twenties_and_fifties.best_at_most(60), 60);
        assert_eq!(twenties_and_fifties.best_at_most(69), 60);
        assert_eq!(twenties_and_fifties.best_at_most(30), 20);
        assert_eq!(twenties_and_fifties.best_at_most(19), 0);
        assert_eq!(
            twenties_and_fifties.best_at_most(1_000_000_001),
            1_000_000_000
        );
        let no_small = UsdNotes::new(vec![10, 20, 50, 100]).unwrap();
        assert_eq!(no_small.best_at_most(9), 0);
        assert_eq!(no_small.best_at_most(37), 30);
        assert_eq!(UsdNotes::all().best_at_most(7), 7);
        assert_eq!(UsdNotes::all().best_at_most(-3), 0);
    }

    #[test]
    fn a_note_list_must_be_real_dollar_notes() {
        assert!(UsdNotes::new(vec![]).is_err());
        assert!(UsdNotes::new(vec![3]).is_err());
        assert!(UsdNotes::new(vec![0, 1]).is_err());
        assert_eq!(UsdNotes::new(vec![5, 1, 5]).unwrap().dollars(), &[1, 5]);
    }

    #[test]
    fn a_drawer_is_counted_from_its_notes() {
        let riel = count_drawer(Currency::Khr, &[(1_000, 12), (10_000, 3), (500, 1)]).unwrap();
        assert_eq!(riel, Money::new(42_500, Currency::Khr));
        let dollars = count_drawer(Currency::Usd, &[(100, 4), (2_000, 2)]).unwrap();
        assert_eq!(dollars, Money::new(4_400, Currency::Usd));
        assert_eq!(
            count_drawer(Currency::Khr, &[(300, 1)]),
            Err(CashError::UnknownNote {
                value: 300,
                currency: Currency::Khr
            })
        );
        assert!(matches!(
            count_drawer(Currency::Usd, &[(100, -1)]),
            Err(CashError::NegativeCount { .. })
        ));
        assert_eq!(
            count_drawer(Currency::Khr, &[(200_000, i64::MAX)]),
            Err(CashError::Overflow)
        );
    }
}
