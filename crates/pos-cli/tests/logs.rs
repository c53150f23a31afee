//! The log file of a real `khqr-pos` run against a simulator with a Bakong token configured:
//! it records the Bakong calls (request ids, codes) and never the token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};

use pos_bakong_sim::SimConfig;

const BIN: &str = env!("CARGO_BIN_EXE_khqr-pos");
const MERCHANT: &str = "shop@devb";

/// Runs the binary on `dir` and returns its stdout, failing the test on a non-zero exit.
fn khqr_pos(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("KHQR_POS_CONFIG")
        .env_remove("KHQR_POS_ENVIRONMENT")
        .env_remove("KHQR_POS_LOG")
        .env("KHQR_POS_DATA_DIR", dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_charge_and_a_check_log_bakong_calls_but_never_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let sim = pos_bakong_sim::start(SimConfig {
        merchant_account: MERCHANT.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let token = sim.token().to_owned();
    std::fs::write(dir.path().join("bakong-token"), &token).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "terminal_id = \"LOG1\"\n[merchant]\naccount_id = \"{MERCHANT}\"\nname = \"Log Shop\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\nemail = \"dev@example.com\"\n",
            sim.url()
        ),
    )
    .unwrap();
    let data = dir.path().to_owned();
    let charge = tokio::task::spawn_blocking(move || {
        let charge: serde_json::Value = serde_json::from_str(&khqr_pos(
            &data,
            &["charge", "--amount", "5000", "--currency", "KHR", "--json"],
        ))
        .unwrap();
        let bill = charge["billNumber"].as_str().unwrap().to_owned();
        // Not paid yet: `check` answers "not found" with its own exit code; only the call matters.
        Command::new(BIN)
            .args(["check", &bill])
            .env("KHQR_POS_DATA_DIR", &data)
            .env_remove("KHQR_POS_CONFIG")
            .env_remove("KHQR_POS_ENVIRONMENT")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    });
    // The commands call this test's simulator: they run off its runtime's threads.
    charge.await.unwrap();

    let logs = pos_core::logs::log_dir(dir.path());
    let mut text = String::new();
    for entry in std::fs::read_dir(&logs).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        text.contains("bakong reply"),
        "the Bakong call is logged: {text}"
    );
    assert!(text.contains("request_id="), "with its request id: {text}");
    assert!(!token.is_empty());
    assert!(!text.contains(&token), "the token is in the log");
    let signature = token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature), "part of the token is in the log");
}
