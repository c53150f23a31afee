//! The app's state, built once in `setup()`: the running POS, or why it could not start (shown
//! by the UI instead of an empty window), and the owner gate.

use pos_core::owner::OwnerGate;
use pos_core::{Config, CoreError, ErrorView, Pos, StartOptions};

/// What the app starts the POS with.
pub struct Launch {
    /// The configuration, or why it could not be loaded.
    pub config: Result<Config, CoreError>,
    /// Cadence and limits; the defaults except in the e2e tests.
    pub options: StartOptions,
}

/// Starts the POS (opens the ledger, starts the demo simulator or connects to Bakong).
pub async fn start(
    config: Result<Config, CoreError>,
    options: StartOptions,
) -> Result<Pos, ErrorView> {
    Ok(Pos::start_with(config?, options).await?)
}

/// Managed state: the POS, or the start-up failure every command reports.
pub struct AppState {
    started: std::sync::RwLock<Result<Pos, ErrorView>>,
    /// What the POS is started with, again after a settings save.
    options: StartOptions,
    /// The owner area's PIN and session, for the app's lifetime.
    pub gate: OwnerGate,
    /// Who is signed in at the till.
    pub till: crate::counter::Till,
}

impl AppState {
    /// Wraps the outcome of [`start`].
    pub fn new(started: Result<Pos, ErrorView>, options: StartOptions) -> Self {
        AppState {
            started: std::sync::RwLock::new(started),
            options,
            gate: OwnerGate::new(),
            till: crate::counter::Till::default(),
        }
    }

    /// The running POS (a cheap clone), or the reason it is not running.
    pub fn pos(&self) -> Result<Pos, ErrorView> {
        self.started
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The running POS, if the owner area is open (which it then stays a while longer).
    pub fn owner_pos(&self) -> Result<Pos, ErrorView> {
        let pos = self.pos()?;
        self.gate.require_open()?;
        Ok(pos)
    }

    /// The options the POS runs with.
    pub fn options(&self) -> StartOptions {
        self.options.clone()
    }

    /// Swaps in a POS restarted with new settings; later commands use it.
    pub fn replace(&self, pos: Pos) {
        *self.started.write().unwrap_or_else(|e| e.into_inner()) = Ok(pos);
    }
}
