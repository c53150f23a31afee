//! One Bakong check budget for the shop, against a real PostgreSQL: counters racing for the
//! last checks of the pool, each counter's own share when the pool is spent or unreachable,
//! and never more than the day's limit in all.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::ledger::{db_name, Ledger};
use common::proxy::Proxy;
use pos_store::NaiveDate;
use pos_sync::{BudgetRule, CheckBudget, Password, Shop, ShopDb, Source, Spent};

const DAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();

/// A shop database with `rule` and counters T1 and T2; returns its URL.
async fn hub(rule: BudgetRule) -> String {
    let url = common::fresh_db();
    let mut admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let pw = Password::new("counter-pw".into()).unwrap();
    admin
        .init_hub(rule, None, &[("T1", &pw), ("T2", &pw)])
        .await
        .unwrap();
    url
}

/// `terminal`'s connection to the shop database with its own role.
async fn counter(url: &str, terminal: &str) -> Shop {
    let role = format!("{}_{terminal}", db_name(url));
    let url = url.replacen("postgres://pos@", &format!("postgres://{role}@"), 1);
    Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reservations_racing_on_many_connections_grant_exactly_the_pool() {
    // 20 a day, 2 counters owning 3 each: the pool is 14.
    let url = hub(BudgetRule::new(20, 2, 3).unwrap()).await;
    let mut racers = Vec::new();
    for i in 0..8 {
        let terminal = if i % 2 == 0 { "T1" } else { "T2" };
        let shop = counter(&url, terminal).await;
        racers.push(tokio::spawn(async move {
            let mut granted = 0u32;
            // Each asks more often than the whole pool holds.
            for _ in 0..20 {
                if shop
                    .reserve_checks(terminal, DAY(), 1)
                    .await
                    .unwrap()
                    .is_some()
                {
                    granted += 1;
                }
            }
            granted
        }));
    }
    let mut granted = 0;
    for racer in racers {
        granted += racer.await.unwrap();
    }
    assert_eq!(granted, 14);
    let db = db_name(&url);
    let cluster = common::shared();
    assert_eq!(
        cluster.psql(db, "SELECT used || '/' || hub_limit FROM check_days"),
        "14/14"
    );
    assert_eq!(
        cluster.psql(db, "SELECT count(*) FROM check_reservations"),
        "14"
    );
    // A reservation of two when one is left is refused whole.
    let url2 = hub(BudgetRule::new(4, 2, 1).unwrap()).await;
    let shop = counter(&url2, "T1").await;
    assert_eq!(shop.reserve_checks("T1", DAY(), 2).await.unwrap(), Some(0));
    assert_eq!(shop.reserve_checks("T1", DAY(), 1).await.unwrap(), None);
    // Another day has its own pool.
    let next = DAY().succ_opt().unwrap();
    assert_eq!(shop.reserve_checks("T1", next, 1).await.unwrap(), Some(1));
}

/// Spends checks one at a time until refused; returns (from the pool, from the own share).
async fn spend_all(
    budget: &mut CheckBudget,
    shop: Option<&Shop>,
    ledger: &mut Ledger,
) -> (u32, u32) {
    let (mut pool, mut own) = (0, 0);
    loop {
        match budget
            .spend(shop, &mut ledger.store, DAY(), 1)
            .await
            .unwrap()
        {
            Spent::Granted(Source::Pool) => pool += 1,
            Spent::Granted(Source::OwnShare) => own += 1,
            Spent::Refused => return (pool, own),
        }
        // Let the other counter in between.
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_counters_racing_for_the_last_checks_never_spend_more_than_the_day() {
    let rule = BudgetRule::new(20, 2, 3).unwrap();
    let url = hub(rule).await;
    let (mut l1, mut l2) = (Ledger::new("T1"), Ledger::new("T2"));
    let (s1, s2) = (counter(&url, "T1").await, counter(&url, "T2").await);
    let (mut b1, mut b2) = (CheckBudget::new("T1", 3), CheckBudget::new("T2", 3));
    let (r1, r2) = tokio::join!(
        spend_all(&mut b1, Some(&s1), &mut l1),
        spend_all(&mut b2, Some(&s2), &mut l2),
    );
    // The pool went to whoever asked first; each then had its own three.
    assert_eq!(r1.0 + r2.0, rule.hub_limit());
    assert_eq!((r1.1, r2.1), (3, 3));
    let used = |l: &Ledger| l.store.checks_used(DAY()).unwrap();
    assert_eq!(used(&l1) + used(&l2), rule.daily_limit);
    assert_eq!(used(&l1), r1.0 + r1.1);
    assert_eq!(s1.pool_checks_used(DAY(), Some("T1")).await.unwrap(), r1.0);
    assert_eq!(s1.pool_checks_used(DAY(), None).await.unwrap(), 14);
}

#[tokio::test]
async fn a_counter_cut_off_from_the_shop_database_spends_only_its_own_share() {
    let rule = BudgetRule::new(20, 2, 3).unwrap();
    let url = hub(rule).await;
    let upstream = format!("127.0.0.1:{}", common::shared().port())
        .parse()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let (mut l1, mut l2) = (Ledger::new("T1"), Ledger::new("T2"));
    let s1 = counter(&proxy.url(&url), "T1").await;
    let s2 = counter(&url, "T2").await;
    let (mut b1, mut b2) = (CheckBudget::new("T1", 3), CheckBudget::new("T2", 3));
    // T1 takes five from the pool, then the link drops and stays down.
    for _ in 0..5 {
        let spent = b1.spend(Some(&s1), &mut l1.store, DAY(), 1).await.unwrap();
        assert_eq!(spent, Spent::Granted(Source::Pool));
    }
    proxy.set_down(true);
    proxy.cut();
    let offline = spend_all(&mut b1, Some(&s1), &mut l1).await;
    assert_eq!(offline, (0, 3));
    // A restart while cut off: the pool's grants are forgotten and count as its own share,
    // so it may check no more (conservative, never over the budget).
    let mut restarted = CheckBudget::new("T1", 3);
    assert_eq!(spend_all(&mut restarted, None, &mut l1).await, (0, 0));
    // T2 meanwhile has the rest of the pool and its own share.
    let online = spend_all(&mut b2, Some(&s2), &mut l2).await;
    assert_eq!(online, (rule.hub_limit() - 5, 3));
    let total = l1.store.checks_used(DAY()).unwrap() + l2.store.checks_used(DAY()).unwrap();
    assert_eq!(total, rule.daily_limit);
}

#[tokio::test]
async fn an_error_the_shop_database_answers_is_returned_not_worked_around() {
    let url = hub(BudgetRule::new(20, 2, 3).unwrap()).await;
    let mut l1 = Ledger::new("T1");
    let s1 = counter(&url, "T1").await;
    // A counter configured with another terminal's id than its role's.
    let mut wrong = CheckBudget::new("T2", 3);
    let e = wrong
        .spend(Some(&s1), &mut l1.store, DAY(), 1)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("T1 only"), "{e}");
    assert_eq!(l1.store.checks_used(DAY()).unwrap(), 0);
}

#[tokio::test]
async fn a_link_that_hangs_is_given_up_after_the_timeout_and_the_own_share_is_spent() {
    let url = hub(BudgetRule::new(20, 2, 3).unwrap()).await;
    let upstream = format!("127.0.0.1:{}", common::shared().port())
        .parse()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let mut l1 = Ledger::new("T1");
    let s1 = counter(&proxy.url(&url), "T1").await;
    let mut b1 = CheckBudget::new("T1", 3);
    proxy.set_stalled(true);
    let spent = b1.spend(Some(&s1), &mut l1.store, DAY(), 1).await.unwrap();
    assert_eq!(spent, Spent::Granted(Source::OwnShare));
    assert_eq!(l1.store.checks_used(DAY()).unwrap(), 1);
    // The pool granted nothing: the reservation never reached the database.
    let admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    assert_eq!(admin.pool_checks_used(DAY(), None).await.unwrap(), 0);
}

#[tokio::test]
async fn a_counter_restarted_while_connected_still_has_its_own_share_after_the_pool() {
    let rule = BudgetRule::new(20, 2, 3).unwrap();
    let url = hub(rule).await;
    let mut l1 = Ledger::new("T1");
    let s1 = counter(&url, "T1").await;
    // T1 takes ten checks from the pool, then restarts: the grants are in the database.
    let mut before = CheckBudget::new("T1", 3);
    for _ in 0..10 {
        let spent = before
            .spend(Some(&s1), &mut l1.store, DAY(), 1)
            .await
            .unwrap();
        assert_eq!(spent, Spent::Granted(Source::Pool));
    }
    let mut restarted = CheckBudget::new("T1", 3);
    assert_eq!(
        spend_all(&mut restarted, Some(&s1), &mut l1).await,
        (rule.hub_limit() - 10, 3)
    );
    assert_eq!(l1.store.checks_used(DAY()).unwrap(), rule.hub_limit() + 3);
}

#[tokio::test]
async fn what_is_left_for_a_counter_is_the_pools_last_answer_and_its_own_share() {
    // 20 a day, 2 counters owning 3 each: the pool is 14.
    let url = hub(BudgetRule::new(20, 2, 3).unwrap()).await;
    let (s1, s2) = (counter(&url, "T1").await, counter(&url, "T2").await);
    let mut l1 = Ledger::new("T1");
    let mut b1 = CheckBudget::new("T1", 3);
    let used = |l: &Ledger| l.store.checks_used(DAY()).unwrap();
    // Before the pool answered: unknown, the counter's own limit applies.
    assert_eq!(b1.left(DAY(), 0), None);
    // T2 takes ten of the pool; T1 then one: 3 left in the pool, T1's own 3.
    for _ in 0..10 {
        s2.reserve_checks("T2", DAY(), 1).await.unwrap().unwrap();
    }
    b1.spend(Some(&s1), &mut l1.store, DAY(), 1).await.unwrap();
    assert_eq!(b1.left(DAY(), used(&l1)), Some(3 + 3));
    // The pool spent: only the own share, shrinking as it is spent.
    assert_eq!(spend_all(&mut b1, Some(&s1), &mut l1).await, (3, 3));
    assert_eq!(b1.left(DAY(), used(&l1)), Some(0));
    // Another day is not known.
    assert_eq!(b1.left(DAY().succ_opt().unwrap(), 0), None);
}
