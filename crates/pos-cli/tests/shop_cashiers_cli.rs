//! The shop's cashier accounts on the command line, against a real PostgreSQL started by the
//! test (pos-sync's harness): `cashier add|disable` at a counter whose `[shop_db]` names the
//! owner's connection writes the shop's account, and another counter's `sync push` caches it.
//! Its own test binary: its Argon2 hashing would otherwise run beside sync_cli's parallel
//! charges on one fresh ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `khqr-pos args` with `dir` as its data directory, `shop_db` as KHQR_POS_SHOP_DB and `env`.
fn khqr_pos_env(dir: &Path, shop_db: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_khqr-pos"));
    command
        .args(args)
        .env_remove("KHQR_POS_CONFIG")
        .env_remove("KHQR_POS_ENVIRONMENT")
        .env_remove("KHQR_POS_SHOP_DB")
        .env("KHQR_POS_DATA_DIR", dir)
        .envs(shop_db.map(|url| ("KHQR_POS_SHOP_DB", url)))
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    command.output().unwrap()
}

/// Runs it, asserts it succeeded, and parses the last line of its output as JSON (if it is).
fn ok_env(
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

#[test]
fn a_cashier_the_owner_adds_at_one_counter_signs_in_at_another_after_its_push() {
    let url = common::fresh_db();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let scratch = tempfile::tempdir().unwrap();
    let secrets = [
        ("KHQR_POS_HUB_PASSWORD_T1", "t1-hunter2secret"),
        ("KHQR_POS_HUB_PASSWORD_T2", "t2-hunter2secret"),
        ("KHQR_POS_HUB_OWNER_PASSWORD", "owner-hunter2secret"),
    ];
    let init = ["hub", "init", "--counter", "T1", "--counter", "T2"];
    let out = khqr_pos_env(scratch.path(), Some(&url), &secrets, &init);
    assert!(out.status.success(), "{out:?}");
    let role_url =
        |role: &str| url.replacen("postgres://pos@", &format!("postgres://{db}_{role}@"), 1);
    let rows = || common::shared().psql(&db, "SELECT count(*) FROM shop_cashier_events");

    // T1 is joined with its own role and names the owner's connection: its cashiers are the
    // shop's.
    let t1 = tempfile::tempdir().unwrap();
    std::fs::write(t1.path().join("shop-db"), role_url("T1")).unwrap();
    std::fs::write(t1.path().join("shop-db-owner"), role_url("owner")).unwrap();
    std::fs::write(
        t1.path().join("config.toml"),
        "[shop_db]\nurl_file = \"shop-db\"\noffline_share = 5\nowner_url_file = \"shop-db-owner\"\n",
    )
    .unwrap();
    let t1_env = |pin: &'static str, new_pin: &'static str| {
        [
            ("KHQR_POS_TERMINAL_ID", "T1"),
            ("KHQR_POS_PIN", pin),
            ("KHQR_POS_NEW_PIN", new_pin),
        ]
    };
    ok_env(t1.path(), None, &t1_env("", "8642"), &["owner", "set-pin"]);
    let added = ok_env(
        t1.path(),
        None,
        &t1_env("8642", "2468"),
        &["cashier", "add", "Dara", "--json"],
    );
    assert_eq!(added[0]["name"], "Dara", "{added}");
    assert_eq!(rows(), "1");

    // T2 gets her with its push and signs her in with the PIN typed at T1.
    let t2 = tempfile::tempdir().unwrap();
    let t2_env = [("KHQR_POS_TERMINAL_ID", "T2"), ("KHQR_POS_PIN", "2468")];
    let push = khqr_pos_env(t2.path(), Some(&role_url("T2")), &t2_env, &["sync", "push"]);
    assert!(push.status.success(), "{push:?}");
    let said = String::from_utf8_lossy(&push.stderr);
    assert!(said.contains("Dara: added to this counter"), "{said}");
    let open = [
        "shift",
        "open",
        "--as",
        "Dara",
        "--float-khr",
        "0",
        "--float-usd",
        "0",
    ];
    ok_env(t2.path(), None, &t2_env, &open);

    // The owner disables her at T1: after T2's next push she is refused there.
    ok_env(
        t1.path(),
        None,
        &t1_env("8642", ""),
        &["cashier", "disable", "Dara"],
    );
    assert_eq!(rows(), "2");
    ok_env(t2.path(), Some(&role_url("T2")), &t2_env, &["sync", "push"]);
    let refused = khqr_pos_env(t2.path(), None, &t2_env, &open);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("disabled"), "{said}");
}
