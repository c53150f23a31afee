//! The shop's cashier accounts: added and disabled once by the owner in the shop database
//! (migration 0006, through `add_shop_cashier` and `disable_shop_cashier`, which refuse a
//! counter's role) and cached at every counter, which pulls the events it has not seen in its
//! sync cycle and applies them to its own ledger's accounts ([`cache_shop_cashiers`]), so a
//! cashier added once signs in at every counter, also while that counter is cut off. Only the
//! PIN's Argon2 hash (a PHC string) travels; the PIN never leaves the counter it was typed at.
//! Before caching, every event pulled is checked (its name as a counter allows it, its hash a
//! PHC Argon2 string): a bad one is refused, nothing of it written, and reported; the others
//! are cached all the same, since the table is append-only and one bad row must not keep a
//! later disabling from every counter.

use std::fmt;

use argon2::password_hash::PasswordHash;
use pos_domain::text;
use pos_store::{Cached, ShopCashier, Store};
use tokio_postgres::error::SqlState;

use crate::{Result, Shop, SyncError};

/// How many characters a cashier's name may have, at a counter as in the shop database.
pub const CASHIER_NAME_MAX_CHARS: usize = 30;
/// The name the owner signs in with, which no cashier may take.
const OWNER: &str = "owner";

/// What happened to a shop cashier, as stored in `shop_cashier_events.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashierEventKind {
    /// The owner added the cashier.
    Added,
    /// The owner disabled the cashier.
    Disabled,
}

/// One row of `shop_cashier_events`, with the shop's account it concerns. `Debug` leaves the
/// hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct CashierEvent {
    /// Its place in the shop's order of events.
    pub id: i64,
    /// What happened.
    pub kind: CashierEventKind,
    /// The shop's account after it (a disabled event carries the account's hash and when it
    /// was added, from the account's added event).
    pub account: ShopCashier,
}

impl fmt::Debug for CashierEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CashierEvent")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("account", &self.account)
            .finish()
    }
}

/// What one pull of the shop's cashier events did at a counter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CashiersCached {
    /// The last event before the first refused one (all of them when none was): the next pull
    /// asks for those after it, so a refused event is looked at, and reported, again.
    pub up_to: i64,
    /// Accounts added here.
    pub added: Vec<String>,
    /// Accounts disabled here.
    pub disabled: Vec<String>,
    /// Names this counter keeps for an account of its own: the shop's is not cached here.
    pub clashes: Vec<String>,
    /// The events refused, each with why (never with its hash).
    pub refused: Vec<String>,
}

impl CashiersCached {
    /// [`SyncError::Corrupt`] naming the refused events, if any was.
    pub fn refusal(&self) -> Result<()> {
        if self.refused.is_empty() {
            return Ok(());
        }
        Err(SyncError::Corrupt {
            column: "shop_cashier_events",
            value: self.refused.join("; "),
        })
    }
}

/// Refuses a name a counter would not take: untrimmed, empty, too long, a forbidden character,
/// or the owner's.
pub fn check_cashier_name(name: &str) -> Result<()> {
    let bad = |reason: String| SyncError::BadInput {
        reason: format!("cashier name {name:?}: {reason}"),
    };
    text::check("cashier name", name, CASHIER_NAME_MAX_CHARS).map_err(|e| bad(e.to_string()))?;
    if name.trim() != name || name.is_empty() || name.eq_ignore_ascii_case(OWNER) {
        return Err(bad("must be trimmed, not empty and not the owner's".into()));
    }
    Ok(())
}

/// Refuses a hash that is not a PHC string of Argon2. The error never repeats it.
fn check_pin_hash(hash: &str) -> std::result::Result<(), String> {
    let parsed = PasswordHash::new(hash).map_err(|e| format!("not a PHC string ({e})"))?;
    if !parsed.algorithm.as_str().starts_with("argon2") || parsed.hash.is_none() {
        return Err(format!("not an Argon2 hash ({})", parsed.algorithm));
    }
    Ok(())
}

impl Shop {
    /// Adds cashier `name` to the shop with `pin_hash` (a PHC Argon2 string; never the PIN).
    /// Only the owner's role may: a counter's role is refused by the database, and a name the
    /// shop has is refused, nothing written. Returns the event.
    pub async fn add_shop_cashier(&self, name: &str, pin_hash: &str) -> Result<CashierEvent> {
        check_cashier_name(name)?;
        check_pin_hash(pin_hash).map_err(|reason| SyncError::BadInput {
            reason: format!("cashier {name:?}'s PIN hash is {reason}"),
        })?;
        let row = self
            .client
            .query_one("SELECT add_shop_cashier($1, $2)", &[&name, &pin_hash])
            .await
            .map_err(|e| refused(e, name))?;
        self.cashier_event(row.try_get(0)?).await
    }

    /// Disables the shop's cashier `name`, once. Only the owner's role may; a name the shop
    /// does not have, or has disabled, is refused, nothing written. Returns the event.
    pub async fn disable_shop_cashier(&self, name: &str) -> Result<CashierEvent> {
        let row = self
            .client
            .query_one("SELECT disable_shop_cashier($1)", &[&name])
            .await
            .map_err(|e| refused(e, name))?;
        self.cashier_event(row.try_get(0)?).await
    }

    /// The shop's account named `name` as its events leave it, or `None` when the shop has no
    /// such cashier.
    pub async fn shop_cashier(&self, name: &str) -> Result<Option<ShopCashier>> {
        let rows = self
            .client
            .query(
                &format!("{EVENTS} WHERE e.name = $1 ORDER BY e.id"),
                &[&name],
            )
            .await?;
        // The last event carries the account as it is (a disabled event carries its hash).
        rows.last()
            .map(|row| event(row).map(|e| e.account))
            .transpose()
    }

    /// The shop's cashier events after `after`, in order.
    pub async fn shop_cashier_events(&self, after: i64) -> Result<Vec<CashierEvent>> {
        self.client
            .query(
                &format!("{EVENTS} WHERE e.id > $1 ORDER BY e.id"),
                &[&after],
            )
            .await?
            .iter()
            .map(event)
            .collect()
    }

    async fn cashier_event(&self, id: i64) -> Result<CashierEvent> {
        let row = self
            .client
            .query_one(&format!("{EVENTS} WHERE e.id = $1"), &[&id])
            .await?;
        event(&row)
    }
}

/// Each event with the account's added event: its hash and when it was added.
const EVENTS: &str = "SELECT e.id, e.kind, e.name, a.pin_hash, \
     (extract(epoch FROM a.at) * 1000)::bigint, (extract(epoch FROM e.at) * 1000)::bigint \
     FROM shop_cashier_events e \
     LEFT JOIN shop_cashier_events a ON a.name = e.name AND a.kind = 'added'";

fn event(row: &tokio_postgres::Row) -> Result<CashierEvent> {
    let id: i64 = row.try_get(0)?;
    let kind: String = row.try_get(1)?;
    let corrupt = |value: String| SyncError::Corrupt {
        column: "shop_cashier_events",
        value,
    };
    let kind = match kind.as_str() {
        "added" => CashierEventKind::Added,
        "disabled" => CashierEventKind::Disabled,
        other => return Err(corrupt(format!("event {id}: kind {other}"))),
    };
    let at_ms: i64 = row.try_get(5)?;
    Ok(CashierEvent {
        id,
        kind,
        account: ShopCashier {
            name: row.try_get(2)?,
            // An event without its added event is refused when cached.
            pin_hash: row.try_get::<_, Option<String>>(3)?.unwrap_or_default(),
            created_ms: row.try_get::<_, Option<i64>>(4)?.unwrap_or(at_ms),
            disabled_ms: (kind == CashierEventKind::Disabled).then_some(at_ms),
        },
    })
}

/// The database's refusals in words: the owner's role alone writes, a name is added once.
fn refused(e: tokio_postgres::Error, name: &str) -> SyncError {
    match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION => SyncError::BadInput {
            reason: format!("the shop already has a cashier named {name:?}"),
        },
        Some(c) if *c == SqlState::INVALID_PARAMETER_VALUE || *c == SqlState::CHECK_VIOLATION => {
            SyncError::BadInput {
                reason: e
                    .as_db_error()
                    .map_or_else(|| e.to_string(), |db| db.message().to_owned()),
            }
        }
        _ => SyncError::Db(e),
    }
}

/// Applies the shop's cashier `events` (in order, as [`Shop::shop_cashier_events`] returns
/// them) to this counter's accounts, idempotently, in one transaction
/// ([`Store::cache_cashiers`]). Each event is checked first: one with a bad name or hash is
/// refused, nothing of it written, and listed in [`CashiersCached::refused`]
/// ([`CashiersCached::refusal`] makes it an error). A name this counter uses for an account of
/// its own stays local and is listed in [`CashiersCached::clashes`].
pub fn cache_shop_cashiers(store: &mut Store, events: &[CashierEvent]) -> Result<CashiersCached> {
    let mut done = CashiersCached {
        up_to: events.last().map_or(0, |e| e.id),
        ..CashiersCached::default()
    };
    let mut accounts = Vec::with_capacity(events.len());
    for e in events {
        let checked = check_cashier_name(&e.account.name)
            .map_err(|err| err.to_string())
            .and_then(|()| {
                check_pin_hash(&e.account.pin_hash).map_err(|r| format!("PIN hash {r}"))
            });
        match checked {
            Ok(()) => accounts.push(e.account.clone()),
            Err(reason) => {
                if done.refused.is_empty() {
                    done.up_to = e.id - 1;
                }
                done.refused.push(format!(
                    "event {} ({:?}) refused: {reason}",
                    e.id, e.account.name
                ));
            }
        }
    }
    let outcomes = store.cache_cashiers(&accounts)?;
    for (account, outcome) in accounts.into_iter().zip(outcomes) {
        let list = match outcome {
            Cached::Added => &mut done.added,
            Cached::Disabled => &mut done.disabled,
            Cached::Clash => &mut done.clashes,
            Cached::Unchanged => continue,
        };
        if !list.contains(&account.name) {
            list.push(account.name);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_hashes_are_those_a_counter_takes() {
        assert!(check_cashier_name("Dara").is_ok());
        for bad in ["", " Dara", "Owner", "a\u{7}b", &"x".repeat(31)] {
            assert!(check_cashier_name(bad).is_err(), "{bad:?}");
        }
        let good = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                    q5Lcc0bC3/8e7R1X2vAkGQ2Yb7n4Ad1vYf8g7s1Ys3k";
        assert_eq!(check_pin_hash(good), Ok(()));
        for bad in [
            "",
            "1234",
            "$argon2id$",
            "$pbkdf2-sha256$i=1000$c29tZXNhbHQ$q5Lcc0bC3/8e7R1X2vAkGQ",
        ] {
            let e = check_pin_hash(bad).unwrap_err();
            assert!(bad.is_empty() || !e.contains(bad), "{e}");
        }
    }
}
