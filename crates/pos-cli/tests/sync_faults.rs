//! Faults around `khqr-pos sync push`, with real counter processes against a real PostgreSQL
//! (pos-sync's harness): counters SIGKILLed at random points of their pushes and restarted
//! while they keep selling, and the server stopped (`pg_ctl stop -m immediate`) while counters
//! are inside a COMMIT. After each run every counter's events are in the shop database exactly
//! once, every receipt chain verifies there and the paid totals per currency agree with the
//! counter's ledger (`Ledger::assert_exactly_once_in`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::ledger::{db_name, Ledger};
use common::Cluster;

const BIN: &str = env!("CARGO_BIN_EXE_khqr-pos");

/// `khqr-pos sync push --batch 10` for `ledger`'s counter (its own data directory and
/// terminal id) against `url`.
fn push(ledger: &Ledger, url: &str) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["sync", "push", "--batch", "10"])
        .env_remove("KHQR_POS_CONFIG")
        .env_remove("KHQR_POS_ENVIRONMENT")
        .env("KHQR_POS_DATA_DIR", ledger.path.parent().unwrap())
        .env("KHQR_POS_TERMINAL_ID", &ledger.terminal)
        .env("KHQR_POS_SHOP_DB", url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Pushes every counter to the end, one process each, all at once.
fn push_all(ledgers: &[Ledger], url: &str) {
    let children: Vec<Child> = ledgers
        .iter()
        .map(|l| push(l, url).spawn().unwrap())
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Brings the shop database's schema up by an empty counter's push.
fn migrate(url: &str) {
    push_all(&[Ledger::new("T0")], url);
}

fn stored(cluster: &Cluster, db: &str) -> u64 {
    cluster
        .psql(db, "SELECT count(*) FROM ledger_events")
        .parse()
        .unwrap()
}

fn counters(n: usize, sales: u32) -> Vec<Ledger> {
    (1..=n)
        .map(|i| {
            let mut ledger = Ledger::new(&format!("T{i}"));
            ledger.sell(sales);
            ledger
        })
        .collect()
}

/// A small xorshift: the kill points vary from run to run, and the seed is printed so that a
/// failing run can be replayed with `SYNC_FAULTS_SEED`.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("SYNC_FAULTS_SEED")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos()
                    .into()
            })
            | 1;
        eprintln!("SYNC_FAULTS_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn counters_killed_at_random_points_of_their_pushes_lose_and_double_nothing() {
    let cluster = common::shared();
    let url = common::fresh_db();
    let db = db_name(&url);
    let mut ledgers = counters(3, 40);
    // Migrated by a first process, then every insert slowed so that pushes last long enough
    // (about 0.4 s each) to be killed in the middle.
    migrate(&url);
    cluster.slow_inserts(db);
    let mut rng = Rng::new();
    let mut killed_running = 0;
    for _ in 0..8 {
        let before = stored(cluster, db);
        let mut children: Vec<Child> = ledgers
            .iter()
            .map(|l| push(l, &url).spawn().unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(30 + rng.below(300)));
        for child in &mut children {
            if child.try_wait().unwrap().is_none() {
                // Child::kill is SIGKILL: no destructor, no goodbye to the server.
                child.kill().unwrap();
                killed_running += 1;
            }
            child.wait().unwrap();
        }
        assert!(stored(cluster, db) >= before);
        // The counters keep selling while their pushes die.
        for ledger in &mut ledgers {
            ledger.sell(1 + u32::try_from(rng.below(4)).unwrap());
        }
    }
    cluster.normal_inserts(db);
    push_all(&ledgers, &url);
    for ledger in &ledgers {
        ledger.assert_exactly_once_in(cluster, db);
    }
    eprintln!("{killed_running} pushes killed before they finished");
    // The kills did land in running pushes, not only after them (the first round's pushes,
    // 150 slowed events each, outlast its longest wait on any machine).
    assert!(killed_running >= 3, "{killed_running}");
}

#[test]
fn the_server_stopped_while_counters_commit_loses_and_doubles_nothing_after_its_restart() {
    let cluster = Cluster::start();
    let url = cluster.fresh_db();
    let db = db_name(&url);
    let ledgers = counters(3, 30);
    migrate(&url);
    // Every stored event costs 15 ms more at COMMIT (a deferred constraint trigger runs
    // then), so a batch of 10 spends 150 ms committing: the server is stopped in there.
    cluster.psql(
        db,
        "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN PERFORM pg_sleep(0.015); RETURN NULL; END $$; \
         CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON ledger_events \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();",
    );
    let children: Vec<Child> = ledgers
        .iter()
        .map(|l| push(l, &url).spawn().unwrap())
        .collect();
    let started = Instant::now();
    let mut commits_seen = 0;
    // Wait for a few batches to land first, so the stop falls in a push, not before it.
    while commits_seen < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no COMMIT seen"
        );
        let committing: u32 = cluster
            .psql(
                "postgres",
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE state = 'active' AND query = 'COMMIT'",
            )
            .parse()
            .unwrap();
        if committing > 0 {
            commits_seen += 1;
            if commits_seen == 3 {
                cluster.crash();
            } else {
                std::thread::sleep(Duration::from_millis(160));
            }
        }
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    cluster.restart();
    let landed = stored(&cluster, db);
    let total: u64 = ledgers.iter().map(|l| l.log().len() as u64).sum();
    eprintln!("{landed} of {total} events stored when the server stopped");
    assert!(landed > 0 && landed < total, "{landed} of {total}");
    cluster.psql(db, "DROP TRIGGER slow_commit ON ledger_events");
    push_all(&ledgers, &url);
    for ledger in &ledgers {
        ledger.assert_exactly_once_in(&cluster, db);
    }
}
