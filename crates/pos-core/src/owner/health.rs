//! The owner's view of the Bakong connection: whether checks get through, the token's
//! expiry, the day's check budget, and what a manual "re-check now" would spend of it.

use serde::Serialize;

use super::{unresolved_count, TokenStatus};
use crate::{BackupStatus, CannotVerifyReason, CoreError, Pos, Verification};

/// The Bakong connection for the owner's health panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OwnerHealth {
    /// `demo`, `sit`, `production`, `custom`.
    pub environment: String,
    /// Whether the last checks got through (or nothing needed checking).
    pub reachable: bool,
    /// Bakong refuses this network (outside Cambodia).
    pub region_blocked: bool,
    /// The token, described.
    pub token: TokenStatus,
    /// Checks spent today.
    pub checks_used_today: u32,
    /// Today's budget.
    pub check_budget: u32,
    /// The last error since Bakong last answered, if any (never the token).
    pub last_error: Option<String>,
    /// When it happened (epoch ms).
    pub last_error_at_ms: Option<i64>,
    /// Sales still waiting for payment.
    pub pending_sales: u32,
    /// The ledger's backups: the newest good one and how the last automatic one went.
    pub backup: BackupStatus,
}

/// What a manual recheck would spend, shown before the owner confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecheckPreview {
    /// Unresolved sales (pending, or closed but still watched for a late payment): at most
    /// one check each.
    pub checks_needed: u32,
    /// Checks left in today's budget.
    pub checks_left: u32,
    /// Checks spent today.
    pub checks_used: u32,
    /// Today's budget.
    pub budget: u32,
}

/// `(reachable, region_blocked)`: a spent quota or a refused token still reached Bakong;
/// no connection, no answer, a server fault or a region block did not.
fn reachability(verification: &Verification) -> (bool, bool) {
    match verification {
        Verification::CannotVerify { reason, .. } => (
            !matches!(
                reason,
                CannotVerifyReason::Network
                    | CannotVerifyReason::Timeout
                    | CannotVerifyReason::Server
                    | CannotVerifyReason::Region
            ),
            *reason == CannotVerifyReason::Region,
        ),
        Verification::Idle | Verification::Watching { .. } | Verification::Checking { .. } => {
            (true, false)
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The connection's health.
pub async fn health(pos: &Pos) -> Result<OwnerHealth, CoreError> {
    let health = pos.health().await?;
    let (reachable, region_blocked) = reachability(&health.verification);
    Ok(OwnerHealth {
        environment: health.environment,
        reachable,
        region_blocked,
        token: TokenStatus::of(pos.config())?,
        checks_used_today: health.checks_used_today,
        check_budget: health.check_budget,
        last_error: health.last_error,
        last_error_at_ms: health.last_error_at_ms,
        pending_sales: count(health.pending_sales),
        backup: pos.backup_status().await,
    })
}

/// How many checks "re-check now" would spend, and how many are left today.
pub async fn recheck_preview(pos: &Pos) -> Result<RecheckPreview, CoreError> {
    let health = pos.health().await?;
    Ok(RecheckPreview {
        checks_needed: count(unresolved_count(pos).await?),
        checks_left: health.check_budget.saturating_sub(health.checks_used_today),
        checks_used: health.checks_used_today,
        budget: health.check_budget,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_to_reach_bakong_count_as_unreachable() {
        use CannotVerifyReason as R;
        let cases = [
            (R::Network, (false, false)),
            (R::Timeout, (false, false)),
            (R::Server, (false, false)),
            (R::Region, (false, true)),
            (R::RateLimited, (true, false)),
            (R::Quota, (true, false)),
            (R::Budget, (true, false)),
            (R::Token, (true, false)),
        ];
        for (reason, expected) in cases {
            let state = Verification::CannotVerify {
                reason,
                message: String::new(),
                retry_at_ms: None,
            };
            assert_eq!(reachability(&state), expected, "{reason:?}");
        }
        assert_eq!(reachability(&Verification::Idle), (true, false));
    }
}
