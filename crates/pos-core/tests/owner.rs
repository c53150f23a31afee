//! The owner's review against a real demo POS (SQLite file, simulator on loopback): the
//! end-of-day summary with gap-free receipt numbers, a sale's history, receipts that say
//! COPY from the second print on, CSV export to a file, and the restart after a settings save.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pos_core::owner::{export_csv, receipt, sale_history, summary, unresolved_count};
use pos_core::{
    ChargeRequest, Config, CoreError, Currency, OwnerQuery, Pos, Restarted, SaleStatus,
    StartOptions,
};

async fn demo(dir: &std::path::Path) -> Pos {
    let options = StartOptions::accelerated(200);
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

#[tokio::test]
async fn an_export_writes_the_days_sales_as_csv_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let pos = demo(dir.path()).await;
    paid_sale(&pos, "5000", Currency::Khr).await;
    let out = dir.path().join("exports");
    let result = export_csv(&pos, OwnerQuery::default().into(), &out)
        .await
        .unwrap();
    assert_eq!(result.rows, 1);
    let name = std::path::Path::new(&result.path).file_name().unwrap();
    assert!(name.to_string_lossy().starts_with("khqr-pos-"), "{name:?}");
    let bytes = std::fs::read(&result.path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    assert!(String::from_utf8_lossy(&bytes).contains("5000"));
    // A file where the folder should be: the owner is told which file failed.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").unwrap();
    assert!(matches!(
        export_csv(&pos, OwnerQuery::default().into(), &blocked).await,
        Err(CoreError::ExportFailed { .. })
    ));
    pos.shutdown().await;
}

#[tokio::test]
async fn a_restart_runs_on_the_new_configuration_or_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let pos = demo(dir.path()).await;
    let mut renamed = pos.config().clone();
    renamed.merchant.name = "Sokha Coffee".into();
    let Restarted { pos, refused } = pos
        .restart_with(renamed, StartOptions::default())
        .await
        .unwrap();
    assert!(refused.is_none());
    assert_eq!(pos.config().merchant.name, "Sokha Coffee");
    // A data directory that cannot hold a ledger cannot start: the shop keeps running.
    let mut broken = pos.config().clone();
    broken.data_dir = dir.path().join("file");
    std::fs::write(&broken.data_dir, "").unwrap();
    let Restarted { pos, refused } = pos
        .restart_with(broken, StartOptions::default())
        .await
        .unwrap();
    assert!(refused.is_some());
    assert_eq!(pos.config().merchant.name, "Sokha Coffee");
    paid_sale(&pos, "100", Currency::Khr).await;
    pos.shutdown().await;
}
