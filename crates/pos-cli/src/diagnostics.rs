//! `khqr-pos diagnostics export [--out FILE]`: the support bundle (configuration without
//! secrets, versions, the ledger's check, backups, the token's status, recent logs) as a zip.
//! It reads files only and starts no POS, so it works when the POS itself will not start.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_core::diagnostics::{self, DEFAULT_LOG_DAYS};
use pos_core::{Clock, CoreError, SystemClock};

use crate::common::{self, CoreArgs, EXIT_OK};

/// The `diagnostics` subcommands.
#[derive(Debug, Subcommand)]
pub enum DiagnosticsCommand {
    /// Write the support bundle (a zip); it never contains the Bakong token or a PIN.
    Export(ExportArgs),
}

/// Options of `diagnostics export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The zip to write (default: `khqr-pos-diagnostics-<terminal>-<time>.zip` in the
    /// export folder).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Days of logs to include.
    #[arg(long, default_value_t = DEFAULT_LOG_DAYS)]
    log_days: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs one `diagnostics` subcommand.
pub fn run(command: DiagnosticsCommand) -> ExitCode {
    common::block_on(async move {
        match command {
            DiagnosticsCommand::Export(args) => export(&args),
        }
    })
}

fn export(args: &ExportArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let now = SystemClock.now_ms();
    let out = args.out.clone().unwrap_or_else(|| {
        diagnostics::default_file(&config, &pos_core::owner::export_dir(&config), now)
    });
    let made = diagnostics::export(&config, None, &out, now, args.log_days)?;
    if args.json {
        common::print_json(&made)?;
    } else {
        println!("diagnostics {} ({} bytes):", made.path, made.bytes);
        for entry in &made.entries {
            println!("  {entry}");
        }
    }
    Ok(EXIT_OK)
}
