//! `khqr-pos sim`: runs the Bakong Open API simulator in the foreground, exactly as the
//! `pos-bakong-sim` binary does (same options, same first line `listening on http://…`).

use std::process::ExitCode;

/// Options of `khqr-pos sim`: the simulator binary's own, so the two never drift apart.
pub use pos_bakong_sim::SimArgs;

/// Serves until Ctrl-C, through the simulator binary's own entry point.
pub fn run(args: SimArgs) -> ExitCode {
    pos_bakong_sim::run(&args)
}
