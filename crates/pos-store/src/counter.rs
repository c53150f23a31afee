//! The counter's day in the ledger: cash and split sales written with their tender lines and
//! shift in one transaction, KHQR sales joining the open shift, and cash put in or taken out
//! of a drawer. Cash arithmetic is `pos_cash`'s; this module checks its invariant before
//! anything is written.

use pos_cash::{check_balance, CashError, Due};
use pos_domain::{text, Currency, Money, SaleStatus};
use rusqlite::{params, Connection, TransactionBehavior};

use crate::sales::{insert_row, FirstRow};
use crate::shifts::open_on;
use crate::{
    receipts, CashMovement, NewCashSale, Receipt, Result, Sale, SaleId, Shift, ShiftId, Store,
    StoreError, TenderLine,
};

/// How many characters a cash movement's reason may have.
const REASON_MAX_CHARS: usize = 200;

/// The kinds of a sale's tender lines, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TenderKind {
    Cash,
    Change,
    Khqr,
    Rounding,
}

impl TenderKind {
    fn as_str(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Change => "change",
            TenderKind::Khqr => "khqr",
            TenderKind::Rounding => "rounding",
        }
    }
}

/// The shift a new sale on `terminal_id` joins: the open one. With none open, a shop that
/// has cashier accounts (and so works in shifts) refuses the sale; before the first account
/// KHQR sales are recorded outside any shift, as before shifts existed.
pub(crate) fn shift_for_sale(conn: &Connection, terminal_id: &str) -> Result<Option<Shift>> {
    if let Some(shift) = open_on(conn, terminal_id)? {
        return Ok(Some(shift));
    }
    let works_in_shifts: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM cashiers WHERE disabled_ms IS NULL)",
        [],
        |row| row.get(0),
    )?;
    if works_in_shifts {
        return Err(StoreError::NoOpenShift {
            terminal_id: terminal_id.to_owned(),
        });
    }
    Ok(None)
}

/// Puts a sale in `shift` (taken by the shift's cashier) with its tender lines; zero amounts
/// are left out, lines are numbered from 1.
pub(crate) fn join_shift(
    conn: &Connection,
    sale: SaleId,
    shift: &Shift,
    lines: &[(TenderKind, Money)],
) -> Result<()> {
    conn.execute(
        "INSERT INTO sale_shifts (sale_id, shift_id, cashier_id) VALUES (?1, ?2, ?3)",
        params![sale.0, shift.id.0, shift.cashier.column()],
    )?;
    let mut stmt = conn.prepare(
        "INSERT INTO sale_tenders (sale_id, line, kind, amount_minor, currency) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (line, (kind, amount)) in (1_i64..).zip(lines.iter().filter(|(_, m)| m.minor != 0)) {
        stmt.execute(params![
            sale.0,
            line,
            kind.as_str(),
            amount.minor,
            amount.currency.alpha()
        ])?;
    }
    Ok(())
}

/// The open shift `id` of `terminal_id`, or why it is not one.
pub(crate) fn open_shift_of(conn: &Connection, id: ShiftId, terminal_id: &str) -> Result<Shift> {
    match open_on(conn, terminal_id)? {
        Some(shift) if shift.id == id => Ok(shift),
        _ => Err(StoreError::ShiftNotOpen {
            shift_id: id,
            terminal_id: terminal_id.to_owned(),
        }),
    }
}

impl Store {
    /// Records a cash sale, or a split sale whose cash was short, in the open shift `shift`
    /// of its terminal: the sale row at its frozen rate, its tender lines (cash handed over,
    /// change, the KHQR remainder, the rounding line) and, for a cash sale, its receipt, in
    /// one transaction. Refused with nothing written: a negative tender or change, tenders
    /// that do not add up to the total plus the rounding ([`CashError::Unbalanced`]), a shift
    /// that is not the terminal's open one. A split sale stays pending on its QR (in
    /// `sale.qr`/`sale.md5`, asking for `khqr`) and is finished by the watcher like any KHQR
    /// sale.
    pub fn record_cash_sale(
        &mut self,
        shift: ShiftId,
        new: &NewCashSale,
    ) -> Result<(Sale, Option<Receipt>)> {
        let sale = &new.sale;
        for (what, amount) in [
            ("dollars handed over", new.cash.usd),
            ("riel handed over", new.cash.khr),
            ("change", new.change.usd),
            ("change", new.change.khr),
        ] {
            if amount.minor < 0 {
                return Err(CashError::Negative { what, amount }.into());
            }
        }
        let due = Due::new(sale.amount, new.rate)?;
        let mut tenders = vec![new.cash.usd, new.cash.khr];
        tenders.extend(new.khqr);
        check_balance(&due, &tenders, &new.change, new.rounding)?;

        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let open = open_shift_of(&tx, shift, &sale.terminal_id)?;
        let mut frozen = sale.clone();
        frozen.riel_per_usd = Some(new.rate.riel_per_usd());
        let row = insert_row(
            &tx,
            &FirstRow {
                sale: &frozen,
                has_qr: new.khqr.is_some(),
                status: match new.khqr {
                    Some(_) => SaleStatus::Pending,
                    None => SaleStatus::Paid,
                },
                paid: new.khqr.is_none().then_some(sale.amount),
                qr_amount: new.khqr,
            },
        )?;
        let khqr = new.khqr.unwrap_or(Money::new(0, Currency::Khr));
        join_shift(
            &tx,
            row.id,
            &open,
            &[
                (TenderKind::Cash, new.cash.usd),
                (TenderKind::Cash, new.cash.khr),
                (TenderKind::Khqr, khqr),
                (TenderKind::Change, new.change.usd),
                (TenderKind::Change, new.change.khr),
                (TenderKind::Rounding, new.rounding),
            ],
        )?;
        let (sale, receipt) = if new.khqr.is_none() {
            let receipt = receipts::issue(&tx, &row, sale.created_ms)?;
            let mut sale = row;
            sale.receipt_number = Some(receipt.number);
            (sale, Some(receipt))
        } else {
            (row, None)
        };
        tx.commit()?;
        Ok((sale, receipt))
    }

    /// A sale's tender lines in order (none for a KHQR sale made outside any shift).
    pub fn sale_tenders(&self, sale: SaleId) -> Result<Vec<TenderLine>> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, amount_minor, currency FROM sale_tenders WHERE sale_id = ?1 \
             ORDER BY line",
        )?;
        let rows = stmt.query_map([sale.0], |row| {
            Ok(TenderLine {
                kind: row.get(0)?,
                amount: Money::new(row.get(1)?, crate::sale_row::parsed(row, 2)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Puts cash into (`cash_in`) or takes it out of the drawer of the open shift `shift`
    /// on `terminal_id`, with a reason. Refused with nothing written: an amount that is not
    /// positive, a blank or unacceptable reason, a shift that is not the terminal's open one.
    pub fn cash_movement(
        &mut self,
        shift: ShiftId,
        terminal_id: &str,
        movement: &CashMovement,
    ) -> Result<()> {
        if movement.amount.minor <= 0 {
            return Err(CashError::Negative {
                what: "a cash movement",
                amount: movement.amount,
            }
            .into());
        }
        let reason = movement.reason.trim();
        text::check("reason", reason, REASON_MAX_CHARS).map_err(CashError::Reason)?;
        if reason.is_empty() {
            return Err(StoreError::ReasonRequired);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        open_shift_of(&tx, shift, terminal_id)?;
        tx.execute(
            "INSERT INTO cash_movements (shift_id, at_ms, direction, amount_minor, currency, \
             reason, by_cashier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                shift.0,
                movement.at_ms,
                if movement.cash_in { "in" } else { "out" },
                movement.amount.minor,
                movement.amount.currency.alpha(),
                reason,
                movement.by.column()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}
