//! [`Pos`]: the one entry point the desktop app and the CLI share. It owns the ledger, the
//! Bakong client (and, in demo mode, the embedded simulator of [`crate::demo`]) and the payment
//! watcher; every method returns views ready for the UI or a [`CoreError`] with a stable code.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_bakong::{BakongClient, ClientConfig, Token};
use pos_domain::text;
use pos_domain::SaleEvent;
use pos_store::{Applied, NewSale, Query, Range, Sale, SaleId, Store, StoreError};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::auto_backup::{AutoBackup, DailyBackups};
use crate::charge::{self, bill_seq, Checked};
use crate::clock::{Clock, SystemClock};
use crate::counter::Counter;
use crate::demo::Demo;
use crate::error::PAYER_REF_FIELD;
use crate::pace::Volume;
use crate::printing::Spooler;
use crate::schedule::Schedule;
use crate::shop_sync::ShopSync;
use crate::store::StoreHandle;
use crate::views::{
    ChargeRequest, ChargeView, DayReport, Health, LedgerCheck, RecheckView, SaleView, SalesList,
    SalesQuery, Verification,
};
use crate::watcher::{self, CheckNow, Command, Shared, Status};
use crate::{token_file, Config, CoreError, Ledger, PosEvent};

/// The longest payer's reference the cashier may type (a bank's transaction id fits).
const PAYER_REF_MAX_CHARS: usize = 64;

/// Events buffered per subscriber before a slow one starts missing them.
const EVENT_BUFFER: usize = 256;

/// Choices for [`Pos::start_with`]; the defaults are what the app and the CLI use.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// The check cadence.
    pub schedule: Schedule,
    /// Resume every unresolved sale in the ledger (the app, `watch`, `recheck`); without it
    /// only sales charged by this instance are watched (`charge --wait`).
    pub resume: bool,
    /// The shortest QR lifetime accepted. One minute; tests use less to run quickly.
    pub min_lifetime: Duration,
    /// Where the POS reads the time: the system's wall clock.
    pub clock: Arc<dyn Clock>,
    /// The shop's usual volume the check pace plans with; `None`: learned from the ledger's
    /// recent days. Tests and benches give the day they play.
    pub volume: Option<Volume>,
    /// Back the ledger up once a day from a background task (the app); off by default so
    /// a short CLI command does not start one. Shift closes back up either way.
    pub daily_backups: bool,
    /// With `[shop_db]`: take part in the shop's shared checks (register pending sales, hear
    /// their results, and check every counter's sales while elected). For a process that
    /// keeps running (the app, `watch`); off by default so a short CLI command never becomes
    /// the shop's checker.
    pub shared_checks: bool,
}

impl StartOptions {
    /// The cadence played `speed` times faster and any QR lifetime accepted, the rest as
    /// [`StartOptions::default`]: how tests and benches run whole sales in moments.
    pub fn accelerated(speed: u32) -> Self {
        StartOptions {
            schedule: Schedule::scaled(speed),
            min_lifetime: Duration::ZERO,
            ..StartOptions::default()
        }
    }
}

impl Default for StartOptions {
    fn default() -> Self {
        StartOptions {
            schedule: Schedule::default(),
            resume: true,
            min_lifetime: crate::QR_LIFETIME_RANGE.0,
            clock: Arc::new(SystemClock),
            volume: None,
            daily_backups: false,
            shared_checks: false,
        }
    }
}

/// The running POS. Cheap to clone (an `Arc` inside); every clone is the same POS.
#[derive(Clone)]
pub struct Pos {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    ledger: Ledger,
    commands: Mutex<Option<mpsc::UnboundedSender<Command>>>,
    watcher: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The shop's shared checks, with `[shop_db]` and [`StartOptions::shared_checks`].
    elected: Option<tokio::task::JoinHandle<()>>,
    demo: Option<Demo>,
    min_lifetime: Duration,
    /// The next bill sequence number per shop day, so a charge needs no extra query.
    next_bill: Mutex<Option<(String, u32)>>,
    /// Cashier sign-in throttles and the owner PIN, for the counter's day.
    counter: Counter,
    /// The newest sale that was waiting for payment when this run started: after a crash or
    /// restart the counter puts it back on screen, so the cashier learns what became of it.
    waiting_at_start: Option<i64>,
    pending: watch::Receiver<usize>,
    /// The receipt printer's queue, when a printer is configured.
    spooler: Option<Spooler>,
    /// The automatic push to the shop database, when the configuration names one.
    shop_sync: Option<ShopSync>,
    backups: Arc<AutoBackup>,
    daily_backups: Mutex<Option<DailyBackups>>,
}

impl std::fmt::Debug for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pos")
            .field("environment", &self.inner.shared.config.bakong.environment)
            .field("client", &self.inner.shared.client)
            .finish_non_exhaustive()
    }
}

impl Pos {
    /// Opens the ledger, connects to Bakong (or, in the demo environment, starts the embedded
    /// simulator), and starts the watcher, which resumes every unresolved sale. Without the
    /// `demo` feature the demo environment is refused with [`CoreError::DemoNotBuilt`].
    pub async fn start(config: Config) -> Result<Pos, CoreError> {
        Pos::start_with(config, StartOptions::default()).await
    }

    /// [`Pos::start`] with explicit options.
    pub async fn start_with(config: Config, options: StartOptions) -> Result<Pos, CoreError> {
        let ledger = Ledger::open_with(config.clone(), Arc::clone(&options.clock)).await?;
        let config_dir = config.data_dir.clone();
        let store = ledger.store().clone();
        let gate = watcher::gate_for(&config)?;
        let (client, demo) = connect(&config).await?;
        // Read before the watcher starts, which may resolve it at once. Only pending sales
        // qualify: no closed QR is newer than `i64::MAX`, and an accepted one is off the
        // counter already.
        let waiting_at_start = store
            .run(|s| s.unresolved(i64::MAX))
            .await?
            .iter()
            .filter(|sale| sale.status.is_pending())
            .map(|sale| sale.id.0)
            .max();
        let backups = Arc::new(AutoBackup::new(&config, Arc::clone(&options.clock)));
        let daily_backups = options
            .daily_backups
            .then(|| DailyBackups::spawn(Arc::clone(&backups)));
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let spooler = Spooler::start(&config, Arc::clone(&options.clock), events.subscribe());
        let (pending_tx, pending) = watch::channel(0);
        let shared = Arc::new(Shared {
            config,
            clock: options.clock,
            store,
            client,
            events,
            status: Mutex::new(Status {
                verification: Verification::Idle,
                last_error: None,
                last_error_at_ms: None,
            }),
            pending: pending_tx,
            gate,
            coverage: watcher::Coverage::default(),
        });
        if let Some(demo) = &demo {
            demo.register_unresolved(&shared.store, &shared.config, shared.now_ms())
                .await?;
        }
        let shop_sync = ShopSync::start(
            &shared.config,
            shared.store.clone(),
            Arc::clone(&shared.clock),
            shared.events.subscribe(),
        )?;
        let (commands, receiver) = mpsc::unbounded_channel();
        let elected = if options.shared_checks {
            watcher::spawn_elected(Arc::clone(&shared), options.schedule.clone(), &commands)?
        } else {
            None
        };
        let task = watcher::spawn(
            Arc::clone(&shared),
            options.schedule,
            options.volume,
            receiver,
            options.resume,
        );
        Ok(Pos {
            inner: Arc::new(Inner {
                shared,
                ledger,
                commands: Mutex::new(Some(commands)),
                watcher: Mutex::new(Some(task)),
                elected,
                demo,
                min_lifetime: options.min_lifetime,
                next_bill: Mutex::new(None),
                waiting_at_start,
                pending,
                counter: Counter::new(&config_dir),
                spooler,
                shop_sync,
                backups,
                daily_backups: Mutex::new(daily_backups),
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.shared.config
    }

    /// Whether payments are simulated: the demo environment, served by the embedded
    /// simulator (the default while no token is saved; it stays chosen after one is).
    pub fn is_demo(&self) -> bool {
        self.inner.demo.is_some()
    }

    /// Receives every sale change and verification state from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<PosEvent> {
        self.inner.shared.events.subscribe()
    }

    fn send(&self, command: Command) -> Result<(), CoreError> {
        let guard = self
            .inner
            .commands
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .ok_or(CoreError::Stopped)?
            .send(command)
            .map_err(|_| CoreError::Stopped)
    }

    pub(crate) fn store(&self) -> &StoreHandle {
        self.inner.ledger.store()
    }

    /// Charges: checks the amount, records the pending sale, and only then returns the QR.
    pub async fn charge(&self, request: ChargeRequest) -> Result<ChargeView, CoreError> {
        let mut checked = charge::check_request(self.config(), &request, self.inner.min_lifetime)?;
        checked.riel_per_usd = self.current_rate().await?.riel_per_usd();
        let sale = self
            .record_sale(checked, |store, new| store.insert_pending(new))
            .await?;
        self.watch_new_qr(&sale)
    }

    /// Numbers a new sale and writes it with `insert` on the ledger's thread, trying the next
    /// bill number when another process took one.
    pub(crate) async fn record_sale(
        &self,
        checked: Checked,
        mut insert: impl FnMut(&mut Store, &NewSale) -> Result<Sale, StoreError> + Send + 'static,
    ) -> Result<Sale, CoreError> {
        let shared = &self.inner.shared;
        if self.commands_closed() {
            return Err(CoreError::Stopped);
        }
        let now = shared.now_ms();
        let day = shared.day(now).format("%y%m%d").to_string();
        let first_seq = self.next_bill_seq(&day).await?;
        let config = shared.config.clone();
        let day_for_sale = day.clone();
        let sale = self
            .store()
            .run(move |store| {
                charge::create_sale(&config, &checked, now, &day_for_sale, first_seq, |new| {
                    insert(store, new)
                })
            })
            .await?;
        let prefix = format!("{}-{day}-", shared.config.terminal_id);
        if let Some(seq) = bill_seq(&sale.bill_number, &prefix) {
            *self
                .inner
                .next_bill
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some((day, seq.saturating_add(1)));
        }
        Ok(sale)
    }

    /// Puts a new sale's QR in front of the customer and the watcher: registered with the
    /// demo simulator, announced, tracked.
    pub(crate) fn watch_new_qr(&self, sale: &Sale) -> Result<ChargeView, CoreError> {
        let shared = &self.inner.shared;
        if let Some(demo) = &self.inner.demo {
            demo.register(sale, &shared.config)?;
        }
        let svg = pos_khqr::render_svg(&sale.qr)?;
        shared.emit_sale(sale);
        self.send(Command::Track(Box::new(sale.clone())))?;
        Ok(charge::view(&shared.config, sale, svg))
    }

    /// The current time, from the POS's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.inner.shared.now_ms()
    }

    /// Announces a sale's change to subscribers.
    pub(crate) fn emit_sale(&self, sale: &Sale) {
        self.inner.shared.emit_sale(sale);
    }

    /// The print queue, when a printer is configured.
    pub(crate) fn spooler(&self) -> Option<&Spooler> {
        self.inner.spooler.as_ref()
    }

    /// The Bakong client (the embedded simulator's in demo mode).
    pub(crate) fn bakong(&self) -> &BakongClient {
        &self.inner.shared.client
    }

    /// The automatic backups.
    pub(crate) fn backups(&self) -> &AutoBackup {
        &self.inner.backups
    }

    /// The counter's own state (cashier PIN throttles).
    pub(crate) fn counter(&self) -> &Counter {
        &self.inner.counter
    }

    fn commands_closed(&self) -> bool {
        self.inner
            .commands
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// The first bill sequence number worth trying today: one past the highest in the ledger.
    async fn next_bill_seq(&self, day: &str) -> Result<u32, CoreError> {
        if let Some((cached_day, seq)) = self
            .inner
            .next_bill
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            if cached_day == day {
                return Ok(seq);
            }
        }
        let prefix = format!("{}-{day}-", self.config().terminal_id);
        let range = self.today_range()?;
        let search = prefix.clone();
        let sales = self
            .store()
            .run(move |s| {
                s.sales(&Query {
                    range: Some(range),
                    search: Some(search),
                    ..Query::default()
                })
            })
            .await?;
        Ok(sales
            .iter()
            .filter_map(|s| bill_seq(&s.bill_number, &prefix))
            .max()
            .map_or(1, |max| max.saturating_add(1)))
    }

    fn today_range(&self) -> Result<Range, CoreError> {
        let tz = self.config().time_zone;
        let today = pos_store::shop_day(self.inner.shared.now_ms(), tz);
        Ok(pos_store::day_range(today, tz)?)
    }

    /// Cancels a pending sale. A payment that still arrives is flagged paid-late.
    pub async fn cancel(&self, sale_id: i64) -> Result<SaleView, CoreError> {
        let now = self.inner.shared.now_ms();
        let applied = self
            .store()
            .run(move |s| s.apply_event(SaleId(sale_id), SaleEvent::Cancelled, None, now))
            .await?;
        let sale = applied.sale().clone();
        if let Applied::Changed { .. } = applied {
            self.inner.shared.emit_sale(&sale);
            self.send(Command::Track(Box::new(sale.clone())))?;
        }
        Ok(SaleView::from(&sale))
    }

    /// A fresh QR for the same amount, currency, lifetime and note as `sale_id` (a new sale);
    /// a still-pending original is cancelled first so only one QR can be paid.
    pub async fn regenerate(&self, sale_id: i64) -> Result<ChargeView, CoreError> {
        let old = self.load(sale_id).await?;
        if old.status.is_pending() {
            self.cancel(sale_id).await?;
        }
        let lifetime = u64::try_from(old.expires_ms.saturating_sub(old.created_ms)).ok();
        self.charge(ChargeRequest {
            amount: old.amount.plain(),
            currency: Some(old.amount.currency),
            expires_in_ms: lifetime,
            note: old.note,
        })
        .await
    }

    async fn load(&self, sale_id: i64) -> Result<Sale, CoreError> {
        self.inner.ledger.load(sale_id).await
    }

    /// One sale.
    pub async fn sale(&self, sale_id: i64) -> Result<SaleView, CoreError> {
        self.inner.ledger.sale(sale_id).await
    }

    /// The sale that was waiting for payment when this run started, with its QR, and where it
    /// stands now (still pending, or what the watcher found since); `None` if there was none.
    pub async fn waiting_at_start(&self) -> Result<Option<(ChargeView, SaleView)>, CoreError> {
        let Some(sale_id) = self.inner.waiting_at_start else {
            return Ok(None);
        };
        let sale = self.load(sale_id).await?;
        Ok(Some((self.card_of(&sale)?, SaleView::from(&sale))))
    }

    /// A sale's KHQR card as its charge returned it (the customer display shows the QR the
    /// counter shows); for a sale without a QR (all cash) it is an error.
    pub async fn card(&self, sale_id: i64) -> Result<ChargeView, CoreError> {
        self.card_of(&self.load(sale_id).await?)
    }

    /// The change a cash sale gave back, riel and dollars as recorded (none for a sale
    /// without change): what the customer display shows after PAID.
    pub async fn change_given(&self, sale_id: i64) -> Result<Vec<pos_domain::Money>, CoreError> {
        let tenders = self
            .store()
            .run(move |s| s.sale_tenders(SaleId(sale_id)))
            .await?;
        Ok(tenders
            .into_iter()
            .filter(|t| t.kind == "change" && t.amount.minor > 0)
            .map(|t| t.amount)
            .collect())
    }

    fn card_of(&self, sale: &Sale) -> Result<ChargeView, CoreError> {
        let svg = pos_khqr::render_svg(&sale.qr)?;
        Ok(charge::view(&self.inner.shared.config, sale, svg))
    }

    /// Demo mode only: the customer "pays" the sale's QR now.
    pub async fn demo_pay(&self, sale_id: i64) -> Result<(), CoreError> {
        let demo = self.inner.demo.as_ref().ok_or(CoreError::NotDemo)?;
        let sale = self.load(sale_id).await?;
        demo.pay(&sale.md5)
    }

    /// Checks every unresolved sale now, outside the schedule (within the daily budget,
    /// reserve included), and reports what it spent.
    pub async fn recheck(&self) -> Result<RecheckView, CoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Recheck(reply))?;
        answer.await.map_err(|_| CoreError::Stopped)
    }

    /// "The customer shows paid": checks one sale with Bakong now, spending one check (in
    /// one md5-list call with every other watched sale where that endpoint works). It runs in
    /// the watcher, so a payment is finalized exactly once however it races the schedule.
    /// The budget it may use keeps one final check for every other pending sale.
    pub async fn check_now(&self, sale_id: i64) -> Result<CheckNow, CoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::CheckNow(SaleId(sale_id), reply))?;
        answer.await.map_err(|_| CoreError::Stopped)?
    }

    /// The payer's reference as [`Pos::accept_unverified`] would store it (trimmed), or why
    /// accepting is refused whatever Bakong says: the owner turned it off, or the reference is
    /// blank, too long or has a control character. A client checks this before spending a
    /// check to learn whether Bakong can answer.
    pub fn accept_precheck(&self, payer_ref: &str) -> Result<String, CoreError> {
        if !self.inner.shared.config.accept_unverified {
            return Err(CoreError::AcceptDisabled);
        }
        let payer_ref = payer_ref.trim();
        text::check(PAYER_REF_FIELD, payer_ref, PAYER_REF_MAX_CHARS)?;
        if payer_ref.is_empty() {
            return Err(CoreError::PayerRefMissing);
        }
        Ok(payer_ref.to_owned())
    }

    /// Accepts sale `sale_id` on the customer's success screen while Bakong cannot answer,
    /// with the payer's reference shown there (or its last digits). The sale becomes
    /// accepted-unverified, counted apart, and the watcher keeps checking it: Bakong's payment
    /// with the same amount makes it paid with its receipt, a different or missing one sends
    /// it to the owner. Refused while checks are possible, and when the owner turned it off.
    /// Accepting twice, or after Bakong confirmed the payment, changes nothing.
    pub async fn accept_unverified(
        &self,
        sale_id: i64,
        payer_ref: &str,
    ) -> Result<SaleView, CoreError> {
        let payer_ref = self.accept_precheck(payer_ref)?;
        let shared = &self.inner.shared;
        if !matches!(
            shared.status().verification,
            Verification::CannotVerify { .. }
        ) {
            return Err(CoreError::AcceptNotNeeded { sale_id });
        }
        let now = shared.now_ms();
        let applied = self
            .store()
            .run(move |s| s.accept_unverified(SaleId(sale_id), &payer_ref, now))
            .await?;
        let sale = applied.sale().clone();
        if let Applied::Changed { .. } = applied {
            shared.emit_sale(&sale);
            self.send(Command::Track(Box::new(sale.clone())))?;
        }
        Ok(SaleView::from(&sale))
    }

    /// How many sales still wait for Bakong's answer (pending or accepted-unverified).
    pub fn pending_count(&self) -> usize {
        *self.inner.pending.borrow()
    }

    /// Waits until no sale is pending or accepted-unverified (each one paid, failed,
    /// expired, cancelled, or settled by Bakong's answer).
    pub async fn wait_idle(&self) -> Result<(), CoreError> {
        let (reply, idle) = oneshot::channel();
        self.send(Command::WhenIdle(reply))?;
        idle.await.map_err(|_| CoreError::Stopped)
    }

    /// The Bakong connection's health.
    pub async fn health(&self) -> Result<Health, CoreError> {
        let shared = &self.inner.shared;
        let now = shared.now_ms();
        let day = shared.day(now);
        let used = self.store().run(move |s| s.checks_used(day)).await?;
        let status = shared.status();
        let config = &shared.config;
        Ok(Health {
            environment: config.bakong.environment.name().to_owned(),
            base_url: shared.client.base_url().to_owned(),
            demo: self.is_demo(),
            token_days_left: shared.client.token_days_left(now / 1_000),
            checks_used_today: used,
            check_budget: config.bakong.daily_check_budget,
            check_reserve: config.bakong.check_reserve,
            last_error: status.last_error,
            last_error_at_ms: status.last_error_at_ms,
            verification: status.verification,
            pending_sales: self.pending_count(),
            shop_sync: self.inner.shop_sync.as_ref().map(ShopSync::status),
        })
    }

    /// The owner's list for a day or range, with totals and what needs attention.
    pub async fn sales(&self, query: SalesQuery) -> Result<SalesList, CoreError> {
        self.inner.ledger.sales(query).await
    }

    /// The end-of-day report for `date` (`YYYY-MM-DD`, default today).
    pub async fn report(&self, date: Option<String>) -> Result<DayReport, CoreError> {
        self.inner.ledger.report(date).await
    }

    /// See [`Ledger::export_csv`].
    pub async fn export_csv<W: Write + Send + 'static>(
        &self,
        query: SalesQuery,
        bom: bool,
        out: W,
    ) -> Result<(u64, W), CoreError> {
        self.inner.ledger.export_csv(query, bom, out).await
    }

    /// SQLite's integrity check and the receipt chain's verification.
    pub async fn verify_ledger(&self) -> Result<LedgerCheck, CoreError> {
        self.inner.ledger.verify().await
    }

    /// The owner's side of the ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.inner.ledger
    }

    /// Stops the watcher, waiting for it, then lets the printer's queue drain once more.
    /// Other clones then answer [`CoreError::Stopped`];
    /// the demo simulator keeps serving until the last clone is dropped.
    pub async fn shutdown(&self) {
        if let Some(elected) = &self.inner.elected {
            // Its lease lapses within its time; another counter takes over.
            elected.abort();
        }
        drop(
            self.inner
                .daily_backups
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
        drop(
            self.inner
                .commands
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(),
        );
        let task = self
            .inner
            .watcher
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
        // After the watcher: a payment it settled while stopping gets its receipt.
        if let Some(spooler) = &self.inner.spooler {
            spooler.finish().await;
        }
        if let Some(shop_sync) = &self.inner.shop_sync {
            shop_sync.stop();
        }
    }
}

/// The Bakong client for the configured environment; in demo mode, the simulator too.
async fn connect(config: &Config) -> Result<(Arc<BakongClient>, Option<Demo>), CoreError> {
    if config.is_demo() {
        let (client, demo) = Demo::start(config).await?;
        return Ok((Arc::new(client), Some(demo)));
    }
    let timeout = config.bakong.request_timeout;
    let url = config.bakong.environment.base_url().unwrap_or_default();
    let path = config.bakong.token_file.clone();
    let token = token_file::read(&path)?.ok_or(CoreError::TokenMissing { path: path.clone() })?;
    let mut client_config = ClientConfig::new(url)
        .with_token(token)
        .with_timeout(timeout);
    if let Some(email) = &config.bakong.email {
        client_config = client_config.with_email(email.clone());
    }
    let client = BakongClient::new(client_config)?;
    client.on_token_renewed(Arc::new(move |token: &Token| {
        // Renewal may revoke the old token: persist the new one before it is used.
        if let Err(error) = token_file::write(&path, token) {
            tracing::error!(%error, "cannot save the renewed bakong token");
        }
    }));
    Ok((Arc::new(client), None))
}
