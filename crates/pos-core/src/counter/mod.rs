//! The counter's day (issue 12): who is at the till (the owner or a cashier, signed in with a
//! PIN hashed and throttled like the owner's), the shop rate, shifts with their drawer, cash
//! and split sales, and refunds. This module orchestrates: the money arithmetic is
//! `pos_cash`'s and every record is written by `pos_store` in one transaction, so a refusal
//! here or there leaves nothing behind.
//!
//! Sales and shifts: cash and split sales always need the terminal's open shift (its drawer).
//! A KHQR sale joins the open shift when there is one; with none it is refused once the shop
//! has cashier accounts, and recorded outside any shift before that, as before shifts
//! existed (a shop that never adds a cashier keeps working as it did).

mod admin;
mod refund;
mod sale;
mod shift;
mod views;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use pos_cash::Rate;
use pos_domain::{AmountError, Currency, Money};

use crate::owner::{pin::Throttle, OwnerPin};
use crate::{CoreError, Pos};

pub use pos_store::{Actor, Cashier, Refund, RefundTender, Shift, ZReport};
pub use shift::export_z_csv;
pub(crate) use shift::write_z_csv;
pub use views::{
    CashPreview, CashSaleRequest, CashSaleView, CloseShiftRequest, CountPreview, MovementRequest,
    RateView, RefundRequest, ShiftView,
};

/// The name that signs in as the owner (no cashier may take it).
pub const OWNER: &str = "owner";

/// Sign-in state for the life of a [`Pos`]: the owner PIN with its throttle, and one throttle
/// per cashier account.
#[derive(Debug)]
pub(crate) struct Counter {
    owner_pin: OwnerPin,
    cashier_throttles: Mutex<HashMap<i64, Throttle>>,
}

impl Counter {
    pub(crate) fn new(data_dir: &Path) -> Counter {
        Counter {
            owner_pin: OwnerPin::new(data_dir),
            cashier_throttles: Mutex::new(HashMap::new()),
        }
    }
}

/// Cash as typed in `currency` (the cashier grammar), where blank or zero means none: a
/// drawer count, a float or the riel handed over may well be nothing.
fn cash_typed(text: &str, currency: Currency) -> Result<Money, CoreError> {
    if text.trim().is_empty() {
        return Ok(Money::new(0, currency));
    }
    match Money::parse_cashier(text, currency, None) {
        Err(AmountError::Zero) => Ok(Money::new(0, currency)),
        parsed => Ok(parsed?),
    }
}

/// A drawer count or cash handed over as typed in `currency`: an amount (`38,000`), or the denomination helper's
/// note counts, `VALUExCOUNT` separated by spaces or `+` (`50,000x1 + 1,000x3` riel,
/// `20x2 1x4` dollars), each value a note in use.
pub(super) fn counted(text: &str, currency: Currency) -> Result<i64, CoreError> {
    if !text.contains(['x', 'X']) {
        return Ok(cash_typed(text, currency)?.minor);
    }
    let mut counts = Vec::new();
    for entry in text.split(|c: char| c == '+' || c.is_whitespace()) {
        if entry.is_empty() {
            continue;
        }
        let (value, count) = entry.split_once(['x', 'X']).unwrap_or((entry, ""));
        let value = Money::parse_cashier(value, currency, None)?.minor;
        let Ok(count) = count.parse::<i64>() else {
            // Not VALUExCOUNT: the amount grammar words what is wrong with the entry.
            let error = Money::parse_cashier(entry, currency, None)
                .err()
                .unwrap_or(AmountError::Empty);
            return Err(error.into());
        };
        counts.push((value, count));
    }
    Ok(pos_cash::count_drawer(currency, &counts)?.minor)
}

/// Refuses anyone but the owner for `what`.
fn owner_only(actor: Actor, what: &'static str) -> Result<(), CoreError> {
    match actor {
        Actor::Owner => Ok(()),
        Actor::Cashier(_) => Err(CoreError::OwnerOnly(what)),
    }
}

impl Pos {
    /// Signs `who` in with `pin`: [`OWNER`] checks the owner PIN, any other name a cashier
    /// account's (refused when disabled). Wrong PINs are throttled per account, as the owner
    /// gate does.
    pub async fn sign_in(&self, who: &str, pin: &str) -> Result<Actor, CoreError> {
        if who == OWNER {
            self.counter().owner_pin.verify(pin)?;
            return Ok(Actor::Owner);
        }
        let name = who.to_owned();
        let (cashier, hash) = self
            .store()
            .run(move |s| {
                let cashier = s
                    .cashier_named(&name)?
                    .ok_or_else(|| pos_store::StoreError::NoCashier(name.clone()))?;
                if cashier.disabled_ms.is_some() {
                    return Err(pos_store::StoreError::CashierDisabled(name));
                }
                let hash = s.cashier_pin_hash(cashier.id)?.unwrap_or_default();
                Ok((cashier, hash))
            })
            .await?;
        let mut throttles = self
            .counter()
            .cashier_throttles
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        throttles.entry(cashier.id).or_default().verify(
            pin,
            &hash,
            Instant::now(),
            CoreError::Task,
        )?;
        Ok(Actor::Cashier(cashier.id))
    }

    /// The rate in force: the owner's latest in the rate log, else the configured one.
    pub(crate) async fn current_rate(&self) -> Result<Rate, CoreError> {
        let logged = self.store().run(|s| s.current_rate()).await?;
        match logged {
            Some(change) => Ok(change.rate),
            None => Ok(Rate::new(self.config().riel_per_usd)?),
        }
    }

    /// This terminal's open shift, or [`pos_store::StoreError::NoOpenShift`].
    async fn open_shift_here(&self) -> Result<Shift, CoreError> {
        let terminal_id = self.config().terminal_id.clone();
        self.store()
            .run(move |s| {
                s.open_shift_on(&terminal_id)?
                    .ok_or(pos_store::StoreError::NoOpenShift { terminal_id })
            })
            .await
    }

    /// Refuses an actor whose cashier account was disabled since signing in.
    async fn check_enabled(&self, actor: Actor) -> Result<(), CoreError> {
        let enabled = self.store().run(move |s| s.actor_enabled(actor)).await?;
        if enabled {
            Ok(())
        } else {
            Err(CoreError::Counter(pos_store::StoreError::CashierDisabled(
                format!("{actor:?}"),
            )))
        }
    }
}
