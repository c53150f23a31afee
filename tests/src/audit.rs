//! The ledger invariants every scenario ends with, checked on the SQLite file itself through a
//! fresh connection (as an auditor would open it), not through the POS that wrote it:
//!
//! - `PRAGMA integrity_check` (and the foreign-key check) report nothing;
//! - the receipt chain verifies, and so do the refund and Z report chains (numbers gap-free
//!   per terminal, links and hashes intact);
//! - every sale appears once, and each sale with a payment has exactly one receipt;
//! - receipt numbers run 1, 2, 3… per terminal with no gap;
//! - no sale entered a paid status twice in its event log ("finalized twice");
//! - a sale accepted on the customer's screen has its payer's reference, and only such a sale
//!   has one (the status change and the reference are one transaction).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use pos_domain::SaleStatus;
use pos_store::{EventKind, Query, Sale, Store};

/// What a sound ledger holds, for the scenario's own assertions.
#[derive(Debug)]
pub struct Audit {
    /// Every sale, oldest first.
    pub sales: Vec<Sale>,
    /// How many receipts the chain holds.
    pub receipts: u64,
}

impl Audit {
    /// The sale whose QR has this md5.
    pub fn by_md5(&self, md5: &str) -> &Sale {
        self.sales
            .iter()
            .find(|s| s.md5 == md5)
            .unwrap_or_else(|| panic!("no sale with md5 {md5} in the ledger"))
    }

    /// How many sales are in `status`.
    pub fn count(&self, status: SaleStatus) -> usize {
        self.sales.iter().filter(|s| s.status == status).count()
    }
}

/// Opens the ledger at `path` and checks every invariant; the first broken one is returned as
/// a readable message.
pub fn audit(path: &Path) -> Result<Audit, String> {
    let store = Store::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let integrity = store
        .integrity_check()
        .map_err(|e| format!("integrity check failed to run: {e}"))?;
    if !integrity.is_empty() {
        return Err(format!("integrity check: {integrity:?}"));
    }
    let chain = store
        .verify_chain()
        .map_err(|e| format!("chain verification failed to run: {e}"))?;
    if !chain.is_intact() {
        return Err(format!("receipt chain: {:?}", chain.problems));
    }
    let cash = store
        .verify_cash_chains()
        .map_err(|e| format!("refund and z report chains failed to run: {e}"))?;
    if !cash.problems.is_empty() {
        return Err(format!("refund or z report chain: {:?}", cash.problems));
    }
    let sales = store
        .sales(&Query::default())
        .map_err(|e| format!("cannot list sales: {e}"))?;
    let mut seen = BTreeSet::new();
    let mut numbers: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for sale in &sales {
        if !seen.insert(sale.id) {
            return Err(format!("sale {} is listed twice (two receipts?)", sale.id));
        }
        let receipt = store
            .receipt(sale.id)
            .map_err(|e| format!("cannot read the receipt of sale {}: {e}", sale.id))?;
        match (sale.status.has_payment(), receipt) {
            (true, Some(receipt)) => numbers
                .entry(sale.terminal_id.as_str())
                .or_default()
                .push(receipt.number),
            (true, None) => return Err(format!("paid sale {} has no receipt", sale.id)),
            (false, Some(r)) => {
                return Err(format!(
                    "sale {} is {} but has receipt {}",
                    sale.id, sale.status, r.number
                ))
            }
            (false, None) => {}
        }
        let events = store
            .events(sale.id)
            .map_err(|e| format!("cannot read the events of sale {}: {e}", sale.id))?;
        let payments = events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::Status { to, .. } if to.has_payment()))
            .count();
        if payments > 1 {
            return Err(format!(
                "sale {} was finalized {payments} times: {events:?}",
                sale.id
            ));
        }
        let accepted = events.iter().any(|e| {
            matches!(
                &e.kind,
                EventKind::Status {
                    to: SaleStatus::AcceptedUnverified,
                    ..
                }
            )
        });
        if accepted != sale.accepted_ref.is_some() {
            return Err(format!(
                "sale {} half accepted: accepted in its event log {accepted}, reference {:?}",
                sale.id, sale.accepted_ref
            ));
        }
    }
    for (terminal, mut numbers) in numbers {
        numbers.sort_unstable();
        let expected: Vec<i64> = (1..).take(numbers.len()).collect();
        if numbers != expected {
            return Err(format!(
                "receipt numbers of terminal {terminal} are not 1..{}: {numbers:?}",
                numbers.len()
            ));
        }
    }
    Ok(Audit {
        sales,
        receipts: chain.receipts,
    })
}
