//! The owner's side of the counter's day, as the owner screens show it: refunds against a
//! receipt with what remains refundable, the exchange rate with its change log, cashier
//! accounts, and shifts with their Z reports (read, printed, exported as CSV), including
//! closing a shift another cashier left open. Every call acts as [`Actor::Owner`]: the app
//! reaches these only through the owner PIN gate. The rules are the counter module's and the
//! ledger's; this file only shapes what the screens show.

use std::path::Path;

use pos_domain::{Currency, Money};
use pos_store::{Actor, SaleTender, ZReport};
use serde::{Deserialize, Serialize};

use super::export::ExportResult;
use super::review::shop_time;
use crate::counter::{CloseShiftRequest, RefundRequest, OWNER};
use crate::views::RefundView;
use crate::{Config, CoreError, Pos};

/// `YYYY-MM-DD HH:MM` in the shop's time zone.
const STAMP: &str = "%Y-%m-%d %H:%M";

/// How a refund is paid back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RefundKind {
    /// Cash from this terminal's open shift's drawer.
    Cash,
    /// Paid back from the shop's bank app (the Bakong Open API has no refund call).
    Bank,
}

/// A refund as the owner enters it: explicit tender, amount in the sale's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RefundInput {
    /// The receipt's number on this terminal.
    pub receipt: i64,
    /// How much, as typed.
    pub amount: String,
    /// The currency the owner sees on the screen (the sale's; checked).
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub currency: Currency,
    /// Cash or bank.
    pub tender: RefundKind,
    /// The bank app's reference (bank refunds only).
    pub bank_reference: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// A paid sale's receipt with what was paid, refunded and what remains refundable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Refundable {
    /// The receipt.
    pub receipt_number: i64,
    /// The sale's bill number.
    pub bill_number: String,
    /// How it was paid.
    #[cfg_attr(feature = "ts", ts(type = "\"khqr\" | \"cash\" | \"split\""))]
    pub sale_tender: SaleTender,
    /// The refunds' currency: the sale's.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub currency: Currency,
    /// What was paid.
    pub paid_text: String,
    /// Refunded so far.
    pub refunded_text: String,
    /// What may still be refunded.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub remaining: Money,
    /// Its display text.
    pub remaining_text: String,
    /// The refunds made so far, oldest first.
    pub refunds: Vec<RefundView>,
}

/// One change of the exchange rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RateEntry {
    /// Riel per dollar.
    pub riel_per_usd: i64,
    /// When, shop time.
    pub at_text: String,
    /// Who: `owner` or a cashier's name.
    pub by: String,
}

/// The rate in force and every change of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RateInfo {
    /// Riel per dollar now.
    pub riel_per_usd: i64,
    /// The configured rate is in force: the owner never set one here.
    pub from_config: bool,
    /// Every change, newest first.
    pub log: Vec<RateEntry>,
}

/// A cashier account as the owner lists it (never its PIN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CashierRow {
    /// The name it signs in with.
    pub name: String,
    /// When it was added, shop time.
    pub added_text: String,
    /// When it was disabled, if it was.
    pub disabled_text: Option<String>,
}

/// A new cashier account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewCashier {
    /// The name.
    pub name: String,
    /// Its PIN, 4 to 8 digits (stored only as its hash).
    pub pin: String,
}

/// A shift in the owner's list: the open one first, then the closed ones with their Z report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ShiftRow {
    /// The shift's id.
    pub shift_id: i64,
    /// Who opened it.
    pub cashier: String,
    /// When, shop time.
    pub opened_text: String,
    /// Its Z report's number, once closed.
    pub z_number: Option<i64>,
    /// When it closed, shop time.
    pub closed_text: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The variance per currency at close, for people (`-1,000 KHR · 0.00 USD`).
    pub variance_text: Option<String>,
    /// For the open shift: what the drawer should hold now.
    pub expected_text: Option<String>,
}

/// One figure of a Z report, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ZLine {
    /// `drawer`, `cash`, `khqr`, `refunds` or `close` (the screen translates it).
    pub section: String,
    /// The item (the screen translates it).
    pub item: String,
    /// Riel, or the count.
    pub khr_text: String,
    /// Dollars; empty for a count.
    pub usd_text: String,
}

/// A Z report as the owner reads and prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ZView {
    /// The shop.
    pub shop_name: String,
    /// The terminal.
    pub terminal_id: String,
    /// The gap-free number.
    pub number: i64,
    /// The shift it closed.
    pub shift_id: i64,
    /// Who opened the shift.
    pub cashier: String,
    /// Who closed it.
    pub closed_by: String,
    /// When the shift opened and when the report was issued, shop time.
    pub opened_text: String,
    /// When issued.
    pub issued_text: String,
    /// The variance reason, if one was written.
    pub reason: Option<String>,
    /// The figures in print order.
    pub lines: Vec<ZLine>,
    /// Its chain hash.
    pub hash: String,
}

/// The owner's close of this terminal's open shift, whoever opened it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OwnerClose {
    /// Riel counted, as typed.
    pub counted_khr: String,
    /// Dollars counted, as typed.
    pub counted_usd: String,
    /// Why the variance, when above the threshold.
    pub reason: Option<String>,
}

/// Names an actor for people, from the cashier accounts.
fn actor_name(actor: Actor, cashiers: &[pos_store::Cashier]) -> String {
    match actor {
        Actor::Owner => OWNER.to_owned(),
        Actor::Cashier(id) => cashiers
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("#{id}"), |c| c.name.clone()),
    }
}

fn both(amounts: pos_cash::PerCurrency) -> String {
    format!(
        "{} KHR · {} USD",
        Money::new(amounts.khr, Currency::Khr),
        Money::new(amounts.usd, Currency::Usd)
    )
}

/// Receipt `receipt` of this terminal with its refunds so far and what remains refundable.
pub async fn refundable(pos: &Pos, receipt: i64) -> Result<Refundable, CoreError> {
    let terminal = pos.config().terminal_id.clone();
    let (sale, refunds) = pos
        .ledger()
        .store()
        .run(move |s| {
            let sale = s.sale_by_receipt(&terminal, receipt)?;
            let refunds: Vec<_> = s
                .refunds()?
                .into_iter()
                .filter(|r| r.receipt_terminal_id == terminal && r.receipt_number == receipt)
                .collect();
            Ok::<_, CoreError>((sale, refunds))
        })
        .await?;
    // What the ledger caps refunds at: Bakong's paid amount for a KHQR sale, else the total.
    let paid = match &sale.payment {
        Some(p) if sale.qr_amount.is_none() => p.amount,
        _ => sale.amount,
    };
    let refunded = refunds.iter().map(|r| r.amount.minor).sum::<i64>();
    let remaining = Money::new(paid.minor.saturating_sub(refunded), paid.currency);
    Ok(Refundable {
        receipt_number: receipt,
        bill_number: sale.bill_number.clone(),
        sale_tender: sale.tender(),
        currency: paid.currency,
        paid_text: paid.to_string(),
        refunded_text: Money::new(refunded, paid.currency).to_string(),
        remaining,
        remaining_text: remaining.to_string(),
        refunds: refunds.iter().map(|r| RefundView::of(r, &sale)).collect(),
    })
}

/// Records the owner's refund; refused (nothing written) above what remains, in another
/// currency, cash with no open shift, bank without its reference or cash with one.
pub async fn refund(pos: &Pos, input: &RefundInput) -> Result<RefundView, CoreError> {
    let bank_reference = match (input.tender, &input.bank_reference) {
        (RefundKind::Bank, reference) => Some(reference.clone().unwrap_or_default()),
        (RefundKind::Cash, None) => None,
        (RefundKind::Cash, Some(r)) if r.trim().is_empty() => None,
        (RefundKind::Cash, Some(_)) => {
            return Err(CoreError::Counter(pos_store::StoreError::RefundInvalid(
                "a cash refund has no bank reference".to_owned(),
            )))
        }
    };
    let request = RefundRequest {
        receipt: input.receipt,
        receipt_terminal: None,
        amount: input.amount.clone(),
        currency: Some(input.currency),
        bank_reference,
        reason: input.reason.clone().filter(|r| !r.trim().is_empty()),
    };
    let refund = pos.refund(Actor::Owner, &request).await?;
    let (terminal, number) = (refund.receipt_terminal_id.clone(), refund.receipt_number);
    let sale = pos
        .ledger()
        .store()
        .run(move |s| s.sale_by_receipt(&terminal, number))
        .await?;
    Ok(RefundView::of(&refund, &sale))
}

/// The rate in force and its change log.
pub async fn rate_info(pos: &Pos) -> Result<RateInfo, CoreError> {
    let now = pos.rate().await?;
    let (log, cashiers) = pos
        .ledger()
        .store()
        .run(|s| Ok::<_, CoreError>((s.rate_history()?, s.cashiers()?)))
        .await?;
    let config = pos.config();
    Ok(RateInfo {
        riel_per_usd: now.riel_per_usd,
        from_config: now.changed_at_ms.is_none(),
        log: log
            .iter()
            .map(|c| RateEntry {
                riel_per_usd: c.rate.riel_per_usd(),
                at_text: shop_time(config, c.changed_ms, STAMP),
                by: actor_name(c.changed_by, &cashiers),
            })
            .collect(),
    })
}

/// The cashier accounts, in the order they were added.
pub async fn cashier_rows(pos: &Pos) -> Result<Vec<CashierRow>, CoreError> {
    let config = pos.config();
    Ok(pos
        .cashiers()
        .await?
        .iter()
        .map(|c| CashierRow {
            name: c.name.clone(),
            added_text: shop_time(config, c.created_ms, STAMP),
            disabled_text: c.disabled_ms.map(|ms| shop_time(config, ms, STAMP)),
        })
        .collect())
}

/// This terminal's shifts, newest first: the open one (with its expected drawer), then the
/// closed ones with their Z reports.
pub async fn shift_rows(pos: &Pos) -> Result<Vec<ShiftRow>, CoreError> {
    let terminal = pos.config().terminal_id.clone();
    let (reports, shifts, cashiers) = pos
        .ledger()
        .store()
        .run(move |s| {
            let reports: Vec<ZReport> = s
                .z_reports()?
                .into_iter()
                .filter(|z| z.terminal_id == terminal)
                .collect();
            let shifts = reports
                .iter()
                .map(|z| s.shift(z.shift_id))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, CoreError>((reports, shifts, s.cashiers()?))
        })
        .await?;
    let config = pos.config();
    let mut rows = Vec::new();
    if let Some(open) = pos.shift_status().await? {
        rows.push(ShiftRow {
            shift_id: open.shift.id.0,
            cashier: actor_name(open.shift.cashier, &cashiers),
            opened_text: shop_time(config, open.shift.opened_ms, STAMP),
            z_number: None,
            closed_text: None,
            closed_by: None,
            variance_text: None,
            expected_text: Some(both(open.expected)),
        });
    }
    for (z, shift) in reports.iter().zip(shifts).rev() {
        let closed = shift.as_ref().and_then(|s| s.closed.as_ref());
        rows.push(ShiftRow {
            shift_id: z.shift_id.0,
            cashier: shift
                .as_ref()
                .map(|s| actor_name(s.cashier, &cashiers))
                .unwrap_or_default(),
            opened_text: shift
                .as_ref()
                .map(|s| shop_time(config, s.opened_ms, STAMP))
                .unwrap_or_default(),
            z_number: Some(z.number),
            closed_text: Some(shop_time(config, z.issued_ms, STAMP)),
            closed_by: closed.map(|c| actor_name(c.closed_by, &cashiers)),
            variance_text: Some(both(z.document.closing.variance)),
            expected_text: None,
        });
    }
    Ok(rows)
}

fn z_of(pos: &Pos, z: Option<ZReport>, number: i64) -> Result<ZReport, CoreError> {
    z.ok_or_else(|| {
        CoreError::Counter(pos_store::StoreError::NoZReport {
            terminal_id: pos.config().terminal_id.clone(),
            number,
        })
    })
}

/// Z report `number` of this terminal, for the screen and its printout.
pub async fn z_view(pos: &Pos, number: i64) -> Result<ZView, CoreError> {
    let z = z_of(pos, pos.z_report(number).await?, number)?;
    let id = z.shift_id;
    let (shift, cashiers) = pos
        .ledger()
        .store()
        .run(move |s| Ok::<_, CoreError>((s.shift(id)?, s.cashiers()?)))
        .await?;
    let config = pos.config();
    Ok(z_view_of(config, &z, shift.as_ref(), &cashiers))
}

fn z_view_of(
    config: &Config,
    z: &ZReport,
    shift: Option<&pos_store::Shift>,
    cashiers: &[pos_store::Cashier],
) -> ZView {
    let lines = z
        .figures()
        .into_iter()
        .map(|f| ZLine {
            section: f.section.to_owned(),
            item: f.item.to_owned(),
            khr_text: if f.count {
                f.amounts.khr.to_string()
            } else {
                Money::new(f.amounts.khr, Currency::Khr).to_string()
            },
            usd_text: if f.count {
                String::new()
            } else {
                Money::new(f.amounts.usd, Currency::Usd).to_string()
            },
        })
        .collect();
    ZView {
        shop_name: config.merchant.name.clone(),
        terminal_id: z.terminal_id.clone(),
        number: z.number,
        shift_id: z.shift_id.0,
        cashier: shift
            .map(|s| actor_name(s.cashier, cashiers))
            .unwrap_or_default(),
        closed_by: shift
            .and_then(|s| s.closed.as_ref())
            .map(|c| actor_name(c.closed_by, cashiers))
            .unwrap_or_default(),
        opened_text: shift
            .map(|s| shop_time(config, s.opened_ms, STAMP))
            .unwrap_or_default(),
        issued_text: shop_time(config, z.issued_ms, STAMP),
        reason: z.document.closing.reason.clone(),
        lines,
        hash: z.hash.clone(),
    }
}

/// Closes this terminal's open shift as the owner (whoever opened it), issuing its Z report.
pub async fn close_shift(pos: &Pos, input: &OwnerClose) -> Result<ZView, CoreError> {
    let request = CloseShiftRequest {
        counted_khr: input.counted_khr.clone(),
        counted_usd: input.counted_usd.clone(),
        reason: input.reason.clone().filter(|r| !r.trim().is_empty()),
    };
    let z = pos.close_shift(Actor::Owner, &request).await?;
    z_view(pos, z.number).await
}

/// Writes Z report `number` as CSV (with a byte order mark, like the sales export) into `dir`.
pub async fn export_z_csv(pos: &Pos, number: i64, dir: &Path) -> Result<ExportResult, CoreError> {
    let z = z_of(pos, pos.z_report(number).await?, number)?;
    let path = dir.join(format!("khqr-pos-{}-z{number}.csv", z.terminal_id));
    crate::counter::write_z_csv(&z, &path, b"\xEF\xBB\xBF")?;
    Ok(ExportResult {
        path: path.display().to_string(),
        rows: u64::try_from(z.figures().len()).unwrap_or_default(),
    })
}
