//! A shift's drawer as pure folds: the records of a shift in, the totals per currency and
//! tender out (the same fold makes the X report during the shift and the Z report at its
//! close), then expected against counted and the variance.

use pos_domain::{text, Currency, Money};
use serde::{Deserialize, Serialize};

use crate::{CashError, Change, Tendered};

/// How many characters a variance reason may have.
const REASON_MAX_CHARS: usize = 200;

/// An amount in each currency, in minor units (riel, cents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerCurrency {
    /// Riel.
    pub khr: i64,
    /// Cents.
    pub usd: i64,
}

impl PerCurrency {
    /// `khr` riel and `usd_cents` cents.
    pub const fn new(khr: i64, usd_cents: i64) -> PerCurrency {
        PerCurrency {
            khr,
            usd: usd_cents,
        }
    }

    /// The amount in `currency`.
    pub fn get(&self, currency: Currency) -> Money {
        match currency {
            Currency::Khr => Money::new(self.khr, currency),
            Currency::Usd => Money::new(self.usd, currency),
        }
    }

    fn slot(&mut self, currency: Currency) -> &mut i64 {
        match currency {
            Currency::Khr => &mut self.khr,
            Currency::Usd => &mut self.usd,
        }
    }

    /// Adds `amount` (negative subtracts) in its currency, refusing an overflow.
    fn add(&mut self, amount: Money) -> Result<(), CashError> {
        let slot = self.slot(amount.currency);
        *slot = slot.checked_add(amount.minor).ok_or(CashError::Overflow)?;
        Ok(())
    }

    /// `self − other` per currency.
    fn minus(self, other: PerCurrency) -> Result<PerCurrency, CashError> {
        Ok(PerCurrency {
            khr: self.khr.checked_sub(other.khr).ok_or(CashError::Overflow)?,
            usd: self.usd.checked_sub(other.usd).ok_or(CashError::Overflow)?,
        })
    }

    /// Refuses a negative amount in either currency.
    pub fn check_not_negative(&self, what: &'static str) -> Result<(), CashError> {
        for c in Currency::ALL {
            let amount = self.get(c);
            if amount.minor < 0 {
                return Err(CashError::Negative { what, amount });
            }
        }
        Ok(())
    }
}

/// One thing that moved money during a shift, as the ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DrawerRecord {
    /// A finished cash sale (or the cash part of a split sale).
    CashSale {
        /// Cash handed over.
        tendered: Tendered,
        /// Change given back.
        change: Change,
        /// The sale's rounding line, riel.
        rounding: Money,
    },
    /// A KHQR payment (a whole sale or the KHQR part of a split sale).
    Khqr {
        /// The QR's amount.
        amount: Money,
        /// False while Bakong has not confirmed it: "awaiting verification", not in totals.
        paid: bool,
    },
    /// Cash put into the drawer (with a reason kept by the ledger).
    CashIn(Money),
    /// Cash taken out of the drawer.
    CashOut(Money),
    /// A refund paid from the drawer.
    CashRefund(Money),
    /// A refund paid back from the shop's bank app; the drawer does not move.
    BankRefund(Money),
}

/// A shift's totals per currency and tender: the X report (any time) and the Z report (at
/// close). Sums are in minor units per currency; counts are records.
///
/// Serialized in camelCase like every JSON the POS prints; the snake_case aliases read a Z
/// report stored by a development build before that.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftTotals {
    /// The counted opening float.
    pub opening: PerCurrency,
    /// Cash received for sales.
    #[serde(alias = "cash_tendered")]
    pub cash_tendered: PerCurrency,
    /// Change given back.
    #[serde(alias = "change_given")]
    pub change_given: PerCurrency,
    /// The sum of the rounding lines, riel (positive: the shop kept it).
    #[serde(alias = "rounding_khr")]
    pub rounding_khr: i64,
    /// Cash sales.
    #[serde(alias = "cash_sales")]
    pub cash_sales: u64,
    /// KHQR payments confirmed.
    #[serde(alias = "khqr_paid")]
    pub khqr_paid: PerCurrency,
    /// Number of confirmed KHQR payments.
    #[serde(alias = "khqr_paid_count")]
    pub khqr_paid_count: u64,
    /// KHQR payments awaiting verification (carried, never counted twice).
    #[serde(alias = "khqr_awaiting")]
    pub khqr_awaiting: PerCurrency,
    /// Number of KHQR payments awaiting verification.
    #[serde(alias = "khqr_awaiting_count")]
    pub khqr_awaiting_count: u64,
    /// Cash put in.
    #[serde(alias = "cash_in")]
    pub cash_in: PerCurrency,
    /// Cash taken out.
    #[serde(alias = "cash_out")]
    pub cash_out: PerCurrency,
    /// Refunds paid from the drawer.
    #[serde(alias = "refunds_cash")]
    pub refunds_cash: PerCurrency,
    /// Refunds paid from the bank app.
    #[serde(alias = "refunds_bank")]
    pub refunds_bank: PerCurrency,
    /// Number of refunds.
    pub refunds: u64,
}

impl ShiftTotals {
    /// Folds a shift's records over its opening float. Refuses negative amounts, which no
    /// record can hold (a movement's direction is its kind), and overflow.
    pub fn fold<'a>(
        opening: PerCurrency,
        records: impl IntoIterator<Item = &'a DrawerRecord>,
    ) -> Result<ShiftTotals, CashError> {
        opening.check_not_negative("the opening float")?;
        let mut t = ShiftTotals {
            opening,
            ..ShiftTotals::default()
        };
        let positive = |what, amount: Money| {
            if amount.minor < 0 {
                Err(CashError::Negative { what, amount })
            } else {
                Ok(amount)
            }
        };
        for record in records {
            match *record {
                DrawerRecord::CashSale {
                    tendered,
                    change,
                    rounding,
                } => {
                    t.cash_tendered
                        .add(positive("cash handed over", tendered.usd)?)?;
                    t.cash_tendered
                        .add(positive("cash handed over", tendered.khr)?)?;
                    t.change_given.add(positive("change", change.usd)?)?;
                    t.change_given.add(positive("change", change.khr)?)?;
                    t.rounding_khr = t
                        .rounding_khr
                        .checked_add(rounding.minor)
                        .ok_or(CashError::Overflow)?;
                    t.cash_sales += 1;
                }
                DrawerRecord::Khqr { amount, paid } => {
                    let amount = positive("a khqr payment", amount)?;
                    if paid {
                        t.khqr_paid.add(amount)?;
                        t.khqr_paid_count += 1;
                    } else {
                        t.khqr_awaiting.add(amount)?;
                        t.khqr_awaiting_count += 1;
                    }
                }
                DrawerRecord::CashIn(m) => t.cash_in.add(positive("cash in", m)?)?,
                DrawerRecord::CashOut(m) => t.cash_out.add(positive("cash out", m)?)?,
                DrawerRecord::CashRefund(m) => {
                    t.refunds_cash.add(positive("a refund", m)?)?;
                    t.refunds += 1;
                }
                DrawerRecord::BankRefund(m) => {
                    t.refunds_bank.add(positive("a refund", m)?)?;
                    t.refunds += 1;
                }
            }
        }
        Ok(t)
    }

    /// What the drawer should hold per currency: opening + cash received − change + cash in
    /// − cash out − cash refunds. KHQR and bank refunds never touch the drawer.
    pub fn expected(&self) -> Result<PerCurrency, CashError> {
        let mut e = self.opening;
        for c in Currency::ALL {
            e.add(self.cash_tendered.get(c))?;
            e.add(self.cash_in.get(c))?;
            for out in [self.change_given, self.cash_out, self.refunds_cash] {
                let m = out.get(c);
                e.add(Money::new(
                    m.minor.checked_neg().ok_or(CashError::Overflow)?,
                    c,
                ))?;
            }
        }
        Ok(e)
    }
}

/// A drawer's close: expected against counted per currency and the variance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// What the records say the drawer holds.
    pub expected: PerCurrency,
    /// What the cashier counted.
    pub counted: PerCurrency,
    /// `counted − expected` (negative: money missing).
    pub variance: PerCurrency,
    /// Why, when a variance is above the threshold (trimmed; `None` when not given).
    pub reason: Option<String>,
}

/// Closes a drawer: the variance per currency, refusing a negative count and a variance
/// whose size is above `threshold` in either currency without a written reason.
pub fn close_drawer(
    expected: PerCurrency,
    counted: PerCurrency,
    threshold: PerCurrency,
    reason: Option<&str>,
) -> Result<Closing, CashError> {
    counted.check_not_negative("the counted drawer")?;
    threshold.check_not_negative("the variance threshold")?;
    let variance = counted.minus(expected)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason {
        text::check("variance reason", r, REASON_MAX_CHARS).map_err(CashError::Reason)?;
    }
    if reason.is_none() {
        for c in Currency::ALL {
            let (v, limit) = (variance.get(c), threshold.get(c));
            if v.minor.unsigned_abs() > limit.minor.unsigned_abs() {
                return Err(CashError::ReasonNeeded {
                    variance: v,
                    threshold: limit,
                });
            }
        }
    }
    Ok(Closing {
        expected,
        counted,
        variance,
        reason: reason.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_money::{khr, usd};

    fn a_day() -> Vec<DrawerRecord> {
        vec![
            // $3.75 at 4,100 paid with $5: $1 + 1,000 riel back, shop keeps 25.
            DrawerRecord::CashSale {
                tendered: Tendered::new(500, 0),
                change: Change {
                    usd: usd(100),
                    khr: khr(1_000),
                },
                rounding: khr(25),
            },
            DrawerRecord::Khqr {
                amount: khr(12_300),
                paid: true,
            },
            DrawerRecord::Khqr {
                amount: usd(125),
                paid: false,
            },
            DrawerRecord::CashIn(khr(20_000)),
            DrawerRecord::CashOut(usd(1_000)),
            DrawerRecord::CashRefund(khr(5_000)),
            DrawerRecord::BankRefund(usd(200)),
        ]
    }

    #[test]
    fn the_expected_drawer_counts_cash_only_and_carries_pending_khqr_apart() {
        let t = ShiftTotals::fold(PerCurrency::new(40_000, 2_000), &a_day()).unwrap();
        // Riel: 40,000 float − 1,000 change + 20,000 in − 5,000 refund = 54,000.
        // Dollars: $20 float + $5 − $1 change − $10 out = $14.
        assert_eq!(t.expected().unwrap(), PerCurrency::new(54_000, 1_400));
        assert_eq!(t.rounding_khr, 25);
        assert_eq!(
            (t.khqr_paid, t.khqr_paid_count),
            (PerCurrency::new(12_300, 0), 1)
        );
        assert_eq!(
            (t.khqr_awaiting, t.khqr_awaiting_count),
            (PerCurrency::new(0, 125), 1)
        );
        assert_eq!(t.refunds, 2);
        assert_eq!(t.refunds_bank, PerCurrency::new(0, 200));
    }

    #[test]
    fn bad_records_and_floats_are_refused() {
        assert!(matches!(
            ShiftTotals::fold(PerCurrency::new(-1, 0), &[]),
            Err(CashError::Negative { .. })
        ));
        assert!(matches!(
            ShiftTotals::fold(PerCurrency::default(), &[DrawerRecord::CashOut(usd(-100))]),
            Err(CashError::Negative { .. })
        ));
        let huge = [DrawerRecord::CashIn(khr(i64::MAX))];
        let t = ShiftTotals::fold(PerCurrency::new(1, 0), &huge);
        assert!(t.and_then(|t| t.expected()).is_err());
    }

    #[test]
    fn a_variance_above_the_threshold_needs_a_reason() {
        let expected = PerCurrency::new(54_000, 1_400);
        let threshold = PerCurrency::new(1_000, 100);
        // 500 riel short is within the threshold.
        let ok = close_drawer(expected, PerCurrency::new(53_500, 1_400), threshold, None).unwrap();
        assert_eq!(ok.variance, PerCurrency::new(-500, 0));
        // $2 over is not: a reason is needed, and a blank one is no reason.
        let over = PerCurrency::new(54_000, 1_600);
        assert_eq!(
            close_drawer(expected, over, threshold, Some("  ")),
            Err(CashError::ReasonNeeded {
                variance: usd(200),
                threshold: usd(100)
            })
        );
        let why = close_drawer(expected, over, threshold, Some(" customer left change ")).unwrap();
        assert_eq!(why.reason.as_deref(), Some("customer left change"));
        assert!(close_drawer(expected, PerCurrency::new(-1, 0), threshold, None).is_err());
        assert!(matches!(
            close_drawer(expected, over, threshold, Some("bad\u{202e}text")),
            Err(CashError::Reason(_))
        ));
    }
}
