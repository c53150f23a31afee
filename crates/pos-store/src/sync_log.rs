//! The event log read for the shop database: a terminal's events after a sequence number, in
//! order, each with its sale's facts and, on the status change that paid it, its receipt and
//! the sale's tender lines (a cash or split sale's cash, change, KHQR part and rounding). The
//! sequence number is the event's row id, which only grows (the log is append-only).

use pos_domain::{Currency, Money, SaleStatus};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::sale_row::parsed;
use crate::{CheckRecord, EventKind, Receipt, Result, SaleId, Store};

/// One entry of the event log, as a counter pushes it to the shop database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The event's position in this ledger's log: increasing, with gaps where other
    /// terminals' events sit in the same file.
    pub seq: i64,
    /// The terminal that made the sale.
    pub terminal_id: String,
    /// The sale it belongs to.
    pub sale_id: SaleId,
    /// The sale's bill number.
    pub bill_number: String,
    /// When the sale was created.
    pub sale_created_ms: i64,
    /// What the sale asked for.
    pub amount: Money,
    /// When the event happened.
    pub at_ms: i64,
    /// What happened.
    pub kind: EventKind,
    /// The receipt issued with this event: set on the status change to a paid status.
    pub receipt: Option<Receipt>,
    /// What was paid, set with `receipt`.
    pub paid: Option<Money>,
    /// The sale's tender lines, with `receipt`: none for a KHQR sale made outside a shift.
    #[serde(default)]
    pub tenders: Vec<crate::TenderLine>,
}

impl Store {
    /// `terminal_id`'s events with a sequence number above `after_seq`, oldest first, at most
    /// `limit` of them.
    pub fn log_after(
        &self,
        terminal_id: &str,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<LogEntry>> {
        // Paid statuses absorb later payment reports without an event, so each sale has at
        // most one status event reaching one: the event its receipt belongs to.
        let paid: Vec<String> = SaleStatus::ALL
            .into_iter()
            .filter(|s| s.has_payment())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let sql = format!(
            "SELECT e.id, s.terminal_id, e.sale_id, s.bill_number, s.created_ms, \
             s.amount_minor, s.currency, e.at_ms, e.kind, e.from_status, e.to_status, \
             e.http_status, e.response_code, e.error_code, e.note, \
             r.number, r.issued_ms, r.prev_hash, r.hash, s.paid_minor, s.paid_currency \
             FROM sale_events e JOIN sales s ON s.id = e.sale_id \
             LEFT JOIN receipts r ON r.sale_id = e.sale_id AND e.kind = 'status' \
             AND e.to_status IN ({}) \
             WHERE s.terminal_id = ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3",
            paid.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut entries = stmt
            .query_map(params![terminal_id, after_seq, limit], |row| {
                let currency: Currency = parsed(row, 6)?;
                let kind = if row.get::<_, String>(8)? == "status" {
                    EventKind::Status {
                        from: match row.get::<_, Option<String>>(9)? {
                            Some(_) => Some(parsed(row, 9)?),
                            None => None,
                        },
                        to: parsed(row, 10)?,
                    }
                } else {
                    EventKind::Check(CheckRecord {
                        at_ms: row.get(7)?,
                        http_status: row.get(11)?,
                        response_code: row.get(12)?,
                        error_code: row.get(13)?,
                        note: row.get(14)?,
                    })
                };
                let terminal_id: String = row.get(1)?;
                let sale_id = SaleId(row.get(2)?);
                let (receipt, paid) = match row.get::<_, Option<i64>>(15)? {
                    Some(number) => {
                        let paid_currency = match row.get::<_, Option<String>>(20)? {
                            Some(_) => parsed(row, 20)?,
                            None => currency,
                        };
                        let paid_minor = row.get::<_, Option<i64>>(19)?.unwrap_or(0);
                        let receipt = Receipt {
                            terminal_id: terminal_id.clone(),
                            number,
                            sale_id,
                            issued_ms: row.get(16)?,
                            prev_hash: row.get(17)?,
                            hash: row.get(18)?,
                        };
                        (Some(receipt), Some(Money::new(paid_minor, paid_currency)))
                    }
                    None => (None, None),
                };
                Ok(LogEntry {
                    seq: row.get(0)?,
                    terminal_id,
                    sale_id,
                    bill_number: row.get(3)?,
                    sale_created_ms: row.get(4)?,
                    amount: Money::new(row.get(5)?, currency),
                    at_ms: row.get(7)?,
                    kind,
                    receipt,
                    paid,
                    tenders: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for entry in &mut entries {
            if entry.receipt.is_some() {
                entry.tenders = self.sale_tenders(entry.sale_id)?;
            }
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use pos_domain::SaleEvent;

    use super::*;
    use crate::{NewSale, PaymentDetails};

    fn sell(store: &mut Store, n: u32, terminal: &str) -> SaleId {
        let amount = Money::new(1_000 * i64::from(n), Currency::Khr);
        let sale = store
            .insert_pending(&NewSale {
                bill_number: format!("B{n}"),
                terminal_id: terminal.into(),
                created_ms: 1_000 * i64::from(n),
                amount,
                note: None,
                qr: format!("qr{n}"),
                md5: format!("{n:032x}"),
                expires_ms: 1_000_000,
                riel_per_usd: None,
            })
            .unwrap();
        store
            .record_check(
                sale.id,
                &CheckRecord {
                    at_ms: 5,
                    note: Some("not found".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        let payment = PaymentDetails {
            hash: format!("{n:064x}"),
            payer_account: None,
            payee_account: None,
            amount,
            created_ms: None,
            acknowledged_ms: None,
            external_ref: None,
            instruction_ref: None,
        };
        store
            .apply_event(
                sale.id,
                SaleEvent::PaymentReported { matches: true },
                Some(&payment),
                9,
            )
            .unwrap();
        sale.id
    }

    #[test]
    fn a_terminals_log_comes_in_order_with_the_receipt_on_the_paying_event_only() {
        let mut store = Store::open_in_memory().unwrap();
        let a1 = sell(&mut store, 1, "A");
        sell(&mut store, 2, "B");
        let a3 = sell(&mut store, 3, "A");
        let log = store.log_after("A", 0, 100).unwrap();
        assert_eq!(log.len(), 6);
        assert!(log.windows(2).all(|w| w[0].seq < w[1].seq));
        assert!(log.iter().all(|e| e.terminal_id == "A"));
        let with_receipt: Vec<_> = log.iter().filter(|e| e.receipt.is_some()).collect();
        assert_eq!(with_receipt.len(), 2);
        assert_eq!(with_receipt[0].sale_id, a1);
        assert_eq!(with_receipt[1].sale_id, a3);
        assert_eq!(with_receipt[1].receipt.as_ref().unwrap().number, 2);
        assert_eq!(
            with_receipt[1].receipt.as_ref().unwrap().prev_hash,
            with_receipt[0].receipt.as_ref().unwrap().hash
        );
        assert_eq!(with_receipt[0].paid, Some(Money::new(1_000, Currency::Khr)));
        assert!(matches!(
            with_receipt[0].kind,
            EventKind::Status {
                to: SaleStatus::Paid,
                ..
            }
        ));
        // Paging: after the third event, at most two.
        let page = store.log_after("A", log[2].seq, 2).unwrap();
        assert_eq!(page, log[3..5]);
        assert!(store.log_after("A", log[5].seq, 10).unwrap().is_empty());
        assert!(store.log_after("nobody", 0, 10).unwrap().is_empty());
    }
}
