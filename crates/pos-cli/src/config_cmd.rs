//! `khqr-pos config show`: the configuration in force after the file, the environment and
//! the flags, with the token file's state. The token itself is never printed.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_core::CoreError;

use crate::common::{self, CoreArgs, EXIT_OK};

/// The `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the configuration in force (never the token).
    Show(ShowArgs),
}

/// Options of `khqr-pos config show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Print compact JSON instead of the indented form.
    #[arg(long)]
    json: bool,
}

/// Runs one `config` subcommand.
pub fn run(command: ConfigCommand) -> ExitCode {
    match command {
        ConfigCommand::Show(args) => common::block_on(show(args)),
    }
}

async fn show(args: ShowArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let token = config.token_info()?;
    let value = serde_json::json!({
        "config": config,
        "demo": config.is_demo(),
        "ledger": config.ledger_path(),
        "token": token,
    });
    if args.json {
        common::print_json(&value)?;
    } else {
        let text =
            serde_json::to_string_pretty(&value).map_err(|e| CoreError::Task(e.to_string()))?;
        println!("{text}");
    }
    Ok(EXIT_OK)
}
