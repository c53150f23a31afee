//! `khqr-pos qr …`: the KHQR codec on the command line.

use std::process::ExitCode;

use clap::Subcommand;

/// The `qr` subcommands.
#[derive(Debug, Subcommand)]
pub enum QrCommand {}

/// Runs one `qr` subcommand.
pub fn run(command: QrCommand) -> ExitCode {
    match command {}
}
