//! The HTTP face of the simulator: Bakong's `/v1/{endpoint}` paths, and the control API under
//! `/__sim/` that a production client never calls:
//!
//! | method and path | body | effect |
//! |---|---|---|
//! | `POST /__sim/qr` | `{"qr"}` or `{"md5","amount"?,"currency"?,"account"?,"expiresMs"?}` | register an issued QR (no amount = static); answers `{"md5"}` |
//! | `POST /__sim/pay` | `{"md5"\|"qr","amount"?,"currency"?,"fromAccountId"?,"toAccountId"?,"delayMs"?,"ackDelayMs"?,"outcome"?:"success"\|"failed","times"?,"description"?,"acceptExpired"?}` | record a payment |
//! | `POST /__sim/autopay` | `{"afterMs": N \| null}` | pay every registered QR N ms after registration |
//! | `POST /__sim/clock` | `{"nowMs"}` or `{"advanceMs"}` | move the virtual clock; answers `{"nowMs"}` |
//! | `POST /__sim/token` | `{"lifetimeMs"?}` | issue a token; answers `{"token"}` |
//! | `POST /__sim/revoke` | `{"token"}` | revoke a token |
//! | `POST /__sim/faults` | a [`FaultRule`] | add a fault rule |
//! | `DELETE /__sim/faults` | | remove all fault rules |
//! | `GET`/`POST /__sim/flags` | [`crate::Flags`] | read or replace the runtime switches |
//! | `GET /__sim/calls` | | calls received per endpoint |

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pos_domain::{Currency, Money};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::state::{Action, Reply, ENDPOINTS};
use crate::wire::nginx_page;
use crate::{FaultRule, Flags, PayOptions, PayOutcome, QrInfo, SimError, SimHandle};

/// The simulator's routes, sharing `handle`'s state.
pub fn router(handle: SimHandle) -> Router {
    Router::new()
        .route("/v1/{endpoint}", post(v1))
        .route("/__sim/qr", post(register_qr))
        .route("/__sim/pay", post(pay))
        .route("/__sim/autopay", post(autopay))
        .route("/__sim/clock", post(clock))
        .route("/__sim/token", post(token))
        .route("/__sim/revoke", post(revoke))
        .route("/__sim/faults", post(add_fault).delete(clear_faults))
        .route("/__sim/flags", get(get_flags).post(set_flags))
        .route("/__sim/calls", get(calls))
        .fallback(not_found)
        .with_state(handle)
}

fn send(reply: Reply) -> Response {
    let mut builder = Response::builder()
        .status(reply.status)
        .header(header::CONTENT_TYPE, reply.content_type);
    if let Some(secs) = reply.retry_after {
        builder = builder.header(header::RETRY_AFTER, secs.to_string());
    }
    builder
        .body(Body::from(reply.body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn not_found() -> Response {
    send(Reply {
        status: 404,
        content_type: "text/html",
        body: nginx_page(404, "Not Found"),
        retry_after: None,
    })
}

async fn v1(
    State(sim): State<SimHandle>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !ENDPOINTS.contains(&endpoint.as_str()) {
        return not_found().await;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let action = sim.lock().handle(&endpoint, bearer, &body);
    match action {
        Action::Send(reply) => send(reply),
        Action::Delay(wait, reply) => {
            tokio::time::sleep(wait).await;
            send(reply)
        }
        Action::Hang => std::future::pending().await,
        Action::Reset(reply) => {
            // Half the body, then an error: hyper aborts the connection mid-body.
            let mut bytes = reply.body.into_bytes();
            bytes.truncate(bytes.len() / 2);
            let chunks: [Result<Bytes, std::io::Error>; 2] = [
                Ok(Bytes::from(bytes)),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "simulated connection reset",
                )),
            ];
            Response::builder()
                .status(reply.status)
                .header(header::CONTENT_TYPE, reply.content_type)
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

fn refuse(error: SimError) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": error.to_string() })),
    )
        .into_response()
}

/// How `/__sim/qr` and `/__sim/pay` name their QR (a full string, or its md5) and the amount
/// they speak of: one shape, so the two calls accept the same keys.
#[derive(Deserialize)]
struct QrTarget {
    #[serde(default)]
    qr: Option<String>,
    #[serde(default)]
    md5: Option<String>,
    #[serde(default)]
    amount: Option<Value>,
    #[serde(default)]
    currency: Option<String>,
}

impl QrTarget {
    /// The amount named by `amount` (a JSON number or decimal string) and `currency`, if any.
    fn money(&self) -> Result<Option<Money>, SimError> {
        let Some(amount) = self.amount.as_ref().filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let text = match amount {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(SimError::BadRequest(format!(
                    "amount {other} is not a number"
                )))
            }
        };
        let currency: Currency = self
            .currency
            .as_deref()
            .ok_or_else(|| SimError::BadRequest("an amount needs a currency".into()))?
            .parse()
            .map_err(|e| SimError::BadRequest(format!("{e}")))?;
        Money::parse_decimal(&text, currency)
            .map(Some)
            .map_err(|e| SimError::BadRequest(e.to_string()))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QrRequest {
    #[serde(flatten)]
    target: QrTarget,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    expires_ms: Option<i64>,
}

async fn register_qr(State(sim): State<SimHandle>, Json(request): Json<QrRequest>) -> Response {
    let result = match (&request.target.qr, &request.target.md5) {
        (Some(qr), _) => sim.register_qr(qr),
        (None, Some(md5)) => request.target.money().and_then(|amount| {
            let info = QrInfo {
                amount,
                account: request.account,
                expires_ms: request.expires_ms,
            };
            sim.register_md5(md5, info)
                .map(|()| md5.to_ascii_lowercase())
        }),
        (None, None) => Err(SimError::BadRequest("give \"qr\" or \"md5\"".into())),
    };
    match result {
        Ok(md5) => Json(json!({ "md5": md5 })).into_response(),
        Err(error) => refuse(error),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PayRequest {
    #[serde(flatten)]
    target: QrTarget,
    #[serde(default)]
    from_account_id: Option<String>,
    #[serde(default)]
    to_account_id: Option<String>,
    #[serde(default)]
    delay_ms: u64,
    #[serde(default)]
    ack_delay_ms: Option<u64>,
    #[serde(default)]
    outcome: PayOutcome,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    accept_expired: bool,
}

async fn pay(State(sim): State<SimHandle>, Json(request): Json<PayRequest>) -> Response {
    let md5 = match (&request.target.qr, &request.target.md5) {
        (Some(qr), _) => sim.register_qr(qr),
        (None, Some(md5)) => Ok(md5.clone()),
        (None, None) => Err(SimError::BadRequest("give \"qr\" or \"md5\"".into())),
    };
    let result = md5.and_then(|md5| {
        let amount = request.target.money()?;
        let defaults = PayOptions::new(&md5);
        sim.pay(PayOptions {
            amount,
            from_account_id: request.from_account_id,
            to_account_id: request.to_account_id,
            delay: Duration::from_millis(request.delay_ms),
            ack_delay: request
                .ack_delay_ms
                .map_or(defaults.ack_delay, Duration::from_millis),
            outcome: request.outcome,
            times: request.times.unwrap_or(1),
            description: request.description,
            accept_expired: request.accept_expired,
            ..defaults
        })
    });
    match result {
        Ok(paid) => Json(paid).into_response(),
        Err(error) => refuse(error),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AutopayRequest {
    after_ms: Option<u64>,
}

async fn autopay(State(sim): State<SimHandle>, Json(request): Json<AutopayRequest>) -> Response {
    sim.set_autopay(request.after_ms.map(Duration::from_millis));
    Json(json!({ "afterMs": request.after_ms })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClockRequest {
    #[serde(default)]
    now_ms: Option<i64>,
    #[serde(default)]
    advance_ms: Option<i64>,
}

async fn clock(State(sim): State<SimHandle>, Json(request): Json<ClockRequest>) -> Response {
    if let Some(now) = request.now_ms {
        sim.set_now_ms(now);
    }
    if let Some(delta) = request.advance_ms {
        sim.advance_ms(delta);
    }
    Json(json!({ "nowMs": sim.now_ms() })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest {
    #[serde(default)]
    lifetime_ms: Option<u64>,
}

async fn token(State(sim): State<SimHandle>, Json(request): Json<TokenRequest>) -> Response {
    let token = sim.issue_token(request.lifetime_ms.map(Duration::from_millis));
    Json(json!({ "token": token })).into_response()
}

#[derive(Deserialize)]
struct RevokeRequest {
    token: String,
}

async fn revoke(State(sim): State<SimHandle>, Json(request): Json<RevokeRequest>) -> Response {
    sim.revoke_token(&request.token);
    Json(json!({})).into_response()
}

async fn add_fault(State(sim): State<SimHandle>, Json(rule): Json<FaultRule>) -> Response {
    sim.add_fault(rule);
    Json(json!({})).into_response()
}

async fn clear_faults(State(sim): State<SimHandle>) -> Response {
    sim.clear_faults();
    Json(json!({})).into_response()
}

async fn get_flags(State(sim): State<SimHandle>) -> Json<Flags> {
    Json(sim.flags())
}

async fn set_flags(State(sim): State<SimHandle>, Json(flags): Json<Flags>) -> Json<Flags> {
    sim.set_flags(flags);
    Json(flags)
}

async fn calls(State(sim): State<SimHandle>) -> Json<Value> {
    let counts: serde_json::Map<String, Value> = ENDPOINTS
        .iter()
        .map(|e| ((*e).to_owned(), Value::from(sim.calls(e))))
        .collect();
    Json(Value::Object(counts))
}
