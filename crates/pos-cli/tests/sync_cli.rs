//! `khqr-pos sync push|status` against a real PostgreSQL started by the test (pos-sync's
//! harness): demo sales pushed exactly once, today's shop totals, and the connection string
//! never printed, even when the database cannot be reached.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_khqr-pos");

fn khqr_pos(dir: &Path, shop_db: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("KHQR_POS_CONFIG")
        .env_remove("KHQR_POS_ENVIRONMENT")
        .env_remove("KHQR_POS_TERMINAL_ID")
        .env_remove("KHQR_POS_SHOP_DB")
        .env("KHQR_POS_DATA_DIR", dir)
        .stdin(Stdio::null());
    if let Some(url) = shop_db {
        command.env("KHQR_POS_SHOP_DB", url);
    }
    command.output().unwrap()
}

fn ok(dir: &Path, shop_db: Option<&str>, args: &[&str]) -> serde_json::Value {
    let out = khqr_pos(dir, shop_db, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_default()
}

#[test]
fn sync_push_stores_the_counters_sales_once_and_status_shows_todays_shop_totals() {
    let dir = tempfile::tempdir().unwrap();
    // Two counters' worth of charges at once: each waits several seconds for the demo's
    // first check, so in parallel the test waits for one.
    let charges: Vec<_> = ["5000", "7000"]
        .map(|amount| {
            let dir = dir.path().to_owned();
            std::thread::spawn(move || {
                ok(
                    &dir,
                    None,
                    &[
                        "charge",
                        "--amount",
                        amount,
                        "--currency",
                        "KHR",
                        "--wait",
                        "--demo-autopay",
                        "200ms",
                    ],
                )
            })
        })
        .into_iter()
        .collect();
    for charge in charges {
        charge.join().unwrap();
    }
    let url = common::fresh_db();
    let first = ok(dir.path(), Some(&url), &["sync", "push", "--json"]);
    assert!(first["pushed"].as_u64().unwrap() >= 4, "{first}");
    let again = ok(dir.path(), Some(&url), &["sync", "push", "--json"]);
    assert_eq!(again["pushed"], 0, "{again}");
    assert_eq!(again["high_water"], first["high_water"]);
    let status = ok(dir.path(), Some(&url), &["sync", "status", "--json"]);
    assert_eq!(status["waiting"], 0, "{status}");
    let shop_total = status["paid_today"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["terminal_id"].is_null())
        .unwrap_or_else(|| panic!("no shop total in {status}"));
    assert_eq!(shop_total["count"], 2, "{status}");
    assert_eq!(shop_total["paid"]["minor"], 12_000, "{status}");
}

#[test]
fn without_a_reachable_shop_database_sync_fails_clearly_and_never_prints_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = khqr_pos(dir.path(), None, &["sync", "status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KHQR_POS_SHOP_DB"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for url in [
        format!("postgres://counter:hunter2secret@127.0.0.1:{port}/shop"),
        "postgres://counter:hunter2secret@127.0.0.1:notaport/shop".to_owned(),
    ] {
        let out = khqr_pos(dir.path(), Some(&url), &["sync", "push"]);
        assert_eq!(out.status.code(), Some(1));
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(printed.contains("error"), "{printed}");
        assert!(!printed.contains("hunter2secret"), "{printed}");
    }
}
