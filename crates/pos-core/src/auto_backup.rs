//! Automatic backups: one after every shift close, and one a day from a background task that
//! looks every [`CHECK_EVERY`] whether today's is still missing ([`backup::daily_due`]). The
//! files and their checks are [`backup`]'s; this module decides when, and remembers how the
//! last attempt went for the owner's health panel. A failed backup is logged and shown there,
//! never returned to a sale or a shift close: the shop keeps selling.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::backup::{self, BackupMade, BackupPolicy};
use crate::clock::Clock;
use crate::{Config, CoreError, Pos};

/// How often the background task looks whether today's backup is missing.
const CHECK_EVERY: Duration = Duration::from_secs(10 * 60);

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BackupTrigger {
    /// The first of the shop day.
    Daily,
    /// A shift was closed.
    ShiftClose,
}

/// How the last automatic backup went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupAttempt {
    /// When (epoch ms).
    pub at_ms: i64,
    /// Why.
    pub trigger: BackupTrigger,
    /// Written and verified.
    pub ok: bool,
    /// Why not, when it failed.
    pub error: Option<String>,
}

/// Backups for the owner's health panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    /// The folder.
    pub dir: String,
    /// Days kept (0: all).
    pub keep_days: u32,
    /// When the newest verified backup in the folder was taken (epoch ms).
    pub last_good_ms: Option<i64>,
    /// The last automatic attempt of this run, good or not.
    pub last_attempt: Option<BackupAttempt>,
}

/// The automatic backups of one POS: what to back up, where, and how the last one went.
#[derive(Debug)]
pub(crate) struct AutoBackup {
    ledger: PathBuf,
    policy: BackupPolicy,
    tz: chrono_tz::Tz,
    clock: Arc<dyn Clock>,
    last: Mutex<Option<BackupAttempt>>,
    /// One backup at a time: the daily one and a shift close's may meet.
    running: tokio::sync::Mutex<()>,
}

impl AutoBackup {
    pub(crate) fn new(config: &Config, clock: Arc<dyn Clock>) -> AutoBackup {
        AutoBackup {
            ledger: config.ledger_path(),
            policy: config.backup.clone(),
            tz: config.time_zone,
            clock,
            last: Mutex::new(None),
            running: tokio::sync::Mutex::new(()),
        }
    }

    /// Takes a backup now and records the outcome; a failure is logged, not returned.
    pub(crate) async fn run(&self, trigger: BackupTrigger) -> Option<BackupMade> {
        let _one = self.running.lock().await;
        self.run_locked(trigger).await
    }

    async fn run_locked(&self, trigger: BackupTrigger) -> Option<BackupMade> {
        let at_ms = self.clock.now_ms();
        let (ledger, policy) = (self.ledger.clone(), self.policy.clone());
        let now = chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default();
        let made = tokio::task::spawn_blocking(move || backup::backup_now(&ledger, &policy, now))
            .await
            .map_err(|e| CoreError::Backup {
                path: self.policy.dir.clone(),
                reason: e.to_string(),
            })
            .and_then(|made| made);
        let error = match &made {
            Ok(made) => {
                tracing::info!(?trigger, path = %made.entry.path.display(), bytes = made.entry.bytes, removed = made.removed.len(), "ledger backed up and verified");
                None
            }
            Err(error) => {
                tracing::error!(?trigger, dir = %self.policy.dir.display(), %error, "automatic ledger backup failed");
                Some(error.to_string())
            }
        };
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(BackupAttempt {
            at_ms,
            trigger,
            ok: error.is_none(),
            error,
        });
        made.ok()
    }

    /// Takes the day's backup when none was taken yet this shop day.
    pub(crate) async fn daily(&self) -> Option<BackupMade> {
        let _one = self.running.lock().await;
        let newest = self.newest_good().await;
        if backup::daily_due(newest, self.clock.now_ms(), self.tz) {
            self.run_locked(BackupTrigger::Daily).await
        } else {
            None
        }
    }

    /// When the newest finished backup in the folder was taken; `None` also when the folder
    /// cannot be read (the next attempt then says why).
    async fn newest_good(&self) -> Option<i64> {
        let policy = self.policy.clone();
        tokio::task::spawn_blocking(move || backup::list(&policy))
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|entries| entries.first().map(|e| e.taken_ms))
    }

    pub(crate) async fn status(&self) -> BackupStatus {
        BackupStatus {
            dir: self.policy.dir.display().to_string(),
            keep_days: self.policy.keep_days,
            last_good_ms: self.newest_good().await,
            last_attempt: self.last.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }
}

/// The background task of the daily backup; stops when dropped.
#[derive(Debug)]
pub(crate) struct DailyBackups(tokio::task::JoinHandle<()>);

impl DailyBackups {
    pub(crate) fn spawn(backups: Arc<AutoBackup>) -> DailyBackups {
        DailyBackups(tokio::spawn(async move {
            loop {
                backups.daily().await;
                tokio::time::sleep(CHECK_EVERY).await;
            }
        }))
    }
}

impl Drop for DailyBackups {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Pos {
    /// Takes the day's backup if none was taken yet this shop day (what the background task
    /// does every ten minutes while automatic backups are on); `None` when not due or when
    /// it failed (then [`Pos::backup_status`] says why).
    pub async fn backup_if_due(&self) -> Option<BackupMade> {
        self.backups().daily().await
    }

    /// The backup folder, the newest good backup and how the last automatic one went.
    pub async fn backup_status(&self) -> BackupStatus {
        self.backups().status().await
    }

    /// After a shift close: a backup whose failure is reported, never returned.
    pub(crate) async fn backup_after_close(&self) {
        self.backups().run(BackupTrigger::ShiftClose).await;
    }
}
