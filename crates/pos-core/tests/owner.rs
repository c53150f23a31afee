//! The owner's review against a real demo POS (SQLite file, simulator on loopback): the
//! end-of-day summary with gap-free receipt numbers, a sale's history, and receipts that say
//! COPY from the second print on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pos_core::owner::{receipt, sale_history, summary, unresolved_count};
use pos_core::schedule::Schedule;
use pos_core::{ChargeRequest, Config, CoreError, Currency, Pos, SaleStatus, StartOptions};

async fn demo(dir: &std::path::Path) -> Pos {
    let options = StartOptions {
        schedule: Schedule::scaled(200),
        resume: true,
        min_lifetime: Duration::ZERO,
        ..StartOptions::default()
    };
    Pos::start_with(Config::demo(dir).unwrap(), options)
        .await
        .unwrap()
}

async fn paid_sale(pos: &Pos, amount: &str, currency: Currency) -> i64 {
    let charge = pos
        .charge(ChargeRequest {
            amount: amount.into(),
            currency: Some(currency),
            expires_in_ms: Some(60_000),
            note: None,
        })
        .await
        .unwrap();
    pos.demo_pay(charge.sale_id).await.unwrap();
    let wait = async {
        while pos.sale(charge.sale_id).await.unwrap().status != SaleStatus::Paid {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the demo payment was never seen");
    charge.sale_id
}

#[tokio::test]
async fn the_day_summary_counts_receipts_without_gaps_and_receipts_reprint_as_copies() {
    let dir = tempfile::tempdir().unwrap();
    let pos = demo(dir.path()).await;
    let khr = paid_sale(&pos, "5000", Currency::Khr).await;
    let usd = paid_sale(&pos, "2.50", Currency::Usd).await;
    let unpaid = pos
        .charge(ChargeRequest {
            amount: "700".into(),
            currency: Some(Currency::Khr),
            expires_in_ms: Some(60_000),
            note: None,
        })
        .await
        .unwrap();
    pos.cancel(unpaid.sale_id).await.unwrap();
    // The cancelled sale is still watched for a late payment; the paid ones are settled.
    assert_eq!(unresolved_count(&pos).await.unwrap(), 1);

    let day = summary(&pos, None).await.unwrap();
    assert_eq!(day.sale_count, 3);
    assert_eq!(day.receipts, 2);
    assert_eq!((day.first_receipt, day.last_receipt), (Some(1), Some(2)));
    assert!(day.gaps.is_empty());
    assert_eq!(day.shop_name, "KHQR POS Demo");

    let first = receipt(&pos, usd).await.unwrap();
    assert!(!first.copy);
    assert_eq!(first.receipt_number, 2);
    assert_eq!(first.amount_text, "2.50");
    // 2.50 dollars at the demo shop rate of 4,100 riel.
    assert_eq!(first.khr_equivalent_text.as_deref(), Some("10,250"));
    assert_eq!(first.short_hash.len(), 8);
    assert!(first.hash.starts_with(&first.short_hash));
    assert!(receipt(&pos, usd).await.unwrap().copy);
    assert_eq!(receipt(&pos, khr).await.unwrap().khr_equivalent_text, None);
    assert!(matches!(
        receipt(&pos, unpaid.sale_id).await,
        Err(CoreError::NoReceipt { .. })
    ));

    let history = sale_history(&pos, usd).await.unwrap();
    let details: Vec<&str> = history.iter().map(|h| h.detail.as_str()).collect();
    assert_eq!(details.first(), Some(&"created pending"), "{details:?}");
    assert!(details.contains(&"pending → paid"), "{details:?}");
    assert!(matches!(
        sale_history(&pos, 999).await,
        Err(CoreError::SaleNotFound { sale_id: 999 })
    ));
    pos.shutdown().await;
}
