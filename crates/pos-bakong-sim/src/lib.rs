//! A local simulator of NBC's Bakong Open API, faithful to `shared/spec/bakong-open-api.md` §6:
//! the same `/v1` paths, envelopes and HTTP statuses; HS256 tokens with a configurable lifetime;
//! a virtual clock; a per-token daily quota; payments keyed by QR md5; and fault injection.
//!
//! [`start`] serves it on an ephemeral loopback port and returns a [`RunningSim`] with its URL,
//! an initial valid token, and in-process control (register a QR, pay, autopay, move the clock,
//! inject faults). The same controls are served over HTTP under `/__sim/` (see [`server`]).
#![warn(missing_docs)]

mod cli;
mod faults;
mod jwt;
pub mod server;
mod state;
mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use pos_domain::Money;
use serde::{Deserialize, Serialize};

pub use cli::{run, serve_forever, SimArgs};
pub use faults::{Fault, FaultRule, When};
pub use state::{Flags, ENDPOINTS};
pub use wire::Payment;

use state::State;

/// Why a control request or the server failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    /// A payment for an md5 with no registered amount and none given.
    #[error("no amount for md5 {md5}: register its QR or give an amount")]
    NoAmount {
        /// The md5 paid.
        md5: String,
    },
    /// The QR string does not decode as a KHQR.
    #[error("not a KHQR string: {0}")]
    BadQr(#[from] pos_khqr::KhqrError),
    /// The md5 is not 32 hex digits.
    #[error("{md5:?} is not an md5 (32 hex digits)")]
    BadMd5 {
        /// The text given.
        md5: String,
    },
    /// A control request body that does not parse.
    #[error("bad control request: {0}")]
    BadRequest(String),
}

/// How the simulator starts.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free one. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// The registered developer email that `renew_token` accepts.
    pub email: String,
    /// Lifetime of issued tokens (Bakong's is 90 days).
    pub token_lifetime: Duration,
    /// Authenticated calls per token per day before errorCode 17.
    pub daily_quota: u32,
    /// Where the quota day starts, as a UTC offset (Asia/Phnom_Penh is +7 h, no DST).
    pub quota_reset_utc_offset_minutes: i32,
    /// The payee of payments to QRs that name no account.
    pub merchant_account: String,
    /// The default payer.
    pub payer_account: String,
    /// Initial runtime switches.
    pub flags: Flags,
    /// Seed for tokens, hashes and fault probabilities; `None` for entropy.
    pub seed: Option<u64>,
    /// Initial virtual time (epoch ms); `None` for the wall clock.
    pub start_ms: Option<i64>,
    /// Pay every registered QR this long after registration (demo mode).
    pub autopay: Option<Duration>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            email: "dev@example.com".to_owned(),
            token_lifetime: Duration::from_secs(90 * 86_400),
            daily_quota: 100,
            quota_reset_utc_offset_minutes: 7 * 60,
            merchant_account: "merchant@devb".to_owned(),
            payer_account: "payer@abaa".to_owned(),
            flags: Flags {
                float_numbers: false,
                static_qr_error: false,
                revoke_previous_on_renew: false,
                accept_expired: false,
                sparse_fields: false,
            },
            seed: None,
            start_ms: None,
            autopay: None,
        }
    }
}

/// What the simulator knows about an issued QR.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QrInfo {
    /// The amount (tag 54 with tag 53); `None` makes it a static QR.
    pub amount: Option<Money>,
    /// The payee account (tag 29/30).
    pub account: Option<String>,
    /// Expiry (tag 99 sub-tag 01), epoch ms.
    pub expires_ms: Option<i64>,
}

/// Whether a simulated transfer succeeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayOutcome {
    /// The md5 lookup then answers with the transaction.
    #[default]
    Success,
    /// The md5 lookup then answers errorCode 3.
    Failed,
}

/// A simulated payment of a QR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayOptions {
    /// The md5 of the QR string paid.
    pub md5: String,
    /// Amount paid; defaults to the QR's (give another for the wrong-amount case).
    pub amount: Option<Money>,
    /// Payer; defaults to the configured payer.
    pub from_account_id: Option<String>,
    /// Payee; defaults to the QR's account (give another for the wrong-account case).
    pub to_account_id: Option<String>,
    /// Virtual time until the payer sends it.
    pub delay: Duration,
    /// Virtual time from sending to Bakong's acknowledgement.
    pub ack_delay: Duration,
    /// Success or failure.
    pub outcome: PayOutcome,
    /// 2 records a double payment (lookups still show only the first).
    pub times: u32,
    /// The payer's note.
    pub description: Option<String>,
    /// Record it even if it lands after the QR's expiry.
    pub accept_expired: bool,
}

impl PayOptions {
    /// A single immediate successful payment of the QR's own amount.
    pub fn new(md5: &str) -> Self {
        PayOptions {
            md5: md5.to_owned(),
            amount: None,
            from_account_id: None,
            to_account_id: None,
            delay: Duration::ZERO,
            ack_delay: Duration::from_secs(2),
            outcome: PayOutcome::Success,
            times: 1,
            description: None,
            accept_expired: false,
        }
    }
}

/// What [`SimHandle::pay`] recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayResult {
    /// The md5 paid (lower-case).
    pub md5: String,
    /// Hashes of the recorded transactions (empty when dropped as expired).
    pub hashes: Vec<String>,
    /// The payment would land after the QR's expiry and was not recorded.
    pub dropped_as_expired: bool,
}

/// In-process control of a running simulator. Cheap to clone; every method is synchronous
/// and quick, so it can be called from async code without blocking.
#[derive(Clone)]
pub struct SimHandle {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").finish_non_exhaustive()
    }
}

fn check_md5(md5: &str) -> Result<String, SimError> {
    if md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(md5.to_ascii_lowercase())
    } else {
        Err(SimError::BadMd5 {
            md5: md5.to_owned(),
        })
    }
}

impl SimHandle {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // State stays consistent between statements, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers an issued KHQR string as the POS showed it: its md5 becomes a lookup key and
    /// tags 54/53 (amount), 29/30 (account) and 99 (expiry) are remembered. A QR without an
    /// amount is static. Returns the md5.
    pub fn register_qr(&self, qr: &str) -> Result<String, SimError> {
        let decoded = pos_khqr::decode(qr)?;
        let md5 = pos_khqr::md5_hex(qr);
        let info = QrInfo {
            amount: decoded.amount(),
            account: decoded.bakong_account_id.clone(),
            expires_ms: decoded
                .expiration_ms()
                .and_then(|ms| i64::try_from(ms).ok()),
        };
        self.lock().register(&md5, info);
        Ok(md5)
    }

    /// Registers an issued QR by its md5 and what it carries.
    pub fn register_md5(&self, md5: &str, info: QrInfo) -> Result<(), SimError> {
        let md5 = check_md5(md5)?;
        self.lock().register(&md5, info);
        Ok(())
    }

    /// Records a payment; see [`PayOptions`].
    pub fn pay(&self, options: PayOptions) -> Result<PayResult, SimError> {
        let md5 = check_md5(&options.md5)?;
        self.lock().pay(&PayOptions { md5, ..options })
    }

    /// Pays every registered QR `after` its registration (`None` switches it off).
    pub fn set_autopay(&self, after: Option<Duration>) {
        self.lock().set_autopay(after);
    }

    /// The virtual time, epoch ms.
    pub fn now_ms(&self) -> i64 {
        self.lock().now_ms()
    }

    /// Sets the virtual time (it keeps running from there).
    pub fn set_now_ms(&self, now_ms: i64) {
        self.lock().set_now_ms(now_ms);
    }

    /// Moves the virtual time by `delta_ms` (negative moves it back).
    pub fn advance_ms(&self, delta_ms: i64) {
        self.lock().advance_ms(delta_ms);
    }

    /// Issues a token for the registered email, with the configured lifetime or `lifetime`.
    pub fn issue_token(&self, lifetime: Option<Duration>) -> String {
        let mut state = self.lock();
        let email = state.registered_email().to_owned();
        let lifetime_ms = lifetime.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        state.issue_token(&email, lifetime_ms)
    }

    /// Revokes a token: it answers 401 from now on.
    pub fn revoke_token(&self, token: &str) {
        self.lock().revoke(token);
    }

    /// Adds a fault rule; rules are tried in the order added, the first that fires wins.
    pub fn add_fault(&self, rule: FaultRule) {
        self.lock().add_fault(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.lock().clear_faults();
    }

    /// The current runtime switches.
    pub fn flags(&self) -> Flags {
        self.lock().flags()
    }

    /// Replaces the runtime switches.
    pub fn set_flags(&self, flags: Flags) {
        self.lock().set_flags(flags);
    }

    /// How many calls `/v1/{endpoint}` has received.
    pub fn calls(&self, endpoint: &str) -> u64 {
        self.lock().calls(endpoint)
    }

    /// Every payment recorded, in order.
    pub fn payments(&self) -> Vec<Payment> {
        self.lock().payments()
    }

    /// The code `request_token` "emailed" to `email`, for `verify`.
    pub fn verification_code(&self, email: &str) -> Option<String> {
        self.lock().verification_code(email)
    }
}

/// A simulator serving on loopback. Dropping it stops accepting connections.
#[derive(Debug)]
pub struct RunningSim {
    url: String,
    token: String,
    handle: SimHandle,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl RunningSim {
    /// The base URL, e.g. `http://127.0.0.1:41234` (the client appends `/v1/…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A valid token issued at start for the registered email.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// In-process control.
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }
}

impl std::ops::Deref for RunningSim {
    type Target = SimHandle;

    fn deref(&self) -> &SimHandle {
        &self.handle
    }
}

/// Binds `config.listen` and serves the simulator on the current tokio runtime.
pub async fn start(config: SimConfig) -> Result<RunningSim, SimError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(SimError::Serve)?;
    let mut state = State::new(&config);
    let email = config.email.clone();
    let token = state.issue_token(&email, None);
    state.set_autopay(config.autopay);
    let handle = SimHandle {
        state: Arc::new(Mutex::new(state)),
    };
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = server::router(handle.clone());
    tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            // Resolves when the RunningSim is dropped (sender gone) or told to stop.
            let _ = stopped.await;
        });
        if let Err(error) = serving.await {
            tracing::error!(%error, "simulator stopped");
        }
    });
    Ok(RunningSim {
        url: format!("http://{addr}"),
        token,
        handle,
        _shutdown: shutdown,
    })
}
