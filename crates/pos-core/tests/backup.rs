//! Backups and restore on real ledger files: a round trip keeps every sale and the receipt
//! chain, an older backup is refused unless forced (saying what would be lost), damaged files
//! are refused by verify and restore, and only finished backups are listed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use pos_core::backup::{self, BackupPolicy};
use pos_core::{CoreError, Currency, Money, SaleEvent};
use pos_store::{NewSale, PaymentDetails, Query, Sale, Store};
use tempfile::TempDir;

const DEC_1: i64 = 1_796_083_200_000;
const MINUTE: i64 = 60_000;

struct Shop {
    _dir: TempDir,
    ledger: PathBuf,
    policy: BackupPolicy,
}

impl Shop {
    fn new() -> Shop {
        let dir = TempDir::new().unwrap();
        let ledger = dir.path().join("data/ledger.sqlite3");
        let policy = BackupPolicy {
            dir: dir.path().join("usb stick/backups"),
            keep_days: 7,
        };
        Store::open(&ledger).unwrap();
        Shop {
            _dir: dir,
            ledger,
            policy,
        }
    }

    fn store(&self) -> Store {
        Store::open(&self.ledger).unwrap()
    }

    /// Records `count` sales on `terminal` starting at number `first`, paying all but every
    /// fifth (which stays pending).
    fn sell(&self, first: u32, count: u32, terminal: &str) {
        let mut store = self.store();
        for n in first..first + count {
            let created_ms = DEC_1 + i64::from(n) * MINUTE;
            let sale = store
                .insert_pending(&NewSale {
                    bill_number: format!("{terminal}-{n:05}"),
                    terminal_id: terminal.to_owned(),
                    created_ms,
                    amount: Money::new(1000 * i64::from(n), Currency::Khr),
                    note: None,
                    qr: format!("000201010212-{terminal}-{n}"),
                    md5: format!("{:0>32}", hex(&format!("{terminal}{n}"))),
                    expires_ms: created_ms + 5 * MINUTE,
                    riel_per_usd: Some(4100),
                })
                .unwrap();
            if n % 5 != 0 {
                store
                    .apply_event(
                        sale.id,
                        SaleEvent::PaymentReported { matches: true },
                        Some(&payment(&sale)),
                        created_ms + 20_000,
                    )
                    .unwrap();
            }
        }
    }

    fn sales(&self) -> Vec<Sale> {
        self.store().sales(&Query::default()).unwrap()
    }
}

fn payment(sale: &Sale) -> PaymentDetails {
    PaymentDetails {
        hash: format!("{:064x}", sale.id.0),
        payer_account: Some("payer@abaa".into()),
        payee_account: Some("shop@aclb".into()),
        amount: sale.amount,
        created_ms: Some(sale.created_ms + 10_000),
        acknowledged_ms: Some(sale.created_ms + 12_000),
        external_ref: None,
        instruction_ref: None,
    }
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

fn chain_heads(path: &Path) -> Vec<(String, i64, String)> {
    let report = Store::open_read_only(path).unwrap().verify_chain().unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    report.heads
}

#[test]
fn a_restore_round_trip_keeps_every_sale_and_the_chain() {
    let shop = Shop::new();
    shop.sell(1, 40, "T1");
    shop.sell(1, 6, "T2");
    let sales_at_backup = shop.sales();
    let heads_at_backup = chain_heads(&shop.ledger);

    let made = backup::backup_now(&shop.ledger, &shop.policy, at(DEC_1 + 60 * MINUTE)).unwrap();
    assert!(made.check.is_good(), "{:?}", made.check.problems);
    assert_eq!(made.check.summary.as_ref().unwrap().sales, 46);
    assert_eq!(chain_heads(&made.entry.path), heads_at_backup);
    let listed = backup::list(&shop.policy).unwrap();
    assert_eq!(listed, vec![made.entry.clone()]);

    // The ledger moves on after the backup: a restore must not drop that silently.
    shop.sell(41, 3, "T1");
    let err = backup::restore(
        &shop.ledger,
        &made.entry.path,
        false,
        at(DEC_1 + 90 * MINUTE),
    )
    .unwrap_err();
    let CoreError::RestoreWouldLose { lost } = &err else {
        panic!("expected a refusal, got {err}");
    };
    // T1's 40 sales had 32 receipts (every fifth stayed pending); 41 to 43 are paid.
    assert!(
        lost.iter()
            .any(|l| l == "terminal T1: receipts #33 to #35 (3 receipt(s))"),
        "{lost:?}"
    );
    assert!(
        lost.iter()
            .any(|l| l == "3 sale(s) recorded after the backup"),
        "{lost:?}"
    );
    assert_eq!(shop.sales().len(), 49, "a refused restore changes nothing");

    let restored = backup::restore(
        &shop.ledger,
        &made.entry.path,
        true,
        at(DEC_1 + 91 * MINUTE),
    )
    .unwrap();
    assert_eq!(shop.sales(), sales_at_backup);
    assert_eq!(chain_heads(&shop.ledger), heads_at_backup);
    assert_eq!(restored.before.sales, 49);
    assert_eq!(restored.after.sales, 46);
    assert_eq!(restored.lost, *lost);
    // The ledger as it was is kept aside, whole.
    let aside = Store::open_read_only(&restored.aside).unwrap();
    assert_eq!(aside.sales(&Query::default()).unwrap().len(), 49);
    assert!(aside.verify_chain().unwrap().is_intact());

    // The restored ledger takes new sales, continuing the chain from the backup's head.
    shop.sell(41, 2, "T1");
    let heads = chain_heads(&shop.ledger);
    assert_eq!(heads.iter().find(|h| h.0 == "T1").unwrap().1, 34);
}

#[test]
fn a_backup_as_new_as_the_ledger_restores_without_force() {
    let shop = Shop::new();
    shop.sell(1, 4, "T1");
    let made = backup::backup_now(&shop.ledger, &shop.policy, at(DEC_1)).unwrap();
    let restored = backup::restore(&shop.ledger, &made.entry.path, false, at(DEC_1)).unwrap();
    assert!(restored.lost.is_empty());
    assert_eq!(restored.before, restored.after);
}

#[test]
fn damaged_backups_are_refused_by_verify_and_restore() {
    let shop = Shop::new();
    shop.sell(1, 200, "T1");
    let made = backup::backup_now(&shop.ledger, &shop.policy, at(DEC_1)).unwrap();
    let good = std::fs::read(&made.entry.path).unwrap();
    assert!(good.len() > 8 * 4096, "a ledger of several pages");
    let sales_before = shop.sales();

    let overwritten = {
        let mut bytes = good.clone();
        // Garbage over the pages after the header: tables and indexes no longer add up.
        for (b, garbage) in bytes[4096..good.len() - 4096]
            .iter_mut()
            .zip((0..=250u8).cycle())
        {
            *b = garbage;
        }
        bytes
    };
    let truncated = good[..good.len() / 2].to_vec();
    let not_sqlite = b"this is a shopping list, not a ledger".to_vec();
    for (name, bytes) in [
        ("overwritten", overwritten),
        ("truncated", truncated),
        ("not-sqlite", not_sqlite),
    ] {
        let path = shop.policy.dir.join(format!("{name}.sqlite3"));
        std::fs::write(&path, bytes).unwrap();
        let check = backup::verify(&path);
        assert!(!check.is_good(), "{name}: verify accepted it");
        assert!(!check.problems.is_empty(), "{name}: no problem named");
        let err = backup::restore(&shop.ledger, &path, true, at(DEC_1)).unwrap_err();
        assert!(
            matches!(err, CoreError::BackupBad { .. }),
            "{name}: restore did not refuse: {err}"
        );
        assert_eq!(shop.sales(), sales_before, "{name}: the ledger changed");
    }
    assert!(backup::verify(&made.entry.path).is_good());
    assert!(!backup::verify(&shop.policy.dir.join("missing.sqlite3")).is_good());
}

#[test]
fn only_finished_backups_count_and_old_ones_are_pruned() {
    let shop = Shop::new();
    shop.sell(1, 3, "T1");
    let now = at(DEC_1);
    let old = backup::backup_now(&shop.ledger, &shop.policy, now - TimeDelta::days(8)).unwrap();
    let recent = backup::backup_now(&shop.ledger, &shop.policy, now - TimeDelta::days(2)).unwrap();
    // What a backup killed while writing leaves: its temporary name, never listed.
    let killed = shop
        .policy
        .dir
        .join("ledger-20261130-120000000.sqlite3.partial");
    std::fs::write(&killed, b"half a ledger").unwrap();
    let names: Vec<_> = backup::list(&shop.policy)
        .unwrap()
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert_eq!(
        names,
        vec![recent.entry.path.clone(), old.entry.path.clone()]
    );

    let newest = backup::backup_now(&shop.ledger, &shop.policy, now).unwrap();
    assert_eq!(newest.removed, vec![old.entry.path.clone()]);
    assert!(!old.entry.path.exists());
    let names: Vec<_> = backup::list(&shop.policy)
        .unwrap()
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert_eq!(names, vec![newest.entry.path, recent.entry.path]);
}

#[test]
fn a_missing_ledger_is_not_created_by_a_backup() {
    let shop = Shop::new();
    let elsewhere = shop.policy.dir.with_file_name("nothing/ledger.sqlite3");
    let err = backup::backup_now(&elsewhere, &shop.policy, at(DEC_1)).unwrap_err();
    assert!(matches!(err, CoreError::Backup { .. }), "{err}");
    assert!(!elsewhere.exists());
}
