//! The exact bytes the simulator sends: envelopes in Bakong's key order, transactions as in the
//! spec's samples, and the HTML pages an edge proxy answers with.

use pos_domain::Money;

/// A payment the simulator recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The md5 of the QR it paid, when it paid one.
    pub md5: Option<String>,
    /// 64 hex; the first 8 are the short hash.
    pub hash: String,
    /// The payer's account.
    pub from_account_id: String,
    /// The payee's account.
    pub to_account_id: String,
    /// The amount paid.
    pub amount: Money,
    /// The payer's note.
    pub description: Option<String>,
    /// When the payer sent it (virtual epoch ms); invisible to lookups before then.
    pub created_ms: i64,
    /// When Bakong recorded it.
    pub acknowledged_ms: i64,
    /// The payer bank's reference.
    pub external_ref: String,
    /// Bakong's instruction reference.
    pub instruction_ref: String,
    /// A failed transfer (errorCode 3) instead of a successful one.
    pub failed: bool,
}

/// The payload of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Data {
    Null,
    /// Pre-rendered JSON.
    Raw(String),
    /// Pre-rendered JSON items of a list answer.
    List(Vec<String>),
}

/// An envelope before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    pub(crate) code: i64,
    pub(crate) message: String,
    pub(crate) error_code: Option<i64>,
    pub(crate) data: Data,
}

impl Envelope {
    pub(crate) fn ok(message: &str, data: Data) -> Self {
        Envelope {
            code: 0,
            message: message.to_owned(),
            error_code: None,
            data,
        }
    }

    pub(crate) fn error(error_code: i64, message: &str) -> Self {
        Envelope {
            code: 1,
            message: message.to_owned(),
            error_code: Some(error_code),
            data: Data::Null,
        }
    }
}

/// Deviations from the normal rendering that real replies have been seen to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Oddities {
    pub(crate) code_as_string: bool,
    pub(crate) missing_error_code: bool,
    pub(crate) data_on_failure: bool,
    pub(crate) list_fewer: bool,
    pub(crate) list_reordered: bool,
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

fn json_opt(text: Option<&str>) -> String {
    text.map_or_else(|| "null".to_owned(), json_string)
}

/// Renders an envelope compactly, keys in Bakong's order: responseCode, responseMessage,
/// errorCode, data.
pub(crate) fn render(envelope: &Envelope, odd: Oddities) -> String {
    let code = if odd.code_as_string {
        format!("\"{}\"", envelope.code)
    } else {
        envelope.code.to_string()
    };
    let data = match &envelope.data {
        Data::Null if odd.data_on_failure && envelope.code != 0 => {
            r#"{"hash":null,"note":"stale payload on a failure"}"#.to_owned()
        }
        Data::Null => "null".to_owned(),
        Data::Raw(raw) => raw.clone(),
        Data::List(items) => {
            let mut items: Vec<&str> = items.iter().map(String::as_str).collect();
            if odd.list_fewer {
                items.pop();
            }
            if odd.list_reordered {
                items.reverse();
            }
            format!("[{}]", items.join(","))
        }
    };
    let mut out = format!(
        "{{\"responseCode\":{code},\"responseMessage\":{},",
        json_string(&envelope.message)
    );
    if !odd.missing_error_code {
        let error_code = envelope
            .error_code
            .map_or_else(|| "null".to_owned(), |c| c.to_string());
        out.push_str(&format!("\"errorCode\":{error_code},"));
    }
    out.push_str(&format!("\"data\":{data}}}"));
    out
}

/// How a transaction object is printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TxStyle {
    /// Add the fields later API revisions return on by-hash lookups.
    pub(crate) detailed: bool,
    /// Timestamps as `…000.0`, as in NBC's samples.
    pub(crate) float_numbers: bool,
    /// Leave null fields out and add a field no client knows, as some replies do.
    pub(crate) sparse: bool,
}

/// A transaction object as in the spec's §2.5 sample, keys in the sample's order.
pub(crate) fn transaction(payment: &Payment, style: TxStyle) -> String {
    let ms = |v: i64| {
        if style.float_numbers {
            format!("{v}.0")
        } else {
            v.to_string()
        }
    };
    let detail = |text: &str| json_opt(style.detailed.then_some(text));
    let mut fields: Vec<(&str, String)> = vec![
        ("hash", json_string(&payment.hash)),
        ("fromAccountId", json_string(&payment.from_account_id)),
        ("toAccountId", json_string(&payment.to_account_id)),
        ("currency", json_string(payment.amount.currency.alpha())),
        ("amount", payment.amount.plain()),
        ("description", json_opt(payment.description.as_deref())),
        ("createdDateMs", ms(payment.created_ms)),
        ("acknowledgedDateMs", ms(payment.acknowledged_ms)),
        ("externalRef", json_string(&payment.external_ref)),
        ("instructionRef", json_string(&payment.instruction_ref)),
        ("trackingStatus", detail("RECEIVE_AT_RECEIVER_BANK")),
        ("receiverBank", detail("Sim Bank")),
        ("receiverBankAccount", detail("8*******123")),
    ];
    if style.sparse {
        fields.retain(|(_, value)| value != "null");
        fields.push((
            "settlementInfo",
            r#"{"batch":7,"channel":"SIM"}"#.to_owned(),
        ));
    }
    let body: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("\"{key}\":{value}"))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// One item of a list answer: `{"md5"|"hash":…,"status":…,"message":…,"data":…}`.
pub(crate) fn list_item(
    key_name: &str,
    key: &str,
    status: &str,
    message: &str,
    data: Option<String>,
) -> String {
    format!(
        "{{\"{key_name}\":{},\"status\":{},\"message\":{},\"data\":{}}}",
        json_string(key),
        json_string(status),
        json_string(message),
        data.unwrap_or_else(|| "null".to_owned())
    )
}

/// The page nginx sends for an error status, as an edge proxy or WAF would.
pub(crate) fn nginx_page(status: u16, reason: &str) -> String {
    format!(
        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}
