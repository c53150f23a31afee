//! Receipts: gap-free numbers per terminal, each with a sha256 hash over the receipt, its
//! sale's payment facts and the previous receipt's hash, so that editing, deleting or
//! reordering any receipt (or the paid sale behind it) breaks the chain where it happened.
//! A sale taken in a shift also has its shift, cashier and tender lines (cash, change, KHQR,
//! rounding) in its receipt's hash; a sale without them (every sale before shifts existed)
//! hashes exactly as it did, so old ledgers and backups still verify.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::sale_row::{sale_from_row, SALE_CHAIN_COLUMNS, SALE_COLUMN_COUNT};
use crate::{ChainProblem, ChainReport, Receipt, Result, Sale, SaleId, Store};

/// The `prev_hash` of a terminal's first receipt (and first Z report).
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the hash layout, so a future layout cannot be confused with this one.
const LAYOUT: &str = "khqr-pos receipt v1";

/// Feeds one field into the hash, length-prefixed so that no two field lists hash alike by
/// moving text from one field to the next; `None` is distinct from an empty string.
pub(crate) fn field(hasher: &mut Sha256, value: Option<&str>) {
    match value {
        Some(v) => {
            hasher.update(format!("{}:", v.len()));
            hasher.update(v);
            hasher.update(";");
        }
        None => hasher.update("~;"),
    }
}

/// A sale's shift, cashier and tender lines as hash fields: written with the sale, before
/// its receipt, and append-only. Empty for a sale outside any shift, and for a ledger from
/// before shifts (schema 1, no such tables: a backup checked read-only).
fn counter_fields(conn: &Connection, sale: &Sale) -> Result<Vec<String>> {
    let has_tables: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sale_tenders')",
        [],
        |row| row.get(0),
    )?;
    if !has_tables {
        return Ok(Vec::new());
    }
    let mut fields = Vec::new();
    let shift: Option<(i64, Option<i64>)> = conn
        .prepare_cached("SELECT shift_id, cashier_id FROM sale_shifts WHERE sale_id = ?1")?
        .query_row([sale.id.0], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    if let Some((shift, cashier)) = shift {
        fields.push(format!("shift {shift}"));
        fields.push(cashier.map_or_else(|| "owner".to_owned(), |id| format!("cashier {id}")));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT line, kind, amount_minor, currency FROM sale_tenders WHERE sale_id = ?1 \
         ORDER BY line",
    )?;
    let lines = stmt.query_map([sale.id.0], |row| {
        Ok(format!(
            "{} {} {} {}",
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, String>(3)?
        ))
    })?;
    for line in lines {
        fields.push(line?);
    }
    Ok(fields)
}

/// The hash of a receipt numbered `number` on `terminal_id` for `sale` with its
/// [`counter_fields`].
fn chain_hash(
    terminal_id: &str,
    number: i64,
    issued_ms: i64,
    prev_hash: &str,
    sale: &Sale,
    counter: &[String],
) -> String {
    let mut h = Sha256::new();
    let payment = sale.payment.as_ref();
    let text = |n: Option<i64>| n.map(|n| n.to_string());
    let parts: [Option<String>; 20] = [
        Some(LAYOUT.to_owned()),
        Some(terminal_id.to_owned()),
        Some(number.to_string()),
        Some(issued_ms.to_string()),
        Some(prev_hash.to_owned()),
        Some(sale.id.0.to_string()),
        Some(sale.bill_number.clone()),
        Some(sale.terminal_id.clone()),
        Some(sale.created_ms.to_string()),
        Some(sale.amount.minor.to_string()),
        Some(sale.amount.currency.alpha().to_owned()),
        Some(sale.md5.clone()),
        Some(sale.status.as_str().to_owned()),
        payment.map(|p| p.hash.clone()),
        payment.and_then(|p| p.payer_account.clone()),
        payment.and_then(|p| p.payee_account.clone()),
        payment.map(|p| p.amount.minor.to_string()),
        payment.map(|p| p.amount.currency.alpha().to_owned()),
        text(payment.and_then(|p| p.created_ms)),
        text(payment.and_then(|p| p.acknowledged_ms)),
    ];
    for part in &parts {
        field(&mut h, part.as_deref());
    }
    for part in counter {
        field(&mut h, Some(part));
    }
    hex::encode(h.finalize())
}

/// Issues the next receipt of the sale's terminal. Runs inside the transaction that records
/// the payment, so the number is taken only if the payment is, and numbers have no gaps.
pub(crate) fn issue(conn: &Connection, sale: &Sale, issued_ms: i64) -> Result<Receipt> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT number, hash FROM receipts WHERE terminal_id = ?1 \
             ORDER BY number DESC LIMIT 1",
            [&sale.terminal_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (number, prev_hash) = last.map_or((1, GENESIS.to_owned()), |(n, h)| (n + 1, h));
    let counter = counter_fields(conn, sale)?;
    let hash = chain_hash(
        &sale.terminal_id,
        number,
        issued_ms,
        &prev_hash,
        sale,
        &counter,
    );
    conn.execute(
        "INSERT INTO receipts (terminal_id, number, sale_id, issued_ms, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            sale.terminal_id,
            number,
            sale.id.0,
            issued_ms,
            prev_hash,
            hash
        ],
    )?;
    Ok(Receipt {
        terminal_id: sale.terminal_id.clone(),
        number,
        sale_id: sale.id,
        issued_ms,
        prev_hash,
        hash,
    })
}

/// The SQL list of statuses that carry a payment, from the domain's own definition.
fn paid_statuses() -> String {
    pos_domain::SaleStatus::ALL
        .into_iter()
        .filter(|s| s.has_payment())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The receipt of a sale, if it has one.
    pub fn receipt(&self, sale_id: SaleId) -> Result<Option<Receipt>> {
        Ok(self
            .conn
            .query_row(
                "SELECT terminal_id, number, sale_id, issued_ms, prev_hash, hash \
                 FROM receipts WHERE sale_id = ?1",
                [sale_id.0],
                |row| {
                    Ok(Receipt {
                        terminal_id: row.get(0)?,
                        number: row.get(1)?,
                        sale_id: SaleId(row.get(2)?),
                        issued_ms: row.get(3)?,
                        prev_hash: row.get(4)?,
                        hash: row.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Walks every terminal's receipts in number order, recomputing each hash from the
    /// receipt and its sale, and checks that paid sales all have receipts. Reports every
    /// problem with the receipt or sale it concerns.
    pub fn verify_chain(&self) -> Result<ChainReport> {
        let mut report = ChainReport::default();
        let sql = format!(
            "SELECT {SALE_CHAIN_COLUMNS}, r.terminal_id, r.number, r.sale_id, r.issued_ms, \
             r.prev_hash, r.hash FROM receipts r LEFT JOIN sales s ON s.id = r.sale_id \
             ORDER BY r.terminal_id, r.number"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |row| {
            let at = SALE_COLUMN_COUNT;
            let receipt = Receipt {
                terminal_id: row.get(at)?,
                number: row.get(at + 1)?,
                sale_id: SaleId(row.get(at + 2)?),
                issued_ms: row.get(at + 3)?,
                prev_hash: row.get(at + 4)?,
                hash: row.get(at + 5)?,
            };
            let sale = match row.get::<_, Option<i64>>(0)? {
                Some(_) => Some(sale_from_row(row)?),
                None => None,
            };
            Ok((receipt, sale))
        })?;
        let mut previous: Option<Receipt> = None;
        for row in rows {
            let (receipt, sale) = row?;
            let (expected, prev_hash) = match &previous {
                Some(p) if p.terminal_id == receipt.terminal_id => (p.number + 1, p.hash.as_str()),
                Some(p) => {
                    report
                        .heads
                        .push((p.terminal_id.clone(), p.number, p.hash.clone()));
                    (1, GENESIS)
                }
                None => (1, GENESIS),
            };
            let terminal_id = receipt.terminal_id.clone();
            if receipt.number != expected {
                report.problems.push(ChainProblem::Gap {
                    terminal_id: terminal_id.clone(),
                    expected,
                    found: receipt.number,
                });
            } else if receipt.prev_hash != prev_hash {
                report.problems.push(ChainProblem::BrokenLink {
                    terminal_id: terminal_id.clone(),
                    number: receipt.number,
                });
            }
            match sale {
                None => report.problems.push(ChainProblem::MissingSale {
                    terminal_id,
                    number: receipt.number,
                    sale_id: receipt.sale_id,
                }),
                Some(sale) => {
                    let counter = counter_fields(&self.conn, &sale)?;
                    let recomputed = chain_hash(
                        &receipt.terminal_id,
                        receipt.number,
                        receipt.issued_ms,
                        &receipt.prev_hash,
                        &sale,
                        &counter,
                    );
                    if recomputed != receipt.hash {
                        report.problems.push(ChainProblem::Edited {
                            terminal_id,
                            number: receipt.number,
                            sale_id: receipt.sale_id,
                        });
                    }
                }
            }
            report.receipts += 1;
            previous = Some(receipt);
        }
        if let Some(p) = previous {
            report.heads.push((p.terminal_id, p.number, p.hash));
        }
        let paid = paid_statuses();
        let sql = format!(
            "SELECT s.id FROM sales s LEFT JOIN receipts r ON r.sale_id = s.id \
             WHERE r.sale_id IS NULL AND s.status IN ({paid}) \
             UNION \
             SELECT e.sale_id FROM sale_events e LEFT JOIN receipts r ON r.sale_id = e.sale_id \
             WHERE r.sale_id IS NULL AND e.kind = 'status' AND e.to_status IN ({paid}) \
             ORDER BY 1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        for id in stmt.query_map([], |row| row.get::<_, i64>(0))? {
            report.problems.push(ChainProblem::MissingReceipt {
                sale_id: SaleId(id?),
            });
        }
        Ok(report)
    }
}
