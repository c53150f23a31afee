//! The Bakong token at rest: in the OS keyring where one answers (Secret Service on Linux,
//! Credential Manager on Windows), else in the private token file (mode 0600). Either way the
//! token file's path names the token: with the keyring it holds only [`KEYRING_MARKER`], so
//! "is a token saved" and the environment chosen at start (see `Config::load`) read the same
//! file in both cases. Writes are atomic (a temporary file, sync, rename) because renewal may
//! revoke the old token and a half-written file would leave the shop with none.

use std::path::Path;

use pos_bakong::Token;
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// The token file's whole content when the token itself is in the OS keyring.
const KEYRING_MARKER: &str = "khqr-pos: the token is in the OS keyring";
/// The keyring's service name; the account is the token file's path, so two data
/// directories on one PC keep two tokens.
const KEYRING_SERVICE: &str = "khqr-pos";

/// Where a saved token is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenStore {
    /// The OS keyring.
    Keyring,
    /// The private token file (no keyring answered when it was saved).
    File,
}

/// A secret store keyed by account, as the token needs one: the OS keyring in the app, an
/// in-memory map in tests. An `Err` means the store does not answer (no Secret Service, a
/// locked collection…), and the token file is used instead.
pub trait Keyring: Send + Sync {
    /// The secret saved for `account`, `Ok(None)` when there is none.
    fn get(&self, account: &str) -> Result<Option<String>, String>;
    /// Saves `secret` for `account`, replacing any previous one.
    fn set(&self, account: &str, secret: &str) -> Result<(), String>;
}

/// The OS keyring through the `keyring` crate.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeyring;

impl Keyring for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<String>, String> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        keyring::Entry::new(KEYRING_SERVICE, account)
            .and_then(|entry| entry.set_password(secret))
            .map_err(|e| e.to_string())
    }
}

fn account(path: &Path) -> String {
    path.display().to_string()
}

/// Reads the token (from the keyring when the file says so); `Ok(None)` when no token is
/// saved (no file, or an empty one).
pub fn read(path: &Path) -> Result<Option<Token>, CoreError> {
    read_with(path, &OsKeyring)
}

/// Replaces the token, in the OS keyring when one answers, else in the file; says where.
pub fn write(path: &Path, token: &Token) -> Result<TokenStore, CoreError> {
    write_with(path, token, &OsKeyring)
}

/// Where the saved token is, without reading it; `None` when none is saved.
pub fn store_of(path: &Path) -> Result<Option<TokenStore>, CoreError> {
    Ok(read_file(path)?.map(|text| {
        if text.trim() == KEYRING_MARKER {
            TokenStore::Keyring
        } else {
            TokenStore::File
        }
    }))
}

/// [`read`] with a given keyring.
pub fn read_with(path: &Path, keyring: &dyn Keyring) -> Result<Option<Token>, CoreError> {
    let Some(text) = read_file(path)? else {
        return Ok(None);
    };
    if text.trim() != KEYRING_MARKER {
        return Ok(Some(Token::new(text)));
    }
    let failed = |reason: String| CoreError::TokenFile {
        path: path.to_owned(),
        reason,
    };
    match keyring.get(&account(path)) {
        Ok(Some(secret)) if !secret.trim().is_empty() => Ok(Some(Token::new(secret))),
        Ok(_) => Err(failed(
            "the OS keyring has no token for this shop: paste the token again".into(),
        )),
        Err(e) => Err(failed(format!(
            "the token is in the OS keyring, which does not answer ({e}): unlock it, or paste the token again"
        ))),
    }
}

/// Writes to `file` what the token file `path` will hold once `file` is renamed to it (first-run
/// setup stages it so); the keyring entry is named by `path` at once.
pub(crate) fn write_as(file: &Path, path: &Path, token: &Token) -> Result<TokenStore, CoreError> {
    write_file_as(file, path, token, &OsKeyring)
}

/// [`write`] with a given keyring.
pub fn write_with(
    path: &Path,
    token: &Token,
    keyring: &dyn Keyring,
) -> Result<TokenStore, CoreError> {
    write_file_as(path, path, token, keyring)
}

fn write_file_as(
    file: &Path,
    path: &Path,
    token: &Token,
    keyring: &dyn Keyring,
) -> Result<TokenStore, CoreError> {
    let (store, body) = match keyring.set(&account(path), token.expose()) {
        Ok(()) => (TokenStore::Keyring, KEYRING_MARKER),
        Err(error) => {
            tracing::info!(%error, "no OS keyring answered: the token goes to the private file");
            (TokenStore::File, token.expose())
        }
    };
    let mut bytes = body.as_bytes().to_vec();
    bytes.push(b'\n');
    crate::private_file::replace(file, &bytes).map_err(|e| CoreError::TokenFile {
        path: file.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(store)
}

/// The file's text; `None` when it does not exist or is blank.
fn read_file(path: &Path) -> Result<Option<String>, CoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(None),
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CoreError::TokenFile {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// A keyring that answers from memory, or refuses like a machine without one.
    #[derive(Default)]
    struct Memory {
        entries: Mutex<HashMap<String, String>>,
        down: bool,
    }

    impl Keyring for Memory {
        fn get(&self, account: &str) -> Result<Option<String>, String> {
            if self.down {
                return Err("no secret service".into());
            }
            Ok(self.entries.lock().unwrap().get(account).cloned())
        }

        fn set(&self, account: &str, secret: &str) -> Result<(), String> {
            if self.down {
                return Err("no secret service".into());
            }
            self.entries
                .lock()
                .unwrap()
                .insert(account.to_owned(), secret.to_owned());
            Ok(())
        }
    }

    fn down() -> Memory {
        Memory {
            down: true,
            ..Memory::default()
        }
    }

    #[test]
    fn without_a_keyring_the_token_replaces_the_file_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("bakong-token");
        assert_eq!(read_with(&path, &down()).unwrap(), None);
        assert_eq!(store_of(&path).unwrap(), None);
        write_with(&path, &Token::new("first"), &down()).unwrap();
        let store = write_with(&path, &Token::new("second"), &down()).unwrap();
        assert_eq!(store, TokenStore::File);
        assert_eq!(store_of(&path).unwrap(), Some(TokenStore::File));
        assert_eq!(
            read_with(&path, &down()).unwrap(),
            Some(Token::new("second"))
        );
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn with_a_keyring_the_file_holds_only_the_marker() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bakong-token");
        let keyring = Memory::default();
        let store = write_with(&path, &Token::new("s3cret-jwt"), &keyring).unwrap();
        assert_eq!(store, TokenStore::Keyring);
        assert_eq!(store_of(&path).unwrap(), Some(TokenStore::Keyring));
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(!on_disk.contains("s3cret-jwt"), "{on_disk}");
        assert_eq!(
            read_with(&path, &keyring).unwrap(),
            Some(Token::new("s3cret-jwt"))
        );
        // The keyring stops answering (locked, service gone): a clear error, not "no token".
        let err = read_with(&path, &down()).unwrap_err();
        assert!(err.to_string().contains("keyring"), "{err}");
        // A keyring that lost the entry says so too.
        let err = read_with(&path, &Memory::default()).unwrap_err();
        assert!(err.to_string().contains("paste the token again"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn the_token_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bakong-token");
        write_with(&path, &Token::new("secret"), &down()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
