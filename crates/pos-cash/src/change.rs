//! Cash tender and change: what is due in both currencies, what was handed over, and the
//! change in whole dollars plus riel rounded to 100 riel, with the rounding on its own line.
//!
//! Everything is settled in whole riel at the sale's frozen rate: a dollar total converts
//! half-up to whole riel once ([`Rate::to_riel`]); dollars handed over are whole notes, so
//! they convert exactly. Rounding happens only where riel notes force it, to a multiple of
//! 100 riel, and its difference is returned as the rounding line, never hidden:
//! `tendered − due − change = rounding` (all in riel at the rate).

use pos_domain::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::{CashError, Rate, UsdNotes};

/// The smallest riel note in everyday use; riel cash rounds to it.
const RIEL_STEP: i64 = 100;

/// How riel cash rounds to 100 riel (a shop setting; practice differs, nearest is usual).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rounding {
    /// To the nearest 100 riel, a half (50) going to the customer.
    #[default]
    Nearest,
    /// Down: the customer gets the lower amount of change (or owes the higher amount).
    Down,
    /// Up: the customer gets the higher amount of change (or owes the lower amount).
    Up,
}

impl Rounding {
    /// `riel` (signed: positive is owed to the customer) to a multiple of 100 riel.
    fn apply(self, riel: i64) -> i64 {
        let floor = riel.div_euclid(RIEL_STEP) * RIEL_STEP;
        match self {
            Rounding::Down => floor,
            Rounding::Up if floor == riel => floor,
            Rounding::Up => floor + RIEL_STEP,
            Rounding::Nearest if riel - floor >= RIEL_STEP / 2 => floor + RIEL_STEP,
            Rounding::Nearest => floor,
        }
    }
}

/// The shop's cash settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashPolicy {
    /// How riel change rounds.
    pub rounding: Rounding,
    /// Change below this amount (either currency, compared in riel at the sale's rate) is
    /// given all in riel, as small dollar notes are phased out (e.g. $1 or $10).
    pub riel_only_below: Money,
    /// The dollar notes accepted from customers and given as change.
    pub usd_notes: UsdNotes,
}

impl Default for CashPolicy {
    /// Street practice: whole dollars back in dollars, the rest in riel to the nearest 100.
    fn default() -> Self {
        CashPolicy {
            rounding: Rounding::Nearest,
            riel_only_below: Money::new(100, Currency::Usd),
            usd_notes: UsdNotes::all(),
        }
    }
}

/// What a sale asks for, in both currencies at its frozen rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The sale's total as priced.
    pub total: Money,
    /// The rate frozen on the sale.
    pub rate: Rate,
    /// The total in whole riel: as priced for KHR, half-up at the rate for USD.
    pub khr: Money,
    /// The total in cents: as priced for USD, rounded up at the rate for KHR (so that paying
    /// the shown dollars always covers it).
    pub usd: Money,
}

impl Due {
    /// The amounts due for `total` at `rate`; a negative total is refused.
    pub fn new(total: Money, rate: Rate) -> Result<Due, CashError> {
        if total.minor < 0 {
            return Err(CashError::Negative {
                what: "the amount due",
                amount: total,
            });
        }
        let khr = rate.to_riel(total)?;
        let usd = match total.currency {
            Currency::Usd => total.minor,
            Currency::Khr => rate.riel_to_cents_up(total.minor),
        };
        Ok(Due {
            total,
            rate,
            khr: Money::new(khr, Currency::Khr),
            usd: Money::new(usd, Currency::Usd),
        })
    }

    /// The riel-only cash payment that settles with no change under `rounding` (the amount
    /// due in riel rounded to 100 riel the way `rounding` rounds in the customer's favour).
    pub fn cash_khr(&self, rounding: Rounding) -> Money {
        Money::new(-rounding.apply(-self.khr.minor), Currency::Khr)
    }
}

/// Cash handed over, per currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tendered {
    /// Dollars, in cents: whole accepted notes only.
    pub usd: Money,
    /// Riel.
    pub khr: Money,
}

impl Tendered {
    /// `usd_cents` dollars and `riel` riel.
    pub const fn new(usd_cents: i64, riel: i64) -> Tendered {
        Tendered {
            usd: Money::new(usd_cents, Currency::Usd),
            khr: Money::new(riel, Currency::Khr),
        }
    }

    /// The total in riel at `rate`, after checking currencies, signs and dollar notes.
    fn riel(&self, rate: Rate, notes: &UsdNotes) -> Result<i64, CashError> {
        for (what, amount, expected) in [
            ("dollars handed over", self.usd, Currency::Usd),
            ("riel handed over", self.khr, Currency::Khr),
        ] {
            if amount.currency != expected {
                return Err(CashError::WrongCurrency {
                    what,
                    expected,
                    found: amount.currency,
                });
            }
            if amount.minor < 0 {
                return Err(CashError::Negative { what, amount });
            }
        }
        let cents = self.usd.minor;
        let dollars = cents / 100;
        if cents % 100 != 0 || notes.best_at_most(dollars) != dollars {
            return Err(CashError::UsdNotNotes {
                cents,
                accepted: notes.dollars().to_vec(),
            });
        }
        dollars
            .checked_mul(rate.riel_per_usd())
            .and_then(|r| r.checked_add(self.khr.minor))
            .ok_or(CashError::Overflow)
    }
}

/// Change given back, per currency; never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Whole dollars, in cents.
    pub usd: Money,
    /// Riel, a multiple of 100.
    pub khr: Money,
}

/// What remains to pay when the cash handed over is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StillDue {
    /// More riel cash that would settle it, rounded to 100 riel by the shop's rounding.
    pub cash_khr: Money,
    /// The exact remainder a split-tender KHQR is made for: in dollars when the sale is
    /// priced in dollars and only dollars were handed over (exact in cents), else in riel.
    pub khqr: Money,
}

/// The outcome of cash handed over against a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Settlement {
    /// Paid in full: the change to give and the rounding line (riel; positive when the shop
    /// keeps the difference, negative when the customer does).
    Complete {
        /// The change.
        change: Change,
        /// `tendered − due − change`, in riel at the rate; under 100 riel (at most 50 when
        /// rounding to nearest).
        rounding: Money,
    },
    /// Short: the sale cannot finish until this is paid.
    StillDue(StillDue),
}

/// Settles cash `tendered` against `due` under `policy`; `all_riel` is the cashier's
/// per-sale "all change in riel" key.
pub fn settle(
    due: &Due,
    tendered: &Tendered,
    policy: &CashPolicy,
    all_riel: bool,
) -> Result<Settlement, CashError> {
    let rate = due.rate;
    let net = tendered
        .riel(rate, &policy.usd_notes)?
        .checked_sub(due.khr.minor)
        .ok_or(CashError::Overflow)?;
    let khr = |riel| Money::new(riel, Currency::Khr);
    if net < 0 {
        let owed = policy.rounding.apply(net);
        if owed < 0 {
            let khqr = if due.total.currency == Currency::Usd && tendered.khr.minor == 0 {
                Money::new(due.total.minor - tendered.usd.minor, Currency::Usd)
            } else {
                khr(-net)
            };
            return Ok(Settlement::StillDue(StillDue {
                cash_khr: khr(-owed),
                khqr,
            }));
        }
        // Short by less than the rounding absorbs: settled, the shop bears the difference.
        return Ok(Settlement::Complete {
            change: Change {
                usd: Money::new(0, Currency::Usd),
                khr: khr(0),
            },
            rounding: khr(net),
        });
    }
    let riel_only = all_riel || net < rate.to_riel(policy.riel_only_below)?;
    let dollars = if riel_only {
        0
    } else {
        policy.usd_notes.best_at_most(net / rate.riel_per_usd())
    };
    // `dollars × rate ≤ net`, so neither line can overflow or go negative.
    let rest = net - dollars * rate.riel_per_usd();
    let change_khr = policy.rounding.apply(rest);
    Ok(Settlement::Complete {
        change: Change {
            usd: Money::new(dollars * 100, Currency::Usd),
            khr: khr(change_khr),
        },
        rounding: khr(rest - change_khr),
    })
}

/// Checks a finished sale's invariant: its tenders (cash in either currency, KHQR) minus the
/// change add up to its total plus the rounding line, in riel at the frozen rate.
pub fn check_balance(
    due: &Due,
    tenders: &[Money],
    change: &Change,
    rounding: Money,
) -> Result<(), CashError> {
    let rate = due.rate;
    let mut net: i64 = 0;
    for &t in tenders {
        net = net
            .checked_add(rate.to_riel(t)?)
            .ok_or(CashError::Overflow)?;
    }
    let net_riel = net
        .checked_sub(rate.to_riel(change.usd)?)
        .and_then(|n| n.checked_sub(change.khr.minor))
        .ok_or(CashError::Overflow)?;
    let expected_riel = due
        .khr
        .minor
        .checked_add(rate.to_riel(rounding)?)
        .ok_or(CashError::Overflow)?;
    if net_riel == expected_riel {
        Ok(())
    } else {
        Err(CashError::Unbalanced {
            net_riel,
            expected_riel,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_money::{khr, usd};
    fn due(total: Money, rate: i64) -> Due {
        Due::new(total, Rate::new(rate).unwrap()).unwrap()
    }
    fn policy(rounding: Rounding, riel_only_below: Money, notes: &[i64]) -> CashPolicy {
        CashPolicy {
            rounding,
            riel_only_below,
            usd_notes: UsdNotes::new(notes.to_vec()).unwrap(),
        }
    }
    fn complete(change_usd: i64, change_khr: i64, rounding: i64) -> Settlement {
        Settlement::Complete {
            change: Change {
                usd: usd(change_usd),
                khr: khr(change_khr),
            },
            rounding: khr(rounding),
        }
    }

    /// One worked example: settles, checks the expected outcome and, when complete, the
    /// balance invariant over the tenders.
    fn check(due: Due, given: Tendered, policy: &CashPolicy, all_riel: bool, want: Settlement) {
        let got = settle(&due, &given, policy, all_riel).unwrap();
        assert_eq!(got, want);
        if let Settlement::Complete { change, rounding } = got {
            check_balance(&due, &[given.usd, given.khr], &change, rounding).unwrap();
        }
    }

    #[test]
    fn three_seventy_five_paid_with_five_dollars_gets_a_dollar_and_a_thousand_riel() {
        // $3.75 at 4,100 = 15,375 riel; $5 = 20,500; over by 5,125 = $1 + 1,025 riel,
        // which rounds to 1,000: the shop keeps 25 riel on the rounding line.
        check(
            due(usd(375), 4100),
            Tendered::new(500, 0),
            &CashPolicy::default(),
            false,
            complete(100, 1_000, 25),
        );
        // The same sale with "all change in riel": 5,125 → 5,100, the shop keeps 25.
        check(
            due(usd(375), 4100),
            Tendered::new(500, 0),
            &CashPolicy::default(),
            true,
            complete(0, 5_100, 25),
        );
    }

    #[test]
    fn the_street_example_gives_seven_thousand_riel_for_twenty_five_dollars() {
        // $23.28 at 4,100 = 95,448 riel; $25 = 102,500; over by 7,052 riel, below the $10
        // riel-only threshold (41,000): all in riel, rounded down to 7,000, shop keeps 52.
        check(
            due(usd(2328), 4100),
            Tendered::new(2500, 0),
            &policy(Rounding::Down, usd(1000), &[1, 5, 10, 20, 50, 100]),
            false,
            complete(0, 7_000, 52),
        );
        // Rounding up instead: 7,100, the customer gains 48.
        check(
            due(usd(2328), 4100),
            Tendered::new(2500, 0),
            &policy(Rounding::Up, usd(1000), &[1, 5, 10, 20, 50, 100]),
            false,
            complete(0, 7_100, -48),
        );
    }

    #[test]
    fn a_riel_sale_paid_in_both_currencies_gets_riel_change() {
        // 50,000 riel due at 4,100; $10 + 10,000 riel = 51,000: 1,000 riel back, exact.
        check(
            due(khr(50_000), 4100),
            Tendered::new(1000, 10_000),
            &CashPolicy::default(),
            false,
            complete(0, 1_000, 0),
        );
    }

    #[test]
    fn dollar_change_uses_only_the_notes_the_shop_accepts() {
        // $12.40 at 4,000 = 49,600 riel; $100 = 400,000; over by 350,400 = $87.60. With only
        // $20 and $50 notes, $80 in dollars (50 + 20 + 10 is impossible; 20 × 4 is) and
        // $7.60 = 30,400 riel.
        check(
            due(usd(1240), 4000),
            Tendered::new(10_000, 0),
            &policy(Rounding::Nearest, usd(100), &[20, 50, 100]),
            false,
            complete(8_000, 30_400, 0),
        );
        // A $1 note is refused when the shop does not accept it.
        assert_eq!(
            settle(
                &due(usd(1240), 4000),
                &Tendered::new(1_300, 0),
                &policy(Rounding::Nearest, usd(100), &[5, 10, 20, 50, 100]),
                false
            ),
            Err(CashError::UsdNotNotes {
                cents: 1_300,
                accepted: vec![5, 10, 20, 50, 100]
            })
        );
    }

    #[test]
    fn short_cash_leaves_the_exact_remainder_for_a_khqr() {
        // $3.75 at 4,100 with $3 handed over: $0.75 short, exactly; 3,075 riel in cash
        // would round to 3,100.
        check(
            due(usd(375), 4100),
            Tendered::new(300, 0),
            &CashPolicy::default(),
            false,
            Settlement::StillDue(StillDue {
                cash_khr: khr(3_100),
                khqr: usd(75),
            }),
        );
        // Once riel is handed over the remainder is in riel: 15,375 − 4,100 − 10,000.
        check(
            due(usd(375), 4100),
            Tendered::new(100, 10_000),
            &CashPolicy::default(),
            false,
            Settlement::StillDue(StillDue {
                cash_khr: khr(1_300),
                khqr: khr(1_275),
            }),
        );
        // The split KHQR for the dollar remainder balances the sale exactly.
        let d = due(usd(375), 4100);
        let none = Change {
            usd: usd(0),
            khr: khr(0),
        };
        check_balance(&d, &[usd(300), usd(75)], &none, khr(0)).unwrap();
        assert!(matches!(
            check_balance(&d, &[usd(300)], &none, khr(0)),
            Err(CashError::Unbalanced { .. })
        ));
    }

    #[test]
    fn a_shortfall_smaller_than_the_rounding_settles_on_the_rounding_line() {
        // 15,375 riel due; 15,300 handed over: short 75. Nearest rounds that to 100 more;
        // up absorbs it (the shop bears 75); 15,350 under nearest is short 25: absorbed.
        let d = due(usd(375), 4100);
        let only_riel = |r| Tendered::new(0, r);
        check(
            d,
            only_riel(15_300),
            &CashPolicy::default(),
            false,
            Settlement::StillDue(StillDue {
                cash_khr: khr(100),
                khqr: khr(75),
            }),
        );
        let up = policy(Rounding::Up, usd(100), &[1]);
        check(d, only_riel(15_300), &up, false, complete(0, 0, -75));
        check(
            d,
            only_riel(15_350),
            &CashPolicy::default(),
            false,
            complete(0, 0, -25),
        );
        // The riel-only amount shown as due settles with nothing back under each rounding.
        assert_eq!(d.cash_khr(Rounding::Nearest), khr(15_400));
        assert_eq!(d.cash_khr(Rounding::Down), khr(15_400));
        assert_eq!(d.cash_khr(Rounding::Up), khr(15_300));
    }

    #[test]
    fn due_is_shown_in_both_currencies_with_stated_rounding() {
        let d = due(khr(10_000), 4150);
        assert_eq!((d.khr, d.usd), (khr(10_000), usd(241)));
        let d = due(usd(1), 4150);
        assert_eq!((d.khr, d.usd), (khr(42), usd(1)));
        assert!(Due::new(usd(-1), Rate::new(4100).unwrap()).is_err());
    }

    #[test]
    fn bad_tenders_are_refused() {
        let d = due(usd(375), 4100);
        let p = CashPolicy::default();
        assert!(matches!(
            settle(&d, &Tendered::new(-100, 0), &p, false),
            Err(CashError::Negative { .. })
        ));
        assert!(matches!(
            settle(&d, &Tendered::new(550, 0), &p, false),
            Err(CashError::UsdNotNotes { .. })
        ));
        let swapped = Tendered {
            usd: khr(500),
            khr: khr(0),
        };
        assert!(matches!(
            settle(&d, &swapped, &p, false),
            Err(CashError::WrongCurrency { .. })
        ));
        assert_eq!(
            settle(&d, &Tendered::new(i64::MAX / 100 * 100, 0), &p, false),
            Err(CashError::Overflow)
        );
    }

    #[test]
    fn rounding_modes_round_signed_riel_to_hundreds() {
        for (riel, nearest, down, up) in [
            (0, 0, 0, 0),
            (49, 0, 0, 100),
            (50, 100, 0, 100),
            (150, 200, 100, 200),
            (-49, 0, -100, 0),
            (-50, 0, -100, 0),
            (-51, -100, -100, 0),
        ] {
            assert_eq!(Rounding::Nearest.apply(riel), nearest, "nearest {riel}");
            assert_eq!(Rounding::Down.apply(riel), down, "down {riel}");
            assert_eq!(Rounding::Up.apply(riel), up, "up {riel}");
        }
    }
}
