//! The owner's counter settings: the shop rate (logged with when and who) and cashier
//! accounts (added with a PIN stored only as its argon2 hash, listed, disabled once).
//!
//! At a counter joined to a shop whose `[shop_db]` names the owner's connection
//! (`owner_url_file`), cashier accounts are the shop's: adding or disabling one writes the
//! shop's event first (pos-sync's `add_shop_cashier`, only the PIN's hash travels), then caches
//! it here as every other counter's sync cycle does. Without that connection, and for accounts
//! a counter made before it joined, accounts stay this counter's own: a name either has is
//! refused when adding (nothing written anywhere), and disabling one of a counter's own
//! accounts disables it here only.

use pos_cash::Rate;
use pos_domain::text;
use pos_store::{Actor, Cashier, StoreError};
use pos_sync::{CashierEvent, Shop, CASHIER_NAME_MAX_CHARS as NAME_MAX_CHARS};

use super::{owner_only, RateView, OWNER};
use crate::owner::pin::hash_pin;
use crate::{CoreError, Pos};

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
        let Some(shop) = self.owner_shop().await? else {
            return self
                .store()
                .run(move |s| s.add_cashier(&name, &hash, now))
                .await;
        };
        let local = self.local_cashier(&name).await?;
        if local.is_some() || shop.shop_cashier(&name).await?.is_some() {
            return Err(StoreError::CashierExists(name).into());
        }
        let event = shop.add_shop_cashier(&name, &hash).await?;
        self.cache_shop_event(event).await
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
        if let Some(shop) = self.owner_shop().await? {
            // The shop's account, unless this counter has its own under that name.
            if let Some(theirs) = shop.shop_cashier(&name).await? {
                let ours = self.local_cashier(&name).await?;
                if ours.is_none_or(|(_, hash)| hash == theirs.pin_hash) {
                    let event = shop.disable_shop_cashier(&name).await?;
                    return self.cache_shop_event(event).await;
                }
            }
        }
        self.store()
            .run(move |s| s.disable_cashier(&name, now))
            .await
    }

    /// The shop database as the owner's role, when this counter is joined to a shop and its
    /// `[shop_db]` names the owner's connection.
    async fn owner_shop(&self) -> Result<Option<Shop>, CoreError> {
        let Some(db) = self.config().shop_db.as_ref() else {
            return Ok(None);
        };
        let Some(owner) = db.owner_connection()? else {
            return Ok(None);
        };
        let owner =
            owner.with_application_name(&format!("khqr-pos {} owner", self.config().terminal_id));
        Ok(Some(Shop::open(&owner).await?))
    }

    /// This counter's account `name` and its PIN hash, if it has one.
    async fn local_cashier(&self, name: &str) -> Result<Option<(Cashier, String)>, CoreError> {
        let name = name.to_owned();
        self.store()
            .run(move |s| {
                let Some(cashier) = s.cashier_named(&name)? else {
                    return Ok::<_, StoreError>(None);
                };
                let hash = s.cashier_pin_hash(cashier.id)?.unwrap_or_default();
                Ok(Some((cashier, hash)))
            })
            .await
    }

    /// Caches an event the owner just wrote to the shop, as the sync cycle would (it finds it
    /// cached then), and returns the account as this counter holds it.
    async fn cache_shop_event(&self, event: CashierEvent) -> Result<Cashier, CoreError> {
        let name = event.account.name.clone();
        self.store()
            .run(move |s| {
                pos_sync::cache_shop_cashiers(s, &[event])?.refusal()?;
                s.cashier_named(&name)?
                    .ok_or(pos_sync::SyncError::Store(StoreError::NoCashier(name)))
            })
            .await
    }
}
