//! Configuration: a TOML file, overridden by environment variables, overridden by explicit
//! options (the CLI's flags), then validated into a [`Config`] whose every field is usable.
//!
//! The Bakong token itself is never part of the configuration: only the path of the file
//! that holds it. So `config show` and `Debug` can print a `Config` without leaking it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use pos_domain::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, SystemClock};
use crate::duration::{format_duration, parse_duration};
use crate::CoreError;

/// Environment variable naming the configuration file.
pub const ENV_CONFIG: &str = "KHQR_POS_CONFIG";
/// Environment variable naming the data directory (ledger, token file, default config).
pub const ENV_DATA_DIR: &str = "KHQR_POS_DATA_DIR";

/// A setting that a `KHQR_POS_*` environment variable overrides over the file. Every use is
/// an exhaustive `match`, so a new override cannot fall into another's arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvOverride {
    /// `KHQR_POS_ENVIRONMENT`: `bakong.environment`.
    Environment,
    /// `KHQR_POS_BAKONG_URL`: `bakong.base_url`.
    BakongUrl,
    /// `KHQR_POS_TOKEN_FILE`: `bakong.token_file`.
    TokenFile,
    /// `KHQR_POS_EMAIL`: `bakong.email`.
    Email,
    /// `KHQR_POS_CHECK_BUDGET`: `bakong.daily_check_budget`.
    CheckBudget,
    /// `KHQR_POS_DEMO_AUTOPAY`: `bakong.demo_autopay`.
    DemoAutopay,
    /// `KHQR_POS_TERMINAL_ID`: `terminal_id`.
    TerminalId,
    /// `KHQR_POS_TIME_ZONE`: `time_zone`.
    TimeZone,
}

impl EnvOverride {
    /// Every override, in the order they are applied.
    pub const ALL: [EnvOverride; 8] = [
        EnvOverride::Environment,
        EnvOverride::BakongUrl,
        EnvOverride::TokenFile,
        EnvOverride::Email,
        EnvOverride::CheckBudget,
        EnvOverride::DemoAutopay,
        EnvOverride::TerminalId,
        EnvOverride::TimeZone,
    ];

    /// The environment variable.
    pub const fn var(self) -> &'static str {
        match self {
            EnvOverride::Environment => "KHQR_POS_ENVIRONMENT",
            EnvOverride::BakongUrl => "KHQR_POS_BAKONG_URL",
            EnvOverride::TokenFile => "KHQR_POS_TOKEN_FILE",
            EnvOverride::Email => "KHQR_POS_EMAIL",
            EnvOverride::CheckBudget => "KHQR_POS_CHECK_BUDGET",
            EnvOverride::DemoAutopay => "KHQR_POS_DEMO_AUTOPAY",
            EnvOverride::TerminalId => "KHQR_POS_TERMINAL_ID",
            EnvOverride::TimeZone => "KHQR_POS_TIME_ZONE",
        }
    }

    /// The setting it overrides, as written in the file.
    pub const fn setting(self) -> &'static str {
        match self {
            EnvOverride::Environment => "bakong.environment",
            EnvOverride::BakongUrl => "bakong.base_url",
            EnvOverride::TokenFile => "bakong.token_file",
            EnvOverride::Email => "bakong.email",
            EnvOverride::CheckBudget => "bakong.daily_check_budget",
            EnvOverride::DemoAutopay => "bakong.demo_autopay",
            EnvOverride::TerminalId => "terminal_id",
            EnvOverride::TimeZone => "time_zone",
        }
    }
}

/// The shortest and longest QR lifetimes the POS accepts (KHQR practice: minutes, not days).
pub const QR_LIFETIME_RANGE: (Duration, Duration) =
    (Duration::from_secs(60), Duration::from_secs(600));

/// Which Bakong Open API the POS talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "baseUrl", rename_all = "camelCase")]
pub enum Environment {
    /// The embedded simulator on loopback (the `demo` feature): no network, payments on
    /// demand. The default while no token is saved.
    Demo,
    /// NBC's sandbox.
    Sit,
    /// The real thing (refuses callers outside Cambodia).
    Production,
    /// Any other base URL: a relay, or a simulator run as a separate process.
    Custom(String),
}

impl Environment {
    /// The base URL requests go to; `None` for demo, whose URL is known only once the
    /// simulator listens.
    pub fn base_url(&self) -> Option<&str> {
        match self {
            Environment::Demo => None,
            Environment::Sit => Some("https://sit-api-bakong.nbc.gov.kh"),
            Environment::Production => Some("https://api-bakong.nbc.gov.kh"),
            Environment::Custom(url) => Some(url),
        }
    }

    /// Short name for status lines: `demo`, `sit`, `production`, `custom`.
    pub fn name(&self) -> &'static str {
        match self {
            Environment::Demo => "demo",
            Environment::Sit => "sit",
            Environment::Production => "production",
            Environment::Custom(_) => "custom",
        }
    }
}

/// Whose account the QR pays into: KHQR tag 29 (individual) or tag 30 (merchant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MerchantKind {
    /// A personal Bakong account (tag 29).
    Individual,
    /// A merchant account with merchant id and acquiring bank (tag 30).
    Merchant,
}

/// The payee as written into every QR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantProfile {
    /// Individual or merchant account.
    pub kind: MerchantKind,
    /// The Bakong account id, `name@bank`.
    pub account_id: String,
    /// Shown in the customer's bank app; at most 25 characters.
    pub name: String,
    /// At most 15 characters.
    pub city: String,
    /// Required for merchant accounts.
    pub merchant_id: Option<String>,
    /// Required for merchant accounts.
    pub acquiring_bank: Option<String>,
    /// KHQR store label (tag 62.03).
    pub store_label: Option<String>,
    /// KHQR terminal label (tag 62.07).
    pub terminal_label: Option<String>,
    /// Merchant category code, 4 digits.
    pub mcc: String,
}

impl MerchantProfile {
    /// The payee demo mode uses when none is configured.
    fn demo() -> Self {
        MerchantProfile {
            kind: MerchantKind::Individual,
            account_id: "demo_shop@devb".into(),
            name: "KHQR POS Demo".into(),
            city: "Phnom Penh".into(),
            merchant_id: None,
            acquiring_bank: None,
            store_label: None,
            terminal_label: None,
            mcc: "5999".into(),
        }
    }
}

/// The validated configuration. Build it with [`Config::load`] or [`Config::demo`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Where the ledger (and by default the token file) lives.
    pub data_dir: PathBuf,
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    /// The payee.
    pub merchant: MerchantProfile,
    /// The currency the cashier screen starts in.
    pub default_currency: Currency,
    /// The shop's exchange rate, riel per US dollar, for KHR equivalents.
    pub riel_per_usd: i64,
    /// How long a QR can be paid, 1–10 minutes.
    #[serde(serialize_with = "serialize_duration")]
    pub qr_lifetime: Duration,
    /// The largest KHR amount a cashier may charge.
    pub max_khr: Money,
    /// The largest USD amount a cashier may charge.
    pub max_usd: Money,
    /// This counter's id: part of bill numbers, receipts are numbered per terminal.
    pub terminal_id: String,
    /// The shop's time zone: days in reports and the check budget follow it.
    #[serde(serialize_with = "serialize_tz")]
    pub time_zone: chrono_tz::Tz,
    /// The Bakong connection.
    pub bakong: BakongConfig,
    /// Cash at the counter: change, rounding, accepted notes, the variance threshold.
    pub cash: CashConfig,
    /// Whether the cashier may accept a sale on the customer's success screen while Bakong
    /// cannot answer (verified later); the owner can turn it off.
    pub accept_unverified: bool,
    /// The receipt printer and its cash drawer (`[printer]`; default none).
    pub printer: pos_print::PrinterSettings,
    /// The shop database this counter shares the shop's Bakong budget through (`[shop_db]`);
    /// `None`: a counter on its own, whose budget is its ledger's.
    pub shop_db: Option<ShopDbConfig>,
    /// Where automatic backups go and how many days they are kept (`[backup]`).
    pub backup: crate::backup::BackupPolicy,
    /// The monitor the customer display opens on (`[customer_display] monitor`).
    pub customer_monitor: DisplayMonitor,
    /// The ledger file's name in the data directory (`ledger_file`; default `ledger.sqlite3`).
    /// A shop set up for Bakong gets its own, apart from the demo sales.
    pub ledger_file: PathBuf,
}

/// The monitor the customer-facing display opens on: `"auto"` (the first one that is not the
/// primary; none: a normal window) or a monitor's number as the system lists them, from 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DisplayMonitor {
    /// A monitor other than the primary one, if there is one.
    #[default]
    Auto,
    /// The monitor with this number (from 1) while it is connected, else as `Auto`.
    Number(u32),
}

impl DisplayMonitor {
    /// The highest monitor number accepted.
    pub const MAX: u32 = 16;

    /// `auto` or a number from 1 to [`DisplayMonitor::MAX`]; the error names what is wrong.
    pub fn parse(text: &str) -> Result<DisplayMonitor, String> {
        match text.trim() {
            "auto" => Ok(DisplayMonitor::Auto),
            t => t
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=Self::MAX).contains(n) && t.bytes().all(|b| b.is_ascii_digit()))
                .map(DisplayMonitor::Number)
                .ok_or_else(|| {
                    format!(
                        "{t:?} is not \"auto\" or a monitor number from 1 to {}",
                        Self::MAX
                    )
                }),
        }
    }

    /// As written in the settings form and the file: `auto` or the number.
    pub fn text(self) -> String {
        match self {
            DisplayMonitor::Auto => "auto".to_owned(),
            DisplayMonitor::Number(n) => n.to_string(),
        }
    }
}

/// Where the shop database is (`[shop_db]` in the file). Like the Bakong token, the
/// connection string (it carries the counter role's password) is never part of the
/// configuration: only the path of the private file holding it, so `config show` and `Debug`
/// cannot leak it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopDbConfig {
    /// The file holding the connection string (`postgres://…` or `key=value` pairs).
    pub url_file: PathBuf,
    /// Checks a day this counter owns, the shop's rule as `hub init` set it: spent when the
    /// shop's pool is spent or the shop database is out of reach.
    pub offline_share: u32,
    /// The file holding the owner's role's connection string (`owner_url_file`), on the
    /// counter the owner uses: the shop rate and the shop's cashier accounts are set through it.
    /// `None` elsewhere: cashiers added or disabled there stay that counter's own. Private like
    /// `url_file`.
    pub owner_url_file: Option<PathBuf>,
}

impl ShopDbConfig {
    /// Reads and parses the connection string. An error names the file and the problem,
    /// never the text.
    pub fn connection(&self) -> Result<pos_sync::ShopDb, CoreError> {
        read_connection(&self.url_file, "shop_db.url_file")
    }

    /// Reads and parses the owner's role's connection string, or `None` without
    /// `owner_url_file`. An error names the file and the problem, never the text.
    pub fn owner_connection(&self) -> Result<Option<pos_sync::ShopDb>, CoreError> {
        self.owner_url_file
            .as_deref()
            .map(|path| read_connection(path, "shop_db.owner_url_file"))
            .transpose()
    }
}

/// The connection string in `path`, for the setting `field`.
fn read_connection(path: &Path, field: &str) -> Result<pos_sync::ShopDb, CoreError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| invalid(field, format!("cannot read {}: {e}", path.display())))?;
    pos_sync::ShopDb::parse(text.trim()).map_err(|e| invalid(field, e.to_string()))
}

/// The shop's cash settings (`[cash]` in the file). The default is street practice for
/// change, and any closing variance at all needs a reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashConfig {
    /// Rounding of riel change, the amount below which change is all riel, the dollar notes
    /// accepted.
    pub policy: pos_cash::CashPolicy,
    /// A closing variance above this, per currency, needs a written reason.
    pub variance_threshold: pos_cash::PerCurrency,
}

/// How the POS reaches Bakong and how many checks it may spend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BakongConfig {
    /// Which API.
    pub environment: Environment,
    /// The file holding the token (never the token itself).
    pub token_file: PathBuf,
    /// The registered email, needed to renew the token.
    pub email: Option<String>,
    /// Status checks the POS may spend per shop day.
    pub daily_check_budget: u32,
    /// Part of the budget only final checks may use.
    pub check_reserve: u32,
    /// Demo mode only: the simulator pays every QR after this long.
    #[serde(serialize_with = "serialize_opt_duration")]
    pub demo_autopay: Option<Duration>,
    /// How long one HTTP request may take.
    #[serde(serialize_with = "serialize_duration")]
    pub request_timeout: Duration,
}

fn serialize_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_duration(*d))
}

fn serialize_opt_duration<S: serde::Serializer>(
    d: &Option<Duration>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&format_duration(*d)),
        None => s.serialize_none(),
    }
}

fn serialize_tz<S: serde::Serializer>(tz: &chrono_tz::Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// What is known about the token file; never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    /// The token file.
    pub file: PathBuf,
    /// Whether it holds a token.
    pub present: bool,
    /// Whole days until the token expires, when it is a readable JWT.
    pub days_left: Option<i64>,
}

/// Explicit choices that beat both the file and the environment (the CLI's flags).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The configuration file; default `<data dir>/config.toml` when it exists.
    pub config_file: Option<PathBuf>,
    /// The data directory; default the OS app-data directory.
    pub data_dir: Option<PathBuf>,
    /// Demo mode only: autopay delay.
    pub demo_autopay: Option<Duration>,
}

/// The file as written: every field optional, so a file can set just what it needs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    default_currency: Option<String>,
    riel_per_usd: Option<i64>,
    qr_lifetime: Option<String>,
    max_amount_khr: Option<String>,
    max_amount_usd: Option<String>,
    terminal_id: Option<String>,
    time_zone: Option<String>,
    accept_unverified: Option<bool>,
    ledger_file: Option<PathBuf>,
    #[serde(default)]
    merchant: FileMerchant,
    #[serde(default)]
    bakong: FileBakong,
    #[serde(default)]
    cash: FileCash,
    #[serde(default)]
    printer: FilePrinter,
    shop_db: Option<FileShopDb>,
    #[serde(default)]
    backup: FileBackup,
    #[serde(default)]
    customer_display: FileCustomerDisplay,
}

/// `[customer_display]`: `monitor = "auto"` or a monitor's number.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCustomerDisplay {
    monitor: Option<toml::Value>,
}

/// `[customer_display] monitor` checked: the string `auto` or a number from 1.
fn build_monitor(file: &FileCustomerDisplay) -> Result<DisplayMonitor, CoreError> {
    let field = "customer_display.monitor";
    match &file.monitor {
        None => Ok(DisplayMonitor::Auto),
        Some(toml::Value::String(text)) if text.trim() == "auto" => Ok(DisplayMonitor::Auto),
        Some(toml::Value::Integer(n)) => {
            DisplayMonitor::parse(&n.to_string()).map_err(|e| invalid(field, e))
        }
        Some(other) => Err(invalid(
            field,
            format!("{other} is not \"auto\" or a monitor number"),
        )),
    }
}

/// `[backup]`: `dir` (relative to the configuration file's folder; default `backups` in the
/// data directory) and `keep_days` (0 keeps every backup).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBackup {
    dir: Option<PathBuf>,
    keep_days: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShopDb {
    url_file: Option<PathBuf>,
    offline_share: Option<u32>,
    owner_url_file: Option<PathBuf>,
}

/// `[printer]` as written; checked by `pos_print::PrinterSettings::new`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePrinter {
    kind: Option<String>,
    address: Option<String>,
    width_mm: Option<u32>,
    drawer_pin: Option<u32>,
    check_status: Option<bool>,
    auto_print: Option<bool>,
}

/// The `[printer]` section checked: a known kind with an address it can use, 58 or 80 mm
/// paper, a drawer on pin 2 or 5.
fn build_printer(file: &FilePrinter) -> Result<pos_print::PrinterSettings, CoreError> {
    pos_print::PrinterSettings::new(&pos_print::RawSettings {
        kind: file.kind.as_deref(),
        address: file.address.as_deref(),
        width_mm: file.width_mm,
        drawer_pin: file.drawer_pin,
        check_status: file.check_status,
        auto_print: file.auto_print,
    })
    .map_err(|e| invalid(e.field, e.reason))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCash {
    rounding: Option<pos_cash::Rounding>,
    riel_only_below_usd: Option<String>,
    usd_notes: Option<Vec<i64>>,
    variance_threshold_khr: Option<String>,
    variance_threshold_usd: Option<String>,
}

/// The `[cash]` section checked: amounts in the cashier grammar, notes that exist.
fn build_cash(file: FileCash) -> Result<CashConfig, CoreError> {
    let defaults = CashConfig::default();
    let money = |text: Option<&str>, currency, field: &str| {
        text.map(|t| {
            Money::parse_cashier(t, currency, None).map_err(|e| invalid(field, e.to_string()))
        })
        .transpose()
    };
    let riel_only_below = money(
        file.riel_only_below_usd.as_deref(),
        Currency::Usd,
        "cash.riel_only_below_usd",
    )?
    .unwrap_or(defaults.policy.riel_only_below);
    let usd_notes = match file.usd_notes {
        Some(notes) => {
            pos_cash::UsdNotes::new(notes).map_err(|e| invalid("cash.usd_notes", e.to_string()))?
        }
        None => defaults.policy.usd_notes,
    };
    let khr = money(
        file.variance_threshold_khr.as_deref(),
        Currency::Khr,
        "cash.variance_threshold_khr",
    )?;
    let usd = money(
        file.variance_threshold_usd.as_deref(),
        Currency::Usd,
        "cash.variance_threshold_usd",
    )?;
    Ok(CashConfig {
        policy: pos_cash::CashPolicy {
            rounding: file.rounding.unwrap_or(defaults.policy.rounding),
            riel_only_below,
            usd_notes,
        },
        variance_threshold: pos_cash::PerCurrency::new(
            khr.map_or(defaults.variance_threshold.khr, |m| m.minor),
            usd.map_or(defaults.variance_threshold.usd, |m| m.minor),
        ),
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMerchant {
    kind: Option<MerchantKind>,
    account_id: Option<String>,
    name: Option<String>,
    city: Option<String>,
    merchant_id: Option<String>,
    acquiring_bank: Option<String>,
    store_label: Option<String>,
    terminal_label: Option<String>,
    mcc: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBakong {
    environment: Option<String>,
    base_url: Option<String>,
    token_file: Option<PathBuf>,
    email: Option<String>,
    daily_check_budget: Option<u32>,
    check_reserve: Option<u32>,
    demo_autopay: Option<String>,
    request_timeout: Option<String>,
}

fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::ConfigInvalid {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// The longest custom Bakong base URL accepted, in characters.
pub(crate) const URL_MAX_CHARS: usize = 200;

/// Checks free text the way [`pos_domain::text`] does, as a setting.
fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), CoreError> {
    pos_domain::text::check(field, value, max_chars)
        .map_err(|e| invalid(field, e.problem.to_string()))
}

/// Checks a KHQR text field: not blank, no control characters, and its length the way KHQR
/// counts it (UTF-16 units).
fn check_len(field: &str, value: &str, max: usize) -> Result<(), CoreError> {
    let len = value.encode_utf16().count();
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    pos_domain::text::check_chars(field, value)
        .map_err(|e| invalid(field, e.problem.to_string()))?;
    if len > max {
        return Err(invalid(
            field,
            format!("{value:?} is {len} characters; KHQR allows at most {max}"),
        ));
    }
    Ok(())
}

impl Config {
    /// Loads the configuration: `options`, then the process environment, then the file.
    pub fn load(options: LoadOptions) -> Result<Config, CoreError> {
        Config::load_with_env(options, |name| std::env::var(name).ok())
    }

    /// [`Config::load`] with the environment given as a lookup function (for tests).
    pub fn load_with_env(
        options: LoadOptions,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, CoreError> {
        let env_dir = env(ENV_DATA_DIR).map(PathBuf::from);
        let explicit_file = options
            .config_file
            .clone()
            .or_else(|| env(ENV_CONFIG).map(PathBuf::from));
        let provisional_dir = options.data_dir.clone().or(env_dir.clone());
        let (file, config_file) = match explicit_file {
            Some(path) => (read_file(&path)?, Some(path)),
            None => {
                let dir = match &provisional_dir {
                    Some(dir) => dir.clone(),
                    None => default_data_dir()?,
                };
                // An interrupted first-run setup is rolled back before the file is looked for.
                crate::setup::recover(&dir)?;
                let path = dir.join("config.toml");
                if path.exists() {
                    (read_file(&path)?, Some(path))
                } else {
                    (FileConfig::default(), None)
                }
            }
        };
        let data_dir = match provisional_dir.or(file.data_dir.clone()) {
            Some(dir) => dir,
            None => default_data_dir()?,
        };
        Config::build(file, config_file, data_dir, &options, env)
    }

    /// A demo configuration rooted at `data_dir`, ignoring files and the environment.
    pub fn demo(data_dir: impl Into<PathBuf>) -> Result<Config, CoreError> {
        let data_dir = data_dir.into();
        Config::build(
            FileConfig {
                bakong: FileBakong {
                    environment: Some("demo".into()),
                    ..FileBakong::default()
                },
                ..FileConfig::default()
            },
            None,
            data_dir,
            &LoadOptions::default(),
            |_| None,
        )
    }

    /// Parses TOML text as a configuration file rooted at `data_dir`, without the
    /// environment. Useful for validating a file before saving it.
    pub fn from_toml(text: &str, data_dir: impl Into<PathBuf>) -> Result<Config, CoreError> {
        let file: FileConfig = toml::from_str(text).map_err(|e| CoreError::ConfigRead {
            path: PathBuf::from("<text>"),
            reason: e.to_string(),
        })?;
        Config::build(file, None, data_dir.into(), &LoadOptions::default(), |_| {
            None
        })
    }

    fn build(
        mut file: FileConfig,
        config_file: Option<PathBuf>,
        data_dir: PathBuf,
        options: &LoadOptions,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, CoreError> {
        apply_env(&mut file, &env)?;
        let base_dir = config_file
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| data_dir.clone(), Path::to_path_buf);
        let token_file = match file.bakong.token_file.take() {
            Some(path) if path.is_relative() => base_dir.join(path),
            Some(path) => path,
            None => data_dir.join("bakong-token"),
        };
        let environment = match file.bakong.environment.as_deref().map(str::trim) {
            // No choice made: a token on disk means the real service, none means demo.
            None | Some("") => {
                if file.bakong.base_url.is_some() {
                    Environment::Custom(file.bakong.base_url.clone().unwrap_or_default())
                } else if token_file.exists() {
                    Environment::Production
                } else {
                    Environment::Demo
                }
            }
            Some(name) => match name.to_ascii_lowercase().as_str() {
                "demo" => Environment::Demo,
                "sit" | "sandbox" => Environment::Sit,
                "production" | "prod" => Environment::Production,
                "custom" => Environment::Custom(file.bakong.base_url.clone().ok_or_else(|| {
                    invalid("bakong.base_url", "a custom environment needs a base_url")
                })?),
                other => {
                    return Err(invalid(
                        "bakong.environment",
                        format!("{other:?} is not one of demo, sit, production, custom"),
                    ))
                }
            },
        };
        if let Environment::Custom(url) = &environment {
            check_text("bakong.base_url", url, URL_MAX_CHARS)?;
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid(
                    "bakong.base_url",
                    format!("{url:?} must start with http:// or https://"),
                ));
            }
        }
        let demo = environment == Environment::Demo;

        let merchant = build_merchant(file.merchant, demo)?;
        let default_currency = match &file.default_currency {
            Some(text) => text
                .parse::<Currency>()
                .map_err(|e| invalid("default_currency", e.to_string()))?,
            None => Currency::Khr,
        };
        let riel_per_usd = file.riel_per_usd.unwrap_or(4_100);
        if !(1_000..=10_000).contains(&riel_per_usd) {
            return Err(invalid(
                "riel_per_usd",
                format!("{riel_per_usd} is not a plausible shop rate (1000–10000 riel per dollar)"),
            ));
        }
        let qr_lifetime = match &file.qr_lifetime {
            Some(text) => parse_duration(text, "qr_lifetime")?,
            None => Duration::from_secs(300),
        };
        check_lifetime(qr_lifetime)?;
        let max_khr = parse_max(file.max_amount_khr.as_deref(), Currency::Khr, "40000000")?;
        let max_usd = parse_max(file.max_amount_usd.as_deref(), Currency::Usd, "10000")?;
        let terminal_id = file.terminal_id.unwrap_or_else(|| "T1".into());
        if terminal_id.is_empty()
            || terminal_id.len() > 8
            || !terminal_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(invalid(
                "terminal_id",
                format!("{terminal_id:?} must be 1–8 letters or digits (it is part of every bill number)"),
            ));
        }
        let time_zone = match &file.time_zone {
            Some(name) => name
                .parse::<chrono_tz::Tz>()
                .map_err(|_| invalid("time_zone", format!("{name:?} is not an IANA time zone")))?,
            None => chrono_tz::Asia::Phnom_Penh,
        };
        let daily_check_budget = file.bakong.daily_check_budget.unwrap_or(100);
        let check_reserve = file
            .bakong
            .check_reserve
            .unwrap_or_else(|| (daily_check_budget / 10).max(1).min(daily_check_budget));
        if daily_check_budget == 0 {
            return Err(invalid(
                "bakong.daily_check_budget",
                "must be at least 1, or no payment could ever be detected",
            ));
        }
        if check_reserve >= daily_check_budget {
            return Err(invalid(
                "bakong.check_reserve",
                format!("{check_reserve} must be below the daily budget of {daily_check_budget}"),
            ));
        }
        let demo_autopay = match (options.demo_autopay, &file.bakong.demo_autopay) {
            (Some(d), _) => Some(d),
            (None, Some(text)) => Some(parse_duration(text, "bakong.demo_autopay")?),
            (None, None) => None,
        };
        if demo_autopay.is_some() && !demo {
            return Err(invalid(
                "bakong.demo_autopay",
                format!(
                    "automatic payments exist only in demo mode, not against {}",
                    environment.name()
                ),
            ));
        }
        let request_timeout = match &file.bakong.request_timeout {
            Some(text) => parse_duration(text, "bakong.request_timeout")?,
            None => Duration::from_secs(12),
        };
        if request_timeout < Duration::from_millis(100) || request_timeout > Duration::from_secs(60)
        {
            return Err(invalid(
                "bakong.request_timeout",
                "must be between 100ms and 60s",
            ));
        }
        if let Some(email) = &file.bakong.email {
            check_text("bakong.email", email, 30)?;
            if !email.contains('@') || email.len() > 30 {
                return Err(invalid(
                    "bakong.email",
                    format!("{email:?} is not an email address of at most 30 characters"),
                ));
            }
        }
        let cash = build_cash(file.cash)?;
        let printer = build_printer(&file.printer)?;
        let customer_monitor = build_monitor(&file.customer_display)?;
        let shop_db = file
            .shop_db
            .map(|section| build_shop_db(section, &base_dir, &data_dir, daily_check_budget))
            .transpose()?;
        let ledger_file = match file.ledger_file {
            Some(name) if name.as_os_str().is_empty() => {
                return Err(invalid("ledger_file", "must name a file"))
            }
            Some(name) => name,
            None => PathBuf::from("ledger.sqlite3"),
        };
        let mut backup = crate::backup::BackupPolicy::beside(&data_dir.join(&ledger_file));
        match file.backup.dir {
            Some(dir) if dir.as_os_str().is_empty() => {
                return Err(invalid("backup.dir", "must name a folder"))
            }
            Some(dir) => backup.dir = base_dir.join(dir),
            None => {}
        }
        if let Some(days) = file.backup.keep_days {
            backup.keep_days = days;
        }
        Ok(Config {
            data_dir,
            config_file,
            merchant,
            default_currency,
            riel_per_usd,
            qr_lifetime,
            max_khr,
            max_usd,
            terminal_id,
            time_zone,
            bakong: BakongConfig {
                environment,
                token_file,
                email: file.bakong.email,
                daily_check_budget,
                check_reserve,
                demo_autopay,
                request_timeout,
            },
            cash,
            accept_unverified: file.accept_unverified.unwrap_or(true),
            printer,
            shop_db,
            backup,
            customer_monitor,
            ledger_file,
        })
    }

    /// Whether the POS runs against the embedded simulator.
    pub fn is_demo(&self) -> bool {
        self.bakong.environment == Environment::Demo
    }

    /// The ledger file.
    pub fn ledger_path(&self) -> PathBuf {
        self.data_dir.join(&self.ledger_file)
    }

    /// Whether the token file holds a token and how long it has left, without revealing it.
    pub fn token_info(&self) -> Result<TokenInfo, CoreError> {
        let token = crate::token_file::read(&self.bakong.token_file)?;
        let now_secs = SystemClock.now_ms() / 1_000;
        Ok(TokenInfo {
            file: self.bakong.token_file.clone(),
            present: token.is_some(),
            days_left: token.and_then(|t| t.days_left(now_secs)),
        })
    }

    /// The largest amount a cashier may charge in `currency`.
    pub fn max_amount(&self, currency: Currency) -> Money {
        match currency {
            Currency::Khr => self.max_khr,
            Currency::Usd => self.max_usd,
        }
    }
}

/// The `[shop_db]` section checked: the connection strings' files (the owner's too, when
/// given) readable and parseable now (not at the first check, mid-sale), and an own share the
/// counter's budget can hold.
fn build_shop_db(
    file: FileShopDb,
    base_dir: &Path,
    data_dir: &Path,
    daily_check_budget: u32,
) -> Result<ShopDbConfig, CoreError> {
    let url_file = match file.url_file {
        Some(path) => base_dir.join(path),
        None => data_dir.join("shop-db"),
    };
    let owner_url_file = file.owner_url_file.map(|path| base_dir.join(path));
    let offline_share = file.offline_share.ok_or_else(|| {
        invalid(
            "shop_db.offline_share",
            "the checks a day this counter owns, as `hub init` set them, are required",
        )
    })?;
    if offline_share > daily_check_budget {
        return Err(invalid(
            "shop_db.offline_share",
            format!("{offline_share} is more than the daily budget of {daily_check_budget}"),
        ));
    }
    let config = ShopDbConfig {
        url_file,
        offline_share,
        owner_url_file,
    };
    config.connection()?;
    config.owner_connection()?;
    Ok(config)
}

/// Refuses QR lifetimes outside 1–10 minutes.
fn check_lifetime(lifetime: Duration) -> Result<(), CoreError> {
    let (min, max) = QR_LIFETIME_RANGE;
    if lifetime < min || lifetime > max {
        return Err(CoreError::LifetimeOutOfRange {
            secs: lifetime.as_secs(),
        });
    }
    Ok(())
}

/// A shop maximum, written the way a cashier types amounts; without a shop maximum to stay
/// under, the cashier grammar caps it at what a KHQR can carry.
fn parse_max(text: Option<&str>, currency: Currency, default: &str) -> Result<Money, CoreError> {
    let field = match currency {
        Currency::Khr => "max_amount_khr",
        Currency::Usd => "max_amount_usd",
    };
    Money::parse_cashier(text.unwrap_or(default), currency, None)
        .map_err(|e| invalid(field, e.to_string()))
}

fn build_merchant(file: FileMerchant, demo: bool) -> Result<MerchantProfile, CoreError> {
    let mut profile = MerchantProfile::demo();
    if !demo && file.account_id.is_none() {
        return Err(invalid(
            "merchant.account_id",
            "a Bakong account id (name@bank) is required outside demo mode",
        ));
    }
    if !demo && file.name.is_none() {
        return Err(invalid(
            "merchant.name",
            "the merchant name shown to customers is required outside demo mode",
        ));
    }
    if let Some(kind) = file.kind {
        profile.kind = kind;
    }
    if let Some(v) = file.account_id {
        profile.account_id = v;
    }
    if let Some(v) = file.name {
        profile.name = v;
    }
    if let Some(v) = file.city {
        profile.city = v;
    }
    if let Some(v) = file.mcc {
        profile.mcc = v;
    }
    profile.merchant_id = file.merchant_id;
    profile.acquiring_bank = file.acquiring_bank;
    profile.store_label = file.store_label;
    profile.terminal_label = file.terminal_label;

    check_len("merchant.account_id", &profile.account_id, 32)?;
    if !profile.account_id.contains('@') {
        return Err(invalid(
            "merchant.account_id",
            format!("{:?} must look like name@bank", profile.account_id),
        ));
    }
    check_len("merchant.name", &profile.name, 25)?;
    check_len("merchant.city", &profile.city, 15)?;
    if profile.mcc.len() != 4 || !profile.mcc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "merchant.mcc",
            format!("{:?} must be 4 digits", profile.mcc),
        ));
    }
    if profile.kind == MerchantKind::Merchant {
        for (field, value) in [
            ("merchant.merchant_id", &profile.merchant_id),
            ("merchant.acquiring_bank", &profile.acquiring_bank),
        ] {
            match value {
                Some(v) => check_len(field, v, 32)?,
                None => return Err(invalid(field, "required for a merchant account")),
            }
        }
    }
    for (field, value) in [
        ("merchant.store_label", &profile.store_label),
        ("merchant.terminal_label", &profile.terminal_label),
    ] {
        if let Some(v) = value {
            check_len(field, v, 25)?;
        }
    }
    Ok(profile)
}

fn read_file(path: &Path) -> Result<FileConfig, CoreError> {
    let text = std::fs::read_to_string(path).map_err(|e| CoreError::ConfigRead {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| CoreError::ConfigRead {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

fn apply_env(
    file: &mut FileConfig,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<(), CoreError> {
    let number = |var: &str, text: String| {
        text.trim()
            .parse::<u32>()
            .map_err(|_| invalid(var, format!("{text:?} is not a whole number")))
    };
    for key in EnvOverride::ALL {
        let Some(value) = env(key.var()) else {
            continue;
        };
        match key {
            EnvOverride::Environment => file.bakong.environment = Some(value),
            EnvOverride::BakongUrl => file.bakong.base_url = Some(value),
            EnvOverride::TokenFile => file.bakong.token_file = Some(PathBuf::from(value)),
            EnvOverride::Email => file.bakong.email = Some(value),
            EnvOverride::CheckBudget => {
                file.bakong.daily_check_budget = Some(number(key.var(), value)?);
            }
            EnvOverride::DemoAutopay => file.bakong.demo_autopay = Some(value),
            EnvOverride::TerminalId => file.terminal_id = Some(value),
            EnvOverride::TimeZone => file.time_zone = Some(value),
        }
    }
    Ok(())
}

fn default_data_dir() -> Result<PathBuf, CoreError> {
    directories::ProjectDirs::from("", "", "khqr-pos")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            invalid(
                "data_dir",
                format!("no app-data directory is known for this user: set {ENV_DATA_DIR}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(dir: &Path, toml: &str, env: &[(&str, &str)]) -> Result<Config, CoreError> {
        std::fs::write(dir.join("config.toml"), toml).unwrap();
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::load_with_env(
            LoadOptions {
                data_dir: Some(dir.to_owned()),
                ..LoadOptions::default()
            },
            |name| env.get(name).cloned(),
        )
    }

    #[test]
    fn an_empty_data_dir_gives_demo_mode_with_the_documented_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_with_env(
            LoadOptions {
                data_dir: Some(dir.path().to_owned()),
                ..LoadOptions::default()
            },
            |_| None,
        )
        .unwrap();
        assert!(config.is_demo());
        assert_eq!(config.qr_lifetime, Duration::from_secs(300));
        assert_eq!(config.bakong.daily_check_budget, 100);
        assert_eq!(config.bakong.check_reserve, 10);
        assert_eq!(config.time_zone, chrono_tz::Asia::Phnom_Penh);
        assert_eq!(config.default_currency, Currency::Khr);
        assert_eq!(config.bakong.token_file, dir.path().join("bakong-token"));
        assert_eq!(config.ledger_path(), dir.path().join("ledger.sqlite3"));
    }

    #[test]
    fn a_token_file_on_disk_switches_the_default_to_production() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bakong-token"), "eyJ.x.y").unwrap();
        let config = load(
            dir.path(),
            "[merchant]\naccount_id = \"shop@aclb\"\nname = \"Shop\"\n",
            &[],
        )
        .unwrap();
        assert_eq!(config.bakong.environment, Environment::Production);
    }

    #[test]
    fn environment_variables_override_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = load(
            dir.path(),
            "terminal_id = \"A1\"\n[bakong]\ndaily_check_budget = 50\n",
            &[
                ("KHQR_POS_TERMINAL_ID", "B2"),
                ("KHQR_POS_CHECK_BUDGET", "80"),
                ("KHQR_POS_ENVIRONMENT", "custom"),
                ("KHQR_POS_BAKONG_URL", "http://127.0.0.1:9"),
                ("KHQR_POS_TOKEN_FILE", "tok"),
            ],
        );
        // Outside demo mode the merchant must be configured.
        assert!(matches!(
            config,
            Err(CoreError::ConfigInvalid { ref field, .. }) if field == "merchant.account_id"
        ));
        let config = load(
            dir.path(),
            "terminal_id = \"A1\"\n[merchant]\naccount_id = \"a@b\"\nname = \"N\"\n",
            &[
                ("KHQR_POS_TERMINAL_ID", "B2"),
                ("KHQR_POS_CHECK_BUDGET", "80"),
                ("KHQR_POS_BAKONG_URL", "http://127.0.0.1:9"),
                ("KHQR_POS_TOKEN_FILE", "tok"),
            ],
        )
        .unwrap();
        assert_eq!(config.terminal_id, "B2");
        assert_eq!(config.bakong.daily_check_budget, 80);
        assert_eq!(
            config.bakong.environment,
            Environment::Custom("http://127.0.0.1:9".into())
        );
        assert_eq!(config.bakong.token_file, dir.path().join("tok"));
    }

    #[test]
    fn each_override_variable_sets_its_own_setting_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let config = load(
            dir.path(),
            "",
            &[
                ("KHQR_POS_EMAIL", "dev@example.com"),
                ("KHQR_POS_DEMO_AUTOPAY", "2s"),
                ("KHQR_POS_TERMINAL_ID", "C3"),
            ],
        )
        .unwrap();
        assert_eq!(config.bakong.email.as_deref(), Some("dev@example.com"));
        assert_eq!(config.bakong.demo_autopay, Some(Duration::from_secs(2)));
        assert_eq!(config.terminal_id, "C3");
        assert_eq!(config.time_zone, chrono_tz::Asia::Phnom_Penh);
        let config = load(dir.path(), "", &[("KHQR_POS_TIME_ZONE", "Asia/Bangkok")]).unwrap();
        assert_eq!(config.time_zone, chrono_tz::Asia::Bangkok);
        // One variable per setting, none shared.
        let distinct = |names: Vec<&str>| {
            names
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        };
        let vars: Vec<&str> = EnvOverride::ALL.iter().map(|k| k.var()).collect();
        let settings: Vec<&str> = EnvOverride::ALL.iter().map(|k| k.setting()).collect();
        assert_eq!(distinct(vars), EnvOverride::ALL.len());
        assert_eq!(distinct(settings), EnvOverride::ALL.len());
    }

    #[test]
    fn invalid_settings_are_refused_with_the_setting_named() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("qr_lifetime = \"30s\"", "expiry"),
            ("qr_lifetime = \"11m\"", "expiry"),
            ("riel_per_usd = 4", "riel_per_usd"),
            ("time_zone = \"Mars/Olympus\"", "time_zone"),
            ("default_currency = \"EUR\"", "default_currency"),
            ("terminal_id = \"T-1\"", "terminal_id"),
            (
                "[merchant]\nname = \"A name far longer than twenty-five\"",
                "merchant.name",
            ),
            (
                "[merchant]\naccount_id = \"no-at-sign\"",
                "merchant.account_id",
            ),
            ("[merchant]\nkind = \"merchant\"", "merchant.merchant_id"),
            ("[merchant]\nmcc = \"59\"", "merchant.mcc"),
            ("[bakong]\ncheck_reserve = 100", "bakong.check_reserve"),
            ("[bakong]\nenvironment = \"mars\"", "bakong.environment"),
            ("[bakong]\nenvironment = \"custom\"", "bakong.base_url"),
            ("surprise = 1", "unknown field"),
            ("max_amount_khr = \"1e5\"", "`1e5`: not a number"),
            ("max_amount_khr = \"1,5,0,0\"", "exactly three digits"),
            (
                "max_amount_khr = \"99999999999999999999\"",
                "over 9,999,999,999,999 KHR, the largest amount a KHQR can carry",
            ),
            ("max_amount_usd = \"10,000,000,000\"", "max_amount_usd"),
            (
                "[merchant]\nname = \"Shop\\u001b[2J\"",
                "merchant.name: control character U+001B at character 5",
            ),
            (
                "[merchant]\ncity = \"Phnom\\u202EPenh\"",
                "bidirectional formatting character U+202E",
            ),
            (
                "[merchant]\nstore_label = \"a\\nb\"",
                "merchant.store_label: control character U+000A",
            ),
            (
                "[bakong]\nemail = \"a@b\\u0000\"",
                "bakong.email: control character U+0000",
            ),
            (
                "[printer]\nkind = \"network\"\naddress = \"192.168.1.9:99999\"",
                "printer.address: port \"99999\" is not a number from 1 to 65535",
            ),
            (
                "[printer]\nkind = \"network\"\naddress = \"192.168.1.9\"",
                "printer.address",
            ),
            (
                "[printer]\nkind = \"network\"",
                "printer.address: is required",
            ),
            (
                "[printer]\nkind = \"device\"\naddress = \"lp0\"",
                "printer.address",
            ),
            (
                "[printer]\nkind = \"serial\"",
                "printer.address: is required",
            ),
            (
                "[printer]\nkind = \"serial\"\naddress = \"/dev/ttyUSB0\"",
                "printer.address: /dev/ttyUSB0 needs a baud rate: /dev/ttyUSB0@9600",
            ),
            ("[printer]\nkind = \"bluetooth\"", "printer.kind"),
            (
                "[printer]\nwidth_mm = 76",
                "printer.width_mm: 76 mm is not 58 or 80",
            ),
            ("[printer]\ndrawer_pin = 3", "printer.drawer_pin"),
            ("[printer]\nspeed = 3", "unknown field"),
        ];
        for (toml, expected) in cases {
            let err = load(dir.path(), toml, &[]).unwrap_err();
            let text = format!("{err} {}", err.code());
            assert!(text.contains(expected), "{toml}: {text}");
        }
    }

    #[test]
    fn a_printer_section_is_read_and_none_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let config = load(dir.path(), "", &[]).unwrap();
        assert_eq!(config.printer, pos_print::PrinterSettings::default());
        let config = load(
            dir.path(),
            "[printer]\nkind = \"network\"\naddress = \"192.168.1.50:9100\"\nwidth_mm = 58\ndrawer_pin = 2\nauto_print = false\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            config.printer.connection,
            pos_print::Connection::Network {
                address: "192.168.1.50:9100".into()
            }
        );
        assert_eq!(config.printer.width, pos_print::PaperWidth::Mm58);
        assert_eq!(config.printer.drawer, Some(pos_print::DrawerPin::Pin2));
        assert!(!config.printer.auto_print);
    }

    #[test]
    fn the_customer_display_monitor_is_auto_or_a_number_from_one() {
        let dir = tempfile::tempdir().unwrap();
        let monitor = |text: &str| load(dir.path(), text, &[]).map(|c| c.customer_monitor);
        assert_eq!(monitor("").unwrap(), DisplayMonitor::Auto);
        assert_eq!(
            monitor("[customer_display]\nmonitor = \"auto\"").unwrap(),
            DisplayMonitor::Auto
        );
        assert_eq!(
            monitor("[customer_display]\nmonitor = 2").unwrap(),
            DisplayMonitor::Number(2)
        );
        for bad in ["0", "17", "-1", "\"second\"", "\"2\"", "1.5", "true"] {
            match monitor(&format!("[customer_display]\nmonitor = {bad}")) {
                Err(CoreError::ConfigInvalid { field, .. }) => {
                    assert_eq!(field, "customer_display.monitor", "{bad}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(DisplayMonitor::parse(" 3 "), Ok(DisplayMonitor::Number(3)));
        assert!(DisplayMonitor::parse("+3").is_err());
        assert_eq!(DisplayMonitor::Number(3).text(), "3");
    }

    #[test]
    fn autopay_is_refused_outside_demo_mode() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(
            dir.path(),
            "[merchant]\naccount_id = \"a@b\"\nname = \"N\"\n[bakong]\nenvironment = \"sit\"\ndemo_autopay = \"5s\"\n",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("demo"), "{err}");
    }

    #[test]
    fn config_json_shows_the_token_path_but_has_no_token_field() {
        let config = Config::demo("/tmp/x").unwrap();
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(json["bakong"]["tokenFile"], "/tmp/x/bakong-token");
        assert_eq!(json["bakong"]["environment"]["kind"], "demo");
        assert_eq!(json["qrLifetime"], "5m");
        assert!(!json.to_string().to_lowercase().contains("\"token\""));
    }

    #[test]
    fn a_shop_database_is_read_from_its_private_file_and_its_password_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let section = "[shop_db]\nurl_file = \"shop-db\"\noffline_share = 5\n";
        std::fs::write(
            dir.path().join("shop-db"),
            "postgres://shop_T1:hunter2@10.0.0.5/shop\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("shop-db-owner"),
            "postgres://shop_owner:hunter3@10.0.0.5/shop\n",
        )
        .unwrap();
        let config = load(dir.path(), section, &[]).unwrap();
        let shop_db = config.shop_db.clone().unwrap();
        assert_eq!(shop_db.url_file, dir.path().join("shop-db"));
        assert_eq!(shop_db.offline_share, 5);
        assert!(format!("{:?}", shop_db.connection().unwrap()).contains("10.0.0.5"));
        assert!(shop_db.owner_connection().unwrap().is_none());
        // The owner's own connection, on the counter the owner sets the shop rate from.
        let owner = format!("{section}owner_url_file = \"shop-db-owner\"\n");
        let owner = load(dir.path(), &owner, &[]).unwrap();
        let owner_db = owner.shop_db.clone().unwrap().owner_connection().unwrap();
        assert!(format!("{owner_db:?}").contains("shop_owner"));
        let shown = format!("{owner:?} {}", serde_json::to_string(&owner).unwrap());
        assert!(!shown.contains("hunter3"), "{shown}");
        let shown = format!("{config:?} {}", serde_json::to_string(&config).unwrap());
        assert!(shown.contains("offlineShare"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        // Without the section nothing changes.
        assert_eq!(load(dir.path(), "", &[]).unwrap().shop_db, None);
    }

    #[test]
    fn a_shop_database_section_that_cannot_work_is_refused_without_repeating_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad"),
            "postgres://u:hunter2@host:notaport/db",
        )
        .unwrap();
        std::fs::write(dir.path().join("good"), "postgres://u:pw@host/db").unwrap();
        let cases = [
            // No file to read.
            ("[shop_db]\nurl_file = \"missing\"\noffline_share = 5\n", "shop_db.url_file"),
            // The owner's connection, when named, is read and parsed at load too.
            (
                "[shop_db]\nurl_file = \"good\"\noffline_share = 5\nowner_url_file = \"bad\"\n",
                "shop_db.owner_url_file",
            ),
            (
                "[shop_db]\nurl_file = \"good\"\noffline_share = 5\nowner_url_file = \"none\"\n",
                "shop_db.owner_url_file",
            ),
            // A connection string that does not parse.
            ("[shop_db]\nurl_file = \"bad\"\noffline_share = 5\n", "shop_db.url_file"),
            // The share the counter owns must be given, and fit its budget.
            ("[shop_db]\nurl_file = \"bad\"\n", "shop_db.offline_share"),
            (
                "[bakong]\ndaily_check_budget = 10\n[shop_db]\nurl_file = \"bad\"\noffline_share = 11\n",
                "shop_db.offline_share",
            ),
            ("[shop_db]\nurl = \"postgres://x\"\n", "unknown field"),
            // The owner's connection, when named, is checked the same way.
            (
                "[shop_db]\nurl_file = \"good\"\noffline_share = 5\nowner_url_file = \"bad\"\n",
                "shop_db.owner_url_file",
            ),
        ];
        for (toml, expected) in cases {
            let err = load(dir.path(), toml, &[]).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(text.contains(expected), "{toml}: {text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
    }
}
