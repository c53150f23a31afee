//! Small files the owner side keeps in the data directory (`owner.toml`: the PIN hash, the
//! language), and the atomic replace they and the configuration file are saved with: a crash
//! mid-save must leave either the old or the new file, never half of one.

use std::path::{Path, PathBuf};

use crate::CoreError;

/// The owner's own file beside the ledger.
pub(crate) fn owner_file(data_dir: &Path) -> PathBuf {
    data_dir.join("owner.toml")
}

fn failed(path: &Path, e: impl std::fmt::Display) -> CoreError {
    CoreError::OwnerFile {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Reads a TOML file as a table; a missing file is an empty table.
pub(crate) fn read_table(path: &Path) -> Result<toml::Table, CoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => text.parse::<toml::Table>().map_err(|e| failed(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(e) => Err(failed(path, e)),
    }
}

/// Replaces `path` with `table` atomically, readable by the shop's user only (it may hold
/// the PIN hash).
pub(crate) fn write_table(path: &Path, table: &toml::Table) -> Result<(), CoreError> {
    let text = toml::to_string(table).map_err(|e| failed(path, e))?;
    write_atomic(path, text.as_bytes())
}

/// Replaces `path` with `bytes` atomically, readable by the shop's user only.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    crate::private_file::replace(path, bytes).map_err(|e| failed(path, e))
}
