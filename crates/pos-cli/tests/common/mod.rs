//! What the `khqr-pos` end-to-end tests share: the built binary with a clean environment,
//! a data directory configured against a simulator, and the checks on a finished run.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use pos_bakong_sim::{RunningSim, SimConfig};

pub const BIN: &str = env!("CARGO_BIN_EXE_khqr-pos");
pub const MERCHANT: &str = "shop@devb";

/// The variables the binary reads that would let the machine's own setup into a test.
const MACHINE_ENV: [&str; 9] = [
    "KHQR_POS_CONFIG",
    "KHQR_POS_ENVIRONMENT",
    "KHQR_POS_BAKONG_URL",
    "KHQR_POS_TOKEN_FILE",
    "KHQR_POS_LOG",
    "KHQR_POS_BACKUP_DIR",
    "KHQR_POS_BACKUP_KEEP_DAYS",
    "KHQR_POS_TERMINAL_ID",
    "KHQR_POS_SHOP_DB",
];

/// The binary with a clean environment apart from the data directory `dir`.
pub fn khqr_pos(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    for name in MACHINE_ENV {
        command.env_remove(name);
    }
    command.env("KHQR_POS_DATA_DIR", dir).stdin(Stdio::null());
    command
}

/// Runs the binary on `dir` to the end.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    khqr_pos(dir).args(args).output().unwrap()
}

/// Runs the binary on `dir`, fails the test unless it exits 0, and returns its stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    if !out.status.success() {
        eprintln!("khqr-pos {args:?} failed");
    }
    succeeded(&out)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the command exited with `code`, showing both streams when it did not.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Asserts the command exited 0 (showing both streams when it did not) and returns its stdout.
pub fn succeeded(out: &Output) -> String {
    assert_exit(out, 0);
    text(&out.stdout)
}

/// `charge` of 5,000 riel in demo mode, waiting until the demo pays it after `autopay`.
pub fn demo_paid_charge(autopay: &str) -> [&str; 8] {
    [
        "charge",
        "--amount",
        "5000",
        "--currency",
        "KHR",
        "--wait",
        "--demo-autopay",
        autopay,
    ]
}

/// A simulator, and a data directory configured to use it as the "custom" environment with
/// its token in the token file: terminal `terminal_id` of the shop `shop_name`.
pub async fn custom_env(terminal_id: &str, shop_name: &str) -> (tempfile::TempDir, RunningSim) {
    let dir = tempfile::tempdir().unwrap();
    let sim = pos_bakong_sim::start(SimConfig {
        merchant_account: MERCHANT.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    std::fs::write(dir.path().join("bakong-token"), sim.token()).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "terminal_id = \"{terminal_id}\"\n[merchant]\naccount_id = \"{MERCHANT}\"\nname = \"{shop_name}\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\nemail = \"dev@example.com\"\n",
            sim.url()
        ),
    )
    .unwrap();
    (dir, sim)
}
