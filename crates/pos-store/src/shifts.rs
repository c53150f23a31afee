//! Shifts: opening with a counted float, the X report (the shift's records folded by
//! `pos_cash`), and closing once with expected against counted, which issues the shift's
//! Z report: gap-free per terminal and chained by sha256 like receipts.

use pos_cash::{close_drawer, Change, DrawerRecord, PerCurrency, ShiftTotals, Tendered};
use pos_domain::{Currency, Money, SaleStatus};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::receipts::{field, GENESIS};
use crate::sale_row::parsed;
use crate::{Actor, Result, Shift, ShiftClose, ShiftId, Store, StoreError, ZDocument, ZReport};

/// Names the Z report hash layout, so a future layout cannot be confused with this one.
const Z_LAYOUT: &str = "khqr-pos z report v1";

const SHIFT_COLUMNS: &str = "id, terminal_id, cashier_id, opened_ms, opening_khr, opening_usd, \
    closed_ms, closed_by, expected_khr, expected_usd, counted_khr, counted_usd, variance_khr, \
    variance_usd, reason";

fn shift_from_row(row: &Row<'_>) -> rusqlite::Result<Shift> {
    let closed = match row.get::<_, Option<i64>>(6)? {
        None => None,
        Some(closed_ms) => Some(ShiftClose {
            closed_ms,
            closed_by: Actor::from_column(row.get(7)?),
            closing: pos_cash::Closing {
                expected: PerCurrency::new(row.get(8)?, row.get(9)?),
                counted: PerCurrency::new(row.get(10)?, row.get(11)?),
                variance: PerCurrency::new(row.get(12)?, row.get(13)?),
                reason: row.get(14)?,
            },
        }),
    };
    Ok(Shift {
        id: ShiftId(row.get(0)?),
        terminal_id: row.get(1)?,
        cashier: Actor::from_column(row.get(2)?),
        opened_ms: row.get(3)?,
        opening: PerCurrency::new(row.get(4)?, row.get(5)?),
        closed,
    })
}

fn load_shift(conn: &Connection, id: ShiftId) -> Result<Option<Shift>> {
    Ok(conn
        .query_row(
            &format!("SELECT {SHIFT_COLUMNS} FROM shifts WHERE id = ?1"),
            [id.0],
            shift_from_row,
        )
        .optional()?)
}

pub(crate) fn open_on(conn: &Connection, terminal_id: &str) -> Result<Option<Shift>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {SHIFT_COLUMNS} FROM shifts WHERE terminal_id = ?1 AND closed_ms IS NULL"
            ),
            [terminal_id],
            shift_from_row,
        )
        .optional()?)
}

/// Everything that moved money in a shift, as `pos_cash` records: cash movements, the tender
/// lines of its sales (a KHQR line counts as paid once its sale has a payment, else it is
/// awaiting verification; a sale that ended unpaid, expired, cancelled or failed, took no
/// money, and a split sale's cash went back to the customer) and the refunds it paid.
fn records(conn: &Connection, shift: ShiftId) -> Result<Vec<DrawerRecord>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT direction, amount_minor, currency FROM cash_movements \
         WHERE shift_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([shift.0], |row| {
        let amount = Money::new(row.get(1)?, parsed::<Currency>(row, 2)?);
        Ok(match row.get::<_, String>(0)?.as_str() {
            "in" => DrawerRecord::CashIn(amount),
            _ => DrawerRecord::CashOut(amount),
        })
    })?;
    for row in rows {
        out.push(row?);
    }

    let mut stmt = conn.prepare(
        "SELECT t.sale_id, t.kind, t.amount_minor, t.currency, s.status \
         FROM sale_tenders t JOIN sale_shifts ss ON ss.sale_id = t.sale_id \
         JOIN sales s ON s.id = t.sale_id WHERE ss.shift_id = ?1 ORDER BY t.sale_id, t.line",
    )?;
    let rows = stmt.query_map([shift.0], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            Money::new(row.get(2)?, parsed::<Currency>(row, 3)?),
            parsed::<SaleStatus>(row, 4)?,
        ))
    })?;
    // One cash record per sale: its cash lines, change lines and rounding line together.
    let mut cash: Option<(i64, DrawerRecord)> = None;
    for row in rows {
        let (sale_id, kind, amount, status) = row?;
        // A sale accepted on the customer's screen still awaits Bakong, like a pending one: its
        // KHQR line is "awaiting verification" and a split sale's cash stays in the drawer.
        let awaiting = status.is_pending() || status == SaleStatus::AcceptedUnverified;
        if !(awaiting || status.has_payment()) {
            continue;
        }
        if kind == "khqr" {
            out.push(DrawerRecord::Khqr {
                amount,
                paid: status.has_payment(),
            });
            continue;
        }
        if cash.as_ref().is_some_and(|(id, _)| *id != sale_id) {
            out.extend(cash.take().map(|(_, r)| r));
        }
        let (_, record) = cash.get_or_insert_with(|| {
            (
                sale_id,
                DrawerRecord::CashSale {
                    tendered: Tendered::new(0, 0),
                    change: Change {
                        usd: Money::new(0, Currency::Usd),
                        khr: Money::new(0, Currency::Khr),
                    },
                    rounding: Money::new(0, Currency::Khr),
                },
            )
        });
        if let DrawerRecord::CashSale {
            tendered,
            change,
            rounding,
        } = record
        {
            let slot = match (kind.as_str(), amount.currency) {
                ("cash", Currency::Usd) => &mut tendered.usd,
                ("cash", Currency::Khr) => &mut tendered.khr,
                ("change", Currency::Usd) => &mut change.usd,
                ("change", Currency::Khr) => &mut change.khr,
                _ => rounding,
            };
            slot.minor = slot
                .minor
                .checked_add(amount.minor)
                .ok_or(pos_cash::CashError::Overflow)?;
        }
    }
    out.extend(cash.map(|(_, r)| r));

    let mut stmt = conn.prepare(
        "SELECT tender, amount_minor, currency FROM refunds WHERE shift_id = ?1 \
         ORDER BY terminal_id, number",
    )?;
    let rows = stmt.query_map([shift.0], |row| {
        let amount = Money::new(row.get(1)?, parsed::<Currency>(row, 2)?);
        Ok(match row.get::<_, String>(0)?.as_str() {
            "cash" => DrawerRecord::CashRefund(amount),
            _ => DrawerRecord::BankRefund(amount),
        })
    })?;
    for row in rows {
        out.push(row?);
    }
    Ok(out)
}

fn totals_of(conn: &Connection, shift: &Shift) -> Result<ShiftTotals> {
    Ok(ShiftTotals::fold(shift.opening, &records(conn, shift.id)?)?)
}

/// The hash of a Z report; `document` is its JSON exactly as stored.
pub(crate) fn z_hash(
    terminal_id: &str,
    number: i64,
    issued_ms: i64,
    prev_hash: &str,
    shift: ShiftId,
    document: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        Z_LAYOUT,
        terminal_id,
        &number.to_string(),
        &issued_ms.to_string(),
        prev_hash,
        &shift.0.to_string(),
        document,
    ] {
        field(&mut h, Some(part));
    }
    hex::encode(h.finalize())
}

impl Store {
    /// Opens a shift on `terminal_id` with the counted opening float. Refuses a negative
    /// float and a second open shift on the terminal; nothing is written then.
    pub fn open_shift(
        &mut self,
        terminal_id: &str,
        cashier: Actor,
        opened_ms: i64,
        opening: PerCurrency,
    ) -> Result<Shift> {
        opening.check_not_negative("the opening float")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(open) = open_on(&tx, terminal_id)? {
            return Err(StoreError::ShiftAlreadyOpen {
                terminal_id: terminal_id.to_owned(),
                shift_id: open.id,
            });
        }
        tx.execute(
            "INSERT INTO shifts (terminal_id, cashier_id, opened_ms, opening_khr, opening_usd) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                terminal_id,
                cashier.column(),
                opened_ms,
                opening.khr,
                opening.usd
            ],
        )?;
        let id = ShiftId(tx.last_insert_rowid());
        tx.commit()?;
        Ok(Shift {
            id,
            terminal_id: terminal_id.to_owned(),
            cashier,
            opened_ms,
            opening,
            closed: None,
        })
    }

    /// The shift with this id, if any.
    pub fn shift(&self, id: ShiftId) -> Result<Option<Shift>> {
        load_shift(&self.conn, id)
    }

    /// The open shift of a terminal, if any (also one left open from an earlier day).
    pub fn open_shift_on(&self, terminal_id: &str) -> Result<Option<Shift>> {
        open_on(&self.conn, terminal_id)
    }

    /// The X report: the shift's totals per currency and tender so far (read-only).
    pub fn shift_totals(&self, id: ShiftId) -> Result<ShiftTotals> {
        let shift = load_shift(&self.conn, id)?.ok_or(StoreError::NoShift(id))?;
        totals_of(&self.conn, &shift)
    }

    /// Closes a shift once: folds its records into the expected drawer, compares the count,
    /// requires a reason for a variance above `threshold`, and issues its Z report, all in one
    /// transaction. Refuses an unknown or already closed shift, and a cashier closing
    /// another's shift (the owner may close any); nothing is written then.
    pub fn close_shift(
        &mut self,
        id: ShiftId,
        closed_ms: i64,
        by: Actor,
        counted: PerCurrency,
        threshold: PerCurrency,
        reason: Option<&str>,
    ) -> Result<ZReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shift = load_shift(&tx, id)?.ok_or(StoreError::NoShift(id))?;
        if shift.closed.is_some() {
            return Err(StoreError::ShiftClosed(id));
        }
        if by != Actor::Owner && by != shift.cashier {
            return Err(StoreError::NotYourShift { shift_id: id, by });
        }
        let totals = totals_of(&tx, &shift)?;
        let closing = close_drawer(totals.expected()?, counted, threshold, reason)?;
        tx.execute(
            "UPDATE shifts SET closed_ms = ?2, closed_by = ?3, expected_khr = ?4, \
             expected_usd = ?5, counted_khr = ?6, counted_usd = ?7, variance_khr = ?8, \
             variance_usd = ?9, reason = ?10 WHERE id = ?1",
            params![
                id.0,
                closed_ms,
                by.column(),
                closing.expected.khr,
                closing.expected.usd,
                closing.counted.khr,
                closing.counted.usd,
                closing.variance.khr,
                closing.variance.usd,
                closing.reason
            ],
        )?;
        let document = ZDocument { totals, closing };
        let json = serde_json::to_string(&document)?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT number, hash FROM z_reports WHERE terminal_id = ?1 \
                 ORDER BY number DESC LIMIT 1",
                [&shift.terminal_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (number, prev_hash) = last.map_or((1, GENESIS.to_owned()), |(n, h)| (n + 1, h));
        let hash = z_hash(&shift.terminal_id, number, closed_ms, &prev_hash, id, &json);
        tx.execute(
            "INSERT INTO z_reports (terminal_id, number, shift_id, issued_ms, totals, prev_hash, \
             hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                shift.terminal_id,
                number,
                id.0,
                closed_ms,
                json,
                prev_hash,
                hash
            ],
        )?;
        tx.commit()?;
        Ok(ZReport {
            terminal_id: shift.terminal_id,
            number,
            shift_id: id,
            issued_ms: closed_ms,
            document,
            prev_hash,
            hash,
        })
    }
}
