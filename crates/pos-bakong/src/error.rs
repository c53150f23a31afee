//! [`BakongError`]: every way a call to the Bakong Open API can fail to give an answer.
//!
//! None of these means "not paid". A transaction check that did not reach a verdict is an
//! error here, never [`crate::CheckOutcome::NotFound`], so a caller cannot mistake an outage,
//! a spent quota or an expired token for an unpaid sale.

use std::time::Duration;

/// Why a call produced no answer. Messages are lower-case and never contain the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakongError {
    /// The input was refused locally, before any request was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// Which argument was wrong.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The endpoint needs a bearer token and none is configured.
    #[error("no bakong token is configured")]
    NoToken,
    /// Renewal needs the registered developer email and none is configured.
    #[error("no registered email is configured, so the token cannot be renewed")]
    NoEmail,
    /// HTTP 401 or errorCode 6: the token is missing, invalid, expired or revoked.
    #[error("unauthorized: the bakong token is invalid, expired or revoked")]
    Unauthorized {
        /// The errorCode in the reply, when it was JSON (Bakong sends 6).
        error_code: Option<i64>,
    },
    /// The token was rejected and the one renewal attempt failed as well.
    #[error("token renewal failed: {0}")]
    RenewFailed(Box<BakongError>),
    /// errorCode 10: the email is not a registered developer.
    #[error("the email is not registered with bakong")]
    NotRegistered,
    /// errorCode 17: the token's daily request quota is spent.
    #[error("daily request quota exceeded: {message}")]
    QuotaExceeded {
        /// Bakong's message, e.g. "Daily request limit of 100 exceeded…".
        message: String,
    },
    /// HTTP 429.
    #[error("rate limited by bakong (retry after {retry_after:?})")]
    RateLimited {
        /// The `Retry-After` header in seconds, when the reply had one.
        retry_after: Option<Duration>,
    },
    /// HTTP 403 with a non-JSON body: the network edge refused the caller (production only
    /// answers callers in Cambodia).
    #[error("blocked by the network edge (http 403), likely a region block")]
    RegionBlocked {
        /// The start of the body, for the operator.
        excerpt: String,
    },
    /// HTTP 5xx.
    #[error("bakong server error (http {status})")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// Any other HTTP status whose body is not a Bakong envelope.
    #[error("unexpected http status {status}")]
    HttpStatus {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// No complete reply within the request timeout.
    #[error("no reply within {after:?}")]
    Timeout {
        /// The timeout that ran out.
        after: Duration,
    },
    /// The connection could not be made, or broke before the reply was complete.
    #[error("connection failed: {detail}")]
    Connect {
        /// What the transport reported.
        detail: String,
    },
    /// The reply was not a well-formed Bakong envelope.
    #[error("malformed reply ({reason}): {excerpt:?}")]
    Malformed {
        /// What did not parse.
        reason: String,
        /// The start of the body.
        excerpt: String,
    },
    /// Bakong answered with an error this call does not expect (e.g. errorCode 5, 7, 9).
    #[error("bakong refused the request (errorCode {error_code:?}): {message}")]
    Api {
        /// The errorCode, if the envelope had one.
        error_code: Option<i64>,
        /// Bakong's message.
        message: String,
    },
    /// A list reply had no item for this key.
    #[error("the list reply has no item for {key}")]
    MissingItem {
        /// The md5 or hash that was asked for.
        key: String,
    },
    /// A list item with status `SERVICE_FAILED`.
    #[error("bakong could not check this item: {message}")]
    ServiceFailed {
        /// Bakong's message for the item.
        message: String,
    },
}

impl BakongError {
    /// Whether asking again later may give an answer: outages, timeouts, rate limits and
    /// broken replies, but not bad input, a spent quota or a refused token.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            BakongError::RateLimited { .. }
                | BakongError::Server { .. }
                | BakongError::Timeout { .. }
                | BakongError::Connect { .. }
                | BakongError::Malformed { .. }
                | BakongError::ServiceFailed { .. }
                | BakongError::MissingItem { .. }
        )
    }
}
