//! Tolerant parsing of Bakong's JSON: the envelope (`responseCode` as number or string,
//! `errorCode` optional, unknown fields ignored) and transactions (timestamps as floats or
//! integers, the amount read from its exact text).

use pos_domain::{Currency, Money};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::number::integer_part;
use crate::outcome::{CheckOutcome, ListItem, ListReport, Transaction};
use crate::BakongError;

/// How much of a body an error keeps, so logs show what came back without flooding.
const EXCERPT_CHARS: usize = 120;

/// The first characters of a body, for error messages.
pub(crate) fn excerpt(body: &str) -> String {
    body.chars().take(EXCERPT_CHARS).collect()
}

/// A parsed envelope borrowing its `data` from the body.
#[derive(Debug)]
pub(crate) struct Envelope<'a> {
    pub(crate) response_code: i64,
    pub(crate) message: String,
    pub(crate) error_code: Option<i64>,
    /// `None` when absent or `null`.
    pub(crate) data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(rename = "responseCode")]
    response_code: serde_json::Value,
    #[serde(rename = "responseMessage", default)]
    response_message: Option<String>,
    #[serde(rename = "errorCode", default)]
    error_code: serde_json::Value,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

/// A number, or a string holding one, as an `i64`; `None` for null.
fn lenient_int(value: &serde_json::Value) -> Result<Option<i64>, ()> {
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => integer_part(&n.to_string()).map(Some).ok_or(()),
        serde_json::Value::String(s) => integer_part(s).map(Some).ok_or(()),
        _ => Err(()),
    }
}

impl<'a> Envelope<'a> {
    /// Parses a body as an envelope, or says why it is not one.
    pub(crate) fn parse(body: &'a str) -> Result<Envelope<'a>, BakongError> {
        let malformed = |reason: &str| BakongError::Malformed {
            reason: reason.to_owned(),
            excerpt: excerpt(body),
        };
        let raw: RawEnvelope<'a> =
            serde_json::from_str(body).map_err(|e| malformed(&format!("not an envelope: {e}")))?;
        let response_code = lenient_int(&raw.response_code)
            .ok()
            .flatten()
            .ok_or_else(|| malformed("responseCode is not a number"))?;
        let error_code =
            lenient_int(&raw.error_code).map_err(|()| malformed("errorCode is not a number"))?;
        Ok(Envelope {
            response_code,
            message: raw.response_message.unwrap_or_default(),
            error_code,
            data: raw.data.filter(|d| d.get() != "null"),
        })
    }

    pub(crate) fn is_success(&self) -> bool {
        self.response_code == 0
    }

    /// The error for a failure envelope whose code the endpoint has no meaning for. Codes
    /// that mean the same on every endpoint (6, 10, 17) get their own variants.
    pub(crate) fn failure(&self) -> BakongError {
        match self.error_code {
            Some(6) => BakongError::Unauthorized {
                error_code: Some(6),
            },
            Some(10) => BakongError::NotRegistered,
            Some(17) => BakongError::QuotaExceeded {
                message: self.message.clone(),
            },
            code => BakongError::Api {
                error_code: code,
                message: self.message.clone(),
            },
        }
    }

    /// The verdict of a single transaction check.
    pub(crate) fn check_outcome(&self) -> Result<CheckOutcome, BakongError> {
        if self.is_success() {
            let data = self.data.ok_or_else(|| BakongError::Malformed {
                reason: "success without data".into(),
                excerpt: String::new(),
            })?;
            return parse_transaction(data.get()).map(|tx| CheckOutcome::Paid(Box::new(tx)));
        }
        match self.error_code {
            Some(1) => Ok(CheckOutcome::NotFound),
            Some(2) => Ok(CheckOutcome::StaticQr),
            Some(3) => Ok(CheckOutcome::Failed),
            _ => Err(self.failure()),
        }
    }

    /// A string field of `data`, e.g. `token` or `shortLink`.
    pub(crate) fn data_string(&self, field: &str) -> Result<String, BakongError> {
        let missing = || BakongError::Malformed {
            reason: format!("data.{field} missing"),
            excerpt: self.data.map(|d| excerpt(d.get())).unwrap_or_default(),
        };
        let data = self.data.ok_or_else(missing)?;
        let value: serde_json::Value = serde_json::from_str(data.get()).map_err(|_| missing())?;
        value
            .get(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(missing)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransactionWire<'a> {
    hash: String,
    #[serde(default)]
    from_account_id: Option<String>,
    #[serde(default)]
    to_account_id: Option<String>,
    currency: String,
    #[serde(borrow)]
    amount: &'a RawValue,
    #[serde(default)]
    description: Option<String>,
    #[serde(borrow, default, alias = "createDateMs")]
    created_date_ms: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "acknowledgeDateMs")]
    acknowledged_date_ms: Option<&'a RawValue>,
    #[serde(default)]
    external_ref: Option<String>,
    #[serde(default)]
    instruction_ref: Option<String>,
    #[serde(default)]
    tracking_status: Option<String>,
    #[serde(default)]
    receiver_bank: Option<String>,
    #[serde(default)]
    receiver_bank_account: Option<String>,
}

/// Parses a transaction object, reading `amount` from its exact text.
pub(crate) fn parse_transaction(json: &str) -> Result<Transaction, BakongError> {
    let malformed = |reason: String| BakongError::Malformed {
        reason,
        excerpt: excerpt(json),
    };
    let wire: TransactionWire<'_> =
        serde_json::from_str(json).map_err(|e| malformed(format!("bad transaction: {e}")))?;
    let currency: Currency = wire
        .currency
        .parse()
        .map_err(|e| malformed(format!("{e}")))?;
    let amount_text = wire.amount.get().trim_matches('"');
    let amount = Money::parse_decimal(amount_text, currency)
        .map_err(|e| malformed(format!("bad amount: {e}")))?;
    let millis = |raw: Option<&RawValue>, name: &str| -> Result<Option<i64>, BakongError> {
        match raw.map(RawValue::get) {
            None | Some("null") => Ok(None),
            Some(text) => integer_part(text)
                .map(Some)
                .ok_or_else(|| malformed(format!("{name} is not a number"))),
        }
    };
    Ok(Transaction {
        created_ms: millis(wire.created_date_ms, "createdDateMs")?,
        acknowledged_ms: millis(wire.acknowledged_date_ms, "acknowledgedDateMs")?,
        hash: wire.hash,
        from_account_id: wire.from_account_id,
        to_account_id: wire.to_account_id,
        amount,
        description: wire.description,
        external_ref: wire.external_ref,
        instruction_ref: wire.instruction_ref,
        tracking_status: wire.tracking_status,
        receiver_bank: wire.receiver_bank,
        receiver_bank_account: wire.receiver_bank_account,
    })
}

#[derive(Deserialize)]
struct ItemWire<'a> {
    #[serde(default)]
    md5: Option<String>,
    #[serde(default)]
    hash: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(borrow, default)]
    transaction: Option<&'a RawValue>,
}

/// Which field of a list item names the key that was asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ListKey {
    Md5,
    Hash,
}

fn item_outcome(item: &ItemWire<'_>, raw: &str) -> Result<CheckOutcome, BakongError> {
    let status = item.status.as_deref().unwrap_or("");
    match status {
        "SUCCESS" => {
            // Where the transaction sits is not settled between sources: `data`, then
            // `transaction`, then the item itself.
            let tx = [item.data, item.transaction]
                .into_iter()
                .flatten()
                .map(RawValue::get)
                .find(|t| *t != "null")
                .unwrap_or(raw);
            parse_transaction(tx).map(|tx| CheckOutcome::Paid(Box::new(tx)))
        }
        "NOT_FOUND" => Ok(CheckOutcome::NotFound),
        "STATIC_QR" => Ok(CheckOutcome::StaticQr),
        "FAILED" => Ok(CheckOutcome::Failed),
        "SERVICE_FAILED" => Err(BakongError::ServiceFailed {
            message: item.message.clone().unwrap_or_default(),
        }),
        other => Err(BakongError::Malformed {
            reason: format!("unknown item status {other:?}"),
            excerpt: excerpt(raw),
        }),
    }
}

/// Matches the items of a list reply to the requested keys (by key, not by position) and
/// notes anything missing, extra or out of order.
pub(crate) fn list_report(
    envelope: &Envelope<'_>,
    requested: &[String],
    key: ListKey,
) -> Result<ListReport, BakongError> {
    if !envelope.is_success() {
        return Err(envelope.failure());
    }
    let data = envelope.data.map(RawValue::get).unwrap_or("[]");
    let raw_items: Vec<&RawValue> =
        serde_json::from_str(data).map_err(|e| BakongError::Malformed {
            reason: format!("list data is not an array: {e}"),
            excerpt: excerpt(data),
        })?;
    let mut outcomes: Vec<Option<Result<CheckOutcome, BakongError>>> =
        requested.iter().map(|_| None).collect();
    let mut order = Vec::with_capacity(raw_items.len());
    let mut unexpected = Vec::new();
    for raw in raw_items {
        let item: ItemWire<'_> =
            serde_json::from_str(raw.get()).map_err(|e| BakongError::Malformed {
                reason: format!("bad list item: {e}"),
                excerpt: excerpt(raw.get()),
            })?;
        let item_key = match key {
            ListKey::Md5 => item.md5.as_deref(),
            ListKey::Hash => item.hash.as_deref(),
        }
        .unwrap_or("");
        let slot = requested
            .iter()
            .position(|k| k.eq_ignore_ascii_case(item_key))
            .filter(|&i| outcomes[i].is_none());
        match slot {
            Some(i) => {
                outcomes[i] = Some(item_outcome(&item, raw.get()));
                order.push(i);
            }
            None => unexpected.push(item_key.to_owned()),
        }
    }
    let reordered = order.windows(2).any(|w| w[0] > w[1]);
    let items = requested
        .iter()
        .zip(outcomes)
        .map(|(k, outcome)| ListItem {
            key: k.clone(),
            outcome: outcome.unwrap_or_else(|| Err(BakongError::MissingItem { key: k.clone() })),
        })
        .collect();
    Ok(ListReport {
        items,
        reordered,
        unexpected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_code_may_be_a_string_and_error_code_may_be_missing() {
        let env =
            Envelope::parse(r#"{"responseCode":"0","responseMessage":"ok","data":{}}"#).unwrap();
        assert_eq!(env.response_code, 0);
        assert_eq!(env.error_code, None);
    }

    #[test]
    fn a_body_without_response_code_is_malformed() {
        assert!(matches!(
            Envelope::parse(r#"{"data":null}"#),
            Err(BakongError::Malformed { .. })
        ));
        assert!(matches!(
            Envelope::parse("<html>"),
            Err(BakongError::Malformed { .. })
        ));
    }

    #[test]
    fn transaction_amount_is_exact_and_timestamps_accept_floats() {
        let tx = parse_transaction(
            r#"{"hash":"ab","currency":"USD","amount":0.29,"createdDateMs":1605774370608.0,
                "acknowledgedDateMs":1636709123467.2,"extra":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(tx.amount, Money::new(29, Currency::Usd));
        assert_eq!(tx.created_ms, Some(1_605_774_370_608));
        assert_eq!(tx.acknowledged_ms, Some(1_636_709_123_467));
    }

    #[test]
    fn an_amount_finer_than_the_currency_is_malformed_not_rounded() {
        let result = parse_transaction(r#"{"hash":"ab","currency":"KHR","amount":100.5}"#);
        assert!(matches!(result, Err(BakongError::Malformed { .. })));
    }
}
