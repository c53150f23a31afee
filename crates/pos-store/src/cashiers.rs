//! Cashier accounts: a name and a PIN hash (made and checked by the caller; the ledger never
//! sees a PIN), never deleted, disabled once. Accounts the shop holds (pos-sync's shop
//! database) are cached here as they are there ([`Store::cache_cashiers`]).

use std::fmt;

use rusqlite::{params, ErrorCode, OptionalExtension, Row, TransactionBehavior};

use crate::{Actor, Cashier, Result, Store, StoreError};

const COLUMNS: &str = "id, name, created_ms, disabled_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Cashier> {
    Ok(Cashier {
        id: row.get(0)?,
        name: row.get(1)?,
        created_ms: row.get(2)?,
        disabled_ms: row.get(3)?,
    })
}

/// A cashier account as the shop holds it, to cache at this counter. Its `Debug` leaves the
/// hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct ShopCashier {
    /// The name the cashier signs in with.
    pub name: String,
    /// The PHC string of the PIN's hash, as the counter that added the account made it.
    pub pin_hash: String,
    /// When the owner added it (epoch ms).
    pub created_ms: i64,
    /// When the owner disabled it, if they did (epoch ms).
    pub disabled_ms: Option<i64>,
}

impl fmt::Debug for ShopCashier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShopCashier")
            .field("name", &self.name)
            .field("pin_hash", &"<redacted>")
            .field("created_ms", &self.created_ms)
            .field("disabled_ms", &self.disabled_ms)
            .finish()
    }
}

/// What caching one of the shop's accounts did at this counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    /// The account is new here.
    Added,
    /// The shop disabled it: it is disabled here now.
    Disabled,
    /// This counter already had it as it is.
    Unchanged,
    /// This counter has its own account under that name (another PIN hash): that one stays
    /// as it is, local to this counter, and the shop's is not cached here.
    Clash,
}

impl Store {
    /// Makes this counter's accounts match the shop's `accounts`, in one transaction: a new
    /// name is added as the shop holds it, one the shop disabled is disabled from when the
    /// owner did. An account is the shop's here when its PIN hash is the shop's (hashes are
    /// salted: two accounts never share one); another account under the same name stays local
    /// ([`Cached::Clash`]). Running it again changes nothing.
    pub fn cache_cashiers(&mut self, accounts: &[ShopCashier]) -> Result<Vec<Cached>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = Vec::with_capacity(accounts.len());
        for shop in accounts {
            let local: Option<(i64, String, Option<i64>)> = tx
                .query_row(
                    "SELECT id, pin_hash, disabled_ms FROM cashiers WHERE name = ?1",
                    [&shop.name],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            done.push(match local {
                None => {
                    tx.execute(
                        "INSERT INTO cashiers (name, pin_hash, created_ms, disabled_ms) \
                         VALUES (?1, ?2, ?3, ?4)",
                        params![shop.name, shop.pin_hash, shop.created_ms, shop.disabled_ms],
                    )?;
                    Cached::Added
                }
                Some((_, hash, _)) if hash != shop.pin_hash => Cached::Clash,
                Some((id, _, None)) if shop.disabled_ms.is_some() => {
                    tx.execute(
                        "UPDATE cashiers SET disabled_ms = ?2 WHERE id = ?1",
                        params![id, shop.disabled_ms],
                    )?;
                    Cached::Disabled
                }
                Some(_) => Cached::Unchanged,
            });
        }
        tx.commit()?;
        Ok(done)
    }

    /// Adds a cashier. A name already taken (disabled accounts keep theirs) is refused.
    pub fn add_cashier(&mut self, name: &str, pin_hash: &str, created_ms: i64) -> Result<Cashier> {
        self.conn
            .execute(
                "INSERT INTO cashiers (name, pin_hash, created_ms) VALUES (?1, ?2, ?3)",
                params![name, pin_hash, created_ms],
            )
            .map_err(|err| match &err {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == ErrorCode::ConstraintViolation =>
                {
                    StoreError::CashierExists(name.to_owned())
                }
                _ => StoreError::Sqlite(err),
            })?;
        Ok(Cashier {
            id: self.conn.last_insert_rowid(),
            name: name.to_owned(),
            created_ms,
            disabled_ms: None,
        })
    }

    /// Every cashier, in the order they were added.
    pub fn cashiers(&self) -> Result<Vec<Cashier>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM cashiers ORDER BY id"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cashier with this name, if any.
    pub fn cashier_named(&self, name: &str) -> Result<Option<Cashier>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM cashiers WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()?)
    }

    /// The stored PIN hash of cashier `id`, to check a PIN against; never part of [`Cashier`].
    pub fn cashier_pin_hash(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT pin_hash FROM cashiers WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Disables cashier `name` from `at_ms`, once: a disabled cashier stays disabled.
    pub fn disable_cashier(&mut self, name: &str, at_ms: i64) -> Result<Cashier> {
        let cashier = self
            .cashier_named(name)?
            .ok_or_else(|| StoreError::NoCashier(name.to_owned()))?;
        if cashier.disabled_ms.is_some() {
            return Err(StoreError::CashierDisabled(name.to_owned()));
        }
        self.conn.execute(
            "UPDATE cashiers SET disabled_ms = ?2 WHERE id = ?1",
            params![cashier.id, at_ms],
        )?;
        Ok(Cashier {
            disabled_ms: Some(at_ms),
            ..cashier
        })
    }

    /// Whether `actor` can act: the owner always, a cashier while the account is enabled.
    pub fn actor_enabled(&self, actor: Actor) -> Result<bool> {
        match actor {
            Actor::Owner => Ok(true),
            Actor::Cashier(id) => Ok(self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM cashiers WHERE id = ?1 AND disabled_ms IS NULL)",
                [id],
                |row| row.get(0),
            )?),
        }
    }
}
