//! Fault injection: rules that pick calls (by endpoint, Nth call, next N calls, probability)
//! and what to do to them instead of, or on top of, the normal answer.

use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// When a rule fires, counted over the calls its endpoint filter matches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Every matching call.
    Always,
    /// Only the Nth matching call after the rule was added (1-based).
    Nth(u64),
    /// The next N matching calls.
    Next(u64),
    /// Each matching call with this probability (0.0–1.0), from the simulator's seeded RNG.
    Probability(f64),
}

/// What a firing rule does to the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Wait `ms` (plus up to `jitter_ms` more) of real time, then answer normally: also the
    /// "slow, then success" case.
    Latency {
        /// Fixed delay.
        ms: u64,
        /// Extra random delay, uniformly 0..=jitter_ms.
        #[serde(default, rename = "jitterMs")]
        jitter_ms: u64,
    },
    /// Never answer; the client has to time out.
    Hang,
    /// Send half of the normal body, then break the connection.
    Reset,
    /// An HTTP 5xx with an nginx-style HTML page, or an empty body.
    ServerError {
        /// 500, 502, 503 or 504.
        status: u16,
        /// Empty body instead of HTML.
        #[serde(default)]
        empty: bool,
    },
    /// HTTP 429, with a `Retry-After` header when given.
    RateLimited {
        /// Seconds for `Retry-After`.
        #[serde(default, rename = "retryAfterSecs")]
        retry_after_secs: Option<u64>,
    },
    /// A failure envelope with this errorCode (e.g. 7 or 9 on renew, 5 on bad fields).
    ErrorCode {
        /// The errorCode to answer.
        #[serde(rename = "errorCode")]
        error_code: i64,
        /// The HTTP status (200 unless given).
        #[serde(default = "ok_status")]
        status: u16,
    },
    /// HTTP 200 with errorCode 17, as if the daily quota were spent.
    QuotaExhausted,
    /// HTTP 403 with nginx's HTML, as production answers callers outside Cambodia.
    RegionBlocked,
    /// Revoke the presented token, then answer 401 with errorCode 6.
    TokenRevoked,
    /// HTTP 200, JSON content type, a body that is not JSON.
    MalformedJson,
    /// HTTP 200, the normal body cut in half.
    TruncatedJson,
    /// The normal body labelled `text/html`.
    WrongContentType,
    /// HTTP 200 with an HTML page (a captive portal or proxy).
    Html200,
    /// The normal answer with `responseCode` as a string (`"0"`).
    ResponseCodeString,
    /// The normal answer without the `errorCode` key.
    MissingErrorCode,
    /// The normal answer with a `data` object even when `responseCode` is 1.
    DataOnFailure,
    /// A list answer missing its last item.
    ListFewer,
    /// A list answer in reverse order.
    ListReordered,
}

fn ok_status() -> u16 {
    200
}

/// A fault and the calls it applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Endpoint name as in the path (`check_transaction_by_md5`); `None` for all of `/v1`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Which matching calls it hits.
    pub when: When,
    /// What happens to them.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule for one endpoint.
    pub fn on(endpoint: &str, when: When, fault: Fault) -> Self {
        FaultRule {
            endpoint: Some(endpoint.to_owned()),
            when,
            fault,
        }
    }

    /// A rule for every `/v1` endpoint.
    pub fn everywhere(when: When, fault: Fault) -> Self {
        FaultRule {
            endpoint: None,
            when,
            fault,
        }
    }
}

/// A rule with its counters.
#[derive(Debug)]
pub(crate) struct ActiveRule {
    pub(crate) rule: FaultRule,
    seen: u64,
    fired: u64,
}

impl ActiveRule {
    pub(crate) fn new(rule: FaultRule) -> Self {
        ActiveRule {
            rule,
            seen: 0,
            fired: 0,
        }
    }

    /// Counts a call to `endpoint` and says whether the rule fires on it.
    pub(crate) fn hit(&mut self, endpoint: &str, rng: &mut StdRng) -> bool {
        if self.rule.endpoint.as_deref().is_some_and(|e| e != endpoint) {
            return false;
        }
        self.seen += 1;
        let fires = match self.rule.when {
            When::Always => true,
            When::Nth(n) => self.seen == n,
            When::Next(n) => self.fired < n,
            When::Probability(p) => rng.gen_bool(p.clamp(0.0, 1.0)),
        };
        if fires {
            self.fired += 1;
        }
        fires
    }
}
