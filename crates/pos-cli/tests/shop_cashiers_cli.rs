//! The shop's cashier accounts on the command line, against a real PostgreSQL started by the
//! test (pos-sync's harness): `cashier add|disable` at a counter whose `[shop_db]` names the
//! owner's connection writes the shop's account, and another counter's `sync push` caches it.
//! Its own test binary: its Argon2 hashing would otherwise run beside sync_cli's parallel
//! charges on one fresh ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod cli;
#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;

use cli::{khqr_pos_env, ok_env};

#[test]
fn a_cashier_the_owner_adds_at_one_counter_signs_in_at_another_after_its_push() {
    let url = common::fresh_db();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let scratch = tempfile::tempdir().unwrap();
    cli::init_owner_hub(scratch.path(), &url);
    let role_url = |role: &str| cli::role_url(&url, role);
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
