//! [`BakongClient`]: one method per Bakong Open API endpoint, local validation before any
//! request, classification of every reply into a typed answer or a [`BakongError`], and the
//! token policy (renew once and retry once on 401/errorCode 6, never loop).
//!
//! The client never sleeps or polls: when to ask again is the caller's decision.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use pos_domain::Money;
use serde_json::json;
use serde_json::value::RawValue;

use crate::outcome::{AccountStatus, CheckOutcome, ListReport, SourceInfo};
use crate::wire::{excerpt, list_report, Envelope, ListKey};
use crate::{validate, BakongError, Token};

/// NBC's production host.
pub const PRODUCTION_URL: &str = "https://api-bakong.nbc.gov.kh";
/// NBC's SIT (sandbox) host; it issues its own tokens.
pub const SIT_URL: &str = "https://sit-api-bakong.nbc.gov.kh";
/// A request timeout in the 10–15 s range the spec recommends for a POS.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(12);

/// Where and how to reach Bakong.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing `/v1`, e.g. [`PRODUCTION_URL`] or a simulator's URL.
    pub base_url: String,
    /// Time allowed for each request, from sending to the last byte of the reply.
    pub timeout: Duration,
    /// The bearer token, if one was issued.
    pub token: Option<Token>,
    /// The registered developer email, needed to renew the token.
    pub email: Option<String>,
}

impl ClientConfig {
    /// A configuration for `base_url` with the default timeout and no token.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            timeout: DEFAULT_TIMEOUT,
            token: None,
            email: None,
        }
    }

    /// Sets the bearer token.
    pub fn with_token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// Sets the registered email used for renewal.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Called with every newly issued token, before the client uses it, so the caller can
/// persist it atomically (renewal may revoke the previous token).
pub type TokenListener = Arc<dyn Fn(&Token) + Send + Sync>;

/// Whether an endpoint takes the bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// Never sent (renew, deeplink, account_exist…).
    None,
    /// Sent when configured, not required (`check_bakong_account`).
    Optional,
    /// Required; a 401 triggers one renewal and one retry.
    Required,
}

/// An async client for the Bakong Open API. Cheap to share behind an `Arc`; all methods take
/// `&self`.
pub struct BakongClient {
    http: reqwest::Client,
    base_url: String,
    timeout: Duration,
    email: Option<String>,
    token: RwLock<Option<Token>>,
    listener: RwLock<Option<TokenListener>>,
    /// Serialises renewals so concurrent 401s renew once, not once each.
    renewing: tokio::sync::Mutex<()>,
    next_request: AtomicU64,
}

impl fmt::Debug for BakongClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BakongClient")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("token", &self.token())
            .finish_non_exhaustive()
    }
}

/// What came back over HTTP, before interpretation.
struct HttpReply {
    status: u16,
    json_content: bool,
    retry_after: Option<Duration>,
    body: String,
}

fn is_loopback(base_url: &str) -> bool {
    let rest = base_url.split("://").nth(1).unwrap_or(base_url);
    ["127.", "localhost", "[::1]"]
        .iter()
        .any(|prefix| rest.starts_with(prefix))
}

impl BakongClient {
    /// Builds a client. Fails only if the TLS backend cannot start or the URL has no scheme.
    pub fn new(config: ClientConfig) -> Result<Self, BakongError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(BakongError::InvalidInput {
                field: "base_url",
                reason: format!("{base_url:?} must start with http:// or https://"),
            });
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            // A redirect would carry the bearer token to a host we did not choose.
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(&base_url) {
            // A system proxy must never see simulator traffic (tests stay on loopback).
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| BakongError::Connect {
            detail: format!("cannot build the http client: {e}"),
        })?;
        Ok(BakongClient {
            http,
            base_url,
            timeout: config.timeout,
            email: config.email,
            token: RwLock::new(config.token),
            listener: RwLock::new(None),
            renewing: tokio::sync::Mutex::new(()),
            next_request: AtomicU64::new(1),
        })
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The current token, if any.
    pub fn token(&self) -> Option<Token> {
        self.token.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the token (e.g. after the operator pasted a new one).
    pub fn set_token(&self, token: Option<Token>) {
        *self.token.write().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// Registers the callback that receives every renewed token before it is used.
    pub fn on_token_renewed(&self, listener: TokenListener) {
        *self.listener.write().unwrap_or_else(|e| e.into_inner()) = Some(listener);
    }

    /// Whole days until the current token expires at `now` (Unix seconds).
    pub fn token_days_left(&self, now: i64) -> Option<i64> {
        self.token().and_then(|t| t.days_left(now))
    }

    // ---- endpoints -------------------------------------------------------------------------

    /// `POST /v1/request_token` (removed from the API in 2022; kept for old deployments).
    pub async fn request_token(
        &self,
        email: &str,
        organization: &str,
        project: &str,
    ) -> Result<(), BakongError> {
        validate::email(email)?;
        validate::text("organization", organization, 100)?;
        validate::text("project", project, 100)?;
        let body = json!({"email": email, "organization": organization, "project": project});
        self.call("request_token", body.to_string(), Auth::None, |env| {
            if env.is_success() {
                Ok(())
            } else {
                Err(env.failure())
            }
        })
        .await
    }

    /// `POST /v1/verify` with the emailed 20-character code; stores and returns the token.
    pub async fn verify(&self, code: &str) -> Result<Token, BakongError> {
        if code.chars().count() != 20 {
            return Err(BakongError::InvalidInput {
                field: "code",
                reason: "must be exactly 20 characters".into(),
            });
        }
        let body = json!({ "code": code }).to_string();
        let token = self
            .call("verify", body, Auth::None, |env| token_from(&env))
            .await?;
        self.install_token(&token);
        Ok(token)
    }

    /// `POST /v1/renew_token` with the configured email; stores the new token, hands it to the
    /// renewal listener and returns it. The old token is kept if renewal fails.
    pub async fn renew_token(&self) -> Result<Token, BakongError> {
        let _guard = self.renewing.lock().await;
        self.renew_locked().await
    }

    /// `POST /v1/check_transaction_by_md5`: the md5 of the exact KHQR string shown.
    pub async fn check_transaction_by_md5(&self, md5: &str) -> Result<CheckOutcome, BakongError> {
        let md5 = validate::hex("md5", md5, 32)?;
        self.check("check_transaction_by_md5", json!({ "md5": md5 }))
            .await
    }

    /// `POST /v1/check_transaction_by_hash`: the 64-hex transaction hash.
    pub async fn check_transaction_by_hash(&self, hash: &str) -> Result<CheckOutcome, BakongError> {
        let hash = validate::hex("hash", hash, 64)?;
        self.check("check_transaction_by_hash", json!({ "hash": hash }))
            .await
    }

    /// `POST /v1/check_transaction_by_short_hash`: the first 8 characters of the hash plus the
    /// exact amount and currency expected.
    pub async fn check_transaction_by_short_hash(
        &self,
        short_hash: &str,
        amount: Money,
    ) -> Result<CheckOutcome, BakongError> {
        let hash = validate::hex("short_hash", short_hash, 8)?;
        if amount.minor <= 0 {
            return Err(BakongError::InvalidInput {
                field: "amount",
                reason: "must be more than zero".into(),
            });
        }
        // The amount goes out as the exact decimal text, never through a float.
        let number =
            RawValue::from_string(amount.plain()).map_err(|e| BakongError::InvalidInput {
                field: "amount",
                reason: e.to_string(),
            })?;
        let body = json!({ "hash": hash, "amount": number, "currency": amount.currency.alpha() });
        self.check("check_transaction_by_short_hash", body).await
    }

    /// `POST /v1/check_transaction_by_instruction_ref`.
    pub async fn check_transaction_by_instruction_ref(
        &self,
        instruction_ref: &str,
    ) -> Result<CheckOutcome, BakongError> {
        validate::text("instruction_ref", instruction_ref, 255)?;
        let body = json!({ "instructionRef": instruction_ref });
        self.check("check_transaction_by_instruction_ref", body)
            .await
    }

    /// `POST /v1/check_transaction_by_external_ref` (the payer bank's reference).
    pub async fn check_transaction_by_external_ref(
        &self,
        external_ref: &str,
    ) -> Result<CheckOutcome, BakongError> {
        validate::text("external_ref", external_ref, 255)?;
        let body = json!({ "externalRef": external_ref });
        self.check("check_transaction_by_external_ref", body).await
    }

    /// `POST /v1/check_transaction_by_md5_list`: up to 50 md5s, answered per item.
    pub async fn check_transaction_by_md5_list(
        &self,
        md5s: &[&str],
    ) -> Result<ListReport, BakongError> {
        let keys = validate::list("md5", md5s, 32)?;
        self.check_list("check_transaction_by_md5_list", keys, ListKey::Md5)
            .await
    }

    /// `POST /v1/check_transaction_by_hash_list`: up to 50 hashes, answered per item.
    pub async fn check_transaction_by_hash_list(
        &self,
        hashes: &[&str],
    ) -> Result<ListReport, BakongError> {
        let keys = validate::list("hash", hashes, 64)?;
        self.check_list("check_transaction_by_hash_list", keys, ListKey::Hash)
            .await
    }

    /// `POST /v1/generate_deeplink_by_qr`: a short link that opens a banking app on the QR.
    pub async fn generate_deeplink_by_qr(
        &self,
        qr: &str,
        source_info: Option<&SourceInfo>,
    ) -> Result<String, BakongError> {
        validate::text("qr", qr, 1000)?;
        let mut body = json!({ "qr": qr });
        if let Some(info) = source_info {
            validate::text("app_icon_url", &info.app_icon_url, 1000)?;
            validate::text("app_name", &info.app_name, 100)?;
            validate::text("app_deep_link_callback", &info.app_deep_link_callback, 1000)?;
            body["sourceInfo"] = json!({
                "appIconUrl": info.app_icon_url,
                "appName": info.app_name,
                "appDeepLinkCallback": info.app_deep_link_callback,
            });
        }
        self.call(
            "generate_deeplink_by_qr",
            body.to_string(),
            Auth::None,
            |env| {
                if env.is_success() {
                    env.data_string("shortLink")
                } else {
                    Err(env.failure())
                }
            },
        )
        .await
    }

    /// `POST /v1/check_bakong_account` (the PDF's endpoint; sends the token when configured).
    pub async fn check_bakong_account(
        &self,
        account_id: &str,
    ) -> Result<AccountStatus, BakongError> {
        self.account("check_bakong_account", account_id, Auth::Optional)
            .await
    }

    /// `POST /v1/check_account_exist` (the endpoint NBC's own SDKs use; no token).
    pub async fn check_account_exist(
        &self,
        account_id: &str,
    ) -> Result<AccountStatus, BakongError> {
        self.account("check_account_exist", account_id, Auth::None)
            .await
    }

    // ---- internals -------------------------------------------------------------------------

    async fn check(
        &self,
        endpoint: &'static str,
        body: serde_json::Value,
    ) -> Result<CheckOutcome, BakongError> {
        self.call(endpoint, body.to_string(), Auth::Required, |env| {
            env.check_outcome()
        })
        .await
    }

    async fn check_list(
        &self,
        endpoint: &'static str,
        keys: Vec<String>,
        key: ListKey,
    ) -> Result<ListReport, BakongError> {
        let body = serde_json::Value::from(keys.clone()).to_string();
        self.call(endpoint, body, Auth::Required, |env| {
            list_report(&env, &keys, key)
        })
        .await
    }

    async fn account(
        &self,
        endpoint: &'static str,
        account_id: &str,
        auth: Auth,
    ) -> Result<AccountStatus, BakongError> {
        validate::text("account_id", account_id, 255)?;
        let body = json!({ "accountId": account_id }).to_string();
        self.call(endpoint, body, auth, |env| {
            if env.is_success() {
                return Ok(AccountStatus::Exists);
            }
            match env.error_code {
                Some(11) => Ok(AccountStatus::NotFound),
                Some(12) => Ok(AccountStatus::Invalid),
                _ => Err(env.failure()),
            }
        })
        .await
    }

    /// Sends one request and interprets the reply; for [`Auth::Required`] endpoints a refused
    /// token leads to one renewal and one retry, no more.
    async fn call<T>(
        &self,
        endpoint: &'static str,
        body: String,
        auth: Auth,
        interpret: impl Fn(Envelope<'_>) -> Result<T, BakongError>,
    ) -> Result<T, BakongError> {
        let token = match auth {
            Auth::None => None,
            Auth::Optional => self.token(),
            Auth::Required => Some(self.token().ok_or(BakongError::NoToken)?),
        };
        let first = self.once(endpoint, &body, token.as_ref(), &interpret).await;
        match (first, auth, token) {
            (Err(BakongError::Unauthorized { .. }), Auth::Required, Some(rejected))
                if self.email.is_some() =>
            {
                self.renew_after_rejection(&rejected)
                    .await
                    .map_err(|e| BakongError::RenewFailed(Box::new(e)))?;
                let fresh = self.token().ok_or(BakongError::NoToken)?;
                self.once(endpoint, &body, Some(&fresh), &interpret).await
            }
            (result, _, _) => result,
        }
    }

    /// Renews unless another task already replaced the rejected token meanwhile.
    async fn renew_after_rejection(&self, rejected: &Token) -> Result<(), BakongError> {
        let _guard = self.renewing.lock().await;
        if self.token().as_ref() != Some(rejected) {
            return Ok(());
        }
        self.renew_locked().await.map(|_| ())
    }

    async fn renew_locked(&self) -> Result<Token, BakongError> {
        let email = self.email.clone().ok_or(BakongError::NoEmail)?;
        let body = json!({ "email": email }).to_string();
        let token = self
            .once("renew_token", &body, None, &|env: Envelope<'_>| {
                token_from(&env)
            })
            .await?;
        self.install_token(&token);
        tracing::info!(expires_at = ?token.expires_at(), "bakong token renewed");
        Ok(token)
    }

    /// Hands a new token to the listener first, then starts using it.
    fn install_token(&self, token: &Token) {
        let listener = self
            .listener
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(listener) = listener {
            listener(token);
        }
        self.set_token(Some(token.clone()));
    }

    async fn once<T>(
        &self,
        endpoint: &'static str,
        body: &str,
        token: Option<&Token>,
        interpret: &impl Fn(Envelope<'_>) -> Result<T, BakongError>,
    ) -> Result<T, BakongError> {
        let request_id = format!(
            "bk-{:06}",
            self.next_request.fetch_add(1, Ordering::Relaxed)
        );
        let started = Instant::now();
        let reply = self.exchange(endpoint, body, token, &request_id).await;
        let latency_ms = started.elapsed().as_millis();
        let (status, outcome) = match reply {
            Ok(reply) => (
                Some(reply.status),
                classify(&reply).and_then(|env| {
                    tracing::info!(
                        endpoint,
                        request_id,
                        status = reply.status,
                        response_code = env.response_code,
                        error_code = ?env.error_code,
                        latency_ms,
                        "bakong reply"
                    );
                    interpret(env)
                }),
            ),
            Err(e) => (None, Err(e)),
        };
        if let Err(error) = &outcome {
            tracing::warn!(endpoint, request_id, status = ?status, latency_ms, %error, "bakong call failed");
        }
        outcome
    }

    /// The HTTP exchange alone: transport failures become errors, any status is a reply.
    async fn exchange(
        &self,
        endpoint: &'static str,
        body: &str,
        token: Option<&Token>,
        request_id: &str,
    ) -> Result<HttpReply, BakongError> {
        let url = format!("{}/v1/{endpoint}", self.base_url);
        let mut request = self
            .http
            .post(url)
            .timeout(self.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .header("X-Request-Id", request_id)
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                BakongError::Timeout {
                    after: self.timeout,
                }
            } else {
                BakongError::Connect {
                    detail: transport_detail(&e),
                }
            }
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let json_content = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response.bytes().await.map_err(transport)?;
        Ok(HttpReply {
            status,
            json_content,
            retry_after,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// A transport error with its chain of causes (reqwest alone says only "error sending request").
fn transport_detail(error: &reqwest::Error) -> String {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    detail
}

/// Sorts a reply by HTTP status and content into an envelope or an error.
fn classify(reply: &HttpReply) -> Result<Envelope<'_>, BakongError> {
    let status = reply.status;
    let body = reply.body.as_str();
    let as_envelope = || {
        if reply.json_content {
            Envelope::parse(body).ok()
        } else {
            None
        }
    };
    match status {
        200 => {
            if !reply.json_content {
                // Bakong always answers JSON; a 200 of anything else is a proxy or portal page,
                // so even a JSON-looking body is not trusted as a verdict.
                return Err(BakongError::Malformed {
                    reason: "reply is not application/json".into(),
                    excerpt: excerpt(body),
                });
            }
            Envelope::parse(body)
        }
        401 => Err(BakongError::Unauthorized {
            error_code: as_envelope().and_then(|e| e.error_code),
        }),
        429 => Err(BakongError::RateLimited {
            retry_after: reply.retry_after,
        }),
        403 => match as_envelope() {
            Some(env) if env.error_code == Some(6) => Err(BakongError::Unauthorized {
                error_code: Some(6),
            }),
            Some(env) => Err(env.failure()),
            None => Err(BakongError::RegionBlocked {
                excerpt: excerpt(body),
            }),
        },
        500..=599 => Err(BakongError::Server {
            status,
            excerpt: excerpt(body),
        }),
        // 400 and friends carry business errors (e.g. errorCode 5 or 10) as envelopes.
        _ => as_envelope().ok_or_else(|| BakongError::HttpStatus {
            status,
            excerpt: excerpt(body),
        }),
    }
}

fn token_from(env: &Envelope<'_>) -> Result<Token, BakongError> {
    if env.is_success() {
        env.data_string("token").map(Token::new)
    } else {
        Err(env.failure())
    }
}
