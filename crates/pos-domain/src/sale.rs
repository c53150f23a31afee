//! The sale lifecycle as a pure state machine: which status a sale moves to when something
//! happens to it, and which happenings are refused. The ledger stores the result; the
//! watcher feeds it events. Finalization happens exactly once because every final status
//! refuses to move again, except a late payment on an expired or cancelled sale.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a sale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaleStatus {
    /// QR shown, waiting for the customer's payment.
    Pending,
    /// Paid with the exact amount, currency and payee: counted in the day's takings.
    Paid,
    /// Bakong reported the transaction as failed.
    Failed,
    /// The QR expired unpaid.
    Expired,
    /// The cashier cancelled before payment.
    Cancelled,
    /// Paid after the sale expired or was cancelled: needs the owner's review, not counted.
    PaidLate,
    /// A payment arrived whose amount, currency or payee differs: needs review, not counted.
    Mismatch,
    /// Accepted by the cashier on the customer's success screen while Bakong could not
    /// answer: counted apart, not in the takings, until Bakong confirms it.
    AcceptedUnverified,
    /// Accepted on the customer's screen, but Bakong had no payment (or a failed one) by the
    /// final check: needs the owner's review, not counted.
    Unconfirmed,
}

/// Something that happened to a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaleEvent {
    /// Bakong reports the sale's md5 as paid; `matches` says whether amount, currency and
    /// payee equal the sale's.
    PaymentReported {
        /// Amount, currency and payee all equal the sale's.
        matches: bool,
    },
    /// Bakong reports the transaction as failed.
    PaymentFailed,
    /// The QR's expiry passed (and the final check found no payment).
    Expired,
    /// The cashier cancelled.
    Cancelled,
    /// The cashier accepted the customer's success screen while Bakong could not answer.
    AcceptedOnScreen,
}

/// The outcome of applying an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The sale moves to a new status.
    To(SaleStatus),
    /// The event repeats what already happened (a second "paid" for a paid sale): nothing to do.
    Unchanged,
}

/// An event the sale's current status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} sale cannot take {event:?}")]
pub struct InvalidTransition {
    /// The status the sale is in.
    pub from: SaleStatus,
    /// The refused event.
    pub event: SaleEvent,
}

impl SaleStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [SaleStatus; 9] = [
        SaleStatus::Pending,
        SaleStatus::Paid,
        SaleStatus::Failed,
        SaleStatus::Expired,
        SaleStatus::Cancelled,
        SaleStatus::PaidLate,
        SaleStatus::Mismatch,
        SaleStatus::AcceptedUnverified,
        SaleStatus::Unconfirmed,
    ];

    /// The stable text stored in the ledger and shown in exports.
    pub const fn as_str(self) -> &'static str {
        match self {
            SaleStatus::Pending => "pending",
            SaleStatus::Paid => "paid",
            SaleStatus::Failed => "failed",
            SaleStatus::Expired => "expired",
            SaleStatus::Cancelled => "cancelled",
            SaleStatus::PaidLate => "paid_late",
            SaleStatus::Mismatch => "mismatch",
            SaleStatus::AcceptedUnverified => "accepted_unverified",
            SaleStatus::Unconfirmed => "unconfirmed",
        }
    }

    /// Whether the sale still waits for its first outcome.
    pub const fn is_pending(self) -> bool {
        matches!(self, SaleStatus::Pending)
    }

    /// Whether money arrived for this sale (counted or not): such a sale gets a receipt.
    pub const fn has_payment(self) -> bool {
        matches!(
            self,
            SaleStatus::Paid | SaleStatus::PaidLate | SaleStatus::Mismatch
        )
    }

    /// Whether the owner must look at it.
    pub const fn needs_attention(self) -> bool {
        matches!(
            self,
            SaleStatus::PaidLate | SaleStatus::Mismatch | SaleStatus::Unconfirmed
        )
    }

    /// Whether a late payment can still turn up and should be looked for.
    pub const fn may_be_paid_late(self) -> bool {
        matches!(
            self,
            SaleStatus::Expired | SaleStatus::Cancelled | SaleStatus::Unconfirmed
        )
    }

    /// Applies `event`, returning the new status or a refusal.
    pub fn apply(self, event: SaleEvent) -> Result<Transition, InvalidTransition> {
        use SaleEvent as E;
        use SaleStatus as S;
        let next = match (self, event) {
            (S::Pending, E::PaymentReported { matches: true }) => S::Paid,
            (S::Pending, E::PaymentReported { matches: false }) => S::Mismatch,
            (S::Pending, E::PaymentFailed) => S::Failed,
            (S::Pending, E::Expired) => S::Expired,
            (S::Pending, E::Cancelled) => S::Cancelled,
            (S::Pending, E::AcceptedOnScreen) => S::AcceptedUnverified,
            // Accepted on the customer's screen: Bakong's answer decides, never silently paid.
            (S::AcceptedUnverified, E::PaymentReported { matches: true }) => S::Paid,
            (S::AcceptedUnverified, E::PaymentReported { matches: false }) => S::Mismatch,
            (S::AcceptedUnverified, E::PaymentFailed | E::Expired) => S::Unconfirmed,
            (S::Expired | S::Cancelled | S::Unconfirmed, E::PaymentReported { .. }) => {
                S::PaidLate
            }
            (S::Paid | S::PaidLate | S::Mismatch, E::PaymentReported { .. })
            // Accepting again, or after Bakong already confirmed the payment: nothing to do.
            | (S::AcceptedUnverified | S::Paid, E::AcceptedOnScreen)
            | (S::Unconfirmed, E::Expired | E::PaymentFailed)
            | (S::Expired, E::Expired)
            | (S::Cancelled, E::Cancelled)
            | (S::Failed, E::PaymentFailed) => return Ok(Transition::Unchanged),
            (from, event) => return Err(InvalidTransition { from, event }),
        };
        Ok(Transition::To(next))
    }
}

impl fmt::Display for SaleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text that is not a sale status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown sale status {0:?}: expected one of pending, paid, failed, expired, cancelled, paid_late, mismatch, accepted_unverified, unconfirmed")]
pub struct UnknownStatus(pub String);

impl FromStr for SaleStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        SaleStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == wanted)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SaleEvent as E;
    use SaleStatus as S;

    #[test]
    fn a_pending_sale_reaches_each_final_status() {
        assert_eq!(
            S::Pending.apply(E::PaymentReported { matches: true }),
            Ok(Transition::To(S::Paid))
        );
        assert_eq!(
            S::Pending.apply(E::PaymentReported { matches: false }),
            Ok(Transition::To(S::Mismatch))
        );
        assert_eq!(
            S::Pending.apply(E::PaymentFailed),
            Ok(Transition::To(S::Failed))
        );
        assert_eq!(S::Pending.apply(E::Expired), Ok(Transition::To(S::Expired)));
        assert_eq!(
            S::Pending.apply(E::Cancelled),
            Ok(Transition::To(S::Cancelled))
        );
    }

    #[test]
    fn payment_after_expiry_or_cancel_is_paid_late_whatever_the_amount() {
        for from in [S::Expired, S::Cancelled] {
            for matches in [true, false] {
                assert_eq!(
                    from.apply(E::PaymentReported { matches }),
                    Ok(Transition::To(S::PaidLate))
                );
            }
        }
    }

    #[test]
    fn a_second_payment_report_changes_nothing() {
        for from in [S::Paid, S::PaidLate, S::Mismatch] {
            assert_eq!(
                from.apply(E::PaymentReported { matches: true }),
                Ok(Transition::Unchanged)
            );
        }
    }

    #[test]
    fn final_statuses_refuse_to_go_back() {
        assert!(S::Paid.apply(E::Cancelled).is_err());
        assert!(S::Paid.apply(E::Expired).is_err());
        assert!(S::Failed
            .apply(E::PaymentReported { matches: true })
            .is_err());
        assert!(S::Expired.apply(E::Cancelled).is_err());
        assert!(S::Cancelled.apply(E::Expired).is_err());
        let err = S::Paid.apply(E::Cancelled).unwrap_err();
        assert!(err.to_string().contains("paid"));
    }

    #[test]
    fn status_text_round_trips() {
        for st in S::ALL {
            assert_eq!(st.as_str().parse::<S>(), Ok(st));
        }
        assert_eq!("PAID-LATE".parse::<S>(), Ok(S::PaidLate));
        assert!("refunded".parse::<S>().is_err());
    }

    #[test]
    fn only_sales_with_money_get_receipts_and_only_odd_ones_need_attention() {
        let with_money: Vec<_> = S::ALL.into_iter().filter(|s| s.has_payment()).collect();
        assert_eq!(with_money, [S::Paid, S::PaidLate, S::Mismatch]);
        let attention: Vec<_> = S::ALL.into_iter().filter(|s| s.needs_attention()).collect();
        assert_eq!(attention, [S::PaidLate, S::Mismatch, S::Unconfirmed]);
    }

    #[test]
    fn an_accepted_sale_is_settled_by_bakong_and_never_silently_paid() {
        assert_eq!(
            S::Pending.apply(E::AcceptedOnScreen),
            Ok(Transition::To(S::AcceptedUnverified))
        );
        let accepted = S::AcceptedUnverified;
        assert!(!accepted.has_payment() && !accepted.is_pending() && !accepted.needs_attention());
        assert_eq!(
            accepted.apply(E::PaymentReported { matches: true }),
            Ok(Transition::To(S::Paid))
        );
        assert_eq!(
            accepted.apply(E::PaymentReported { matches: false }),
            Ok(Transition::To(S::Mismatch))
        );
        for missing in [E::Expired, E::PaymentFailed] {
            assert_eq!(accepted.apply(missing), Ok(Transition::To(S::Unconfirmed)));
            assert_eq!(S::Unconfirmed.apply(missing), Ok(Transition::Unchanged));
        }
        // Money found after all still needs the owner: it was missing when it was due.
        assert_eq!(
            S::Unconfirmed.apply(E::PaymentReported { matches: true }),
            Ok(Transition::To(S::PaidLate))
        );
        assert!(accepted.apply(E::Cancelled).is_err());
    }

    #[test]
    fn accepting_twice_or_after_payment_changes_nothing_and_closed_sales_refuse_it() {
        for from in [S::AcceptedUnverified, S::Paid] {
            assert_eq!(from.apply(E::AcceptedOnScreen), Ok(Transition::Unchanged));
        }
        for from in [
            S::Failed,
            S::Expired,
            S::Cancelled,
            S::PaidLate,
            S::Mismatch,
            S::Unconfirmed,
        ] {
            assert!(from.apply(E::AcceptedOnScreen).is_err(), "{from}");
        }
    }
}
