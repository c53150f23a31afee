//! Benchmarks of counters with a shop database, ignored by `cargo test`; they print their
//! numbers for BENCHMARKS.md. Run:
//! `cargo test --release -p pos-core --features demo --test shop_bench -- --ignored --nocapture`
//! (`POS_BENCH_SALES=N` changes the sales per counter, default 200; `bench_elected_checker`
//! alone: add `bench_elected` before `--`, and `POS_BENCH_CHECKER_SALES=N`, default 40).
//!
//! Each counter is a demo-mode `Pos` (its own ledger and in-process simulator, the production
//! check cadence scaled 200× faster) with `[shop_db]` set, so its watcher spends the shop's one
//! budget and its automatic push carries its ledger to PostgreSQL. Every counter sells its
//! sales one after the other (charge, the customer pays 4–39 s later in the scaled time,
//! the watcher finds it PAID), all
//! counters at once, while a watcher per counter notes when each receipt appears in
//! PostgreSQL. Then an empty shop database is rebuilt from the counters' ledgers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_precision_loss
)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::ledger::db_name;
use pos_core::{ChargeRequest, Config, Currency, Pos, PosEvent, SaleStatus, StartOptions};
use pos_sync::{BudgetRule, Password, Shop, ShopDb, SyncError};

/// A shop day far above what the run spends: the budget is counted, not binding.
const DAILY: u32 = 100_000;

fn sales_per_counter() -> usize {
    std::env::var("POS_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn pct(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

struct Run {
    latencies: Vec<Duration>,
    checks: u32,
    pooled: u32,
    sales: usize,
    took: Duration,
    ledgers: Vec<(String, PathBuf, tempfile::TempDir)>,
}

async fn run(counters: usize, sales: usize) -> Run {
    let url = common::fresh_db();
    let mut admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let pw = Password::new("counter-pw".into()).unwrap();
    let terminals: Vec<String> = (1..=counters).map(|i| format!("T{i}")).collect();
    let roles: Vec<(&str, &Password)> = terminals.iter().map(|t| (t.as_str(), &pw)).collect();
    let rule = BudgetRule::new(DAILY, u32::try_from(counters).unwrap(), 10).unwrap();
    admin.init_hub(rule, None, &roles).await.unwrap();
    let db = db_name(&url).to_owned();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for terminal in &terminals {
        let dir = tempfile::tempdir().unwrap();
        let role_url = url.replacen(
            "postgres://pos@",
            &format!("postgres://{db}_{terminal}:counter-pw@"),
            1,
        );
        std::fs::write(dir.path().join("shop-db"), role_url).unwrap();
        let config = Config::from_toml(
            &format!(
                "terminal_id = \"{terminal}\"\n\
                 [bakong]\nenvironment = \"demo\"\ndaily_check_budget = {DAILY}\n\
                 [shop_db]\nurl_file = \"shop-db\"\noffline_share = 10\n"
            ),
            dir.path(),
        )
        .unwrap();
        let pos = Pos::start_with(config, StartOptions::accelerated(200))
            .await
            .unwrap();
        let terminal = terminal.clone();
        let watch_url = url.clone();
        tasks.push(tokio::spawn(async move {
            let seen = tokio::spawn(watch_receipts(watch_url, terminal.clone(), sales));
            let mut events = pos.subscribe();
            let mut paid_at = HashMap::new();
            for n in 0..sales {
                let charge = pos
                    .charge(ChargeRequest {
                        amount: format!("{}", 1_000 + n * 100),
                        currency: Some(Currency::Khr),
                        ..ChargeRequest::default()
                    })
                    .await
                    .unwrap();
                // The customer pays 4 to 39 s after the QR shows (scaled like the cadence),
                // so a sale costs the checks its wait does, not always one.
                let wait = 4_000 + (n as u64 * 7_919) % 36_000;
                tokio::time::sleep(Duration::from_millis(wait / 200)).await;
                pos.demo_pay(charge.sale_id).await.unwrap();
                loop {
                    if let PosEvent::SaleUpdated { sale } = events.recv().await.unwrap() {
                        if sale.id == charge.sale_id && sale.status == SaleStatus::Paid {
                            paid_at.insert(charge.sale_id, Instant::now());
                            break;
                        }
                    }
                }
            }
            let seen = seen.await.unwrap();
            let latencies: Vec<Duration> = paid_at
                .iter()
                .map(|(id, paid)| seen[id].saturating_duration_since(*paid))
                .collect();
            let checks = pos.health().await.unwrap().checks_used_today;
            pos.shutdown().await;
            let path = dir.path().join("ledger.sqlite3");
            (latencies, checks, (terminal, path, dir))
        }));
    }
    let mut result = Run {
        latencies: Vec::new(),
        checks: 0,
        pooled: 0,
        sales: counters * sales,
        took: Duration::ZERO,
        ledgers: Vec::new(),
    };
    for task in tasks {
        let (latencies, checks, ledger) = task.await.unwrap();
        result.latencies.extend(latencies);
        result.checks += checks;
        result.ledgers.push(ledger);
    }
    result.took = started.elapsed();
    result.latencies.sort();
    result.pooled = common::shared()
        .psql(&db, "SELECT coalesce(sum(n), 0) FROM check_reservations")
        .parse()
        .unwrap();
    result
}

/// Polls the shop database every 2 ms until `sales` receipts of `terminal` are there; returns
/// when each sale's receipt was first seen.
async fn watch_receipts(url: String, terminal: String, sales: usize) -> HashMap<i64, Instant> {
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let query = client
        .prepare("SELECT number, sale_id FROM receipts WHERE terminal_id = $1 AND number > $2")
        .await
        .unwrap();
    let mut seen = HashMap::new();
    let mut last = 0_i64;
    let deadline = Instant::now() + Duration::from_secs(600);
    while seen.len() < sales {
        assert!(Instant::now() < deadline, "receipts of {terminal} missing");
        for row in client.query(&query, &[&terminal, &last]).await.unwrap() {
            let number: i64 = row.get(0);
            seen.entry(row.get(1)).or_insert_with(Instant::now);
            last = last.max(number);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn bench_counters_selling_into_one_shop_database() {
    let sales = sales_per_counter();
    let mut five = None;
    for counters in [5, 1] {
        let run = run(counters, sales).await;
        println!(
            "{counters} counter(s) x {sales} sales in {:.1?}: paid -> receipt visible in \
             PostgreSQL p50 {:.0?}, p95 {:.0?}, max {:.0?}; Bakong checks {} = {:.2} a sale \
             ({} of them from the shop's pool)",
            run.took,
            pct(&run.latencies, 50),
            pct(&run.latencies, 95),
            run.latencies.last().unwrap(),
            run.checks,
            f64::from(run.checks) / run.sales as f64,
            run.pooled,
        );
        if counters == 5 {
            five = Some(run);
        }
    }
    // An empty shop database rebuilt from the five counters' ledgers, all pushing at once.
    let five = five.unwrap();
    let url = common::fresh_db();
    let started = Instant::now();
    let mut pushes = Vec::new();
    for (terminal, path, _) in &five.ledgers {
        let (url, terminal, path) = (url.clone(), terminal.clone(), path.clone());
        pushes.push(tokio::spawn(async move {
            // A ledger connection is not shared between threads: one read at a time.
            let store = std::sync::Mutex::new(pos_store::Store::open(path).unwrap());
            let mut shop = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
            let read = |after, n| {
                let events = store.lock().unwrap().log_after(&terminal, after, n);
                std::future::ready(events.map_err(SyncError::from))
            };
            shop.push_from(&terminal, 500, read).await.unwrap().pushed
        }));
    }
    let mut events = 0;
    for push in pushes {
        events += push.await.unwrap();
    }
    println!(
        "empty shop database rebuilt from 5 ledgers ({events} events, {} sales): {:.2?}",
        five.sales,
        started.elapsed()
    );
}

/// The elected checker: `counters` counters against one simulator on loopback, each selling
/// `sales` sales one after the other (the customer paying 4–39 s after the QR, the cadence
/// scaled 20× faster), with the shop's shared checks on or off. Returns the Bakong calls the
/// simulator served and the sales.
async fn elected_run(counters: usize, sales: usize, shared_checks: bool) -> (u64, usize) {
    const SPEED: u64 = 20;
    let sim = pos_bakong_sim::start(pos_bakong_sim::SimConfig {
        email: "dev@example.com".into(),
        merchant_account: "shop@devb".into(),
        daily_quota: 1_000_000,
        ..pos_bakong_sim::SimConfig::default()
    })
    .await
    .unwrap();
    let url = common::fresh_db();
    let mut admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let pw = Password::new("counter-pw".into()).unwrap();
    let terminals: Vec<String> = (1..=counters).map(|i| format!("T{i}")).collect();
    let roles: Vec<(&str, &Password)> = terminals.iter().map(|t| (t.as_str(), &pw)).collect();
    let rule = BudgetRule::new(DAILY, u32::try_from(counters).unwrap(), 10).unwrap();
    admin.init_hub(rule, None, &roles).await.unwrap();
    let db = db_name(&url).to_owned();
    let sim = std::sync::Arc::new(sim);
    let mut tasks = Vec::new();
    for terminal in &terminals {
        let dir = tempfile::tempdir().unwrap();
        let role_url = url.replacen(
            "postgres://pos@",
            &format!("postgres://{db}_{terminal}:counter-pw@"),
            1,
        );
        std::fs::write(dir.path().join("shop-db"), role_url).unwrap();
        std::fs::write(dir.path().join("bakong-token"), sim.token()).unwrap();
        let config = Config::from_toml(
            &format!(
                "terminal_id = \"{terminal}\"\n\
                 [merchant]\naccount_id = \"shop@devb\"\nname = \"Bench Shop\"\n\
                 [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\n\
                 email = \"dev@example.com\"\ndaily_check_budget = {DAILY}\n\
                 [shop_db]\nurl_file = \"shop-db\"\noffline_share = 10\n",
                sim.url()
            ),
            dir.path(),
        )
        .unwrap();
        let pos = Pos::start_with(
            config,
            StartOptions {
                shared_checks,
                ..StartOptions::accelerated(u32::try_from(SPEED).unwrap())
            },
        )
        .await
        .unwrap();
        let sim = std::sync::Arc::clone(&sim);
        tasks.push(tokio::spawn(async move {
            let mut events = pos.subscribe();
            for n in 0..sales {
                let charge = pos
                    .charge(ChargeRequest {
                        amount: format!("{}", 1_000 + n * 100),
                        currency: Some(Currency::Khr),
                        ..ChargeRequest::default()
                    })
                    .await
                    .unwrap();
                sim.register_md5(
                    &charge.md5,
                    pos_bakong_sim::QrInfo {
                        amount: Some(charge.amount),
                        account: Some("shop@devb".into()),
                        expires_ms: Some(charge.expires_at_ms),
                    },
                )
                .unwrap();
                let wait = 4_000 + (n as u64 * 7_919) % 36_000;
                tokio::time::sleep(Duration::from_millis(wait / SPEED)).await;
                sim.pay(pos_bakong_sim::PayOptions::new(&charge.md5))
                    .unwrap();
                loop {
                    if let PosEvent::SaleUpdated { sale } = events.recv().await.unwrap() {
                        if sale.id == charge.sale_id && sale.status == SaleStatus::Paid {
                            break;
                        }
                    }
                }
            }
            pos.shutdown().await;
            drop(dir);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let calls = sim.calls("check_transaction_by_md5") + sim.calls("check_transaction_by_md5_list");
    (calls, counters * sales)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn bench_elected_checker_checks_per_sale() {
    let sales = std::env::var("POS_BENCH_CHECKER_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    for (counters, shared) in [(1, true), (5, true), (5, false)] {
        let started = Instant::now();
        let (calls, total) = elected_run(counters, sales, shared).await;
        println!(
            "{counters} counter(s) x {sales} sales, shared checks {}: {calls} Bakong calls = \
             {:.2} a sale ({:.1?})",
            if shared { "on" } else { "off" },
            calls as f64 / total as f64,
            started.elapsed(),
        );
    }
}
