//! The owner's shop-wide view read from the shop database: what was paid in a time range, per
//! terminal and in total, per currency.

use pos_domain::{Currency, Money};
use pos_store::Range;
use serde::Serialize;

use crate::{Result, Shop, SyncError};

/// Receipts issued in a range for one currency: on one terminal, or (`terminal_id` `None`)
/// across the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidTotal {
    /// The terminal, or `None` for the whole shop.
    pub terminal_id: Option<String>,
    /// How many receipts (paid sales).
    pub count: i64,
    /// What they were paid, in minor units of its currency.
    pub paid: Money,
}

impl Shop {
    /// The paid totals of receipts issued in `range` (use `pos_store::day_range` for a shop
    /// day): one per terminal and currency, then the shop's total per currency, each group in
    /// terminal and currency order.
    pub async fn paid_totals(&self, range: Range) -> Result<Vec<PaidTotal>> {
        // GROUPING SETS adds the shop-wide rows (terminal NULL) in the same pass, so the
        // totals never disagree with the per-terminal rows they sum.
        let rows = self
            .client
            .query(
                "SELECT terminal_id, paid_currency, count(*), sum(paid_minor)::bigint \
                 FROM receipts WHERE issued_ms >= $1 AND issued_ms < $2 \
                 GROUP BY GROUPING SETS ((terminal_id, paid_currency), (paid_currency)) \
                 ORDER BY terminal_id IS NULL, terminal_id, paid_currency",
                &[&range.from_ms, &range.to_ms],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let currency: String = row.try_get(1)?;
                let currency: Currency = currency.parse().map_err(|_| SyncError::Corrupt {
                    column: "receipts.paid_currency",
                    value: currency.clone(),
                })?;
                Ok(PaidTotal {
                    terminal_id: row.try_get(0)?,
                    count: row.try_get(2)?,
                    paid: Money::new(row.try_get(3)?, currency),
                })
            })
            .collect()
    }
}

/// How a receipt was paid, as the shop database can tell from the events: `cash` when the sale
/// was created paid (a cash sale at the counter), `khqr` when a Bakong payment paid a pending
/// sale (a split sale's cash part rides with it: its tender lines stay in the counter's
/// ledger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tender {
    /// Created paid at the counter.
    Cash,
    /// Paid through Bakong.
    Khqr,
}

/// One line of the owner's shop report: a terminal (or the shop, `None`), a tender (or every
/// tender, `None`), one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShopTotal {
    /// The terminal, or `None` for the whole shop.
    pub terminal_id: Option<String>,
    /// The tender, or `None` for all of them.
    pub tender: Option<Tender>,
    /// How many receipts.
    pub count: i64,
    /// What they were paid.
    pub paid: Money,
}

impl Shop {
    /// The owner's view of `range` across counters: per terminal and tender, per terminal,
    /// per tender across the shop, and the shop's total, each per currency; in that order
    /// (terminals first, by id; the shop last), tender before its total, currency by code.
    pub async fn shop_report(&self, range: Range) -> Result<Vec<ShopTotal>> {
        // One GROUPING SETS pass: no total can disagree with the lines it sums.
        let rows = self
            .client
            .query(
                "SELECT terminal_id, tender, paid_currency, count(*), sum(paid_minor)::bigint \
                 FROM (SELECT r.terminal_id, r.paid_currency, r.paid_minor, \
                 CASE WHEN e.from_status IS NULL THEN 'cash' ELSE 'khqr' END AS tender \
                 FROM receipts r JOIN ledger_events e \
                 ON e.terminal_id = r.terminal_id AND e.seq = r.seq \
                 WHERE r.issued_ms >= $1 AND r.issued_ms < $2) paid \
                 GROUP BY GROUPING SETS ((terminal_id, tender, paid_currency), \
                 (terminal_id, paid_currency), (tender, paid_currency), (paid_currency)) \
                 ORDER BY terminal_id IS NULL, terminal_id, tender IS NULL, tender, paid_currency",
                &[&range.from_ms, &range.to_ms],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let currency: String = row.try_get(2)?;
                let currency: Currency = currency.parse().map_err(|_| SyncError::Corrupt {
                    column: "receipts.paid_currency",
                    value: currency.clone(),
                })?;
                let tender = match row.try_get::<_, Option<&str>>(1)? {
                    None => None,
                    Some("cash") => Some(Tender::Cash),
                    Some(_) => Some(Tender::Khqr),
                };
                Ok(ShopTotal {
                    terminal_id: row.try_get(0)?,
                    tender,
                    count: row.try_get(3)?,
                    paid: Money::new(row.try_get(4)?, currency),
                })
            })
            .collect()
    }
}
