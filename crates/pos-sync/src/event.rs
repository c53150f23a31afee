//! What a pushed event must look like, and its digest: the fingerprint that tells a repeated
//! push (same digest, a no-op) from a different event under a used number (a divergence).

use pos_domain::SaleStatus;
use pos_store::{EventKind, LogEntry};
use sha2::{Digest, Sha256};

use crate::{Result, SyncError};

/// The `prev_hash` of a terminal's first receipt, as the ledger writes it.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the digest layout, so a future layout cannot be confused with this one.
const LAYOUT: &str = "khqr-pos sync event v1";

/// The event's kind and statuses as stored: (kind, from, to) and the check's fields.
pub(crate) struct Columns<'a> {
    pub kind: &'static str,
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
    pub http_status: Option<i32>,
    pub response_code: Option<i64>,
    pub error_code: Option<i64>,
    pub note: Option<&'a str>,
}

pub(crate) fn columns(e: &LogEntry) -> Columns<'_> {
    match &e.kind {
        EventKind::Status { from, to } => Columns {
            kind: "status",
            from: from.map(SaleStatus::as_str),
            to: Some(to.as_str()),
            http_status: None,
            response_code: None,
            error_code: None,
            note: None,
        },
        EventKind::Check(c) => Columns {
            kind: "check",
            from: None,
            to: None,
            http_status: c.http_status.map(i32::from),
            response_code: c.response_code,
            error_code: c.error_code,
            note: c.note.as_deref(),
        },
    }
}

/// sha256 over every field of the event, length-prefixed so no two field lists hash alike by
/// moving text between fields; `None` differs from an empty string.
pub(crate) fn digest(e: &LogEntry) -> String {
    let c = columns(e);
    let text = |n: Option<i64>| n.map(|n| n.to_string());
    let receipt = e.receipt.as_ref();
    let parts: [Option<String>; 22] = [
        Some(LAYOUT.to_owned()),
        Some(e.terminal_id.clone()),
        Some(e.seq.to_string()),
        Some(e.sale_id.0.to_string()),
        Some(e.bill_number.clone()),
        Some(e.sale_created_ms.to_string()),
        Some(e.amount.minor.to_string()),
        Some(e.amount.currency.alpha().to_owned()),
        Some(e.at_ms.to_string()),
        Some(c.kind.to_owned()),
        c.from.map(str::to_owned),
        c.to.map(str::to_owned),
        text(c.http_status.map(i64::from)),
        text(c.response_code),
        text(c.error_code),
        c.note.map(str::to_owned),
        text(receipt.map(|r| r.number)),
        text(receipt.map(|r| r.issued_ms)),
        receipt.map(|r| r.prev_hash.clone()),
        receipt.map(|r| r.hash.clone()),
        text(e.paid.map(|p| p.minor)),
        e.paid.map(|p| p.currency.alpha().to_owned()),
    ];
    let mut h = Sha256::new();
    for part in &parts {
        match part {
            Some(v) => {
                h.update(format!("{}:", v.len()));
                h.update(v);
                h.update(";");
            }
            None => h.update("~;"),
        }
    }
    hex::encode(h.finalize())
}

/// Refuses an event that cannot be a true ledger event of `terminal_id`, before anything is
/// written.
pub(crate) fn validate(terminal_id: &str, e: &LogEntry) -> Result<()> {
    let bad = |reason: &'static str| SyncError::BadEvent { seq: e.seq, reason };
    if e.terminal_id != terminal_id {
        return Err(bad("it belongs to another terminal"));
    }
    if e.seq <= 0 {
        return Err(bad("its sequence number is not positive"));
    }
    if e.amount.minor <= 0 {
        return Err(bad("its sale's amount is not positive"));
    }
    let pays = matches!(e.kind, EventKind::Status { to, .. } if to.has_payment());
    match (&e.receipt, e.paid) {
        (None, None) if !pays => Ok(()),
        (None, _) if pays => Err(bad("a payment arrived without its receipt")),
        (Some(r), Some(paid)) if pays => {
            if r.terminal_id != terminal_id || r.sale_id != e.sale_id {
                Err(bad("its receipt belongs to another sale or terminal"))
            } else if r.number <= 0 {
                Err(bad("its receipt number is not positive"))
            } else if !is_hash(&r.hash) || !is_hash(&r.prev_hash) {
                Err(bad("its receipt hashes are not 64 lower-case hex digits"))
            } else if paid.minor < 0 {
                Err(bad("its paid amount is negative"))
            } else {
                Ok(())
            }
        }
        _ => Err(bad(
            "a receipt or paid amount on an event that pays nothing",
        )),
    }
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
