//! Crash safety of the counter's day, end to end with real `khqr-pos` processes on one demo
//! ledger: cash sales, split sales (cash short, the rest by KHQR, `--wait`), refunds (cash and
//! bank) and the shift close are each killed with SIGKILL at a random moment, several at a
//! time; then `khqr-pos watch --until-idle` recovers. Nothing printed as done may be missing,
//! nothing may be doubled: every sale's tenders still balance, refunds never exceed what was
//! paid, receipt, refund and Z report numbers run without gaps and every chain verifies.
//!
//! Demo mode with `demo_autopay` in the configuration: every process's embedded simulator
//! pays each QR it registers (a split sale's, or one still pending at recovery) after 1 s.
//! `POS_CRASH_ITERATIONS` (default 24), `POS_CRASH_PARALLEL` (default 4) and `POS_CRASH_SEED`
//! scale and replay the run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use pos_cash::{check_balance, Change, Due, Rate};
use pos_domain::{Currency, Money, SaleStatus};
use pos_scenarios::audit::audit;
use pos_scenarios::process::khqr_pos;
use pos_store::{Query, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const OWNER_PIN: &str = "2468";
/// Receipts 1..=SEED_SALES are cash sales of 20,000 riel made before the chaos, to refund.
const SEED_SALES: i64 = 4;

/// Closes the shift with an empty drawer counted.
const CLOSE_EMPTY: [&str; 6] = ["shift", "close", "--counted-khr", "0", "--counted-usd", "0"];

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Till {
    dir: tempfile::TempDir,
    binary: PathBuf,
}

/// What one killed (or not) process printed, and how it ended.
#[derive(Debug)]
struct Run {
    args: Vec<String>,
    /// Its JSON lines.
    printed: Vec<Value>,
    /// The exit code when it ended by itself.
    exit: Option<i32>,
}

impl Till {
    fn new() -> Till {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "terminal_id = \"CASH1\"\n[bakong]\ndemo_autopay = \"1s\"\n",
        )
        .unwrap();
        Till {
            dir,
            binary: khqr_pos(),
        }
    }

    fn ledger(&self) -> PathBuf {
        self.dir.path().join("ledger.sqlite3")
    }

    /// Runs `khqr-pos args`, killing it `kill_after` after the spawn when given.
    async fn run(&self, args: &[String], kill_after: Option<Duration>) -> Run {
        let mut child = tokio::process::Command::new(&self.binary)
            .args(args)
            .arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("KHQR_POS_CONFIG")
            .env_remove("KHQR_POS_DATA_DIR")
            .env("KHQR_POS_PIN", OWNER_PIN)
            .env("KHQR_POS_NEW_PIN", OWNER_PIN)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let deadline = kill_after.unwrap_or(Duration::from_secs(120));
        let exit = tokio::select! {
            status = child.wait() => status.unwrap().code(),
            () = tokio::time::sleep(deadline) => {
                assert!(kill_after.is_some(), "{args:?} still running after 120 s");
                // SIGKILL: no destructor, no flush, no rollback hook runs.
                child.start_kill().unwrap();
                child.wait().await.unwrap();
                None
            }
        };
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .await
            .unwrap();
        let printed = out
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        Run {
            args: args.to_vec(),
            printed,
            exit,
        }
    }

    /// Runs `args` to the end and asserts it succeeded.
    async fn ok(&self, args: &[&str]) -> Run {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let run = self.run(&args, None).await;
        assert_eq!(run.exit, Some(0), "{run:?}");
        run
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

/// One operation of the chaos and when to kill it.
fn plan(rng: &mut StdRng) -> (Vec<String>, Option<Duration>) {
    let args = match rng.gen_range(0..4) {
        0 => {
            let due = rng.gen_range(10..200) * 100;
            strings(&[
                "charge",
                "--amount",
                &due.to_string(),
                "--currency",
                "KHR",
                "--cash-khr",
                &(due + rng.gen_range(0..5) * 1_000).to_string(),
                "--json",
            ])
        }
        1 => strings(&[
            "charge",
            "--amount",
            "3.75",
            "--currency",
            "USD",
            "--cash-usd",
            "2",
            "--split",
            "--wait",
            "--json",
        ]),
        2 => strings(&[
            "refund",
            "--receipt",
            &rng.gen_range(1..=SEED_SALES).to_string(),
            "--amount",
            "1000",
            "--tender",
            "cash",
            "--json",
        ]),
        _ => strings(&[
            "refund",
            "--receipt",
            &rng.gen_range(1..=SEED_SALES).to_string(),
            "--amount",
            "500",
            "--tender",
            "bank",
            "--bank-ref",
            "ABA 1",
            "--json",
        ]),
    };
    // Start-up and the one write take ~10–60 ms in a debug build (a PIN check ~50 ms more),
    // longer with others running; a split waits seconds for its payment.
    let kill = match rng.gen_range(0..10) {
        0..2 => None,
        2..8 => Some(rng.gen_range(0..120)),
        _ => Some(rng.gen_range(120..4_000)),
    };
    (args, kill.map(Duration::from_millis))
}

/// Closes the open shift, killing attempts at random, until one is known to have closed it.
async fn close_under_fire(till: &Till, rng: &mut StdRng) -> usize {
    let close = strings(&[&CLOSE_EMPTY[..], &["--reason", "crash test", "--json"]].concat());
    for attempt in 0..20 {
        let kill = (attempt < 19).then(|| Duration::from_millis(rng.gen_range(0..150)));
        let run = till.run(&close, kill).await;
        let store = Store::open(till.ledger()).unwrap();
        if store.open_shift_on("CASH1").unwrap().is_none() {
            return attempt + 1;
        }
        assert!(
            run.printed.is_empty(),
            "printed a z report but the shift is open: {run:?}"
        );
    }
    panic!("the shift never closed");
}

fn balance(store: &Store, sale: &pos_store::Sale) {
    let lines = store.sale_tenders(sale.id).unwrap();
    if lines.is_empty() {
        return;
    }
    let mut tenders = Vec::new();
    let mut change = Change {
        usd: Money::new(0, Currency::Usd),
        khr: Money::new(0, Currency::Khr),
    };
    let mut rounding = Money::new(0, Currency::Khr);
    for line in lines {
        match (line.kind.as_str(), line.amount.currency) {
            ("change", Currency::Usd) => change.usd = line.amount,
            ("change", Currency::Khr) => change.khr = line.amount,
            ("rounding", _) => rounding = line.amount,
            _ => tenders.push(line.amount),
        }
    }
    let rate = Rate::new(sale.riel_per_usd.unwrap()).unwrap();
    let due = Due::new(sale.amount, rate).unwrap();
    check_balance(&due, &tenders, &change, rounding)
        .unwrap_or_else(|e| panic!("sale {} does not balance: {e}", sale.bill_number));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_cash_split_refund_and_close_lose_nothing_and_double_nothing() {
    let iterations = env_number("POS_CRASH_ITERATIONS", 24);
    let parallel = usize::try_from(env_number("POS_CRASH_PARALLEL", 4)).unwrap();
    let seed = env_number("POS_CRASH_SEED", 20_261_202);
    let till = Arc::new(tokio::task::spawn_blocking(Till::new).await.unwrap());
    till.ok(&["owner", "set-pin"]).await;
    till.ok(&[
        "shift",
        "open",
        "--float-khr",
        "100,000",
        "--float-usd",
        "100",
    ])
    .await;
    for _ in 0..SEED_SALES {
        till.ok(&[
            "charge",
            "--amount",
            "20000",
            "--currency",
            "KHR",
            "--cash-khr",
            "20000",
        ])
        .await;
    }

    let gate = Arc::new(Semaphore::new(parallel));
    let mut runs = JoinSet::new();
    for i in 0..iterations {
        let (till, gate) = (Arc::clone(&till), Arc::clone(&gate));
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(i));
        runs.spawn(async move {
            let _slot = gate.acquire_owned().await.unwrap();
            let (args, kill) = plan(&mut rng);
            till.run(&args, kill).await
        });
    }
    let runs = runs.join_all().await;
    let mut rng = StdRng::seed_from_u64(seed);
    let close_attempts = close_under_fire(&till, &mut rng).await;
    // A second shift, closed cleanly, must take Z report number 2.
    till.ok(&["shift", "open"]).await;
    let z2 = till.ok(&[&CLOSE_EMPTY[..], &["--json"]].concat()).await;
    assert_eq!(z2.printed[0]["number"], 2, "{z2:?}");
    let recover = till
        .run(
            &strings(&["watch", "--until-idle", "--timeout", "90s"]),
            None,
        )
        .await;
    assert_eq!(recover.exit, Some(0), "{recover:?}");

    let ledger = audit(&till.ledger()).unwrap_or_else(|p| panic!("unsound ledger: {p}"));
    let store = Store::open(till.ledger()).unwrap();
    let sales = store.sales(&Query::default()).unwrap();
    let by_bill: BTreeMap<&str, &pos_store::Sale> =
        sales.iter().map(|s| (s.bill_number.as_str(), s)).collect();
    assert_eq!(by_bill.len(), sales.len(), "a bill number twice");
    for sale in &sales {
        balance(&store, sale);
    }
    let refunds = store.refunds().unwrap();
    let mut finished = 0;
    for run in &runs {
        if let Some(code) = run.exit {
            assert_eq!(code, 0, "{run:?}");
            finished += 1;
        }
        // Whatever a process printed as done is in the ledger, once.
        let Some(first) = run.printed.first() else {
            continue;
        };
        if run.args[0] == "refund" {
            let number = first["number"].as_i64().unwrap();
            let stored = refunds.iter().find(|r| r.number == number).unwrap();
            assert_eq!(Some(stored.hash.as_str()), first["hash"].as_str());
        } else {
            let bill = first["sale"]["billNumber"].as_str().unwrap();
            let sale = by_bill
                .get(bill)
                .unwrap_or_else(|| panic!("printed sale {bill} is not in the ledger"));
            assert_eq!(sale.status, SaleStatus::Paid, "{sale:?}");
        }
    }
    // Every split was paid by the simulator (in its process, or at recovery).
    assert_eq!(ledger.count(SaleStatus::Pending), 0);
    assert_eq!(ledger.sales.len(), sales.len());
    // Refunds never exceed what was paid (20,000 riel per seed sale).
    let mut per_receipt: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &refunds {
        *per_receipt.entry(r.receipt_number).or_default() += r.amount.minor;
    }
    assert!(
        per_receipt.values().all(|&sum| sum <= 20_000),
        "{per_receipt:?}"
    );
    let zs = store.z_reports().unwrap();
    assert_eq!(
        zs.iter().map(|z| z.number).collect::<Vec<_>>(),
        [1, 2],
        "one Z report per closed shift, numbered without gaps"
    );
    assert!(store.open_shift_on("CASH1").unwrap().is_none());
    eprintln!(
        "counter crash safety: {iterations} operations ({parallel} at a time, {finished} left \
         to finish), {} sales, {} refunds, shift closed on attempt {close_attempts}",
        sales.len(),
        refunds.len()
    );
}
