//! CSV export of the owner's sale list to a file: UTF-8 with a byte order mark (so
//! spreadsheets read Khmer), named after the terminal and the days it covers, synced to disk
//! before the owner is told where it is.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::views::SalesQuery;
use crate::{Config, CoreError, Pos};

/// Where CSV exports go instead of the user's Downloads folder (tests, kiosk setups).
pub const ENV_EXPORT_DIR: &str = "KHQR_POS_EXPORT_DIR";

/// Where a CSV export was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    /// The file.
    pub path: String,
    /// Sales written.
    pub rows: u64,
}

/// The folder exports go to: `KHQR_POS_EXPORT_DIR`, else Downloads, else Documents, else the
/// data directory.
pub fn export_dir(config: &Config) -> PathBuf {
    if let Some(dir) = std::env::var_os(ENV_EXPORT_DIR) {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|d| {
            d.download_dir()
                .or_else(|| d.document_dir())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| config.data_dir.clone())
}

/// `khqr-pos-<terminal>-<day>.csv`, or `…-<from>_<to>.csv` for a range.
fn file_name(terminal: &str, from: &str, to: &str) -> String {
    if from == to {
        format!("khqr-pos-{terminal}-{from}.csv")
    } else {
        format!("khqr-pos-{terminal}-{from}_{to}.csv")
    }
}

/// Writes the sales `query` matches into `dir` (default days: today, shop time) and says
/// where.
pub async fn export_csv(
    pos: &Pos,
    query: SalesQuery,
    dir: &Path,
) -> Result<ExportResult, CoreError> {
    let config = pos.config();
    let today = chrono::DateTime::from_timestamp_millis(pos.ledger().now_ms())
        .unwrap_or_default()
        .with_timezone(&config.time_zone)
        .format("%Y-%m-%d")
        .to_string();
    let from = query.from.clone().unwrap_or(today);
    let to = query.to.clone().unwrap_or_else(|| from.clone());
    let path = dir.join(file_name(&config.terminal_id, &from, &to));
    let failed = |e: std::io::Error| CoreError::ExportFailed {
        path: path.clone(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let file = std::fs::File::create(&path).map_err(failed)?;
    let (rows, mut writer) = pos
        .export_csv(query, true, std::io::BufWriter::new(file))
        .await?;
    writer.flush().map_err(failed)?;
    writer.get_ref().sync_all().map_err(failed)?;
    Ok(ExportResult {
        path: path.display().to_string(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_and_a_range_name_their_files_apart() {
        assert_eq!(
            file_name("T1", "2026-05-01", "2026-05-01"),
            "khqr-pos-T1-2026-05-01.csv"
        );
        assert_eq!(
            file_name("T1", "2026-05-01", "2026-05-03"),
            "khqr-pos-T1-2026-05-01_2026-05-03.csv"
        );
    }
}
