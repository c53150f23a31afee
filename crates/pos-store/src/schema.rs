//! Schema migrations: numbered SQL files under `migrations/`, applied in order inside one
//! transaction, with the number applied so far kept in SQLite's `user_version`. The files are
//! append-only: a released file is never edited, a change is a new file.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Result, StoreError};

/// The migrations, in order; migration `n` (1-based) brings the schema to version `n`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_ledger.sql"),
    include_str!("../migrations/0002_cash_shifts.sql"),
    include_str!("../migrations/0003_accepted_unverified.sql"),
    include_str!("../migrations/0004_cash_sales.sql"),
    include_str!("../migrations/0005_print_jobs.sql"),
];

/// The schema version this build writes: the number of migrations it knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Reads `user_version`, the number of migrations applied to this file.
pub(crate) fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Applies the migrations the file lacks, or refuses a file from a newer build. The immediate
/// transaction keeps two programs opening a fresh file at once from migrating it twice.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let applied = usize::try_from(found).unwrap_or_default();
    for sql in MIGRATIONS.iter().skip(applied) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_to_an_empty_database_and_leaves_it_consistent() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let check: String = conn
            .pragma_query_value(None, "integrity_check", |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        // Running again on an up-to-date file applies nothing and fails nothing.
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn released_migrations_are_never_edited() {
        use sha2::{Digest, Sha256};
        // sha256 of each released file (line ends normalized): a ledger already migrated
        // never runs an edited file again, so a change must be a new numbered migration.
        const RELEASED: &[&str] = &[
            "4de0d2e27a8d1901db7da5321c6677d1ca233610ff76db8a5511917fe0a48caf",
            "e7248b5007e19eb5a907b16be2f9477c62e678c6e67097b891d2a3691a772bc0",
            "df8b822475522b0c48aa577ab0223176fb533db33293e5297a61412338304d6a",
            "e2deec043bffb06ce319fdf3a791270a7032071ea3d38117f748a8f2764c433a",
            "df44d65a05e1eeebec81b9967658d74221d7141287ed65496c0cce579d4e117c",
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

    #[test]
    fn migrations_are_applied_one_at_a_time_from_any_earlier_version() {
        for start in 0..MIGRATIONS.len() {
            let mut conn = Connection::open_in_memory().unwrap();
            for sql in &MIGRATIONS[..start] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", start as i64)
                .unwrap();
            migrate(&mut conn).unwrap();
            assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        }
    }
}
