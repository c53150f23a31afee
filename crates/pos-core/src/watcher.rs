//! The payment watcher: one supervised tokio task that looks after every unresolved sale.
//!
//! It sleeps until the earliest check the [`Schedule`] asks for (or a command arrives),
//! spends checks from the persisted daily [`Budget`], batches sales into one md5-list call
//! when the endpoint works (falling back to single checks when it does not), and turns each
//! answer into a ledger event. An error never reads as "unpaid": it becomes the
//! [`Verification::CannotVerify`] state with a backoff, and the sales stay as they are.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_bakong::{BakongClient, BakongError, CheckOutcome, Transaction, MAX_LIST};
use pos_domain::{Money, SaleEvent, SaleStatus};
use pos_store::{Applied, CheckRecord, PaymentDetails, Sale, SaleId, Store};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::schedule::{Budget, CheckKind, Due, Phase, Schedule};
use crate::views::{CannotVerifyReason, PosEvent, RecheckView, SaleView, Verification};
use crate::{Config, CoreError};

/// The longest the watcher sleeps without looking at the clock again, so a suspended PC or
/// a corrected system clock delays checks by at most this much.
const MAX_SLEEP_MS: i64 = 15_000;
/// After the md5-list endpoint failed, single checks are used for this long.
const LIST_RETRY_MS: i64 = 3_600_000;
/// Renew the token this many days before it expires.
const RENEW_DAYS_BEFORE: i64 = 7;

/// The current time, epoch milliseconds (wall clock: sale times must be real times).
pub(crate) fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The ledger, shared by the facade and the watcher; every call runs on a blocking thread.
#[derive(Debug, Clone)]
pub(crate) struct StoreHandle(Arc<Mutex<Store>>);

impl StoreHandle {
    pub(crate) fn new(store: Store) -> Self {
        StoreHandle(Arc::new(Mutex::new(store)))
    }

    /// Runs `f` with the ledger on a blocking thread.
    pub(crate) async fn run<T: Send + 'static, E: Into<CoreError> + Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, CoreError> {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave SQLite half-written (transactions
            // roll back), so the ledger stays usable.
            let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| CoreError::Task(e.to_string()))?
        .map_err(Into::into)
    }
}

/// What the facade and the watcher share.
pub(crate) struct Shared {
    pub config: Config,
    pub store: StoreHandle,
    pub client: Arc<BakongClient>,
    pub events: broadcast::Sender<PosEvent>,
    pub status: Mutex<Status>,
    /// How many sales are still pending; `wait_idle` waits for 0.
    pub pending: watch::Sender<usize>,
}

/// The watcher's state as the health view shows it.
#[derive(Debug, Clone)]
pub(crate) struct Status {
    pub verification: Verification,
    pub last_error: Option<String>,
}

impl Shared {
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
            let changed = status.verification != state;
            status.verification = state.clone();
            changed
        };
        if changed {
            self.emit(PosEvent::Verification { state });
        }
    }

    fn set_last_error(&self, error: String) {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last_error = Some(error);
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
}

/// A sale the watcher looks after.
#[derive(Debug, Clone)]
struct Watched {
    amount: Money,
    md5: String,
    phase: Phase,
    last_answered: Option<i64>,
}

impl Watched {
    fn from_sale(sale: &Sale) -> Option<Watched> {
        let phase = match sale.status {
            SaleStatus::Pending => Phase::Pending {
                created_ms: sale.created_ms,
                expires_ms: sale.expires_ms,
            },
            SaleStatus::Expired => Phase::Expired {
                at_ms: sale.updated_ms,
            },
            SaleStatus::Cancelled => Phase::Cancelled {
                at_ms: sale.updated_ms,
            },
            _ => return None,
        };
        Some(Watched {
            amount: sale.amount,
            md5: sale.md5.clone(),
            phase,
            last_answered: None,
        })
    }

    fn is_pending(&self) -> bool {
        matches!(self.phase, Phase::Pending { .. })
    }
}

/// Spawns the supervised watcher. It restarts (from the ledger) if it ever panics, and stops
/// when every command sender is gone.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    schedule: Schedule,
    commands: mpsc::UnboundedReceiver<Command>,
    resume: bool,
) -> tokio::task::JoinHandle<()> {
    let commands = Arc::new(tokio::sync::Mutex::new(commands));
    tokio::spawn(async move {
        let mut restarts: u32 = 0;
        loop {
            let watcher = Watcher::new(Arc::clone(&shared), schedule.clone());
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
    schedule: Schedule,
    budget: Budget,
    sales: BTreeMap<SaleId, Watched>,
    failures: u32,
    blocked_until: Option<i64>,
    list_usable_at: i64,
    renew_tried_at: Option<i64>,
    idle_waiters: Vec<oneshot::Sender<()>>,
}

/// One check's answer for one sale: a verdict, or why there is none.
type Answer = Result<CheckOutcome, BakongError>;

impl Watcher {
    fn new(shared: Arc<Shared>, schedule: Schedule) -> Self {
        let budget = Budget {
            daily: shared.config.bakong.daily_check_budget,
            reserve: shared.config.bakong.check_reserve,
        };
        Watcher {
            shared,
            schedule,
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
            let now = now_ms();
            let wake = self.next_wake(now).await;
            let sleep_ms = wake.map_or(MAX_SLEEP_MS, |at| (at - now).clamp(0, MAX_SLEEP_MS));
            tokio::select! {
                command = commands.recv() => match command {
                    None => return,
                    Some(Command::Track(sale)) => self.track(&sale),
                    Some(Command::Recheck(reply)) => {
                        let report = self.round(true).await;
                        let _ = reply.send(report);
                    }
                    Some(Command::WhenIdle(reply)) => self.idle_waiters.push(reply),
                },
                () = tokio::time::sleep(Duration::from_millis(sleep_ms.unsigned_abs())) => {
                    if wake.is_some_and(|at| at <= now_ms()) {
                        self.round(false).await;
                    }
                }
            }
        }
    }

    /// Loads every sale still needing checks from the ledger (after a start or a crash).
    async fn resume(&mut self) {
        let since = now_ms().saturating_sub(
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

    async fn checks_used(&self, now: i64) -> u32 {
        let day = self.shared.day(now);
        self.shared
            .store
            .run(move |s| s.checks_used(day))
            .await
            .unwrap_or(u32::MAX)
    }

    /// When the next round is due: the earliest check the budget allows, not before the
    /// backoff ends. Reports a spent budget as "cannot verify".
    async fn next_wake(&self, now: i64) -> Option<i64> {
        if self.sales.is_empty() {
            return None;
        }
        let used = self.checks_used(now).await;
        let mut earliest: Option<i64> = None;
        let mut starved = false;
        for watched in self.sales.values() {
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
                    "{used} of {} checks spent today; checking resumes tomorrow",
                    self.budget.daily
                ),
                retry_at_ms: None,
            });
        }
        earliest.map(|at| self.blocked_until.map_or(at, |b| at.max(b)))
    }

    /// Checks the due sales (all of them when `manual`), spending budget.
    async fn round(&mut self, manual: bool) -> RecheckView {
        let now = now_ms();
        if manual {
            self.blocked_until = None;
            self.failures = 0;
        }
        let used = self.checks_used(now).await;
        let mut due: Vec<(SaleId, CheckKind, i64)> = self
            .sales
            .iter()
            .filter_map(|(id, w)| {
                let due = if manual {
                    // Every sale the schedule still has a check for, now, as if final.
                    let next = self.schedule.next_check(w.phase, w.last_answered)?;
                    Due {
                        at_ms: next.at_ms.min(now),
                        kind: CheckKind::Final,
                    }
                } else {
                    self.schedule
                        .next_allowed(w.phase, w.last_answered, |kind| {
                            self.budget.allows(kind, used)
                        })?
                };
                (manual || due.at_ms <= now + self.schedule.coalesce_ms)
                    .then_some((*id, due.kind, due.at_ms))
                    .filter(|_| self.budget.allows(due.kind, used))
            })
            .collect();
        due.sort_by_key(|(_, _, at)| *at);
        let mut report = RecheckView {
            sales: due.len(),
            checks_spent: 0,
            answered: 0,
        };
        if due.is_empty() {
            return report;
        }
        self.renew_if_expiring(now).await;
        let top = due
            .iter()
            .map(|(_, kind, _)| *kind)
            .min_by_key(|kind| match kind {
                CheckKind::Final => 0,
                CheckKind::Regular => 1,
                CheckKind::Late => 2,
            })
            .unwrap_or(CheckKind::Regular);
        let limit = self.budget.limit(top);

        let mut singles: Vec<SaleId> = due.iter().map(|(id, _, _)| *id).collect();
        if now >= self.list_usable_at && self.sales.len() >= 2 {
            // Every pending sale rides along: one call costs the same whatever it holds.
            let mut batch = singles.clone();
            for (id, w) in &self.sales {
                if w.is_pending() && !batch.contains(id) {
                    batch.push(*id);
                }
            }
            batch.truncate(MAX_LIST);
            if batch.len() >= 2 {
                match self.list_round(&batch, limit, &mut report).await {
                    ListResult::Done => {
                        singles.retain(|id| !batch.contains(id));
                    }
                    ListResult::Unusable => {}
                    ListResult::Stop => return self.finish_round(report, used),
                }
            }
        }
        for id in singles {
            if !self.spend(limit, &mut report).await {
                break;
            }
            let Some(md5) = self.sales.get(&id).map(|w| w.md5.clone()) else {
                continue;
            };
            self.shared.set_verification(Verification::Checking {
                sale_ids: vec![id.0],
            });
            let answer = self.shared.client.check_transaction_by_md5(&md5).await;
            let now = now_ms();
            match answer {
                Ok(outcome) => {
                    self.answered();
                    report.answered += 1;
                    self.settle(id, Ok(outcome), now, None).await;
                }
                Err(error) => {
                    self.settle(id, Err(error.clone()), now, None).await;
                    self.fault(&error, now);
                    break;
                }
            }
        }
        self.finish_round(report, used)
    }

    /// Tries one md5-list call for `batch`.
    async fn list_round(
        &mut self,
        batch: &[SaleId],
        limit: u32,
        report: &mut RecheckView,
    ) -> ListResult {
        if !self.spend(limit, report).await {
            return ListResult::Stop;
        }
        let md5s: Vec<String> = batch
            .iter()
            .filter_map(|id| self.sales.get(id).map(|w| w.md5.clone()))
            .collect();
        self.shared.set_verification(Verification::Checking {
            sale_ids: batch.iter().map(|id| id.0).collect(),
        });
        let answer = self
            .shared
            .client
            .check_transaction_by_md5_list(&md5s.iter().map(String::as_str).collect::<Vec<_>>())
            .await;
        let now = now_ms();
        match answer {
            Ok(list) => {
                self.answered();
                for (id, item) in batch.iter().zip(list.items) {
                    if item.outcome.is_ok() {
                        report.answered += 1;
                    }
                    self.settle(*id, item.outcome, now, Some("list")).await;
                }
                ListResult::Done
            }
            Err(error) if list_endpoint_broken(&error) => {
                tracing::warn!(%error, "md5-list check failed; using single checks");
                self.shared
                    .set_last_error(format!("md5 list endpoint: {error}"));
                self.list_usable_at = now.saturating_add(LIST_RETRY_MS);
                ListResult::Unusable
            }
            Err(error) => {
                for id in batch {
                    self.settle(*id, Err(error.clone()), now, Some("list"))
                        .await;
                }
                self.fault(&error, now);
                ListResult::Stop
            }
        }
    }

    /// Spends one check if the day's budget allows; reports a spent budget otherwise.
    async fn spend(&mut self, limit: u32, report: &mut RecheckView) -> bool {
        let now = now_ms();
        let day = self.shared.day(now);
        match self
            .shared
            .store
            .run(move |s| s.try_spend_checks(day, 1, limit))
            .await
        {
            Ok(true) => {
                report.checks_spent += 1;
                true
            }
            Ok(false) => {
                self.shared.set_verification(Verification::CannotVerify {
                    reason: CannotVerifyReason::Budget,
                    message: format!("the daily budget of {} checks is spent", self.budget.daily),
                    retry_at_ms: None,
                });
                false
            }
            Err(error) => {
                self.shared.set_last_error(error.to_string());
                false
            }
        }
    }

    fn finish_round(&mut self, report: RecheckView, used_before: u32) -> RecheckView {
        let used = used_before.saturating_add(report.checks_spent);
        let starved = self.sales.values().any(|w| {
            self.schedule
                .next_check(w.phase, w.last_answered)
                .is_some_and(|due| !self.budget.allows(due.kind, used))
        });
        if self.blocked_until.is_none() && !starved {
            let next = self
                .sales
                .values()
                .filter_map(|w| self.schedule.next_check(w.phase, w.last_answered))
                .map(|due| due.at_ms)
                .min();
            for (id, w) in &self.sales {
                if let (true, Some(due)) = (
                    w.is_pending(),
                    self.schedule.next_check(w.phase, w.last_answered),
                ) {
                    self.shared.emit(PosEvent::NextCheck {
                        sale_id: id.0,
                        at_ms: due.at_ms,
                    });
                }
            }
            let state = if self.sales.is_empty() {
                Verification::Idle
            } else {
                Verification::Watching {
                    next_check_at_ms: next,
                }
            };
            self.shared.set_verification(state);
        }
        report
    }

    /// A reply arrived: the connection works again.
    fn answered(&mut self) {
        self.failures = 0;
        self.blocked_until = None;
    }

    /// A check failed without a verdict: back off and say why.
    fn fault(&mut self, error: &BakongError, now: i64) {
        self.failures = self.failures.saturating_add(1);
        let reason = reason_of(error);
        let retry_after = match error {
            BakongError::RateLimited {
                retry_after: Some(after),
            } => i64::try_from(after.as_millis()).ok(),
            BakongError::QuotaExceeded { .. } => Some(self.schedule.quota_pause_ms),
            _ => None,
        };
        let retry_at = now.saturating_add(self.schedule.backoff_ms(self.failures, retry_after));
        self.blocked_until = Some(retry_at);
        tracing::warn!(%error, failures = self.failures, "cannot verify payments");
        self.shared.set_last_error(error.to_string());
        self.shared.set_verification(Verification::CannotVerify {
            reason,
            message: error.to_string(),
            retry_at_ms: Some(retry_at),
        });
    }

    /// Renews the token ahead of expiry (at most once an hour), so it never lapses mid-day.
    async fn renew_if_expiring(&mut self, now: i64) {
        let Some(token) = self.shared.client.token() else {
            return;
        };
        // Only a token whose expiry is known and near: an unreadable one may not be a JWT
        // at all (a relay's key), and renewing it hourly could revoke a working token.
        let expiring = token
            .expires_at()
            .is_some_and(|_| token.expires_within(now / 1_000, RENEW_DAYS_BEFORE));
        if self.shared.config.bakong.email.is_none()
            || !expiring
            || self.renew_tried_at.is_some_and(|at| now - at < 3_600_000)
        {
            return;
        }
        self.renew_tried_at = Some(now);
        if let Err(error) = self.shared.client.renew_token().await {
            tracing::warn!(%error, "token renewal before expiry failed");
            self.shared
                .set_last_error(format!("token renewal failed: {error}"));
        }
    }

    /// Logs the answer for one sale and applies its verdict to the ledger.
    async fn settle(&mut self, id: SaleId, answer: Answer, now: i64, via: Option<&str>) {
        let record = check_record(&answer, now, via);
        if let Err(error) = self
            .shared
            .store
            .run(move |s| s.record_check(id, &record))
            .await
        {
            tracing::warn!(%error, sale = id.0, "cannot log a check");
        }
        let Some(watched) = self.sales.get(&id).cloned() else {
            return;
        };
        let outcome = match answer {
            Ok(outcome) => outcome,
            Err(_) => return,
        };
        if let Some(w) = self.sales.get_mut(&id) {
            w.last_answered = Some(now);
        }
        let events: Vec<(SaleEvent, Option<PaymentDetails>)> = match outcome {
            CheckOutcome::Paid(tx) => self.payment_events(&watched, &tx, now),
            CheckOutcome::Failed => vec![(SaleEvent::PaymentFailed, None)],
            CheckOutcome::NotFound | CheckOutcome::StaticQr => match watched.phase {
                Phase::Pending { expires_ms, .. }
                    if now >= expires_ms.saturating_add(self.schedule.final_delay_ms) =>
                {
                    vec![(SaleEvent::Expired, None)]
                }
                _ => Vec::new(),
            },
        };
        for (event, payment) in events {
            let applied = self
                .shared
                .store
                .run(move |s| s.apply_event(id, event, payment.as_ref(), now))
                .await;
            match applied {
                Ok(Applied::Changed { sale, .. }) => {
                    self.shared.emit_sale(&sale);
                    self.track(&sale);
                }
                Ok(Applied::Unchanged { sale }) => self.track(&sale),
                Err(error) => {
                    // Another process may have moved the sale on (e.g. a CLI and the app
                    // both watching): follow the ledger rather than fight it.
                    tracing::info!(%error, sale = id.0, "sale changed elsewhere");
                    if let Ok(Some(sale)) = self.shared.store.run(move |s| s.get(id)).await {
                        self.track(&sale);
                    }
                    break;
                }
            }
        }
        // A closed sale whose late rechecks are all done needs no more attention.
        if let Some(w) = self.sales.get(&id) {
            if self.schedule.next_check(w.phase, w.last_answered).is_none() && !w.is_pending() {
                self.sales.remove(&id);
            }
        }
    }

    /// The ledger events for a reported payment: paid, or flagged when amount, currency or
    /// payee differ. A payment found after expiry whose Bakong time is also after expiry is
    /// late even though the final check found it; one found while the QR was still valid is
    /// on time whatever Bakong's clock says (its clock may be skewed against ours).
    fn payment_events(
        &self,
        watched: &Watched,
        tx: &Transaction,
        now: i64,
    ) -> Vec<(SaleEvent, Option<PaymentDetails>)> {
        let payee_ok = tx
            .to_account_id
            .as_deref()
            .is_none_or(|to| to.eq_ignore_ascii_case(&self.shared.config.merchant.account_id));
        let matches = tx.amount == watched.amount && payee_ok;
        let details = PaymentDetails {
            hash: tx.hash.clone(),
            payer_account: tx.from_account_id.clone(),
            payee_account: tx.to_account_id.clone(),
            amount: tx.amount,
            created_ms: tx.created_ms,
            acknowledged_ms: tx.acknowledged_ms,
            external_ref: tx.external_ref.clone(),
            instruction_ref: tx.instruction_ref.clone(),
        };
        let mut events = Vec::new();
        if let Phase::Pending { expires_ms, .. } = watched.phase {
            if now > expires_ms && tx.created_ms.is_some_and(|sent| sent > expires_ms) {
                events.push((SaleEvent::Expired, None));
            }
        }
        events.push((SaleEvent::PaymentReported { matches }, Some(details)));
        events
    }
}

/// How a list round ended.
enum ListResult {
    /// Every sale in the batch got its answer (or its per-item error).
    Done,
    /// The endpoint itself is unusable here; check the sales one by one.
    Unusable,
    /// A fault or a spent budget: stop this round.
    Stop,
}

/// Whether a list failure is about the list endpoint (production answers it with a bare
/// 403) rather than about reaching Bakong at all.
fn list_endpoint_broken(error: &BakongError) -> bool {
    matches!(
        error,
        BakongError::RegionBlocked { .. }
            | BakongError::HttpStatus { .. }
            | BakongError::Malformed { .. }
            | BakongError::Api { .. }
            | BakongError::InvalidInput { .. }
    )
}

/// The reason the UI shows for an error.
fn reason_of(error: &BakongError) -> CannotVerifyReason {
    match error {
        BakongError::Unauthorized { .. }
        | BakongError::RenewFailed(_)
        | BakongError::NoToken
        | BakongError::NoEmail
        | BakongError::NotRegistered => CannotVerifyReason::Token,
        BakongError::QuotaExceeded { .. } => CannotVerifyReason::Quota,
        BakongError::RateLimited { .. } => CannotVerifyReason::RateLimited,
        BakongError::RegionBlocked { .. } => CannotVerifyReason::Region,
        BakongError::Timeout { .. } => CannotVerifyReason::Timeout,
        BakongError::Connect { .. } => CannotVerifyReason::Network,
        BakongError::Server { .. }
        | BakongError::HttpStatus { .. }
        | BakongError::Malformed { .. }
        | BakongError::Api { .. }
        | BakongError::MissingItem { .. }
        | BakongError::ServiceFailed { .. }
        | BakongError::InvalidInput { .. } => CannotVerifyReason::Server,
    }
}

/// The event-log entry for one answer.
fn check_record(answer: &Answer, now: i64, via: Option<&str>) -> CheckRecord {
    let (http_status, response_code, error_code, note) = match answer {
        Ok(CheckOutcome::Paid(_)) => (Some(200), Some(0), None, "paid".to_owned()),
        Ok(CheckOutcome::NotFound) => (Some(200), Some(1), Some(1), "not found".to_owned()),
        Ok(CheckOutcome::Failed) => (Some(200), Some(1), Some(3), "failed".to_owned()),
        Ok(CheckOutcome::StaticQr) => (Some(200), Some(1), Some(2), "static qr".to_owned()),
        Err(error) => {
            let (http, code) = match error {
                BakongError::Unauthorized { error_code } => (Some(401), *error_code),
                BakongError::QuotaExceeded { .. } => (Some(200), Some(17)),
                BakongError::RateLimited { .. } => (Some(429), None),
                BakongError::RegionBlocked { .. } => (Some(403), None),
                BakongError::Server { status, .. } | BakongError::HttpStatus { status, .. } => {
                    (Some(*status), None)
                }
                BakongError::Api { error_code, .. } => (Some(200), *error_code),
                _ => (None, None),
            };
            (
                http,
                code.map(|_| 1),
                code,
                format!("cannot verify: {error}"),
            )
        }
    };
    CheckRecord {
        at_ms: now,
        http_status,
        response_code,
        error_code,
        note: Some(match via {
            Some(via) => format!("{via}: {note}"),
            None => note,
        }),
    }
}
