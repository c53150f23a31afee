//! Benchmarks of the shop database, ignored by `cargo test`; they print their numbers for
//! BENCHMARKS.md. Run: `cargo test --release -p pos-sync --test bench -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::cast_precision_loss)]

mod common;

use std::time::{Duration, Instant};

use common::ledger::Ledger;
use pos_store::NaiveDate;
use pos_sync::{BudgetRule, Password, Shop, ShopDb};

/// Sales in the push benchmark (3–4 ledger events each).
const SALES: u32 = 10_000;

#[tokio::test]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn bench_push_10000_sales() {
    let url = common::fresh_db();
    let mut ledger = Ledger::new("T1");
    let started = Instant::now();
    ledger.sell(SALES);
    let events = ledger.log().len();
    println!(
        "ledger of {SALES} sales ({events} events) written in {:.2?}",
        started.elapsed()
    );
    for batch in [500, 50] {
        let url = if batch == 500 {
            url.clone()
        } else {
            common::fresh_db()
        };
        let mut shop = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
        let started = Instant::now();
        let report = shop.push(&ledger.store, "T1", batch).await.unwrap();
        let took = started.elapsed();
        assert_eq!(report.pushed, events as u64);
        println!(
            "push of {events} events in batches of {batch}: {took:.2?} = {:.0} events/s, {:.0} sales/s",
            events as f64 / took.as_secs_f64(),
            f64::from(SALES) / took.as_secs_f64()
        );
        // Nothing left: the cost of a push that finds the shop up to date.
        let started = Instant::now();
        shop.push(&ledger.store, "T1", batch).await.unwrap();
        println!("push with nothing new: {:.2?}", started.elapsed());
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn bench_check_reservation_latency() {
    const N: usize = 2_000;
    let url = common::fresh_db();
    let mut admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let pw = Password::new("pw".into()).unwrap();
    let rule = BudgetRule::new(1_000_000, 2, 10).unwrap();
    admin
        .init_hub(rule, None, &[("T1", &pw), ("T2", &pw)])
        .await
        .unwrap();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    for counters in [1usize, 2] {
        let mut tasks = Vec::new();
        for t in ["T1", "T2"].into_iter().take(counters) {
            let role_url = url.replacen("postgres://pos@", &format!("postgres://{db}_{t}@"), 1);
            let shop = Shop::open(&ShopDb::parse(&role_url).unwrap())
                .await
                .unwrap();
            tasks.push(tokio::spawn(async move {
                let mut took = Vec::with_capacity(N);
                for _ in 0..N {
                    let started = Instant::now();
                    shop.reserve_checks(t, day, 1).await.unwrap().unwrap();
                    took.push(started.elapsed());
                }
                took
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        all.sort();
        println!(
            "reserve_checks, {counters} counter(s) at once, {} reservations: p50 {:.2?}, p95 {:.2?}, max {:.2?}",
            all.len(),
            percentile(&all, 50),
            percentile(&all, 95),
            all.last().unwrap()
        );
    }
}
