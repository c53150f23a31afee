//! Refunds: new records pointing at a paid sale's receipt, never more than was paid across
//! all of them, numbered without gaps per terminal and chained by sha256 like receipts. Cash
//! refunds come out of the open shift's drawer; bank refunds (paid back from the shop's bank
//! app, as the Bakong Open API has no refund call) carry the owner's reference.

use pos_domain::{text, Money};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::receipts::{field, GENESIS};
use crate::sale_row::{parsed, sale_from_row, SALE_COLUMNS, SALE_FROM};
use crate::shifts::open_on;
use crate::{Actor, NewRefund, Refund, RefundTender, Result, Sale, ShiftId, Store, StoreError};

/// Names the refund hash layout.
const LAYOUT: &str = "khqr-pos refund v1";
/// How many characters a bank reference or a reason may have.
const TEXT_MAX_CHARS: usize = 100;

const COLUMNS: &str = "terminal_id, number, receipt_terminal_id, receipt_number, issued_ms, \
    amount_minor, currency, tender, bank_reference, shift_id, by_cashier, reason, prev_hash, hash";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Refund> {
    let tender = match row.get::<_, Option<String>>(8)? {
        Some(reference) => RefundTender::Bank { reference },
        None => RefundTender::Cash,
    };
    Ok(Refund {
        terminal_id: row.get(0)?,
        number: row.get(1)?,
        receipt_terminal_id: row.get(2)?,
        receipt_number: row.get(3)?,
        issued_ms: row.get(4)?,
        amount: Money::new(row.get(5)?, parsed(row, 6)?),
        tender,
        shift: row.get::<_, Option<i64>>(9)?.map(ShiftId),
        by: Actor::from_column(row.get(10)?),
        reason: row.get(11)?,
        prev_hash: row.get(12)?,
        hash: row.get(13)?,
    })
}

/// The hash of a refund over every field it stores and the previous refund's hash.
pub(crate) fn refund_hash(r: &Refund) -> String {
    let mut h = Sha256::new();
    let (tender, reference) = match &r.tender {
        RefundTender::Cash => ("cash", None),
        RefundTender::Bank { reference } => ("bank", Some(reference.as_str())),
    };
    let shift = r.shift.map(|s| s.0.to_string());
    for part in [
        Some(LAYOUT),
        Some(r.terminal_id.as_str()),
        Some(&r.number.to_string()),
        Some(&r.issued_ms.to_string()),
        Some(r.prev_hash.as_str()),
        Some(r.receipt_terminal_id.as_str()),
        Some(&r.receipt_number.to_string()),
        Some(&r.amount.minor.to_string()),
        Some(r.amount.currency.alpha()),
        Some(tender),
        reference,
        shift.as_deref(),
        r.by.column().map(|id| id.to_string()).as_deref(),
        r.reason.as_deref(),
    ] {
        field(&mut h, part);
    }
    hex::encode(h.finalize())
}

/// What a sale's refunds may add up to: the total of a cash or split sale, or what Bakong
/// reported paid for a KHQR sale (a different amount, when the owner reviews a mismatch).
fn refundable(sale: &Sale) -> Money {
    match &sale.payment {
        Some(p) if sale.qr_amount.is_none() => p.amount,
        _ => sale.amount,
    }
}

/// Checks free text the owner typed: trimmed, not blank, bounded, no control characters.
fn typed(what: &'static str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(StoreError::RefundInvalid(format!("{what} is required")));
    }
    text::check(what, value, TEXT_MAX_CHARS)
        .map_err(|e| StoreError::RefundInvalid(e.to_string()))?;
    Ok(value.to_owned())
}

fn sale_of_receipt(conn: &Connection, terminal_id: &str, number: i64) -> Result<Sale> {
    let sql =
        format!("SELECT {SALE_COLUMNS} {SALE_FROM} WHERE r.terminal_id = ?1 AND r.number = ?2");
    conn.query_row(&sql, params![terminal_id, number], sale_from_row)
        .optional()?
        .ok_or_else(|| StoreError::NoReceipt {
            terminal_id: terminal_id.to_owned(),
            number,
        })
}

impl Store {
    /// Records a refund of `new.amount` against a paid sale's receipt, by the owner alone.
    /// Refused with nothing written: someone other than the owner, an unknown receipt, a sale
    /// without a payment, another currency than the sale's, an amount that is not positive or
    /// that would take the refunds above what was paid ([`StoreError::RefundTooLarge`]), a
    /// cash refund with no shift open on the terminal, a bank refund without its reference.
    pub fn record_refund(&mut self, new: &NewRefund) -> Result<Refund> {
        if new.by != Actor::Owner {
            return Err(StoreError::OwnerOnly("refunds"));
        }
        let reason = new
            .reason
            .as_deref()
            .map(|r| typed("reason", r))
            .transpose()?;
        let tender = match &new.tender {
            RefundTender::Bank { reference } => RefundTender::Bank {
                reference: typed("bank reference", reference)?,
            },
            RefundTender::Cash => RefundTender::Cash,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sale = sale_of_receipt(&tx, &new.receipt_terminal_id, new.receipt_number)?;
        let paid = refundable(&sale);
        if new.amount.currency != paid.currency {
            return Err(StoreError::RefundInvalid(format!(
                "the sale was paid in {}, not {}",
                paid.currency, new.amount.currency
            )));
        }
        if new.amount.minor <= 0 {
            return Err(StoreError::RefundInvalid(format!(
                "a refund must be positive, not {}",
                new.amount
            )));
        }
        let refunded: i64 = tx.query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM refunds \
             WHERE receipt_terminal_id = ?1 AND receipt_number = ?2",
            params![new.receipt_terminal_id, new.receipt_number],
            |row| row.get(0),
        )?;
        if refunded
            .checked_add(new.amount.minor)
            .is_none_or(|sum| sum > paid.minor)
        {
            return Err(StoreError::RefundTooLarge {
                paid,
                refunded: Money::new(refunded, paid.currency),
                asked: new.amount,
            });
        }
        // The open shift counts the refund; a cash refund needs its drawer.
        let shift = open_on(&tx, &new.terminal_id)?.map(|s| s.id);
        if tender == RefundTender::Cash && shift.is_none() {
            return Err(StoreError::NoOpenShift {
                terminal_id: new.terminal_id.clone(),
            });
        }
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT number, hash FROM refunds WHERE terminal_id = ?1 \
                 ORDER BY number DESC LIMIT 1",
                [&new.terminal_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (number, prev_hash) = last.map_or((1, GENESIS.to_owned()), |(n, h)| (n + 1, h));
        let mut refund = Refund {
            terminal_id: new.terminal_id.clone(),
            number,
            receipt_terminal_id: new.receipt_terminal_id.clone(),
            receipt_number: new.receipt_number,
            issued_ms: new.issued_ms,
            amount: new.amount,
            tender,
            shift,
            by: new.by,
            reason,
            prev_hash,
            hash: String::new(),
        };
        refund.hash = refund_hash(&refund);
        let reference = match &refund.tender {
            RefundTender::Cash => None,
            RefundTender::Bank { reference } => Some(reference.as_str()),
        };
        tx.execute(
            &format!(
                "INSERT INTO refunds ({COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
            ),
            params![
                refund.terminal_id,
                refund.number,
                refund.receipt_terminal_id,
                refund.receipt_number,
                refund.issued_ms,
                refund.amount.minor,
                refund.amount.currency.alpha(),
                if reference.is_some() { "bank" } else { "cash" },
                reference,
                shift.map(|s| s.0),
                refund.by.column(),
                refund.reason,
                refund.prev_hash,
                refund.hash
            ],
        )?;
        tx.commit()?;
        Ok(refund)
    }

    /// The sale behind receipt `number` of `terminal_id`.
    pub fn sale_by_receipt(&self, terminal_id: &str, number: i64) -> Result<Sale> {
        sale_of_receipt(&self.conn, terminal_id, number)
    }

    /// Every refund, per terminal in number order.
    pub fn refunds(&self) -> Result<Vec<Refund>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM refunds ORDER BY terminal_id, number"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
