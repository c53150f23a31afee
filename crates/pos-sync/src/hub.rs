//! `hub init`: the shop database's roles and the shop's check budget. Roles are cluster-wide,
//! so they are named after the database (`<db>_counter`, `<db>_owner`, `<db>_<terminal>`),
//! and made here rather than in a migration. A counter's role belongs to `<db>_counter`, which
//! may read the owner view and INSERT (never UPDATE or DELETE) its own terminal's rows, the
//! row-level security policies of migration 0002 deciding which rows are its own; the owner's
//! role only reads, but for the shop rate and cashier accounts, written through functions only
//! it may call. Passwords travel as SCRAM verifiers made here: the server never sees them.

use std::fmt;

use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::{Result, Shop, SyncError};

/// A password for a database role. Its `Debug` never shows it; there is no `Display`.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps a password; an empty one is refused (a role without one could not log in).
    pub fn new(secret: String) -> Result<Password> {
        if secret.is_empty() {
            return Err(SyncError::BadInput {
                reason: "a role's password is empty".into(),
            });
        }
        Ok(Password(secret))
    }

    /// The password itself, for a login or `initdb --pwfile`.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The SCRAM-SHA-256 verifier PostgreSQL stores: what is sent instead of the password.
    fn verifier(&self) -> String {
        postgres_protocol::password::scram_sha_256(self.0.as_bytes())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The shop's Bakong check budget: `daily_limit` checks a day in all, of which each of at most
/// `max_counters` counters owns `offline_share` (spent when the shop database cannot grant it
/// checks); the rest, `daily_limit − max_counters × offline_share`, is shared through the shop
/// database first come, first served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetRule {
    /// Checks a day for the whole shop (the Bakong token's quota).
    pub daily_limit: u32,
    /// How many counters share it.
    pub max_counters: u32,
    /// Checks a day each counter owns.
    pub offline_share: u32,
}

impl BudgetRule {
    /// Checks the rule adds up: the counters' shares fit in the daily limit.
    pub fn new(daily_limit: u32, max_counters: u32, offline_share: u32) -> Result<BudgetRule> {
        let shares = u64::from(max_counters) * u64::from(offline_share);
        let too_big = |n: u32| i32::try_from(n).is_err();
        if max_counters == 0 {
            return Err(SyncError::BadInput {
                reason: "the budget must count at least one counter".into(),
            });
        }
        if too_big(daily_limit) || too_big(max_counters) || too_big(offline_share) {
            return Err(SyncError::BadInput {
                reason: "a budget number is too large".into(),
            });
        }
        if shares > u64::from(daily_limit) {
            return Err(SyncError::BadInput {
                reason: format!(
                    "{max_counters} counters × {offline_share} offline checks = {shares} is more \
                     than the {daily_limit} checks of the day"
                ),
            });
        }
        Ok(BudgetRule {
            daily_limit,
            max_counters,
            offline_share,
        })
    }

    /// The checks a day the shop database grants, shared by all counters.
    pub fn hub_limit(&self) -> u32 {
        self.daily_limit - self.max_counters * self.offline_share
    }
}

/// The roles `hub init` made or updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubRoles {
    /// The group every counter's role belongs to.
    pub counter_group: String,
    /// The owner's read-only role.
    pub owner: String,
    /// Each registered counter: (terminal, its login role).
    pub counters: Vec<(String, String)>,
}

/// Quotes an identifier for SQL text (`CREATE ROLE` takes no parameters).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A terminal id as the CLI's config allows it: 1 to 8 letters or digits.
fn check_terminal(terminal_id: &str) -> Result<()> {
    if terminal_id.is_empty()
        || terminal_id.len() > 8
        || !terminal_id.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(SyncError::BadInput {
            reason: format!("terminal id {terminal_id:?} must be 1–8 letters or digits"),
        });
    }
    Ok(())
}

impl Shop {
    /// The database's own name, which the roles are named after.
    async fn database(&self) -> Result<String> {
        Ok(self
            .client
            .query_one("SELECT current_database()", &[])
            .await?
            .try_get(0)?)
    }

    /// Prepares the shop database (already migrated by [`Shop::open`]) in one transaction:
    /// sets the check budget, makes or updates the counter group and the owner's role (a login
    /// role when `owner_password` is given), grants them exactly what they need, and registers
    /// `counters` as [`Shop::add_counter`] does. Run it with a role that owns the database and
    /// may create roles; running it again updates, never duplicates.
    pub async fn init_hub(
        &mut self,
        rule: BudgetRule,
        owner_password: Option<&Password>,
        counters: &[(&str, &Password)],
    ) -> Result<HubRoles> {
        for (terminal_id, _) in counters {
            check_terminal(terminal_id)?;
        }
        let db = self.database().await?;
        let group = format!("{db}_counter");
        let owner = format!("{db}_owner");
        let tx = self.client.transaction().await?;
        let registered: i64 = tx
            .query_one("SELECT count(*) FROM terminals", &[])
            .await?
            .try_get(0)?;
        if registered > i64::from(rule.max_counters) {
            return Err(SyncError::BadInput {
                reason: format!(
                    "{registered} counters are registered, more than the {} the budget counts",
                    rule.max_counters
                ),
            });
        }
        // The numbers were checked to fit an i32 by BudgetRule::new.
        let as_int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO check_budget (daily_limit, max_counters, offline_share) \
             VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET daily_limit = excluded.daily_limit, \
             max_counters = excluded.max_counters, offline_share = excluded.offline_share",
            &[
                &as_int(rule.daily_limit),
                &as_int(rule.max_counters),
                &as_int(rule.offline_share),
            ],
        )
        .await?;
        upsert_role(&tx, &group, None).await?;
        upsert_role(&tx, &owner, owner_password).await?;
        let (g, o, d) = (ident(&group), ident(&owner), ident(&db));
        tx.batch_execute(&format!(
            "REVOKE ALL ON DATABASE {d} FROM PUBLIC; \
             GRANT CONNECT ON DATABASE {d} TO {g}, {o}; \
             GRANT USAGE ON SCHEMA public TO {g}, {o}; \
             REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {g}, {o}; \
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO {g}, {o}; \
             GRANT INSERT ON ledger_events, receipts, receipt_tenders, divergences TO {g}; \
             GRANT USAGE ON SEQUENCE divergences_id_seq TO {g}; \
             GRANT EXECUTE ON FUNCTION reserve_checks(text, date, integer) TO {g}; \
             GRANT EXECUTE ON FUNCTION set_shop_rate(integer) TO {o}; \
             GRANT EXECUTE ON FUNCTION add_shop_cashier(text, text), \
             disable_shop_cashier(text) TO {o};"
        ))
        .await?;
        for (terminal_id, password) in counters {
            register(&tx, &db, terminal_id, password).await?;
        }
        let counters = tx
            .query(
                "SELECT terminal_id, role_name FROM terminals ORDER BY terminal_id",
                &[],
            )
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_>>()?;
        tx.commit().await?;
        Ok(HubRoles {
            counter_group: group,
            owner,
            counters,
        })
    }

    /// Registers `terminal_id` with its own login role `<db>_<terminal>` in the counter group,
    /// or sets a new password for it. Returns the role's name. After [`Shop::init_hub`].
    pub async fn add_counter(&mut self, terminal_id: &str, password: &Password) -> Result<String> {
        check_terminal(terminal_id)?;
        let db = self.database().await?;
        let tx = self.client.transaction().await?;
        let role = register(&tx, &db, terminal_id, password).await?;
        tx.commit().await?;
        Ok(role)
    }
}

/// Makes or updates `terminal_id`'s login role in the counter group and registers it.
async fn register(
    tx: &impl GenericClient,
    db: &str,
    terminal_id: &str,
    password: &Password,
) -> Result<String> {
    let role = format!("{db}_{terminal_id}");
    upsert_role(tx, &role, Some(password)).await?;
    tx.batch_execute(&format!(
        "GRANT {} TO {}",
        ident(&format!("{db}_counter")),
        ident(&role)
    ))
    .await?;
    let known = tx
        .query_opt(
            "SELECT role_name FROM terminals WHERE terminal_id = $1",
            &[&terminal_id],
        )
        .await?;
    match known {
        Some(row) if row.try_get::<_, String>(0)? == role => {}
        Some(_) => {
            return Err(SyncError::BadInput {
                reason: format!("terminal {terminal_id} is registered with another role"),
            })
        }
        None => {
            tx.execute(
                "INSERT INTO terminals (terminal_id, role_name) VALUES ($1, $2)",
                &[&terminal_id, &role],
            )
            .await?;
        }
    }
    Ok(role)
}

/// Creates `role` or, when it exists, sets its password; a role without a password cannot log
/// in. Only the SCRAM verifier is sent.
async fn upsert_role(
    tx: &impl GenericClient,
    role: &str,
    password: Option<&Password>,
) -> Result<()> {
    let exists = tx
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
        .await?
        .is_some();
    let login = match password {
        // The verifier is base64 and `$`/`:` only: no quote can end the literal.
        Some(p) => format!("LOGIN PASSWORD '{}'", p.verifier()),
        None => "NOLOGIN".to_owned(),
    };
    let verb = if exists { "ALTER" } else { "CREATE" };
    tx.batch_execute(&format!(
        "{verb} ROLE {} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT",
        ident(role)
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows_in_debug_and_is_sent_as_a_verifier() {
        let p = Password::new("hunter2secret".into()).unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
        let v = p.verifier();
        assert!(v.starts_with("SCRAM-SHA-256$"), "{v}");
        assert!(!v.contains("hunter2") && !v.contains('\''), "{v}");
        assert!(Password::new(String::new()).is_err());
    }

    #[test]
    fn a_budget_whose_offline_shares_exceed_the_day_is_refused() {
        assert_eq!(BudgetRule::new(100, 4, 5).unwrap().hub_limit(), 80);
        assert!(BudgetRule::new(100, 4, 26).is_err());
        assert!(BudgetRule::new(100, 0, 0).is_err());
        assert!(BudgetRule::new(u32::MAX, 1, 0).is_err());
        assert_eq!(BudgetRule::new(10, 2, 5).unwrap().hub_limit(), 0);
    }

    #[test]
    fn terminal_ids_are_those_the_config_allows() {
        assert!(check_terminal("T1").is_ok());
        for bad in ["", "T1\"; DROP", "ABCDEFGHI", "t-1"] {
            assert!(check_terminal(bad).is_err(), "{bad}");
        }
    }
}
