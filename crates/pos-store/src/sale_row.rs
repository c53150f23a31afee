//! How a sale is read from SQL: the columns of a sale joined with its receipt number, and the
//! row mapping to [`Sale`]. Shared by the sale writes, the receipt chain and the reports, so
//! none of them depends on another for it.

use pos_domain::{Currency, Money};
use rusqlite::types::Type;
use rusqlite::Row;

use crate::{Actor, PaymentDetails, Sale, SaleCounter, SaleId, ShiftId};

/// The columns of a sale every schema version has, with its receipt number (`r`, LEFT JOIN).
macro_rules! base_columns {
    () => {
        "s.id, s.bill_number, s.terminal_id, s.created_ms, s.amount_minor, s.currency, s.note, \
         s.qr, s.md5, s.expires_ms, s.riel_per_usd, s.status, s.updated_ms, s.bakong_hash, \
         s.payer_account, s.payee_account, s.paid_minor, s.paid_currency, s.paid_created_ms, \
         s.paid_acknowledged_ms, s.external_ref, s.instruction_ref, r.number"
    };
}

/// The columns [`sale_from_row`] reads, in its order: the base ones, a split sale's QR amount
/// (migration 0004), the reference the sale was accepted with (`a`), and its shift, cashier
/// and cashier's name (`ss`, `c`), all LEFT JOINs, see [`SALE_FROM`].
pub(crate) const SALE_COLUMNS: &str = concat!(
    base_columns!(),
    ", s.qr_minor, s.qr_currency, a.payer_ref, ss.shift_id, ss.cashier_id, c.name"
);

/// [`SALE_COLUMNS`] without the columns added since the first schema (read as none), for the
/// receipt chain: the chain of a backup made before migrations 0002–0004 (no `accepted_refs`,
/// `sale_shifts` or `cashiers` table, no `qr_minor` column) must still verify. The tender
/// lines and shift a receipt's hash covers are read by the chain itself, where they exist.
pub(crate) const SALE_CHAIN_COLUMNS: &str =
    concat!(base_columns!(), ", NULL, NULL, NULL, NULL, NULL, NULL");

/// How many columns [`SALE_COLUMNS`] has; callers selecting more read them from this index.
pub(crate) const SALE_COLUMN_COUNT: usize = 29;

/// A sale with its receipt number: `SELECT {SALE_COLUMNS} {SALE_FROM} WHERE …`.
pub(crate) const SALE_FROM: &str = "FROM sales s LEFT JOIN receipts r ON r.sale_id = s.id \
     LEFT JOIN accepted_refs a ON a.sale_id = s.id \
     LEFT JOIN sale_shifts ss ON ss.sale_id = s.id LEFT JOIN cashiers c ON c.id = ss.cashier_id";

/// Reads text column `idx` with `FromStr`, reporting a bad value as a conversion failure.
pub(crate) fn parsed<T>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// Builds a [`Sale`] from a row selected with [`SALE_COLUMNS`].
pub(crate) fn sale_from_row(row: &Row<'_>) -> rusqlite::Result<Sale> {
    let currency: Currency = parsed(row, 5)?;
    let payment = match row.get::<_, Option<String>>(13)? {
        Some(hash) => {
            let paid_currency: Option<String> = row.get(17)?;
            let paid_currency = match paid_currency {
                Some(_) => parsed(row, 17)?,
                None => currency,
            };
            Some(PaymentDetails {
                hash,
                payer_account: row.get(14)?,
                payee_account: row.get(15)?,
                amount: Money::new(row.get::<_, Option<i64>>(16)?.unwrap_or(0), paid_currency),
                created_ms: row.get(18)?,
                acknowledged_ms: row.get(19)?,
                external_ref: row.get(20)?,
                instruction_ref: row.get(21)?,
            })
        }
        None => None,
    };
    let qr_amount = match row.get::<_, Option<i64>>(23)? {
        Some(minor) => Some(Money::new(minor, parsed(row, 24)?)),
        None => None,
    };
    Ok(Sale {
        id: SaleId(row.get(0)?),
        bill_number: row.get(1)?,
        terminal_id: row.get(2)?,
        created_ms: row.get(3)?,
        amount: Money::new(row.get(4)?, currency),
        note: row.get(6)?,
        // A cash sale has no QR: empty, as `Sale` documents.
        qr: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
        md5: row.get::<_, Option<String>>(8)?.unwrap_or_default(),
        expires_ms: row.get(9)?,
        riel_per_usd: row.get(10)?,
        status: parsed(row, 11)?,
        updated_ms: row.get(12)?,
        payment,
        receipt_number: row.get(22)?,
        qr_amount,
        accepted_ref: row.get(25)?,
        counter: match row.get::<_, Option<i64>>(26)? {
            Some(shift) => Some(SaleCounter {
                shift: ShiftId(shift),
                cashier: Actor::from_column(row.get(27)?),
                cashier_name: row.get(28)?,
            }),
            None => None,
        },
    })
}
