//! [`Shop`]: an open, migrated connection to the shop database, the handle every operation of
//! this crate goes through.

use tokio_postgres::Client;

use crate::{schema, Result, ShopDb};

/// A connection to the shop database whose schema is this build's.
pub struct Shop {
    pub(crate) client: Client,
}

impl Shop {
    /// Connects and applies the migrations the database lacks (once, whichever counter comes
    /// first); refuses a database from a newer build ([`crate::SyncError::TooNew`]).
    pub async fn open(db: &ShopDb) -> Result<Shop> {
        let mut client = db.connect().await?;
        schema::migrate(&mut client).await?;
        Ok(Shop { client })
    }

    /// Whether the connection is gone (the server or the link closed it): open a new one.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The schema version recorded in the database.
    pub async fn schema_version(&self) -> Result<i32> {
        let row = self
            .client
            .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
            .await?;
        Ok(row.try_get(0)?)
    }
}
