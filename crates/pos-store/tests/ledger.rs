//! The ledger against real SQLite files: schema versions, uniqueness, finalization exactly once
//! under concurrency, gap-free chained receipts and tamper detection, the check budget, and the
//! owner's queries and CSV export.
// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use common::Ledger;

use pos_domain::{Currency, Money, SaleEvent, SaleStatus};
use pos_store::{
    day_range, days_range, shop_day, Applied, ChainProblem, CheckRecord, EventKind, NaiveDate,
    NewSale, PaymentDetails, Query, Range, SaleId, Store, StoreError, DEFAULT_TIME_ZONE,
    SCHEMA_VERSION,
};

/// 2026-11-26 00:00 in Phnom Penh (UTC+7) = 2026-11-25 17:00 UTC.
const NOV_26_PP: i64 = 1_795_626_000_000;
const MINUTE: i64 = 60_000;
const PAID: SaleEvent = SaleEvent::PaymentReported { matches: true };

impl Ledger {
    /// In a directory not there yet.
    fn new() -> Ledger {
        Ledger::at("data/ledger.sqlite3")
    }
}

fn sale(n: u32, terminal: &str, created_ms: i64, amount: Money) -> NewSale {
    NewSale {
        bill_number: format!("B{n:06}"),
        terminal_id: terminal.to_owned(),
        created_ms,
        amount,
        note: None,
        qr: format!("00020101021229...{n}"),
        // Distinct leading digits, so prefix searches tell sales apart.
        md5: format!("{:08x}{n:024x}", n.wrapping_mul(2_654_435_761)),
        expires_ms: created_ms + 5 * MINUTE,
        riel_per_usd: Some(4100),
    }
}

fn khr(minor: i64) -> Money {
    Money::new(minor, Currency::Khr)
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::Usd)
}

fn payment_for(sale: &pos_store::Sale) -> PaymentDetails {
    PaymentDetails {
        hash: format!(
            "{:016x}{:048x}",
            sale.id.0.wrapping_mul(0x9e37_79b9),
            sale.id.0
        ),
        payer_account: Some("payer@abaa".into()),
        payee_account: Some("shop@aclb".into()),
        amount: sale.amount,
        created_ms: Some(sale.created_ms + 10_000),
        acknowledged_ms: Some(sale.created_ms + 12_000),
        external_ref: Some("100FT36931627892".into()),
        instruction_ref: None,
    }
}

/// Inserts and pays `count` sales on `terminal`, returning their ids.
fn paid_sales(store: &mut Store, first: u32, count: u32, terminal: &str) -> Vec<SaleId> {
    (first..first + count)
        .map(|n| {
            let s = store
                .insert_pending(&sale(
                    n,
                    terminal,
                    NOV_26_PP + i64::from(n) * MINUTE,
                    khr(5000),
                ))
                .unwrap();
            store
                .apply_event(s.id, PAID, Some(&payment_for(&s)), s.created_ms + 20_000)
                .unwrap();
            s.id
        })
        .collect()
}

/// Lets the test edit what the ledger's triggers protect, as someone with the file could.
/// Issues `count` receipts on terminal T1, lifts the receipts' append-only guards and runs
/// `tampering` on the raw file, as anyone with the file and `sqlite3` could; returns the sales'
/// ids and the problems [`Store::verify_chain`] then finds.
fn problems_after_tampering(count: u32, tampering: &str) -> (Vec<SaleId>, Vec<ChainProblem>) {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let ids = paid_sales(&mut store, 1, count, "T1");
    let raw = ledger.raw();
    raw.execute_batch(
        "DROP TRIGGER receipts_are_append_only_update; \
         DROP TRIGGER receipts_are_append_only_delete;",
    )
    .unwrap();
    raw.execute_batch(tampering).unwrap();
    (ids, store.verify_chain().unwrap().problems)
}

#[test]
fn a_new_ledger_file_is_created_with_its_directory_in_wal_mode_at_the_current_version() {
    let ledger = Ledger::new();
    let store = ledger.open();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.integrity_check().unwrap().is_empty());
    let mode: String = ledger
        .raw()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_ledger_from_a_newer_program_is_refused_with_a_clear_error() {
    let ledger = Ledger::new();
    drop(ledger.open());
    ledger
        .raw()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = Store::open(&ledger.path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION)
    );
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn sales_survive_closing_and_reopening_the_ledger() {
    let ledger = Ledger::new();
    let id = ledger
        .open()
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(5000)))
        .unwrap()
        .id;
    let again = ledger.open();
    let found = again.get(id).unwrap().unwrap();
    assert_eq!(found.status, SaleStatus::Pending);
    assert_eq!(found.amount, khr(5000));
    assert_eq!(found.riel_per_usd, Some(4100));
}

#[test]
fn a_pending_sale_reads_back_exactly_by_id_and_by_md5_in_any_case() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let mut new = sale(7, "T1", NOV_26_PP, usd(150));
    new.note = Some("កាហ្វេ ២ កែវ".into());
    new.md5 = "ABCDEF0123456789ABCDEF0123456789".into();
    let inserted = store.insert_pending(&new).unwrap();
    assert_eq!(inserted.md5, "abcdef0123456789abcdef0123456789");
    assert_eq!(store.get(inserted.id).unwrap().as_ref(), Some(&inserted));
    assert_eq!(
        store.by_md5("AbCdEf0123456789abcdef0123456789").unwrap(),
        Some(inserted.clone())
    );
    assert_eq!(store.by_md5(&"0".repeat(32)).unwrap(), None);
    assert_eq!(store.get(SaleId(999)).unwrap(), None);
    let events = store.events(inserted.id).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].kind,
        EventKind::Status {
            from: None,
            to: SaleStatus::Pending
        }
    );
}

#[test]
fn a_bill_number_or_qr_md5_can_be_used_by_one_sale_only() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(100)))
        .unwrap();
    let mut same_bill = sale(2, "T1", NOV_26_PP, khr(100));
    same_bill.bill_number = "B000001".into();
    assert!(matches!(
        store.insert_pending(&same_bill),
        Err(StoreError::DuplicateBill(b)) if b == "B000001"
    ));
    let mut same_md5 = sale(3, "T1", NOV_26_PP, khr(100));
    same_md5.md5 = sale(1, "T1", NOV_26_PP, khr(100)).md5;
    assert!(matches!(
        store.insert_pending(&same_md5),
        Err(StoreError::DuplicateMd5(_))
    ));
    assert_eq!(store.sales(&Query::default()).unwrap().len(), 1);
}

#[test]
fn a_payment_is_stored_with_its_details_and_a_first_receipt() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let s = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, usd(150)))
        .unwrap();
    let payment = payment_for(&s);
    let applied = store
        .apply_event(s.id, PAID, Some(&payment), NOV_26_PP + 30_000)
        .unwrap();
    let Applied::Changed {
        from,
        sale,
        receipt,
    } = applied
    else {
        panic!("expected a change");
    };
    assert_eq!(from, SaleStatus::Pending);
    assert_eq!(sale.status, SaleStatus::Paid);
    assert_eq!(sale.payment.as_ref(), Some(&payment));
    assert_eq!(sale.updated_ms, NOV_26_PP + 30_000);
    let receipt = receipt.unwrap();
    assert_eq!((receipt.number, receipt.terminal_id.as_str()), (1, "T1"));
    assert_eq!(receipt.prev_hash, "0".repeat(64));
    assert_eq!(receipt.hash.len(), 64);
    assert_eq!(sale.receipt_number, Some(1));
    assert_eq!(store.receipt(s.id).unwrap(), Some(receipt));
}

#[test]
fn a_repeated_paid_report_changes_nothing_and_issues_no_second_receipt() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let s = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    let p = payment_for(&s);
    let first = store.apply_event(s.id, PAID, Some(&p), NOV_26_PP).unwrap();
    let again = store
        .apply_event(s.id, PAID, Some(&p), NOV_26_PP + 1)
        .unwrap();
    assert!(first.is_changed() && first.receipt().is_some());
    assert!(!again.is_changed());
    assert_eq!(again.receipt(), None);
    assert_eq!(again.sale(), first.sale());
    assert_eq!(store.events(s.id).unwrap().len(), 2);
}

#[test]
fn a_payment_without_its_details_is_refused_and_leaves_the_sale_pending() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let s = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    assert!(matches!(
        store.apply_event(s.id, PAID, None, NOV_26_PP),
        Err(StoreError::MissingPayment(id)) if id == s.id
    ));
    assert_eq!(
        store.get(s.id).unwrap().unwrap().status,
        SaleStatus::Pending
    );
    assert_eq!(store.receipt(s.id).unwrap(), None);
}

#[test]
fn a_move_the_state_machine_forbids_is_refused_and_nothing_is_written() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let id = paid_sales(&mut store, 1, 1, "T1")[0];
    let err = store
        .apply_event(id, SaleEvent::Cancelled, None, NOV_26_PP)
        .unwrap_err();
    assert!(matches!(err, StoreError::Transition { sale_id, .. } if sale_id == id));
    assert!(err.to_string().contains("paid"), "{err}");
    assert_eq!(store.get(id).unwrap().unwrap().status, SaleStatus::Paid);
    assert!(matches!(
        store.apply_event(SaleId(42), SaleEvent::Expired, None, 0),
        Err(StoreError::NotFound(SaleId(42)))
    ));
}

#[test]
fn a_payment_after_expiry_is_paid_late_with_a_receipt_and_a_wrong_amount_is_a_mismatch() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let late = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    let odd = store
        .insert_pending(&sale(2, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    let expired = store
        .apply_event(late.id, SaleEvent::Expired, None, late.expires_ms)
        .unwrap();
    assert_eq!(expired.sale().status, SaleStatus::Expired);
    assert_eq!(expired.receipt(), None);
    let paid_late = store
        .apply_event(
            late.id,
            PAID,
            Some(&payment_for(&late)),
            late.expires_ms + MINUTE,
        )
        .unwrap();
    assert_eq!(paid_late.sale().status, SaleStatus::PaidLate);
    assert_eq!(paid_late.receipt().map(|r| r.number), Some(1));

    let mut short = payment_for(&odd);
    short.amount = khr(500);
    let mismatch = store
        .apply_event(
            odd.id,
            SaleEvent::PaymentReported { matches: false },
            Some(&short),
            NOV_26_PP,
        )
        .unwrap();
    assert_eq!(mismatch.sale().status, SaleStatus::Mismatch);
    assert_eq!(
        mismatch.sale().payment.as_ref().map(|p| p.amount),
        Some(khr(500))
    );
    assert_eq!(mismatch.receipt().map(|r| r.number), Some(2));
    assert!(store.verify_chain().unwrap().is_intact());
}

#[test]
fn concurrent_paid_reports_from_two_connections_issue_exactly_one_receipt_per_sale() {
    const SALES: u32 = 40;
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let sales: Vec<_> = (1..=SALES)
        .map(|n| {
            store
                .insert_pending(&sale(n, "T1", NOV_26_PP, khr(1000)))
                .unwrap()
        })
        .collect();
    let sales = Arc::new(sales);
    let start = Arc::new(Barrier::new(2));
    let workers: Vec<_> = (0..2)
        .map(|worker| {
            let (sales, start, path) = (sales.clone(), start.clone(), ledger.path.clone());
            thread::spawn(move || {
                let mut store = Store::open(path).unwrap();
                start.wait();
                let mut receipts = Vec::new();
                for s in sales.iter() {
                    let applied = store
                        .apply_event(s.id, PAID, Some(&payment_for(s)), NOV_26_PP + worker)
                        .unwrap();
                    receipts.extend(applied.receipt().cloned());
                }
                receipts
            })
        })
        .collect();
    let mut receipts: Vec<_> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    receipts.sort_by_key(|r| r.number);
    let numbers: Vec<i64> = receipts.iter().map(|r| r.number).collect();
    assert_eq!(numbers, (1..=i64::from(SALES)).collect::<Vec<_>>());
    let mut sale_ids: Vec<_> = receipts.iter().map(|r| r.sale_id).collect();
    sale_ids.sort();
    sale_ids.dedup();
    assert_eq!(sale_ids.len(), SALES as usize);
    for s in sales.iter() {
        let paid_events = store
            .events(s.id)
            .unwrap()
            .into_iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Status {
                        to: SaleStatus::Paid,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(paid_events, 1);
    }
    assert!(store.verify_chain().unwrap().is_intact());
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn receipt_numbers_are_gap_free_per_terminal_and_only_sales_with_money_get_one() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let mut numbers = std::collections::BTreeMap::<String, Vec<i64>>::new();
    for n in 1..=30u32 {
        let terminal = if n % 3 == 0 { "T2" } else { "T1" };
        let s = store
            .insert_pending(&sale(n, terminal, NOV_26_PP, khr(100)))
            .unwrap();
        let (event, payment) = match n % 5 {
            0 => (SaleEvent::Expired, None),
            1 => (SaleEvent::PaymentFailed, None),
            2 => (SaleEvent::Cancelled, None),
            3 => (
                SaleEvent::PaymentReported { matches: false },
                Some(payment_for(&s)),
            ),
            _ => (PAID, Some(payment_for(&s))),
        };
        let applied = store
            .apply_event(s.id, event, payment.as_ref(), NOV_26_PP)
            .unwrap();
        assert_eq!(
            applied.receipt().is_some(),
            applied.sale().status.has_payment()
        );
        if let Some(r) = applied.receipt() {
            numbers
                .entry(r.terminal_id.clone())
                .or_default()
                .push(r.number);
        }
    }
    for (terminal, got) in &numbers {
        let expected: Vec<i64> = (1..=i64::try_from(got.len()).unwrap()).collect();
        assert_eq!(got, &expected, "terminal {terminal}");
    }
    assert_eq!(numbers.len(), 2);
}

#[test]
fn unresolved_lists_pending_sales_and_recently_expired_or_cancelled_ones() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let ids: Vec<SaleId> = (1..=5)
        .map(|n| {
            let created = NOV_26_PP + i64::from(n) * 10 * MINUTE;
            store
                .insert_pending(&sale(n, "T1", created, khr(100)))
                .unwrap()
                .id
        })
        .collect();
    let at = |id: SaleId, s: &Store| s.get(id).unwrap().unwrap().expires_ms;
    let old_expiry = at(ids[0], &store);
    store
        .apply_event(ids[0], SaleEvent::Expired, None, old_expiry)
        .unwrap();
    store
        .apply_event(ids[1], SaleEvent::Cancelled, None, NOV_26_PP)
        .unwrap();
    store
        .apply_event(ids[2], SaleEvent::Expired, None, NOV_26_PP)
        .unwrap();
    paid_sales(&mut store, 10, 1, "T1");
    // Late-payment window starts after the first sale's expiry: it is no longer watched.
    let unresolved: Vec<SaleId> = store
        .unresolved(old_expiry + 1)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(unresolved, [ids[1], ids[2], ids[3], ids[4]]);
}

#[test]
fn check_outcomes_and_status_changes_form_one_ordered_log_that_cannot_be_rewritten() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let s = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(100)))
        .unwrap();
    let not_found = CheckRecord {
        at_ms: NOV_26_PP + 5_000,
        http_status: Some(200),
        response_code: Some(1),
        error_code: Some(1),
        note: Some("not found".into()),
    };
    let blocked = CheckRecord {
        at_ms: NOV_26_PP + 20_000,
        http_status: Some(403),
        note: Some("region block".into()),
        ..CheckRecord::default()
    };
    store.record_check(s.id, &not_found).unwrap();
    store.record_check(s.id, &blocked).unwrap();
    store
        .apply_event(s.id, SaleEvent::Expired, None, s.expires_ms)
        .unwrap();
    let kinds: Vec<EventKind> = store
        .events(s.id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::Status {
                from: None,
                to: SaleStatus::Pending
            },
            EventKind::Check(not_found),
            EventKind::Check(blocked),
            EventKind::Status {
                from: Some(SaleStatus::Pending),
                to: SaleStatus::Expired
            },
        ]
    );
    assert!(matches!(
        store.record_check(SaleId(77), &CheckRecord::default()),
        Err(StoreError::NotFound(SaleId(77)))
    ));
    let raw = ledger.raw();
    assert!(raw
        .execute("UPDATE sale_events SET note = 'x'", [])
        .is_err());
    assert!(raw.execute("DELETE FROM sale_events", []).is_err());
}

#[test]
fn checks_are_spent_only_within_the_daily_budget_and_the_count_persists() {
    let ledger = Ledger::new();
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let next = day.succ_opt().unwrap();
    {
        let mut store = ledger.open();
        assert_eq!(store.checks_used(day).unwrap(), 0);
        assert!(store.try_spend_checks(day, 95, 100).unwrap());
        assert!(!store.try_spend_checks(day, 6, 100).unwrap());
        assert_eq!(store.checks_used(day).unwrap(), 95);
        assert!(store.try_spend_checks(day, 5, 100).unwrap());
        assert!(!store.try_spend_checks(day, 1, 100).unwrap());
        assert!(!store.try_spend_checks(next, 101, 100).unwrap());
        assert_eq!(store.checks_used(next).unwrap(), 0);
    }
    let mut store = ledger.open();
    assert_eq!(store.checks_used(day).unwrap(), 100);
    assert!(store.try_spend_checks(next, 1, 100).unwrap());
    assert_eq!(store.checks_used(next).unwrap(), 1);
}

#[test]
fn two_processes_racing_for_the_last_checks_never_exceed_the_budget() {
    let ledger = Ledger::new();
    drop(ledger.open());
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let start = Arc::new(Barrier::new(3));
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (start, path) = (start.clone(), ledger.path.clone());
            thread::spawn(move || {
                let mut store = Store::open(path).unwrap();
                start.wait();
                (0..60)
                    .filter(|_| store.try_spend_checks(day, 1, 100).unwrap())
                    .count()
            })
        })
        .collect();
    let granted: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(granted, 100);
    assert_eq!(ledger.open().checks_used(day).unwrap(), 100);
}

#[test]
fn an_untouched_chain_verifies_and_names_each_terminal_head() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    paid_sales(&mut store, 1, 3, "T1");
    paid_sales(&mut store, 10, 2, "T2");
    let report = store.verify_chain().unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.receipts, 5);
    let heads: Vec<(&str, i64)> = report
        .heads
        .iter()
        .map(|(t, n, _)| (t.as_str(), *n))
        .collect();
    assert_eq!(heads, [("T1", 3), ("T2", 2)]);
    let raw = ledger.raw();
    assert!(raw
        .execute("UPDATE receipts SET issued_ms = 0", [])
        .is_err());
    assert!(raw.execute("DELETE FROM receipts", []).is_err());
}

#[test]
fn chain_verify_names_a_sale_whose_paid_amount_was_edited() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let ids = paid_sales(&mut store, 1, 4, "T1");
    ledger
        .raw()
        .execute(
            "UPDATE sales SET amount_minor = 9999 WHERE id = ?1",
            [ids[2].0],
        )
        .unwrap();
    let report = store.verify_chain().unwrap();
    assert_eq!(
        report.problems,
        [ChainProblem::Edited {
            terminal_id: "T1".into(),
            number: 3,
            sale_id: ids[2]
        }]
    );
}

#[test]
fn chain_verify_names_a_receipt_whose_hash_was_rewritten() {
    let (_, problems) = problems_after_tampering(
        3,
        "UPDATE receipts SET issued_ms = issued_ms + 1 WHERE number = 2",
    );
    assert!(
        matches!(
            problems.as_slice(),
            [ChainProblem::Edited { number: 2, .. }]
        ),
        "{problems:?}"
    );
}

#[test]
fn chain_verify_names_the_gap_left_by_a_deleted_receipt_and_a_deleted_last_one() {
    let (ids, problems) =
        problems_after_tampering(5, "DELETE FROM receipts WHERE number IN (3, 5)");
    assert_eq!(
        problems,
        [
            ChainProblem::Gap {
                terminal_id: "T1".into(),
                expected: 3,
                found: 4
            },
            ChainProblem::MissingReceipt { sale_id: ids[2] },
            ChainProblem::MissingReceipt { sale_id: ids[4] },
        ]
    );
    assert!(problems[0].to_string().contains("receipt 3 missing"));
}

#[test]
fn chain_verify_names_receipts_that_were_swapped() {
    // Receipt 2 becomes 3 and 3 becomes 2, each keeping its own hashes.
    let (_, problems) = problems_after_tampering(
        4,
        "CREATE TEMP TABLE swap AS SELECT * FROM receipts WHERE number IN (2, 3); \
         DELETE FROM receipts WHERE number IN (2, 3); \
         INSERT INTO receipts SELECT terminal_id, 5 - number, sale_id, issued_ms, prev_hash, hash \
         FROM swap;",
    );
    let broken: Vec<i64> = problems
        .iter()
        .filter_map(|p| match p {
            ChainProblem::BrokenLink { number, .. } => Some(*number),
            _ => None,
        })
        .collect();
    // 2 and 3 no longer follow their predecessors, and 4 no longer follows the new 3.
    assert_eq!(broken, [2, 3, 4], "{problems:?}");
    assert!(problems
        .iter()
        .any(|p| matches!(p, ChainProblem::Edited { number: 2, .. })));
}

#[test]
fn a_day_in_phnom_penh_starts_at_local_midnight_which_is_17_00_utc() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let last_of_25th = store
        .insert_pending(&sale(1, "T1", NOV_26_PP - 1, khr(100)))
        .unwrap();
    let first_of_26th = store
        .insert_pending(&sale(2, "T1", NOV_26_PP, khr(200)))
        .unwrap();
    let last_of_26th = store
        .insert_pending(&sale(3, "T1", NOV_26_PP + 24 * 60 * MINUTE - 1, khr(300)))
        .unwrap();
    let first_of_27th = store
        .insert_pending(&sale(4, "T1", NOV_26_PP + 24 * 60 * MINUTE, khr(400)))
        .unwrap();
    let nov = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let tz = DEFAULT_TIME_ZONE;
    assert_eq!(shop_day(NOV_26_PP - 1, tz), nov(25));
    assert_eq!(shop_day(NOV_26_PP, tz), nov(26));
    let day = day_range(nov(26), tz).unwrap();
    assert_eq!(
        day,
        Range {
            from_ms: NOV_26_PP,
            to_ms: NOV_26_PP + 24 * 60 * MINUTE
        }
    );
    let ids =
        |q: &Query| -> Vec<SaleId> { store.sales(q).unwrap().into_iter().map(|s| s.id).collect() };
    assert_eq!(
        ids(&Query {
            range: Some(day),
            ..Query::default()
        }),
        [first_of_26th.id, last_of_26th.id]
    );
    let two_days = days_range(nov(25), nov(26), tz).unwrap();
    assert_eq!(
        ids(&Query {
            range: Some(two_days),
            ..Query::default()
        }),
        [last_of_25th.id, first_of_26th.id, last_of_26th.id]
    );
    let utc_day = day_range(nov(26), chrono_tz::UTC).unwrap();
    assert_eq!(
        ids(&Query {
            range: Some(utc_day),
            ..Query::default()
        }),
        [last_of_26th.id, first_of_27th.id]
    );
}

#[test]
fn totals_count_and_sum_per_currency_and_status() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    paid_sales(&mut store, 1, 3, "T1"); // 3 × 5,000 KHR paid
    let usd_sale = store
        .insert_pending(&sale(20, "T1", NOV_26_PP, usd(250)))
        .unwrap();
    store
        .apply_event(usd_sale.id, PAID, Some(&payment_for(&usd_sale)), NOV_26_PP)
        .unwrap();
    let gone = store
        .insert_pending(&sale(21, "T1", NOV_26_PP, usd(1000)))
        .unwrap();
    store
        .apply_event(gone.id, SaleEvent::Expired, None, NOV_26_PP)
        .unwrap();
    store
        .insert_pending(&sale(22, "T1", NOV_26_PP, khr(700)))
        .unwrap();
    store
        .insert_pending(&sale(23, "T1", NOV_26_PP - 1, khr(1_000_000)))
        .unwrap();
    let day = day_range(
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        DEFAULT_TIME_ZONE,
    )
    .unwrap();
    let totals: Vec<(Currency, SaleStatus, u64, Money)> = store
        .totals(day)
        .unwrap()
        .into_iter()
        .map(|t| (t.currency, t.status, t.count, t.sum))
        .collect();
    assert_eq!(
        totals,
        [
            (Currency::Khr, SaleStatus::Pending, 1, khr(700)),
            (Currency::Khr, SaleStatus::Paid, 3, khr(15_000)),
            (Currency::Usd, SaleStatus::Paid, 1, usd(250)),
            (Currency::Usd, SaleStatus::Expired, 1, usd(1000)),
        ]
    );
}

#[test]
fn search_finds_sales_by_bill_number_md5_hash_or_amount_and_filters_combine() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let ids = paid_sales(&mut store, 1, 3, "T1");
    let dollars = store
        .insert_pending(&sale(40, "T1", NOV_26_PP, usd(150)))
        .unwrap();
    let find = |store: &Store, q: Query| -> Vec<SaleId> {
        store.sales(&q).unwrap().into_iter().map(|s| s.id).collect()
    };
    let search = |text: &str| Query {
        search: Some(text.into()),
        ..Query::default()
    };
    assert_eq!(find(&store, search("b000002")), [ids[1]]);
    assert_eq!(find(&store, search("000040")), [dollars.id]);
    let md5 = store.get(ids[2]).unwrap().unwrap().md5;
    assert_eq!(find(&store, search(&md5[..20].to_uppercase())), [ids[2]]);
    let hash = store.get(ids[0]).unwrap().unwrap().payment.unwrap().hash;
    assert_eq!(find(&store, search(&hash[..16])), [ids[0]]);
    assert_eq!(find(&store, search("1.50")), [dollars.id]);
    assert_eq!(find(&store, search("5,000")), ids);
    assert_eq!(find(&store, search("%")), []);
    assert_eq!(find(&store, search("_")), []);
    assert_eq!(
        find(
            &store,
            Query {
                status: Some(SaleStatus::Pending),
                ..Query::default()
            }
        ),
        [dollars.id]
    );
    assert_eq!(
        find(
            &store,
            Query {
                status: Some(SaleStatus::Paid),
                limit: Some(2),
                ..Query::default()
            }
        ),
        ids[..2]
    );
    assert_eq!(
        find(
            &store,
            Query {
                status: Some(SaleStatus::Pending),
                search: Some("5000".into()),
                ..Query::default()
            }
        ),
        []
    );
}

#[test]
fn csv_export_keeps_khmer_quotes_commas_and_line_breaks_intact_and_defuses_formulas() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let mut tricky = sale(1, "T1", NOV_26_PP + 90 * MINUTE, khr(12_500));
    tricky.note = Some("កាហ្វេទឹកដោះគោ, \"large\"\nនំបុ័ង".into());
    let tricky = store.insert_pending(&tricky).unwrap();
    store
        .apply_event(
            tricky.id,
            PAID,
            Some(&payment_for(&tricky)),
            tricky.created_ms,
        )
        .unwrap();
    let mut formula = sale(2, "T1", NOV_26_PP, usd(199));
    formula.note = Some("=HYPERLINK(\"x\")".into());
    store.insert_pending(&formula).unwrap();

    let mut bytes = Vec::new();
    let day = day_range(
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        DEFAULT_TIME_ZONE,
    )
    .unwrap();
    let query = Query {
        range: Some(day),
        ..Query::default()
    };
    let written = store
        .write_csv(&query, DEFAULT_TIME_ZONE, true, &mut bytes)
        .unwrap();
    assert_eq!(written, 2);
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .expect("starts with a BOM");
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.starts_with("receipt,sale_id,bill_number,"));
    assert!(text.contains("\r\n"));
    assert!(text.contains("\"កាហ្វេទឹកដោះគោ, \"\"large\"\"\nនំបុ័ង\""));

    let mut reader = csv::Reader::from_reader(body);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let (first, second) = (&rows[0], &rows[1]);
    assert_eq!(&first[col("note")], "'=HYPERLINK(\"x\")");
    assert_eq!(&first[col("amount")], "1.99");
    assert_eq!(&first[col("currency")], "USD");
    assert_eq!(&first[col("created")], "2026-11-26 00:00:00");
    assert_eq!(&second[col("note")], "កាហ្វេទឹកដោះគោ, \"large\"\nនំបុ័ង");
    assert_eq!(&second[col("amount")], "12500");
    assert_eq!(&second[col("status")], "paid");
    assert_eq!(&second[col("receipt")], "1");
    assert_eq!(&second[col("created")], "2026-11-26 01:30:00");
    assert_eq!(&second[col("payer_account")], "payer@abaa");

    let mut plain = Vec::new();
    store
        .write_csv(&query, DEFAULT_TIME_ZONE, false, &mut plain)
        .unwrap();
    assert_eq!(plain, body);
}

#[test]
fn the_default_ledger_lives_in_the_app_data_directory() {
    let path = Store::default_path().unwrap();
    assert!(path.ends_with("ledger.sqlite3"));
    assert!(path.to_string_lossy().contains("khqr-pos"));
}

#[test]
fn a_store_can_move_to_a_blocking_thread() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<Store>();
    assert_send::<StoreError>();
}

#[test]
fn an_in_memory_ledger_works_like_a_file() {
    let mut store = Store::open_in_memory().unwrap();
    let ids = paid_sales(&mut store, 1, 2, "T1");
    assert_eq!(store.get(ids[1]).unwrap().unwrap().receipt_number, Some(2));
    assert!(store.verify_chain().unwrap().is_intact());
    assert!(store.integrity_check().unwrap().is_empty());
}

#[test]
fn an_accepted_sale_is_stored_with_its_reference_once_and_verified_later_with_one_receipt() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let s = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    let accepted = store
        .accept_unverified(s.id, "…4821", NOV_26_PP + MINUTE)
        .unwrap();
    assert!(accepted.is_changed() && accepted.receipt().is_none());
    assert_eq!(accepted.sale().status, SaleStatus::AcceptedUnverified);
    assert_eq!(accepted.sale().accepted_ref.as_deref(), Some("…4821"));
    // A second accept (another window, a double key press) writes nothing.
    let again = store
        .accept_unverified(s.id, "other", NOV_26_PP + 2 * MINUTE)
        .unwrap();
    assert!(!again.is_changed());
    drop(store);
    let mut store = ledger.open();
    assert_eq!(
        store.get(s.id).unwrap().unwrap().accepted_ref.as_deref(),
        Some("…4821")
    );
    assert_eq!(store.events(s.id).unwrap().len(), 2);
    // The watcher resumes it after a restart, and it is counted apart from the takings.
    let unresolved = store.unresolved(i64::MAX).unwrap();
    assert_eq!(unresolved.iter().map(|u| u.id).collect::<Vec<_>>(), [s.id]);
    let day = pos_store::day_range(
        pos_store::shop_day(NOV_26_PP, pos_store::DEFAULT_TIME_ZONE),
        pos_store::DEFAULT_TIME_ZONE,
    )
    .unwrap();
    let statuses: Vec<_> = store
        .totals(day)
        .unwrap()
        .iter()
        .map(|t| (t.status, t.count))
        .collect();
    assert_eq!(statuses, [(SaleStatus::AcceptedUnverified, 1)]);
    // The CSV shows it as its own status with the reference typed, defused like any text.
    let other = store
        .insert_pending(&sale(2, "T1", NOV_26_PP, khr(700)))
        .unwrap();
    store
        .accept_unverified(other.id, "=1+1", NOV_26_PP)
        .unwrap();
    let mut bytes = Vec::new();
    let query = Query {
        range: Some(day),
        ..Query::default()
    };
    store
        .write_csv(&query, pos_store::DEFAULT_TIME_ZONE, false, &mut bytes)
        .unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[col("status")].to_owned(),
                r[col("accepted_ref")].to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("accepted_unverified".to_owned(), "…4821".to_owned()),
            ("accepted_unverified".to_owned(), "'=1+1".to_owned())
        ]
    );
    // Bakong confirms it: paid with its one receipt; accepting afterwards changes nothing.
    let paid = store
        .apply_event(s.id, PAID, Some(&payment_for(&s)), NOV_26_PP + 3 * MINUTE)
        .unwrap();
    assert_eq!(paid.sale().status, SaleStatus::Paid);
    assert_eq!(paid.receipt().map(|r| r.number), Some(1));
    let late = store
        .accept_unverified(s.id, "x", NOV_26_PP + 4 * MINUTE)
        .unwrap();
    assert!(!late.is_changed() && late.sale().receipt_number == Some(1));
    let unresolved = store.unresolved(i64::MAX).unwrap();
    assert_eq!(
        unresolved.iter().map(|u| u.id).collect::<Vec<_>>(),
        [other.id]
    );
    // The reference is as append-only as the rest of the ledger.
    let raw = ledger.raw();
    assert!(raw
        .execute("UPDATE accepted_refs SET payer_ref = 'forged'", [])
        .is_err());
    assert!(raw.execute("DELETE FROM accepted_refs", []).is_err());
    assert!(raw
        .execute("UPDATE sales SET status = 'bogus'", [])
        .is_err());
}

#[test]
fn an_accepted_sale_bakong_disagrees_with_needs_the_owner_and_is_never_paid() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let wrong = store
        .insert_pending(&sale(1, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    let missing = store
        .insert_pending(&sale(2, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    let closed = store
        .insert_pending(&sale(3, "T1", NOV_26_PP, khr(5000)))
        .unwrap();
    for s in [&wrong, &missing] {
        store.accept_unverified(s.id, "4821", NOV_26_PP).unwrap();
    }
    let mut short = payment_for(&wrong);
    short.amount = khr(500);
    let flagged = store
        .apply_event(
            wrong.id,
            SaleEvent::PaymentReported { matches: false },
            Some(&short),
            NOV_26_PP + MINUTE,
        )
        .unwrap();
    assert_eq!(flagged.sale().status, SaleStatus::Mismatch);
    let gone = store
        .apply_event(missing.id, SaleEvent::Expired, None, NOV_26_PP + MINUTE)
        .unwrap();
    assert_eq!(gone.sale().status, SaleStatus::Unconfirmed);
    assert!(gone.sale().status.needs_attention());
    // Still watched for a late payment, which then needs the owner too.
    assert!(store
        .unresolved(NOV_26_PP)
        .unwrap()
        .iter()
        .any(|u| u.id == missing.id));
    let late = store
        .apply_event(
            missing.id,
            PAID,
            Some(&payment_for(&missing)),
            NOV_26_PP + 2 * MINUTE,
        )
        .unwrap();
    assert_eq!(late.sale().status, SaleStatus::PaidLate);
    // A closed sale cannot be accepted, and nothing is written for it.
    store
        .apply_event(closed.id, SaleEvent::Cancelled, None, NOV_26_PP)
        .unwrap();
    assert!(matches!(
        store.accept_unverified(closed.id, "4821", NOV_26_PP),
        Err(StoreError::Transition { .. })
    ));
    assert_eq!(store.get(closed.id).unwrap().unwrap().accepted_ref, None);
}

#[test]
fn each_issued_receipt_queues_one_print_job_whose_original_can_be_claimed_once() {
    use pos_store::PrintOutcome;
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let pending = store
        .insert_pending(&sale(99, "T1", NOV_26_PP, khr(100)))
        .unwrap();
    let ids = paid_sales(&mut store, 1, 3, "T1");
    let jobs = store.print_jobs_since(0).unwrap();
    assert_eq!(
        jobs.iter().map(|j| j.sale_id).collect::<Vec<_>>(),
        ids,
        "one job per receipt, in order, none for the pending sale"
    );
    assert!(jobs.iter().all(|j| j.attempts.is_empty()));
    // A fault before any byte leaves the original claimable; a claim is then exclusive,
    // across connections too.
    store
        .record_print(
            ids[0],
            false,
            NOV_26_PP,
            PrintOutcome::NotSent,
            Some("paper out"),
        )
        .unwrap();
    assert!(store.claim_original_print(ids[0], NOV_26_PP + 1).unwrap());
    assert!(!ledger
        .open()
        .claim_original_print(ids[0], NOV_26_PP + 2)
        .unwrap());
    store
        .record_print(ids[0], false, NOV_26_PP + 3, PrintOutcome::Printed, None)
        .unwrap();
    // A copy never counts as the original.
    store
        .record_print(ids[1], true, NOV_26_PP + 4, PrintOutcome::Printed, None)
        .unwrap();
    let left: Vec<_> = store.print_jobs_since(0).unwrap();
    assert_eq!(left.iter().map(|j| j.sale_id).collect::<Vec<_>>(), ids[1..]);
    assert!(left[0].attempts.is_empty());
    assert_eq!(store.print_attempts(ids[0]).unwrap().len(), 3);
    assert!(matches!(
        store.claim_original_print(pending.id, NOV_26_PP),
        Err(StoreError::NotFound(_))
    ));
    // Attempts and jobs are append-only.
    let raw = ledger.raw();
    assert!(raw.execute("DELETE FROM print_attempts", []).is_err());
    assert!(raw
        .execute("UPDATE print_jobs SET queued_ms = 0", [])
        .is_err());
}
