//! [`Ledger`]: the owner's side of the sale ledger (lists, end-of-day report, CSV export,
//! tamper check). It needs no Bakong connection, so the CLI's owner commands open just this,
//! and [`crate::Pos`] hands these calls to the one it holds.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use chrono::NaiveDate;
use pos_domain::{Currency, Money, SaleStatus};
use pos_store::{Query, Sale, SaleId, Store};

use crate::clock::{Clock, SystemClock};
use crate::store::StoreHandle;
use crate::views::{
    DayReport, LedgerCheck, RefundView, SaleView, SalesList, SalesQuery, TenderTotalView, TotalView,
};
use crate::{Config, CoreError};

/// The ledger file and the configuration its days and rates are read with. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ledger {
    store: StoreHandle,
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
}

impl Ledger {
    /// Opens (creating if needed) the configured ledger file.
    pub async fn open(config: Config) -> Result<Ledger, CoreError> {
        Ledger::open_with(config, Arc::new(SystemClock)).await
    }

    /// [`Ledger::open`], with "today" read from `clock`.
    pub(crate) async fn open_with(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Ledger, CoreError> {
        let path = config.ledger_path();
        let store = tokio::task::spawn_blocking(move || Store::open(path))
            .await
            .map_err(|e| CoreError::Task(e.to_string()))??;
        Ok(Ledger {
            store: StoreHandle::new(store),
            config: Arc::new(config),
            clock,
        })
    }

    /// The current time by the POS's clock, epoch milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub(crate) fn store(&self) -> &StoreHandle {
        &self.store
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// The sale with this id, as stored.
    pub(crate) async fn load(&self, sale_id: i64) -> Result<Sale, CoreError> {
        self.store
            .run(move |s| s.get(SaleId(sale_id)))
            .await?
            .ok_or(CoreError::SaleNotFound { sale_id })
    }

    /// One sale.
    pub async fn sale(&self, sale_id: i64) -> Result<SaleView, CoreError> {
        Ok(SaleView::from(&self.load(sale_id).await?))
    }

    /// The owner's list for a day or range, with totals and what needs attention.
    pub async fn sales(&self, query: SalesQuery) -> Result<SalesList, CoreError> {
        let (from, to) = self.dates(&query)?;
        let range = pos_store::days_range(from, to, self.config().time_zone)?;
        let store_query = Query {
            range: Some(range),
            status: query.status,
            search: query.search.clone().filter(|s| !s.trim().is_empty()),
            limit: query.limit,
        };
        let (sales, totals, attention) = self
            .store
            .run(move |s| {
                let sales = s.sales(&store_query)?;
                let totals = s.totals(range)?;
                let mut attention = Vec::new();
                for status in SaleStatus::ALL.into_iter().filter(|s| s.needs_attention()) {
                    attention.extend(s.sales(&Query {
                        range: Some(range),
                        status: Some(status),
                        ..Query::default()
                    })?);
                }
                Ok::<_, CoreError>((sales, totals, attention))
            })
            .await?;
        Ok(SalesList {
            from: from.to_string(),
            to: to.to_string(),
            attention: attention.iter().map(SaleView::from).collect(),
            sales: sales.iter().map(SaleView::from).collect(),
            totals: totals.iter().map(TotalView::from).collect(),
        })
    }

    /// The end-of-day report for `date` (`YYYY-MM-DD`, default today).
    pub async fn report(&self, date: Option<String>) -> Result<DayReport, CoreError> {
        let list = self
            .sales(SalesQuery {
                date,
                ..SalesQuery::default()
            })
            .await?;
        let date = parse_date(&list.from)?;
        let config = self.config();
        let day = pos_store::day_range(date, config.time_zone)?;
        let (used, refunds, logged) = self
            .store
            .run(move |s| {
                Ok::<_, CoreError>((s.checks_used(date)?, s.refunds_in(day)?, s.current_rate()?))
            })
            .await?;
        // The rate in force: the owner's latest in the rate log, else the configured one.
        let rate = logged.map_or(config.riel_per_usd, |c| c.rate.riel_per_usd());
        let paid: Vec<&SaleView> = list
            .sales
            .iter()
            .filter(|s| s.status == SaleStatus::Paid)
            .collect();
        let by_tender = tender_totals(paid.iter().map(|s| (s.tender.as_str(), s.amount)));
        let refund_views: Vec<RefundView> =
            refunds.iter().map(|(r, s)| RefundView::of(r, s)).collect();
        let refund_totals =
            tender_totals(refund_views.iter().map(|r| (r.tender.as_str(), r.amount)));
        let (net_khr, net_khr_rounding) = net_in_riel(
            paid.iter()
                .map(|s| (s.amount, s.riel_per_usd))
                .chain(refunds.iter().map(|(r, s)| {
                    let negated = Money::new(-r.amount.minor, r.amount.currency);
                    (negated, s.riel_per_usd)
                })),
            rate,
        )?;
        let with_status = |status: SaleStatus| -> Vec<TotalView> {
            list.totals
                .iter()
                .filter(|t| t.status == status)
                .cloned()
                .collect()
        };
        let takings = with_status(SaleStatus::Paid);
        let accepted = with_status(SaleStatus::AcceptedUnverified);
        let in_khr = takings
            .iter()
            .filter_map(|t| t.sum.to_khr(rate))
            .fold(0_i64, |acc, m| acc.saturating_add(m.minor));
        let takings_in_khr = Money::new(in_khr, Currency::Khr);
        let unverified: Vec<SaleView> = list
            .sales
            .iter()
            .filter(|s| {
                matches!(
                    s.status,
                    SaleStatus::Pending | SaleStatus::AcceptedUnverified
                )
            })
            .cloned()
            .collect();
        Ok(DayReport {
            date: list.from.clone(),
            time_zone: config.time_zone.name().to_owned(),
            terminal_id: config.terminal_id.clone(),
            pending: unverified
                .iter()
                .filter(|s| s.status == SaleStatus::Pending)
                .count(),
            sales_verified: list.sales.iter().filter(|s| s.payment.is_some()).count(),
            unverified,
            takings,
            accepted,
            totals: list.totals,
            attention: list.attention,
            checks_used: used,
            riel_per_usd: rate,
            takings_in_khr,
            takings_in_khr_text: takings_in_khr.to_string(),
            by_tender,
            refunds: refund_views,
            refund_totals,
            net_khr,
            net_khr_text: net_khr.to_string(),
            net_khr_rounding,
        })
    }

    /// Writes the sales matching `query` as CSV to `out` and gives `out` back with the number
    /// of sales written. `bom` starts the file with a UTF-8 byte order mark, which
    /// spreadsheet programs need to read Khmer text correctly.
    pub async fn export_csv<W: Write + Send + 'static>(
        &self,
        query: SalesQuery,
        bom: bool,
        mut out: W,
    ) -> Result<(u64, W), CoreError> {
        let (from, to) = self.dates(&query)?;
        let tz = self.config().time_zone;
        let range = pos_store::days_range(from, to, tz)?;
        let store_query = Query {
            range: Some(range),
            status: query.status,
            search: query.search.clone(),
            limit: query.limit,
        };
        self.store
            .run(move |s| {
                let written = s.write_csv(&store_query, tz, bom, &mut out)?;
                Ok::<_, CoreError>((written, out))
            })
            .await
    }

    /// SQLite's integrity check and the receipt chain's verification.
    pub async fn verify(&self) -> Result<LedgerCheck, CoreError> {
        let (integrity, chain, cash) = self
            .store
            .run(|s| {
                Ok::<_, CoreError>((
                    s.integrity_check()?,
                    s.verify_chain()?,
                    s.verify_cash_chains()?,
                ))
            })
            .await?;
        // The refund and Z report chains are walked too, their problems worded beside the
        // receipts'.
        let cash_problems = cash
            .problems
            .iter()
            .map(|p| format!("{} {} #{}: {}", p.chain, p.terminal_id, p.number, p.problem));
        Ok(LedgerCheck {
            receipts: chain.receipts,
            integrity_problems: integrity,
            chain_problems: chain
                .problems
                .iter()
                .map(ToString::to_string)
                .chain(cash_problems)
                .collect(),
            heads: chain.heads,
        })
    }

    /// The first and last day a query covers (default: today).
    fn dates(&self, query: &SalesQuery) -> Result<(NaiveDate, NaiveDate), CoreError> {
        let today = pos_store::shop_day(self.now_ms(), self.config().time_zone);
        let (from, to) = match (&query.date, &query.from, &query.to) {
            (Some(date), None, None) => {
                let d = parse_date(date)?;
                (d, d)
            }
            (None, from, to) => (
                from.as_deref()
                    .map(parse_date)
                    .transpose()?
                    .unwrap_or(today),
                to.as_deref().map(parse_date).transpose()?.unwrap_or(today),
            ),
            (Some(date), _, _) => {
                return Err(CoreError::DateInvalid {
                    text: date.clone(),
                    reason: "give either a date or a from/to range, not both".into(),
                })
            }
        };
        if from > to {
            return Err(CoreError::DateInvalid {
                text: format!("{from}..{to}"),
                reason: "the range ends before it starts".into(),
            });
        }
        Ok((from, to))
    }
}

/// Parses `YYYY-MM-DD`.
/// Count and sum per tender and currency, in tender then currency order.
fn tender_totals<'a>(items: impl Iterator<Item = (&'a str, Money)>) -> Vec<TenderTotalView> {
    let mut sums: BTreeMap<(&str, Currency), (u64, i64)> = BTreeMap::new();
    for (tender, amount) in items {
        let entry = sums.entry((tender, amount.currency)).or_default();
        entry.0 += 1;
        entry.1 = entry.1.saturating_add(amount.minor);
    }
    sums.into_iter()
        .map(|((tender, currency), (count, minor))| {
            let sum = Money::new(minor, currency);
            TenderTotalView {
                tender: tender.to_owned(),
                currency,
                count,
                sum,
                sum_text: sum.to_string(),
            }
        })
        .collect()
}

/// The net of signed `amounts` in riel, each dollar amount at the rate frozen on its sale
/// (`fallback` for a sale from before rates were frozen), and what rounding added to it.
///
/// Integer arithmetic only: a dollar amount of `c` cents at `r` riel per dollar is exactly
/// `c × r` hundredths of a riel; it is rounded half up to whole riel on its own, as its
/// receipt's riel equivalent is ([`Money::to_khr`]), so the net is the sum of what the
/// receipts say. The second value is the sum of (rounded − exact), in hundredths of a riel:
/// the rounding, recorded rather than hidden.
pub(crate) fn net_in_riel(
    amounts: impl Iterator<Item = (Money, Option<i64>)>,
    fallback: i64,
) -> Result<(Money, i64), CoreError> {
    let (mut net, mut rounding) = (0_i128, 0_i128);
    for (amount, rate) in amounts {
        let rate = rate.unwrap_or(fallback);
        let exact = match amount.currency {
            Currency::Khr => i128::from(amount.minor) * 100,
            Currency::Usd => i128::from(amount.minor) * i128::from(rate),
        };
        // Half up on the magnitude, so a refund rounds exactly as the sale it returns.
        let magnitude = Money::new(amount.minor.abs(), amount.currency)
            .to_khr(rate)
            .ok_or(pos_cash::CashError::Overflow)?;
        let riel = i128::from(magnitude.minor) * i128::from(amount.minor.signum());
        net += riel;
        rounding += riel * 100 - exact;
    }
    let too_large = |_| CoreError::from(pos_cash::CashError::Overflow);
    Ok((
        Money::new(i64::try_from(net).map_err(too_large)?, Currency::Khr),
        i64::try_from(rounding).map_err(too_large)?,
    ))
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| CoreError::DateInvalid {
        text: text.to_owned(),
        reason: format!("expected YYYY-MM-DD ({e})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_net_in_riel_uses_each_sales_frozen_rate_and_records_its_rounding() {
        let usd = |c| Money::new(c, Currency::Usd);
        let khr = |r| Money::new(r, Currency::Khr);
        // $3.75 at 4,100 is exactly 15,375 riel; $0.01 at 4,050 is 40.5 → 41 riel (+50
        // hundredths); 5,000 riel is 5,000; its refund of 1,000 and a refund of $1.00 at the
        // sale's 4,000 (not the fallback 4,100) come off.
        let (net, rounding) = net_in_riel(
            [
                (usd(375), Some(4_100)),
                (usd(1), Some(4_050)),
                (khr(5_000), None),
                (khr(-1_000), None),
                (usd(-100), Some(4_000)),
            ]
            .into_iter(),
            4_100,
        )
        .unwrap();
        assert_eq!(net, khr(15_375 + 41 + 5_000 - 1_000 - 4_000));
        assert_eq!(rounding, 50);
        // A refund of that cent rounds as its sale did: the two cancel, rounding included.
        let (net, rounding) = net_in_riel(
            [(usd(1), Some(4_050)), (usd(-1), Some(4_050))].into_iter(),
            1,
        )
        .unwrap();
        assert_eq!((net, rounding), (khr(0), 0));
        // A USD sale from before rates froze uses the configured rate.
        let (net, _) = net_in_riel([(usd(200), None)].into_iter(), 4_100).unwrap();
        assert_eq!(net, khr(8_200));
    }

    #[test]
    fn tender_totals_count_and_sum_per_tender_and_currency() {
        let usd = |c| Money::new(c, Currency::Usd);
        let totals =
            tender_totals([("cash", usd(100)), ("khqr", usd(250)), ("cash", usd(50))].into_iter());
        let got: Vec<(&str, u64, &str)> = totals
            .iter()
            .map(|t| (t.tender.as_str(), t.count, t.sum_text.as_str()))
            .collect();
        assert_eq!(got, [("cash", 2, "1.50"), ("khqr", 1, "2.50")]);
    }
}
