//! What the POS subcommands share: where the configuration and data live, the exit codes,
//! the async runtime, and how errors and times are printed.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use pos_core::{Config, CoreError, LoadOptions, Pos, StartOptions};

/// The payment was received (or, for other commands, all went well).
pub const EXIT_OK: u8 = 0;
/// Bad input, bad configuration, or the ledger or simulator failed.
pub const EXIT_ERROR: u8 = 1;
/// The QR expired unpaid (after its final check).
pub const EXIT_EXPIRED: u8 = 3;
/// Bakong reported the payment as failed.
pub const EXIT_FAILED: u8 = 4;
/// The sale was cancelled (Ctrl-C while waiting).
pub const EXIT_CANCELLED: u8 = 5;
/// The payment could not be verified (network, quota, token, region); the sale stays
/// pending and `khqr-pos watch` keeps checking it.
pub const EXIT_CANNOT_VERIFY: u8 = 6;
/// Money arrived but needs the owner's review (wrong amount or payee, or paid late).
pub const EXIT_REVIEW: u8 = 7;

/// The exit codes as `--help` shows them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  paid
  1  error (bad amount, configuration, ledger)
  3  expired unpaid (after the final check)
  4  payment failed
  5  cancelled (Ctrl-C while waiting)
  6  cannot verify (network, quota, token, region): the sale stays pending; `khqr-pos watch` keeps checking
  7  needs review: paid with a different amount or payee, or paid late";

/// Where the configuration and the data live; every POS subcommand takes these.
#[derive(Debug, Clone, Args)]
pub struct CoreArgs {
    /// Data directory: the ledger, the token file and (by default) config.toml.
    #[arg(long, env = pos_core::ENV_DATA_DIR, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (TOML).
    #[arg(long, env = pos_core::ENV_CONFIG, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl CoreArgs {
    /// Loads the configuration: these flags, then the environment, then the file.
    /// Also starts the log file in the configured data directory.
    pub fn load(&self, demo_autopay: Option<Duration>) -> Result<Config, CoreError> {
        let config = Config::load(LoadOptions {
            config_file: self.config.clone(),
            data_dir: self.data_dir.clone(),
            demo_autopay,
        })?;
        // A log that cannot be written must not stop a sale: say so and go on.
        if let Err(error) = pos_core::logs::init(&config.data_dir, "khqr-pos") {
            eprintln!("warning: no log file: {error}");
        }
        Ok(config)
    }
}

/// Builds `builder`'s runtime with all drivers; when it cannot, says so and gives the exit
/// code to end with.
pub fn runtime(mut builder: tokio::runtime::Builder) -> Result<tokio::runtime::Runtime, ExitCode> {
    builder.enable_all().build().map_err(|error| {
        eprintln!("error: cannot start the async runtime: {error}");
        ExitCode::from(EXIT_ERROR)
    })
}

/// Runs `work` on a fresh multi-threaded runtime and returns its exit code.
pub fn block_on(work: impl Future<Output = Result<u8, CoreError>>) -> ExitCode {
    let runtime = match runtime(tokio::runtime::Builder::new_multi_thread()) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    match runtime.block_on(work) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error [{}]: {error}", error.code());
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Starts the POS for one command's own sale: the other pending sales are left to the
/// running app (or `khqr-pos watch`), not resumed here.
pub async fn start_for_one_sale(config: Config) -> Result<Pos, CoreError> {
    start_for_one_sale_with(config, false).await
}

/// [`start_for_one_sale`], taking part in the shop's shared checks (with `[shop_db]`) when
/// `shared_checks`: for a command that stays until its sale is final (`charge --wait`), so
/// several counters' waiting charges are checked together in one call by the elected one.
pub async fn start_for_one_sale_with(
    config: Config,
    shared_checks: bool,
) -> Result<Pos, CoreError> {
    Pos::start_with(
        config,
        StartOptions {
            resume: false,
            shared_checks,
            ..StartOptions::default()
        },
    )
    .await
}

/// An optional duration flag (`3s`, `5m`).
pub fn duration_flag(text: Option<&str>, flag: &str) -> Result<Option<Duration>, CoreError> {
    text.map(|t| pos_core::parse_duration(t, flag)).transpose()
}

/// `2026-11-26 14:05:09` in the shop's time zone.
pub fn local_time(at_ms: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| at_ms.to_string())
}

/// Prints one JSON value on its own line.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), CoreError> {
    let text = serde_json::to_string(value).map_err(|e| CoreError::Task(e.to_string()))?;
    println!("{text}");
    Ok(())
}
