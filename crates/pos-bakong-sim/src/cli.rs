//! The command-line face shared by `pos-bakong-sim` and `khqr-pos sim`: options, and a serve
//! loop that prints `listening on http://ADDR` as its first line of stdout.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use crate::{start, SimConfig, SimError};

/// Options of the simulator binary.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// The registered developer email that renew_token accepts.
    #[arg(long, default_value = "dev@example.com")]
    pub email: String,
    /// Authenticated calls per token per day before errorCode 17.
    #[arg(long, default_value_t = 100)]
    pub quota: u32,
    /// Token lifetime in seconds (Bakong's is 90 days).
    #[arg(long, default_value_t = 90 * 86_400)]
    pub token_lifetime_secs: u64,
    /// Pay every registered QR this many milliseconds after registration (demo mode).
    #[arg(long)]
    pub autopay_ms: Option<u64>,
    /// Print timestamps as floats (`…000.0`), as NBC's samples do.
    #[arg(long)]
    pub float_numbers: bool,
    /// Seed for tokens, hashes and fault probabilities.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl SimArgs {
    /// The simulator configuration these options describe.
    pub fn config(&self) -> SimConfig {
        let defaults = SimConfig::default();
        SimConfig {
            listen: self.listen,
            email: self.email.clone(),
            daily_quota: self.quota,
            token_lifetime: Duration::from_secs(self.token_lifetime_secs),
            autopay: self.autopay_ms.map(Duration::from_millis),
            seed: self.seed,
            flags: crate::Flags {
                float_numbers: self.float_numbers,
                ..defaults.flags
            },
            ..defaults
        }
    }
}

/// Starts the simulator, prints `listening on http://ADDR` then `token <JWT>` on stdout, and
/// serves until Ctrl-C.
pub async fn serve_forever(args: &SimArgs) -> Result<(), SimError> {
    let sim = start(args.config()).await?;
    let mut out = std::io::stdout().lock();
    // Whoever started us reads the URL from the first line; flush so it arrives now.
    writeln!(out, "listening on {}", sim.url()).map_err(SimError::Serve)?;
    writeln!(out, "token {}", sim.token()).map_err(SimError::Serve)?;
    out.flush().map_err(SimError::Serve)?;
    drop(out);
    tokio::signal::ctrl_c().await.map_err(SimError::Serve)?;
    Ok(())
}

/// The whole of a simulator binary after parsing its options: builds a runtime, serves until
/// Ctrl-C, and reports any failure on stderr. Both `pos-bakong-sim` and `khqr-pos sim` call
/// this, so they start, print and fail alike.
pub fn run(args: &SimArgs) -> ExitCode {
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
    match runtime.block_on(serve_forever(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
