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
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pos_bakong_sim::serve_forever(&cli.args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
