//! The wall clock: the one place the POS reads the time. Sale times, shop days, QR expiry
//! and token ages are all real times, so it is the wall clock (not a monotonic one), and it
//! is injectable through [`crate::StartOptions::clock`] for tests that need another "now".

use std::fmt;

/// Tells the current time.
pub trait Clock: fmt::Debug + Send + Sync {
    /// The current time, epoch milliseconds.
    fn now_ms(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    }
}
