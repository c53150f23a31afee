//! The log file: `tracing` events (Bakong request ids, HTTP statuses, response and error codes,
//! watcher decisions) written to `logs/<program>.<date>.log` in the data directory, a new file
//! each day and the last [`KEEP_FILES`] kept. The token and PINs never reach a log call: the
//! client's `Debug` redacts the token and PINs only ever meet argon2.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The log folder inside the data directory.
pub const LOG_DIR: &str = "logs";
/// Daily files kept (two weeks: enough for a support case, small on a counter PC's disk).
pub const KEEP_FILES: usize = 14;
/// Overrides the level filter (`debug`, `pos_core=debug`…); `info` otherwise.
pub const ENV_LOG: &str = "KHQR_POS_LOG";

/// Where the log files of a data directory are.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_DIR)
}

/// Sends this process's `tracing` events to the daily file of `program` in `data_dir`.
/// Returns `Ok(false)` when a subscriber was already installed (a second call changes
/// nothing). The writes are synchronous, so nothing logged before an exit or a crash is lost.
pub fn init(data_dir: &Path, program: &str) -> std::io::Result<bool> {
    let dir = log_dir(data_dir);
    // The appender prunes old files before it creates the folder, and complains on stderr
    // when it is missing.
    std::fs::create_dir_all(&dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(std::io::Error::other)?;
    let filter = EnvFilter::try_from_env(ENV_LOG).unwrap_or_else(|_| EnvFilter::new("info"));
    let file = tracing_subscriber::fmt::layer()
        .with_writer(appender)
        .with_ansi(false);
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .try_init()
        .is_ok();
    if installed {
        tracing::info!(program, version = env!("CARGO_PKG_VERSION"), "started");
    }
    Ok(installed)
}
