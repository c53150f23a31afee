//! `khqr-pos ledger verify`: SQLite's integrity check and the receipt hash chain, which finds
//! any edited, deleted or reordered receipt.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_core::{CoreError, Ledger};

use crate::common::{self, CoreArgs, EXIT_OK};

/// `verify` found a problem in the ledger.
const EXIT_PROBLEMS: u8 = 3;

/// The `ledger` subcommands.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check the database and the receipt chain (exit code 3 when anything is wrong).
    Verify(VerifyArgs),
}

/// Options of `khqr-pos ledger verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs one `ledger` subcommand.
pub fn run(command: LedgerCommand) -> ExitCode {
    match command {
        LedgerCommand::Verify(args) => common::block_on(verify(args)),
    }
}

async fn verify(args: VerifyArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let path = config.ledger_path();
    let check = Ledger::open(config).await?.verify().await?;
    if args.json {
        common::print_json(&check)?;
    } else {
        println!("ledger {}", path.display());
        println!("{} receipt(s) checked", check.receipts);
        for (terminal, number, hash) in &check.heads {
            println!("  terminal {terminal}: last receipt #{number}, hash {hash}");
        }
        for problem in check.integrity_problems.iter().chain(&check.chain_problems) {
            println!("PROBLEM: {problem}");
        }
        if check.is_intact() {
            println!("ok: the ledger is intact");
        }
    }
    Ok(if check.is_intact() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    })
}
