//! Restarting the POS on a new configuration (the owner saved settings) without leaving the
//! shop without a running POS.

use crate::{Config, CoreError, Pos, StartOptions};

/// The POS running after [`Pos::restart_with`].
#[derive(Debug)]
pub struct Restarted {
    /// On the new configuration, or on the previous one when the new one could not start.
    pub pos: Pos,
    /// Why the new configuration could not start, if it could not.
    pub refused: Option<CoreError>,
}

impl Pos {
    /// Stops this POS and starts one on `config`; pending sales carry on (the new watcher
    /// resumes them). If `config` cannot start, starts again on the configuration this one
    /// had, so the shop keeps running; an error only when even that fails.
    pub async fn restart_with(
        &self,
        config: Config,
        options: StartOptions,
    ) -> Result<Restarted, CoreError> {
        // The old watcher stops in the background: its command channel closes at once, so it
        // starts no new check, and the caller does not wait for a check already in flight.
        let old = self.clone();
        tokio::spawn(async move { old.shutdown().await });
        match Pos::start_with(config, options.clone()).await {
            Ok(pos) => Ok(Restarted { pos, refused: None }),
            Err(refused) => Ok(Restarted {
                pos: Pos::start_with(self.config().clone(), options).await?,
                refused: Some(refused),
            }),
        }
    }
}
