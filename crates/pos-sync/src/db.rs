//! [`ShopDb`]: where the shop database is and how to log in, kept on the Rust side. Its `Debug`
//! shows the host, port, database and user, never the password.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::config::Host;
use tokio_postgres::{AsyncMessage, Client, Config, NoTls};

use crate::tls::{self, Tls};
use crate::{Result, SyncError};

/// Runs a connection's I/O on a task of the current runtime, handing unasked messages to
/// `on_message`. A broken link surfaces as an error on the client's next call; nothing to add
/// here.
fn relay_messages<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    mut on_message: impl FnMut(AsyncMessage) + Send + 'static,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        while let Some(Ok(message)) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            on_message(message);
        }
    });
}

/// How long a connection attempt may take: the counter keeps selling meanwhile, and a shop LAN
/// answers in milliseconds when it answers at all.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The shop database's address and credentials, parsed from a `postgres://` URL or a
/// `key=value` connection string.
#[derive(Clone)]
pub struct ShopDb {
    config: Config,
    /// TLS as `sslmode` asked (`None`: a plain link).
    tls: Option<Tls>,
}

impl ShopDb {
    /// Parses a connection string. A parse failure names the problem, never the text.
    pub fn parse(url: &str) -> Result<ShopDb> {
        let (url, tls) = tls::split(url);
        let mut config = Config::from_str(&url).map_err(|e| SyncError::BadUrl {
            reason: e.to_string(),
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("khqr-pos");
        }
        Ok(ShopDb { config, tls })
    }

    /// Wraps a configuration built here (a cluster's private socket, say), with the same
    /// defaults as [`ShopDb::parse`].
    pub(crate) fn from_config(config: Config) -> ShopDb {
        let mut db = ShopDb { config, tls: None };
        db.config.connect_timeout(CONNECT_TIMEOUT);
        db.config.application_name("khqr-pos");
        db
    }

    /// Sets the name the connection shows in `pg_stat_activity` (a terminal id, say).
    pub fn with_application_name(mut self, name: &str) -> ShopDb {
        self.config.application_name(name);
        self
    }

    /// Opens a connection; its I/O runs on a task of the current tokio runtime and ends when
    /// the returned client is dropped.
    pub async fn connect(&self) -> Result<Client> {
        self.connect_with(|_| {}).await
    }

    /// [`ShopDb::connect`], handing each message the server sends unasked (a NOTIFY, a notice)
    /// to `on_message`, which is dropped when the link ends.
    pub(crate) async fn connect_with(
        &self,
        on_message: impl FnMut(AsyncMessage) + Send + 'static,
    ) -> Result<Client> {
        match &self.tls {
            None => {
                let (client, connection) = self.config.connect(NoTls).await?;
                relay_messages(connection, on_message);
                Ok(client)
            }
            Some(tls) => {
                let (client, connection) = self.config.connect(tls::connector(tls)?).await?;
                relay_messages(connection, on_message);
                Ok(client)
            }
        }
    }
}

impl fmt::Debug for ShopDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        f.debug_struct("ShopDb")
            .field("hosts", &hosts)
            .field("ports", &self.config.get_ports())
            .field("dbname", &self.config.get_dbname())
            .field("user", &self.config.get_user())
            .field("tls", &self.tls)
            .field(
                "password",
                &self.config.get_password().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_names_the_server_but_never_the_password() {
        let db = ShopDb::parse("postgres://counter1:s3cr%3At-pw@10.0.0.5:5433/shop").unwrap();
        let shown = format!("{db:?}");
        assert!(shown.contains("10.0.0.5"), "{shown}");
        assert!(shown.contains("counter1"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains("s3cr"), "{shown}");
        let shown = format!(
            "{:?}",
            ShopDb::parse("host=h user=u password=hunter2").unwrap()
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn a_connection_string_that_does_not_parse_is_refused_without_repeating_it() {
        for bad in [
            "postgres://u:hunter2@host:notaport/db",
            "host=h password=hunter2 frobnicate=1",
            "password='hunter2",
        ] {
            let err = ShopDb::parse(bad).unwrap_err();
            assert!(matches!(err, SyncError::BadUrl { .. }), "{bad}: {err:?}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
            assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
        }
    }
}
