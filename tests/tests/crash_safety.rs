//! Crash safety of `khqr-pos charge --wait`, end to end with real processes.
//!
//! One `pos-bakong-sim` process plays Bakong; one data directory (config, token file, ledger)
//! plays the shop's till. Each iteration starts `khqr-pos charge --wait --json` and kills it
//! with SIGKILL at a random moment: right after start (before or during the insert), the
//! instant its QR is printed (after the insert), while it polls, or around its first check
//! just after the customer paid (while it finalizes); a few runs are left to finish. The
//! customer pays through the simulator's control API at random times, before or after the
//! kill. Several iterations run at once against the same ledger, as several tills or a till
//! and the app would.
//!
//! Then every sale left pending is paid, and two `khqr-pos watch --until-idle` processes
//! recover the ledger at the same time. The ledger must hold every sale whose QR was printed,
//! each paid sale with exactly one receipt, receipt numbers without gaps, a clean
//! `PRAGMA integrity_check` and a receipt chain that verifies.
//!
//! `POS_CRASH_ITERATIONS` (default 50) and `POS_CRASH_PARALLEL` (default 8) scale the run;
//! `POS_CRASH_SEED` replays one. The watcher's first check comes 6 s after a charge on the
//! wall clock (the simulator's virtual clock does not move it), so iterations run in parallel
//! to keep the suite short.

// The rig's helpers are test code too: a failed setup step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use pos_bakong_sim::{Fault, FaultRule, When};
use pos_domain::SaleStatus;
use pos_scenarios::audit::audit;
use pos_scenarios::process::{khqr_pos, SimProcess};
use pos_store::{Query, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;

const TERMINAL: &str = "TILL1";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// When the iteration kills the charge process.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after spawning it: before, during or just after the insert.
    AfterSpawn(u64),
    /// This long after its QR was printed (0: the instant it appears).
    AfterQr(u64),
    /// This long after the sale's creation time (from its JSON), to land on a check.
    AfterCreated(u64),
    /// Not at all: it must finish by itself (the payment comes).
    Never,
}

/// When the customer pays, counted from the QR's printing; `None`: not during the iteration.
type Pay = Option<u64>;

fn plan(rng: &mut StdRng) -> (Kill, Pay) {
    let maybe = |rng: &mut StdRng, max: u64| rng.gen_bool(0.5).then(|| rng.gen_range(0..max));
    match rng.gen_range(0..100) {
        // Start-up: config, ledger open, insert, QR: a debug build needs ~50–150 ms.
        0..20 => (Kill::AfterSpawn(rng.gen_range(0..200)), maybe(rng, 3_000)),
        // The QR is out, so the sale must be in the ledger.
        20..35 => (Kill::AfterQr(0), maybe(rng, 2_000)),
        // Polling: the first checks come 6 s and 11 s after the charge.
        35..60 => (Kill::AfterQr(rng.gen_range(500..9_000)), maybe(rng, 9_000)),
        // Finalizing: paid at once, killed around the check 6 s after creation that finds the
        // payment and writes it (HTTP, then one SQLite transaction: a few milliseconds).
        60..90 => (Kill::AfterCreated(rng.gen_range(5_990..6_060)), Some(0)),
        _ => (Kill::Never, Some(rng.gen_range(0..3_000))),
    }
}

/// What one iteration saw.
#[derive(Debug)]
struct Seen {
    plan: (Kill, Pay),
    /// The QR and md5 it printed, if it got that far.
    printed: Option<(String, String)>,
    /// The exit code when it ended by itself.
    exit: Option<i32>,
    /// Its last JSON line (with --wait: the final sale).
    last: Option<Value>,
}

struct Till {
    dir: tempfile::TempDir,
    sim: SimProcess,
    binary: PathBuf,
    /// md5s the customer has paid.
    paid: Mutex<HashSet<String>>,
}

impl Till {
    async fn start() -> Till {
        let binary = tokio::task::spawn_blocking(khqr_pos).await.unwrap();
        let sim = SimProcess::spawn(&["--quota", "10000000", "--seed", "5"]).await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bakong-token"), &sim.token).unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            format!(
                "terminal_id = \"{TERMINAL}\"\n\
                 [merchant]\naccount_id = \"shop@devb\"\nname = \"Crash Test Shop\"\n\
                 [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\n\
                 email = \"dev@example.com\"\ntoken_file = \"bakong-token\"\n\
                 daily_check_budget = 1000000\ncheck_reserve = 10\n",
                sim.url
            ),
        )
        .unwrap();
        Till {
            dir,
            sim,
            binary,
            paid: Mutex::new(HashSet::new()),
        }
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.binary);
        command
            .args(args)
            .arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("KHQR_POS_CONFIG")
            .env_remove("KHQR_POS_DATA_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        command
    }

    async fn pay(&self, qr: &str, md5: &str) {
        if self.paid.lock().await.insert(md5.to_owned()) {
            self.sim.pay_qr(qr).await;
        }
    }

    fn ledger(&self) -> PathBuf {
        self.dir.path().join("ledger.sqlite3")
    }
}

async fn iteration(till: Arc<Till>, seed: u64, payments: &mut JoinSet<()>) -> Seen {
    let mut rng = StdRng::seed_from_u64(seed);
    let plan = plan(&mut rng);
    let amount = format!("{}00", rng.gen_range(10..500));
    let mut child = till
        .command(&[
            "charge",
            "--amount",
            &amount,
            "--currency",
            "KHR",
            "--wait",
            "--json",
        ])
        .spawn()
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Seen {
        plan,
        printed: None,
        exit: None,
        last: None,
    };
    let mut kill_at = match plan.0 {
        Kill::AfterSpawn(ms) => Some(started + Duration::from_millis(ms)),
        Kill::AfterQr(_) | Kill::AfterCreated(_) | Kill::Never => None,
    };
    let mut output_open = true;
    loop {
        let deadline = kill_at.unwrap_or(started + Duration::from_secs(120));
        tokio::select! {
            line = lines.next_line(), if output_open => match line.unwrap() {
                Some(line) => {
                    let json: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("seed {seed}: not JSON {line:?}: {e}"));
                    if seen.printed.is_none() {
                        let qr = json["qr"].as_str().unwrap().to_owned();
                        let md5 = json["md5"].as_str().unwrap().to_owned();
                        let now = tokio::time::Instant::now();
                        kill_at = match plan.0 {
                            Kill::AfterQr(ms) => Some(now + Duration::from_millis(ms)),
                            Kill::AfterCreated(ms) => {
                                let created = json["createdAtMs"].as_i64().unwrap();
                                let since = wall_ms() - created;
                                let wait = i64::try_from(ms).unwrap() - since;
                                Some(now + Duration::from_millis(wait.max(0).unsigned_abs()))
                            }
                            Kill::AfterSpawn(_) | Kill::Never => kill_at,
                        };
                        if let Some(after) = plan.1 {
                            let (till, qr, md5) = (Arc::clone(&till), qr.clone(), md5.clone());
                            payments.spawn(async move {
                                tokio::time::sleep(Duration::from_millis(after)).await;
                                till.pay(&qr, &md5).await;
                            });
                        }
                        seen.printed = Some((qr, md5));
                    }
                    seen.last = Some(json);
                }
                None => output_open = false,
            },
            status = child.wait() => {
                seen.exit = status.unwrap().code();
                // Its last lines may still sit in the pipe: read them to the end.
                while output_open {
                    match lines.next_line().await.unwrap() {
                        Some(line) => {
                            let json: Value = serde_json::from_str(&line).unwrap();
                            if let (None, Some(qr), Some(md5)) =
                                (&seen.printed, json["qr"].as_str(), json["md5"].as_str())
                            {
                                seen.printed = Some((qr.to_owned(), md5.to_owned()));
                            }
                            seen.last = Some(json);
                        }
                        None => output_open = false,
                    }
                }
                return seen;
            }
            () = tokio::time::sleep_until(deadline) => {
                assert!(kill_at.is_some(), "seed {seed}: charge --wait still running after 120 s");
                // SIGKILL: no destructor, no flush, no rollback hook runs.
                child.start_kill().unwrap();
                child.wait().await.unwrap();
                return seen;
            }
        }
    }
}

/// Pays every sale the ledger still has pending (printed or not), so the recovery below
/// ends without waiting five minutes for expiries.
async fn pay_every_pending_sale(till: &Till) -> usize {
    let store = Store::open(till.ledger()).unwrap();
    let pending = store
        .sales(&Query {
            status: Some(SaleStatus::Pending),
            ..Query::default()
        })
        .unwrap();
    for sale in &pending {
        till.pay(&sale.qr, &sale.md5).await;
    }
    pending.len()
}

async fn watch_until_idle(till: &Till) -> std::process::ExitStatus {
    till.command(&["watch", "--until-idle", "--timeout", "90s"])
        // Nobody reads its report: a closed pipe would make its printing fail.
        .stdout(Stdio::null())
        .status()
        .await
        .unwrap()
}

fn wall_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

fn summary(seen: &[Seen]) -> HashMap<&'static str, usize> {
    let mut counts = HashMap::new();
    for s in seen {
        let key = match (s.plan.0, &s.printed, s.exit) {
            (_, _, Some(_)) => "finished by itself",
            (_, None, None) => "killed before its QR was printed",
            (Kill::AfterQr(0), Some(_), None) => "killed as its QR was printed",
            (Kill::AfterCreated(_), Some(_), None) => {
                "killed around the check that finds the payment"
            }
            (_, Some(_), None) => "killed while polling",
        };
        *counts.entry(key).or_default() += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_charges_lose_no_sale_and_never_issue_a_second_receipt() {
    let iterations = env_number("POS_CRASH_ITERATIONS", 50);
    let parallel = usize::try_from(env_number("POS_CRASH_PARALLEL", 8)).unwrap();
    let base_seed = env_number("POS_CRASH_SEED", 20_261_127);
    let till = Arc::new(Till::start().await);
    let clock = std::time::Instant::now();
    let gate = Arc::new(Semaphore::new(parallel));
    let mut runs = JoinSet::new();
    for i in 0..iterations {
        let (till, gate) = (Arc::clone(&till), Arc::clone(&gate));
        let seed = base_seed.wrapping_add(i);
        runs.spawn(async move {
            let _slot = gate.acquire_owned().await.unwrap();
            let mut payments = JoinSet::new();
            let seen = iteration(till, seed, &mut payments).await;
            payments.join_all().await;
            (seed, seen)
        });
    }
    let mut seen = Vec::new();
    for (seed, s) in runs.join_all().await {
        if let Some(code) = s.exit {
            // Left alone and paid, a charge ends paid (exit 0) with its receipt.
            assert_eq!(
                code, 0,
                "seed {seed}: charge --wait exited {code}: {:?}",
                s.last
            );
            let last = s.last.as_ref().unwrap();
            assert_eq!(last["outcome"], "paid", "seed {seed}: {last}");
            assert!(
                last["sale"]["receiptNumber"].is_i64(),
                "seed {seed}: {last}"
            );
        }
        seen.push(s);
    }

    let crashed_in = clock.elapsed();
    let paid_now = pay_every_pending_sale(&till).await;
    let (first, second) = tokio::join!(watch_until_idle(&till), watch_until_idle(&till));
    assert!(
        first.success() && second.success(),
        "watch --until-idle: {first} / {second}"
    );

    let ledger = audit(&till.ledger()).unwrap_or_else(|p| panic!("unsound ledger: {p}"));
    for s in &seen {
        if let Some((_, md5)) = &s.printed {
            let sale = ledger.by_md5(md5);
            assert_eq!(sale.status, SaleStatus::Paid, "{sale:?}");
        }
    }
    assert!(ledger.sales.len() <= seen.len());
    assert!(
        ledger.sales.iter().all(|s| s.status == SaleStatus::Paid),
        "every sale was paid in time, so every sale must end paid"
    );
    assert_eq!(ledger.receipts, u64::try_from(ledger.sales.len()).unwrap());
    assert!(ledger.sales.iter().all(|s| s.terminal_id == TERMINAL));
    eprintln!(
        "crash safety: {iterations} iterations ({parallel} at a time) in {crashed_in:?}, recovery \
         in {:?}, {} sales in the ledger, {paid_now} paid only before recovery; {:?}",
        clock.elapsed() - crashed_in,
        ledger.sales.len(),
        summary(&seen)
    );
}

/// `khqr-pos accept` during an outage, SIGKILLed at random moments: between its start and the
/// transaction that records the acceptance, or inside it. Each sale must be either still
/// pending or accepted with its payer's reference (the audit checks both or neither), never
/// half-accepted. Then Bakong comes back with every payment, a third of them of a different
/// amount: the watcher verifies each accepted or pending sale, paid with one receipt when the
/// amount matches, and a mismatch on the owner's attention list when it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_accepts_record_the_acceptance_whole_or_not_at_all() {
    let sales_count = env_number("POS_CRASH_ACCEPTS", 16);
    let mut rng = StdRng::seed_from_u64(env_number("POS_CRASH_SEED", 20_261_127));
    let till = Till::start().await;
    let mut sales = Vec::new();
    for i in 0..sales_count {
        let amount = format!("{}00", 10 + i);
        let args = ["charge", "--amount", &amount, "--currency", "KHR", "--json"];
        let out = till.command(&args).output().await.unwrap();
        assert!(out.status.success(), "charge {amount}: {out:?}");
        sales.push(serde_json::from_slice::<Value>(&out.stdout).unwrap());
    }
    let outage = FaultRule::everywhere(
        When::Always,
        Fault::ServerError {
            status: 503,
            empty: false,
        },
    );
    till.sim
        .control("faults", serde_json::to_value(outage).unwrap())
        .await;

    // The first accept runs to its end: its time bounds where the others are killed.
    let accept = |sale: &Value| {
        let bill = sale["billNumber"].as_str().unwrap();
        till.command(&["accept", bill, "--ref", "…4821", "--json"])
            .spawn()
            .unwrap()
    };
    let started = tokio::time::Instant::now();
    let status = accept(&sales[0]).wait().await.unwrap();
    assert_eq!(status.code(), Some(6), "accepted, not verified yet");
    let full_ms = u64::try_from(started.elapsed().as_millis()).unwrap().max(1);
    let mut killed = 0;
    for sale in &sales[1..] {
        let mut child = accept(sale);
        let kill_after = Duration::from_millis(rng.gen_range(0..full_ms * 3 / 2));
        tokio::select! {
            status = child.wait() => assert_eq!(status.unwrap().code(), Some(6)),
            () = tokio::time::sleep(kill_after) => {
                child.start_kill().unwrap();
                child.wait().await.unwrap();
                killed += 1;
            }
        }
    }
    let ledger = audit(&till.ledger()).unwrap_or_else(|p| panic!("half-written accept: {p}"));
    let accepted = ledger.count(SaleStatus::AcceptedUnverified);
    assert_eq!(
        accepted + ledger.count(SaleStatus::Pending),
        sales.len(),
        "{:?}",
        ledger.sales
    );
    assert_eq!(ledger.receipts, 0, "nothing is paid before Bakong says so");

    till.sim.clear_faults().await;
    for (i, sale) in sales.iter().enumerate() {
        let mut pay = serde_json::json!({"qr": sale["qr"]});
        if i % 3 == 1 {
            pay["amount"] = "100".into();
            pay["currency"] = "KHR".into();
        }
        till.sim.control("pay", pay).await;
    }
    assert!(watch_until_idle(&till).await.success());
    let ledger = audit(&till.ledger()).unwrap_or_else(|p| panic!("unsound ledger: {p}"));
    for (i, sale) in sales.iter().enumerate() {
        let stored = ledger.by_md5(sale["md5"].as_str().unwrap());
        let expected = if i % 3 == 1 {
            SaleStatus::Mismatch
        } else {
            SaleStatus::Paid
        };
        assert_eq!(stored.status, expected, "{stored:?}");
    }
    let out = till.command(&["report", "--json"]).output().await.unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let attention = report["attention"].as_array().unwrap();
    assert_eq!(attention.len(), ledger.count(SaleStatus::Mismatch));
    assert!(attention.iter().all(|s| s["status"] == "mismatch"));
    assert!(report["accepted"].as_array().unwrap().is_empty());
    eprintln!(
        "crash safety of accept: {} sales, {accepted} accepted before recovery, {killed} accepts \
         killed (a run takes {full_ms} ms)",
        sales.len()
    );
}
