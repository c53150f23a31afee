//! [`SyncError`]: every way talking to the shop database can fail, with the data to say why.

/// A shop-database failure.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The connection string does not parse. The text is never repeated: it may hold a
    /// password.
    #[error("the shop database address does not parse: {reason}")]
    BadUrl {
        /// What the parser refused (an option name, never a value).
        reason: String,
    },
    /// The shop database was migrated by a newer version of the program.
    #[error(
        "the shop database has schema version {found}, newer than the {supported} this program \
         knows: update khqr-pos on this counter"
    )]
    TooNew {
        /// Schema version found in the database.
        found: i32,
        /// The newest version this build knows.
        supported: i32,
    },
    /// PostgreSQL refused or failed an operation, or the link to it broke.
    #[error("shop database error: {0}")]
    Db(#[from] tokio_postgres::Error),
}

/// Shorthand for results of this crate.
pub type Result<T, E = SyncError> = std::result::Result<T, E>;
