//! [`Ledger`]: the owner's side of the sale ledger (lists, end-of-day report, CSV export,
//! tamper check). It needs no Bakong connection, so the CLI's owner commands open just this,
//! and [`crate::Pos`] hands these calls to the one it holds.

use std::io::Write;
use std::sync::Arc;

use chrono::NaiveDate;
use pos_domain::{Currency, Money, SaleStatus};
use pos_store::{Query, Sale, SaleId, Store};

use crate::clock::{Clock, SystemClock};
use crate::store::StoreHandle;
use crate::views::{DayReport, LedgerCheck, SaleView, SalesList, SalesQuery, TotalView};
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
        let used = self.store.run(move |s| s.checks_used(date)).await?;
        let config = self.config();
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
            .filter_map(|t| t.sum.to_khr(config.riel_per_usd))
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
            riel_per_usd: config.riel_per_usd,
            takings_in_khr,
            takings_in_khr_text: takings_in_khr.to_string(),
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
fn parse_date(text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| CoreError::DateInvalid {
        text: text.to_owned(),
        reason: format!("expected YYYY-MM-DD ({e})"),
    })
}
