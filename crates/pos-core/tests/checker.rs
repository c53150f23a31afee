//! The shop's elected checker, with real components: one PostgreSQL (pos-sync's harness),
//! counters as `Pos` instances each with its own data dir and SQLite ledger, one Bakong
//! simulator on loopback that all of them call. Only the counter holding the checker lease
//! calls Bakong; a sale paid is finalized on its own counter, once; a payment of another amount
//! goes to the owner's attention; when the checker is cut off, another counter takes over and
//! the cut-off one checks its own sales from its own share.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;
mod shop_counter;

use std::path::Path;
use std::time::{Duration, Instant};

use common::ledger::db_name;
use common::proxy::Proxy;
use common::shop;
use pos_bakong_sim::{PayOptions, RunningSim};

use pos_core::schedule::Schedule;
use pos_core::{ChargeView, Currency, Money, Pos, SaleStatus, StartOptions};
use pos_sync::BudgetRule;
use shop_counter::{counter_config, sim};
use tempfile::TempDir;

/// The production cadence ÷ 5: a sale's first check 1.2 s after its QR.
const SPEED: u32 = 5;

/// A shop database with counters T1, T2 and T3; its URL as the superuser.
async fn hub() -> String {
    shop::hub(
        BudgetRule::new(300, 3, 20).unwrap(),
        None,
        &["T1", "T2", "T3"],
    )
    .await
}

/// `terminal`'s counter in `dir`, reaching the shop database at `url` with its own role,
/// taking part in the shared checks.
async fn counter(dir: &Path, sim: &RunningSim, url: &str, terminal: &str) -> Pos {
    Pos::start_with(
        counter_config(dir, sim, url, terminal, 20),
        StartOptions {
            min_lifetime: Duration::ZERO,
            schedule: Schedule::scaled(SPEED),
            shared_checks: true,
            ..StartOptions::default()
        },
    )
    .await
    .unwrap()
}

/// A 5,000-riel QR waiting for a minute.
async fn waiting_sale(pos: &Pos, sim: &RunningSim) -> ChargeView {
    shop_counter::waiting_sale(pos, sim, 60_000).await
}

fn sql(url: &str, query: &str) -> String {
    common::shared().psql(db_name(url), query)
}

/// Waits (at most `secs`) until `query` answers `want`.
async fn until_sql(url: &str, query: &str, want: &str, secs: u64) {
    let start = Instant::now();
    loop {
        let got = sql(url, query);
        if got == want {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "{query}: {got:?}, waited for {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (at most 5 s) until the sale leaves pending; returns its status and how long it took.
async fn settled(pos: &Pos, sale_id: i64) -> (SaleStatus, Duration) {
    let start = Instant::now();
    loop {
        let status = pos.sale(sale_id).await.unwrap().status;
        if status != SaleStatus::Pending {
            return (status, start.elapsed());
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "sale {sale_id} still pending"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn used_today(pos: &Pos) -> u32 {
    pos.health().await.unwrap().checks_used_today
}

fn bakong_calls(sim: &RunningSim) -> u64 {
    sim.calls("check_transaction_by_md5") + sim.calls("check_transaction_by_md5_list")
}

const HOLDER: &str = "SELECT coalesce(max(terminal_id), '') FROM checker_lease";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_elected_counter_checks_and_each_result_is_settled_on_its_own_counter_once() {
    let url = hub().await;
    let sim = sim().await;
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    // T1 starts first and is elected; T2 and T3 join.
    let t1 = counter(dirs[0].path(), &sim, &url, "T1").await;
    until_sql(&url, HOLDER, "T1", 5).await;
    let t2 = counter(dirs[1].path(), &sim, &url, "T2").await;
    let t3 = counter(dirs[2].path(), &sim, &url, "T3").await;
    let (s1, s2, s3) = (
        waiting_sale(&t1, &sim).await,
        waiting_sale(&t2, &sim).await,
        waiting_sale(&t3, &sim).await,
    );
    until_sql(&url, "SELECT count(*) FROM pending_checks", "3", 5).await;

    // T2's customer pays; T3's pays 1,000 riel too little.
    sim.pay(PayOptions::new(&s2.md5)).unwrap();
    sim.pay(PayOptions {
        amount: Some(Money::new(4_000, Currency::Khr)),
        ..PayOptions::new(&s3.md5)
    })
    .unwrap();
    let (paid, took) = settled(&t2, s2.sale_id).await;
    assert_eq!(paid, SaleStatus::Paid);
    // The first check is due 1.2 s after the QR, then every 2.2 s or so at this speed: the
    // result itself reaches its counter within a tick.
    assert!(took < Duration::from_secs(4), "{took:?}");
    let (flagged, _) = settled(&t3, s3.sale_id).await;
    assert_eq!(
        flagged,
        SaleStatus::Mismatch,
        "a different amount is never paid"
    );
    assert!(t3.sale(s3.sale_id).await.unwrap().needs_attention);
    assert_eq!(
        t1.sale(s1.sale_id).await.unwrap().status,
        SaleStatus::Pending
    );

    // Only T1 called Bakong, and every call it made is counted in its ledger.
    let (u1, u2, u3) = (
        used_today(&t1).await,
        used_today(&t2).await,
        used_today(&t3).await,
    );
    assert!(u1 > 0);
    assert_eq!((u2, u3), (0, 0), "a covered counter spends no check");
    // A check is counted before its call goes out, so while a round is in flight the ledger
    // is one ahead of the simulator; between rounds the two agree.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let calls = bakong_calls(&sim);
        let counted = u64::from(used_today(&t1).await);
        assert!(counted >= calls, "{calls} calls, only {counted} counted");
        if counted == calls {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{calls} calls, {counted} counted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // One result per sale, each settled on its own counter once.
    assert_eq!(
        sql(
            &url,
            "SELECT string_agg(terminal_id || ':' || status || ':' || checked_by, ',' \
             ORDER BY terminal_id) FROM check_results"
        ),
        "T2:paid:T1,T3:paid:T1"
    );
    for pos in [&t1, &t2, &t3] {
        pos.shutdown().await;
    }
    for (dir, sale, to) in [
        (&dirs[1], &s2, SaleStatus::Paid),
        (&dirs[2], &s3, SaleStatus::Mismatch),
    ] {
        let ledger = pos_store::Store::open(dir.path().join("ledger.sqlite3")).unwrap();
        let moves: Vec<_> = ledger
            .events(pos_store::SaleId(sale.sale_id))
            .unwrap()
            .into_iter()
            .filter_map(|e| match e.kind {
                pos_store::EventKind::Status {
                    from: Some(from),
                    to,
                } => Some((from, to)),
                _ => None,
            })
            .collect();
        assert_eq!(moves, vec![(SaleStatus::Pending, to)], "settled once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_checker_is_cut_off_another_counter_takes_over_and_it_checks_its_own_sales() {
    let url = hub().await;
    let sim = sim().await;
    let proxy = Proxy::to_shared().await;
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let t1 = counter(dirs[0].path(), &sim, &proxy.url(&url), "T1").await;
    until_sql(&url, HOLDER, "T1", 5).await;
    let t2 = counter(dirs[1].path(), &sim, &url, "T2").await;
    let t3 = counter(dirs[2].path(), &sim, &url, "T3").await;
    let (s1, s3) = (waiting_sale(&t1, &sim).await, waiting_sale(&t3, &sim).await);
    until_sql(&url, "SELECT count(*) FROM pending_checks", "2", 5).await;

    // A silent partition: T1's link neither answers nor closes.
    proxy.set_down(true);
    proxy.set_stalled(true);
    until_sql(
        &url,
        "SELECT (terminal_id IN ('T2', 'T3'))::text FROM checker_lease",
        "true",
        8,
    )
    .await;
    let new_holder = sql(&url, HOLDER);
    let (before2, before3) = (used_today(&t2).await, used_today(&t3).await);
    sim.pay(PayOptions::new(&s3.md5)).unwrap();
    sim.pay(PayOptions::new(&s1.md5)).unwrap();
    // T3's sale through the new checker; T1's by T1 itself, from its own share.
    assert_eq!(settled(&t3, s3.sale_id).await.0, SaleStatus::Paid);
    assert_eq!(settled(&t1, s1.sale_id).await.0, SaleStatus::Paid);
    let (after2, after3) = (used_today(&t2).await, used_today(&t3).await);
    if new_holder == "T2" {
        assert!(after2 > before2);
        assert_eq!(after3, before3, "T3 is covered: it spends nothing");
    } else {
        assert!(after3 > before3);
        assert_eq!(after2, before2, "T2 is covered: it spends nothing");
    }
    // The new checker also checks T1's sale, which T1 could not close while cut off: its
    // result waits in the shop database. Back on the link, T1 reads it and finds the sale
    // settled already; its ledger moved it once.
    proxy.heal();
    until_sql(
        &url,
        "SELECT count(*) FROM check_results WHERE terminal_id = 'T1'",
        "1",
        8,
    )
    .await;
    let heard = sql(
        &url,
        "SELECT id FROM check_results WHERE terminal_id = 'T1'",
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let t1_ledger = pos_store::Store::open(dirs[0].path().join("ledger.sqlite3")).unwrap();
    let moves = t1_ledger
        .events(pos_store::SaleId(s1.sale_id))
        .unwrap()
        .into_iter()
        .filter(|e| matches!(e.kind, pos_store::EventKind::Status { from: Some(_), .. }))
        .count();
    assert_eq!(moves, 1, "result {heard} settled nothing twice");
    for pos in [t1, t2, t3] {
        pos.shutdown().await;
    }
}
