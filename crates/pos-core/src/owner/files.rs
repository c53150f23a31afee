//! Small files the owner side keeps in the data directory (`owner.toml`: the PIN hash, the
//! language), and the atomic replace they and the configuration file are saved with: a crash
//! mid-save must leave either the old or the new file, never half of one.

use std::io::Write;
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

/// Writes a temporary file beside `path`, syncs it, and renames it over `path`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir).map_err(|e| failed(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "owner".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(|e| failed(path, e))
}
