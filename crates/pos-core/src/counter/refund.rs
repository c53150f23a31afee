//! Refunds by the owner: a new record against the original receipt (never an edit), in the
//! sale's currency, never above what was paid across all refunds; cash from this terminal's
//! open shift's drawer, or paid back from the shop's bank app with its reference.

use pos_domain::Money;
use pos_store::{Actor, NewRefund, Refund, RefundTender};

use super::{owner_only, RefundRequest};
use crate::{CoreError, Pos};

impl Pos {
    /// Records a refund (see [`RefundRequest`]); the owner alone may. Refused with nothing
    /// written: a cashier, an unknown receipt, a bad or too large amount, a cash refund with
    /// no shift open, a bank refund without its reference.
    pub async fn refund(&self, actor: Actor, request: &RefundRequest) -> Result<Refund, CoreError> {
        owner_only(actor, "make refunds")?;
        let terminal_id = self.config().terminal_id.clone();
        let receipt_terminal = request
            .receipt_terminal
            .clone()
            .unwrap_or_else(|| terminal_id.clone());
        let (number, lookup) = (request.receipt, receipt_terminal.clone());
        let sale = self
            .store()
            .run(move |s| s.sale_by_receipt(&lookup, number))
            .await?;
        // A currency the owner names must be the sale's: the ledger refuses another one, so
        // 5,000 typed for a dollar sale is never read as $5,000.
        let currency = request.currency.unwrap_or(sale.amount.currency);
        let amount = Money::parse_cashier(&request.amount, currency, None)?;
        let refund = NewRefund {
            terminal_id,
            receipt_terminal_id: receipt_terminal,
            receipt_number: request.receipt,
            issued_ms: self.now_ms(),
            amount,
            tender: match &request.bank_reference {
                Some(reference) => RefundTender::Bank {
                    reference: reference.clone(),
                },
                None => RefundTender::Cash,
            },
            by: actor,
            reason: request.reason.clone(),
        };
        let cash = refund.tender == RefundTender::Cash;
        let refund = self.store().run(move |s| s.record_refund(&refund)).await?;
        if cash {
            self.kick_drawer("cash refund");
        }
        Ok(refund)
    }
}
