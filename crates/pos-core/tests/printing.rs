//! The counter's printer through the [`Pos`] facade in demo mode, against the fake printer
//! on loopback: a paid sale's receipt prints by itself exactly once, a printer fault never
//! touches the sale and the receipt follows once the printer is back, and the drawer opens
//! for cash (sales, shift open and close, cash in and out) and never for a KHQR-only sale.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pos_core::counter::{Actor, CashSaleRequest, CloseShiftRequest, MovementRequest};
use pos_core::{ChargeRequest, Config, Currency, Pos, SaleStatus, StartOptions};
use pos_print::fake::{Capture, FakePrinter, PAPER_OUT, READY};
use pos_print::{PrinterSettings, RawSettings};

const WAIT: Duration = Duration::from_secs(10);

async fn counter(printer: &FakePrinter, drawer_pin: Option<u32>) -> (tempfile::TempDir, Pos) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::demo(dir.path()).unwrap();
    config.printer = PrinterSettings::new(&RawSettings {
        kind: Some("network"),
        address: Some(printer.address()),
        width_mm: Some(80),
        drawer_pin,
        ..RawSettings::default()
    })
    .unwrap();
    let pos = Pos::start_with(config, StartOptions::accelerated(200))
        .await
        .unwrap();
    (dir, pos)
}

/// Waits until the fake printer has printed `images` receipts (and hung up).
async fn printed(printer: &FakePrinter, images: usize) -> Capture {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let c = printer.finished(WAIT).unwrap();
        if c.images.len() >= images {
            return c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {images} receipts printed",
            c.images.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the fake printer has seen `kicks` drawer kicks.
async fn kicked(printer: &FakePrinter, kicks: usize) -> Vec<u8> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let c = printer.finished(WAIT).unwrap();
        if c.drawer.len() >= kicks {
            return c.drawer;
        }
        assert!(tokio::time::Instant::now() < deadline, "{:?}", c.drawer);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn paid_khqr(pos: &Pos, amount: &str) -> i64 {
    let charge = pos
        .charge(ChargeRequest {
            amount: amount.into(),
            currency: Some(Currency::Khr),
            ..ChargeRequest::default()
        })
        .await
        .unwrap();
    pos.demo_pay(charge.sale_id).await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    while pos.sale(charge.sale_id).await.unwrap().status != SaleStatus::Paid {
        assert!(tokio::time::Instant::now() < deadline, "never paid");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    charge.sale_id
}

#[tokio::test]
async fn a_paid_khqr_sale_prints_its_receipt_once_and_never_opens_the_drawer() {
    let printer = FakePrinter::start(READY).unwrap();
    let (_dir, pos) = counter(&printer, Some(2)).await;
    paid_khqr(&pos, "5000").await;
    let c = printed(&printer, 1).await;
    assert_eq!((c.images.len(), c.cuts), (1, 1));
    assert!(c.drawer.is_empty(), "a KHQR-only sale kicked the drawer");
    // More drains (a nudge, another sale) never print it again.
    pos.print_now();
    paid_khqr(&pos, "7000").await;
    let c = printed(&printer, 2).await;
    assert_eq!(c.images.len(), 2);
    assert!(c.drawer.is_empty());
    assert!(pos.print_queue().waiting.is_empty());
    pos.shutdown().await;
}

#[tokio::test]
async fn paper_out_leaves_the_sale_paid_and_its_receipt_waiting_until_the_paper_is_back() {
    let printer = FakePrinter::start(PAPER_OUT).unwrap();
    let (_dir, pos) = counter(&printer, None).await;
    let sale = paid_khqr(&pos, "5000").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let queue = loop {
        let queue = pos.print_queue();
        if queue.fault.is_some() {
            break queue;
        }
        assert!(tokio::time::Instant::now() < deadline, "no fault reported");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(queue.fault.as_deref(), Some("printer not ready: paper out"));
    assert_eq!(queue.waiting.len(), 1);
    assert_eq!(pos.sale(sale).await.unwrap().status, SaleStatus::Paid);
    assert_eq!(printer.finished(WAIT).unwrap().init, 0);

    printer.set_status(READY);
    pos.print_now();
    let c = printed(&printer, 1).await;
    assert_eq!(c.images.len(), 1);
    // The reprint the cashier asks for is a copy.
    let again = pos.print_receipt(sale, false).await.unwrap();
    assert_eq!(again, pos_print::Printed::Copy);
    let c = printed(&printer, 2).await;
    assert!((0..c.images[1].width()).all(|x| c.images[1].get(x, 0)));
    pos.shutdown().await;
}

#[tokio::test]
async fn the_drawer_opens_for_cash_and_shifts_on_its_pin() {
    let printer = FakePrinter::start(READY).unwrap();
    let (_dir, pos) = counter(&printer, Some(5)).await;
    let owner = Actor::Owner;
    pos.open_shift(owner, "40,000", "20").await.unwrap();
    kicked(&printer, 1).await;
    let sale = pos
        .cash_sale(CashSaleRequest {
            amount: "3.75".into(),
            currency: Some(Currency::Usd),
            usd_given: Some("5".into()),
            ..CashSaleRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(sale.sale.status, SaleStatus::Paid);
    // The customer display shows the change as recorded.
    let change: Vec<_> = [sale.change.usd, sale.change.khr]
        .into_iter()
        .filter(|m| m.minor > 0)
        .collect();
    assert!(!change.is_empty());
    assert_eq!(pos.change_given(sale.sale.id).await.unwrap(), change);
    kicked(&printer, 2).await;
    // Its receipt prints too, with the cash and the change.
    printed(&printer, 1).await;
    pos.cash_movement(
        owner,
        &MovementRequest {
            cash_in: false,
            amount: "10,000".into(),
            currency: Currency::Khr,
            reason: "ice delivery".into(),
        },
    )
    .await
    .unwrap();
    kicked(&printer, 3).await;
    paid_khqr(&pos, "5000").await;
    printed(&printer, 2).await;
    pos.close_shift(
        owner,
        &CloseShiftRequest {
            counted_khr: "30,000".into(),
            counted_usd: "23.75".into(),
            reason: Some("test".into()),
        },
    )
    .await
    .unwrap();
    // Open, cash sale, cash out, close: four kicks on pin 5; none for the KHQR sale.
    assert_eq!(kicked(&printer, 4).await, [1, 1, 1, 1]);
    // The owner alone opens it without a sale.
    let dara = pos.add_cashier(owner, "Dara", "1357").await.unwrap();
    let err = pos.open_drawer(Actor::Cashier(dara.id)).await.unwrap_err();
    assert_eq!(err.code().to_string(), "not_allowed");
    assert!(pos.open_drawer(owner).await.unwrap());
    assert_eq!(kicked(&printer, 5).await.len(), 5);
    pos.shutdown().await;
}

/// `auto_print = false`: a paid sale's receipt is listed as waiting and not printed, not even
/// at shutdown's last drain; "print now" prints it once.
#[tokio::test]
async fn without_auto_print_receipts_wait_listed_until_print_now() {
    let printer = FakePrinter::start(READY).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::demo(dir.path()).unwrap();
    config.printer = PrinterSettings::new(&RawSettings {
        kind: Some("network"),
        address: Some(printer.address()),
        auto_print: Some(false),
        ..RawSettings::default()
    })
    .unwrap();
    let pos = Pos::start_with(config, StartOptions::accelerated(200))
        .await
        .unwrap();
    let sale = paid_khqr(&pos, "5000").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while pos.print_queue().waiting.iter().all(|s| s.0 != sale) {
        assert!(tokio::time::Instant::now() < deadline, "never listed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(printer.finished(WAIT).unwrap().images.len(), 0);
    pos.print_now();
    let c = printed(&printer, 1).await;
    assert_eq!(c.cuts, 1);
    paid_khqr(&pos, "7000").await;
    pos.shutdown().await;
    assert_eq!(printer.finished(WAIT).unwrap().images.len(), 1);
}
