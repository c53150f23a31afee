//! The receipt printer and the cash drawer as the POS drives them (issue 14), orchestration
//! only: the queue, the layout and the bytes are `pos_print`'s.
//!
//! The spooler is one task: it drains the ledger's print queue when a sale gets its receipt
//! (paid by KHQR, or a cash sale), when asked to ("print now"), and every [`RETRY`] while a
//! job waits for the printer. It prints on a blocking thread over its own ledger connection,
//! so a slow or absent printer never holds the ledger that sales are written to. Faults are
//! kept as the queue's state for the counter to show; a sale never waits for paper. On
//! shutdown it drains once more, so a program that ends right after a sale is paid (`khqr-pos
//! charge --wait`) still prints its receipt. With `auto_print = false` it drains only on
//! "print now": receipts are queued the same way and wait for the cashier.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_cash::PerCurrency;
use pos_domain::{Currency, Money};
use pos_print::{JobState, Paid, Printed, QueueReport, ReceiptDoc, ReportDoc, ReportLine, Shop};
use pos_store::{Actor, SaleId, Store, ZReport};
use tokio::sync::{broadcast, oneshot, Notify};
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::{Config, CoreError, DayReport, Ledger, Pos, PosEvent};

/// How often a job waiting for the printer (paper out, cover open, offline) is retried.
pub const RETRY: Duration = Duration::from_secs(5);

/// Who the paper names: the merchant and the shop's zone.
fn shop(config: &Config) -> Shop {
    Shop {
        name: config.merchant.name.clone(),
        time_zone: config.time_zone,
    }
}

/// The running spooler.
#[derive(Debug)]
pub(crate) struct Spooler {
    nudge: Arc<Notify>,
    report: Arc<Mutex<QueueReport>>,
    /// Asks for the last drain; taken by [`Spooler::finish`].
    last: Mutex<Option<oneshot::Sender<()>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Spooler {
    /// Starts draining for `config`'s printer; `None` when there is none. It ends when the
    /// event channel closes (the POS is gone) or on [`Spooler::stop`].
    pub(crate) fn start(
        config: &Config,
        clock: Arc<dyn Clock>,
        mut events: broadcast::Receiver<PosEvent>,
    ) -> Option<Spooler> {
        if !config.printer.enabled() {
            return None;
        }
        let nudge = Arc::new(Notify::new());
        let report = Arc::new(Mutex::new(QueueReport::default()));
        let (path, settings, shop) = (config.ledger_path(), config.printer.clone(), shop(config));
        let (n, r) = (Arc::clone(&nudge), Arc::clone(&report));
        let (last, mut last_rx) = oneshot::channel();
        let auto = settings.auto_print;
        let task = tokio::spawn(async move {
            let mut store: Option<Store> = None;
            let mut finishing = false;
            // Without auto-print only "print now" drains: not the start, a receipt, a retry
            // or the shutdown; those only look at the queue, for the counter to show.
            let mut next = Some(if auto { Wake::Drain } else { Wake::Look });
            let mut retry = false;
            loop {
                if let Some(step) = next.take() {
                    let print = matches!(step, Wake::Drain);
                    let (settings, shop, clock, path) = (
                        settings.clone(),
                        shop.clone(),
                        Arc::clone(&clock),
                        path.clone(),
                    );
                    let mut held = store.take();
                    let drained = tokio::task::spawn_blocking(move || {
                        let store = match &mut held {
                            Some(store) => store,
                            None => held.insert(Store::open(&path)?),
                        };
                        let now_ms = clock.now_ms();
                        let report = if print {
                            pos_print::drain(store, &settings, &shop, now_ms)
                        } else {
                            pos_print::queued(store, now_ms)
                        };
                        Ok::<_, pos_print::PrintError>((held, report))
                    })
                    .await;
                    let latest = match drained {
                        Ok(Ok((held, report))) => {
                            store = held;
                            report.unwrap_or_else(failed)
                        }
                        Ok(Err(e)) => failed(e),
                        Err(e) => failed(pos_print::PrintError::Io(std::io::Error::other(e))),
                    };
                    if let Some(fault) = &latest.fault {
                        tracing::warn!(%fault, waiting = latest.waiting.len(), "receipt printer");
                    }
                    retry = auto && !latest.waiting.is_empty();
                    *r.lock().unwrap_or_else(|e| e.into_inner()) = latest;
                }
                if finishing {
                    return;
                }
                match wait(&n, &mut events, &mut last_rx, retry, auto).await {
                    Wake::Last => {
                        finishing = true;
                        next = auto.then_some(Wake::Drain);
                    }
                    Wake::Gone => return,
                    step => next = Some(step),
                }
            }
        });
        Some(Spooler {
            nudge,
            report,
            last: Mutex::new(Some(last)),
            task: Mutex::new(Some(task)),
        })
    }

    /// Drains now.
    pub(crate) fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// The queue after the last drain.
    pub(crate) fn report(&self) -> QueueReport {
        self.report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Drains once more (a sale paid just now gets its receipt before the program ends,
    /// within the printer's timeouts) and ends the task.
    pub(crate) async fn finish(&self) {
        if let Some(last) = self.last.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = last.send(());
        }
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl Pos {
    /// The print queue after its last drain: what printed, what waits for the printer and
    /// why (paper out, cover open, offline, unreachable), what may be on paper already (the
    /// cashier checks and reprints a COPY). Empty without a printer.
    pub fn print_queue(&self) -> QueueReport {
        self.spooler().map(Spooler::report).unwrap_or_default()
    }

    /// "Print now": drains the queue at once instead of at the next retry.
    pub fn print_now(&self) {
        if let Some(spooler) = self.spooler() {
            spooler.nudge();
        }
    }

    /// Prints `sale_id`'s receipt: the original when it was never sent and `copy` is not
    /// asked for, else a reprint marked COPY.
    pub async fn print_receipt(&self, sale_id: i64, copy: bool) -> Result<Printed, CoreError> {
        print_receipt(self.config(), self.now_ms(), SaleId(sale_id), copy).await
    }

    /// The owner's "open drawer" with no sale: waits for the kick, so a printer that
    /// cannot be reached is an error; logged. `Ok(false)`: no drawer is configured.
    pub async fn open_drawer(&self, actor: Actor) -> Result<bool, CoreError> {
        if actor != Actor::Owner {
            return Err(CoreError::OwnerOnly("open the drawer without a sale"));
        }
        let settings = self.config().printer.clone();
        let opened = blocking(move || pos_print::open_drawer(&settings)).await?;
        if opened {
            tracing::info!(why = "owner", "cash drawer opened");
        }
        Ok(opened)
    }

    /// Kicks the drawer for `why` (logged), without waiting.
    pub(crate) fn kick_drawer(&self, why: &'static str) {
        kick_drawer(self.config(), why);
    }
}

/// The test page: a sample receipt (12.50 USD paid by KHQR, with a KHQR to scan), the
/// same for the CLI's `print test` and the owner's "print test page".
pub fn test_page(copy: bool) -> Result<ReceiptDoc, CoreError> {
    // A fixed creation time keeps the test page the same from run to run.
    let now_ms = 1_796_000_000_000;
    let amount = Money::new(1250, Currency::Usd);
    let payment = pos_khqr::Payment::Dynamic {
        amount,
        expires_at_ms: now_ms + 300_000,
    };
    let input = pos_khqr::KhqrInput::individual("sokha_coffee@aclb", "Sokha Coffee", payment);
    let khqr = pos_khqr::encode(&input, now_ms).map_err(|e| CoreError::Task(e.to_string()))?;
    Ok(ReceiptDoc {
        shop: "ហាងកាហ្វេ សុខា Sokha Coffee".into(),
        bill: "B-20261201-0042".into(),
        receipt: Some("T1-000123".into()),
        issued_at: "01/12/2026 14:05".into(),
        amount,
        riel_per_usd: Some(4100),
        paid: Some(Paid::Khqr {
            payer: Some("SOK DARA".into()),
            short_hash: "a1b2c3d4".into(),
        }),
        copy,
        khqr: Some(khqr.qr),
    })
}

/// A drain that failed as a whole (the ledger could not be read): reported as the fault.
fn failed(e: pos_print::PrintError) -> QueueReport {
    QueueReport {
        fault: Some(e.to_string()),
        ..QueueReport::default()
    }
}

/// Why the spooler woke up.
enum Wake {
    /// Something may be due.
    Drain,
    /// A receipt was queued with auto-print off: list it, print nothing.
    Look,
    /// The POS is shutting down: one last drain.
    Last,
    /// The POS is gone.
    Gone,
}

/// Waits for a reason to drain again: a nudge, the last call, a sale with a receipt (only
/// looked at without `auto`), or the retry time while jobs wait.
async fn wait(
    nudge: &Notify,
    events: &mut broadcast::Receiver<PosEvent>,
    last: &mut oneshot::Receiver<()>,
    retry: bool,
    auto: bool,
) -> Wake {
    let sleep = async {
        if retry {
            tokio::time::sleep(RETRY).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(sleep);
    let queued = if auto { Wake::Drain } else { Wake::Look };
    loop {
        tokio::select! {
            () = nudge.notified() => return Wake::Drain,
            () = &mut sleep => return Wake::Drain,
            _ = &mut *last => return Wake::Last,
            event = events.recv() => match event {
                Ok(PosEvent::SaleUpdated { sale }) if sale.receipt_number.is_some() => {
                    return queued
                }
                Ok(_) => {}
                // Missed events may have been receipts: look to be sure.
                Err(broadcast::error::RecvError::Lagged(_)) => return queued,
                Err(broadcast::error::RecvError::Closed) => return Wake::Gone,
            },
        }
    }
}

/// Kicks the cash drawer on a blocking thread and returns at once: the cash sale or shift
/// step that asked is done either way. Every kick and failure is logged.
pub(crate) fn kick_drawer(config: &Config, why: &'static str) {
    if config.printer.drawer.is_none() {
        return;
    }
    let settings = config.printer.clone();
    tokio::task::spawn_blocking(move || match pos_print::open_drawer(&settings) {
        Ok(_) => tracing::info!(why, "cash drawer opened"),
        Err(error) => tracing::warn!(why, %error, "cash drawer did not open"),
    });
}

/// Prints `sale`'s receipt now: the original if it was never sent and `copy` is not asked
/// for, else a COPY. Over its own ledger connection, on a blocking thread.
pub(crate) async fn print_receipt(
    config: &Config,
    now_ms: i64,
    sale: SaleId,
    copy: bool,
) -> Result<Printed, CoreError> {
    let (path, settings, shop) = (config.ledger_path(), config.printer.clone(), shop(config));
    blocking(move || {
        let mut store = Store::open(path)?;
        pos_print::print_receipt(&mut store, &settings, &shop, sale, copy, now_ms)
    })
    .await
}

/// Prints the test page on `settings`' printer (the owner's form, before it is saved).
pub async fn print_test_page(settings: pos_print::PrinterSettings) -> Result<(), CoreError> {
    let page = pos_print::render(&test_page(false)?, settings.width)?;
    blocking(move || pos_print::print_page(&settings, &page)).await
}

/// Prints a page now (a report, a slip) laid out by `pos_print`.
pub(crate) async fn print_page(config: &Config, page: pos_print::Bitmap) -> Result<(), CoreError> {
    let settings = config.printer.clone();
    blocking(move || pos_print::print_page(&settings, &page)).await
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, pos_print::PrintError> + Send + 'static,
) -> Result<T, CoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::Task(e.to_string()))?
        .map_err(CoreError::Print)
}

impl Ledger {
    /// Drains the print queue now, as the spooler does, and returns what became of it.
    pub async fn drain_print_queue(&self) -> Result<QueueReport, CoreError> {
        let config = self.config();
        let (path, settings, shop) = (config.ledger_path(), config.printer.clone(), shop(config));
        let now_ms = self.now_ms();
        blocking(move || {
            let mut store = Store::open(path)?;
            pos_print::drain(&mut store, &settings, &shop, now_ms)
        })
        .await
    }

    /// Prints receipt `number` of this terminal: see [`Pos::print_receipt`].
    pub async fn print_receipt(&self, number: i64, copy: bool) -> Result<Printed, CoreError> {
        let sale = self.sale_by_receipt(number).await?;
        print_receipt(self.config(), self.now_ms(), sale, copy).await
    }

    /// Receipt `number` as the printer would get it next, for a file (`--out`): the original
    /// while it was never sent and `copy` is not asked for, else a COPY. Records nothing.
    pub async fn receipt_page(&self, number: i64, copy: bool) -> Result<ReceiptDoc, CoreError> {
        let sale = self.sale_by_receipt(number).await?;
        let shop = shop(self.config());
        self.store()
            .run(move |s| {
                let copy = copy || !JobState::of(&s.print_attempts(sale)?).is_due();
                pos_print::receipt_doc(s, sale, copy, &shop)
            })
            .await
    }

    async fn sale_by_receipt(&self, number: i64) -> Result<SaleId, CoreError> {
        let terminal_id = self.config().terminal_id.clone();
        let sale = self
            .store()
            .run(move |s| s.sale_by_receipt(&terminal_id, number))
            .await?;
        Ok(sale.id)
    }

    /// The KHQR slip of `sale_id`, a sale waiting for its payment (a customer at a table).
    pub async fn slip_page(&self, sale_id: i64) -> Result<ReceiptDoc, CoreError> {
        let shop = shop(self.config());
        self.store()
            .run(move |s| pos_print::slip_doc(s, SaleId(sale_id), &shop))
            .await
    }

    /// Prints the KHQR slip of `sale_id` (see [`Ledger::slip_page`]).
    pub async fn print_slip(&self, sale_id: i64) -> Result<(), CoreError> {
        let page = pos_print::render(&self.slip_page(sale_id).await?, self.config().printer.width)?;
        print_page(self.config(), page).await
    }

    /// Z report `number` of this terminal as printed.
    pub async fn z_page(&self, number: i64) -> Result<ReportDoc, CoreError> {
        let terminal_id = self.config().terminal_id.clone();
        let z = self
            .store()
            .run(move |s| s.z_report(&terminal_id, number))
            .await?
            .ok_or(CoreError::Print(pos_print::PrintError::NoZReport {
                number,
            }))?;
        Ok(z_doc(self.config(), &z))
    }

    /// Prints Z report `number` of this terminal.
    pub async fn print_z(&self, number: i64) -> Result<(), CoreError> {
        let doc = self.z_page(number).await?;
        self.print_report(&doc).await
    }

    /// The end-of-day report of `date` (`YYYY-MM-DD`; default today) as printed.
    pub async fn day_page(&self, date: Option<String>) -> Result<ReportDoc, CoreError> {
        let report = self.report(date).await?;
        Ok(day_doc(self.config(), &report))
    }

    /// Prints the end-of-day report of `date` (`YYYY-MM-DD`; default today).
    pub async fn print_day(&self, date: Option<String>) -> Result<(), CoreError> {
        let doc = self.day_page(date).await?;
        self.print_report(&doc).await
    }

    async fn print_report(&self, doc: &ReportDoc) -> Result<(), CoreError> {
        let page = pos_print::render_report(doc, self.config().printer.width)?;
        print_page(self.config(), page).await
    }
}

/// Riel and dollars of `amounts` on one line.
fn both(amounts: PerCurrency) -> String {
    format!(
        "{} KHR · {} USD",
        Money::new(amounts.khr, Currency::Khr),
        Money::new(amounts.usd, Currency::Usd)
    )
}

fn row(label: &str, value: String) -> ReportLine {
    ReportLine::Row {
        label: label.to_owned(),
        value,
    }
}

/// A Z report on paper: the drawer's movements, KHQR, then expected, counted, variance.
fn z_doc(config: &Config, z: &ZReport) -> ReportDoc {
    let (t, c) = (&z.document.totals, &z.document.closing);
    let mut lines = vec![
        ReportLine::Heading("សាច់ប្រាក់ / Cash drawer".into()),
        row("ប្រាក់ដើម / Float", both(t.opening)),
        row("ប្រាក់ទទួល / Received", both(t.cash_tendered)),
        row("ប្រាក់អាប់ / Change", both(t.change_given)),
        row(
            "បង្គត់ / Rounding",
            format!("{} KHR", Money::new(t.rounding_khr, Currency::Khr)),
        ),
        row("ដាក់ចូល / Cash in", both(t.cash_in)),
        row("ដកចេញ / Cash out", both(t.cash_out)),
        row("សងវិញ / Refunds", both(t.refunds_cash)),
        ReportLine::Heading("KHQR".into()),
        row(
            &format!("បានបង់ / Paid ({})", t.khqr_paid_count),
            both(t.khqr_paid),
        ),
        row(
            &format!("រង់ចាំ / Awaiting ({})", t.khqr_awaiting_count),
            both(t.khqr_awaiting),
        ),
        ReportLine::Rule,
        row("រំពឹង / Expected", both(c.expected)),
        row("រាប់បាន / Counted", both(c.counted)),
        row("ខុសគ្នា / Variance", both(c.variance)),
    ];
    if let Some(reason) = &c.reason {
        lines.push(row("មូលហេតុ / Reason", reason.clone()));
    }
    ReportDoc {
        shop: config.merchant.name.clone(),
        title: "របាយការណ៍ Z / Z report".into(),
        subtitle: format!(
            "{} #{} · {}",
            z.terminal_id,
            z.number,
            pos_print::spool::local_time(z.issued_ms, config.time_zone)
        ),
        lines,
    }
}

/// The end-of-day report on paper: takings per currency, all in riel, and what still needs
/// a look (accepted unverified, pending, review).
fn day_doc(config: &Config, report: &DayReport) -> ReportDoc {
    let mut lines = vec![ReportLine::Heading("ចំណូល / Takings".into())];
    let sums = |lines: &mut Vec<ReportLine>, totals: &[crate::TotalView]| {
        for t in totals {
            lines.push(row(
                &format!("{} ({})", t.currency, t.count),
                t.sum_text.clone(),
            ));
        }
    };
    sums(&mut lines, &report.takings);
    lines.push(row(
        "សរុបជារៀល / All in KHR",
        report.takings_in_khr_text.clone(),
    ));
    if !report.accepted.is_empty() {
        lines.push(ReportLine::Heading(
            "មិនទាន់ផ្ទៀងផ្ទាត់ / Accepted, not verified".into(),
        ));
        sums(&mut lines, &report.accepted);
    }
    lines.push(ReportLine::Rule);
    lines.push(row("កំពុងរង់ចាំ / Pending", report.pending.to_string()));
    lines.push(row(
        "ត្រូវពិនិត្យ / Needs review",
        report.attention.len().to_string(),
    ));
    ReportDoc {
        shop: config.merchant.name.clone(),
        title: "របាយការណ៍ប្រចាំថ្ងៃ / End of day".into(),
        subtitle: format!("{} · {}", report.terminal_id, report.date),
        lines,
    }
}
