//! "Customer shows paid": the cashier's key checks one sale now. It spends exactly one check,
//! finalizes a payment exactly once however it races the watcher, says "not found yet" when
//! Bakong has nothing, and leaves the other pending sales their final checks.

// Test helpers outside `#[test]` functions may panic too: a failed setup is a failed test.
#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pos_bakong_sim::{Fault, FaultRule, When};
use pos_core::schedule::Schedule;
use pos_core::{CannotVerifyReason, CheckNow, SaleStatus};
use pos_scenarios::rig::{Rig, RigOptions};

const CHECK_ENDPOINTS: [&str; 2] = ["check_transaction_by_md5", "check_transaction_by_md5_list"];
const FIVE_MIN_MS: u64 = 300_000;

fn checks(rig: &Rig) -> u64 {
    CHECK_ENDPOINTS.iter().map(|e| rig.sim.calls(e)).sum()
}

/// A rig on the production cadence: no automatic check comes within the first 6 s, so every
/// check a test sees is the key's.
async fn quiet_rig(budget: u32, reserve: u32) -> Rig {
    Rig::start_with(RigOptions {
        budget,
        reserve,
        schedule: Schedule::default(),
        ..RigOptions::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_on_a_paid_sale_finalizes_it_with_one_check() {
    let rig = quiet_rig(100, 10).await;
    let charge = rig.charge("5,000", FIVE_MIN_MS).await;
    rig.pay(&charge);
    let answer = rig.pos.check_now(charge.sale_id).await.expect("check");
    let CheckNow::Found { sale } = answer else {
        panic!("a paid sale was not found: {answer:?}");
    };
    assert_eq!(sale.status, SaleStatus::Paid);
    assert!(sale.receipt_number.is_some());
    assert_eq!(checks(&rig), 1);
    assert_eq!(rig.pos.health().await.expect("health").checks_used_today, 1);
    // Asking again spends nothing: the sale is closed.
    let again = rig.pos.check_now(charge.sale_id).await.expect("check");
    assert!(matches!(again, CheckNow::Closed { .. }), "{again:?}");
    assert_eq!(checks(&rig), 1);
    assert_eq!(rig.audit().receipts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_before_the_payment_says_not_found_yet_and_the_sale_keeps_waiting() {
    let rig = quiet_rig(100, 10).await;
    let charge = rig.charge("5,000", FIVE_MIN_MS).await;
    let answer = rig.pos.check_now(charge.sale_id).await.expect("check");
    let CheckNow::NotFoundYet { sale } = answer else {
        panic!("expected not found yet: {answer:?}");
    };
    assert_eq!(sale.status, SaleStatus::Pending);
    assert_eq!(checks(&rig), 1);
    rig.pay(&charge);
    let answer = rig.pos.check_now(charge.sale_id).await.expect("check");
    assert!(matches!(answer, CheckNow::Found { .. }), "{answer:?}");
    assert_eq!(checks(&rig), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_press_also_answers_every_other_pending_sale_in_the_same_call() {
    let rig = quiet_rig(100, 10).await;
    let first = rig.charge("1,000", FIVE_MIN_MS).await;
    let second = rig.charge("2,000", FIVE_MIN_MS).await;
    rig.pay(&first);
    rig.pay(&second);
    let answer = rig.pos.check_now(second.sale_id).await.expect("check");
    assert!(matches!(answer, CheckNow::Found { .. }), "{answer:?}");
    assert_eq!(
        rig.status(&first).await,
        SaleStatus::Paid,
        "the other sale rode along"
    );
    assert_eq!(checks(&rig), 1);
}

/// Charges and pays a sale and presses the key on it.
async fn pay_and_key(rig: &Rig, amount: &str) -> CheckNow {
    let charge = rig.charge(amount, FIVE_MIN_MS).await;
    rig.pay(&charge);
    rig.pos.check_now(charge.sale_id).await.expect("check")
}

fn assert_refused_for_budget(answer: &CheckNow) {
    let CheckNow::CannotVerify { sale, reason, .. } = answer else {
        panic!("expected cannot verify: {answer:?}");
    };
    assert_eq!(*reason, CannotVerifyReason::Budget);
    assert_eq!(
        sale.status,
        SaleStatus::Pending,
        "a refused check is never unpaid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_keeps_one_md5_list_call_for_the_other_pending_sales_final_checks() {
    let rig = quiet_rig(3, 1).await;
    let _other = rig.charge("2,000", FIVE_MIN_MS).await;
    assert!(matches!(
        pay_and_key(&rig, "1,000").await,
        CheckNow::Found { .. }
    ));
    assert!(matches!(
        pay_and_key(&rig, "3,000").await,
        CheckNow::Found { .. }
    ));
    // 2 of 3 spent: the last check is the other sale's final check.
    assert_refused_for_budget(&pay_and_key(&rig, "4,000").await);
    assert_eq!(checks(&rig), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_single_checks_the_key_keeps_a_final_check_for_every_other_pending_sale() {
    let rig = quiet_rig(3, 1).await;
    rig.sim.add_fault(FaultRule::on(
        "check_transaction_by_md5_list",
        When::Always,
        Fault::RegionBlocked,
    ));
    let _other_a = rig.charge("2,000", FIVE_MIN_MS).await;
    let _other_b = rig.charge("3,000", FIVE_MIN_MS).await;
    // The first press finds the list endpoint blocked and checks the sale alone.
    assert!(matches!(
        pay_and_key(&rig, "1,000").await,
        CheckNow::Found { .. }
    ));
    // 2 of 3 spent (the refused list call and the single check); the two other sales now
    // need a final check each, and only one is left.
    assert_refused_for_budget(&pay_and_key(&rig, "4,000").await);
    assert_eq!(rig.sim.calls("check_transaction_by_md5"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_presses_racing_the_watcher_finalize_each_payment_exactly_once() {
    // The fast cadence checks every few tens of ms; the cashier hammers the key meanwhile.
    let rig = Rig::start().await;
    let mut charges = Vec::new();
    for i in 0..6 {
        charges.push(rig.charge(&format!("{}00", i + 1), 3_000).await);
    }
    for charge in &charges {
        rig.pay(charge);
    }
    let presses = charges.iter().flat_map(|charge| {
        let pos = rig.pos.clone();
        let id = charge.sale_id;
        (0..4).map(move |_| {
            let pos = pos.clone();
            tokio::spawn(async move { pos.check_now(id).await })
        })
    });
    for press in presses.collect::<Vec<_>>() {
        let answer = press.await.expect("task").expect("check");
        assert!(
            matches!(answer, CheckNow::Found { .. } | CheckNow::Closed { .. }),
            "{answer:?}"
        );
    }
    let all: Vec<_> = charges.iter().collect();
    rig.settle(&all, Duration::from_secs(10)).await;
    let audit = rig.audit();
    assert_eq!(audit.count(SaleStatus::Paid), 6);
    assert_eq!(
        audit.receipts, 6,
        "one receipt per sale, however the checks raced"
    );
}
