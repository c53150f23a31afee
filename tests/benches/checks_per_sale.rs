//! Bakong checks spent per sale, and how soon a payment is seen, for a customer paying 10 s,
//! 60 s or 4 min after the QR is shown, or never (5-minute QR).
//!
//! Two measurements of the same cadence:
//!
//! 1. the pure schedule (`Schedule::simulate`), exact, plus a sweep of every payment time in
//!    100 ms steps for the worst case;
//! 2. the live watcher against the simulator over loopback, one sale per POS, with the
//!    production schedule divided by `POS_BENCH_SCALE` (default 30) because the watcher runs
//!    on the wall clock. Checks are counted by the simulator; detection delays are multiplied
//!    back, so the watcher's own per-check overhead is multiplied too (an upper bound).
//!
//! Run with `cargo bench -p pos-scenarios --bench checks_per_sale`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pos_core::schedule::Schedule;
use pos_core::SaleStatus;
use pos_scenarios::rig::{Rig, RigOptions};

const LIFETIME_MS: i64 = 300_000;
const CASES: [(&str, Option<i64>); 4] = [
    ("paid after 10 s", Some(10_000)),
    ("paid after 60 s", Some(60_000)),
    ("paid after 4 min", Some(240_000)),
    ("never paid", None),
];
const CHECK_ENDPOINTS: [&str; 2] = ["check_transaction_by_md5", "check_transaction_by_md5_list"];

fn secs(ms: i64) -> String {
    format!("{}.{:01} s", ms / 1_000, (ms % 1_000) / 100)
}

fn wall_ms() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

fn pure() {
    let schedule = Schedule::default();
    println!("## pure schedule (Schedule::default, 5-minute QR)\n");
    println!("| payment | checks | seen after | seen this long after payment |");
    println!("| --- | --- | --- | --- |");
    for (name, paid) in CASES {
        let sim = schedule.simulate(LIFETIME_MS, paid);
        let seen = sim.detected_after_ms.map_or("—".to_owned(), secs);
        let delay = match (paid, sim.detected_after_ms) {
            (Some(p), Some(d)) => secs(d - p),
            _ => "—".to_owned(),
        };
        println!("| {name} | {} | {seen} | {delay} |", sim.checks);
    }
    println!("\nsweep, payment every 100 ms:\n");
    println!("| payment window | most checks | worst delay to detection | share seen within 5 s |");
    println!("| --- | --- | --- | --- |");
    for (name, from, to) in [
        ("0–60 s", 0, 60_000),
        ("60 s–5 min", 60_100, LIFETIME_MS - 100),
    ] {
        let mut most = 0;
        let mut worst = 0;
        let mut within = 0;
        let mut total = 0;
        for paid in (from..=to).step_by(100) {
            let sim = schedule.simulate(LIFETIME_MS, Some(paid));
            let delay = sim.detected_after_ms.map_or(i64::MAX, |d| d - paid);
            most = most.max(sim.checks);
            worst = worst.max(delay);
            total += 1;
            if delay <= 5_000 {
                within += 1;
            }
        }
        println!(
            "| {name} | {most} | {} | {}% |",
            secs(worst),
            within * 100 / total
        );
    }
}

/// One sale on its own POS; returns (checks, detection delay in production ms).
async fn live_case(k: i64, paid_after: Option<i64>) -> (u64, Option<i64>) {
    let schedule = Schedule::scaled(u32::try_from(k).unwrap());
    let horizon = LIFETIME_MS + Schedule::default().final_delay_ms + 1_800_000;
    let rig = Rig::start_with(RigOptions {
        schedule,
        ..RigOptions::default()
    })
    .await;
    let lifetime = u64::try_from(LIFETIME_MS / k).unwrap();
    let charge = rig.charge("5,000", lifetime).await;
    let mut paid_at = None;
    if let Some(after) = paid_after {
        let at = charge.created_at_ms + after / k;
        tokio::time::sleep(Duration::from_millis(
            u64::try_from((at - wall_ms()).max(0)).unwrap(),
        ))
        .await;
        paid_at = Some(wall_ms());
        rig.pay(&charge);
    }
    // Wait out the sale's whole schedule, late rechecks included, so every check is counted.
    let end = charge.created_at_ms + horizon / k + 500;
    tokio::time::sleep(Duration::from_millis(
        u64::try_from((end - wall_ms()).max(0)).unwrap(),
    ))
    .await;
    let sale = rig.pos.sale(charge.sale_id).await.unwrap();
    let checks = CHECK_ENDPOINTS.iter().map(|e| rig.sim.calls(e)).sum();
    let delay = match (paid_at, sale.status) {
        (Some(paid), SaleStatus::Paid) => Some((sale.updated_at_ms - paid) * k),
        (Some(_), other) => panic!("paid sale ended {other}"),
        (None, _) => None,
    };
    (checks, delay)
}

fn main() {
    pure();
    let k: i64 = std::env::var("POS_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = runtime.block_on(async {
        let runs: Vec<_> = CASES
            .iter()
            .map(|(_, paid)| tokio::spawn(live_case(k, *paid)))
            .collect();
        let mut results = Vec::new();
        for run in runs {
            results.push(run.await.unwrap());
        }
        results
    });
    println!("\n## live watcher against the simulator (schedule ÷ {k}, times scaled back)\n");
    println!("| payment | checks (counted by the simulator) | seen this long after payment |");
    println!("| --- | --- | --- |");
    for ((name, _), (checks, delay)) in CASES.iter().zip(results) {
        let delay = delay.map_or("—".to_owned(), secs);
        println!("| {name} | {checks} | {delay} |");
    }
}
