//! The built `khqr-pos` binary end to end: demo mode on a fresh data directory, and the
//! "custom" environment against a simulator run by the test (as an external simulator process
//! would be), with a real ledger file. Nothing leaves loopback.

// Test helpers outside `#[test]` functions may panic too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use common::{custom_env as shop_env, succeeded, text};
use pos_bakong_sim::{PayOptions, RunningSim};
use pos_domain::{Currency, Money};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// The binary with a clean environment apart from the data directory.
fn khqr_pos(dir: &Path) -> Command {
    Command::from(common::khqr_pos(dir))
}

async fn run(dir: &Path, args: &[&str]) -> Output {
    tokio::time::timeout(Duration::from_secs(60), khqr_pos(dir).args(args).output())
        .await
        .expect("khqr-pos did not finish within a minute")
        .unwrap()
}

/// A simulator and a data directory configured to use it as the "custom" environment.
async fn custom_env() -> (tempfile::TempDir, RunningSim) {
    shop_env("CLI1", "Cli Shop").await
}

#[tokio::test]
async fn the_demo_command_on_a_fresh_machine_shows_a_qr_and_then_paid() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &common::demo_paid_charge("3s")).await;
    let stdout = succeeded(&out);
    assert!(stdout.contains('█'), "no qr drawn: {stdout}");
    assert!(stdout.contains("DEMO MODE"));
    let paid = stdout.lines().last().unwrap();
    assert!(paid.starts_with("PAID  5,000 KHR"), "{paid}");
}

#[tokio::test]
async fn charge_json_prints_the_qr_after_recording_the_sale_and_owner_commands_see_it() {
    let (dir, _sim) = custom_env().await;
    let out = run(
        dir.path(),
        &["charge", "--amount", "1.50", "--currency", "usd", "--json"],
    )
    .await;
    let charge: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    assert!(charge["qr"].as_str().unwrap().starts_with("000201"));
    assert_eq!(charge["md5"].as_str().unwrap().len(), 32);
    assert!(charge["billNumber"].as_str().unwrap().starts_with("CLI1-"));
    assert!(charge["expiresAt"].is_string());
    assert_eq!(charge["amountText"], "1.50");
    assert!(charge.get("qrSvg").is_none());

    let out = run(dir.path(), &["sales", "--json"]).await;
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sales = list["sales"].as_array().unwrap();
    assert_eq!(sales.len(), 1);
    assert_eq!(sales[0]["status"], "pending");
    assert_eq!(sales[0]["md5"], charge["md5"]);

    let out = run(dir.path(), &["sales", "--csv"]).await;
    let csv = text(&out.stdout);
    assert!(csv.lines().count() == 2, "{csv}");
    assert!(csv.contains(charge["billNumber"].as_str().unwrap()));

    let out = run(dir.path(), &["report", "--json"]).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pending"], 1);

    let out = run(dir.path(), &["ledger", "verify"]).await;
    assert!(succeeded(&out).contains("intact"));
}

#[tokio::test]
async fn charge_wait_against_an_external_simulator_exits_0_once_paid() {
    let (dir, sim) = custom_env().await;
    let mut child = khqr_pos(dir.path())
        .args([
            "charge",
            "--amount",
            "2,500",
            "--currency",
            "KHR",
            "--wait",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let charge: serde_json::Value = serde_json::from_str(&first).unwrap();
    common::scan_and_pay(&sim, &charge, Money::new(2500, Currency::Khr));
    let last = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let end: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(end["outcome"], "paid");
    assert_eq!(end["sale"]["receiptNumber"], 1);
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn watch_until_idle_finalizes_a_sale_left_pending_by_an_earlier_process() {
    let (dir, sim) = custom_env().await;
    let out = run(dir.path(), &["charge", "--amount", "9000", "--json"]).await;
    let charge: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    sim.pay(PayOptions {
        amount: Some(Money::new(9000, Currency::Khr)),
        ..PayOptions::new(charge["md5"].as_str().unwrap())
    })
    .unwrap();
    let out = run(dir.path(), &["watch", "--until-idle", "--timeout", "40s"]).await;
    let stdout = succeeded(&out);
    assert!(stdout.contains("→ paid"), "{stdout}");
    assert!(stdout.contains("idle"));
}

#[tokio::test]
async fn check_bill_says_not_found_yet_then_paid_with_one_check_each() {
    let (dir, sim) = custom_env().await;
    let out = run(dir.path(), &["charge", "--amount", "4000", "--json"]).await;
    let charge: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bill = charge["billNumber"].as_str().unwrap();
    let out = run(dir.path(), &["check", bill]).await;
    assert_eq!(out.status.code(), Some(8), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("not found yet"));
    sim.pay(PayOptions {
        amount: Some(Money::new(4000, Currency::Khr)),
        ..PayOptions::new(charge["md5"].as_str().unwrap())
    })
    .unwrap();
    let out = run(dir.path(), &["check", bill, "--json"]).await;
    let answer: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    assert_eq!(answer["check"]["outcome"], "found");
    assert_eq!(answer["check"]["sale"]["status"], "paid");
    assert_eq!(answer["checksUsedToday"], 2);
    assert_eq!(sim.calls("check_transaction_by_md5"), 2);
}

#[tokio::test]
async fn a_bad_amount_fails_with_its_code_and_no_sale_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["charge", "--amount", "12.5", "--currency", "KHR"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("amount_invalid"), "{stderr}");
    let out = run(dir.path(), &["sales", "--json"]).await;
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["sales"].as_array().unwrap().len(), 0);
}

/// Runs `charge` with `args`, asserts it failed with exit code 1, and returns its stderr.
async fn refused_charge(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, &[&["charge"], args].concat()).await;
    common::assert_exit(&out, 1);
    text(&out.stderr)
}

async fn sale_count(dir: &Path) -> usize {
    let out = run(dir, &["sales", "--json"]).await;
    let list: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    list["sales"].as_array().unwrap().len()
}

#[tokio::test]
async fn amounts_outside_the_cashier_grammar_are_refused_with_the_rule_and_no_sale() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = refused_charge(dir.path(), &["--amount=1e5", "--currency", "KHR"]).await;
    assert!(
        stderr.contains("`1e5`: not a number; amounts are digits only, and 'e' is not allowed"),
        "{stderr}"
    );
    for amount in ["+5000", "1,5,0,0", "1.5e3", "4e7"] {
        let stderr = refused_charge(dir.path(), &["--amount", amount, "--currency", "KHR"]).await;
        assert!(stderr.contains(&format!("`{amount}`: ")), "{stderr}");
    }
    let stderr = refused_charge(
        dir.path(),
        &["--amount", "99999999999999999999", "--currency", "KHR"],
    )
    .await;
    assert!(
        stderr.contains("`99999999999999999999`: over the shop's maximum of 40,000,000 KHR"),
        "{stderr}"
    );
    assert!(!stderr.contains("9,223,372"), "{stderr}");
    assert_eq!(sale_count(dir.path()).await, 0);
}

#[tokio::test]
async fn a_note_with_a_terminal_escape_or_of_100000_characters_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = refused_charge(
        dir.path(),
        &["--amount", "5000", "--note", "table 4 \x1b[31mred"],
    )
    .await;
    assert!(
        stderr.contains("note: control character U+001B at character 9 is not allowed"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "the escape reached the terminal: {stderr:?}"
    );
    let long = "n".repeat(100_000);
    let stderr = refused_charge(dir.path(), &["--amount", "5000", "--note", &long]).await;
    assert!(
        stderr.contains("note: at most 200 characters are allowed, this has 100000"),
        "{stderr}"
    );
    assert!(
        stderr.len() < 1_000,
        "the note was echoed back: {} bytes",
        stderr.len()
    );
    assert_eq!(sale_count(dir.path()).await, 0);
}

#[tokio::test]
async fn config_show_names_the_token_file_but_never_prints_the_token() {
    let (dir, sim) = custom_env().await;
    let out = run(dir.path(), &["config", "show"]).await;
    let stdout = succeeded(&out);
    assert!(stdout.contains("bakong-token"));
    assert!(stdout.contains("\"present\": true"));
    assert!(!stdout.contains(sim.token()), "the token leaked");
    assert!(!stdout.contains(sim.token().split('.').nth(1).unwrap()));
}

#[tokio::test]
async fn charge_help_documents_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["charge", "--help"]).await;
    let help = text(&out.stdout);
    for needle in [
        "Exit codes",
        "0  paid",
        "3  expired",
        "4  payment failed",
        "5  cancelled",
        "6  cannot verify",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

/// The sale with bill `bill` as `khqr-pos sales --json` lists it.
async fn listed(dir: &Path, bill: &str) -> serde_json::Value {
    let out = run(dir, &["sales", "--json"]).await;
    let list: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    let sales = list["sales"].as_array().unwrap();
    sales
        .iter()
        .find(|s| s["billNumber"] == bill)
        .cloned()
        .unwrap()
}

/// Asserts `accept` was refused (exit 1) with `code`, and the sale was left pending.
async fn refused_accept(dir: &Path, out: &Output, code: &str, bill: &str) {
    common::assert_exit(out, 1);
    assert!(text(&out.stderr).contains(code), "{}", text(&out.stderr));
    let sale = listed(dir, bill).await;
    assert_eq!(sale["status"], "pending", "{sale}");
    assert!(sale["acceptedRef"].is_null(), "{sale}");
}

#[tokio::test]
async fn accept_bill_is_refused_while_bakong_answers_and_records_the_sale_in_an_outage() {
    let (dir, sim) = custom_env().await;
    let out = run(dir.path(), &["charge", "--amount", "6000", "--json"]).await;
    let charge: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bill = charge["billNumber"].as_str().unwrap();
    // Bakong answers "not found yet": the check key is the way, nothing is accepted.
    let out = run(dir.path(), &["accept", bill, "--ref", "4821"]).await;
    refused_accept(dir.path(), &out, "accept_not_needed", bill).await;
    sim.add_fault(pos_bakong_sim::FaultRule::everywhere(
        pos_bakong_sim::When::Always,
        pos_bakong_sim::Fault::ServerError {
            status: 503,
            empty: false,
        },
    ));
    // A blank reference, or one with a control character, is refused and writes nothing.
    for bad in ["  ", "48\u{1b}[2J21"] {
        let out = run(dir.path(), &["accept", bill, "--ref", bad]).await;
        refused_accept(dir.path(), &out, "text_invalid", bill).await;
    }
    let out = run(dir.path(), &["accept", bill, "--ref", "…4821", "--json"]).await;
    common::assert_exit(&out, 6);
    let accepted: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accepted["outcome"], "accepted");
    assert_eq!(accepted["sale"]["status"], "accepted_unverified");
    assert_eq!(accepted["sale"]["acceptedRef"], "…4821");
    // Counted apart: not in the takings until Bakong confirms it.
    let out = run(dir.path(), &["report", "--json"]).await;
    let report: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    assert_eq!(report["takings"], serde_json::json!([]));
    assert_eq!(report["accepted"][0]["sumText"], "6,000");
    let out = run(dir.path(), &["report"]).await;
    assert!(succeeded(&out).contains("NOT verified yet"));
    // Bakong is back with the payment: the watcher verifies it, paid with one receipt.
    sim.clear_faults();
    sim.pay(PayOptions {
        amount: Some(Money::new(6000, Currency::Khr)),
        ..PayOptions::new(charge["md5"].as_str().unwrap())
    })
    .unwrap();
    let out = run(dir.path(), &["watch", "--until-idle", "--timeout", "40s"]).await;
    let stdout = succeeded(&out);
    assert!(stdout.contains("→ paid"), "{stdout}");
    let sale = listed(dir.path(), bill).await;
    assert_eq!(sale["status"], "paid");
    assert_eq!(sale["receiptNumber"], 1);
}

#[tokio::test]
async fn accept_is_refused_when_the_owner_turned_it_off() {
    let (dir, sim) = custom_env().await;
    let config = dir.path().join("config.toml");
    let text_now = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("accept_unverified = false\n{text_now}")).unwrap();
    let out = run(dir.path(), &["charge", "--amount", "6000", "--json"]).await;
    let charge: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bill = charge["billNumber"].as_str().unwrap();
    sim.add_fault(pos_bakong_sim::FaultRule::everywhere(
        pos_bakong_sim::When::Always,
        pos_bakong_sim::Fault::ServerError {
            status: 503,
            empty: false,
        },
    ));
    let out = run(dir.path(), &["accept", bill, "--ref", "4821"]).await;
    refused_accept(dir.path(), &out, "accept_disabled", bill).await;
}
