//! The print queue against a real ledger file and the fake printer on loopback: faults hold
//! the queue without losing a receipt, a retry prints each once, a restart never prints a
//! receipt that may be on paper already, and a reprint carries the COPY mark on the paper.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pos_domain::{Currency, Money, SaleEvent};
use pos_print::fake::{FakePrinter, COVER_OPEN, PAPER_OUT, READY};
use pos_print::spool::{receipt_doc, AUTO_WINDOW_MS};
use pos_print::{
    drain, open_drawer, print_receipt, render, Bitmap, PrintError, Printed, PrinterSettings,
    RawSettings, Shop,
};
use pos_store::{NewSale, PaymentDetails, PrintOutcome, SaleId, Store};
use tempfile::TempDir;

/// 2026-11-26 00:00 in Phnom Penh.
const T0: i64 = 1_795_626_000_000;
const WAIT: Duration = Duration::from_secs(5);

struct Counter {
    dir: TempDir,
    store: Store,
    printer: FakePrinter,
    settings: PrinterSettings,
    shop: Shop,
}

impl Counter {
    fn new(status: [u8; 3]) -> Counter {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("ledger.sqlite3")).unwrap();
        let printer = FakePrinter::start(status).unwrap();
        let settings = PrinterSettings::new(&RawSettings {
            kind: Some("network"),
            address: Some(printer.address()),
            width_mm: Some(58),
            drawer_pin: Some(2),
            ..RawSettings::default()
        })
        .unwrap();
        Counter {
            dir,
            store,
            printer,
            settings,
            shop: Shop {
                name: "ហាងកាហ្វេ សុខា Sokha Coffee".into(),
                time_zone: chrono_tz::Asia::Phnom_Penh,
            },
        }
    }

    /// A KHQR sale of `n` dollars paid at `T0 + n` minutes.
    fn paid(&mut self, n: i64) -> SaleId {
        let created_ms = T0 + n * 60_000;
        let sale = self
            .store
            .insert_pending(&NewSale {
                bill_number: format!("B{n:04}"),
                terminal_id: "T1".into(),
                created_ms,
                amount: Money::new(n * 100, Currency::Usd),
                note: None,
                qr: format!("qr{n}"),
                md5: format!("{n:032x}"),
                expires_ms: created_ms + 300_000,
                riel_per_usd: Some(4100),
            })
            .unwrap();
        let payment = PaymentDetails {
            hash: format!("{n:064x}"),
            payer_account: Some("sok_dara@aba".into()),
            payee_account: Some("sokha_coffee@aclb".into()),
            amount: sale.amount,
            created_ms: Some(created_ms + 1000),
            acknowledged_ms: Some(created_ms + 2000),
            external_ref: None,
            instruction_ref: None,
        };
        self.store
            .apply_event(
                sale.id,
                SaleEvent::PaymentReported { matches: true },
                Some(&payment),
                created_ms + 3000,
            )
            .unwrap();
        sale.id
    }

    fn drain(&mut self, now_ms: i64) -> pos_print::QueueReport {
        drain(&mut self.store, &self.settings, &self.shop, now_ms).unwrap()
    }

    /// The receipt of `sale` as the paper should show it.
    fn expected(&self, sale: SaleId, copy: bool) -> Bitmap {
        render(
            &receipt_doc(&self.store, sale, copy, &self.shop).unwrap(),
            self.settings.width,
        )
        .unwrap()
    }

    /// The images printed so far, once the client hung up.
    fn printed(&self) -> Vec<Bitmap> {
        self.printer.finished(WAIT).unwrap().images
    }
}

/// A COPY starts with its banner: white text on black across the whole paper.
fn is_copy(image: &Bitmap) -> bool {
    (0..image.width()).all(|x| image.get(x, 0))
}

#[test]
fn a_fault_holds_the_queue_without_losing_a_receipt_and_the_retry_prints_each_once() {
    let mut c = Counter::new(PAPER_OUT);
    let sales: Vec<SaleId> = (1..=3).map(|n| c.paid(n)).collect();
    let now = T0 + 4 * 60_000;

    let report = c.drain(now);
    assert_eq!(
        report.fault.as_deref(),
        Some("printer not ready: paper out")
    );
    assert_eq!((report.printed.len(), report.waiting), (0, sales.clone()));
    // Retries while the paper is still out add no rows; a new fault is recorded once.
    c.drain(now + 5_000);
    c.printer.set_status(COVER_OPEN);
    let report = c.drain(now + 10_000);
    assert_eq!(
        report.fault.as_deref(),
        Some("printer not ready: cover open")
    );
    let attempts = c.store.print_attempts(sales[0]).unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|a| a.outcome == PrintOutcome::NotSent));
    let capture = c.printer.finished(WAIT).unwrap();
    assert_eq!(capture.init, 0, "a faulty printer got part of a receipt");

    c.printer.set_status(READY);
    let report = c.drain(now + 15_000);
    assert_eq!(report.printed, sales);
    assert!(report.fault.is_none() && report.waiting.is_empty());
    let expected: Vec<Bitmap> = sales.iter().map(|s| c.expected(*s, false)).collect();
    assert_eq!(
        c.printed(),
        expected,
        "each receipt once, in order, no COPY"
    );
    // Nothing is left to print automatically.
    assert_eq!(c.drain(now + 20_000), pos_print::QueueReport::default());
    assert_eq!(c.printed().len(), 3);
}

#[test]
fn a_connection_broken_mid_receipt_leaves_it_unsure_and_the_next_one_prints() {
    let mut c = Counter::new(READY);
    let (a, b) = (c.paid(1), c.paid(2));
    // Status queries (9 bytes) and the start of the first receipt, then the cable is pulled.
    c.printer.break_after(2000);
    let report = c.drain(T0 + 3 * 60_000);
    assert_eq!((report.unsure, report.printed), (vec![a], vec![b]));
    let outcomes: Vec<_> = c
        .store
        .print_attempts(a)
        .unwrap()
        .iter()
        .map(|x| x.outcome)
        .collect();
    assert_eq!(outcomes, [PrintOutcome::Sending, PrintOutcome::Failed]);
    // Later drains still never print it again by themselves; the cashier reprints a COPY.
    let report = c.drain(T0 + 4 * 60_000);
    assert_eq!((report.unsure, report.printed.len()), (vec![a], 0));
    let printed = print_receipt(&mut c.store, &c.settings, &c.shop, a, false, T0).unwrap();
    assert_eq!(printed, Printed::Copy);
    let images = c.printed();
    assert_eq!(images.last(), Some(&c.expected(a, true)));
    assert!(is_copy(images.last().unwrap()));
}

#[test]
fn after_a_restart_only_receipts_never_sent_are_printed_and_each_exactly_once() {
    let mut c = Counter::new(READY);
    let (claimed, queued) = (c.paid(1), c.paid(2));
    // The process died after claiming the first receipt, before its last byte.
    assert!(c.store.claim_original_print(claimed, T0 + 90_000).unwrap());
    let path = c.dir.path().join("ledger.sqlite3");
    c.store = Store::open(&path).unwrap();

    let report = c.drain(T0 + 3 * 60_000);
    assert_eq!(
        (report.printed, report.unsure),
        (vec![queued], vec![claimed])
    );
    // A second program on the same ledger finds nothing left to print.
    let mut other = Store::open(&path).unwrap();
    let again = drain(&mut other, &c.settings, &c.shop, T0 + 3 * 60_000).unwrap();
    assert!(again.printed.is_empty());
    assert_eq!(c.printed(), [c.expected(queued, false)]);
}

#[test]
fn a_reprint_is_marked_copy_on_the_paper_and_an_unsent_receipt_prints_as_the_original() {
    let mut c = Counter::new(READY);
    let (printed, late) = (c.paid(1), c.paid(2));
    let report = c.drain(T0 + 2 * 60_000 + 1);
    assert_eq!(report.printed, [printed, late]);
    let third = c.paid(3);
    // Asked for explicitly without --copy: printed already, so it is a COPY.
    let again = print_receipt(&mut c.store, &c.settings, &c.shop, printed, false, T0).unwrap();
    assert_eq!(again, Printed::Copy);
    // Never sent: the original, once; the queue then has nothing left.
    let first = print_receipt(&mut c.store, &c.settings, &c.shop, third, false, T0).unwrap();
    assert_eq!(first, Printed::Original);
    let forced = print_receipt(&mut c.store, &c.settings, &c.shop, third, true, T0).unwrap();
    assert_eq!(forced, Printed::Copy);
    assert!(c.drain(T0 + 4 * 60_000).printed.is_empty());
    let images = c.printed();
    let marks: Vec<bool> = images.iter().map(is_copy).collect();
    assert_eq!(marks, [false, false, true, false, true]);
    assert_eq!(images[2], c.expected(printed, true));
    assert_eq!(images[3], c.expected(third, false));
}

#[test]
fn receipts_older_than_the_window_wait_for_the_cashier() {
    let mut c = Counter::new(READY);
    let old = c.paid(1);
    let report = c.drain(T0 + 60_000 + 3000 + AUTO_WINDOW_MS + 1);
    assert_eq!(report, pos_print::QueueReport::default());
    assert_eq!(c.printer.connections(), 0);
    let job = c.store.print_jobs_since(0).unwrap();
    assert_eq!(job.iter().map(|j| j.sale_id).collect::<Vec<_>>(), [old]);
}

#[test]
fn the_drawer_is_kicked_on_its_pin_even_without_paper_and_never_when_off() {
    let c = Counter::new(PAPER_OUT);
    assert!(open_drawer(&c.settings).unwrap());
    let capture = c.printer.finished(WAIT).unwrap();
    assert_eq!(capture.raw, [0x1B, 0x70, 0, 25, 250]);
    let no_drawer = PrinterSettings {
        drawer: None,
        ..c.settings.clone()
    };
    assert!(!open_drawer(&no_drawer).unwrap());
    assert!(!open_drawer(&PrinterSettings::default()).unwrap());
    assert_eq!(c.printer.connections(), 1);
}

#[test]
fn an_unpaid_sale_or_no_printer_is_a_clear_error_and_the_printer_sees_nothing() {
    let mut c = Counter::new(READY);
    let paid = c.paid(1);
    let unpaid = c
        .store
        .insert_pending(&NewSale {
            bill_number: "B9".into(),
            terminal_id: "T1".into(),
            created_ms: T0,
            amount: Money::new(100, Currency::Usd),
            note: None,
            qr: "qr9".into(),
            md5: format!("{:032x}", 9999),
            expires_ms: T0 + 300_000,
            riel_per_usd: None,
        })
        .unwrap()
        .id;
    let err = print_receipt(&mut c.store, &c.settings, &c.shop, unpaid, false, T0).unwrap_err();
    assert!(matches!(err, PrintError::NoReceipt { .. }), "{err}");
    let none = PrinterSettings::default();
    let err = print_receipt(&mut c.store, &none, &c.shop, paid, false, T0).unwrap_err();
    assert!(matches!(err, PrintError::NoPrinter), "{err}");
    assert_eq!(c.printer.connections(), 0);
    assert!(c.store.print_attempts(paid).unwrap().is_empty());
}

#[test]
fn paper_running_out_during_a_receipt_leaves_it_unsure_and_holds_the_rest() {
    let mut c = Counter::new(READY);
    let (a, b) = (c.paid(1), c.paid(2));
    c.printer.status_after(5000, PAPER_OUT);
    let report = c.drain(T0 + 3 * 60_000);
    assert_eq!(report.unsure, [a]);
    assert_eq!(report.waiting, [b]);
    assert_eq!(
        report.fault.as_deref(),
        Some("printer not ready: paper out")
    );
    let last = c.store.print_attempts(a).unwrap().pop().unwrap();
    assert_eq!(last.outcome, PrintOutcome::Failed);
    assert_eq!(last.detail.as_deref(), Some("printer not ready: paper out"));
    c.printer.set_status(READY);
    let report = c.drain(T0 + 4 * 60_000);
    assert_eq!((report.printed, report.unsure), (vec![b], vec![a]));
    assert_eq!(c.printed().len(), 2);
}
