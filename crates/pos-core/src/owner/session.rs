//! The gate in front of the owner area: the PIN (with its throttle) opens it, the owner or
//! [`IDLE_LOCK`] without an owner action closes it, so a counter left open does not stay
//! open. [`OwnerSession`] is the pure timing; [`OwnerGate`] is what an app keeps for its
//! lifetime (one per app, so the PIN throttle holds across commands).

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{OwnerPin, Settings, TokenStatus};
use crate::{Config, CoreError};

/// The owner area closes itself after this long without an owner action.
pub const IDLE_LOCK: Duration = Duration::from_secs(10 * 60);

/// Whether the owner area is open; the caller says what time it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnerSession {
    last_use: Option<Instant>,
}

impl OwnerSession {
    /// Opens the area (the PIN was given) at `now`.
    pub fn open(&mut self, now: Instant) {
        self.last_use = Some(now);
    }

    /// Closes the area.
    pub fn close(&mut self) {
        self.last_use = None;
    }

    /// Whether the area is open at `now`; if it is, this use keeps it open another
    /// [`IDLE_LOCK`], and if it idled too long it is closed from now on.
    pub fn touch(&mut self, now: Instant) -> bool {
        match self.last_use {
            Some(last) if now.saturating_duration_since(last) < IDLE_LOCK => {
                self.last_use = Some(now);
                true
            }
            _ => {
                self.last_use = None;
                false
            }
        }
    }
}

/// What the counter screen may know about the owner side without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OwnerStatus {
    /// Whether an owner PIN exists (first run: set one).
    pub pin_set: bool,
    /// Whether the owner area is open now.
    pub unlocked: bool,
    /// The owner's chosen language, `en` or `km`.
    pub language: String,
    /// The token, described (never the token itself).
    pub token: TokenStatus,
}

/// The owner gate of a running app: the PIN of its data directory and the session.
#[derive(Debug, Default)]
pub struct OwnerGate {
    pin: OnceLock<OwnerPin>,
    session: Mutex<OwnerSession>,
}

impl OwnerGate {
    /// A closed gate.
    pub fn new() -> OwnerGate {
        OwnerGate::default()
    }

    /// The PIN of the data directory (settings never move it, so the first one stays right).
    fn pin(&self, config: &Config) -> &OwnerPin {
        self.pin.get_or_init(|| OwnerPin::new(&config.data_dir))
    }

    fn session(&self) -> MutexGuard<'_, OwnerSession> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a PIN is set and the area open, the language and the token's state.
    pub fn status(&self, config: &Config) -> Result<OwnerStatus, CoreError> {
        Ok(OwnerStatus {
            pin_set: self.pin(config).is_set()?,
            unlocked: self.session().touch(Instant::now()),
            language: Settings::load(config)?.language,
            token: TokenStatus::of(config)?,
        })
    }

    /// First run: sets the PIN and opens the area.
    pub fn set_first(&self, config: &Config, pin: &str) -> Result<(), CoreError> {
        self.pin(config).set_first(pin)?;
        self.session().open(Instant::now());
        Ok(())
    }

    /// Opens the area with the PIN (throttled).
    pub fn unlock(&self, config: &Config, pin: &str) -> Result<(), CoreError> {
        self.pin(config).verify(pin)?;
        self.session().open(Instant::now());
        Ok(())
    }

    /// Closes the area.
    pub fn lock(&self) {
        self.session().close();
    }

    /// Replaces the PIN; the current one is asked again even inside an open area.
    pub fn change_pin(&self, config: &Config, current: &str, new: &str) -> Result<(), CoreError> {
        self.pin(config).change(current, new)
    }

    /// Every owner action but the gate's own: refused with [`CoreError::OwnerLocked`] unless
    /// the area is open, which it then stays for another [`IDLE_LOCK`].
    pub fn require_open(&self) -> Result<(), CoreError> {
        if self.session().touch(Instant::now()) {
            Ok(())
        } else {
            Err(CoreError::OwnerLocked)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_stays_open_while_used_and_closes_after_idling() {
        let start = Instant::now();
        let mut session = OwnerSession::default();
        assert!(!session.touch(start), "closed until opened");
        session.open(start);
        let almost = start + IDLE_LOCK - Duration::from_secs(1);
        assert!(session.touch(almost));
        // Each use restarts the idle time.
        assert!(session.touch(almost + IDLE_LOCK - Duration::from_secs(1)));
        assert!(!session.touch(almost + IDLE_LOCK * 2));
        // Once idled out it stays closed, even if touched again at once.
        assert!(!session.touch(almost + IDLE_LOCK * 2));
        session.open(start);
        session.close();
        assert!(!session.touch(start));
    }

    #[test]
    fn the_gate_opens_only_with_the_pin_and_closes_on_lock() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::demo(dir.path()).unwrap();
        let gate = OwnerGate::new();
        assert!(matches!(gate.require_open(), Err(CoreError::OwnerLocked)));
        let status = gate.status(&config).unwrap();
        assert!(!status.pin_set && !status.unlocked);
        gate.set_first(&config, "2580").unwrap();
        gate.require_open().unwrap();
        gate.lock();
        assert!(matches!(gate.require_open(), Err(CoreError::OwnerLocked)));
        assert!(matches!(
            gate.unlock(&config, "0000"),
            Err(CoreError::PinWrong { attempts_left: 4 })
        ));
        assert!(matches!(gate.require_open(), Err(CoreError::OwnerLocked)));
        gate.unlock(&config, "2580").unwrap();
        let status = gate.status(&config).unwrap();
        assert!(status.pin_set && status.unlocked);
    }
}
