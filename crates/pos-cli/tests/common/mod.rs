//! What the `khqr-pos` end-to-end tests share: the built binary with a clean environment,
//! a data directory configured against a simulator, and the checks on a finished run.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use pos_bakong_sim::{PayOptions, QrInfo, RunningSim, SimConfig};
use pos_domain::Money;

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

/// `khqr-pos args` on `dir` with `shop_db` as KHQR_POS_SHOP_DB and `env` set: one runner for
/// the shop-database tests, which each set their own variables.
pub fn khqr_pos_env(
    dir: &Path,
    shop_db: Option<&str>,
    env: &[(&str, &str)],
    args: &[&str],
) -> Output {
    let mut command = khqr_pos(dir);
    command
        .args(args)
        .envs(shop_db.map(|url| ("KHQR_POS_SHOP_DB", url)))
        .envs(env.iter().copied());
    command.output().unwrap()
}

/// Runs [`khqr_pos_env`], asserts it succeeded, and parses the last line of its output as
/// JSON (if it is): the shop-database tests read each step's result so.
pub fn ok_env(
    dir: &Path,
    shop_db: Option<&str>,
    env: &[(&str, &str)],
    args: &[&str],
) -> serde_json::Value {
    let out = khqr_pos_env(dir, shop_db, env, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_default()
}

/// `hub init` with counters T1 and T2 and an owner role on the empty shop database `url`, run
/// from `scratch`: the hub the CLI tests of the owner's shop data (rate, cashiers) start from.
pub fn init_owner_hub(scratch: &Path, url: &str) {
    let secrets = [
        ("KHQR_POS_HUB_PASSWORD_T1", "t1-hunter2secret"),
        ("KHQR_POS_HUB_PASSWORD_T2", "t2-hunter2secret"),
        ("KHQR_POS_HUB_OWNER_PASSWORD", "owner-hunter2secret"),
    ];
    let init = ["hub", "init", "--counter", "T1", "--counter", "T2"];
    let out = khqr_pos_env(scratch, Some(url), &secrets, &init);
    assert!(out.status.success(), "{out:?}");
}

/// The shop database at `url` (its superuser's URL) as `role` (`T1`, `owner`, …): the tests'
/// clusters trust loopback, so a role's URL needs no password.
pub fn role_url(url: &str, role: &str) -> String {
    let db = url.rsplit('/').next().unwrap();
    url.replacen("postgres://pos@", &format!("postgres://{db}_{role}@"), 1)
}

/// The customer's side of a charge `--json` printed: `sim` learns its QR for `amount` to this
/// shop, as a bank app scanning it would, and pays it; one helper for every test that pays.
pub fn scan_and_pay(sim: &RunningSim, charge: &serde_json::Value, amount: Money) {
    let md5 = charge["md5"].as_str().unwrap();
    sim.register_md5(
        md5,
        QrInfo {
            amount: Some(amount),
            account: Some(MERCHANT.into()),
            expires_ms: charge["expiresAtMs"].as_i64(),
        },
    )
    .unwrap();
    sim.pay(PayOptions::new(md5)).unwrap();
}
