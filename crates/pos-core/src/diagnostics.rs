//! "Export diagnostics": one zip for support with the configuration (which has no secret
//! field: the token stays in its file or the keyring), versions, the ledger's check, the
//! backups, the token's status (expiry and store, never the token), the live health when a
//! POS is running, and the last days of logs. The logs never hold the token (see
//! [`crate::logs`]); as a second guard every text entry is scrubbed of the saved token before
//! it is zipped. PINs exist only as argon2 hashes, and the hash files are not included.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use zip::write::SimpleFileOptions;

use crate::backup;
use crate::owner::TokenStatus;
use crate::{logs, token_file, Config, CoreError, Pos};

/// Days of logs a bundle carries unless asked otherwise.
pub const DEFAULT_LOG_DAYS: u32 = 7;
/// Backups listed in a bundle (the newest).
const BACKUPS_LISTED: usize = 20;
/// What replaces the token, should it ever appear in a file.
const SCRUBBED: &str = "[bakong token removed]";

/// A diagnostics bundle written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticsExport {
    /// The zip file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The files inside, in order.
    pub entries: Vec<String>,
}

#[derive(Serialize)]
struct Versions {
    app: &'static str,
    os: &'static str,
    arch: &'static str,
    ledger_schema: i64,
    written_at_ms: i64,
}

/// `khqr-pos-diagnostics-<terminal>-<UTC time>.zip` in `dir`.
pub fn default_file(config: &Config, dir: &Path, now_ms: i64) -> PathBuf {
    let at = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    dir.join(format!(
        "khqr-pos-diagnostics-{}-{}.zip",
        config.terminal_id,
        at.format("%Y%m%d-%H%M%S")
    ))
}

/// Writes the bundle to `out` (through a temporary name, so a half-written zip is never
/// left under it). `health` is the running POS's health as JSON, when there is one.
pub fn export(
    config: &Config,
    health: Option<serde_json::Value>,
    out: &Path,
    now_ms: i64,
    log_days: u32,
) -> Result<DiagnosticsExport, CoreError> {
    let failed = |reason: String| CoreError::ExportFailed {
        path: out.to_owned(),
        reason,
    };
    // Every known secret: the token (and its signature alone, should a log cut it).
    let secrets: Vec<String> = match token_file::read(&config.bakong.token_file) {
        Ok(Some(token)) => {
            let token = token.expose().trim().to_owned();
            let signature = token.rsplit('.').next().unwrap_or_default().to_owned();
            [token, signature]
                .into_iter()
                .filter(|s| s.len() >= 16)
                .collect()
        }
        _ => Vec::new(),
    };
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let mut json = |name: &str, value: &dyn erased::Json| -> Result<(), CoreError> {
        entries.push((name.to_owned(), value.pretty()?));
        Ok(())
    };
    json(
        "versions.json",
        &Versions {
            app: env!("CARGO_PKG_VERSION"),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            ledger_schema: pos_store::SCHEMA_VERSION,
            written_at_ms: now_ms,
        },
    )?;
    json("config.json", config)?;
    json(
        "token.json",
        &TokenStatus::of(config).map_err(|e| e.to_string()),
    )?;
    json("ledger.json", &backup::verify(&config.ledger_path()))?;
    let listed = backup::list(&config.backup).map(|mut all| {
        all.truncate(BACKUPS_LISTED);
        all
    });
    json(
        "backups.json",
        &serde_json::json!({
            "policy": config.backup,
            "newest": listed.map_err(|e| e.to_string()),
        }),
    )?;
    if let Some(health) = &health {
        json("health.json", health)?;
    }
    for (name, bytes) in recent_logs(&config.data_dir, now_ms, log_days)? {
        entries.push((format!("logs/{name}"), bytes));
    }

    let partial = out.with_extension("zip.partial");
    let written = write_zip(&partial, &entries, &secrets).and_then(|()| {
        std::fs::rename(&partial, out)?;
        std::fs::metadata(out).map(|m| m.len())
    });
    match written {
        Ok(bytes) => Ok(DiagnosticsExport {
            path: out.display().to_string(),
            bytes,
            entries: entries.into_iter().map(|(name, _)| name).collect(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(failed(e.to_string()))
        }
    }
}

/// The log files changed within `days` days before `now_ms`, by name.
fn recent_logs(
    data_dir: &Path,
    now_ms: i64,
    days: u32,
) -> Result<Vec<(String, Vec<u8>)>, CoreError> {
    let dir = logs::log_dir(data_dir);
    let failed = |e: std::io::Error| CoreError::ExportFailed {
        path: dir.clone(),
        reason: e.to_string(),
    };
    let read = match std::fs::read_dir(&dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(failed(e)),
    };
    let since = now_ms.saturating_sub(i64::from(days).saturating_mul(86_400_000));
    let mut out = Vec::new();
    for entry in read {
        let entry = entry.map_err(failed)?;
        let meta = entry.metadata().map_err(failed)?;
        let modified_ms = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_millis()).ok());
        let recent = modified_ms.is_some_and(|m| m >= since);
        if let (true, true, Ok(name)) = (meta.is_file(), recent, entry.file_name().into_string()) {
            out.push((name, std::fs::read(entry.path()).map_err(failed)?));
        }
    }
    out.sort();
    Ok(out)
}

fn write_zip(
    path: &Path,
    entries: &[(String, Vec<u8>)],
    secrets: &[String],
) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(&scrub(bytes, secrets))?;
    }
    let file = zip.finish().map_err(std::io::Error::other)?;
    file.sync_all()
}

/// `bytes` with every secret replaced.
fn scrub(bytes: &[u8], secrets: &[String]) -> Vec<u8> {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    for secret in secrets {
        text = text.replace(secret.as_str(), SCRUBBED);
    }
    text.into_bytes()
}

/// JSON entries of different types in one list.
mod erased {
    use crate::CoreError;

    pub trait Json {
        fn pretty(&self) -> Result<Vec<u8>, CoreError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Result<Vec<u8>, CoreError> {
            serde_json::to_vec_pretty(self).map_err(|e| CoreError::Task(e.to_string()))
        }
    }
}

impl Pos {
    /// The diagnostics bundle of this running POS (with its live health), written into the
    /// folder `dir` under [`default_file`]'s name.
    pub async fn export_diagnostics(&self, dir: &Path) -> Result<DiagnosticsExport, CoreError> {
        let health = crate::owner::health(self).await?;
        let health = serde_json::to_value(health).map_err(|e| CoreError::Task(e.to_string()))?;
        let config = self.config().clone();
        let now = self.now_ms();
        let out = default_file(&config, dir, now);
        tokio::task::spawn_blocking(move || {
            export(&config, Some(health), &out, now, DEFAULT_LOG_DAYS)
        })
        .await
        .map_err(|e| CoreError::Task(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_is_scrubbed() {
        let secrets = vec!["eyJhbGciOi.payload.signature123456".to_owned()];
        let out = scrub(b"a eyJhbGciOi.payload.signature123456 b", &secrets);
        assert_eq!(String::from_utf8(out).unwrap(), format!("a {SCRUBBED} b"));
    }
}
