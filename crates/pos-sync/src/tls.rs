//! TLS to the shop database for links beyond the shop's LAN: rustls (already the app's TLS for
//! Bakong) behind tokio-postgres's connector traits. The connection string says how, as libpq
//! does: `sslmode=require` encrypts and, like libpq, checks the server's certificate only when a
//! CA is named (`sslrootcert=FILE`); `sslmode=verify-full` (and `verify-ca`, checked as
//! strictly) checks the certificate's chain against `sslrootcert`, else the system's roots, and
//! its name against the host. Without `sslmode`, or with `disable`/`prefer`, the link is plain,
//! as on the shop's LAN before.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

use crate::{Result, SyncError};

/// The system's CA bundles (Debian and derivatives, then Fedora and derivatives).
const SYSTEM_ROOTS: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
];

/// How the server's certificate is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tls {
    /// `sslmode=require` without a CA: encrypted, the certificate not checked (libpq's
    /// meaning; it stops a listener on the wire, not an impostor).
    Encrypt,
    /// The chain against the CA (the file, else the system's roots) and the name.
    Verify(Option<PathBuf>),
}

/// Takes `sslmode` values tokio-postgres does not know (`verify-ca`, `verify-full`) and
/// `sslrootcert` out of a connection string (`key=value` or URL), leaving one tokio-postgres
/// parses (`sslmode=require` in their place). Returns the string and the TLS asked for, if any.
pub(crate) fn split(url: &str) -> (String, Option<Tls>) {
    let mut mode = None;
    let mut ca = None;
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let (head, params) = match url.split_once('?').filter(|_| is_url) {
        Some((head, query)) => (format!("{head}?"), query.split('&').collect::<Vec<_>>()),
        None => (String::new(), url.split_whitespace().collect()),
    };
    let mut kept = Vec::new();
    for param in params {
        match param.split_once('=') {
            Some(("sslrootcert", value)) => ca = Some(PathBuf::from(value.trim_matches('\''))),
            Some(("sslmode", value @ ("verify-ca" | "verify-full" | "require"))) => {
                mode = Some(value.to_owned());
                kept.push("sslmode=require");
            }
            _ => kept.push(param),
        }
    }
    let tls = match mode.as_deref() {
        Some("require") => Some(match ca {
            Some(file) => Tls::Verify(Some(file)),
            None => Tls::Encrypt,
        }),
        Some(_) => Some(Tls::Verify(ca)),
        None => None,
    };
    if tls.is_none() {
        return (url.to_owned(), None);
    }
    let text = if is_url {
        format!("{head}{}", kept.join("&"))
    } else {
        kept.join(" ")
    };
    (text, tls)
}

/// The rustls connector for `tls`; a CA file that cannot be read is a clear error.
pub(crate) fn connector(tls: &Tls) -> Result<MakeRustls> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| bad_tls(e.to_string()))?;
    let config = match tls {
        Tls::Encrypt => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth(),
        Tls::Verify(ca) => builder
            .with_root_certificates(roots(ca.as_deref())?)
            .with_no_client_auth(),
    };
    Ok(MakeRustls(Arc::new(config)))
}

fn bad_tls(reason: String) -> SyncError {
    SyncError::BadInput {
        reason: format!("TLS to the shop database: {reason}"),
    }
}

/// The CA certificates of `file`, else of the system's bundle.
fn roots(file: Option<&Path>) -> Result<RootCertStore> {
    let path = match file {
        Some(file) => file,
        None => SYSTEM_ROOTS
            .iter()
            .map(Path::new)
            .find(|p| p.is_file())
            .ok_or_else(|| {
                bad_tls("no system CA bundle here: name the CA with sslrootcert=FILE".into())
            })?,
    };
    let read = |e: String| bad_tls(format!("cannot read the CA file {}: {e}", path.display()));
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| read(e.to_string()))? {
        store
            .add(cert.map_err(|e| read(e.to_string()))?)
            .map_err(|e| read(e.to_string()))?;
    }
    if store.is_empty() {
        return Err(read("it holds no certificate".into()));
    }
    Ok(store)
}

/// `sslmode=require` without a CA: any certificate, the handshake's signatures still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Makes a TLS connector per connection, for the host connected to.
#[derive(Clone)]
pub(crate) struct MakeRustls(Arc<ClientConfig>);

impl<S> MakeTlsConnect<S> for MakeRustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = rustls::pki_types::InvalidDnsNameError;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, Self::Error> {
        Ok(RustlsConnect {
            name: ServerName::try_from(domain.to_owned())?,
            connector: tokio_rustls::TlsConnector::from(Arc::clone(&self.0)),
        })
    }
}

/// The TLS handshake with one host.
pub(crate) struct RustlsConnect {
    name: ServerName<'static>,
    connector: tokio_rustls::TlsConnector,
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let stream = self.connector.connect(self.name, stream).await?;
            Ok(RustlsStream(stream))
        })
    }
}

/// An encrypted link to the shop database.
pub(crate) struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM without channel binding: the password never travels either way.
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_tls_options_are_taken_out_of_both_forms_of_connection_string() {
        let plain = "postgres://u:p@h/shop";
        assert_eq!(split(plain), (plain.to_owned(), None));
        assert_eq!(
            split("postgres://u:p@h/shop?sslmode=verify-full&sslrootcert=/etc/shop-ca.pem"),
            (
                "postgres://u:p@h/shop?sslmode=require".to_owned(),
                Some(Tls::Verify(Some("/etc/shop-ca.pem".into())))
            )
        );
        assert_eq!(
            split("host=h user=u sslmode=require"),
            (
                "host=h user=u sslmode=require".to_owned(),
                Some(Tls::Encrypt)
            )
        );
        assert_eq!(
            split("host=h sslmode=verify-ca user=u").1,
            Some(Tls::Verify(None))
        );
        assert_eq!(
            split("host=h sslmode=disable").1,
            None,
            "disable stays plain"
        );
    }
}
