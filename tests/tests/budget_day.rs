//! A busy shop day on the production budget: 100 sales, a daily budget of 100 checks (10 kept
//! for final checks), and a simulator whose token quota is also 100, so any check beyond the
//! budget would come back as errorCode 17 and show up as a "quota" report.
//!
//! The watcher's budget follows the wall clock, so the day is compressed instead: sales come
//! every 100–200 ms, QRs live 1.5 s, and the cadence is the production one scaled down (see
//! [`fast_schedule`]). That is far denser than a real day, which is the point: the budget must
//! bind, and the test checks what happens when it does.

use std::collections::HashSet;
use std::time::Duration;

use pos_bakong_sim::PayOptions;
use pos_core::{CannotVerifyReason, ChargeView, SaleStatus, SalesQuery};
use pos_scenarios::rig::{fast_schedule, Rig, RigOptions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SALES: usize = 100;
const BUDGET: u32 = 100;
const LIFETIME_MS: u64 = 1_500;
const CHECK_ENDPOINTS: [&str; 2] = ["check_transaction_by_md5", "check_transaction_by_md5_list"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_100_sales_never_spends_more_than_the_budget_and_names_the_sales_left_unverified()
{
    let rig = Rig::start_with(RigOptions {
        budget: BUDGET,
        reserve: 10,
        sim_quota: BUDGET,
        schedule: fast_schedule(),
        ..RigOptions::default()
    })
    .await;
    let mut rng = StdRng::seed_from_u64(2026);
    let mut charges: Vec<ChargeView> = Vec::with_capacity(SALES);
    let mut paid = HashSet::new();
    for i in 0..SALES {
        let charge = rig.charge(&format!("{}00", 10 + i), LIFETIME_MS).await;
        // Three customers in four pay, at some point while the QR is shown; the rest walk away.
        if rng.gen_bool(0.75) {
            let delay = Duration::from_millis(rng.gen_range(0..1_200));
            rig.sim
                .pay(PayOptions {
                    delay,
                    ..PayOptions::new(&charge.md5)
                })
                .expect("payment");
            paid.insert(charge.md5.clone());
        }
        charges.push(charge);
        tokio::time::sleep(Duration::from_millis(rng.gen_range(100..200))).await;
    }
    // Let the last QR expire and every final check the budget allows happen.
    tokio::time::sleep(Duration::from_millis(LIFETIME_MS + 2_500)).await;

    let health = rig.pos.health().await.expect("health");
    assert!(
        health.checks_used_today <= BUDGET,
        "{} checks spent on a budget of {BUDGET}",
        health.checks_used_today
    );
    let sim_checks: u64 = CHECK_ENDPOINTS.iter().map(|e| rig.sim.calls(e)).sum();
    assert!(
        sim_checks <= u64::from(BUDGET),
        "{sim_checks} checks reached Bakong"
    );
    let reasons = rig.cannot_verify_reasons();
    assert!(
        !reasons.contains(&CannotVerifyReason::Quota),
        "Bakong's quota was hit: the watcher spent beyond its budget"
    );

    let audit = rig.audit();
    let mut unverified = Vec::new();
    for charge in &charges {
        let sale = audit.by_md5(&charge.md5);
        match sale.status {
            SaleStatus::Paid => assert!(paid.contains(&charge.md5), "{} paid?", sale.bill_number),
            SaleStatus::Expired => assert!(
                !paid.contains(&charge.md5),
                "{} was paid but marked expired",
                sale.bill_number
            ),
            SaleStatus::Pending => unverified.push(sale.bill_number.clone()),
            other => panic!("{} ended {other}", sale.bill_number),
        }
    }
    // The budget binds on a day this dense, and the POS says so…
    assert!(!unverified.is_empty(), "the budget never ran out");
    assert!(reasons.contains(&CannotVerifyReason::Budget), "{reasons:?}");
    // …and the sales it could not verify are exactly the ones the owner's list shows as
    // pending: never silently expired, never counted as paid.
    let pending = rig
        .pos
        .sales(SalesQuery {
            status: Some(SaleStatus::Pending),
            ..SalesQuery::default()
        })
        .await
        .expect("sales list");
    let listed: Vec<String> = pending
        .sales
        .iter()
        .map(|s| s.bill_number.clone())
        .collect();
    assert_eq!(listed, unverified);
    let report = rig.pos.report(None).await.expect("day report");
    assert_eq!(report.pending, unverified.len());
    assert_eq!(report.checks_used, health.checks_used_today);
    eprintln!(
        "budget day: {} paid, {} expired, {} unverified, {} checks used, {} reached Bakong",
        audit.count(SaleStatus::Paid),
        audit.count(SaleStatus::Expired),
        unverified.len(),
        health.checks_used_today,
        sim_checks
    );
}
