//! [`StoreHandle`]: the ledger connection shared by the facade, the owner's side and the
//! watcher. The store's API is synchronous, so every call runs on a blocking thread.

use std::sync::{Arc, Mutex};

use pos_store::Store;

use crate::CoreError;

/// The ledger, shared; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct StoreHandle(Arc<Mutex<Store>>);

impl StoreHandle {
    pub(crate) fn new(store: Store) -> Self {
        StoreHandle(Arc::new(Mutex::new(store)))
    }

    /// Runs `f` with the ledger on a blocking thread.
    pub(crate) async fn run<T: Send + 'static, E: Into<CoreError> + Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, CoreError> {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave SQLite half-written (transactions
            // roll back), so the ledger stays usable.
            let mut guard = store.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| CoreError::Task(e.to_string()))?
        .map_err(Into::into)
    }
}
