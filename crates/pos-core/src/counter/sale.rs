//! Cash and split sales: the total and the cash handed over as typed, settled by `pos_cash`
//! at the rate in force (frozen on the sale), then written with its tender lines, shift and
//! receipt in one transaction. Short cash either refuses the sale with what is still due, or
//! (split) makes the dynamic KHQR for exactly the rest; the sale completes when it is paid.

use pos_cash::{settle, Change, Due, Settlement, Tendered};
use pos_domain::{Currency, Money};
use pos_store::NewCashSale;

use super::{cash_typed, CashSaleRequest, CashSaleView};
use crate::charge;
use crate::{ChargeRequest, CoreError, Pos, SaleView};

impl Pos {
    /// Rings up a cash sale in the open shift (see [`CashSaleRequest`]). Refused with
    /// nothing written: a bad amount or tender, dollars that are not accepted notes, no open
    /// shift, and short cash without `split` ([`CoreError::CashShort`]).
    pub async fn cash_sale(&self, request: CashSaleRequest) -> Result<CashSaleView, CoreError> {
        let mut checked = charge::check_request(
            self.config(),
            &ChargeRequest {
                amount: request.amount.clone(),
                currency: request.currency,
                expires_in_ms: None,
                note: request.note.clone(),
            },
            crate::QR_LIFETIME_RANGE.0,
        )?;
        let tendered = Tendered {
            usd: cash_typed(request.usd_given.as_deref().unwrap_or(""), Currency::Usd)?,
            khr: cash_typed(request.khr_given.as_deref().unwrap_or(""), Currency::Khr)?,
        };
        let shift = self.open_shift_here().await?.id;
        let rate = self.current_rate().await?;
        let due = Due::new(checked.amount, rate)?;
        let policy = &self.config().cash.policy;
        let nothing = Change {
            usd: Money::new(0, Currency::Usd),
            khr: Money::new(0, Currency::Khr),
        };
        let (change, rounding, khqr) = match settle(&due, &tendered, policy, request.all_riel)? {
            Settlement::Complete { change, rounding } => (change, rounding, None),
            Settlement::StillDue(still) if request.split => {
                (nothing, Money::new(0, Currency::Khr), Some(still.khqr))
            }
            Settlement::StillDue(still) => {
                return Err(CoreError::CashShort {
                    cash_khr: still.cash_khr,
                    khqr: still.khqr,
                })
            }
        };
        checked.qr = khqr;
        checked.riel_per_usd = rate.riel_per_usd();
        let sale = self
            .record_sale(checked, move |store, new| {
                let cash_sale = NewCashSale {
                    sale: new.clone(),
                    rate,
                    cash: tendered,
                    change,
                    rounding,
                    khqr,
                };
                store
                    .record_cash_sale(shift, &cash_sale)
                    .map(|(sale, _)| sale)
            })
            .await?;
        // The cash goes into the drawer now, also when a KHQR pays the rest.
        if tendered.usd.minor > 0 || tendered.khr.minor > 0 {
            self.kick_drawer("cash sale");
        }
        let khqr = match khqr {
            Some(_) => Some(self.watch_new_qr(&sale)?),
            None => {
                self.emit_sale(&sale);
                None
            }
        };
        Ok(CashSaleView {
            sale: SaleView::from(&sale),
            riel_per_usd: rate.riel_per_usd(),
            due_khr: due.khr,
            due_usd: due.usd,
            tendered,
            change,
            rounding,
            khqr,
        })
    }
}
