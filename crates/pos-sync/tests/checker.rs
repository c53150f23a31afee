//! The elected checker's side of the shop database, against a real PostgreSQL: one lease
//! holder at a time, taken over once it expires; each counter registers its own pending sales
//! only; a result ends a pending check once, only from the lease's holder, and reaches the
//! owning counter by NOTIFY.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::ledger::db_name;
use common::shop::{self, COUNTER_PW};
use pos_domain::{Currency, Money};
use pos_store::PaymentDetails;
use pos_sync::{BudgetRule, Outcome, PendingCheck, Shop, ShopDb, SyncError};

/// A shop database with counters T1, T2 and T3; returns its URL.
async fn hub() -> String {
    shop::hub(
        BudgetRule::new(30, 3, 2).unwrap(),
        Some(COUNTER_PW),
        &["T1", "T2", "T3"],
    )
    .await
}

fn role_url(url: &str, terminal: &str) -> ShopDb {
    let role = format!("{}_{terminal}", db_name(url));
    ShopDb::parse(&url.replacen("postgres://pos@", &format!("postgres://{role}@"), 1)).unwrap()
}

fn pending(terminal: &str, sale_id: i64) -> PendingCheck {
    PendingCheck {
        terminal_id: terminal.into(),
        sale_id,
        md5: format!("{sale_id:032x}"),
        created_ms: 1_000,
        expires_ms: 301_000,
    }
}

fn paid(minor: i64) -> Outcome {
    Outcome::Paid(PaymentDetails {
        hash: "ab".repeat(32),
        payer_account: Some("payer@abaa".into()),
        payee_account: Some("shop@devb".into()),
        amount: Money::new(minor, Currency::Khr),
        created_ms: Some(5_000),
        acknowledged_ms: Some(5_100),
        external_ref: None,
        instruction_ref: None,
    })
}

fn refused(e: SyncError) -> bool {
    matches!(&e, SyncError::Db(db) if db.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_holder_at_a_time_and_another_takes_over_once_the_lease_expires() {
    let url = hub().await;
    let t1 = Shop::open(&role_url(&url, "T1")).await.unwrap();
    let t2 = Shop::open(&role_url(&url, "T2")).await.unwrap();
    let ttl = Duration::from_millis(600);
    let first = t1.claim_checker("T1", ttl).await.unwrap();
    assert_eq!(first.holder, "T1");
    // T2 is told who holds it, and does not get it while T1 renews.
    for _ in 0..3 {
        let seen = t2.claim_checker("T2", ttl).await.unwrap();
        assert_eq!((seen.holder.as_str(), seen.term), ("T1", first.term));
        assert!(!seen.is_held_by("T2", tokio::time::Instant::now()));
        let renewed = t1.claim_checker("T1", ttl).await.unwrap();
        assert_eq!((renewed.holder.as_str(), renewed.term), ("T1", first.term));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // T1 stops renewing (dead, or cut off): T2 takes over after the lease's time, in a new term.
    tokio::time::sleep(ttl).await;
    let taken = t2.claim_checker("T2", ttl).await.unwrap();
    assert_eq!(taken.holder, "T2");
    assert_eq!(taken.term, first.term + 1);
    // A counter's role claims for its own terminal only, and the owner's role not at all.
    assert!(refused(t1.claim_checker("T2", ttl).await.unwrap_err()));
    let owner = Shop::open(&role_url(&url, "owner")).await.unwrap();
    assert!(refused(owner.claim_checker("T1", ttl).await.unwrap_err()));
    assert!(refused(
        owner
            .add_pending_check(&pending("T1", 1))
            .await
            .unwrap_err()
    ));
    // Nobody writes the tables but through the functions.
    let role = format!("{}_T2", db_name(&url));
    let as_t2 = url.replacen("postgres://pos@", &format!("postgres://{role}@"), 1);
    let (client, link) = tokio_postgres::connect(&as_t2, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(link);
    for sql in [
        "UPDATE checker_lease SET expires_at = now() + interval '1 day'",
        "INSERT INTO pending_checks (terminal_id, sale_id, md5, created_ms, expires_ms) \
         VALUES ('T2', 1, '00000000000000000000000000000001', 1, 2)",
    ] {
        let e = client.batch_execute(sql).await.unwrap_err();
        assert_eq!(
            e.code(),
            Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}: {e}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_ends_a_pending_check_once_from_the_holder_only_and_is_notified_to_its_owner() {
    let url = hub().await;
    let (t1, mut t1_hears) = Shop::open_listening(&role_url(&url, "T1")).await.unwrap();
    let t2 = Shop::open(&role_url(&url, "T2")).await.unwrap();
    let t3 = Shop::open(&role_url(&url, "T3")).await.unwrap();
    t1.add_pending_check(&pending("T1", 7)).await.unwrap();
    t1.add_pending_check(&pending("T1", 7)).await.unwrap(); // a repeat is a no-op
    t1.add_pending_check(&pending("T1", 8)).await.unwrap();
    // A counter registers its own sales only.
    assert!(refused(
        t2.add_pending_check(&pending("T1", 9)).await.unwrap_err()
    ));
    let open = t2.open_checks(0, 100).await.unwrap();
    assert_eq!(open, vec![pending("T1", 7), pending("T1", 8)]);

    t2.claim_checker("T2", Duration::from_secs(10))
        .await
        .unwrap();
    // T3 does not hold the lease: its result is not taken.
    assert!(!t3
        .add_check_result("T3", "T1", 7, &paid(5_000))
        .await
        .unwrap());
    // Nor can it write as T2.
    assert!(refused(
        t3.add_check_result("T2", "T1", 7, &paid(5_000))
            .await
            .unwrap_err()
    ));
    // Nor close another counter's sale.
    assert!(t3
        .add_check_result("T3", "T1", 8, &Outcome::Closed)
        .await
        .is_err());
    // The holder's result ends it, once.
    assert!(t2
        .add_check_result("T2", "T1", 7, &paid(5_000))
        .await
        .unwrap());
    assert!(!t2
        .add_check_result("T2", "T1", 7, &Outcome::Failed)
        .await
        .unwrap());
    let heard = tokio::time::timeout(Duration::from_secs(2), t1_hears.recv())
        .await
        .unwrap();
    assert_eq!(heard.as_deref(), Some("T1"));
    let results = t1.check_results("T1", 0).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        (results[0].sale_id, results[0].checked_by.as_str()),
        (7, "T2")
    );
    assert_eq!(results[0].outcome, paid(5_000));
    assert!(t1
        .check_results("T1", results[0].id)
        .await
        .unwrap()
        .is_empty());
    // The owner closes its other sale; no check is open any more.
    assert!(t1
        .add_check_result("T1", "T1", 8, &Outcome::Closed)
        .await
        .unwrap());
    assert!(t2.open_checks(0, 100).await.unwrap().is_empty());
    // Results are never edited, even by the tables' owner.
    let (admin, link) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(link);
    assert!(admin
        .batch_execute("UPDATE check_results SET status = 'failed'")
        .await
        .is_err());
}
