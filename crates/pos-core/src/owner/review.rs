//! What the owner reviews: the end-of-day summary (the core's day report plus receipt
//! numbering, which must have no gaps), a sale's full history, and printable receipts that
//! say COPY from the second print on.

use pos_domain::{Currency, SaleStatus};
use pos_store::{EventKind, SaleId};
use serde::{Deserialize, Serialize};

use super::files::{owner_file, read_table, write_table};
use crate::schedule::Schedule;
use crate::views::{DayReport, SalesQuery};
use crate::{Config, CoreError, Pos};

/// The most gaps listed; more than a handful already says the ledger needs a closer look.
const MAX_GAPS: usize = 50;
const PRINTED: &str = "printed_receipts";

/// The printable end-of-day report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EndOfDay {
    /// Totals, takings and what needs attention.
    pub report: DayReport,
    /// The shop's name for the report's heading.
    pub shop_name: String,
    /// Sales made that day.
    pub sale_count: usize,
    /// Receipts issued that day on this terminal.
    pub receipts: usize,
    /// The day's first receipt number.
    pub first_receipt: Option<i64>,
    /// The day's last receipt number.
    pub last_receipt: Option<i64>,
    /// Receipt numbers missing between the first and the last (should be none).
    pub gaps: Vec<i64>,
    /// When the report was made, shop time.
    pub made_at_text: String,
}

/// One entry of a sale's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// When (epoch ms).
    pub at_ms: i64,
    /// When, shop time (`HH:MM:SS`).
    pub at_text: String,
    /// `status` or `check`.
    pub kind: String,
    /// What happened, in English (`pending → paid`, `check: http 200, not found`).
    pub detail: String,
}

/// A printable receipt: payment proof for one paid sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    /// The shop.
    pub shop_name: String,
    /// Its city.
    pub city: String,
    /// The terminal whose sequence the number belongs to.
    pub terminal_id: String,
    /// The gap-free receipt number.
    pub receipt_number: i64,
    /// The bill number in the QR.
    pub bill_number: String,
    /// When it was paid (or made), shop time.
    pub time_text: String,
    /// The amount paid, for people.
    pub amount_text: String,
    /// Its currency.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub currency: Currency,
    /// For USD, the riel equivalent at the shop rate.
    pub khr_equivalent_text: Option<String>,
    /// The shop rate used for it.
    pub riel_per_usd: i64,
    /// The Bakong transaction hash.
    pub hash: String,
    /// Its first eight characters, as bank apps show it.
    pub short_hash: String,
    /// The payer's account, when Bakong says.
    pub payer: Option<String>,
    /// Paid or paid late.
    #[cfg_attr(feature = "ts", ts(type = "SaleStatus"))]
    pub status: SaleStatus,
    /// A reprint: the receipt was printed before.
    pub copy: bool,
}

/// Formats epoch milliseconds in the shop's time zone.
pub(super) fn shop_time(config: &Config, ms: i64, format: &str) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&config.time_zone)
                .format(format)
                .to_string()
        })
        .unwrap_or_default()
}

/// Receipt numbers missing between the smallest and largest of `numbers`.
fn gaps(mut numbers: Vec<i64>) -> Vec<i64> {
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .windows(2)
        .flat_map(|pair| (pair[0] + 1)..pair[1])
        .take(MAX_GAPS)
        .collect()
}

/// The end-of-day report for `date` (`YYYY-MM-DD`, default today).
pub async fn summary(pos: &Pos, date: Option<String>) -> Result<EndOfDay, CoreError> {
    let report = pos.report(date).await?;
    let list = pos
        .sales(SalesQuery {
            date: Some(report.date.clone()),
            ..SalesQuery::default()
        })
        .await?;
    let config = pos.config();
    let numbers: Vec<i64> = list
        .sales
        .iter()
        .filter(|s| s.terminal_id == config.terminal_id)
        .filter_map(|s| s.receipt_number)
        .collect();
    Ok(EndOfDay {
        shop_name: config.merchant.name.clone(),
        sale_count: list.sales.len(),
        receipts: numbers.len(),
        first_receipt: numbers.iter().min().copied(),
        last_receipt: numbers.iter().max().copied(),
        gaps: gaps(numbers),
        made_at_text: shop_time(config, pos.ledger().now_ms(), "%Y-%m-%d %H:%M"),
        report,
    })
}

/// Everything that happened to a sale, oldest first.
pub async fn sale_history(pos: &Pos, sale_id: i64) -> Result<Vec<HistoryEntry>, CoreError> {
    pos.sale(sale_id).await?;
    let events = pos
        .ledger()
        .store()
        .run(move |s| s.events(SaleId(sale_id)))
        .await?;
    let config = pos.config();
    Ok(events
        .into_iter()
        .map(|event| {
            let (kind, detail) = match event.kind {
                EventKind::Status { from: None, to } => ("status", format!("created {to}")),
                EventKind::Status { from: Some(f), to } => ("status", format!("{f} → {to}")),
                EventKind::Check(check) => {
                    let mut parts = vec![match check.http_status {
                        Some(code) => format!("http {code}"),
                        None => "no answer".to_owned(),
                    }];
                    if let Some(code) = check.error_code {
                        parts.push(format!("bakong error {code}"));
                    }
                    parts.extend(check.note);
                    ("check", format!("check: {}", parts.join(", ")))
                }
            };
            HistoryEntry {
                at_ms: event.at_ms,
                at_text: shop_time(config, event.at_ms, "%H:%M:%S"),
                kind: kind.to_owned(),
                detail,
            }
        })
        .collect())
}

/// How many sales a manual recheck would ask Bakong about (at most one check each): the
/// pending ones and the closed ones still inside the late-payment window.
pub async fn unresolved_count(pos: &Pos) -> Result<usize, CoreError> {
    let horizon = Schedule::default().late_horizon();
    let since = pos
        .ledger()
        .now_ms()
        .saturating_sub(i64::try_from(horizon.as_millis()).unwrap_or(i64::MAX));
    let sales = pos
        .ledger()
        .store()
        .run(move |s| s.unresolved(since))
        .await?;
    Ok(sales.len())
}

/// The receipt of a paid sale; recorded as printed, so the next one says COPY.
pub async fn receipt(pos: &Pos, sale_id: i64) -> Result<ReceiptView, CoreError> {
    let sale = pos.sale(sale_id).await?;
    let (Some(number), Some(payment)) = (sale.receipt_number, sale.payment.as_ref()) else {
        return Err(CoreError::NoReceipt { sale_id });
    };
    let config = pos.config();
    let path = owner_file(&config.data_dir);
    let mut owner = read_table(&path)?;
    let mut printed: Vec<toml::Value> = owner
        .get(PRINTED)
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    let copy = printed.iter().any(|v| v.as_integer() == Some(sale_id));
    if !copy {
        printed.push(toml::Value::Integer(sale_id));
        owner.insert(PRINTED.into(), toml::Value::Array(printed));
        write_table(&path, &owner)?;
    }
    let khr = (payment.amount.currency == Currency::Usd)
        .then(|| payment.amount.to_khr(config.riel_per_usd))
        .flatten();
    Ok(ReceiptView {
        shop_name: config.merchant.name.clone(),
        city: config.merchant.city.clone(),
        terminal_id: sale.terminal_id.clone(),
        receipt_number: number,
        bill_number: sale.bill_number.clone(),
        time_text: shop_time(
            config,
            payment.paid_at_ms.unwrap_or(sale.updated_at_ms),
            "%Y-%m-%d %H:%M:%S",
        ),
        amount_text: payment.amount_text.clone(),
        currency: payment.amount.currency,
        khr_equivalent_text: khr.map(|m| m.to_string()),
        riel_per_usd: config.riel_per_usd,
        short_hash: payment.hash.chars().take(8).collect(),
        hash: payment.hash.clone(),
        payer: payment.payer_account.clone(),
        status: sale.status,
        copy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_numbers_missing_between_first_and_last() {
        assert_eq!(gaps(vec![]), Vec::<i64>::new());
        assert_eq!(gaps(vec![3, 1, 2]), Vec::<i64>::new());
        assert_eq!(gaps(vec![1, 4, 6]), vec![2, 3, 5]);
    }
}
