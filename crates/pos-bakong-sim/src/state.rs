//! The simulated Bakong itself, free of HTTP: tokens, virtual clock, quota, registered QRs,
//! payments, and the answer each endpoint gives, with faults applied.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pos_domain::{Currency, Money};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::faults::{ActiveRule, Fault, FaultRule};
use crate::wire::{self, Data, Envelope, Oddities, Payment, TxStyle};
use crate::{jwt, PayOptions, PayOutcome, PayResult, QrInfo, SimConfig, SimError};

/// Every `/v1` endpoint the simulator serves.
pub const ENDPOINTS: [&str; 13] = [
    "request_token",
    "verify",
    "renew_token",
    "check_transaction_by_md5",
    "check_transaction_by_hash",
    "check_transaction_by_short_hash",
    "check_transaction_by_instruction_ref",
    "check_transaction_by_external_ref",
    "check_transaction_by_md5_list",
    "check_transaction_by_hash_list",
    "generate_deeplink_by_qr",
    "check_bakong_account",
    "check_account_exist",
];

const MS_PER_DAY: i64 = 86_400_000;
const MAX_LIST: usize = 50;
const MSG_FOUND: &str = "Getting transaction successfully.";
const MSG_NOT_FOUND: &str = "Transaction could not be found. Please check and try again.";
const MSG_FAILED: &str = "Transaction failed.";
const MSG_STATIC: &str = "Sorry, the system does not support static QR code.";
const MSG_UNAUTHORIZED: &str = "Unauthorized, not yet requested for token or code invalid";
const MSG_BAD_REQUEST: &str = "Missing or invalid required fields";

/// Bakong's wording for an errorCode (from the spec's §2.12 table), for injected errors.
fn message_for(error_code: i64) -> &'static str {
    match error_code {
        1 => MSG_NOT_FOUND,
        2 => MSG_STATIC,
        3 => MSG_FAILED,
        4 => "Deep link provider failed",
        5 => MSG_BAD_REQUEST,
        6 => MSG_UNAUTHORIZED,
        7 => "Email server is down. Please try again later.",
        8 => "Email has already been registered",
        9 => "Cannot connect to server. Please try again later.",
        10 => "Not registered yet",
        11 => "Account ID not found",
        12 => "Account ID is invalid",
        _ => "Request failed",
    }
}

/// A reply ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    pub(crate) retry_after: Option<u64>,
}

const JSON: &str = "application/json";
const HTML: &str = "text/html";

impl Reply {
    fn json(status: u16, body: String) -> Self {
        Reply {
            status,
            content_type: JSON,
            body,
            retry_after: None,
        }
    }

    fn html(status: u16, body: String) -> Self {
        Reply {
            status,
            content_type: HTML,
            body,
            retry_after: None,
        }
    }
}

/// What the HTTP layer must do with a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Send(Reply),
    /// Wait this long of real time, then send.
    Delay(Duration, Reply),
    /// Never answer.
    Hang,
    /// Send the first half of the body, then break the connection.
    Reset(Reply),
}

#[derive(Debug, Clone)]
struct RegisteredQr {
    info: QrInfo,
    registered_ms: i64,
}

/// Runtime switches that the control API can flip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flags {
    /// Timestamps as `…000.0` instead of integers.
    pub float_numbers: bool,
    /// A single md5 lookup of a static QR answers errorCode 2 instead of "not found".
    pub static_qr_error: bool,
    /// Renewing revokes the account's earlier tokens.
    pub revoke_previous_on_renew: bool,
    /// Payments landing after a QR's expiry are recorded anyway.
    pub accept_expired: bool,
    /// Transactions leave null fields out and carry an extra field no client knows.
    #[serde(default)]
    pub sparse_fields: bool,
}

pub(crate) struct State {
    secret: Vec<u8>,
    rng: StdRng,
    clock_offset_ms: i64,
    token_lifetime_ms: i64,
    daily_quota: u32,
    quota_offset_ms: i64,
    email: String,
    merchant_account: String,
    payer_account: String,
    flags: Flags,
    /// Token ids issued per registered email, for revoke-on-renew.
    tokens_by_email: HashMap<String, Vec<String>>,
    revoked: HashSet<String>,
    quota_used: HashMap<(String, i64), u32>,
    qrs: HashMap<String, RegisteredQr>,
    payments: Vec<Payment>,
    /// (delay, virtual ms when autopay was switched on)
    autopay: Option<(i64, i64)>,
    faults: Vec<ActiveRule>,
    calls: HashMap<String, u64>,
    /// Codes "emailed" by request_token, awaiting verify.
    pending_codes: HashMap<String, String>,
}

fn system_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn bad_request() -> (u16, Envelope) {
    (400, Envelope::error(5, MSG_BAD_REQUEST))
}

/// What a lookup found.
enum Lookup<'a> {
    Paid(&'a Payment),
    Failed,
    Static,
    NotFound,
}

impl State {
    pub(crate) fn new(config: &SimConfig) -> Self {
        let mut rng = match config.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        let secret: Vec<u8> = (0..32).map(|_| rng.gen()).collect();
        let clock_offset_ms = config.start_ms.map_or(0, |start| start - system_ms());
        State {
            secret,
            rng,
            clock_offset_ms,
            token_lifetime_ms: millis(config.token_lifetime),
            daily_quota: config.daily_quota,
            quota_offset_ms: i64::from(config.quota_reset_utc_offset_minutes) * 60_000,
            email: config.email.clone(),
            merchant_account: config.merchant_account.clone(),
            payer_account: config.payer_account.clone(),
            flags: config.flags,
            tokens_by_email: HashMap::new(),
            revoked: HashSet::new(),
            quota_used: HashMap::new(),
            qrs: HashMap::new(),
            payments: Vec::new(),
            autopay: None,
            faults: Vec::new(),
            calls: HashMap::new(),
            pending_codes: HashMap::new(),
        }
    }

    // ---- clock, tokens, flags ----------------------------------------------------------------

    pub(crate) fn now_ms(&self) -> i64 {
        system_ms() + self.clock_offset_ms
    }

    pub(crate) fn set_now_ms(&mut self, now_ms: i64) {
        self.clock_offset_ms = now_ms - system_ms();
    }

    pub(crate) fn advance_ms(&mut self, delta_ms: i64) {
        self.clock_offset_ms = self.clock_offset_ms.saturating_add(delta_ms);
    }

    fn random_hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.gen_range(0..16)]))
            .collect()
    }

    fn random_digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.rng.gen_range(0..10u8)))
            .collect()
    }

    /// Issues a token for `email` valid for `lifetime_ms` from the virtual now.
    pub(crate) fn issue_token(&mut self, email: &str, lifetime_ms: Option<i64>) -> String {
        let id = self.random_hex(16);
        let iat = self.now_ms().div_euclid(1000);
        let exp = iat
            + lifetime_ms
                .unwrap_or(self.token_lifetime_ms)
                .div_euclid(1000);
        self.tokens_by_email
            .entry(email.to_owned())
            .or_default()
            .push(id.clone());
        // Signing with a fixed HS256 key only fails on a broken serializer; an empty token then
        // simply never authenticates.
        jwt::issue(&self.secret, &id, iat, exp).unwrap_or_default()
    }

    pub(crate) fn registered_email(&self) -> &str {
        &self.email
    }

    /// Revokes a token so that it answers 401 from now on. Unknown text is ignored.
    pub(crate) fn revoke(&mut self, token: &str) {
        if let Some(info) = jwt::read(&self.secret, token) {
            self.revoked.insert(info.id);
        }
    }

    pub(crate) fn flags(&self) -> Flags {
        self.flags
    }

    pub(crate) fn set_flags(&mut self, flags: Flags) {
        self.flags = flags;
    }

    pub(crate) fn set_autopay(&mut self, after: Option<Duration>) {
        let now = self.now_ms();
        self.autopay = after.map(|d| (millis(d), now));
    }

    pub(crate) fn add_fault(&mut self, rule: FaultRule) {
        self.faults.push(ActiveRule::new(rule));
    }

    pub(crate) fn clear_faults(&mut self) {
        self.faults.clear();
    }

    pub(crate) fn calls(&self, endpoint: &str) -> u64 {
        self.calls.get(endpoint).copied().unwrap_or(0)
    }

    pub(crate) fn verification_code(&self, email: &str) -> Option<String> {
        self.pending_codes
            .iter()
            .find(|(_, e)| e.as_str() == email)
            .map(|(code, _)| code.clone())
    }

    // ---- QRs and payments --------------------------------------------------------------------

    pub(crate) fn register(&mut self, md5: &str, info: QrInfo) {
        // Registering again (e.g. paying by QR string) keeps the original moment for autopay.
        let registered_ms = self
            .qrs
            .get(&md5.to_ascii_lowercase())
            .map_or_else(|| self.now_ms(), |q| q.registered_ms);
        self.qrs.insert(
            md5.to_ascii_lowercase(),
            RegisteredQr {
                info,
                registered_ms,
            },
        );
    }

    pub(crate) fn pay(&mut self, options: &PayOptions) -> Result<PayResult, SimError> {
        let created_ms = self.now_ms() + millis(options.delay);
        self.record_payment(options, created_ms)
    }

    /// Records the payment(s) of `options` as sent at `created_ms`, unless the QR had expired.
    fn record_payment(
        &mut self,
        options: &PayOptions,
        created_ms: i64,
    ) -> Result<PayResult, SimError> {
        let md5 = options.md5.to_ascii_lowercase();
        let qr = self.qrs.get(&md5).map(|q| q.info.clone());
        let amount = options
            .amount
            .or_else(|| qr.as_ref().and_then(|q| q.amount))
            .ok_or_else(|| SimError::NoAmount { md5: md5.clone() })?;
        let expired = qr
            .as_ref()
            .and_then(|q| q.expires_ms)
            .is_some_and(|expiry| created_ms > expiry);
        if expired && !(options.accept_expired || self.flags.accept_expired) {
            return Ok(PayResult {
                md5,
                hashes: Vec::new(),
                dropped_as_expired: true,
            });
        }
        let to_account_id = options
            .to_account_id
            .clone()
            .or_else(|| qr.and_then(|q| q.account))
            .unwrap_or_else(|| self.merchant_account.clone());
        let from_account_id = options
            .from_account_id
            .clone()
            .unwrap_or_else(|| self.payer_account.clone());
        let mut hashes = Vec::new();
        for _ in 0..options.times.max(1) {
            let payment = Payment {
                md5: Some(md5.clone()),
                hash: self.random_hex(64),
                from_account_id: from_account_id.clone(),
                to_account_id: to_account_id.clone(),
                amount,
                description: options.description.clone(),
                created_ms,
                acknowledged_ms: created_ms + millis(options.ack_delay),
                external_ref: format!("100FT{}", self.random_digits(11)),
                instruction_ref: self.random_digits(8),
                failed: options.outcome == PayOutcome::Failed,
            };
            hashes.push(payment.hash.clone());
            self.payments.push(payment);
        }
        Ok(PayResult {
            md5,
            hashes,
            dropped_as_expired: false,
        })
    }

    pub(crate) fn payments(&self) -> Vec<Payment> {
        self.payments.clone()
    }

    /// Pays every registered dynamic QR whose autopay moment has come, once.
    fn run_autopay(&mut self) {
        let Some((after, since)) = self.autopay else {
            return;
        };
        let now = self.now_ms();
        let due: Vec<(String, i64)> = self
            .qrs
            .iter()
            .filter(|(md5, qr)| {
                qr.info.amount.is_some()
                    && !self.payments.iter().any(|p| p.md5.as_deref() == Some(md5))
            })
            .map(|(md5, qr)| (md5.clone(), qr.registered_ms.max(since) + after))
            .filter(|(_, at)| *at <= now)
            .collect();
        for (md5, at) in due {
            // Lands at its due moment, not when someone looked. QRs without an amount were
            // filtered out above, so there is no error to handle.
            let _ = self.record_payment(&PayOptions::new(&md5), at);
        }
    }

    fn find_by_md5(&self, md5: &str, now: i64) -> Lookup<'_> {
        let md5 = md5.to_ascii_lowercase();
        let paid = self
            .payments
            .iter()
            .find(|p| p.md5.as_deref() == Some(md5.as_str()) && p.created_ms <= now);
        let is_static = self.qrs.get(&md5).is_some_and(|q| q.info.amount.is_none());
        match paid {
            _ if is_static => Lookup::Static,
            Some(p) if p.failed => Lookup::Failed,
            Some(p) => Lookup::Paid(p),
            None => Lookup::NotFound,
        }
    }

    fn find_by(&self, now: i64, matches: impl Fn(&Payment) -> bool) -> Lookup<'_> {
        match self
            .payments
            .iter()
            .find(|p| p.created_ms <= now && matches(p))
        {
            Some(p) if p.failed => Lookup::Failed,
            Some(p) => Lookup::Paid(p),
            None => Lookup::NotFound,
        }
    }

    // ---- the API -----------------------------------------------------------------------------

    /// Handles one `/v1/{endpoint}` call end to end, faults included.
    pub(crate) fn handle(&mut self, endpoint: &str, bearer: Option<&str>, body: &[u8]) -> Action {
        *self.calls.entry(endpoint.to_owned()).or_default() += 1;
        // Every rule sees every call (so "Nth call" counts stay true); the first that fires wins.
        let rng = &mut self.rng;
        let fired: Vec<Fault> = self
            .faults
            .iter_mut()
            .filter_map(|rule| rule.hit(endpoint, rng).then(|| rule.rule.fault.clone()))
            .collect();
        let fault = fired.into_iter().next();
        let mut odd = Oddities::default();
        match fault {
            Some(Fault::Hang) => return Action::Hang,
            Some(Fault::ServerError { status, empty }) => {
                let body = if empty {
                    String::new()
                } else {
                    wire::nginx_page(status, "Server Error")
                };
                return Action::Send(Reply::html(status, body));
            }
            Some(Fault::RateLimited { retry_after_secs }) => {
                let mut reply = Reply::html(429, wire::nginx_page(429, "Too Many Requests"));
                reply.retry_after = retry_after_secs;
                return Action::Send(reply);
            }
            Some(Fault::ErrorCode { error_code, status }) => {
                let envelope = Envelope::error(error_code, message_for(error_code));
                return Action::Send(Reply::json(status, wire::render(&envelope, odd)));
            }
            Some(Fault::QuotaExhausted) => {
                let envelope = self.quota_envelope();
                return Action::Send(Reply::json(200, wire::render(&envelope, odd)));
            }
            Some(Fault::RegionBlocked) => {
                return Action::Send(Reply::html(403, wire::nginx_page(403, "Forbidden")));
            }
            Some(Fault::TokenRevoked) => {
                if let Some(token) = bearer {
                    self.revoke(token);
                }
                let envelope = Envelope::error(6, MSG_UNAUTHORIZED);
                return Action::Send(Reply::json(401, wire::render(&envelope, odd)));
            }
            Some(Fault::MalformedJson) => {
                let body = r#"{"responseCode":0,"responseMessage":,"data":{hash}"#.to_owned();
                return Action::Send(Reply::json(200, body));
            }
            Some(Fault::Html200) => {
                let body =
                    "<html><body><h1>Welcome</h1><p>Please log in to continue.</p></body></html>";
                return Action::Send(Reply::html(200, body.to_owned()));
            }
            Some(Fault::ResponseCodeString) => odd.code_as_string = true,
            Some(Fault::MissingErrorCode) => odd.missing_error_code = true,
            Some(Fault::DataOnFailure) => odd.data_on_failure = true,
            Some(Fault::ListFewer) => odd.list_fewer = true,
            Some(Fault::ListReordered) => odd.list_reordered = true,
            Some(
                Fault::Latency { .. }
                | Fault::Reset
                | Fault::TruncatedJson
                | Fault::WrongContentType,
            )
            | None => {}
        }
        let (status, envelope) = self.answer(endpoint, bearer, body);
        let mut reply = Reply::json(status, wire::render(&envelope, odd));
        match fault {
            Some(Fault::Latency { ms, jitter_ms }) => {
                let extra = if jitter_ms == 0 {
                    0
                } else {
                    self.rng.gen_range(0..=jitter_ms)
                };
                Action::Delay(Duration::from_millis(ms.saturating_add(extra)), reply)
            }
            Some(Fault::Reset) => Action::Reset(reply),
            Some(Fault::TruncatedJson) => {
                let cut = reply.body.len() / 2;
                reply.body.truncate(cut);
                Action::Send(reply)
            }
            Some(Fault::WrongContentType) => {
                reply.content_type = HTML;
                Action::Send(reply)
            }
            _ => Action::Send(reply),
        }
    }

    fn quota_envelope(&self) -> Envelope {
        let message = format!(
            "Daily request limit of {} exceeded. Please try again tomorrow.",
            self.daily_quota
        );
        Envelope::error(17, &message)
    }

    /// Checks the bearer token and counts it against its daily quota.
    fn authorize(&mut self, bearer: Option<&str>) -> Result<(), (u16, Envelope)> {
        let unauthorized = || (401, Envelope::error(6, MSG_UNAUTHORIZED));
        let info = bearer
            .and_then(|t| jwt::read(&self.secret, t))
            .ok_or_else(unauthorized)?;
        let now = self.now_ms();
        if info.exp.saturating_mul(1000) <= now || self.revoked.contains(&info.id) {
            return Err(unauthorized());
        }
        let day = (now + self.quota_offset_ms).div_euclid(MS_PER_DAY);
        let used = self.quota_used.entry((info.id, day)).or_default();
        *used += 1;
        if *used > self.daily_quota {
            return Err((200, self.quota_envelope()));
        }
        Ok(())
    }

    /// The normal answer of an endpoint: HTTP status and envelope.
    fn answer(&mut self, endpoint: &str, bearer: Option<&str>, body: &[u8]) -> (u16, Envelope) {
        let Ok(request) = serde_json::from_slice::<Value>(body) else {
            return bad_request();
        };
        let text = |field: &str| {
            request
                .get(field)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        match endpoint {
            "request_token" => {
                self.request_token(text("email"), text("organization"), text("project"))
            }
            "verify" => self.verify(text("code")),
            "renew_token" => self.renew(text("email")),
            "generate_deeplink_by_qr" => self.deeplink(&request),
            "check_bakong_account" | "check_account_exist" => self.account(text("accountId")),
            _ => {
                if let Err(refused) = self.authorize(bearer) {
                    return refused;
                }
                self.run_autopay();
                self.check(endpoint, &request)
            }
        }
    }

    fn request_token(
        &mut self,
        email: Option<String>,
        organization: Option<String>,
        project: Option<String>,
    ) -> (u16, Envelope) {
        let (Some(email), Some(_), Some(_)) = (email, organization, project) else {
            return bad_request();
        };
        if email.eq_ignore_ascii_case(&self.email) {
            return (200, Envelope::error(8, "Email has already been registered"));
        }
        let code: String = (0..20)
            .map(|_| char::from(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[self.rng.gen_range(0..32)]))
            .collect();
        self.pending_codes.insert(code, email);
        (200, Envelope::ok("Email has been sent", Data::Null))
    }

    fn verify(&mut self, code: Option<String>) -> (u16, Envelope) {
        let Some(code) = code.filter(|c| c.chars().count() == 20) else {
            return bad_request();
        };
        match self.pending_codes.remove(&code) {
            Some(email) => {
                let token = self.issue_token(&email, None);
                self.token_envelope(&token)
            }
            None => (401, Envelope::error(6, MSG_UNAUTHORIZED)),
        }
    }

    fn token_envelope(&self, token: &str) -> (u16, Envelope) {
        let data = serde_json::json!({ "token": token }).to_string();
        (200, Envelope::ok("Token has been issued", Data::Raw(data)))
    }

    fn renew(&mut self, email: Option<String>) -> (u16, Envelope) {
        let Some(email) = email else {
            return bad_request();
        };
        let known =
            email.eq_ignore_ascii_case(&self.email) || self.tokens_by_email.contains_key(&email);
        if !known {
            return (200, Envelope::error(10, "Not registered yet"));
        }
        if self.flags.revoke_previous_on_renew {
            let previous = self
                .tokens_by_email
                .get(&email)
                .cloned()
                .unwrap_or_default();
            self.revoked.extend(previous);
        }
        let token = self.issue_token(&email, None);
        self.token_envelope(&token)
    }

    fn deeplink(&mut self, request: &Value) -> (u16, Envelope) {
        let qr = request.get("qr").and_then(Value::as_str).unwrap_or("");
        if qr.trim().is_empty() {
            return bad_request();
        }
        if let Some(info) = request.get("sourceInfo").filter(|v| !v.is_null()) {
            let complete = ["appIconUrl", "appName", "appDeepLinkCallback"]
                .iter()
                .all(|f| {
                    info.get(f)
                        .and_then(Value::as_str)
                        .is_some_and(|s| !s.is_empty())
                });
            if !complete {
                return bad_request();
            }
        }
        let code: String = (0..10)
            .map(|_| {
                char::from(
                    b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"[self.rng.gen_range(0..48)],
                )
            })
            .collect();
        let data =
            serde_json::json!({ "shortLink": format!("https://bakongsit.page.link/{code}") });
        (
            200,
            Envelope::ok(
                "Getting deep link successfully",
                Data::Raw(data.to_string()),
            ),
        )
    }

    fn account(&self, account_id: Option<String>) -> (u16, Envelope) {
        let Some(account_id) = account_id else {
            return bad_request();
        };
        let well_formed = account_id.split_once('@').is_some_and(|(name, bank)| {
            let ok = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            };
            ok(name) && ok(bank)
        });
        if !well_formed {
            return (200, Envelope::error(12, "Account ID is invalid"));
        }
        let exists = account_id == self.merchant_account
            || account_id == self.payer_account
            || self
                .qrs
                .values()
                .any(|q| q.info.account.as_deref() == Some(account_id.as_str()))
            || self
                .payments
                .iter()
                .any(|p| p.to_account_id == account_id || p.from_account_id == account_id);
        if exists {
            (200, Envelope::ok("Account ID exists", Data::Null))
        } else {
            (200, Envelope::error(11, "Account ID not found"))
        }
    }

    fn check(&self, endpoint: &str, request: &Value) -> (u16, Envelope) {
        let now = self.now_ms();
        let field = |name: &str| {
            request
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        };
        let (found, detailed) = match endpoint {
            "check_transaction_by_md5" => match field("md5") {
                Some(md5) => (self.find_by_md5(&md5, now), false),
                None => return bad_request(),
            },
            "check_transaction_by_hash" => match field("hash") {
                Some(hash) => (self.find_by(now, |p| p.hash == hash), true),
                None => return bad_request(),
            },
            "check_transaction_by_short_hash" => {
                let amount = request
                    .get("currency")
                    .and_then(Value::as_str)
                    .and_then(|c| {
                        let currency: Currency = c.parse().ok()?;
                        let number = request.get("amount")?.as_number()?.to_string();
                        Money::parse_decimal(&number, currency).ok()
                    });
                match (field("hash").filter(|h| h.len() == 8), amount) {
                    (Some(short), Some(amount)) => (
                        self.find_by(now, |p| p.hash.starts_with(&short) && p.amount == amount),
                        true,
                    ),
                    _ => return bad_request(),
                }
            }
            "check_transaction_by_instruction_ref" => {
                match request.get("instructionRef").and_then(Value::as_str) {
                    Some(r) => (self.find_by(now, |p| p.instruction_ref == r), true),
                    None => return bad_request(),
                }
            }
            "check_transaction_by_external_ref" => {
                match request.get("externalRef").and_then(Value::as_str) {
                    Some(r) => (self.find_by(now, |p| p.external_ref == r), true),
                    None => return bad_request(),
                }
            }
            "check_transaction_by_md5_list" | "check_transaction_by_hash_list" => {
                return self.check_list(endpoint, request, now);
            }
            _ => return (404, Envelope::error(5, "Unknown endpoint")),
        };
        let envelope = match found {
            Lookup::Paid(p) => Envelope::ok(
                MSG_FOUND,
                Data::Raw(wire::transaction(p, self.tx_style(detailed))),
            ),
            Lookup::Failed => Envelope::error(3, MSG_FAILED),
            Lookup::Static if self.flags.static_qr_error => Envelope::error(2, MSG_STATIC),
            Lookup::Static | Lookup::NotFound => Envelope::error(1, MSG_NOT_FOUND),
        };
        (200, envelope)
    }

    fn tx_style(&self, detailed: bool) -> TxStyle {
        TxStyle {
            detailed,
            float_numbers: self.flags.float_numbers,
            sparse: self.flags.sparse_fields,
        }
    }

    fn check_list(&self, endpoint: &str, request: &Value, now: i64) -> (u16, Envelope) {
        let Some(keys) = request.as_array().and_then(|items| {
            items
                .iter()
                .map(|v| v.as_str().map(str::to_ascii_lowercase))
                .collect::<Option<Vec<String>>>()
        }) else {
            return bad_request();
        };
        if keys.is_empty() || keys.len() > MAX_LIST {
            return bad_request();
        }
        let by_md5 = endpoint == "check_transaction_by_md5_list";
        let items = keys
            .iter()
            .map(|key| {
                let (key_name, found) = if by_md5 {
                    ("md5", self.find_by_md5(key, now))
                } else {
                    ("hash", self.find_by(now, |p| &p.hash == key))
                };
                let (status, message, data) = match found {
                    Lookup::Paid(p) => (
                        "SUCCESS",
                        MSG_FOUND,
                        Some(wire::transaction(p, self.tx_style(!by_md5))),
                    ),
                    Lookup::Failed => ("FAILED", MSG_FAILED, None),
                    Lookup::Static => ("STATIC_QR", MSG_STATIC, None),
                    Lookup::NotFound => ("NOT_FOUND", MSG_NOT_FOUND, None),
                };
                wire::list_item(key_name, key, status, message, data)
            })
            .collect();
        (200, Envelope::ok(MSG_FOUND, Data::List(items)))
    }
}
