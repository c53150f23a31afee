//! Ledger backups: take one (written under a temporary name, verified, then renamed, so a
//! killed backup never looks finished), list and prune them, verify a file, and restore one
//! with the current ledger kept aside. The SQL side (SQLite's backup API, the checks) is
//! `pos-store`'s; this module is the files and the policy.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use pos_store::{LedgerSummary, Store};
use serde::Serialize;

use crate::CoreError;

/// Backup files are `ledger-<UTC time>.sqlite3`; the time in the name orders and prunes them.
const PREFIX: &str = "ledger-";
const SUFFIX: &str = ".sqlite3";
const TIME_FORMAT: &str = "%Y%m%d-%H%M%S%3f";
/// Marks a backup still being written (or one whose writer was killed): never listed as good.
const PARTIAL: &str = ".partial";

/// Where backups go and how long they are kept (`[backup]` in the configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupPolicy {
    /// The folder (e.g. a USB stick); created when missing.
    pub dir: PathBuf,
    /// Backups older than this many days are removed after a new one is written; 0 keeps all.
    pub keep_days: u32,
}

impl BackupPolicy {
    /// Days kept unless configured otherwise.
    pub const DEFAULT_KEEP_DAYS: u32 = 30;

    /// `backups/` beside the ledger, kept [`Self::DEFAULT_KEEP_DAYS`] days.
    pub fn beside(ledger: &Path) -> BackupPolicy {
        BackupPolicy {
            dir: ledger
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join("backups"),
            keep_days: Self::DEFAULT_KEEP_DAYS,
        }
    }
}

/// One finished backup in the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupEntry {
    /// The file.
    pub path: PathBuf,
    /// When it was taken (Unix ms, from its name).
    pub taken_ms: i64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What checking a ledger file found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupCheck {
    /// The file checked.
    pub path: PathBuf,
    /// What it holds, when it could be read at all.
    pub summary: Option<LedgerSummary>,
    /// SQLite's integrity problems, hash-chain problems, or why it cannot be opened.
    pub problems: Vec<String>,
}

impl BackupCheck {
    /// Whether the file is a sound ledger with an intact receipt chain.
    pub fn is_good(&self) -> bool {
        self.problems.is_empty() && self.summary.is_some()
    }
}

/// A backup just written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupMade {
    /// The finished, verified backup.
    pub entry: BackupEntry,
    /// Its check.
    pub check: BackupCheck,
    /// Older backups (and leftovers of killed ones) removed by the retention policy.
    pub removed: Vec<PathBuf>,
}

/// A restore that was carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// Where the ledger as it was before the restore is kept.
    pub aside: PathBuf,
    /// What the ledger held before.
    pub before: LedgerSummary,
    /// What it holds now (the backup's content).
    pub after: LedgerSummary,
    /// What the restore dropped (only with `force`), in words; empty when nothing.
    pub lost: Vec<String>,
}

/// Whether the daily backup is due at `now_ms`: the newest good backup (if any) was taken on
/// an earlier shop day in `tz`. Pure: the caller lists the folder and reads the clock.
pub fn daily_due(newest_ms: Option<i64>, now_ms: i64, tz: chrono_tz::Tz) -> bool {
    newest_ms.is_none_or(|newest| pos_store::shop_day(newest, tz) < pos_store::shop_day(now_ms, tz))
}

/// Checks a ledger file without changing it: opens it read-only, runs SQLite's integrity
/// check and the receipt hash chain.
pub fn verify(path: &Path) -> BackupCheck {
    let mut check = BackupCheck {
        path: path.to_owned(),
        summary: None,
        problems: Vec::new(),
    };
    if !path.is_file() {
        check.problems.push("no such file".to_owned());
        return check;
    }
    let store = match Store::open_read_only(path) {
        Ok(store) => store,
        Err(err) => {
            check.problems.push(err.to_string());
            return check;
        }
    };
    let checked = store.integrity_check().and_then(|integrity| {
        let chain = store.verify_chain()?;
        let summary = store.summary()?;
        Ok((integrity, chain, summary))
    });
    match checked {
        Ok((integrity, chain, summary)) => {
            check.problems.extend(integrity);
            check
                .problems
                .extend(chain.problems.iter().map(ToString::to_string));
            check.summary = Some(summary);
        }
        Err(err) => check.problems.push(err.to_string()),
    }
    check
}

/// Takes a verified backup of the ledger into the policy's folder, then prunes old ones.
pub fn backup_now(
    ledger: &Path,
    policy: &BackupPolicy,
    now: DateTime<Utc>,
) -> Result<BackupMade, CoreError> {
    let store = open_existing(ledger)?;
    std::fs::create_dir_all(&policy.dir).map_err(|e| io_error(&policy.dir, &e))?;
    let name = format!("{PREFIX}{}{SUFFIX}", now.format(TIME_FORMAT));
    let path = policy.dir.join(&name);
    let partial = policy.dir.join(format!("{name}{PARTIAL}"));
    // A leftover with the same name would be overwritten page by page: start from nothing.
    remove_if_present(&partial)?;
    let written = store.backup_to(&partial).map_err(CoreError::from);
    let check = written.map(|()| verify(&partial));
    match check {
        Ok(check) if check.is_good() => {
            std::fs::rename(&partial, &path).map_err(|e| io_error(&path, &e))?;
            let bytes = std::fs::metadata(&path)
                .map_err(|e| io_error(&path, &e))?
                .len();
            let removed = prune(policy, now)?;
            Ok(BackupMade {
                entry: BackupEntry {
                    path: path.clone(),
                    taken_ms: now.timestamp_millis(),
                    bytes,
                },
                check: BackupCheck { path, ..check },
                removed,
            })
        }
        Ok(check) => {
            remove_if_present(&partial)?;
            Err(CoreError::BackupBad {
                path,
                problems: check.problems,
            })
        }
        Err(err) => {
            remove_if_present(&partial)?;
            Err(err)
        }
    }
}

/// The finished backups in the policy's folder, newest first (none when it does not exist).
pub fn list(policy: &BackupPolicy) -> Result<Vec<BackupEntry>, CoreError> {
    let mut entries: Vec<BackupEntry> = files(&policy.dir)?
        .into_iter()
        .filter_map(|(path, name)| {
            let taken_ms = taken_at(name.strip_suffix(SUFFIX)?)?.timestamp_millis();
            let bytes = std::fs::metadata(&path).ok()?.len();
            Some(BackupEntry {
                path,
                taken_ms,
                bytes,
            })
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.taken_ms));
    Ok(entries)
}

/// Replaces the ledger with a backup. The backup is checked first; the current ledger is
/// copied aside (beside it, `ledger-before-restore-<time>.sqlite3`); a backup that lacks
/// receipts or sales the ledger has is refused unless `force`, with what would be lost.
pub fn restore(
    ledger: &Path,
    backup: &Path,
    force: bool,
    now: DateTime<Utc>,
) -> Result<Restored, CoreError> {
    let check = verify(backup);
    let after = match check.summary {
        Some(summary) if check.problems.is_empty() => summary,
        _ => {
            return Err(CoreError::BackupBad {
                path: backup.to_owned(),
                problems: check.problems,
            })
        }
    };
    let mut store = open_existing(ledger)?;
    let before = store.summary()?;
    let lost = losses(&before, &after);
    if !lost.is_empty() && !force {
        return Err(CoreError::RestoreWouldLose { lost });
    }
    let aside = ledger.with_file_name(format!(
        "ledger-before-restore-{}{SUFFIX}",
        now.format(TIME_FORMAT)
    ));
    store.backup_to(&aside)?;
    store.restore_from(backup)?;
    let after = store.summary()?;
    Ok(Restored {
        aside,
        before,
        after,
        lost,
    })
}

/// What the ledger has that the backup does not: receipts per terminal and sales.
fn losses(current: &LedgerSummary, backup: &LedgerSummary) -> Vec<String> {
    let mut lost = Vec::new();
    for (terminal, head) in &current.heads {
        let kept = backup
            .heads
            .iter()
            .find(|(t, _)| t == terminal)
            .map_or(0, |(_, n)| *n);
        if *head > kept {
            lost.push(format!(
                "terminal {terminal}: receipts #{} to #{head} ({} receipt(s))",
                kept + 1,
                head - kept
            ));
        }
    }
    if current.sales > backup.sales {
        lost.push(format!(
            "{} sale(s) recorded after the backup",
            current.sales - backup.sales
        ));
    }
    if let (Some(newest), false) = (current.last_receipt_ms, lost.is_empty()) {
        if let Some(at) = DateTime::<Utc>::from_timestamp_millis(newest) {
            lost.push(format!(
                "the ledger's latest receipt is from {}",
                at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
    }
    lost
}

/// Removes backups older than the policy keeps and leftovers of killed backups.
fn prune(policy: &BackupPolicy, now: DateTime<Utc>) -> Result<Vec<PathBuf>, CoreError> {
    if policy.keep_days == 0 {
        return Ok(Vec::new());
    }
    let cutoff = now - TimeDelta::days(i64::from(policy.keep_days));
    let mut removed = Vec::new();
    for (path, name) in files(&policy.dir)? {
        let stem = name
            .strip_suffix(PARTIAL)
            .unwrap_or(&name)
            .strip_suffix(SUFFIX);
        let old = stem.and_then(taken_at).is_some_and(|at| at < cutoff);
        if old {
            remove_if_present(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// The time in a backup's name stem (`ledger-20261201-223000123`).
fn taken_at(stem: &str) -> Option<DateTime<Utc>> {
    let time = stem.strip_prefix(PREFIX)?;
    NaiveDateTime::parse_from_str(time, TIME_FORMAT)
        .ok()
        .map(|t| t.and_utc())
}

/// The files of a folder with their UTF-8 names (none when the folder does not exist).
fn files(dir: &Path) -> Result<Vec<(PathBuf, String)>, CoreError> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(dir, &e)),
    };
    let mut out = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        if let Ok(name) = entry.file_name().into_string() {
            out.push((entry.path(), name));
        }
    }
    Ok(out)
}

/// Opens the live ledger, refusing to create one: a backup or restore of a mistyped path
/// must not make an empty ledger.
fn open_existing(ledger: &Path) -> Result<Store, CoreError> {
    if !ledger.is_file() {
        return Err(CoreError::Backup {
            path: ledger.to_owned(),
            reason: "no ledger here".to_owned(),
        });
    }
    Ok(Store::open(ledger)?)
}

fn remove_if_present(path: &Path) -> Result<(), CoreError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(path, &e)),
        _ => Ok(()),
    }
}

fn io_error(path: &Path, error: &std::io::Error) -> CoreError {
    CoreError::Backup {
        path: path.to_owned(),
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Epoch ms of a Phnom Penh (UTC+7) wall-clock time on 2026-12-`day`.
    fn pp(day: u32, hour: u32, minute: u32) -> i64 {
        chrono::NaiveDate::from_ymd_opt(2026, 12, day)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .map(|t| (t - TimeDelta::hours(7)).and_utc().timestamp_millis())
            .unwrap_or_default()
    }

    #[test]
    fn the_daily_backup_is_due_once_per_shop_day() {
        let tz = chrono_tz::Asia::Phnom_Penh;
        assert!(daily_due(None, pp(2, 9, 0), tz), "never backed up");
        assert!(!daily_due(Some(pp(2, 0, 5)), pp(2, 23, 59), tz));
        assert!(daily_due(Some(pp(1, 23, 59)), pp(2, 0, 1), tz));
        // 06:00 in Phnom Penh is still the previous UTC day: the shop's day counts.
        assert!(daily_due(Some(pp(1, 22, 0)), pp(2, 6, 0), tz));
        assert!(!daily_due(Some(pp(2, 6, 0)), pp(2, 22, 0), tz));
        // A clock set back behind the newest backup does not ask for another.
        assert!(!daily_due(Some(pp(3, 9, 0)), pp(2, 9, 0), tz));
    }
}
