//! The owner's shop-wide view read from the shop database: what was paid in a time range, per
//! terminal and in total, per currency, and every counter's sales of the range.

use pos_domain::{Currency, Money, SaleStatus};
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

/// How money came in: Bakong's payment of a sale's QR (a whole KHQR sale, or a split sale's
/// remainder), or cash at the counter (what was handed over less the change, from the sale's
/// tender lines). A receipt pushed without tender lines (before migration 0003) counts whole
/// under one tender: cash when the sale was created paid, KHQR when a payment paid it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tender {
    /// Cash at the counter.
    Cash,
    /// Bakong's payment.
    Khqr,
}

/// One line of the owner's shop report: a terminal (or the shop, `None`), a tender (or every
/// tender, `None`), one currency: the receipts with money in that currency through that tender,
/// and the money. A split sale counts under both tenders, its cash and its KHQR part each
/// where they came in; a cash sale paid in the other currency counts in the currency handed
/// over (its change, given back, subtracted in its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShopTotal {
    /// The terminal, or `None` for the whole shop.
    pub terminal_id: Option<String>,
    /// The tender, or `None` for all of them.
    pub tender: Option<Tender>,
    /// How many receipts.
    pub count: i64,
    /// What came in.
    pub paid: Money,
}

impl Shop {
    /// The owner's view of `range` across counters: per terminal and tender, per terminal,
    /// per tender across the shop, and the shop's total, each per currency; in that order
    /// (terminals first, by id; the shop last), tender before its total, currency by code.
    pub async fn shop_report(&self, range: Range) -> Result<Vec<ShopTotal>> {
        // Each receipt's parts: Bakong's payment, the net cash per currency from its tender
        // lines, or (no lines) the whole receipt under the tender its events show. Then one
        // GROUPING SETS pass: no total can disagree with the lines it sums.
        let rows = self
            .client
            .query(
                "WITH paid AS (SELECT r.terminal_id, r.number, r.paid_minor, r.paid_currency, \
                 e.from_status IS NULL AS created_paid, \
                 EXISTS (SELECT 1 FROM receipt_tenders t WHERE t.terminal_id = r.terminal_id \
                 AND t.number = r.number) AS has_lines \
                 FROM receipts r JOIN ledger_events e \
                 ON e.terminal_id = r.terminal_id AND e.seq = r.seq \
                 WHERE r.issued_ms >= $1 AND r.issued_ms < $2), \
                 parts AS (\
                 SELECT terminal_id, number, 'khqr' AS tender, paid_currency AS currency, \
                 paid_minor AS minor FROM paid WHERE NOT created_paid \
                 UNION ALL \
                 SELECT terminal_id, number, 'cash', paid_currency, paid_minor FROM paid \
                 WHERE created_paid AND NOT has_lines \
                 UNION ALL \
                 SELECT p.terminal_id, p.number, 'cash', t.currency, \
                 sum(CASE t.kind WHEN 'change' THEN -t.amount_minor ELSE t.amount_minor END) \
                 FROM paid p JOIN receipt_tenders t \
                 ON t.terminal_id = p.terminal_id AND t.number = p.number \
                 WHERE t.kind IN ('cash', 'change') \
                 GROUP BY p.terminal_id, p.number, t.currency \
                 HAVING sum(CASE t.kind WHEN 'change' THEN -t.amount_minor \
                 ELSE t.amount_minor END) <> 0) \
                 SELECT terminal_id, tender, currency, \
                 count(DISTINCT terminal_id || '#' || number), sum(minor)::bigint FROM parts \
                 GROUP BY GROUPING SETS ((terminal_id, tender, currency), \
                 (terminal_id, currency), (tender, currency), (currency)) \
                 ORDER BY terminal_id IS NULL, terminal_id, tender IS NULL, tender, currency",
                &[&range.from_ms, &range.to_ms],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let currency: String = row.try_get(2)?;
                let currency: Currency = currency.parse().map_err(|_| SyncError::Corrupt {
                    column: "receipt_tenders.currency",
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

/// One sale of a counter as the shop database knows it: its facts, its latest status, and its
/// receipt once paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShopSale {
    /// The counter.
    pub terminal_id: String,
    /// The sale's id in that counter's ledger.
    pub sale_id: i64,
    /// The bill number printed for it.
    pub bill_number: String,
    /// When it was made (epoch ms).
    pub created_ms: i64,
    /// What was charged.
    pub amount: Money,
    /// Its status after the last event pushed.
    pub status: SaleStatus,
    /// Its receipt's number on its counter, once paid.
    pub receipt: Option<i64>,
    /// What was paid, once paid.
    pub paid: Option<Money>,
}

impl Shop {
    /// Every counter's sales made in `range`, each with its latest pushed status and its
    /// receipt, in the order they were made (counter by counter at the same millisecond).
    pub async fn shop_sales(&self, range: Range) -> Result<Vec<ShopSale>> {
        let rows = self
            .client
            .query(
                "SELECT * FROM (SELECT DISTINCT ON (e.terminal_id, e.sale_id) e.terminal_id, \
                 e.sale_id, e.bill_number, e.sale_created_ms, e.amount_minor, e.currency, \
                 e.to_status, r.number, r.paid_minor, r.paid_currency \
                 FROM ledger_events e LEFT JOIN receipts r \
                 ON r.terminal_id = e.terminal_id AND r.sale_id = e.sale_id \
                 WHERE e.kind = 'status' AND e.sale_created_ms >= $1 AND e.sale_created_ms < $2 \
                 ORDER BY e.terminal_id, e.sale_id, e.seq DESC) latest \
                 ORDER BY sale_created_ms, terminal_id, sale_id",
                &[&range.from_ms, &range.to_ms],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get(6)?;
                let status = status.parse().map_err(|_| SyncError::Corrupt {
                    column: "ledger_events.to_status",
                    value: status.clone(),
                })?;
                let paid = match row.try_get::<_, Option<i64>>(8)? {
                    Some(minor) => Some(Money::new(minor, currency(row.try_get(9)?)?)),
                    None => None,
                };
                Ok(ShopSale {
                    terminal_id: row.try_get(0)?,
                    sale_id: row.try_get(1)?,
                    bill_number: row.try_get(2)?,
                    created_ms: row.try_get(3)?,
                    amount: Money::new(row.try_get(4)?, currency(row.try_get(5)?)?),
                    status,
                    receipt: row.try_get(7)?,
                    paid,
                })
            })
            .collect()
    }
}

/// A currency code read back from the shop database.
fn currency(code: String) -> Result<Currency> {
    code.parse().map_err(|_| SyncError::Corrupt {
        column: "currency",
        value: code,
    })
}

/// How far a counter's events reached the shop database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushState {
    /// The counter.
    pub terminal_id: String,
    /// Its last event stored (0: none yet).
    pub pushed_up_to: i64,
    /// When the last of its events arrived (epoch ms), if any did.
    pub last_pushed_ms: Option<i64>,
}

impl Shop {
    /// Every counter's push as the shop database sees it: the registered counters and those
    /// that pushed, by terminal id.
    pub async fn push_states(&self) -> Result<Vec<PushState>> {
        let rows = self
            .client
            .query(
                "SELECT coalesce(t.terminal_id, e.terminal_id), coalesce(e.high, 0), e.last_ms \
                 FROM terminals t FULL JOIN (SELECT terminal_id, max(seq) AS high, \
                 (extract(epoch FROM max(pushed_at)) * 1000)::bigint AS last_ms \
                 FROM ledger_events GROUP BY terminal_id) e ON e.terminal_id = t.terminal_id \
                 ORDER BY 1",
                &[],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PushState {
                    terminal_id: row.try_get(0)?,
                    pushed_up_to: row.try_get(1)?,
                    last_pushed_ms: row.try_get(2)?,
                })
            })
            .collect()
    }
}
