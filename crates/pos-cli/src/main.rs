//! `khqr-pos`: the POS core on the command line. Each subcommand lives in its own module and
//! returns the process exit code; `main` only parses arguments and dispatches.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod qr;
mod sim;

/// KHQR POS on the command line.
#[derive(Debug, Parser)]
#[command(name = "khqr-pos", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Encode, decode, verify and render KHQR strings; run conformance vectors.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// Run the Bakong Open API simulator on loopback until Ctrl-C.
    Sim(sim::SimArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Qr(command) => qr::run(command),
        Command::Sim(args) => sim::run(args),
    }
}
