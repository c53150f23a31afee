//! "Customer shows paid": one check for one sale, now, outside the schedule. It runs in the
//! watcher's task, so it cannot race a scheduled round into a second finalization, and it
//! settles its answer through the same [`Watcher::settle`] as every other check. Where the
//! md5-list endpoint works, every other watched sale rides along in the same call for free.

use pos_bakong::MAX_LIST;
use pos_domain::SaleStatus;
use pos_store::{Sale, SaleId};
use serde::Serialize;

use super::round::ListResult;
use super::Watcher;
use crate::views::{CannotVerifyReason, RecheckView, SaleView, Verification};
use crate::CoreError;

/// What the "customer shows paid" check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum CheckNow {
    /// Bakong has a payment for the sale: it is closed now (paid, or paid late or with a
    /// different amount for the owner to review).
    Found {
        /// The sale as it stands after the check.
        sale: Box<SaleView>,
    },
    /// Bakong has no payment for this QR yet; the automatic checks continue.
    NotFoundYet {
        /// The sale, still open.
        sale: Box<SaleView>,
    },
    /// No answer (budget, quota, network, token, region): the sale is NOT unpaid.
    CannotVerify {
        /// The sale, unchanged.
        sale: Box<SaleView>,
        /// Why.
        reason: CannotVerifyReason,
        /// The detail, in English.
        message: String,
    },
    /// The sale is closed without a payment to confirm: Bakong reported it failed, or it was
    /// already paid or failed before (then no check was spent).
    Closed {
        /// The sale as it stands.
        sale: Box<SaleView>,
    },
}

impl Watcher {
    /// Checks sale `id` now, spending one check.
    pub(super) async fn check_now(&mut self, id: SaleId) -> Result<CheckNow, CoreError> {
        let sale = self.load(id).await?;
        if !self.sales.contains_key(&id) {
            // Not watched (any more): an expired or cancelled sale may still be asked about.
            self.track(&sale);
        }
        if !self.sales.contains_key(&id) {
            return Ok(CheckNow::Closed {
                sale: Box::new(SaleView::from(&sale)),
            });
        }
        let now = self.shared.now_ms();
        let used = self.checks_used(now).await;
        // Keep the final checks the other open sales need (one md5-list call serves them
        // all where it works); this sale's own final check is the one this key press may
        // spend, since a payment found now makes it unneeded.
        let others = self
            .sales
            .iter()
            .filter(|(other, w)| **other != id && w.is_pending())
            .count();
        let batched = now >= self.list_usable_at;
        let kept = if batched { others.min(1) } else { others };
        let limit = self
            .budget
            .daily
            .saturating_sub(u32::try_from(kept).unwrap_or(u32::MAX));
        let mut report = RecheckView {
            sales: 1,
            checks_spent: 0,
            answered: 0,
        };
        self.renew_if_expiring(now).await;
        let mut batch = vec![id];
        batch.extend(self.sales.keys().copied().filter(|other| *other != id));
        batch.truncate(MAX_LIST);
        let listed = if now >= self.list_usable_at && batch.len() >= 2 {
            self.list_round(&batch, limit, &mut report).await
        } else {
            ListResult::Unusable
        };
        if let ListResult::Unusable = listed {
            self.single(id, limit, &mut report).await;
        }
        let report = self.finish_round(report, used);
        let sale = Box::new(SaleView::from(&self.load(id).await?));
        Ok(if report.answered == 0 {
            let (reason, message) = match self.shared.status().verification {
                Verification::CannotVerify {
                    reason, message, ..
                } => (reason, message),
                _ => {
                    // No check could be spent: that is "cannot verify" for the counter too,
                    // which is what lets the cashier accept on the customer's screen.
                    let message =
                        format!("the daily budget of {} checks is spent", self.budget.daily);
                    self.shared.set_verification(Verification::CannotVerify {
                        reason: CannotVerifyReason::Budget,
                        message: message.clone(),
                        retry_at_ms: None,
                    });
                    (CannotVerifyReason::Budget, message)
                }
            };
            CheckNow::CannotVerify {
                sale,
                reason,
                message,
            }
        } else if sale.payment.is_some() {
            CheckNow::Found { sale }
        } else if sale.status == SaleStatus::Failed {
            CheckNow::Closed { sale }
        } else {
            CheckNow::NotFoundYet { sale }
        })
    }

    async fn load(&self, id: SaleId) -> Result<Sale, CoreError> {
        self.shared
            .store
            .run(move |s| s.get(id))
            .await?
            .ok_or(CoreError::SaleNotFound { sale_id: id.0 })
    }
}
