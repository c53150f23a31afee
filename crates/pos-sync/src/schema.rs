//! Schema migrations of the shop database: numbered SQL files under `migrations/`, embedded,
//! applied in order in one transaction, each recorded in `schema_version`. A transaction-level
//! advisory lock serializes counters that start together, so each migration runs exactly once;
//! a database migrated by a newer build is refused. The files are append-only.

use tokio_postgres::Client;

use crate::{Result, SyncError};

/// The migrations, in order; migration `n` (1-based) brings the schema to version `n`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_shop.sql"),
    include_str!("../migrations/0002_budget_roles.sql"),
    include_str!("../migrations/0003_tenders.sql"),
    include_str!("../migrations/0004_checker.sql"),
    include_str!("../migrations/0005_shop_rates.sql"),
    include_str!("../migrations/0006_shop_cashiers.sql"),
];

/// The schema version this build writes: the number of migrations it knows.
// A handful of files: the count fits an i32 (PostgreSQL's integer) with room to spare.
#[allow(clippy::cast_possible_truncation)]
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// The advisory lock key held while migrating ("khqrpos" and 1): any constant works, as long
/// as nothing else in the database uses it.
const MIGRATION_LOCK: i64 = 0x6b68_7172_706f_7301;

/// Applies the migrations the database lacks, or refuses one from a newer build
/// ([`SyncError::TooNew`]), writing nothing then. Returns the schema version.
pub(crate) async fn migrate(client: &mut Client) -> Result<i32> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    // Looked up first: a counter's role may not create tables, even one that exists.
    let exists: bool = tx
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await?
        .try_get(0)?;
    if !exists {
        tx.batch_execute(
            "CREATE TABLE schema_version (\
                 version    integer     PRIMARY KEY CHECK (version > 0), \
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await
        .map_err(|e| behind(e, 0))?;
    }
    let found = current(&tx).await?;
    if found > SCHEMA_VERSION {
        return Err(SyncError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let applied = usize::try_from(found).unwrap_or_default();
    for (n, sql) in (1..).zip(MIGRATIONS).skip(applied) {
        tx.batch_execute(sql).await.map_err(|e| behind(e, found))?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&n])
            .await?;
    }
    tx.commit().await?;
    Ok(SCHEMA_VERSION)
}

/// A migration the connected role may not run (a counter's role, which owns no table) is
/// [`SyncError::NeedsUpgrade`]; any other failure stays what it is.
fn behind(e: tokio_postgres::Error, found: i32) -> SyncError {
    if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        SyncError::NeedsUpgrade {
            found,
            wanted: SCHEMA_VERSION,
        }
    } else {
        SyncError::Db(e)
    }
}

/// The newest migration applied, 0 for an empty `schema_version`.
async fn current(tx: &tokio_postgres::Transaction<'_>) -> Result<i32> {
    let row = tx
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
        .await?;
    Ok(row.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_migrations_are_never_edited() {
        use sha2::{Digest, Sha256};
        // sha256 of each released file (line ends normalized): a database already migrated
        // never runs an edited file again, so a change must be a new numbered migration.
        const RELEASED: &[&str] = &[
            "d50e6703146c3266592c9dd6ac451d91526ae44c67a527d63ec6e0822cec1ef7",
            "1defb788b7bb43e155ce7d3bf2d731587bb48b8a2d3256d4bdef406ba8cada54",
            "eb3a633bcb319dd5649dbcdfa2b5571583d28a09b196e73a63e54ebb51271ceb",
            "1308ffc305d34e134941a95e4e9fb76e9b496b4c546803e67110a9c5f33158d0",
            "c5ec3aa339a2296354e59a9a1da38297ce0bc3a87676fd312bd93269cf2044b3",
            "2ce8d70a4b6efb7ef9b25c83ec6817bf9fd20b8888ef3030ac5b0e89f3083e09",
        ];
        for (n, (sql, pinned)) in MIGRATIONS.iter().zip(RELEASED).enumerate() {
            let digest = hex::encode(Sha256::digest(sql.replace('\r', "")));
            assert_eq!(
                &digest,
                pinned,
                "migration {} was edited: add a new one instead",
                n + 1
            );
        }
        assert!(
            RELEASED.len() <= MIGRATIONS.len(),
            "a migration was removed"
        );
    }
}
