//! The payment watcher: one supervised tokio task that looks after every unresolved sale.
//!
//! It sleeps until the earliest check the [`Schedule`] asks for (or a command arrives),
//! spends checks from the persisted daily [`Budget`], batches sales into one md5-list call
//! when the endpoint works (falling back to single checks when it does not), and turns each
//! answer into a ledger event. An error never reads as "unpaid": it becomes the
//! [`Verification::CannotVerify`] state with a backoff, and the sales stay as they are.
//!
//! How hard it checks follows the day: the cadence is held back by a [`Pace`] planned from
//! the budget left and the shop's usual volume ([`Volume`], learned from the ledger).
//!
//! This module is the task and its state; [`round`] is one round of checks, [`key`] the
//! cashier's "customer shows paid" check, [`verdict`] the pure decision of what an answer
//! means for a sale, and [`gate`] the budget each check is counted in: the ledger's, or the
//! shop's one Bakong budget through the shop database. With a shop database, [`elected`] is
//! the shop's one checker: the counter holding its lease checks every counter's pending sales,
//! and the others' watchers leave the sales it covers to it.

mod elected;
mod gate;
mod key;
mod round;
mod verdict;

pub(crate) use elected::{spawn as spawn_elected, Coverage};
pub(crate) use gate::{for_config as gate_for, CheckGate};
pub use key::CheckNow;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_bakong::BakongClient;
use pos_domain::{Money, SaleStatus};
use pos_store::{Sale, SaleId};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::clock::Clock;
use crate::pace::{plan_day, KeyUse, Pace, Payments, Volume};
use crate::schedule::{Budget, CheckKind, Phase, Schedule};
use crate::store::StoreHandle;
use crate::views::{CannotVerifyReason, PosEvent, RecheckView, SaleView, Verification};
use crate::{Config, CoreError};

/// The longest the watcher sleeps without looking at the clock again, so a suspended PC or
/// a corrected system clock delays checks by at most this much.
const MAX_SLEEP_MS: i64 = 15_000;
/// How many past days the shop's usual volume is learned from.
const VOLUME_DAYS: u32 = 14;

/// What the facade and the watcher share.
pub(crate) struct Shared {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub store: StoreHandle,
    pub client: Arc<BakongClient>,
    pub events: broadcast::Sender<PosEvent>,
    pub status: Mutex<Status>,
    /// How many sales are still pending; `wait_idle` waits for 0.
    pub pending: watch::Sender<usize>,
    /// Where each check is counted before it is made.
    pub gate: Box<dyn CheckGate>,
    /// The sales the shop's elected checker covers: automatic rounds leave them to it.
    pub coverage: Coverage,
}

/// The watcher's state as the health view shows it.
#[derive(Debug, Clone)]
pub(crate) struct Status {
    pub verification: Verification,
    pub last_error: Option<String>,
    /// When `last_error` happened (epoch ms).
    pub last_error_at_ms: Option<i64>,
}

impl Shared {
    /// The current time, epoch milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub(crate) fn emit(&self, event: PosEvent) {
        // No subscriber is fine: the UI may not be listening yet.
        let _ = self.events.send(event);
    }

    pub(crate) fn emit_sale(&self, sale: &Sale) {
        self.emit(PosEvent::SaleUpdated {
            sale: Box::new(SaleView::from(sale)),
        });
    }

    pub(crate) fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_verification(&self, state: Verification) {
        let changed = {
            let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
            // A retry in flight does not end "cannot verify": only an answer does. Otherwise
            // the counter would flicker, and withdraw "accept on the customer's screen", on
            // every retry during an outage.
            if matches!(
                (&status.verification, &state),
                (
                    Verification::CannotVerify { .. },
                    Verification::Checking { .. }
                )
            ) {
                return;
            }
            let changed = status.verification != state;
            status.verification = state.clone();
            changed
        };
        if changed {
            self.emit(PosEvent::Verification { state });
        }
    }

    fn set_last_error(&self, error: String) {
        let at_ms = self.now_ms();
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        status.last_error = Some(error);
        status.last_error_at_ms = Some(at_ms);
    }

    /// Bakong answered: an earlier error no longer describes the connection.
    fn clear_last_error(&self) {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        status.last_error = None;
        status.last_error_at_ms = None;
    }

    /// The shop day `at_ms` falls on, which the check budget is counted per.
    pub(crate) fn day(&self, at_ms: i64) -> pos_store::NaiveDate {
        pos_store::shop_day(at_ms, self.config.time_zone)
    }
}

/// What the facade asks of the watcher.
#[derive(Debug)]
pub(crate) enum Command {
    /// Start (or update) watching this sale: new, cancelled, or changed elsewhere.
    Track(Box<Sale>),
    /// Check every watched sale now, whatever the schedule says.
    Recheck(oneshot::Sender<RecheckView>),
    /// Answer once no sale is pending (commands sent before this one are taken into account).
    WhenIdle(oneshot::Sender<()>),
    /// The customer shows paid: check this sale now.
    CheckNow(SaleId, oneshot::Sender<Result<CheckNow, CoreError>>),
    /// The shop's elected checker's answer for this sale: settle it like an own check's.
    Settle(SaleId, Box<pos_bakong::CheckOutcome>),
    /// What the elected checker covers changed: plan again.
    Wake,
}

/// A sale the watcher looks after.
#[derive(Debug, Clone)]
struct Watched {
    amount: Money,
    md5: String,
    phase: Phase,
    last_answered: Option<i64>,
    /// Answers it got, so the pace can plan each open sale's whole life.
    answers: u32,
}

impl Watched {
    fn from_sale(sale: &Sale) -> Option<Watched> {
        let phase = match sale.status {
            // An accepted sale is checked like a pending one: Bakong's answer settles it, and
            // "not found" at its final check sends it to the owner (see `SaleStatus::apply`).
            SaleStatus::Pending | SaleStatus::AcceptedUnverified => Phase::Pending {
                created_ms: sale.created_ms,
                expires_ms: sale.expires_ms,
            },
            SaleStatus::Expired | SaleStatus::Unconfirmed => Phase::Expired {
                at_ms: sale.updated_ms,
            },
            SaleStatus::Cancelled => Phase::Cancelled {
                at_ms: sale.updated_ms,
            },
            _ => return None,
        };
        Some(Watched {
            // A split sale's QR asks for the rest only: that is what a payment must match.
            amount: sale.qr_due(),
            md5: sale.md5.clone(),
            phase,
            last_answered: None,
            answers: 0,
        })
    }

    fn is_pending(&self) -> bool {
        matches!(self.phase, Phase::Pending { .. })
    }
}

impl Watcher {
    /// Whether the shop's elected checker checks this sale, so automatic rounds leave it.
    fn covered(&self, id: SaleId, watched: &Watched) -> bool {
        watched.is_pending() && self.shared.coverage.covers(id)
    }
}

/// Spawns the supervised watcher. It restarts (from the ledger) if it ever panics, and stops
/// when every command sender is gone.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    schedule: Schedule,
    volume: Option<Volume>,
    commands: mpsc::UnboundedReceiver<Command>,
    resume: bool,
) -> tokio::task::JoinHandle<()> {
    let commands = Arc::new(tokio::sync::Mutex::new(commands));
    tokio::spawn(async move {
        let mut restarts: u32 = 0;
        loop {
            let watcher = Watcher::new(Arc::clone(&shared), schedule.clone(), volume.clone());
            let task = tokio::spawn(watcher.run(Arc::clone(&commands), resume || restarts > 0));
            match task.await {
                Err(error) if error.is_panic() => {
                    restarts = restarts.saturating_add(1);
                    tracing::error!(restarts, "payment watcher panicked; restarting it");
                    shared.set_last_error(format!("payment watcher restarted ({restarts}×)"));
                    let pause = schedule.backoff_ms(restarts, None);
                    tokio::time::sleep(Duration::from_millis(pause.unsigned_abs())).await;
                }
                _ => return,
            }
        }
    })
}

struct Watcher {
    shared: Arc<Shared>,
    /// The cadence as configured…
    base: Schedule,
    /// …and as the day's [`Pace`] holds it back now.
    schedule: Schedule,
    pace: Pace,
    /// The shop's usual volume: given, or learned from the ledger for `learned_on`.
    volume: Option<Volume>,
    given_volume: bool,
    learned_on: Option<pos_store::NaiveDate>,
    /// Today's QRs and key presses, for the pace; `keys_on` is their shop day.
    keys: KeyUse,
    keys_on: Option<pos_store::NaiveDate>,
    /// When a round last spent a check, so paced rounds keep their gap.
    last_round_ms: Option<i64>,
    /// The day's budget; its reserve for final checks is planned with the pace.
    budget: Budget,
    sales: BTreeMap<SaleId, Watched>,
    failures: u32,
    blocked_until: Option<i64>,
    list_usable_at: i64,
    renew_tried_at: Option<i64>,
    idle_waiters: Vec<oneshot::Sender<()>>,
}

impl Watcher {
    fn new(shared: Arc<Shared>, schedule: Schedule, volume: Option<Volume>) -> Self {
        let budget = Budget {
            daily: shared.config.bakong.daily_check_budget,
            reserve: shared.config.bakong.check_reserve,
        };
        let mut base = schedule;
        if let Some(volume) = &volume {
            base.pay_delays_ms = volume.payments.learned_delays().to_vec();
        }
        Watcher {
            shared,
            schedule: base.clone(),
            base,
            pace: Pace::FULL,
            given_volume: volume.is_some(),
            volume,
            learned_on: None,
            keys: KeyUse::default(),
            keys_on: None,
            last_round_ms: None,
            budget,
            sales: BTreeMap::new(),
            failures: 0,
            blocked_until: None,
            list_usable_at: 0,
            renew_tried_at: None,
            idle_waiters: Vec::new(),
        }
    }

    async fn run(
        mut self,
        commands: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Command>>>,
        resume: bool,
    ) {
        let mut commands = commands.lock().await;
        if resume {
            self.resume().await;
        }
        loop {
            self.publish_pending();
            let now = self.shared.now_ms();
            let wake = self.next_wake(now).await;
            let sleep_ms = wake.map_or(MAX_SLEEP_MS, |at| (at - now).clamp(0, MAX_SLEEP_MS));
            tokio::select! {
                command = commands.recv() => match command {
                    None => return,
                    Some(Command::Track(sale)) => {
                        if !self.sales.contains_key(&sale.id) && sale.status == SaleStatus::Pending {
                            self.tally_today(now).qrs += 1;
                        }
                        self.track(&sale);
                    }
                    Some(Command::Recheck(reply)) => {
                        let report = self.round(true).await;
                        let _ = reply.send(report);
                    }
                    Some(Command::WhenIdle(reply)) => self.idle_waiters.push(reply),
                    Some(Command::CheckNow(id, reply)) => {
                        let answer = self.check_now(id).await;
                        // Only a press that left its sale open cost a check the schedule
                        // would not have spent (see `KeyUse`).
                        if matches!(answer, Ok(CheckNow::NotFoundYet { .. })) {
                            self.tally_today(now).keys += 1;
                        }
                        let _ = reply.send(answer);
                    }
                    Some(Command::Settle(id, outcome)) => {
                        // Only a sale still watched: a result read again after a restart,
                        // or for a sale settled meanwhile, leaves nothing behind.
                        if self.sales.contains_key(&id) {
                            let now = self.shared.now_ms();
                            self.settle(id, Ok(*outcome), now, Some("shop")).await;
                        }
                    }
                    Some(Command::Wake) => {}
                },
                () = tokio::time::sleep(Duration::from_millis(sleep_ms.unsigned_abs())) => {
                    if wake.is_some_and(|at| at <= self.shared.now_ms()) {
                        self.round(false).await;
                    }
                }
            }
        }
    }

    /// Loads every sale still needing checks from the ledger (after a start or a crash).
    async fn resume(&mut self) {
        let since = self.shared.now_ms().saturating_sub(
            i64::try_from(self.schedule.late_horizon().as_millis()).unwrap_or(i64::MAX),
        );
        match self.shared.store.run(move |s| s.unresolved(since)).await {
            Ok(sales) => {
                for sale in &sales {
                    self.track(sale);
                }
                tracing::info!(sales = sales.len(), "payment watcher resumed");
            }
            Err(error) => self.shared.set_last_error(error.to_string()),
        }
    }

    /// Today's key tally, started afresh on a new shop day.
    fn tally_today(&mut self, now: i64) -> &mut KeyUse {
        let today = self.shared.day(now);
        if self.keys_on != Some(today) {
            self.keys_on = Some(today);
            self.keys = KeyUse::default();
        }
        &mut self.keys
    }

    fn track(&mut self, sale: &Sale) {
        match Watched::from_sale(sale) {
            Some(watched) => {
                self.sales.insert(sale.id, watched);
            }
            None => {
                self.sales.remove(&sale.id);
            }
        }
    }

    fn publish_pending(&mut self) {
        let pending = self.sales.values().filter(|w| w.is_pending()).count();
        self.shared.pending.send_replace(pending);
        if pending == 0 {
            for waiter in self.idle_waiters.drain(..) {
                let _ = waiter.send(());
            }
        }
        if self.sales.is_empty() && self.blocked_until.is_none() {
            self.shared.set_verification(Verification::Idle);
        }
    }

    /// The checks of today the watcher plans as spent: its ledger's count, or more when the
    /// shop's budget has less left for this counter.
    async fn checks_used(&self, now: i64) -> u32 {
        let day = self.shared.day(now);
        let used = self
            .shared
            .store
            .run(move |s| s.checks_used(day))
            .await
            .unwrap_or(u32::MAX);
        // When the shop's budget has less left for this counter than its own limit, the rest
        // counts as spent: the pace plans from what the shop has left, and the reserve for
        // final checks is kept out of it.
        self.shared.gate.left(day, used).map_or(used, |left| {
            used.max(self.budget.daily.saturating_sub(left))
        })
    }

    /// Learns the shop's usual volume from the ledger's last [`VOLUME_DAYS`] days, once a
    /// shop day (unless a test or bench gave one).
    async fn learn_volume(&mut self, now: i64) {
        let tz = self.shared.config.time_zone;
        let today = self.shared.day(now);
        if self.given_volume || self.learned_on == Some(today) {
            return;
        }
        self.learned_on = Some(today);
        let first = today - chrono::Days::new(u64::from(VOLUME_DAYS));
        let (Ok(past), Ok(anchor)) = (
            pos_store::days_range(first, today.pred_opt().unwrap_or(today), tz),
            pos_store::day_range(today, tz),
        ) else {
            return;
        };
        let query = pos_store::Query {
            range: Some(past),
            ..pos_store::Query::default()
        };
        match self.shared.store.run(move |s| s.sales(&query)).await {
            Ok(sales) => {
                let mut volume = Volume::learn(
                    anchor.from_ms,
                    VOLUME_DAYS,
                    sales.iter().map(|sale| sale.created_ms),
                );
                // Cash sales show no QR, so they say nothing about when customers pay.
                volume.payments =
                    Payments::learn(sales.iter().filter(|s| !s.qr.is_empty()).map(|sale| {
                        let paid = sale.payment.as_ref().and_then(|p| p.created_ms);
                        (sale.created_ms, paid)
                    }));
                self.base.pay_delays_ms = volume.payments.learned_delays().to_vec();
                self.volume = Some(volume);
            }
            Err(error) => self.shared.set_last_error(error.to_string()),
        }
    }

    /// Plans the pace for `used` checks spent today and holds the cadence back by it.
    fn plan_pace(&mut self, now: i64, used: u32) {
        // The open sales' own checks count as theirs again: the per-sale limit is on a sale's
        // whole life, not on what is left of it.
        let (pending, answered) = self
            .sales
            .values()
            .filter(|w| w.is_pending())
            .fold((0, 0_u32), |(n, a), w| (n + 1, a.saturating_add(w.answers)));
        let outlook = self.volume.as_ref().map_or(
            crate::pace::Outlook {
                sales: 0,
                horizon_ms: 0,
            },
            |v| v.outlook(now),
        );
        let batched = now >= self.list_usable_at;
        let paid_per_mille = self
            .volume
            .as_ref()
            .and_then(|v| v.payments.paid_per_mille());
        let daily = self.budget.daily;
        let regular_left = |reserve| {
            Budget { daily, reserve }
                .limit(CheckKind::Regular)
                .saturating_sub(used)
                .saturating_add(answered)
        };
        let keys = *self.tally_today(now);
        // Keep what the rest of the day's final checks need, not the whole configured reserve:
        // the rest goes to regular checks. Every check until the next plan is allowed against
        // this reserve.
        let (pace, reserve) = plan_day(
            self.shared.config.bakong.check_reserve,
            regular_left,
            outlook,
            pending,
            self.base.full_cost(),
            batched,
            paid_per_mille,
            keys,
        );
        self.budget.reserve = reserve;
        let regular_left = regular_left(reserve);
        if pace != self.pace || self.schedule.pay_delays_ms != self.base.pay_delays_ms {
            tracing::info!(?pace, regular_left, ?outlook, "check pace");
            self.pace = pace;
            self.schedule = self.base.paced(&pace);
        }
    }

    /// The earliest a paced automatic round may start.
    fn paced_from(&self) -> Option<i64> {
        self.last_round_ms
            .map(|last| last.saturating_add(self.pace.round_gap_ms))
    }

    /// When the next round is due: the earliest check the budget allows, not before the
    /// backoff ends nor before the pace allows. Reports a spent budget as "cannot verify".
    async fn next_wake(&mut self, now: i64) -> Option<i64> {
        if self.sales.is_empty() {
            return None;
        }
        self.learn_volume(now).await;
        let used = self.checks_used(now).await;
        self.plan_pace(now, used);
        let mut earliest: Option<i64> = None;
        let mut starved = false;
        for (id, watched) in &self.sales {
            if self.covered(*id, watched) {
                continue;
            }
            let next = self
                .schedule
                .next_check(watched.phase, watched.last_answered);
            if next.is_some_and(|due| !self.budget.allows(due.kind, used)) {
                starved = true;
            }
            let allowed =
                self.schedule
                    .next_allowed(watched.phase, watched.last_answered, |kind| {
                        self.budget.allows(kind, used)
                    });
            if let Some(due) = allowed {
                earliest = Some(earliest.map_or(due.at_ms, |e| e.min(due.at_ms)));
            }
        }
        if starved {
            self.shared.set_verification(Verification::CannotVerify {
                reason: CannotVerifyReason::Budget,
                message: format!(
                    "{} checks left today, kept for final checks; \
                     checking resumes tomorrow",
                    self.budget.daily.saturating_sub(used)
                ),
                retry_at_ms: None,
            });
        }
        earliest
            .map(|at| self.blocked_until.map_or(at, |b| at.max(b)))
            .map(|at| self.paced_from().map_or(at, |p| at.max(p)))
    }
}
