//! `khqr-pos sim`: runs the Bakong Open API simulator in the foreground, exactly as the
//! `pos-bakong-sim` binary does (same options, same first line `listening on http://…`).

use std::process::ExitCode;

/// Options of `khqr-pos sim`: the simulator binary's own, so the two never drift apart.
pub use pos_bakong_sim::SimArgs;

/// Serves until Ctrl-C.
pub fn run(args: SimArgs) -> ExitCode {
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
    match runtime.block_on(pos_bakong_sim::serve_forever(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
