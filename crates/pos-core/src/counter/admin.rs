//! The owner's counter settings: the shop rate (logged with when and who) and cashier
//! accounts (added with a PIN stored only as its argon2 hash, listed, disabled once).

use pos_cash::Rate;
use pos_domain::text;
use pos_store::{Actor, Cashier};

use super::{owner_only, RateView, OWNER};
use crate::owner::pin::hash_pin;
use crate::{CoreError, Pos};

/// How many characters a cashier's name may have.
const NAME_MAX_CHARS: usize = 30;

impl Pos {
    /// The rate in force.
    pub async fn rate(&self) -> Result<RateView, CoreError> {
        let logged = self.store().run(|s| s.current_rate()).await?;
        Ok(match logged {
            Some(change) => RateView {
                riel_per_usd: change.rate.riel_per_usd(),
                changed_at_ms: Some(change.changed_ms),
                changed_by: Some(change.changed_by),
            },
            None => RateView {
                riel_per_usd: self.current_rate().await?.riel_per_usd(),
                changed_at_ms: None,
                changed_by: None,
            },
        })
    }

    /// Sets the shop rate from what the owner typed (`4100`, `4,100`); refuses text, 0 and
    /// rates outside 1,000–10,000 with nothing logged. New sales freeze it.
    pub async fn set_rate(&self, actor: Actor, text: &str) -> Result<RateView, CoreError> {
        owner_only(actor, "change the exchange rate")?;
        let rate = Rate::parse(text)?;
        let now = self.now_ms();
        self.store()
            .run(move |s| s.set_rate(rate, now, actor))
            .await?;
        self.rate().await
    }

    /// Adds a cashier account with its PIN (4 to 8 digits, stored only as a salted argon2
    /// hash). The owner alone may; the name is trimmed, bounded, and may not be [`OWNER`].
    pub async fn add_cashier(
        &self,
        actor: Actor,
        name: &str,
        pin: &str,
    ) -> Result<Cashier, CoreError> {
        owner_only(actor, "add cashiers")?;
        let name = name.trim().to_owned();
        text::check("cashier name", &name, NAME_MAX_CHARS)?;
        if name.is_empty() || name.eq_ignore_ascii_case(OWNER) {
            return Err(CoreError::Counter(pos_store::StoreError::CashierExists(
                name,
            )));
        }
        let hash = hash_pin(pin)?;
        let now = self.now_ms();
        self.store()
            .run(move |s| s.add_cashier(&name, &hash, now))
            .await
    }

    /// Every cashier account.
    pub async fn cashiers(&self) -> Result<Vec<Cashier>, CoreError> {
        self.store().run(|s| s.cashiers()).await
    }

    /// Disables a cashier account, once (the owner alone may). Its records keep its name.
    pub async fn disable_cashier(&self, actor: Actor, name: &str) -> Result<Cashier, CoreError> {
        owner_only(actor, "disable cashiers")?;
        let name = name.to_owned();
        let now = self.now_ms();
        self.store()
            .run(move |s| s.disable_cashier(&name, now))
            .await
    }
}
