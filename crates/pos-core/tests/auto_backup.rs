//! Automatic backups on a real demo POS (SQLite file, simulator on loopback): one a shop day
//! by the injected clock, one after every shift close, the background task's first one at
//! start, and a backup folder that cannot be written: the close and the next sale go through,
//! and the owner's health says what failed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pos_core::backup::{self, BackupPolicy};
use pos_core::counter::{Actor, CashSaleRequest, CloseShiftRequest};
use pos_core::owner::health;
use pos_core::{BackupTrigger, Clock, Config, Currency, Pos, StartOptions};

/// 2026-12-02 00:00 in Phnom Penh (UTC+7), epoch ms.
const DEC_2_PP: i64 = 1_796_144_400_000;
const HOUR: i64 = 3_600_000;

/// A clock the test moves.
#[derive(Debug)]
struct Manual(AtomicI64);

impl Clock for Manual {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A demo POS in `dir` that backs up to `dir/usb`, and that backup policy.
async fn start(dir: &Path, clock: Arc<Manual>, daily_backups: bool) -> (Pos, BackupPolicy) {
    let mut config = Config::demo(dir).unwrap();
    config.backup.dir = dir.join("usb");
    let policy = config.backup.clone();
    let pos = Pos::start_with(
        config,
        StartOptions {
            clock,
            daily_backups,
            ..StartOptions::accelerated(200)
        },
    )
    .await
    .unwrap();
    (pos, policy)
}

fn taken(policy: &BackupPolicy) -> Vec<i64> {
    let mut at: Vec<i64> = backup::list(policy)
        .unwrap()
        .iter()
        .map(|e| e.taken_ms)
        .collect();
    at.sort_unstable();
    at
}

#[tokio::test]
async fn one_backup_a_shop_day_by_the_injected_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(Manual(AtomicI64::new(DEC_2_PP + 9 * HOUR)));
    let (pos, policy) = start(dir.path(), Arc::clone(&clock), false).await;

    assert!(pos.backup_if_due().await.is_some(), "none yet today");
    assert!(pos.backup_if_due().await.is_none(), "taken already today");
    clock
        .0
        .store(DEC_2_PP + 24 * HOUR - 60_000, Ordering::SeqCst);
    assert!(pos.backup_if_due().await.is_none(), "23:59, same shop day");
    clock
        .0
        .store(DEC_2_PP + 24 * HOUR + 60_000, Ordering::SeqCst);
    let made = pos.backup_if_due().await.expect("a new shop day");
    assert!(made.check.is_good());
    assert_eq!(
        taken(&policy),
        [DEC_2_PP + 9 * HOUR, DEC_2_PP + 24 * HOUR + 60_000]
    );

    let status = pos.backup_status().await;
    assert_eq!(status.last_good_ms, Some(DEC_2_PP + 24 * HOUR + 60_000));
    let last = status.last_attempt.unwrap();
    assert!(last.ok && last.error.is_none());
    assert_eq!(last.trigger, BackupTrigger::Daily);
    assert_eq!(status.keep_days, BackupPolicy::DEFAULT_KEEP_DAYS);
    pos.shutdown().await;

    // Started with daily backups on, on a shop day with none yet, the POS takes one itself.
    clock.0.store(DEC_2_PP + 48 * HOUR + HOUR, Ordering::SeqCst);
    let (pos, _) = start(dir.path(), Arc::clone(&clock), true).await;
    let wait = async {
        while pos.backup_status().await.last_good_ms != Some(DEC_2_PP + 49 * HOUR) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("the daily task never backed up");
    assert_eq!(taken(&policy).len(), 3);
    pos.shutdown().await;
}

fn close() -> CloseShiftRequest {
    CloseShiftRequest {
        counted_khr: "0".into(),
        counted_usd: "5".into(),
        reason: None,
    }
}

fn cash_sale() -> CashSaleRequest {
    CashSaleRequest {
        amount: "5".into(),
        currency: Some(Currency::Usd),
        usd_given: Some("5".into()),
        ..CashSaleRequest::default()
    }
}

#[tokio::test]
async fn a_shift_close_backs_up_and_a_failed_backup_blocks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(Manual(AtomicI64::new(DEC_2_PP + 9 * HOUR)));
    let (pos, policy) = start(dir.path(), Arc::clone(&clock), false).await;

    pos.open_shift(Actor::Owner, "0", "0").await.unwrap();
    pos.cash_sale(cash_sale()).await.unwrap();
    clock.0.store(DEC_2_PP + 17 * HOUR, Ordering::SeqCst);
    pos.close_shift(Actor::Owner, &close()).await.unwrap();
    assert_eq!(taken(&policy), [DEC_2_PP + 17 * HOUR]);
    let newest = &backup::list(&policy).unwrap()[0];
    let summary = backup::verify(&newest.path).summary.unwrap();
    assert_eq!(summary.sales, 1, "the backup holds the closed shift's sale");
    let status = pos.backup_status().await;
    assert_eq!(
        status.last_attempt.map(|a| (a.trigger, a.ok)),
        Some((BackupTrigger::ShiftClose, true))
    );
    pos.shutdown().await;

    // The stick is gone and a file sits where the folder was: nothing can be written there.
    std::fs::remove_dir_all(&policy.dir).unwrap();
    std::fs::write(&policy.dir, b"not a folder").unwrap();
    let (pos, _) = start(dir.path(), Arc::clone(&clock), false).await;
    clock.0.store(DEC_2_PP + 18 * HOUR, Ordering::SeqCst);
    pos.open_shift(Actor::Owner, "0", "0").await.unwrap();
    pos.cash_sale(cash_sale()).await.unwrap();
    pos.close_shift(Actor::Owner, &close()).await.unwrap();
    pos.open_shift(Actor::Owner, "0", "0").await.unwrap();
    pos.cash_sale(cash_sale()).await.unwrap();
    assert!(pos.backup_if_due().await.is_none());

    let shown = health(&pos).await.unwrap().backup;
    let last = shown.last_attempt.unwrap();
    assert!(!last.ok);
    assert_eq!(last.trigger, BackupTrigger::Daily);
    assert!(last.error.unwrap().contains("usb"), "says where");
    assert_eq!(shown.last_good_ms, None);
    assert_eq!(pos.verify_ledger().await.unwrap().receipts, 3);
    pos.shutdown().await;
}
