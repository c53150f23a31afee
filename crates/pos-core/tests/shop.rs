//! The POS core with a shop database (`[shop_db]`), against one real PostgreSQL (pos-sync's
//! harness), counters as `Pos` instances with their own SQLite ledgers and the simulator on
//! loopback. The payment watcher spends the shop's one Bakong budget: two counters racing for
//! the pool never spend more than the shop's day together, and a counter cut off from the shop
//! database keeps checking from its own share, and no more. A paid sale reaches the shop
//! database by itself, and a push that fails is shown in the health view and retried. The
//! shop rate the owner set reaches a counter by its own push, and its next sale freezes it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;
mod shop_counter;

use std::path::Path;
use std::time::Duration;

use common::ledger::db_name;
use common::proxy::Proxy;
use common::shop;
use pos_bakong_sim::{PayOptions, RunningSim};

use pos_core::{
    CannotVerifyReason, ChargeView, Currency, Pos, PosEvent, SaleStatus, StartOptions, Verification,
};
use pos_sync::{BudgetRule, Shop, ShopDb};
use shop_counter::{counter_config, dollar_charge_in_riel, sim, until_rate};
use tempfile::TempDir;

/// 12 checks a day for the shop, each of 2 counters owning 2: the pool holds 8.
const DAILY: u32 = 12;
const OWN: u32 = 2;
const POOL: u32 = DAILY - 2 * OWN;

/// A shop database with counters T1 and T2; its URL as the superuser.
async fn hub() -> String {
    shop::hub(BudgetRule::new(DAILY, 2, OWN).unwrap(), None, &["T1", "T2"]).await
}

/// Rechecks until a recheck may spend no check; returns the checks spent.
/// A proxy in front of the shared PostgreSQL, for a link the test can cut.
async fn proxy() -> Proxy {
    Proxy::to_shared().await
}

/// Counters T1 (reaching the shop database at `t1_url`) and T2 (at `url`), each in a folder
/// of its own.
async fn two_counters(sim: &RunningSim, t1_url: &str, url: &str) -> ([TempDir; 2], Pos, Pos) {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let t1 = counter(dirs[0].path(), sim, t1_url, "T1").await;
    let t2 = counter(dirs[1].path(), sim, url, "T2").await;
    (dirs, t1, t2)
}

async fn recheck_until_refused(pos: &Pos) -> u32 {
    let mut spent = 0;
    loop {
        let round = pos.recheck().await.unwrap();
        // Refused by the shop's budget, or (once the shop said nothing is left) not even
        // asked for: no sale checked then.
        assert!(round.sales == 1 || round.checks_spent == 0, "{round:?}");
        if round.checks_spent == 0 {
            return spent;
        }
        spent += round.checks_spent;
    }
}

async fn used_today(pos: &Pos) -> u32 {
    pos.health().await.unwrap().checks_used_today
}

/// The checks the shop's pool granted `terminal`.
fn pool_granted(url: &str, terminal: &str) -> u32 {
    common::shared()
        .psql(
            db_name(url),
            &format!(
                "SELECT coalesce(sum(n), 0) FROM check_reservations WHERE terminal_id = '{terminal}'"
            ),
        )
        .parse()
        .unwrap()
}

/// `terminal`'s counter: its own data dir, its role's connection string in a private file
/// named by `[shop_db]`, a local budget far above the shop's, and the production cadence, so
/// within the test only the rechecks it asks for spend checks.
async fn counter(dir: &Path, sim: &RunningSim, url: &str, terminal: &str) -> Pos {
    let pos = Pos::start_with(
        counter_config(dir, sim, url, terminal, OWN),
        StartOptions {
            min_lifetime: Duration::ZERO,
            ..StartOptions::default()
        },
    )
    .await
    .unwrap();
    // One sale waiting for payment, for the rechecks to check.
    waiting_sale(&pos, sim).await;
    pos
}

/// A 5,000-riel QR waiting for ten minutes.
async fn waiting_sale(pos: &Pos, sim: &RunningSim) -> ChargeView {
    shop_counter::waiting_sale(pos, sim, 600_000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_counters_checking_together_never_spend_more_than_the_shops_day() {
    let url = hub().await;
    let sim = sim().await;
    let (_dirs, t1, t2) = two_counters(&sim, &url, &url).await;
    let (s1, s2) = tokio::join!(recheck_until_refused(&t1), recheck_until_refused(&t2));
    assert_eq!(s1 + s2, DAILY);
    let (p1, p2) = (pool_granted(&url, "T1"), pool_granted(&url, "T2"));
    assert_eq!(p1 + p2, POOL);
    // Each counted every check in its own ledger: the pool's grants and its own share.
    assert_eq!(used_today(&t1).await, p1 + OWN);
    assert_eq!(used_today(&t2).await, p2 + OWN);
    // Refused on both, nothing more is spent, whichever asks.
    assert_eq!(t1.recheck().await.unwrap().checks_spent, 0);
    assert_eq!(t2.recheck().await.unwrap().checks_spent, 0);
    assert_eq!(used_today(&t1).await + used_today(&t2).await, DAILY);
    t1.shutdown().await;
    t2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_cut_off_from_the_shop_database_keeps_checking_from_its_own_share() {
    let url = hub().await;
    let sim = sim().await;
    let proxy = proxy().await;
    let (_dirs, t1, t2) = two_counters(&sim, &proxy.url(&url), &url).await;
    // T1 takes three checks from the pool, then its link drops and stays down.
    for _ in 0..3 {
        assert_eq!(t1.recheck().await.unwrap().checks_spent, 1);
    }
    assert_eq!(pool_granted(&url, "T1"), 3);
    proxy.set_down(true);
    proxy.cut();
    // Cut off, it still checks: its own two, and then no more.
    assert_eq!(recheck_until_refused(&t1).await, OWN);
    assert_eq!(used_today(&t1).await, 3 + OWN);
    assert_eq!(pool_granted(&url, "T1"), 3);
    // T2 has the rest of the pool and its own share: the shop's day, exactly.
    assert_eq!(recheck_until_refused(&t2).await, POOL - 3 + OWN);
    assert_eq!(used_today(&t1).await + used_today(&t2).await, DAILY);
    t1.shutdown().await;
    t2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_plans_from_what_the_shop_has_left_not_only_its_own_day() {
    let url = hub().await;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let t1 = counter(dir.path(), &sim, &url, "T1").await;
    let mut events = t1.subscribe();
    // T2 has taken all of the pool but one check (well before T1's first scheduled check).
    let admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let today = pos_store::shop_day(
        i64::try_from(now.as_millis()).unwrap(),
        t1.config().time_zone,
    );
    for _ in 0..POOL - 1 {
        admin.reserve_checks("T2", today, 1).await.unwrap().unwrap();
    }
    // T1's own day allows 1,000 checks, 2 kept for final checks; the shop has left it the
    // pool's last check and its own share of 2. After taking the one, the 2 left are what
    // it keeps for final checks: no more regular checks, and it says so.
    assert_eq!(t1.recheck().await.unwrap().checks_spent, 1);
    let starved = async {
        loop {
            if let PosEvent::Verification {
                state:
                    Verification::CannotVerify {
                        reason: CannotVerifyReason::Budget,
                        message,
                        ..
                    },
            } = events.recv().await.unwrap()
            {
                return message;
            }
        }
    };
    let message = tokio::time::timeout(Duration::from_secs(10), starved)
        .await
        .expect("the watcher did not hold its regular checks back");
    assert!(message.contains("2 checks left"), "{message}");
    assert_eq!(used_today(&t1).await, 1);
    t1.shutdown().await;
}

/// This counter's last ledger event, as the shop database should come to hold it.
fn last_event(dir: &Path, terminal: &str) -> i64 {
    let store = pos_store::Store::open(dir.join("ledger.sqlite3")).unwrap();
    store
        .log_after(terminal, 0, u32::MAX)
        .unwrap()
        .last()
        .unwrap()
        .seq
}

/// Waits (at most 15 s) until `pos`'s health shows the shop database holding event `seq`.
async fn until_pushed(pos: &Pos, seq: i64) -> pos_core::ShopSyncView {
    let wait = async {
        loop {
            let sync = pos.health().await.unwrap().shop_sync.unwrap();
            if sync.pushed_up_to >= seq {
                return sync;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(15), wait)
        .await
        .expect("the push did not come within 15 s")
}

fn stored_events(url: &str, terminal: &str) -> i64 {
    common::shared()
        .psql(
            db_name(url),
            &format!("SELECT count(*) FROM ledger_events WHERE terminal_id = '{terminal}'"),
        )
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_sale_reaches_the_shop_database_by_itself() {
    let url = hub().await;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let pos = counter(dir.path(), &sim, &url, "T1").await;
    let charge = waiting_sale(&pos, &sim).await;
    sim.pay(PayOptions::new(&charge.md5)).unwrap();
    pos.recheck().await.unwrap();
    assert_eq!(
        pos.sale(charge.sale_id).await.unwrap().status,
        SaleStatus::Paid
    );
    let last = last_event(dir.path(), "T1");
    let sync = until_pushed(&pos, last).await;
    assert_eq!(sync.last_error, None);
    assert!(sync.last_push_at_ms.is_some());
    // Every event of the ledger, once, the paid sale's receipt included.
    let local = pos_store::Store::open(dir.path().join("ledger.sqlite3"))
        .unwrap()
        .log_after("T1", 0, u32::MAX)
        .unwrap()
        .len();
    assert_eq!(stored_events(&url, "T1"), i64::try_from(local).unwrap());
    assert_eq!(
        common::shared().psql(
            db_name(&url),
            "SELECT count(*) FROM receipts WHERE terminal_id = 'T1'"
        ),
        "1"
    );
    // A sale this POS did not make (another process on the same ledger, say) announces
    // nothing: the look at the ledger every few seconds finds it.
    let mut other = pos_store::Store::open(dir.path().join("ledger.sqlite3")).unwrap();
    other
        .insert_pending(&pos_store::NewSale {
            bill_number: "T1-OTHER-1".into(),
            terminal_id: "T1".into(),
            created_ms: charge.expires_at_ms,
            amount: pos_core::Money::new(9_000, Currency::Khr),
            note: None,
            qr: "qr-other".into(),
            md5: "0123456789abcdef0123456789abcdef".into(),
            expires_ms: charge.expires_at_ms + 300_000,
            riel_per_usd: Some(4_100),
        })
        .unwrap();
    let newer = last_event(dir.path(), "T1");
    assert!(newer > last);
    until_pushed(&pos, newer).await;
    assert_eq!(stored_events(&url, "T1"), i64::try_from(local + 1).unwrap());
    // The owner's Shop tab: the day's takings per counter and for the shop, and each
    // registered counter's push (T2 never pushed), read back through this counter's role.
    let day = pos_core::owner::shop_day(&pos, None)
        .await
        .unwrap()
        .unwrap();
    let paid = |terminal: Option<&str>| {
        day.lines
            .iter()
            .find(|l| l.terminal_id.as_deref() == terminal && l.tender.is_none())
            .map(|l| (l.count, l.paid))
    };
    let riel = Some((1, pos_core::Money::new(5_000, Currency::Khr)));
    assert_eq!(paid(Some("T1")), riel, "{day:?}");
    assert_eq!(paid(None), riel, "{day:?}");
    let pushes: Vec<_> = day
        .counters
        .iter()
        .map(|c| {
            (
                c.terminal_id.as_str(),
                c.this_counter,
                c.pushed_up_to,
                c.waiting,
            )
        })
        .collect();
    assert_eq!(
        pushes,
        [("T1", true, newer, Some(0)), ("T2", false, 0, None)],
        "{day:?}"
    );
    assert!(!day.counters[0].last_pushed_text.is_empty());
    let err = pos_core::owner::shop_day(&pos, Some("1/2/2026".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, pos_core::CoreError::DateInvalid { .. }),
        "{err:?}"
    );
    pos.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_that_fails_never_holds_a_sale_up_shows_in_health_and_is_retried() {
    let url = hub().await;
    let sim = sim().await;
    let proxy = proxy().await;
    proxy.set_down(true);
    let dir = tempfile::tempdir().unwrap();
    // The shop database is out of reach from the start: the counter sells all the same.
    let pos = counter(dir.path(), &sim, &proxy.url(&url), "T1").await;
    let charge = waiting_sale(&pos, &sim).await;
    sim.pay(PayOptions::new(&charge.md5)).unwrap();
    pos.recheck().await.unwrap();
    assert_eq!(
        pos.sale(charge.sale_id).await.unwrap().status,
        SaleStatus::Paid
    );
    let failing = async {
        loop {
            let sync = pos.health().await.unwrap().shop_sync.unwrap();
            if sync.failures > 0 {
                return sync;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let sync = tokio::time::timeout(Duration::from_secs(15), failing)
        .await
        .unwrap();
    assert!(sync.last_error.is_some() && sync.last_error_at_ms.is_some());
    assert_eq!(sync.pushed_up_to, 0);
    // The password is never part of what the health view shows.
    let shown = serde_json::to_string(&pos.health().await.unwrap()).unwrap();
    assert!(!shown.contains("counter-pw"), "{shown}");
    assert_eq!(stored_events(&url, "T1"), 0);
    // The link comes back: the retry pushes everything, and the error is gone.
    proxy.heal();
    let sync = until_pushed(&pos, last_event(dir.path(), "T1")).await;
    assert_eq!((sync.failures, sync.last_error), (0, None));
    assert!(stored_events(&url, "T1") > 0);
    pos.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shops_rate_reaches_a_counter_by_its_own_push_and_its_next_sale_freezes_it() {
    let url = hub().await;
    let admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    admin
        .set_shop_rate(pos_cash::Rate::new(4_200).unwrap())
        .await
        .unwrap();
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let t1 = counter(dir.path(), &sim, &url, "T1").await;
    // The automatic push looks at the shop rate once after the start.
    until_rate(&t1, 4_200, "the counter").await;
    assert_eq!(dollar_charge_in_riel(&t1).await, 4_200);
    t1.shutdown().await;
}
