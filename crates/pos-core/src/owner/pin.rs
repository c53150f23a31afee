//! The owner PIN: stored only as an argon2 hash with a random salt (PHC string) in
//! `owner.toml`, set once on first use, and checked with a throttle so that a cashier cannot
//! try all 10,000 four-digit PINs: after [`FREE_ATTEMPTS`] wrong tries each further one locks
//! the gate for [`PIN_LOCKOUT`], doubling up to a quarter of an hour. Cashier PINs
//! (`crate::counter`) are hashed, checked and throttled by the same functions.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::files::{owner_file, read_table, write_table};
use crate::CoreError;

/// Accepted PIN lengths, in digits.
pub const PIN_LENGTH: (usize, usize) = (4, 8);
/// The first lockout after too many wrong PINs; each further wrong PIN doubles it.
pub const PIN_LOCKOUT: Duration = Duration::from_secs(30);
/// Wrong PINs allowed before the gate locks.
const FREE_ATTEMPTS: u32 = 5;
/// The longest lockout.
const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
const KEY: &str = "pin_hash";

/// Wrong tries of one PIN and the lockout they earned.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    failures: u32,
    locked_until: Option<Instant>,
}

impl Throttle {
    /// Checks `pin` against the PHC string `stored` unless locked, counting a wrong one.
    /// `unreadable` words the error for a stored hash that does not parse.
    pub(crate) fn verify(
        &mut self,
        pin: &str,
        stored: &str,
        now: Instant,
        unreadable: impl FnOnce(String) -> CoreError,
    ) -> Result<(), CoreError> {
        if let Some(until) = self.locked_until.filter(|until| *until > now) {
            return Err(CoreError::PinLocked {
                retry_after_secs: until.duration_since(now).as_secs().max(1),
            });
        }
        let hash = PasswordHash::new(stored)
            .map_err(|e| unreadable(format!("the stored pin hash is unreadable: {e}")))?;
        if Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .is_ok()
        {
            *self = Throttle::default();
            return Ok(());
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures < FREE_ATTEMPTS {
            return Err(CoreError::PinWrong {
                attempts_left: FREE_ATTEMPTS - self.failures,
            });
        }
        let doublings = (self.failures - FREE_ATTEMPTS).min(8);
        let lockout = PIN_LOCKOUT.saturating_mul(1 << doublings).min(MAX_LOCKOUT);
        self.locked_until = Some(now + lockout);
        Err(CoreError::PinLocked {
            retry_after_secs: lockout.as_secs(),
        })
    }
}

/// The salted argon2 hash (PHC string) of a PIN of 4 to 8 digits.
pub(crate) fn hash_pin(pin: &str) -> Result<String, CoreError> {
    check_format(pin)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CoreError::Task(format!("cannot hash the pin: {e}")))
}

/// The owner PIN of one data directory.
#[derive(Debug)]
pub struct OwnerPin {
    file: PathBuf,
    throttle: Mutex<Throttle>,
}

fn check_format(pin: &str) -> Result<(), CoreError> {
    let (min, max) = PIN_LENGTH;
    if pin.len() < min || pin.len() > max || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoreError::PinFormat);
    }
    Ok(())
}

impl OwnerPin {
    /// The PIN kept in `data_dir`.
    pub fn new(data_dir: &Path) -> OwnerPin {
        OwnerPin {
            file: owner_file(data_dir),
            throttle: Mutex::new(Throttle::default()),
        }
    }

    fn stored(&self) -> Result<Option<String>, CoreError> {
        Ok(read_table(&self.file)?
            .get(KEY)
            .and_then(|v| v.as_str())
            .map(str::to_owned))
    }

    /// Whether a PIN has been set (first run: not yet).
    pub fn is_set(&self) -> Result<bool, CoreError> {
        Ok(self.stored()?.is_some())
    }

    /// Sets the first PIN. Refused once one exists, so a cashier cannot replace it.
    pub fn set_first(&self, pin: &str) -> Result<(), CoreError> {
        if self.is_set()? {
            return Err(CoreError::PinAlreadySet);
        }
        self.store(pin)
    }

    /// Replaces the PIN; the current one must be given.
    pub fn change(&self, current: &str, new: &str) -> Result<(), CoreError> {
        check_format(new)?;
        self.verify(current)?;
        self.store(new)
    }

    fn store(&self, pin: &str) -> Result<(), CoreError> {
        let hash = hash_pin(pin)?;
        let mut table = read_table(&self.file)?;
        table.insert(KEY.into(), toml::Value::String(hash));
        write_table(&self.file, &table)
    }

    /// Checks `pin`, counting wrong ones.
    pub fn verify(&self, pin: &str) -> Result<(), CoreError> {
        self.verify_at(pin, Instant::now())
    }

    /// [`OwnerPin::verify`] at a given moment (tests step through the lockout).
    pub fn verify_at(&self, pin: &str, now: Instant) -> Result<(), CoreError> {
        let stored = self.stored()?.ok_or(CoreError::PinNotSet)?;
        let mut throttle = self.throttle.lock().unwrap_or_else(|e| e.into_inner());
        throttle.verify(pin, &stored, now, |reason| CoreError::OwnerFile {
            path: self.file.clone(),
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_pin_is_stored_as_a_salted_argon2_hash_and_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let pin = OwnerPin::new(dir.path());
        assert!(!pin.is_set().unwrap());
        assert!(matches!(pin.verify("1234"), Err(CoreError::PinNotSet)));
        pin.set_first("1234").unwrap();
        let text = std::fs::read_to_string(dir.path().join("owner.toml")).unwrap();
        assert!(text.contains("$argon2id$"), "{text}");
        assert!(!text.contains("1234\""), "{text}");
        pin.verify("1234").unwrap();
        // A second PIN file with the same PIN gets a different salt, hence a different hash.
        let other = tempfile::tempdir().unwrap();
        OwnerPin::new(other.path()).set_first("1234").unwrap();
        let other_text = std::fs::read_to_string(other.path().join("owner.toml")).unwrap();
        assert_ne!(text, other_text);
    }

    #[test]
    fn a_pin_that_is_not_4_to_8_digits_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pin = OwnerPin::new(dir.path());
        for bad in ["", "123", "123456789", "12a4", " 1234"] {
            assert!(
                matches!(pin.set_first(bad), Err(CoreError::PinFormat)),
                "{bad:?}"
            );
        }
        assert!(!pin.is_set().unwrap());
    }

    #[test]
    fn once_set_the_pin_cannot_be_set_again_only_changed_with_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let pin = OwnerPin::new(dir.path());
        pin.set_first("1234").unwrap();
        assert!(matches!(
            pin.set_first("9999"),
            Err(CoreError::PinAlreadySet)
        ));
        assert!(matches!(
            pin.change("0000", "9999"),
            Err(CoreError::PinWrong { .. })
        ));
        pin.change("1234", "9999").unwrap();
        pin.verify("9999").unwrap();
        assert!(matches!(
            pin.verify("1234"),
            Err(CoreError::PinWrong { .. })
        ));
    }

    #[test]
    fn wrong_pins_count_down_then_lock_the_gate_for_a_growing_time() {
        let dir = tempfile::tempdir().unwrap();
        let pin = OwnerPin::new(dir.path());
        pin.set_first("2468").unwrap();
        let start = Instant::now();
        for left in (1..FREE_ATTEMPTS).rev() {
            assert!(matches!(
                pin.verify_at("0000", start),
                Err(CoreError::PinWrong { attempts_left }) if attempts_left == left
            ));
        }
        assert!(matches!(
            pin.verify_at("0000", start),
            Err(CoreError::PinLocked {
                retry_after_secs: 30
            })
        ));
        // Even the right PIN is refused while locked.
        assert!(matches!(
            pin.verify_at("2468", start + Duration::from_secs(10)),
            Err(CoreError::PinLocked {
                retry_after_secs: 20
            })
        ));
        assert!(matches!(
            pin.verify_at("0000", start + Duration::from_secs(31)),
            Err(CoreError::PinLocked {
                retry_after_secs: 60
            })
        ));
        let later = start + Duration::from_secs(92);
        pin.verify_at("2468", later).unwrap();
        assert!(matches!(
            pin.verify_at("0000", later),
            Err(CoreError::PinWrong { attempts_left: 4 })
        ));
    }
}
