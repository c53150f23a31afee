//! `khqr-pos sync push|status`: this counter's ledger and the shop database (PostgreSQL). The
//! database's address comes from `KHQR_POS_SHOP_DB` only, never from a flag, where its
//! password would show in `ps` and the shell history; errors never repeat it.

use std::error::Error;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_store::Store;
use pos_sync::{PaidTotal, PushReport, Shop, ShopDb};
use serde::Serialize;

use crate::common::{self, CoreArgs, EXIT_ERROR, EXIT_OK};

/// The environment variable holding the shop database's connection string.
const ENV_SHOP_DB: &str = "KHQR_POS_SHOP_DB";

/// The `sync` subcommands.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Push this counter's ledger events to the shop database (exactly once; resumes where
    /// the last push stopped). The address is read from KHQR_POS_SHOP_DB.
    Push(PushArgs),
    /// The shop database's schema, this counter's events pushed and waiting, and today's paid
    /// totals across the shop.
    Status(StatusArgs),
}

/// Options of `khqr-pos sync push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Events per transaction.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    batch: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Options of `khqr-pos sync status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// What `sync status` reports.
#[derive(Debug, Serialize)]
struct Status {
    terminal_id: String,
    schema_version: i32,
    pushed_up_to: i64,
    waiting: usize,
    day: String,
    paid_today: Vec<PaidTotal>,
}

type Failure = Box<dyn Error>;

/// Runs one `sync` subcommand.
pub fn run(command: SyncCommand) -> ExitCode {
    let runtime = match common::runtime(tokio::runtime::Builder::new_current_thread()) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let done = match command {
        SyncCommand::Push(args) => runtime.block_on(push(args)),
        SyncCommand::Status(args) => runtime.block_on(status(args)),
    };
    match done {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The ledger, the terminal id and the open shop database.
async fn open(core: &CoreArgs) -> Result<(pos_core::Config, Store, Shop), Failure> {
    let config = core.load(None)?;
    let url = std::env::var(ENV_SHOP_DB)
        .map_err(|_| format!("set {ENV_SHOP_DB} to the shop database's connection string"))?;
    let db =
        ShopDb::parse(&url)?.with_application_name(&format!("khqr-pos {}", config.terminal_id));
    let store = Store::open(config.ledger_path())?;
    let shop = Shop::open(&db).await?;
    Ok((config, store, shop))
}

async fn push(args: PushArgs) -> Result<(), Failure> {
    let (config, store, mut shop) = open(&args.core).await?;
    let report: PushReport = shop.push(&store, &config.terminal_id, args.batch).await?;
    if args.json {
        common::print_json(&report)?;
    } else {
        println!(
            "terminal {}: {} event(s) pushed in {} batch(es); the shop database holds them up to #{}",
            config.terminal_id, report.pushed, report.batches, report.high_water
        );
    }
    Ok(())
}

async fn status(args: StatusArgs) -> Result<(), Failure> {
    let (config, store, shop) = open(&args.core).await?;
    let pushed_up_to = shop.high_water(&config.terminal_id).await?;
    let waiting = store
        .log_after(&config.terminal_id, pushed_up_to, u32::MAX)?
        .len();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let day = pos_store::shop_day(now_ms, config.time_zone);
    let paid_today = shop
        .paid_totals(pos_store::day_range(day, config.time_zone)?)
        .await?;
    let status = Status {
        terminal_id: config.terminal_id,
        schema_version: shop.schema_version().await?,
        pushed_up_to,
        waiting,
        day: day.to_string(),
        paid_today,
    };
    if args.json {
        common::print_json(&status)?;
        return Ok(());
    }
    println!(
        "shop database schema v{}; terminal {}: pushed up to event #{}, {} waiting",
        status.schema_version, status.terminal_id, status.pushed_up_to, status.waiting
    );
    println!("paid on {}:", status.day);
    for total in &status.paid_today {
        let who = total.terminal_id.as_deref().unwrap_or("shop total");
        println!("  {who:<10} {:>4} sale(s)  {}", total.count, total.paid);
    }
    Ok(())
}
