//! The print queue: every receipt the ledger issues is queued in the same transaction
//! (`pos-store` migration 0005), and [`drain`] prints what is due. A printer fault never
//! touches the sale: the job waits and is retried on the next drain.
//!
//! The original of a receipt is sent at most once. Its bytes go only after a good status and
//! a `sending` claim committed to the ledger ([`Store::claim_original_print`]); a job whose
//! claim has no `printed` after it (a crash, a cable pulled mid-receipt) is [`JobState::Unsure`]
//! and never printed again by itself: the cashier looks at the paper and reprints it, and
//! every printing after the original is marked COPY. Jobs older than [`AUTO_WINDOW_MS`] are
//! not printed automatically either (the customer has left); [`print_receipt`] prints them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use pos_domain::SaleStatus;
use pos_store::{PrintAttempt, PrintOutcome, SaleId, Store, StoreError};
use serde::Serialize;

use crate::bitmap::Bitmap;
use crate::error::PrintError;
use crate::layout::{render, Paid, ReceiptDoc};
use crate::printer::{JobOptions, Printer};
use crate::settings::PrinterSettings;
use crate::transport::Transport;

/// How long after its receipt a job is still printed automatically: the customer is still
/// at the counter. Older unprinted receipts wait for the cashier's "print now".
pub const AUTO_WINDOW_MS: i64 = 10 * 60_000;

/// Who prints: the shop's name on the paper and its time zone for the date line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shop {
    pub name: String,
    pub time_zone: Tz,
}

/// Where a receipt's original stands, read from its attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum JobState {
    /// Never tried.
    Queued,
    /// Tried, and the printer could not take it; nothing was sent. Retried automatically.
    Waiting { reason: String },
    /// Sending began and was never confirmed: it may or may not be on paper. Only the
    /// cashier decides (a reprint is a COPY).
    Unsure,
    /// On paper.
    Printed,
}

impl JobState {
    /// The state after `attempts` at the original, oldest first.
    pub fn of(attempts: &[PrintAttempt]) -> JobState {
        let original = || attempts.iter().filter(|a| !a.copy);
        if original().any(|a| a.outcome == PrintOutcome::Printed) {
            return JobState::Printed;
        }
        if original().any(|a| a.outcome != PrintOutcome::NotSent) {
            return JobState::Unsure;
        }
        match original().next_back() {
            None => JobState::Queued,
            Some(a) => JobState::Waiting {
                reason: a.detail.clone().unwrap_or_default(),
            },
        }
    }

    /// Whether [`drain`] prints it by itself: the original was never sent.
    pub fn is_due(&self) -> bool {
        matches!(self, JobState::Queued | JobState::Waiting { .. })
    }
}

/// What the cashier sees of the queue after a drain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueReport {
    /// Printed by this drain, in order.
    pub printed: Vec<SaleId>,
    /// Still waiting for the printer, retried on the next drain.
    pub waiting: Vec<SaleId>,
    /// Maybe on paper: the cashier checks and reprints if needed.
    pub unsure: Vec<SaleId>,
    /// Why the printer cannot print now (paper out, cover open, offline, unreachable).
    pub fault: Option<String>,
}

/// One receipt printed as an original or as a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Printed {
    Original,
    Copy,
}

/// Prints every due job queued in the last [`AUTO_WINDOW_MS`], oldest first, over one
/// connection; stops at the first fault, recording it on the jobs left. Without a printer
/// configured it prints nothing and reports nothing.
pub fn drain(
    store: &mut Store,
    settings: &PrinterSettings,
    shop: &Shop,
    now_ms: i64,
) -> Result<QueueReport, PrintError> {
    if !settings.enabled() {
        return Ok(QueueReport::default());
    }
    let (mut report, due) = due_jobs(store, now_ms)?;
    let mut printer = None;
    for (i, (sale, state)) in due.iter().enumerate() {
        let sent = connected(&mut printer, settings)
            .and_then(|p| send(store, p, settings, shop, *sale, Printed::Original, now_ms));
        match sent {
            Ok(true) => report.printed.push(*sale),
            // Claimed by another program, or it began before a crash: not ours to print.
            Ok(false) => report.unsure.push(*sale),
            Err(PrintError::Interrupted(_)) => {
                // It broke mid-receipt (recorded as failed); the next job gets a new connection.
                report.unsure.push(*sale);
                printer = None;
            }
            Err(e @ PrintError::Store(_)) => return Err(e),
            Err(e) if is_printer_fault(&e) => {
                let reason = e.to_string();
                for (sale, state) in &due[i..] {
                    wait(store, *sale, state, &reason, now_ms)?;
                    report.waiting.push(*sale);
                }
                report.fault = Some(reason);
                break;
            }
            // This receipt cannot be laid out (bad data): it waits, listed, and the rest print.
            Err(e) => {
                wait(store, *sale, state, &e.to_string(), now_ms)?;
                report.waiting.push(*sale);
            }
        }
    }
    Ok(report)
}

/// The queue as [`drain`] would find it, printing nothing: the due jobs are listed as
/// waiting (with auto-print off, they wait for "print now").
pub fn queued(store: &Store, now_ms: i64) -> Result<QueueReport, PrintError> {
    let (mut report, due) = due_jobs(store, now_ms)?;
    report.waiting = due.into_iter().map(|(sale, _)| sale).collect();
    Ok(report)
}

/// The jobs of the last [`AUTO_WINDOW_MS`] that are due, oldest first, and a report listing
/// those that are unsure.
fn due_jobs(
    store: &Store,
    now_ms: i64,
) -> Result<(QueueReport, Vec<(SaleId, JobState)>), PrintError> {
    let mut report = QueueReport::default();
    let mut due = Vec::new();
    for job in store.print_jobs_since(now_ms - AUTO_WINDOW_MS)? {
        match JobState::of(&job.attempts) {
            JobState::Unsure => report.unsure.push(job.sale_id),
            state if state.is_due() => due.push((job.sale_id, state)),
            _ => {}
        }
    }
    Ok((report, due))
}

/// "Print now" and reprints: `sale`'s receipt as the original when it was never sent and
/// `copy` is not asked for, else as a COPY. A fault is an error with nothing sent (recorded).
pub fn print_receipt(
    store: &mut Store,
    settings: &PrinterSettings,
    shop: &Shop,
    sale: SaleId,
    copy: bool,
    now_ms: i64,
) -> Result<Printed, PrintError> {
    // A sale without a receipt is refused before the printer is even reached.
    receipt_doc(store, sale, copy, shop)?;
    let mut printer = settings.connect()?.ok_or(PrintError::NoPrinter)?;
    if !copy && JobState::of(&store.print_attempts(sale)?).is_due() {
        match send(
            store,
            &mut printer,
            settings,
            shop,
            sale,
            Printed::Original,
            now_ms,
        ) {
            Ok(true) => return Ok(Printed::Original),
            // Claimed meanwhile, or issued before the queue existed (no job): a copy.
            Ok(false) | Err(PrintError::Store(StoreError::NotFound(_))) => {}
            Err(e) => return Err(e),
        }
    }
    send(
        store,
        &mut printer,
        settings,
        shop,
        sale,
        Printed::Copy,
        now_ms,
    )?;
    Ok(Printed::Copy)
}

/// Prints a page now, no queue (a report, a KHQR slip, the test page: the one who asked
/// watches the printer); a fault is an error with nothing sent.
pub fn print_page(settings: &PrinterSettings, page: &Bitmap) -> Result<(), PrintError> {
    let mut printer = settings.connect()?.ok_or(PrintError::NoPrinter)?;
    let options = JobOptions {
        check_status: settings.check_status,
        ..JobOptions::default()
    };
    printer.print(page, options).map(|_| ())
}

/// Kicks the cash drawer, if one is configured (no status first: a drawer opens on a
/// printer out of paper). `Ok(false)`: no printer or no drawer.
pub fn open_drawer(settings: &PrinterSettings) -> Result<bool, PrintError> {
    let Some(pin) = settings.drawer else {
        return Ok(false);
    };
    match settings.connect()? {
        Some(mut printer) => printer.kick_drawer(pin).map(|()| true),
        None => Ok(false),
    }
}

/// Records that `sale`'s original was not sent for `reason`: once per change of reason, not
/// once per retry.
fn wait(
    store: &mut Store,
    sale: SaleId,
    state: &JobState,
    reason: &str,
    now_ms: i64,
) -> Result<(), PrintError> {
    let same = matches!(state, JobState::Waiting { reason: r } if r == reason);
    if !same {
        store.record_print(sale, false, now_ms, PrintOutcome::NotSent, Some(reason))?;
    }
    Ok(())
}

/// The printer of `slot`, connecting first when there is none yet.
fn connected<'a>(
    slot: &'a mut Option<Printer<Box<dyn Transport + Send>>>,
    settings: &PrinterSettings,
) -> Result<&'a mut Printer<Box<dyn Transport + Send>>, PrintError> {
    if slot.is_none() {
        *slot = settings.connect()?;
    }
    slot.as_mut().ok_or(PrintError::NoPrinter)
}

/// Whether `e` is the printer's condition (so the jobs after this one would fail too), with
/// nothing of the receipt sent.
fn is_printer_fault(e: &PrintError) -> bool {
    matches!(
        e,
        PrintError::NotReady { .. }
            | PrintError::Unreachable { .. }
            | PrintError::NoReply { .. }
            | PrintError::BadStatusByte { .. }
            | PrintError::Io(_)
            | PrintError::NoPrinter
    )
}

/// Sends one receipt: status, the claim (an original) or a `sending` record (a copy), the
/// bytes, then `printed` or `failed`. `Ok(false)`: the original was claimed already.
fn send<T: Transport>(
    store: &mut Store,
    printer: &mut Printer<T>,
    settings: &PrinterSettings,
    shop: &Shop,
    sale: SaleId,
    kind: Printed,
    now_ms: i64,
) -> Result<bool, PrintError> {
    let copy = kind == Printed::Copy;
    let bitmap = render(&receipt_doc(store, sale, copy, shop)?, settings.width)?;
    if settings.check_status {
        let fault = match printer.status() {
            Ok(status) => status.fault().map(|fault| PrintError::NotReady { fault }),
            Err(e) => Some(e),
        };
        if let Some(e) = fault {
            if copy {
                store.record_print(
                    sale,
                    true,
                    now_ms,
                    PrintOutcome::NotSent,
                    Some(&e.to_string()),
                )?;
            }
            return Err(e);
        }
    }
    if copy {
        store.record_print(sale, true, now_ms, PrintOutcome::Sending, None)?;
    } else if !store.claim_original_print(sale, now_ms)? {
        return Ok(false);
    }
    let options = JobOptions {
        check_status: false,
        ..JobOptions::default()
    };
    let sent = printer.print(&bitmap, options).and_then(|_| {
        if !settings.check_status {
            return Ok(());
        }
        // Bytes written are only in a socket buffer; a status reply comes after every one of
        // them reached the printer, and tells whether the paper ran out during the receipt.
        match printer.status()?.fault() {
            Some(fault) => Err(PrintError::NotReady { fault }),
            None => Ok(()),
        }
    });
    match sent {
        Ok(()) => {
            store.record_print(sale, copy, now_ms, PrintOutcome::Printed, None)?;
            Ok(true)
        }
        Err(e) => {
            store.record_print(
                sale,
                copy,
                now_ms,
                PrintOutcome::Failed,
                Some(&e.to_string()),
            )?;
            Err(PrintError::Interrupted(Box::new(e)))
        }
    }
}

/// `sale`'s receipt as printed: its tenders when it has any cash, else its KHQR payment.
pub fn receipt_doc(
    store: &Store,
    sale_id: SaleId,
    copy: bool,
    shop: &Shop,
) -> Result<ReceiptDoc, PrintError> {
    let sale = store
        .get(sale_id)?
        .ok_or(PrintError::Store(StoreError::NotFound(sale_id)))?;
    let receipt = store
        .receipt(sale_id)?
        .ok_or(PrintError::NoReceipt { sale: sale_id.0 })?;
    let tenders = store.sale_tenders(sale_id)?;
    let of_kind = |kind: &str| {
        tenders
            .iter()
            .filter(|t| t.kind == kind && t.amount.minor > 0)
            .map(|t| t.amount)
            .collect::<Vec<_>>()
    };
    let cash = of_kind("cash");
    let paid = if cash.is_empty() {
        sale.payment.as_ref().map(|p| Paid::Khqr {
            payer: p.payer_account.clone(),
            short_hash: p.hash.chars().take(8).collect(),
        })
    } else {
        Some(Paid::Cash {
            tendered: cash,
            change: of_kind("change"),
            khqr: of_kind("khqr").first().copied(),
        })
    };
    Ok(ReceiptDoc {
        shop: shop.name.clone(),
        bill: sale.bill_number,
        receipt: Some(format!("{}-{:06}", receipt.terminal_id, receipt.number)),
        issued_at: local_time(receipt.issued_ms, shop.time_zone),
        amount: sale.amount,
        riel_per_usd: sale.riel_per_usd,
        paid,
        copy,
        khqr: None,
    })
}

/// The KHQR slip of `sale_id`, a sale still waiting for its payment: the bill, the amount
/// its QR asks for (the KHQR part of a split sale) and the QR, for a customer at a table.
pub fn slip_doc(store: &Store, sale_id: SaleId, shop: &Shop) -> Result<ReceiptDoc, PrintError> {
    let sale = store
        .get(sale_id)?
        .ok_or(PrintError::Store(StoreError::NotFound(sale_id)))?;
    if sale.status != SaleStatus::Pending || sale.qr.is_empty() {
        return Err(PrintError::NotWaiting {
            sale: sale_id.0,
            status: sale.status.to_string(),
        });
    }
    Ok(ReceiptDoc {
        shop: shop.name.clone(),
        bill: sale.bill_number,
        receipt: None,
        issued_at: local_time(sale.created_ms, shop.time_zone),
        amount: sale.qr_amount.unwrap_or(sale.amount),
        riel_per_usd: sale.riel_per_usd,
        paid: None,
        copy: false,
        khqr: Some(sale.qr),
    })
}

/// `at_ms` as the shop reads it: day/month/year hours:minutes in its zone.
pub fn local_time(at_ms: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(copy: bool, outcome: PrintOutcome, detail: Option<&str>) -> PrintAttempt {
        PrintAttempt {
            sale_id: SaleId(1),
            copy,
            at_ms: 0,
            outcome,
            detail: detail.map(str::to_owned),
        }
    }

    #[test]
    fn a_jobs_state_follows_its_originals_attempts_only() {
        use PrintOutcome::*;
        assert_eq!(JobState::of(&[]), JobState::Queued);
        let paper = attempt(false, NotSent, Some("paper out"));
        assert_eq!(
            JobState::of(std::slice::from_ref(&paper)),
            JobState::Waiting {
                reason: "paper out".into()
            }
        );
        assert_eq!(
            JobState::of(&[paper.clone(), attempt(false, Sending, None)]),
            JobState::Unsure
        );
        assert_eq!(
            JobState::of(&[
                attempt(false, Sending, None),
                attempt(false, Failed, Some("x"))
            ]),
            JobState::Unsure
        );
        assert_eq!(
            JobState::of(&[
                paper,
                attempt(false, Sending, None),
                attempt(false, Printed, None)
            ]),
            JobState::Printed
        );
        // A printed copy does not print the original.
        assert_eq!(
            JobState::of(&[attempt(true, Sending, None), attempt(true, Printed, None)]),
            JobState::Queued
        );
    }

    #[test]
    fn times_are_printed_in_the_shops_zone() {
        // 2026-11-25 17:00 UTC is midnight in Phnom Penh.
        assert_eq!(
            local_time(1_795_626_000_000, chrono_tz::Asia::Phnom_Penh),
            "26/11/2026 00:00"
        );
    }
}
