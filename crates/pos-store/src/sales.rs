//! Writing and reading sales: the pending insert, status changes through the domain state
//! machine (with the receipt issued in the same transaction), and the per-sale event log.

use pos_domain::{Money, SaleEvent, SaleStatus, Transition};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use crate::counter::{self, TenderKind};
use crate::receipts;
use crate::sale_row::{parsed, sale_from_row, SALE_COLUMNS, SALE_FROM};
use crate::{
    Applied, CheckRecord, EventKind, NewSale, PaymentDetails, Result, Sale, SaleEventRecord,
    SaleId, Store, StoreError,
};

/// Loads one sale by id on `conn` (a connection or an open transaction).
fn load(conn: &Connection, id: SaleId) -> Result<Option<Sale>> {
    let sql = format!("SELECT {SALE_COLUMNS} {SALE_FROM} WHERE s.id = ?1");
    Ok(conn.query_row(&sql, [id.0], sale_from_row).optional()?)
}

/// Appends a status change to the event log.
fn log_status(
    conn: &Connection,
    id: SaleId,
    at_ms: i64,
    from: Option<SaleStatus>,
    to: SaleStatus,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sale_events (sale_id, at_ms, kind, from_status, to_status) \
         VALUES (?1, ?2, 'status', ?3, ?4)",
        params![id.0, at_ms, from.map(SaleStatus::as_str), to.as_str()],
    )?;
    Ok(())
}

/// Turns a UNIQUE violation on the bill number or md5 into its own error.
fn duplicate_or(err: rusqlite::Error, bill_number: &str, md5: Option<&str>) -> StoreError {
    if let rusqlite::Error::SqliteFailure(failure, Some(message)) = &err {
        if failure.code == ErrorCode::ConstraintViolation {
            if message.contains("sales.bill_number") {
                return StoreError::DuplicateBill(bill_number.to_owned());
            }
            if message.contains("sales.md5") {
                return StoreError::DuplicateMd5(md5.unwrap_or_default().to_owned());
            }
        }
    }
    StoreError::Sqlite(err)
}

/// A sale row as first written: pending with its QR, a finished cash sale, or a split sale
/// pending on the QR for its remainder.
pub(crate) struct FirstRow<'a> {
    pub sale: &'a NewSale,
    /// `None` for a cash sale (no QR; `sale.qr` and `sale.md5` are ignored).
    pub has_qr: bool,
    pub status: SaleStatus,
    /// What was paid, for a sale finished at once (cash).
    pub paid: Option<Money>,
    /// The QR's amount when it is not the total (split).
    pub qr_amount: Option<Money>,
}

/// Inserts the row and logs its first status; returns it as read back (with its receipt
/// number, which the caller issues).
pub(crate) fn insert_row(tx: &Connection, row: &FirstRow<'_>) -> Result<Sale> {
    let sale = row.sale;
    // md5 lookups compare lower-case hex whatever case the caller used.
    let md5 = row.has_qr.then(|| sale.md5.trim().to_ascii_lowercase());
    tx.execute(
        "INSERT INTO sales (bill_number, terminal_id, created_ms, amount_minor, currency, \
         note, qr, md5, expires_ms, riel_per_usd, status, updated_ms, paid_minor, \
         paid_currency, qr_minor, qr_currency) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?3, ?12, ?13, ?14, ?15)",
        params![
            sale.bill_number,
            sale.terminal_id,
            sale.created_ms,
            sale.amount.minor,
            sale.amount.currency.alpha(),
            sale.note,
            row.has_qr.then_some(&sale.qr),
            md5,
            sale.expires_ms,
            sale.riel_per_usd,
            row.status.as_str(),
            row.paid.map(|m| m.minor),
            row.paid.map(|m| m.currency.alpha()),
            row.qr_amount.map(|m| m.minor),
            row.qr_amount.map(|m| m.currency.alpha()),
        ],
    )
    .map_err(|e| duplicate_or(e, &sale.bill_number, md5.as_deref()))?;
    let id = SaleId(tx.last_insert_rowid());
    log_status(tx, id, sale.created_ms, None, row.status)?;
    load(tx, id)?.ok_or(StoreError::NotFound(id))
}

/// Applies `event` inside the caller's transaction `tx` (see [`Store::apply_event`]).
fn apply_in(
    tx: &Connection,
    id: SaleId,
    event: SaleEvent,
    payment: Option<&PaymentDetails>,
    at_ms: i64,
) -> Result<Applied> {
    let sale = load(tx, id)?.ok_or(StoreError::NotFound(id))?;
    let from = sale.status;
    let to = match from.apply(event) {
        Ok(Transition::To(to)) => to,
        Ok(Transition::Unchanged) => return Ok(Applied::Unchanged { sale }),
        Err(source) => {
            return Err(StoreError::Transition {
                sale_id: id,
                source,
            })
        }
    };
    if to.has_payment() {
        let payment = payment.ok_or(StoreError::MissingPayment(id))?;
        tx.execute(
            "UPDATE sales SET status = ?2, updated_ms = ?3, bakong_hash = ?4, \
             payer_account = ?5, payee_account = ?6, paid_minor = ?7, paid_currency = ?8, \
             paid_created_ms = ?9, paid_acknowledged_ms = ?10, external_ref = ?11, \
             instruction_ref = ?12 WHERE id = ?1",
            params![
                id.0,
                to.as_str(),
                at_ms,
                payment.hash.trim().to_ascii_lowercase(),
                payment.payer_account,
                payment.payee_account,
                payment.amount.minor,
                payment.amount.currency.alpha(),
                payment.created_ms,
                payment.acknowledged_ms,
                payment.external_ref,
                payment.instruction_ref,
            ],
        )?;
    } else {
        tx.execute(
            "UPDATE sales SET status = ?2, updated_ms = ?3 WHERE id = ?1",
            params![id.0, to.as_str(), at_ms],
        )?;
    }
    log_status(tx, id, at_ms, Some(from), to)?;
    // Read back what was stored, so the receipt hash covers exactly what verify will read.
    let mut sale = load(tx, id)?.ok_or(StoreError::NotFound(id))?;
    let receipt = if to.has_payment() {
        let receipt = receipts::issue(tx, &sale, at_ms)?;
        sale.receipt_number = Some(receipt.number);
        Some(receipt)
    } else {
        None
    };
    Ok(Applied::Changed {
        from,
        sale,
        receipt,
    })
}

impl Store {
    /// Records a new sale as `pending`. Call it before the QR is shown, so that a crash
    /// afterwards leaves a sale the watcher resumes instead of a payment nobody expects.
    /// With a shift open on the sale's terminal the sale joins it (its cashier, and a KHQR
    /// tender line for the total); with none open it is refused once the shop has cashier
    /// accounts ([`StoreError::NoOpenShift`]), and recorded outside any shift before that.
    pub fn insert_pending(&mut self, sale: &NewSale) -> Result<Sale> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shift = counter::shift_for_sale(&tx, &sale.terminal_id)?;
        let row = insert_row(
            &tx,
            &FirstRow {
                sale,
                has_qr: true,
                status: SaleStatus::Pending,
                paid: None,
                qr_amount: None,
            },
        )?;
        if let Some(shift) = shift {
            counter::join_shift(&tx, row.id, &shift, &[(TenderKind::Khqr, sale.amount)])?;
        }
        tx.commit()?;
        Ok(row)
    }

    /// The sale with this id, if any.
    pub fn get(&self, id: SaleId) -> Result<Option<Sale>> {
        load(&self.conn, id)
    }

    /// The sale whose QR has this md5 (compared case-insensitively), if any.
    pub fn by_md5(&self, md5: &str) -> Result<Option<Sale>> {
        let sql = format!("SELECT {SALE_COLUMNS} {SALE_FROM} WHERE s.md5 = ?1");
        Ok(self
            .conn
            .query_row(&sql, [md5.trim().to_ascii_lowercase()], sale_from_row)
            .optional()?)
    }

    /// Sales the watcher must still look after, oldest first: every pending or
    /// accepted-unverified sale, and expired, cancelled or unconfirmed ones whose QR expired
    /// at or after `late_since_ms`, where a late payment can still turn up.
    pub fn unresolved(&self, late_since_ms: i64) -> Result<Vec<Sale>> {
        let sql = format!(
            "SELECT {SALE_COLUMNS} {SALE_FROM} \
             WHERE s.status IN ('pending', 'accepted_unverified') \
             UNION ALL \
             SELECT {SALE_COLUMNS} {SALE_FROM} \
             WHERE s.status IN ('expired', 'cancelled', 'unconfirmed') AND s.expires_ms >= ?1 \
             ORDER BY 4, 1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let sales = stmt
            .query_map([late_since_ms], sale_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(sales)
    }

    /// Applies `event` to the sale at `at_ms`, checked by [`SaleStatus::apply`]. When the new
    /// status has a payment (paid, paid late, mismatch), `payment` is required and stored, and
    /// the terminal's next receipt is issued in the same transaction. The transaction takes the
    /// write lock before reading the status, so a concurrent duplicate sees the first one's
    /// result and comes back [`Applied::Unchanged`].
    pub fn apply_event(
        &mut self,
        id: SaleId,
        event: SaleEvent,
        payment: Option<&PaymentDetails>,
        at_ms: i64,
    ) -> Result<Applied> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied = apply_in(&tx, id, event, payment, at_ms)?;
        tx.commit()?;
        Ok(applied)
    }

    /// Records that the cashier accepted sale `id` on the customer's success screen with the
    /// payer's reference `payer_ref` (checked by the caller), in one transaction: the status
    /// change and the reference are both stored or neither is. Accepting again, or after
    /// Bakong confirmed the payment, is [`Applied::Unchanged`] and writes nothing.
    pub fn accept_unverified(
        &mut self,
        id: SaleId,
        payer_ref: &str,
        at_ms: i64,
    ) -> Result<Applied> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied = match apply_in(&tx, id, SaleEvent::AcceptedOnScreen, None, at_ms)? {
            Applied::Changed { from, receipt, .. } => {
                tx.execute(
                    "INSERT INTO accepted_refs (sale_id, payer_ref, accepted_ms) \
                     VALUES (?1, ?2, ?3)",
                    params![id.0, payer_ref, at_ms],
                )?;
                // Read back with its reference, as every later read will see it.
                let sale = load(&tx, id)?.ok_or(StoreError::NotFound(id))?;
                Applied::Changed {
                    from,
                    sale,
                    receipt,
                }
            }
            unchanged => unchanged,
        };
        tx.commit()?;
        Ok(applied)
    }

    /// Appends the outcome of one Bakong check to the sale's event log.
    pub fn record_check(&mut self, id: SaleId, check: &CheckRecord) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO sale_events (sale_id, at_ms, kind, http_status, response_code, \
                 error_code, note) VALUES (?1, ?2, 'check', ?3, ?4, ?5, ?6)",
                params![
                    id.0,
                    check.at_ms,
                    check.http_status,
                    check.response_code,
                    check.error_code,
                    check.note,
                ],
            )
            .map_err(|err| match &err {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == ErrorCode::ConstraintViolation =>
                {
                    StoreError::NotFound(id)
                }
                _ => StoreError::Sqlite(err),
            })?;
        Ok(())
    }

    /// The sale's history, oldest first.
    pub fn events(&self, id: SaleId) -> Result<Vec<SaleEventRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, sale_id, at_ms, kind, from_status, to_status, http_status, \
             response_code, error_code, note FROM sale_events WHERE sale_id = ?1 ORDER BY id",
        )?;
        let events = stmt
            .query_map([id.0], |row| {
                let kind: String = row.get(3)?;
                let kind = if kind == "status" {
                    EventKind::Status {
                        from: match row.get::<_, Option<String>>(4)? {
                            Some(_) => Some(parsed(row, 4)?),
                            None => None,
                        },
                        to: parsed(row, 5)?,
                    }
                } else {
                    EventKind::Check(CheckRecord {
                        at_ms: row.get(2)?,
                        http_status: row.get(6)?,
                        response_code: row.get(7)?,
                        error_code: row.get(8)?,
                        note: row.get(9)?,
                    })
                };
                Ok(SaleEventRecord {
                    id: row.get(0)?,
                    sale_id: SaleId(row.get(1)?),
                    at_ms: row.get(2)?,
                    kind,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(events)
    }
}
