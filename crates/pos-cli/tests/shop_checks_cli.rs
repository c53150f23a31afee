//! The shop's shared checks with real counter processes (issue 15): three `khqr-pos charge
//! --wait` processes, each with its own data directory and ledger, joined to one real
//! PostgreSQL (pos-sync's harness) with their own roles and calling one Bakong simulator. One of
//! them is elected and checks every counter's waiting sale in one md5-list call; each sale is
//! finalized paid once, on its own counter, and the shop spends fewer checks than three
//! counters checking alone (at least one each).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "../../pos-sync/tests/common/mod.rs"]
mod pg;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{text, MERCHANT};
use pos_bakong_sim::{RunningSim, SimConfig};
use pos_domain::{Currency, Money};
use pos_sync::{BudgetRule, Password, Shop, ShopDb};
use tokio::io::{AsyncBufReadExt, BufReader};

const COUNTERS: [&str; 3] = ["T1", "T2", "T3"];

/// Counter `terminal`'s data directory in `dir`: its role's connection string in a private
/// file named by `[shop_db]`, the simulator's token, the simulator as its Bakong.
fn join_shop(dir: &Path, sim: &RunningSim, url: &str, terminal: &str) {
    let url = pg::shop::role_url(url, terminal, pg::shop::COUNTER_PW);
    std::fs::write(dir.join("shop-db"), url).unwrap();
    std::fs::write(dir.join("bakong-token"), sim.token()).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "terminal_id = \"{terminal}\"\n[merchant]\naccount_id = \"{MERCHANT}\"\nname = \"Test Shop\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\nemail = \"dev@example.com\"\n\
             [shop_db]\nurl_file = \"shop-db\"\noffline_share = 10\n",
            sim.url()
        ),
    )
    .unwrap();
}

fn bakong_calls(sim: &RunningSim) -> u64 {
    sim.calls("check_transaction_by_md5") + sim.calls("check_transaction_by_md5_list")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_waiting_cli_counters_are_checked_together_and_each_sale_is_paid_on_its_own_counter()
{
    let url = pg::fresh_db();
    let pw = Password::new("counter-pw".into()).unwrap();
    let logins: Vec<(&str, &Password)> = COUNTERS.iter().map(|t| (*t, &pw)).collect();
    Shop::open(&ShopDb::parse(&url).unwrap())
        .await
        .unwrap()
        .init_hub(BudgetRule::new(100, 3, 10).unwrap(), None, &logins)
        .await
        .unwrap();
    let sim = pos_bakong_sim::start(SimConfig {
        merchant_account: MERCHANT.into(),
        daily_quota: 10_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();

    let dirs: Vec<tempfile::TempDir> = COUNTERS
        .iter()
        .map(|_| tempfile::tempdir().unwrap())
        .collect();
    let mut running = Vec::new();
    for (dir, terminal) in dirs.iter().zip(COUNTERS) {
        join_shop(dir.path(), &sim, &url, terminal);
        let mut child = tokio::process::Command::from(common::khqr_pos(dir.path()))
            .args([
                "charge",
                "--amount",
                "5,000",
                "--currency",
                "KHR",
                "--wait",
                "--json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let charge: serde_json::Value =
            serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
        running.push((child, lines, charge));
    }
    // Every customer pays at once, before the first check is due (6 s after each QR).
    for (_, _, charge) in &running {
        common::scan_and_pay(&sim, charge, Money::new(5_000, Currency::Khr));
    }

    for ((child, mut lines, charge), terminal) in running.into_iter().zip(COUNTERS) {
        let last = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{terminal}'s sale was not final within 20 s"))
            .unwrap()
            .unwrap();
        let end: serde_json::Value = serde_json::from_str(&last).unwrap();
        let out = child.wait_with_output().await.unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{terminal}: {}",
            text(&out.stderr)
        );
        assert_eq!(end["outcome"], "paid", "{terminal}: {end}");
        // The sale's id is text in a SaleView (JavaScript would round a large one).
        assert_eq!(
            end["sale"]["id"],
            charge["saleId"].to_string(),
            "{terminal}"
        );
        assert_eq!(end["sale"]["terminalId"], terminal);
        assert_eq!(end["sale"]["receiptNumber"], 1, "{terminal}: {end}");
    }
    // Each ledger holds its own sale, paid once.
    for (dir, terminal) in dirs.iter().zip(COUNTERS) {
        let listed = common::ok(dir.path(), &["sales", "--json"]);
        let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
        let sales = listed["sales"].as_array().unwrap();
        assert_eq!(sales.len(), 1, "{terminal}: {listed}");
        assert_eq!(sales[0]["status"], "paid", "{terminal}");
    }
    // Three counters alone spend at least a check each; checked together, fewer.
    let calls = bakong_calls(&sim);
    assert!((1..3).contains(&calls), "{calls} Bakong calls");
}
