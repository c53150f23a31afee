//! Replacing a small private file atomically: write a temporary file beside it (mode 0600 on
//! Unix), sync it, rename it over the old one. A crash mid-save leaves the old or the new file,
//! never half of one, and no copy readable by other users (these files hold the Bakong token,
//! the PIN hash and the shop's configuration).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes`, creating its directory if needed.
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
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
        // Best effort: a stray temporary file must not keep a copy of a credential.
        let _ = std::fs::remove_file(&temp);
    }
    result
}
