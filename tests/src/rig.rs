//! The in-process rig: the simulator served on a loopback port, a [`Pos`] configured for it as
//! the "custom" Bakong environment (exactly as a separate simulator process would be reached),
//! a ledger file in a temporary directory, and a log of every event the POS announced.
//!
//! The watcher reads the wall clock, so scenarios cannot fast-forward it; instead they run the
//! production cadence scaled down ([`fast_schedule`]), which keeps its shape (dense early
//! checks, thinning, one final check, late rechecks, exponential backoff, the quota pause).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pos_bakong_sim::{PayOptions, QrInfo, RunningSim, SimConfig};
use pos_core::pace::Volume;
use pos_core::schedule::Schedule;
use pos_core::{
    CannotVerifyReason, ChargeRequest, ChargeView, Config, Currency, Pos, PosEvent, SaleStatus,
    StartOptions, Verification,
};

use crate::audit::{audit, Audit};

/// The payee the POS writes into its QRs and the simulator pays.
pub const MERCHANT: &str = "shop@devb";
/// The developer email registered with the simulator (token renewal needs it).
pub const EMAIL: &str = "dev@example.com";

/// How much faster than production the scenarios run: a five-minute QR lives 1.5 s.
pub const SPEEDUP: u32 = 200;

/// The production cadence ÷ [`SPEEDUP`]: first check after 30 ms, early checks 25–65 ms
/// apart, gaps growing with age to at most 300 ms, a final check 40 ms after expiry, late
/// rechecks 0.9 s and 9 s after closing; backoff from 25 ms doubling to 1.5 s, and a 4.5 s
/// pause after Bakong says the quota is spent.
pub fn fast_schedule() -> Schedule {
    Schedule::scaled(SPEEDUP)
}

/// How a rig is set up; [`RigOptions::default`] suits most scenarios.
#[derive(Debug, Clone)]
pub struct RigOptions {
    /// The POS's daily check budget.
    pub budget: u32,
    /// The part of it kept for final checks.
    pub reserve: u32,
    /// The simulator's per-token daily quota.
    pub sim_quota: u32,
    /// The POS's HTTP timeout (the config accepts 100 ms and up).
    pub request_timeout: &'static str,
    /// The email the POS renews its token with.
    pub email: &'static str,
    /// The watcher's cadence.
    pub schedule: Schedule,
    /// The shop's usual volume the pace plans with (`None`: learned from the ledger).
    pub volume: Option<Volume>,
}

impl Default for RigOptions {
    fn default() -> Self {
        RigOptions {
            budget: 100_000,
            reserve: 10,
            sim_quota: 1_000_000,
            request_timeout: "250ms",
            email: EMAIL,
            schedule: fast_schedule(),
            volume: None,
        }
    }
}

/// A simulator, a POS talking to it, and the POS's event log.
pub struct Rig {
    /// Holds the ledger and the token file; removed on drop.
    pub dir: tempfile::TempDir,
    /// The simulator, with in-process control.
    pub sim: RunningSim,
    /// The POS under test.
    pub pos: Pos,
    /// Every event the POS announced, in order.
    pub events: Arc<Mutex<Vec<PosEvent>>>,
    options: RigOptions,
}

impl Rig {
    /// Starts a simulator and a POS with default options.
    pub async fn start() -> Rig {
        Rig::start_with(RigOptions::default()).await
    }

    /// Starts a simulator and a POS.
    pub async fn start_with(options: RigOptions) -> Rig {
        let dir = tempfile::tempdir().expect("temp dir");
        let sim = pos_bakong_sim::start(SimConfig {
            email: EMAIL.into(),
            merchant_account: MERCHANT.into(),
            daily_quota: options.sim_quota,
            seed: Some(11),
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        std::fs::write(dir.path().join("bakong-token"), sim.token()).expect("token file");
        let events = Arc::new(Mutex::new(Vec::new()));
        let pos = start_pos(dir.path(), &sim, &options, &events).await;
        Rig {
            dir,
            sim,
            pos,
            events,
            options,
        }
    }

    /// Stops the POS (as at closing time, or after a crash) and starts a new one on the same
    /// ledger and simulator; it resumes every unresolved sale.
    pub async fn restart(&mut self) {
        self.pos.shutdown().await;
        self.pos = start_pos(self.dir.path(), &self.sim, &self.options, &self.events).await;
    }

    /// The ledger file.
    pub fn ledger_path(&self) -> PathBuf {
        self.pos.config().ledger_path()
    }

    /// Charges `amount` KHR with a QR living `lifetime_ms`, and tells the simulator about the
    /// QR as a customer's bank app would see it.
    pub async fn charge(&self, amount: &str, lifetime_ms: u64) -> ChargeView {
        let charge = self
            .pos
            .charge(ChargeRequest {
                amount: amount.into(),
                currency: Some(Currency::Khr),
                expires_in_ms: Some(lifetime_ms),
                note: None,
            })
            .await
            .expect("charge");
        self.sim
            .register_md5(
                &charge.md5,
                QrInfo {
                    amount: Some(charge.amount),
                    account: Some(MERCHANT.into()),
                    expires_ms: Some(charge.expires_at_ms),
                },
            )
            .expect("register the QR");
        charge
    }

    /// The customer pays the charge's QR now.
    pub fn pay(&self, charge: &ChargeView) {
        self.sim
            .pay(PayOptions::new(&charge.md5))
            .expect("simulated payment");
    }

    /// Every "cannot verify" reason the POS announced so far.
    pub fn cannot_verify_reasons(&self) -> Vec<CannotVerifyReason> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter_map(|event| match event {
                PosEvent::Verification {
                    state: Verification::CannotVerify { reason, .. },
                } => Some(*reason),
                _ => None,
            })
            .collect()
    }

    /// Forgets the events announced so far.
    pub fn clear_events(&self) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The status of the charge's sale in the ledger now.
    pub async fn status(&self, charge: &ChargeView) -> SaleStatus {
        self.pos.sale(charge.sale_id).await.expect("sale").status
    }

    /// Waits up to `limit` until every charge's sale has left `pending`.
    pub async fn settle(&self, charges: &[&ChargeView], limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let mut open = Vec::new();
            for charge in charges {
                if self.status(charge).await == SaleStatus::Pending {
                    open.push(charge.bill_number.clone());
                }
            }
            if open.is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still pending after {limit:?}: {open:?}; events: {:?}",
                self.cannot_verify_reasons()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Audits the ledger file (see [`crate::audit`]); panics with the broken invariant.
    pub fn audit(&self) -> Audit {
        audit(&self.ledger_path()).unwrap_or_else(|problem| panic!("unsound ledger: {problem}"))
    }
}

fn config(dir: &Path, sim: &RunningSim, options: &RigOptions) -> Config {
    Config::from_toml(
        &format!(
            "[merchant]\naccount_id = \"{MERCHANT}\"\nname = \"Scenario Shop\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{url}\"\nemail = \"{email}\"\n\
             daily_check_budget = {budget}\ncheck_reserve = {reserve}\n\
             request_timeout = \"{timeout}\"\n",
            url = sim.url(),
            email = options.email,
            budget = options.budget,
            reserve = options.reserve,
            timeout = options.request_timeout,
        ),
        dir,
    )
    .expect("scenario config")
}

async fn start_pos(
    dir: &Path,
    sim: &RunningSim,
    options: &RigOptions,
    log: &Arc<Mutex<Vec<PosEvent>>>,
) -> Pos {
    let pos = Pos::start_with(
        config(dir, sim, options),
        StartOptions {
            schedule: options.schedule.clone(),
            resume: true,
            min_lifetime: Duration::ZERO,
            volume: options.volume.clone(),
            ..StartOptions::default()
        },
    )
    .await
    .expect("POS starts");
    let mut events = pos.subscribe();
    let log = Arc::clone(log);
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(event) => log.lock().unwrap_or_else(|e| e.into_inner()).push(event),
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    });
    pos
}
