//! `pos-bakong-sim`: the Bakong Open API simulator as a standalone server.

use std::process::ExitCode;

use clap::Parser;

/// A local simulator of the Bakong Open API, with a control API under /__sim/.
#[derive(Debug, Parser)]
#[command(name = "pos-bakong-sim", version, about)]
struct Cli {
    #[command(flatten)]
    args: pos_bakong_sim::SimArgs,
}

fn main() -> ExitCode {
    pos_bakong_sim::run(&Cli::parse().args)
}
