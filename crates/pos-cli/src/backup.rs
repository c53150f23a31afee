//! `khqr-pos backup now|list|verify FILE|restore FILE`: verified online backups of the ledger
//! to a folder (e.g. a USB stick), kept for a number of days, and a restore that keeps the
//! current ledger aside and refuses to drop newer receipts unless `--force`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_core::backup::{self, BackupCheck, BackupPolicy};
use pos_core::CoreError;

use crate::common::{self, CoreArgs, EXIT_OK};

/// `verify` found the file unusable.
const EXIT_BAD: u8 = 3;

/// The `backup` subcommands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Back the ledger up now (verified after writing), then remove backups past the kept days.
    Now(FolderArgs),
    /// The backups in the folder, newest first.
    List(FolderArgs),
    /// Check a backup file: SQLite's integrity check and the receipt hash chain (exit 3 if bad).
    Verify(VerifyArgs),
    /// Replace the ledger with a backup; the current ledger is kept aside beside it.
    Restore(RestoreArgs),
}

/// Where backups go and how long they stay.
#[derive(Debug, Args)]
pub struct FolderArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The backup folder (default: `[backup] dir` of the configuration, else `backups` in
    /// the data directory).
    #[arg(long, env = "KHQR_POS_BACKUP_DIR", value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Remove backups older than this many days after a new one (0 keeps them all; default:
    /// `[backup] keep_days`, else 30).
    #[arg(long, env = "KHQR_POS_BACKUP_KEEP_DAYS")]
    keep_days: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Options of `backup verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The backup file.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Options of `backup restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The backup file.
    file: PathBuf,
    /// Restore even when the backup lacks receipts or sales the ledger has (they are lost
    /// from the ledger, kept only in the copy set aside).
    #[arg(long)]
    force: bool,
}

/// Runs one `backup` subcommand.
pub fn run(command: BackupCommand) -> ExitCode {
    // The work is synchronous file and SQLite work; block_on gives the shared error output.
    common::block_on(async move {
        match command {
            BackupCommand::Now(args) => now(&args),
            BackupCommand::List(args) => list(&args),
            BackupCommand::Verify(args) => Ok(verify(&args)),
            BackupCommand::Restore(args) => restore(&args),
        }
    })
}

impl FolderArgs {
    fn ledger_and_policy(&self) -> Result<(PathBuf, BackupPolicy), CoreError> {
        let config = self.core.load(None)?;
        let mut policy = config.backup.clone();
        if let Some(dir) = &self.dir {
            policy.dir.clone_from(dir);
        }
        if let Some(days) = self.keep_days {
            policy.keep_days = days;
        }
        Ok((config.ledger_path(), policy))
    }
}

fn now(args: &FolderArgs) -> Result<u8, CoreError> {
    let (ledger, policy) = args.ledger_and_policy()?;
    let made = backup::backup_now(&ledger, &policy, chrono::Utc::now())?;
    if args.json {
        common::print_json(&made)?;
    } else {
        println!(
            "backup {} ({} bytes): verified",
            made.entry.path.display(),
            made.entry.bytes
        );
        print_summary(&made.check);
        for path in &made.removed {
            println!(
                "removed {} (older than {} days)",
                path.display(),
                policy.keep_days
            );
        }
    }
    Ok(EXIT_OK)
}

fn list(args: &FolderArgs) -> Result<u8, CoreError> {
    let (_, policy) = args.ledger_and_policy()?;
    let entries = backup::list(&policy)?;
    if args.json {
        common::print_json(&entries)?;
    } else if entries.is_empty() {
        println!("no backups in {}", policy.dir.display());
    } else {
        for entry in &entries {
            let taken = chrono::DateTime::from_timestamp_millis(entry.taken_ms)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_default();
            println!(
                "{taken}  {:>10} bytes  {}",
                entry.bytes,
                entry.path.display()
            );
        }
    }
    Ok(EXIT_OK)
}

fn verify(args: &VerifyArgs) -> u8 {
    let check = backup::verify(&args.file);
    if args.json {
        if let Err(error) = common::print_json(&check) {
            eprintln!("error: {error}");
        }
    } else {
        println!("backup {}", check.path.display());
        print_summary(&check);
        for problem in &check.problems {
            println!("PROBLEM: {problem}");
        }
        if check.is_good() {
            println!("ok: the backup is a sound ledger with an intact receipt chain");
        }
    }
    if check.is_good() {
        EXIT_OK
    } else {
        EXIT_BAD
    }
}

fn restore(args: &RestoreArgs) -> Result<u8, CoreError> {
    let ledger = args.core.load(None)?.ledger_path();
    let restored = backup::restore(&ledger, &args.file, args.force, chrono::Utc::now())?;
    println!("restored {} into {}", args.file.display(), ledger.display());
    println!(
        "the ledger before the restore ({} sales, {} receipts) is kept at {}",
        restored.before.sales,
        restored.before.receipts,
        restored.aside.display()
    );
    for lost in &restored.lost {
        println!("dropped (--force): {lost}");
    }
    Ok(EXIT_OK)
}

fn print_summary(check: &BackupCheck) {
    if let Some(summary) = &check.summary {
        println!(
            "  {} sales, {} receipts, schema version {}",
            summary.sales, summary.receipts, summary.schema_version
        );
        for (terminal, number) in &summary.heads {
            println!("  terminal {terminal}: last receipt #{number}");
        }
    }
}
