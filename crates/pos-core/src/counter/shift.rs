//! Shifts at this terminal: open with the counted float, cash in and out with a reason, the
//! X report at any time, and the close: counted against expected, the variance (a reason
//! above the shop's threshold) and the Z report, issued in the same transaction.

use std::io::Write;
use std::path::{Path, PathBuf};

use pos_cash::PerCurrency;
use pos_domain::{Currency, Money};
use pos_store::{Actor, CashMovement, Shift, ZReport};

use super::{cash_typed, counted, CloseShiftRequest, CountPreview, MovementRequest, ShiftView};
use crate::{CoreError, Pos};

/// Amounts typed per currency.
fn per_currency(khr: &str, usd: &str) -> Result<PerCurrency, CoreError> {
    Ok(PerCurrency::new(
        cash_typed(khr, Currency::Khr)?.minor,
        cash_typed(usd, Currency::Usd)?.minor,
    ))
}

impl Pos {
    /// Opens a shift on this terminal for `actor` with the counted opening float (riel and
    /// dollars as typed). Refused when one is open already.
    pub async fn open_shift(
        &self,
        actor: Actor,
        float_khr: &str,
        float_usd: &str,
    ) -> Result<ShiftView, CoreError> {
        self.check_enabled(actor).await?;
        let opening = per_currency(float_khr, float_usd)?;
        let terminal_id = self.config().terminal_id.clone();
        let now = self.now_ms();
        let shift = self
            .store()
            .run(move |s| s.open_shift(&terminal_id, actor, now, opening))
            .await?;
        self.kick_drawer("shift opened");
        self.shift_view(shift).await
    }

    /// The open shift with its X report (read-only), or `None` when no shift is open.
    pub async fn shift_status(&self) -> Result<Option<ShiftView>, CoreError> {
        let terminal_id = self.config().terminal_id.clone();
        let open = self
            .store()
            .run(move |s| s.open_shift_on(&terminal_id))
            .await?;
        match open {
            Some(shift) => Ok(Some(self.shift_view(shift).await?)),
            None => Ok(None),
        }
    }

    /// The X report of the open shift; refused when none is open.
    pub async fn x_report(&self) -> Result<ShiftView, CoreError> {
        let shift = self.open_shift_here().await?;
        self.shift_view(shift).await
    }

    async fn shift_view(&self, shift: Shift) -> Result<ShiftView, CoreError> {
        let id = shift.id;
        let totals = self.store().run(move |s| s.shift_totals(id)).await?;
        let tz = self.config().time_zone;
        let from_earlier_day =
            pos_store::shop_day(shift.opened_ms, tz) < pos_store::shop_day(self.now_ms(), tz);
        Ok(ShiftView {
            expected: totals.expected()?,
            shift,
            totals,
            from_earlier_day,
        })
    }

    /// Puts cash into or takes it out of the open shift's drawer, with a reason. A cash out
    /// that would leave the drawer expecting less than nothing in its currency is refused:
    /// the drawer cannot pay out cash it does not hold.
    pub async fn cash_movement(
        &self,
        actor: Actor,
        request: &MovementRequest,
    ) -> Result<ShiftView, CoreError> {
        self.check_enabled(actor).await?;
        let amount = Money::parse_cashier(&request.amount, request.currency, None)?;
        let shift = self.open_shift_here().await?;
        if !request.cash_in {
            let view = self.shift_view(shift.clone()).await?;
            let held = match amount.currency {
                Currency::Khr => view.expected.khr,
                Currency::Usd => view.expected.usd,
            };
            let left = held.saturating_sub(amount.minor);
            if left < 0 {
                return Err(pos_cash::CashError::Negative {
                    what: "the drawer after this cash out",
                    amount: Money::new(left, amount.currency),
                }
                .into());
            }
        }
        let movement = CashMovement {
            cash_in: request.cash_in,
            amount,
            reason: request.reason.clone(),
            at_ms: self.now_ms(),
            by: actor,
        };
        let (id, terminal_id) = (shift.id, shift.terminal_id.clone());
        self.store()
            .run(move |s| s.cash_movement(id, &terminal_id, &movement))
            .await?;
        self.kick_drawer(if request.cash_in {
            "cash in"
        } else {
            "cash out"
        });
        self.shift_view(shift).await
    }

    /// Closes the open shift with the drawer as counted, issuing its Z report. The cashier
    /// who opened it or the owner may; a variance above the shop's threshold needs a reason.
    /// KHQR sales still pending stay in the report as awaiting verification and settle later
    /// on their own sale, never counted twice.
    pub async fn close_shift(
        &self,
        actor: Actor,
        request: &CloseShiftRequest,
    ) -> Result<ZReport, CoreError> {
        self.check_enabled(actor).await?;
        let counted = PerCurrency::new(
            counted(&request.counted_khr, Currency::Khr)?,
            counted(&request.counted_usd, Currency::Usd)?,
        );
        let shift = self.open_shift_here().await?;
        let threshold = self.config().cash.variance_threshold;
        let reason = request.reason.clone();
        let now = self.now_ms();
        let z = self
            .store()
            .run(move |s| {
                s.close_shift(shift.id, now, actor, counted, threshold, reason.as_deref())
            })
            .await?;
        self.kick_drawer("shift closed");
        // The close is committed: back up now; a failure is reported, not returned.
        self.backup_after_close().await;
        Ok(z)
    }

    /// The drawer as counted so far against what the open shift expects, before closing: the
    /// variance per currency and whether it needs a reason. Reads only.
    pub async fn count_preview(
        &self,
        request: &CloseShiftRequest,
    ) -> Result<CountPreview, CoreError> {
        let counted = PerCurrency::new(
            counted(&request.counted_khr, Currency::Khr)?,
            counted(&request.counted_usd, Currency::Usd)?,
        );
        let expected = self.x_report().await?.expected;
        let threshold = self.config().cash.variance_threshold;
        // The close itself decides: with no reason it refuses exactly when one is needed; with
        // a placeholder it always gives the variance.
        let reason_needed = match pos_cash::close_drawer(expected, counted, threshold, None) {
            Err(pos_cash::CashError::ReasonNeeded { .. }) => true,
            other => {
                other?;
                false
            }
        };
        let closing = pos_cash::close_drawer(expected, counted, threshold, Some("preview"))?;
        Ok(CountPreview {
            expected,
            counted,
            variance: closing.variance,
            reason_needed,
        })
    }

    /// Z report `number` of this terminal.
    pub async fn z_report(&self, number: i64) -> Result<Option<ZReport>, CoreError> {
        let terminal_id = self.config().terminal_id.clone();
        self.store()
            .run(move |s| s.z_report(&terminal_id, number))
            .await
    }
}

/// Writes `z` as CSV into `dir` (the owner's export folder) and returns the file's path; the
/// file is flushed to disk before that.
pub fn export_z_csv(z: &ZReport, dir: &Path) -> Result<PathBuf, CoreError> {
    let path = dir.join(format!("z-report-{}-{}.csv", z.terminal_id, z.number));
    write_z_csv(z, &path, b"")?;
    Ok(path)
}

/// Writes `z` as CSV to `path` (its folder made first) after `prefix` (the owner's export
/// starts with a byte order mark, like the sales export), flushed to disk.
pub(crate) fn write_z_csv(z: &ZReport, path: &Path, prefix: &[u8]) -> Result<(), CoreError> {
    let failed = |e: std::io::Error| CoreError::ExportFailed {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut writer = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
    writer.write_all(prefix).map_err(failed)?;
    let mut writer = z.write_csv(writer)?;
    writer.flush().map_err(failed)?;
    writer.get_ref().sync_all().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawer_is_counted_as_an_amount_or_note_by_note() {
        assert_eq!(counted("38,000", Currency::Khr).unwrap(), 38_000);
        assert_eq!(counted("0", Currency::Khr).unwrap(), 0);
        assert_eq!(
            counted("50,000x1 + 1,000x3 500X2", Currency::Khr).unwrap(),
            54_000
        );
        assert_eq!(counted("20x2 1x4", Currency::Usd).unwrap(), 4_400);
        for (bad, currency, code) in [
            ("3000x1", Currency::Khr, "cash_invalid"),
            ("20x-1", Currency::Usd, "cash_invalid"),
            ("20x", Currency::Usd, "amount_invalid"),
            ("x2", Currency::Usd, "amount_invalid"),
            ("1.5x2", Currency::Khr, "amount_invalid"),
        ] {
            let err = counted(bad, currency).unwrap_err();
            assert_eq!(err.code().to_string(), code, "{bad}: {err}");
        }
    }
}
