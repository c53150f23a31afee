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
    /// The shop database is older than this build and the connected role may not migrate it.
    #[error(
        "the shop database has schema version {found} and this program needs {wanted}: run \
         `khqr-pos hub init` with the owner's connection to upgrade it"
    )]
    NeedsUpgrade {
        /// Schema version found.
        found: i32,
        /// The version this build writes.
        wanted: i32,
    },
    /// An event offered for the shop database cannot be a true ledger event; nothing was
    /// written.
    #[error("event {seq} refused: {reason}")]
    BadEvent {
        /// The event's sequence number.
        seq: i64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The events of a batch are not in strictly increasing order; nothing was written.
    #[error("events must be pushed in order: {seq} follows {previous}")]
    OutOfOrder {
        /// The event out of place.
        seq: i64,
        /// The event before it.
        previous: i64,
    },
    /// The alarm: the shop database already holds a different event under this terminal and
    /// number. Nothing was overwritten; the divergence is recorded in the shop database.
    #[error(
        "terminal {terminal_id}: event {seq} differs from the one the shop database holds \
         under that number (ledger restored from an old backup, edited, or a terminal id used \
         twice): recorded as a divergence, nothing overwritten"
    )]
    Divergence {
        /// The terminal.
        terminal_id: String,
        /// The event's number.
        seq: i64,
    },
    /// The shop database holds an event of this terminal that the ledger does not have.
    #[error(
        "terminal {terminal_id}: the shop database holds events up to {high_water} that this \
         ledger lacks (restored from an old backup, or a terminal id used twice)"
    )]
    LedgerBehind {
        /// The terminal.
        terminal_id: String,
        /// The last event number the shop database holds.
        high_water: i64,
    },
    /// A receipt does not continue the chain stored for its terminal; nothing was written.
    #[error(
        "terminal {terminal_id}: receipt {number} does not follow the last stored receipt \
         {last} (a receipt missing, or the chain edited)"
    )]
    ChainBroken {
        /// The terminal.
        terminal_id: String,
        /// The receipt offered.
        number: i64,
        /// The last receipt number stored for the terminal (0 for none).
        last: i64,
    },
    /// The event below the stored high-water mark was never stored: the ledger's log has an
    /// event the shop database skipped past. Nothing was written.
    #[error(
        "terminal {terminal_id}: event {seq} is older than the {high_water} already pushed \
         but was never pushed"
    )]
    Gap {
        /// The terminal.
        terminal_id: String,
        /// The event.
        seq: i64,
        /// The last event number stored.
        high_water: i64,
    },
    /// A value read back from the shop database is not one this build writes.
    #[error("shop database {column} holds {value:?}, which is not valid")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// The value found.
        value: String,
    },
    /// An argument or setting cannot be used (a budget that does not add up, a bad terminal
    /// id, an empty password); nothing was written.
    #[error("{reason}")]
    BadInput {
        /// What is wrong, never a secret.
        reason: String,
    },
    /// The shop database did not answer in time; the caller may fall back to what it can do
    /// alone.
    #[error("the shop database did not answer within {ms} ms")]
    Timeout {
        /// How long was waited.
        ms: u64,
    },
    /// The shop's own PostgreSQL cluster could not be made, started or stopped.
    #[error("the shop database's cluster: {reason}")]
    Cluster {
        /// What went wrong (what the PostgreSQL program said), never a password.
        reason: String,
    },
    /// Reading the counter's own ledger failed.
    #[error("{0}")]
    Store(#[from] pos_store::StoreError),
    /// Reading the counter's own ledger through its owner (the POS core) failed.
    #[error("cannot read the ledger: {reason}")]
    Ledger {
        /// The owner's error, as text.
        reason: String,
    },
    /// PostgreSQL refused or failed an operation, or the link to it broke.
    #[error("shop database error: {}", server_says(.0))]
    Db(#[from] tokio_postgres::Error),
}

/// What the server said (its message and detail), or the client's own reason: the plain
/// `Display` of a server error is only "db error".
fn server_says(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = SyncError> = std::result::Result<T, E>;
