//! The [`Pos`] facade as the desktop app uses it, in demo mode (embedded simulator on
//! loopback, real SQLite file): charging, simulated payment, cancel/regenerate, owner queries,
//! health and shutdown.

// Test helpers outside `#[test]` functions may panic too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pos_core::{
    ChargeRequest, ChargeView, Clock, Config, Currency, Money, Pos, PosEvent, SaleStatus,
    SalesQuery, StartOptions, SystemClock,
};

fn fast() -> StartOptions {
    StartOptions::accelerated(200)
}

/// A demo-mode [`Pos`] on the data directory `dir`, with the fast schedule.
async fn start_in(dir: &Path) -> Pos {
    Pos::start_with(Config::demo(dir).unwrap(), fast())
        .await
        .unwrap()
}

async fn demo() -> (tempfile::TempDir, Pos) {
    let dir = tempfile::tempdir().unwrap();
    let pos = start_in(dir.path()).await;
    (dir, pos)
}

fn request(amount: &str, currency: Currency, lifetime_ms: u64) -> ChargeRequest {
    ChargeRequest {
        amount: amount.into(),
        currency: Some(currency),
        expires_in_ms: Some(lifetime_ms),
        note: Some("table 4".into()),
    }
}

/// Charges `amount` (as typed at the counter) with a QR payable for `lifetime_ms`.
async fn charge(pos: &Pos, amount: &str, currency: Currency, lifetime_ms: u64) -> ChargeView {
    pos.charge(request(amount, currency, lifetime_ms))
        .await
        .unwrap()
}

async fn status_of(pos: &Pos, sale_id: i64) -> SaleStatus {
    pos.sale(sale_id).await.unwrap().status
}

async fn until_status(pos: &Pos, sale_id: i64, status: SaleStatus) {
    let wait = async {
        loop {
            if status_of(pos, sale_id).await == status {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("sale {sale_id} never became {status}"));
}

#[tokio::test]
async fn a_demo_charge_is_paid_by_the_simulate_button_and_counted_in_the_report() {
    let (_dir, pos) = demo().await;
    assert!(pos.is_demo());
    let mut events = pos.subscribe();
    let charge = charge(&pos, "12.50", Currency::Usd, 5_000).await;
    assert_eq!(charge.amount, Money::new(1250, Currency::Usd));
    assert_eq!(charge.amount_text, "12.50");
    // At the default shop rate of 4,100 riel per dollar.
    assert_eq!(charge.khr_equivalent_text.as_deref(), Some("51,250"));
    assert_eq!(charge.merchant_name, "KHQR POS Demo");
    assert!(charge.demo);
    // The UI hears about the new pending sale at once.
    let first = events.recv().await.unwrap();
    assert!(
        matches!(&first, PosEvent::SaleUpdated { sale } if sale.status == SaleStatus::Pending),
        "{first:?}"
    );

    pos.demo_pay(charge.sale_id).await.unwrap();
    until_status(&pos, charge.sale_id, SaleStatus::Paid).await;
    let report = pos.report(None).await.unwrap();
    assert_eq!(report.takings.len(), 1);
    assert_eq!(report.takings[0].sum_text, "12.50");
    assert_eq!(report.takings_in_khr_text, "51,250");
    let health = pos.health().await.unwrap();
    assert_eq!(health.environment, "demo");
    assert!(health.base_url.starts_with("http://127.0.0.1:"));
    assert!(
        matches!(health.token_days_left, Some(89 | 90)),
        "{health:?}"
    );
    assert!(health.checks_used_today >= 1);
    pos.shutdown().await;
}

#[tokio::test]
async fn an_expired_sale_regenerates_as_a_new_sale_for_the_same_amount() {
    let (_dir, pos) = demo().await;
    let old = charge(&pos, "3,000", Currency::Khr, 300).await;
    until_status(&pos, old.sale_id, SaleStatus::Expired).await;
    let new = pos.regenerate(old.sale_id).await.unwrap();
    assert_ne!(new.sale_id, old.sale_id);
    assert_ne!(new.md5, old.md5);
    assert_eq!(new.amount, old.amount);
    assert_eq!(status_of(&pos, old.sale_id).await, SaleStatus::Expired);
    // Regenerating a QR that is still payable cancels it, so only one can be paid.
    let newer = pos.regenerate(new.sale_id).await.unwrap();
    assert_eq!(status_of(&pos, new.sale_id).await, SaleStatus::Cancelled);
    assert_eq!(status_of(&pos, newer.sale_id).await, SaleStatus::Pending);
    pos.shutdown().await;
}

#[tokio::test]
async fn owner_queries_filter_search_and_export_the_day() {
    let (_dir, pos) = demo().await;
    let paid = charge(&pos, "5,000", Currency::Khr, 5_000).await;
    let other = charge(&pos, "1.00", Currency::Usd, 5_000).await;
    pos.demo_pay(paid.sale_id).await.unwrap();
    until_status(&pos, paid.sale_id, SaleStatus::Paid).await;
    pos.cancel(other.sale_id).await.unwrap();

    let all = pos.sales(SalesQuery::default()).await.unwrap();
    assert_eq!(all.sales.len(), 2);
    assert_eq!(all.from, all.to);
    let only_paid = pos
        .sales(SalesQuery {
            status: Some(SaleStatus::Paid),
            ..SalesQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(only_paid.sales.len(), 1);
    let by_bill = pos
        .sales(SalesQuery {
            search: Some(other.bill_number.clone()),
            ..SalesQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(by_bill.sales[0].id, other.sale_id);

    let (written, csv) = pos
        .export_csv(SalesQuery::default(), true, Vec::new())
        .await
        .unwrap();
    assert_eq!(written, 2);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8(csv).unwrap().contains(&paid.bill_number));

    let err = pos
        .sales(SalesQuery {
            date: Some("26/11/2026".into()),
            ..SalesQuery::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "date_invalid");
    let err = pos
        .sales(SalesQuery {
            from: Some("2026-11-27".into()),
            to: Some("2026-11-01".into()),
            ..SalesQuery::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "date_invalid");
    assert!(pos.verify_ledger().await.unwrap().is_intact());
    pos.shutdown().await;
}

#[tokio::test]
async fn bills_are_numbered_per_terminal_and_day_and_continue_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let pos = start_in(dir.path()).await;
    let first = charge(&pos, "100", Currency::Khr, 5_000).await;
    let second = charge(&pos, "100", Currency::Khr, 5_000).await;
    assert!(
        first.bill_number.ends_with("-0001"),
        "{}",
        first.bill_number
    );
    assert!(second.bill_number.ends_with("-0002"));
    pos.shutdown().await;
    let pos = start_in(dir.path()).await;
    let third = charge(&pos, "100", Currency::Khr, 5_000).await;
    assert!(
        third.bill_number.ends_with("-0003"),
        "{}",
        third.bill_number
    );
    pos.shutdown().await;
}

#[tokio::test]
async fn errors_carry_stable_codes_for_the_ui() {
    let (_dir, pos) = demo().await;
    let bad = pos
        .charge(request("-5", Currency::Khr, 5_000))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "amount_invalid");
    assert_eq!(
        serde_json::to_value(&bad).unwrap(),
        serde_json::json!({"code": "amount_invalid", "message": "the amount cannot be negative", "field": null, "details": null})
    );
    assert_eq!(pos.sale(999).await.unwrap_err().code(), "sale_not_found");
    assert_eq!(
        pos.demo_pay(999).await.unwrap_err().code(),
        "sale_not_found"
    );
    pos.shutdown().await;
    let stopped = pos
        .charge(request("100", Currency::Khr, 5_000))
        .await
        .unwrap_err();
    assert_eq!(stopped.code(), "stopped");
}

#[tokio::test]
async fn the_default_lifetime_floor_refuses_qrs_shorter_than_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let pos = Pos::start(Config::demo(dir.path()).unwrap()).await.unwrap();
    let err = pos
        .charge(request("100", Currency::Khr, 30_000))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "expiry_invalid");
    let ok = charge(&pos, "100", Currency::Khr, 60_000).await;
    assert_eq!(ok.expires_at_ms - ok.created_at_ms, 60_000);
    pos.shutdown().await;
}

/// The system's clock shifted by a fixed amount.
#[derive(Debug)]
struct Shifted(i64);

impl Clock for Shifted {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.0
    }
}

#[tokio::test]
async fn sales_are_stamped_numbered_and_listed_by_the_injected_clock() {
    const TEN_DAYS_MS: i64 = 10 * 86_400_000;
    let dir = tempfile::tempdir().unwrap();
    let options = StartOptions {
        clock: Arc::new(Shifted(TEN_DAYS_MS)),
        ..fast()
    };
    let pos = Pos::start_with(Config::demo(dir.path()).unwrap(), options)
        .await
        .unwrap();
    let before = SystemClock.now_ms() + TEN_DAYS_MS;
    let sale = charge(&pos, "1,000", Currency::Khr, 5_000).await;
    assert!((before..before + 60_000).contains(&sale.created_at_ms));
    let day = pos_store::shop_day(sale.created_at_ms, pos.config().time_zone);
    let day = day.format("%y%m%d").to_string();
    assert!(
        sale.bill_number.contains(&format!("-{day}-")),
        "{}",
        sale.bill_number
    );
    // The watcher judges the QR by the same clock: a payment now is on time.
    pos.demo_pay(sale.sale_id).await.unwrap();
    until_status(&pos, sale.sale_id, SaleStatus::Paid).await;
    // The owner's "today" is the clock's day too.
    let today = pos.sales(SalesQuery::default()).await.unwrap();
    assert_eq!(today.sales.len(), 1);
    pos.shutdown().await;
}
