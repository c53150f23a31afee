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
