//! `khqr-pos sync push|status|report` and `hub init` against a real PostgreSQL started by the
//! test (pos-sync's harness): demo sales pushed exactly once, today's shop totals, two counters
//! pushing with their own roles and the owner's report across them, and the connection string
//! and passwords never printed, even when the database cannot be reached.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod cli;
#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};

use cli::{khqr_pos_env, ok_env};

fn khqr_pos(dir: &Path, shop_db: Option<&str>, args: &[&str]) -> Output {
    khqr_pos_env(dir, shop_db, &[], args)
}

fn ok(dir: &Path, shop_db: Option<&str>, args: &[&str]) -> serde_json::Value {
    ok_env(dir, shop_db, &[], args)
}

/// A KHR charge of `amount` that the demo pays after 200 ms, waited for.
fn paid_charge(dir: &Path, env: &[(&str, &str)], amount: &str) -> serde_json::Value {
    ok_env(
        dir,
        None,
        env,
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
}

#[test]
fn sync_push_stores_the_counters_sales_once_and_status_shows_todays_shop_totals() {
    let dir = tempfile::tempdir().unwrap();
    // Two counters' worth of charges at once: each waits several seconds for the demo's
    // first check, so in parallel the test waits for one.
    let charges: Vec<_> = ["5000", "7000"]
        .map(|amount| {
            let dir = dir.path().to_owned();
            std::thread::spawn(move || paid_charge(&dir, &[], amount))
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
    // Without KHQR_POS_SHOP_DB, the counter's own [shop_db] names the database.
    std::fs::write(dir.path().join("shop-db"), &url).unwrap();
    let config = dir.path().join("config.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap_or_default();
    toml.push_str("\n[shop_db]\nurl_file = \"shop-db\"\noffline_share = 5\n");
    std::fs::write(&config, toml).unwrap();
    let configured = ok(dir.path(), None, &["sync", "status", "--json"]);
    assert_eq!(
        configured["pushed_up_to"], status["pushed_up_to"],
        "{configured}"
    );
    assert_eq!(configured["waiting"], 0, "{configured}");
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

#[test]
fn hub_init_makes_a_role_per_counter_and_the_owner_reports_both_counters_from_postgres() {
    let url = common::fresh_db();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let scratch = tempfile::tempdir().unwrap();
    let secrets = [
        ("KHQR_POS_HUB_PASSWORD_T1", "t1-hunter2secret"),
        ("KHQR_POS_HUB_PASSWORD_T2", "t2-hunter2secret"),
        ("KHQR_POS_HUB_OWNER_PASSWORD", "owner-hunter2secret"),
    ];
    let init = [
        "hub",
        "init",
        "--counter",
        "T1",
        "--counter",
        "T2",
        "--daily-checks",
        "100",
    ];

    // A counter's password missing: refused before the database is touched.
    let out = khqr_pos_env(scratch.path(), Some(&url), &secrets[..1], &init);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KHQR_POS_HUB_PASSWORD_T2"));
    let migrated = common::shared().psql(&db, "SELECT to_regclass('terminals') IS NULL");
    assert_eq!(migrated, "t");

    let out = khqr_pos_env(scratch.path(), Some(&url), &secrets, &init);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains(&format!("{db}_T1")), "{printed}");
    // 100 a day, a tenth of it owned by the two counters: 90 shared through the pool.
    assert!(printed.contains("90 shared"), "{printed}");

    // Each counter sells and pushes with its own role.
    let role_url =
        |role: &str| url.replacen("postgres://pos@", &format!("postgres://{db}_{role}@"), 1);
    let counters: Vec<_> = [("T1", "5000"), ("T2", "7000")]
        .map(|(terminal, amount)| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().to_owned();
            let sold = std::thread::spawn(move || {
                paid_charge(&path, &[("KHQR_POS_TERMINAL_ID", terminal)], amount)
            });
            (terminal, dir, sold)
        })
        .into_iter()
        .map(|(terminal, dir, sold)| {
            sold.join().unwrap();
            (terminal, dir)
        })
        .collect();
    // T2's ledger pushed with T1's role (T2 has pushed nothing yet) is refused by the database.
    let out = khqr_pos_env(
        counters[1].1.path(),
        Some(&role_url("T1")),
        &[("KHQR_POS_TERMINAL_ID", "T2")],
        &["sync", "push"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("row-level security"));

    for (terminal, dir) in &counters {
        let env = [("KHQR_POS_TERMINAL_ID", *terminal)];
        let pushed = ok_env(
            dir.path(),
            Some(&role_url(terminal)),
            &env,
            &["sync", "push", "--json"],
        );
        assert!(pushed["pushed"].as_u64().unwrap() >= 2, "{pushed}");
    }
    // The owner's view, with the owner's read-only role, for today.
    let report = ok(
        scratch.path(),
        Some(&role_url("owner")),
        &["report", "--shop", "--json"],
    );
    let line = |terminal: Option<&str>, tender: Option<&str>| {
        report["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["terminal_id"].as_str() == terminal && t["tender"].as_str() == tender)
            .unwrap_or_else(|| panic!("no {terminal:?}/{tender:?} line in {report}"))
            .clone()
    };
    assert_eq!(line(Some("T1"), None)["paid"]["minor"], 5_000, "{report}");
    assert_eq!(
        line(Some("T2"), Some("khqr"))["paid"]["minor"],
        7_000,
        "{report}"
    );
    assert_eq!(line(None, None)["paid"]["minor"], 12_000, "{report}");
    assert_eq!(line(None, None)["count"], 2, "{report}");
    // The day's sales across the counters, each with its receipt, and the paid totals.
    let sales = ok(
        scratch.path(),
        Some(&role_url("owner")),
        &["sales", "--shop", "--json"],
    );
    let listed: Vec<(&str, i64, &str, i64)> = sales["sales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["terminal_id"].as_str().unwrap(),
                s["amount"]["minor"].as_i64().unwrap(),
                s["status"].as_str().unwrap(),
                s["receipt"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [("T1", 5_000, "paid", 1), ("T2", 7_000, "paid", 1)],
        "{sales}"
    );
    let shop_total = sales["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["terminal_id"].is_null())
        .unwrap_or_else(|| panic!("no shop total in {sales}"));
    assert_eq!(shop_total["paid"]["minor"], 12_000, "{sales}");
    let text = khqr_pos(
        scratch.path(),
        Some(&role_url("owner")),
        &["sales", "--shop"],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("T1-") && text.contains("T2-"), "{text}");
    // Another day is empty; a malformed date is a clear error.
    let empty = ok(
        scratch.path(),
        Some(&role_url("owner")),
        &["sync", "report", "--date", "2020-01-01", "--json"],
    );
    assert_eq!(empty["totals"], serde_json::json!([]), "{empty}");
    let out = khqr_pos(
        scratch.path(),
        Some(&role_url("owner")),
        &["report", "--shop", "--date", "1/2/2026"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

/// Stops the cluster `hub init --pgdata` started, even when the test fails.
struct StopCluster(std::path::PathBuf);

impl Drop for StopCluster {
    fn drop(&mut self) {
        let _ = common::pg_program("pg_ctl")
            .arg("-D")
            .arg(&self.0)
            .args(["-m", "fast", "-w", "stop"])
            .output();
    }
}

#[test]
fn hub_init_pgdata_makes_and_starts_a_password_only_cluster_a_counter_joins_with_the_printed_lines()
{
    let scratch = tempfile::tempdir().unwrap();
    // Run as root, the cluster runs as `postgres`, which must reach its directory.
    if String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0"
    {
        let chown = Command::new("chown")
            .arg("postgres")
            .arg(scratch.path())
            .status();
        assert!(chown.unwrap().success());
    }
    let pgdata = scratch.path().join("pg");
    let pgdata_arg = pgdata.to_str().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let secrets = [
        ("KHQR_POS_HUB_PASSWORD_T1", "t1-hunter2secret"),
        ("KHQR_POS_HUB_ADMIN_PASSWORD", "admin-hunter2secret"),
    ];
    let init = |dir: &str, json: bool| {
        let mut args = vec!["hub", "init", "--pgdata", dir, "--counter", "T1"];
        args.extend(["--port", &port, "--listen", "127.0.0.1"]);
        if json {
            args.push("--json");
        }
        khqr_pos_env(scratch.path(), None, &secrets, &args)
    };

    // A directory holding something else is refused, and left as it was.
    let junk = scratch.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("notes.txt"), "mine").unwrap();
    let out = init(junk.to_str().unwrap(), false);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("holds no PostgreSQL cluster"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&junk).unwrap().count(), 1);

    let _stop = StopCluster(pgdata.clone());
    let out = init(pgdata_arg, true);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
    let hub: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let counter = &hub["counters"][0];
    let url = counter["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("postgres://shop_T1:<password>@127.0.0.1:{port}/shop")
    );
    // No line of pg_hba.conf trusts anyone: every login needs its password.
    let hba = std::fs::read_to_string(pgdata.join("pg_hba.conf")).unwrap();
    let trusting: Vec<&str> = hba
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains("trust"))
        .collect();
    assert!(trusting.is_empty(), "{trusting:?}");

    // The counter joins with the printed lines and its password.
    let till = tempfile::tempdir().unwrap();
    let with_password = url.replace("<password>", "t1-hunter2secret");
    std::fs::write(till.path().join("shop-db"), &with_password).unwrap();
    let section = counter["shop_db_section"]
        .as_str()
        .unwrap()
        .replace("  ", "");
    std::fs::write(till.path().join("config.toml"), section).unwrap();
    let env = [("KHQR_POS_TERMINAL_ID", "T1")];
    let status = ok_env(till.path(), None, &env, &["sync", "status", "--json"]);
    assert_eq!(status["terminal_id"], "T1", "{status}");
    assert_eq!(status["waiting"], 0, "{status}");
    // A wrong password is refused by the server.
    let wrong = url.replace("<password>", "guess");
    let out = khqr_pos_env(till.path(), Some(&wrong), &env, &["sync", "status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password authentication failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Running it again finds the cluster, running, and changes nothing the counter needs.
    let again = init(pgdata_arg, false);
    let printed = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{printed}");
    assert!(printed.contains("cluster found and running"), "{printed}");
    ok_env(till.path(), None, &env, &["sync", "status", "--json"]);
}

#[test]
fn the_owner_sets_the_shop_rate_once_and_each_counter_caches_it_when_it_pushes() {
    let url = common::fresh_db();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let scratch = tempfile::tempdir().unwrap();
    cli::init_owner_hub(scratch.path(), &url);
    let role_url = |role: &str| cli::role_url(&url, role);
    let rows = || common::shared().psql(&db, "SELECT count(*) FROM shop_rates");

    // A counter's role may not set it, and a bad rate is refused: nothing written.
    let out = khqr_pos(
        scratch.path(),
        Some(&role_url("T1")),
        &["sync", "rate", "--set", "4,300"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("permission denied for function set_shop_rate"),
        "{out:?}"
    );
    for bad in ["0", "four thousand"] {
        let out = khqr_pos(
            scratch.path(),
            Some(&role_url("owner")),
            &["rate", "--shop", "--set", bad],
        );
        assert_eq!(out.status.code(), Some(1), "{bad}");
    }
    assert_eq!(rows(), "0");

    let set = ok(
        scratch.path(),
        Some(&role_url("owner")),
        &["rate", "--shop", "--set", "4,200", "--json"],
    );
    assert_eq!(set["riel_per_usd"], 4_200, "{set}");
    assert_eq!(rows(), "1");

    for terminal in ["T1", "T2"] {
        let dir = tempfile::tempdir().unwrap();
        let env = [("KHQR_POS_TERMINAL_ID", terminal)];
        ok_env(
            dir.path(),
            Some(&role_url(terminal)),
            &env,
            &["sync", "push", "--json"],
        );
        let rate = ok_env(dir.path(), None, &env, &["rate", "--json"]);
        assert_eq!(rate["rielPerUsd"], 4_200, "{terminal}: {rate}");
        // The next sale freezes it (the counter's own default is 4,100).
        let charge = ok_env(
            dir.path(),
            None,
            &env,
            &["charge", "--amount", "1", "--currency", "USD", "--json"],
        );
        assert_eq!(charge["khrEquivalent"]["minor"], 4_200, "{charge}");
        // Cut off from the shop database, the counter keeps the rate it cached.
        let out = khqr_pos_env(
            dir.path(),
            Some("postgres://pos@127.0.0.1:1/none?connect_timeout=2"),
            &env,
            &["sync", "push"],
        );
        assert_eq!(out.status.code(), Some(1));
        let rate = ok_env(dir.path(), None, &env, &["rate", "--json"]);
        assert_eq!(rate["rielPerUsd"], 4_200, "{terminal}: {rate}");
    }
}
