//! The elected checker: one counter at a time checks the pending sales of every counter with
//! Bakong and writes each answer that ends a sale's check to the shop database, which NOTIFYs
//! the counter that owns the sale; that counter finalizes it in its own ledger.
//!
//! Who checks is a lease row with an expiry on the database's clock ([`Shop::claim_checker`]),
//! not a session advisory lock: a session lock outlives its holder for as long as the server
//! takes to notice a dead TCP link (the keepalive's hours, after a silent partition), so the
//! other counters' sales would go unchecked meanwhile. A lease that is not renewed ends after
//! its time whatever happened to the holder, and the holder stops acting before that on its
//! own clock ([`Lease::acting_until`]), so two checkers never overlap by its account. A result
//! counts only from the lease's holder (`add_check_result` refuses others), and a pending check
//! is ended at most once (`UNIQUE`), so a stale checker's late answer is a no-op.
//!
//! The pending checks (`pending_checks`) are what each counter registered when it showed the
//! QR; they are read by the checker ([`Shop::open_checks`]) and ended by a result row
//! ([`Shop::add_check_result`]), read back by the owner ([`Shop::check_results`]), which hears
//! of new ones through LISTEN ([`Shop::open_listening`]).

use std::time::Duration;

use pos_domain::{Currency, Money};
use pos_store::PaymentDetails;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_postgres::AsyncMessage;

use crate::{Result, Shop, ShopDb, SyncError};

/// The NOTIFY channel of `check_results`; the payload is the owning terminal's id.
const CHANNEL: &str = "check_results";

/// A sale waiting for payment on one counter, as the checker sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCheck {
    /// The counter that owns the sale.
    pub terminal_id: String,
    /// The sale's id in that counter's ledger.
    pub sale_id: i64,
    /// The md5 of its QR, which Bakong is asked about.
    pub md5: String,
    /// When the QR was made (epoch ms, the owner's clock).
    pub created_ms: i64,
    /// When it stops being payable.
    pub expires_ms: i64,
}

/// What ended a pending check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Bakong reports a payment, as reported: the owner compares it with the sale.
    Paid(PaymentDetails),
    /// Bakong reports the payment failed.
    Failed,
    /// Bakong knows no payment at the sale's final check.
    NotFound,
    /// The owning counter closed it itself (cancelled, or settled by its own check).
    Closed,
}

impl Outcome {
    fn status(&self) -> &'static str {
        match self {
            Outcome::Paid(_) => "paid",
            Outcome::Failed => "failed",
            Outcome::NotFound => "not_found",
            Outcome::Closed => "closed",
        }
    }
}

/// A result row, for the counter that owns the sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The row's number: results are read after the last one seen.
    pub id: i64,
    /// The sale's id in the owner's ledger.
    pub sale_id: i64,
    /// The counter that checked.
    pub checked_by: String,
    /// What it found.
    pub outcome: Outcome,
}

/// The checker lease as one claim found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The terminal holding it.
    pub holder: String,
    /// Raised on every change of holder.
    pub term: i64,
    /// Until when (this machine's monotonic clock) the lease is surely still valid: the
    /// database's remaining time counted from before the claim was sent, so never later than
    /// the database's expiry.
    pub acting_until: Instant,
}

impl Lease {
    /// The lease a claim sent at `sent_at` answered: `holder`, `term`, `expires_in_ms` left.
    pub fn from_claim(sent_at: Instant, holder: String, term: i64, expires_in_ms: i64) -> Lease {
        let left = Duration::from_millis(u64::try_from(expires_in_ms).unwrap_or_default());
        Lease {
            holder,
            term,
            acting_until: sent_at + left,
        }
    }

    /// Whether `terminal_id` may act as the checker at `now`.
    pub fn is_held_by(&self, terminal_id: &str, now: Instant) -> bool {
        self.holder == terminal_id && now < self.acting_until
    }

    /// Whether some counter holds it at `now`, as far as this claim knows.
    pub fn is_live(&self, now: Instant) -> bool {
        now < self.acting_until
    }
}

impl Shop {
    /// Claims (or renews) the checker lease for `terminal_id` for `ttl`: granted when it is
    /// free, expired or already this terminal's. Returns the lease as it stands after the
    /// claim, whoever holds it.
    pub async fn claim_checker(&self, terminal_id: &str, ttl: Duration) -> Result<Lease> {
        let ttl_ms = i32::try_from(ttl.as_millis()).map_err(|_| SyncError::BadInput {
            reason: format!("a checker lease of {ttl:?} is too long"),
        })?;
        let sent_at = Instant::now();
        let row = self
            .client
            .query_one(
                "SELECT holder, term, expires_in_ms FROM claim_checker($1, $2)",
                &[&terminal_id, &ttl_ms],
            )
            .await?;
        Ok(Lease::from_claim(
            sent_at,
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
        ))
    }

    /// Registers a sale waiting for payment on its own counter; a repeat is a no-op.
    pub async fn add_pending_check(&self, check: &PendingCheck) -> Result<()> {
        self.client
            .execute(
                "SELECT add_pending_check($1, $2, $3, $4, $5)",
                &[
                    &check.terminal_id,
                    &check.sale_id,
                    &check.md5,
                    &check.created_ms,
                    &check.expires_ms,
                ],
            )
            .await?;
        Ok(())
    }

    /// The pending checks no result has ended, of sales that expire after `expiring_after_ms`
    /// (older ones are their own counters' to recheck), oldest first, at most `limit`.
    pub async fn open_checks(
        &self,
        expiring_after_ms: i64,
        limit: usize,
    ) -> Result<Vec<PendingCheck>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client
            .query(
                "SELECT p.terminal_id, p.sale_id, p.md5, p.created_ms, p.expires_ms \
                 FROM pending_checks p \
                 WHERE p.expires_ms > $1 AND NOT EXISTS (SELECT 1 FROM check_results r \
                     WHERE r.terminal_id = p.terminal_id AND r.sale_id = p.sale_id) \
                 ORDER BY p.created_ms, p.terminal_id, p.sale_id LIMIT $2",
                &[&expiring_after_ms, &limit],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingCheck {
                    terminal_id: row.try_get(0)?,
                    sale_id: row.try_get(1)?,
                    md5: row.try_get(2)?,
                    created_ms: row.try_get(3)?,
                    expires_ms: row.try_get(4)?,
                })
            })
            .collect()
    }

    /// Ends `terminal_id`'s pending check of `sale_id` with `outcome`, as `checker` (the
    /// lease's holder; or, for [`Outcome::Closed`], the owning counter itself). `false`: the
    /// check was already ended, or `checker` no longer holds the lease; nothing written.
    pub async fn add_check_result(
        &self,
        checker: &str,
        terminal_id: &str,
        sale_id: i64,
        outcome: &Outcome,
    ) -> Result<bool> {
        let paid = match outcome {
            Outcome::Paid(p) => Some(p),
            _ => None,
        };
        let row = self
            .client
            .query_one(
                "SELECT add_check_result($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                &[
                    &checker,
                    &terminal_id,
                    &sale_id,
                    &outcome.status(),
                    &paid.map(|p| p.hash.as_str()),
                    &paid.and_then(|p| p.payer_account.as_deref()),
                    &paid.and_then(|p| p.payee_account.as_deref()),
                    &paid.map(|p| p.amount.minor),
                    &paid.map(|p| p.amount.currency.alpha()),
                    &paid.and_then(|p| p.created_ms),
                    &paid.and_then(|p| p.acknowledged_ms),
                    &paid.and_then(|p| p.external_ref.as_deref()),
                    &paid.and_then(|p| p.instruction_ref.as_deref()),
                ],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    /// The results for `terminal_id`'s sales after row `after_id`, in order.
    pub async fn check_results(
        &self,
        terminal_id: &str,
        after_id: i64,
    ) -> Result<Vec<CheckResult>> {
        let rows = self
            .client
            .query(
                "SELECT id, sale_id, checked_by, status, hash, payer_account, payee_account, \
                 amount_minor, currency, paid_created_ms, acknowledged_ms, external_ref, \
                 instruction_ref FROM check_results WHERE terminal_id = $1 AND id > $2 \
                 ORDER BY id",
                &[&terminal_id, &after_id],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get(3)?;
                let outcome = match status.as_str() {
                    "paid" => {
                        let currency: String = row.try_get(8)?;
                        let currency: Currency =
                            currency.parse().map_err(|_| SyncError::Corrupt {
                                column: "check_results.currency",
                                value: currency.clone(),
                            })?;
                        Outcome::Paid(PaymentDetails {
                            hash: row.try_get(4)?,
                            payer_account: row.try_get(5)?,
                            payee_account: row.try_get(6)?,
                            amount: Money::new(row.try_get(7)?, currency),
                            created_ms: row.try_get(9)?,
                            acknowledged_ms: row.try_get(10)?,
                            external_ref: row.try_get(11)?,
                            instruction_ref: row.try_get(12)?,
                        })
                    }
                    "failed" => Outcome::Failed,
                    "not_found" => Outcome::NotFound,
                    "closed" => Outcome::Closed,
                    _ => {
                        return Err(SyncError::Corrupt {
                            column: "check_results.status",
                            value: status,
                        })
                    }
                };
                Ok(CheckResult {
                    id: row.try_get(0)?,
                    sale_id: row.try_get(1)?,
                    checked_by: row.try_get(2)?,
                    outcome,
                })
            })
            .collect()
    }

    /// [`Shop::open`], LISTENing for check results: the receiver gets the terminal id of each
    /// new result (a hint to read [`Shop::check_results`]; a notification sent while the link
    /// was down is lost, so read after every reconnect too), and ends when the link does.
    pub async fn open_listening(db: &ShopDb) -> Result<(Shop, mpsc::UnboundedReceiver<String>)> {
        let (tx, rx) = mpsc::unbounded_channel();
        let client = db
            .connect_with(move |message| {
                if let AsyncMessage::Notification(n) = message {
                    let _ = tx.send(n.payload().to_owned());
                }
            })
            .await?;
        let mut shop = Shop { client };
        crate::schema::migrate(&mut shop.client).await?;
        shop.client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .await?;
        Ok((shop, rx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_acted_on_only_by_its_holder_and_only_before_its_time_from_the_claim() {
        let sent = Instant::now();
        let lease = Lease::from_claim(sent, "T1".into(), 3, 2_000);
        assert!(lease.is_held_by("T1", sent));
        assert!(lease.is_held_by("T1", sent + Duration::from_millis(1_999)));
        assert!(!lease.is_held_by("T1", sent + Duration::from_millis(2_000)));
        assert!(!lease.is_held_by("T2", sent));
        assert!(lease.is_live(sent + Duration::from_millis(1_999)));
        assert!(!lease.is_live(sent + Duration::from_millis(2_000)));
        // An expired lease (or a nonsense negative answer) is acted on by nobody.
        let gone = Lease::from_claim(sent, "T1".into(), 3, -5);
        assert!(!gone.is_held_by("T1", sent));
        assert!(!gone.is_live(sent));
    }
}
