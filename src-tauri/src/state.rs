//! The app's state, built once in `setup()`: the running POS, or why it could not start (shown
//! by the UI instead of an empty window).

use pos_core::{Config, CoreError, Pos, StartOptions};

use crate::ipc::IpcError;

/// What the app starts the POS with.
pub struct Launch {
    /// The configuration, or why it could not be loaded.
    pub config: Result<Config, CoreError>,
    /// Cadence and limits; the defaults except in the e2e tests.
    pub options: StartOptions,
}

/// Starts the POS (opens the ledger, starts the demo simulator or connects to Bakong).
pub async fn start(launch: Launch) -> Result<Pos, IpcError> {
    let config = launch.config?;
    Ok(Pos::start_with(config, launch.options).await?)
}

/// Managed state: the POS, or the start-up failure every command reports.
pub struct AppState {
    started: std::sync::RwLock<Result<Pos, IpcError>>,
}

impl AppState {
    /// Wraps the outcome of [`start`].
    pub fn new(started: Result<Pos, IpcError>) -> Self {
        AppState {
            started: std::sync::RwLock::new(started),
        }
    }

    /// The running POS (a cheap clone), or the reason it is not running.
    pub fn pos(&self) -> Result<Pos, IpcError> {
        self.started
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Swaps in a POS restarted with new settings; later commands use it.
    pub fn replace(&self, pos: Pos) {
        *self.started.write().unwrap_or_else(|e| e.into_inner()) = Ok(pos);
    }
}
