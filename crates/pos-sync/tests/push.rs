//! Pushing counters' ledgers to a real PostgreSQL: exactly once, resumable, divergence and
//! chain checks, bad events refused with nothing written, terminals pushing concurrently, and
//! a link cut mid-push.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::ledger::{db_name, sales_day, Ledger};
use pos_store::{EventKind, LogEntry};
use pos_sync::{PushReport, Shop, ShopDb, SyncError};

async fn open(url: &str) -> Shop {
    Shop::open(&ShopDb::parse(url).unwrap()).await.unwrap()
}

fn count(db: &str, table: &str) -> String {
    common::shared().psql(db, &format!("SELECT count(*) FROM {table}"))
}

/// Everything stored, as text, to compare before and after.
fn dump(db: &str) -> String {
    common::shared().psql(
        db,
        "SELECT (SELECT string_agg(terminal_id || seq || digest, ',' ORDER BY terminal_id, seq) \
         FROM ledger_events) || '/' || (SELECT coalesce(string_agg(terminal_id || number || hash, \
         ',' ORDER BY terminal_id, number), '') FROM receipts)",
    )
}

#[tokio::test]
async fn pushing_twice_stores_every_event_once_and_the_second_push_writes_nothing() {
    let url = common::fresh_db();
    let db = db_name(&url);
    let mut ledger = Ledger::new("T1");
    ledger.sell(30);
    let mut shop = open(&url).await;
    let events = ledger.log().len() as u64;
    let first = shop.push(&ledger.store, "T1", 8).await.unwrap();
    assert_eq!(first.pushed, events);
    assert_eq!(first.batches, events.div_ceil(8));
    assert_eq!(first.high_water, ledger.log().last().unwrap().seq);
    ledger.assert_exactly_once_in(common::shared(), db);
    let before = dump(db);
    let second = shop.push(&ledger.store, "T1", 8).await.unwrap();
    assert_eq!(
        second,
        PushReport {
            pushed: 0,
            already_there: 1,
            batches: 1,
            high_water: first.high_water
        }
    );
    // The same batch offered again directly: all already there, nothing changed.
    let outcome = shop.push_batch("T1", &ledger.log()).await.unwrap();
    assert_eq!((outcome.inserted, outcome.already_there), (0, events));
    assert_eq!(dump(db), before);
}

#[tokio::test]
async fn cash_sales_push_once_with_their_receipts_on_the_terminals_chain() {
    let url = common::fresh_db();
    let db = db_name(&url);
    let mut ledger = Ledger::new("T1");
    ledger.sell(3);
    ledger.sell_cash(3);
    ledger.sell(2);
    // A cash sale is one event, created paid, carrying its receipt.
    let created_paid = ledger
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Status { from: None, .. }) && e.receipt.is_some())
        .count();
    assert_eq!(created_paid, 3);
    let mut shop = open(&url).await;
    shop.push(&ledger.store, "T1", 4).await.unwrap();
    ledger.assert_exactly_once_in(common::shared(), db);
}

#[tokio::test]
async fn a_push_resumes_from_the_high_water_mark_in_the_shop_database() {
    let url = common::fresh_db();
    let mut ledger = Ledger::new("T1");
    ledger.sell(5);
    let mut shop = open(&url).await;
    let first = shop.push(&ledger.store, "T1", 100).await.unwrap();
    ledger.sell(7);
    // A new connection, as after a restart: the resume point comes from PostgreSQL.
    let mut shop = open(&url).await;
    assert_eq!(shop.high_water("T1").await.unwrap(), first.high_water);
    let second = shop.push(&ledger.store, "T1", 4).await.unwrap();
    assert_eq!(second.pushed + first.pushed, ledger.log().len() as u64);
    ledger.assert_exactly_once_in(common::shared(), db_name(&url));
}

#[tokio::test]
async fn a_tampered_event_is_a_divergence_recorded_and_never_an_overwrite() {
    let url = common::fresh_db();
    let db = db_name(&url);
    let mut ledger = Ledger::new("T1");
    ledger.sell(6);
    let mut shop = open(&url).await;
    shop.push(&ledger.store, "T1", 5).await.unwrap();
    let before = dump(db);
    let log = ledger.log();
    // Someone edits a check's note in the middle of the log, and the last event's time.
    let middle = log
        .iter()
        .find(|e| matches!(e.kind, EventKind::Check(_)))
        .unwrap()
        .seq;
    let last = log.last().unwrap().seq;
    let raw = ledger.tamperer();
    raw.execute(
        "UPDATE sale_events SET note = 'found' WHERE id = ?1",
        [middle],
    )
    .unwrap();
    raw.execute(
        "UPDATE sale_events SET at_ms = at_ms + 1 WHERE id = ?1",
        [last],
    )
    .unwrap();
    // The push re-offers the last stored event first and finds it changed.
    match shop.push(&ledger.store, "T1", 5).await {
        Err(SyncError::Divergence { terminal_id, seq }) => {
            assert_eq!((terminal_id.as_str(), seq), ("T1", last));
        }
        other => panic!("expected a divergence, got {other:?}"),
    }
    // The edited event offered directly, inside an otherwise identical batch.
    let tampered = ledger.store.log_after("T1", 0, u32::MAX).unwrap();
    match shop.push_batch("T1", &tampered).await {
        Err(SyncError::Divergence { seq, .. }) => assert_eq!(seq, middle),
        other => panic!("expected a divergence, got {other:?}"),
    }
    assert_eq!(dump(db), before);
    let alarms = common::shared().psql(
        db,
        "SELECT string_agg(terminal_id || ':' || seq, ',' ORDER BY id) FROM divergences \
         WHERE stored_digest <> offered_digest",
    );
    assert_eq!(alarms, format!("T1:{last},T1:{middle}"));
}

#[tokio::test]
async fn a_ledger_missing_events_the_shop_database_holds_is_refused() {
    let url = common::fresh_db();
    let mut ledger = Ledger::new("T1");
    ledger.sell(4);
    let mut shop = open(&url).await;
    shop.push(&ledger.store, "T1", 50).await.unwrap();
    // Another ledger under the same terminal id (a reinstall, a restored old backup).
    let mut other = Ledger::new("T1");
    other.sell(2);
    let before = dump(db_name(&url));
    match shop.push(&other.store, "T1", 50).await {
        Err(SyncError::LedgerBehind { high_water, .. }) => {
            assert_eq!(high_water, ledger.log().last().unwrap().seq);
        }
        other => panic!("expected LedgerBehind, got {other:?}"),
    }
    assert_eq!(dump(db_name(&url)), before);
}

#[tokio::test]
async fn bad_events_are_refused_with_a_typed_error_and_nothing_written() {
    let url = common::fresh_db();
    let db = db_name(&url);
    let mut ledger = Ledger::new("T1");
    ledger.sell(3);
    let log = ledger.log();
    let mut shop = open(&url).await;
    let paying = log.iter().position(|e| e.receipt.is_some()).unwrap();
    let edit = |f: &dyn Fn(&mut LogEntry)| {
        let mut events = log.clone();
        f(&mut events[paying]);
        events
    };
    let cases: Vec<(&str, Vec<LogEntry>)> = vec![
        ("another terminal", edit(&|e| e.terminal_id = "T2".into())),
        ("seq 0", edit(&|e| e.seq = 0)),
        ("no receipt", edit(&|e| e.receipt = None)),
        ("paid without receipt", edit(&|e| e.paid = None)),
        (
            "bad hash",
            edit(&|e| e.receipt.as_mut().unwrap().hash = "ZZ".into()),
        ),
        ("zero amount", edit(&|e| e.amount.minor = 0)),
        (
            "receipt on a check",
            edit(&|e| e.kind = log[1].kind.clone()),
        ),
    ];
    for (name, events) in cases {
        match shop.push_batch("T1", &events).await {
            Err(SyncError::BadEvent { .. }) => {}
            other => panic!("{name}: expected BadEvent, got {other:?}"),
        }
    }
    let mut reversed = log.clone();
    reversed.swap(0, 1);
    assert!(matches!(
        shop.push_batch("T1", &reversed).await,
        Err(SyncError::OutOfOrder { .. })
    ));
    // A receipt that does not continue the chain: the first receipt claiming a predecessor.
    let broken = edit(&|e| e.receipt.as_mut().unwrap().prev_hash = "ab".repeat(32));
    assert!(matches!(
        shop.push_batch("T1", &broken).await,
        Err(SyncError::ChainBroken {
            number: 1,
            last: 0,
            ..
        })
    ));
    // An event below the high-water mark that was never stored: a hole.
    shop.push_batch("T1", &log[1..2]).await.unwrap();
    assert!(matches!(
        shop.push_batch("T1", &log[0..1]).await,
        Err(SyncError::Gap { .. })
    ));
    assert_eq!(count(db, "ledger_events"), "1");
    assert_eq!(count(db, "receipts"), "0");
    assert_eq!(count(db, "divergences"), "0");
}

#[tokio::test]
async fn terminals_pushing_at_once_each_land_exactly_once() {
    let url = common::fresh_db();
    let db = db_name(&url);
    let mut t1 = Ledger::new("T1");
    let mut t2 = Ledger::new("T2");
    t1.sell(40);
    t2.sell(40);
    // A second process of T1 on the same ledger file, racing the first.
    let t1_again = pos_store::Store::open(&t1.path).unwrap();
    let (mut a, mut b, mut c) = (open(&url).await, open(&url).await, open(&url).await);
    let (ra, rb, rc) = tokio::join!(
        a.push(&t1.store, "T1", 7),
        b.push(&t2.store, "T2", 5),
        c.push(&t1_again, "T1", 3),
    );
    let (ra, rc) = (ra.unwrap(), rc.unwrap());
    rb.unwrap();
    assert_eq!(ra.pushed + rc.pushed, t1.log().len() as u64);
    t1.assert_exactly_once_in(common::shared(), db);
    t2.assert_exactly_once_in(common::shared(), db);
}

#[tokio::test]
async fn a_link_cut_mid_push_loses_and_duplicates_nothing_on_the_next_push() {
    let url = common::fresh_db();
    let db = db_name(&url).to_owned();
    let mut ledger = Ledger::new("T1");
    ledger.sell(100);
    let app = format!("cut-{db}");
    let mut shop = Shop::open(&ShopDb::parse(&url).unwrap().with_application_name(&app))
        .await
        .unwrap();
    common::shared().slow_inserts(&db);
    let cutter = tokio::task::spawn_blocking(move || {
        let cluster = common::shared();
        while cluster.psql(&db, "SELECT count(*) FROM ledger_events") == "0" {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        cluster.psql(
            "postgres",
            &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{app}'"),
        );
    });
    let cut = shop.push(&ledger.store, "T1", 2).await;
    cutter.await.unwrap();
    assert!(matches!(cut, Err(SyncError::Db(_))), "{cut:?}");
    common::shared().normal_inserts(db_name(&url));
    let stored: u64 = count(db_name(&url), "ledger_events").parse().unwrap();
    assert!(stored > 0 && stored < ledger.log().len() as u64, "{stored}");
    let mut shop = open(&url).await;
    let resumed = shop.push(&ledger.store, "T1", 50).await.unwrap();
    assert_eq!(stored + resumed.pushed, ledger.log().len() as u64);
    ledger.assert_exactly_once_in(common::shared(), db_name(&url));
}

#[tokio::test]
async fn the_shop_day_totals_add_up_per_terminal_and_across_the_shop() {
    use pos_domain::{Currency, Money};
    let url = common::fresh_db();
    let (mut t1, mut t2) = (Ledger::new("T1"), Ledger::new("T2"));
    t1.sell(9);
    t2.sell(6);
    let mut shop = open(&url).await;
    shop.push(&t1.store, "T1", 20).await.unwrap();
    shop.push(&t2.store, "T2", 20).await.unwrap();
    let day = sales_day();
    let totals = shop.paid_totals(day).await.unwrap();
    let local = |ledgers: &[&Ledger], currency: Currency| {
        let paid: Vec<Money> = ledgers
            .iter()
            .flat_map(|l| l.log())
            .filter_map(|e| e.paid)
            .filter(|p| p.currency == currency)
            .collect();
        (
            paid.len() as i64,
            Money::new(paid.iter().map(|p| p.minor).sum(), currency),
        )
    };
    let mut expected = Vec::new();
    for (terminal, ledgers) in [
        (Some("T1"), vec![&t1]),
        (Some("T2"), vec![&t2]),
        (None, vec![&t1, &t2]),
    ] {
        for currency in [Currency::Khr, Currency::Usd] {
            let (count, paid) = local(&ledgers, currency);
            expected.push(pos_sync::PaidTotal {
                terminal_id: terminal.map(str::to_owned),
                count,
                paid,
            });
        }
    }
    assert_eq!(totals, expected);
    // The day before holds nothing.
    let before = pos_store::Range {
        from_ms: day.from_ms - 86_400_000,
        to_ms: day.from_ms,
    };
    assert!(shop.paid_totals(before).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_owners_shop_report_splits_each_counter_and_the_shop_by_tender_and_currency() {
    use pos_domain::{Currency, Money};
    use pos_sync::{ShopTotal, Tender};
    let url = common::fresh_db();
    let (mut t1, mut t2) = (Ledger::new("T1"), Ledger::new("T2"));
    t1.sell(5);
    t1.sell_cash(3);
    t2.sell_cash(2);
    t2.sell(4);
    let mut shop = open(&url).await;
    shop.push(&t1.store, "T1", 20).await.unwrap();
    shop.push(&t2.store, "T2", 20).await.unwrap();
    let day = sales_day();
    let report = shop.shop_report(day).await.unwrap();
    // The expected lines, folded from the ledgers themselves.
    let tender_of = |e: &LogEntry| match e.kind {
        EventKind::Status { from: None, .. } => Tender::Cash,
        _ => Tender::Khqr,
    };
    let fold = |ledgers: &[&Ledger], tender: Option<Tender>, currency: Currency| {
        let paid: Vec<i64> = ledgers
            .iter()
            .flat_map(|l| l.log())
            .filter(|e| tender.is_none_or(|t| tender_of(e) == t))
            .filter_map(|e| e.paid)
            .filter(|p| p.currency == currency)
            .map(|p| p.minor)
            .collect();
        (paid.len() as i64, Money::new(paid.iter().sum(), currency))
    };
    let mut expected = Vec::new();
    for (terminal, ledgers) in [
        (Some("T1"), vec![&t1]),
        (Some("T2"), vec![&t2]),
        (None, vec![&t1, &t2]),
    ] {
        for tender in [Some(Tender::Cash), Some(Tender::Khqr), None] {
            for currency in [Currency::Khr, Currency::Usd] {
                let (count, paid) = fold(&ledgers, tender, currency);
                if count > 0 {
                    expected.push(ShopTotal {
                        terminal_id: terminal.map(str::to_owned),
                        tender,
                        count,
                        paid,
                    });
                }
            }
        }
    }
    assert_eq!(report, expected);
    // Both tenders are there, and the shop's total is the sum of the counters'.
    assert!(report.iter().any(|t| t.tender == Some(Tender::Cash)));
    assert!(report.iter().any(|t| t.tender == Some(Tender::Khqr)));
    let shop_khr = report
        .iter()
        .find(|t| t.terminal_id.is_none() && t.tender.is_none() && t.paid.currency == Currency::Khr)
        .unwrap();
    let counters_khr: i64 = report
        .iter()
        .filter(|t| {
            t.terminal_id.is_some() && t.tender.is_none() && t.paid.currency == Currency::Khr
        })
        .map(|t| t.paid.minor)
        .sum();
    assert_eq!(shop_khr.paid.minor, counters_khr);
}

#[tokio::test]
async fn a_split_sale_counts_its_cash_and_its_khqr_part_each_under_its_own_tender() {
    use pos_domain::{Currency, Money};
    use pos_sync::{ShopTotal, Tender};
    let url = common::fresh_db();
    let mut t1 = Ledger::new("T1");
    // 1,000 riel in cash, then $10.00 split: 20,500 riel in cash and $5.00 by KHQR.
    t1.sell_cash(1);
    t1.sell_split();
    let paid_split = t1.log().last().unwrap().clone();
    assert_eq!(paid_split.paid, Some(Money::new(500, Currency::Usd)));
    assert_eq!(paid_split.tenders.len(), 2, "{:?}", paid_split.tenders);
    let mut shop = open(&url).await;
    shop.push(&t1.store, "T1", 20).await.unwrap();
    let cluster = common::shared();
    assert_eq!(
        cluster.psql(
            db_name(&url),
            "SELECT string_agg(number || ':' || kind || ':' || amount_minor || currency, ' ' \
             ORDER BY number, line) FROM receipt_tenders"
        ),
        "1:cash:1000KHR 2:cash:20500KHR 2:khqr:500USD"
    );
    let day = sales_day();
    let line = |terminal: Option<&str>, tender, count, minor, currency| ShopTotal {
        terminal_id: terminal.map(str::to_owned),
        tender,
        count,
        paid: Money::new(minor, currency),
    };
    let (khr, usd) = (Currency::Khr, Currency::Usd);
    let mut expected = Vec::new();
    for terminal in [Some("T1"), None] {
        expected.extend([
            line(terminal, Some(Tender::Cash), 2, 21_500, khr),
            line(terminal, Some(Tender::Khqr), 1, 500, usd),
            // The split sale is one receipt, with money in both currencies.
            line(terminal, None, 2, 21_500, khr),
            line(terminal, None, 1, 500, usd),
        ]);
    }
    assert_eq!(shop.shop_report(day).await.unwrap(), expected);
    // A repeated push adds no line twice.
    shop.push(&t1.store, "T1", 20).await.unwrap();
    assert_eq!(
        cluster.psql(db_name(&url), "SELECT count(*) FROM receipt_tenders"),
        "3"
    );
}
