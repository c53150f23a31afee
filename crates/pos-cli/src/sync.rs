//! `khqr-pos sync push|status|report` and `hub init`: this counter's ledger and the shop
//! database (PostgreSQL). The database's address comes from `KHQR_POS_SHOP_DB`, or for `sync`
//! from the counter's `[shop_db]` file (the one its automatic push uses), and the
//! roles' passwords from `KHQR_POS_HUB_PASSWORD_<TERMINAL>` / `KHQR_POS_HUB_OWNER_PASSWORD`,
//! never from a flag, where they would show in `ps` and the shell history; nothing here
//! prints them, and errors never repeat them.

use std::error::Error;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_store::Store;
use pos_sync::{
    BudgetRule, LocalCluster, PaidTotal, Password, PushReport, Shop, ShopDb, ShopTotal,
};
use serde::Serialize;

use crate::common::{self, CoreArgs, EXIT_ERROR, EXIT_OK};

/// The environment variable holding the shop database's connection string.
const ENV_SHOP_DB: &str = "KHQR_POS_SHOP_DB";
/// The environment variable holding the superuser password of the cluster `hub init --pgdata`
/// makes (and logs in with when run again).
const ENV_ADMIN_PASSWORD: &str = "KHQR_POS_HUB_ADMIN_PASSWORD";

/// The `sync` subcommands.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Push this counter's ledger events to the shop database (exactly once; resumes where
    /// the last push stopped), then cache the shop's rate and cashier accounts here. The
    /// address is read from KHQR_POS_SHOP_DB.
    Push(PushArgs),
    /// The shop database's schema, this counter's events pushed and waiting, today's paid
    /// totals across the shop and the checks the shop's pool granted today.
    Status(StatusArgs),
    /// The owner's view of a day across counters: per counter and for the shop, per tender
    /// and currency, read from the shop database (same as `report --shop`).
    Report(ShopReportArgs),
    /// Every counter's sales of a day from the shop database, with the paid totals per
    /// counter and for the shop (same as `sales --shop`).
    Sales(ShopReportArgs),
    /// The shop's riel rate in the shop database, or with --set the owner sets it there once
    /// for every counter (each caches it in its own rate log on its next push). Connects with
    /// KHQR_POS_SHOP_DB, which must log in as the shop's owner role to set (same as
    /// `rate --shop`).
    Rate(ShopRateArgs),
}

/// Options of `khqr-pos sync rate` (and `rate --shop`).
#[derive(Debug, Args)]
pub struct ShopRateArgs {
    /// Set the shop rate (riel per dollar, e.g. 4,100).
    #[arg(long, value_name = "RIEL")]
    pub set: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `khqr-pos sync report` (and `report --shop`).
#[derive(Debug, Args)]
pub struct ShopReportArgs {
    #[command(flatten)]
    pub core: CoreArgs,
    /// The day, YYYY-MM-DD in the shop's time zone (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The `hub` subcommands: the shop database itself.
#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Prepare the shop database at KHQR_POS_SHOP_DB (connect as its owner, a role that may
    /// create roles), or with --pgdata in a PostgreSQL cluster of this machine made and started
    /// with the system's PostgreSQL programs (its superuser's password from
    /// KHQR_POS_HUB_ADMIN_PASSWORD): migrate it, set the shop's daily Bakong check budget, make the owner's
    /// read-only role and one login role per counter. Each counter's password is read from
    /// KHQR_POS_HUB_PASSWORD_<TERMINAL>, the owner role's from KHQR_POS_HUB_OWNER_PASSWORD
    /// (without it the owner role cannot log in). Running it again updates.
    Init(HubInitArgs),
}

/// Options of `khqr-pos hub init`.
#[derive(Debug, Args)]
pub struct HubInitArgs {
    /// A counter's terminal id (repeat for each counter).
    #[arg(long = "counter", value_name = "TERMINAL", required = true)]
    counters: Vec<String>,
    /// The Bakong token's checks a day, for the whole shop.
    #[arg(long, default_value_t = 100)]
    daily_checks: u32,
    /// How many counters the budget counts (default: those given with --counter).
    #[arg(long)]
    max_counters: Option<u32>,
    /// Checks a day each counter owns, for when the shop database is out of reach (default:
    /// a tenth of the day, split between the counters).
    #[arg(long)]
    offline_share: Option<u32>,
    /// Make (or find) and start a PostgreSQL cluster in this directory, and the shop database
    /// in it, instead of using KHQR_POS_SHOP_DB.
    #[arg(long, value_name = "DIR")]
    pgdata: Option<std::path::PathBuf>,
    /// With --pgdata: the TCP port (default 5432, or the one set before).
    #[arg(long, requires = "pgdata")]
    port: Option<u16>,
    /// With --pgdata: the addresses to listen on, e.g. the shop LAN address or '*' (default
    /// localhost, or the one set before).
    #[arg(long, requires = "pgdata")]
    listen: Option<String>,
    /// With --pgdata: the shop database's name.
    #[arg(long, requires = "pgdata", default_value = "shop")]
    db: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
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
    pool_checks_today: u32,
}

/// What `sync report` prints.
#[derive(Debug, Serialize)]
struct ShopReport {
    day: String,
    time_zone: String,
    totals: Vec<ShopTotal>,
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
        SyncCommand::Report(args) => runtime.block_on(report(args)),
        SyncCommand::Sales(args) => runtime.block_on(sales(args)),
        SyncCommand::Rate(args) => runtime.block_on(shop_rate(args)),
    };
    finish(done)
}

/// Runs `khqr-pos report --shop`.
pub fn run_report(args: ShopReportArgs) -> ExitCode {
    run(SyncCommand::Report(args))
}

/// Runs `khqr-pos sales --shop`.
pub fn run_shop_sales(args: ShopReportArgs) -> ExitCode {
    run(SyncCommand::Sales(args))
}

/// Runs `khqr-pos rate --shop`.
pub fn run_shop_rate(args: ShopRateArgs) -> ExitCode {
    run(SyncCommand::Rate(args))
}

/// Runs one `hub` subcommand.
pub fn run_hub(command: HubCommand) -> ExitCode {
    let runtime = match common::runtime(tokio::runtime::Builder::new_current_thread()) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let done = match command {
        HubCommand::Init(args) => runtime.block_on(hub_init(args)),
    };
    finish(done)
}

fn finish(done: Result<(), Failure>) -> ExitCode {
    match done {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The shop database's address from the environment.
fn shop_db() -> Result<ShopDb, Failure> {
    let url = std::env::var(ENV_SHOP_DB)
        .map_err(|_| format!("set {ENV_SHOP_DB} to the shop database's connection string"))?;
    Ok(ShopDb::parse(&url)?)
}

/// The ledger, the terminal id and the open shop database: `KHQR_POS_SHOP_DB` when set, else
/// the configuration's `[shop_db]`.
async fn open(core: &CoreArgs) -> Result<(pos_core::Config, Store, Shop), Failure> {
    let config = core.load(None)?;
    let db = match (&config.shop_db, std::env::var_os(ENV_SHOP_DB)) {
        (Some(configured), None) => configured.connection()?,
        _ => shop_db()?,
    };
    let db = db.with_application_name(&format!("khqr-pos {}", config.terminal_id));
    let store = Store::open(config.ledger_path())?;
    let shop = Shop::open(&db).await?;
    Ok((config, store, shop))
}

async fn push(args: PushArgs) -> Result<(), Failure> {
    let (config, mut store, mut shop) = open(&args.core).await?;
    let report: PushReport = shop.push(&store, &config.terminal_id, args.batch).await?;
    let rate = shop.shop_rate().await?;
    if let Some(change) = pos_sync::cache_shop_rate(&mut store, rate.as_ref())? {
        eprintln!(
            "the shop rate {} riel per dollar is now this counter's",
            change.rate.riel_per_usd()
        );
    }
    // The shop's cashier accounts, from the first event: what is cached already stays as is.
    let events = shop.shop_cashier_events(0).await?;
    let cached = pos_sync::cache_shop_cashiers(&mut store, &events)?;
    for (names, what) in [
        (&cached.added, "added to this counter"),
        (&cached.disabled, "disabled at this counter"),
        (
            &cached.clashes,
            "kept as this counter's own (the shop's is not cached here)",
        ),
    ] {
        if !names.is_empty() {
            eprintln!("the shop's cashier(s) {}: {what}", names.join(", "));
        }
    }
    cached.refusal()?;
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

/// `sync rate`: reads, or sets as the owner's role, the shop rate.
async fn shop_rate(args: ShopRateArgs) -> Result<(), Failure> {
    let shop = Shop::open(&shop_db()?).await?;
    let rate = match &args.set {
        Some(text) => Some(shop.set_shop_rate(pos_cash::Rate::parse(text)?).await?),
        None => shop.shop_rate().await?,
    };
    if args.json {
        common::print_json(&rate)?;
    } else {
        match rate {
            Some(rate) => println!(
                "shop rate: {} riel per dollar (set by {})",
                rate.riel_per_usd, rate.set_by
            ),
            None => println!("the shop has no rate yet: set it with khqr-pos sync rate --set"),
        }
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
        schema_version: shop.schema_version().await?,
        pushed_up_to,
        waiting,
        day: day.to_string(),
        paid_today,
        pool_checks_today: shop.pool_checks_used(day, None).await?,
        terminal_id: config.terminal_id,
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
    println!(
        "Bakong checks granted by the shop's pool today: {}",
        status.pool_checks_today
    );
    Ok(())
}

/// The shop day `--date` names (default: today), its time zone and the shop database, for the
/// owner's views. They need no ledger: the owner's read-only role is enough.
async fn owner_view(
    args: &ShopReportArgs,
) -> Result<(pos_store::NaiveDate, chrono_tz::Tz, Shop), Failure> {
    let tz = args.core.load(None)?.time_zone;
    let day = match &args.date {
        Some(text) => pos_store::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("--date {text:?} is not a date (YYYY-MM-DD)"))?,
        None => pos_store::shop_day(chrono::Utc::now().timestamp_millis(), tz),
    };
    Ok((day, tz, Shop::open(&shop_db()?).await?))
}

async fn report(args: ShopReportArgs) -> Result<(), Failure> {
    let (day, tz, shop) = owner_view(&args).await?;
    let report = ShopReport {
        day: day.to_string(),
        time_zone: tz.name().to_owned(),
        totals: shop.shop_report(pos_store::day_range(day, tz)?).await?,
    };
    if args.json {
        common::print_json(&report)?;
        return Ok(());
    }
    println!("shop report for {} ({})", report.day, report.time_zone);
    if report.totals.is_empty() {
        println!("  no paid sale in the shop database");
    }
    for total in &report.totals {
        let who = total.terminal_id.as_deref().unwrap_or("SHOP");
        let tender = match total.tender {
            Some(pos_sync::Tender::Cash) => "cash",
            Some(pos_sync::Tender::Khqr) => "KHQR",
            None => "total",
        };
        println!(
            "  {who:<8} {tender:<6} {:>5} sale(s)  {}",
            total.count, total.paid
        );
    }
    Ok(())
}

/// What `sales --shop` prints.
#[derive(Debug, Serialize)]
struct ShopSales {
    day: String,
    time_zone: String,
    sales: Vec<pos_sync::ShopSale>,
    totals: Vec<PaidTotal>,
}

async fn sales(args: ShopReportArgs) -> Result<(), Failure> {
    let (day, tz, shop) = owner_view(&args).await?;
    let range = pos_store::day_range(day, tz)?;
    let list = ShopSales {
        day: day.to_string(),
        time_zone: tz.name().to_owned(),
        sales: shop.shop_sales(range).await?,
        totals: shop.paid_totals(range).await?,
    };
    if args.json {
        common::print_json(&list)?;
        return Ok(());
    }
    println!("shop sales of {} ({})", list.day, list.time_zone);
    if list.sales.is_empty() {
        println!("  (no sales in the shop database)");
    }
    for sale in &list.sales {
        let time = chrono::DateTime::from_timestamp_millis(sale.created_ms)
            .map(|t| t.with_timezone(&tz).format("%H:%M:%S").to_string())
            .unwrap_or_default();
        let receipt = sale.receipt.map(|n| format!("#{n}")).unwrap_or_default();
        println!(
            "  {:<8} {time}  {:<14} {:>16}  {:<20} {receipt}",
            sale.terminal_id, sale.bill_number, sale.amount, sale.status
        );
    }
    println!("paid:");
    for total in &list.totals {
        let who = total.terminal_id.as_deref().unwrap_or("SHOP");
        println!("  {who:<8} {:>5} sale(s)  {}", total.count, total.paid);
    }
    Ok(())
}

/// The environment variable holding `terminal`'s role password.
fn password_env(terminal: &str) -> String {
    format!("KHQR_POS_HUB_PASSWORD_{}", terminal.to_ascii_uppercase())
}

async fn hub_init(args: HubInitArgs) -> Result<(), Failure> {
    let counters = u32::try_from(args.counters.len()).unwrap_or(u32::MAX);
    let max_counters = args.max_counters.unwrap_or(counters);
    let offline_share = args
        .offline_share
        .unwrap_or(args.daily_checks / 10 / max_counters.max(1));
    let rule = BudgetRule::new(args.daily_checks, max_counters, offline_share)?;
    // Every password is read before anything is written.
    let mut logins = Vec::new();
    for terminal in &args.counters {
        let name = password_env(terminal);
        let secret = std::env::var(&name)
            .map_err(|_| format!("set {name} to counter {terminal}'s database password"))?;
        logins.push((terminal, Password::new(secret)?));
    }
    let owner = match std::env::var("KHQR_POS_HUB_OWNER_PASSWORD") {
        Ok(secret) => Some(Password::new(secret)?),
        Err(_) => None,
    };
    let logins: Vec<(&str, &Password)> = logins.iter().map(|(t, p)| (t.as_str(), p)).collect();
    let (db, cluster) = match &args.pgdata {
        Some(pgdata) => {
            let admin = std::env::var(ENV_ADMIN_PASSWORD).map_err(|_| {
                format!("set {ENV_ADMIN_PASSWORD} to the cluster's superuser password")
            })?;
            let admin = Password::new(admin)?;
            let cluster = LocalCluster::prepare(pgdata, args.port, args.listen.as_deref(), &admin)?;
            cluster.create_database(&args.db, &admin).await?;
            (cluster.superuser_db(&args.db, &admin), Some(cluster))
        }
        None => (shop_db()?, None),
    };
    let mut shop = Shop::open(&db).await?;
    let roles = shop.init_hub(rule, owner.as_ref(), &logins).await?;
    #[derive(Serialize)]
    struct Hub {
        schema_version: i32,
        budget: BudgetRule,
        pool: u32,
        roles: pos_sync::HubRoles,
        /// With --pgdata: each counter's connection string (its password left out) and
        /// `[shop_db]` section.
        counters: Vec<CounterSetup>,
    }
    let counters = match &cluster {
        Some(cluster) => roles
            .counters
            .iter()
            .map(|(terminal, role)| counter_setup(cluster, &args.db, terminal, role, rule))
            .collect(),
        None => Vec::new(),
    };
    let hub = Hub {
        schema_version: shop.schema_version().await?,
        pool: rule.hub_limit(),
        budget: rule,
        roles,
        counters,
    };
    if args.json {
        common::print_json(&hub)?;
        return Ok(());
    }
    if let Some(cluster) = &cluster {
        println!(
            "PostgreSQL cluster {} and running in {}, listening on {} port {} (stop it: pg_ctl \
             -D DIR stop; start it: hub init --pgdata DIR again, or pg_ctl -D DIR -l DIR/log \
             start, as its owner)",
            if cluster.created { "made" } else { "found" },
            cluster.pgdata().display(),
            cluster.listen,
            cluster.port,
        );
    }
    println!(
        "shop database ready (schema v{}): {} Bakong checks a day, {} shared through it, {} \
         owned by each of {} counters",
        hub.schema_version, rule.daily_limit, hub.pool, rule.offline_share, rule.max_counters
    );
    println!("owner's read-only role: {}", hub.roles.owner);
    for (terminal, role) in &hub.roles.counters {
        println!("counter {terminal}: role {role}");
    }
    for counter in &hub.counters {
        println!(
            "\ncounter {}: in its data directory, write this line to the file shop-db (chmod \
             600), with {} in place of <password>:\n  {}\nand add to its config.toml:\n{}",
            counter.terminal, counter.password_from, counter.url, counter.shop_db_section
        );
    }
    Ok(())
}

/// How one counter joins the shop database made with --pgdata.
#[derive(Debug, Serialize)]
struct CounterSetup {
    terminal: String,
    /// The connection string with `<password>` in place of the password.
    url: String,
    /// Where its password was read from.
    password_from: String,
    /// The lines of its `config.toml`.
    shop_db_section: String,
}

fn counter_setup(
    cluster: &LocalCluster,
    db: &str,
    terminal: &str,
    role: &str,
    rule: BudgetRule,
) -> CounterSetup {
    // A counter reaches the one address listened on; with several or all ('*'), the owner
    // knows which one is the shop LAN's.
    let host = match cluster.listen.as_str() {
        "localhost" => "127.0.0.1",
        one if !one.contains([',', '*']) && one != "0.0.0.0" && one != "::" => one,
        _ => "<this machine's LAN address>",
    };
    CounterSetup {
        terminal: terminal.to_owned(),
        url: format!("postgres://{role}:<password>@{host}:{}/{db}", cluster.port),
        password_from: password_env(terminal),
        shop_db_section: format!(
            "  [shop_db]\n  url_file = \"shop-db\"\n  offline_share = {}",
            rule.offline_share
        ),
    }
}
