//! `khqr-pos check BILL`: "the customer shows paid". One check with Bakong for one sale, now,
//! through the same path as the app's key; prints paid, not found yet, or cannot verify.

use std::process::ExitCode;

use clap::Args;
use pos_core::{CheckNow, CoreError, Ledger, SaleStatus, SalesQuery};

use crate::common::{
    self, CoreArgs, EXIT_CANNOT_VERIFY, EXIT_ERROR, EXIT_FAILED, EXIT_OK, EXIT_REVIEW,
};

/// Bakong has no payment for the sale yet; the automatic checks continue.
pub const EXIT_NOT_FOUND_YET: u8 = 8;

const EXIT_HELP: &str = "\
Exit codes:
  0  paid
  1  error (no such sale, configuration, ledger)
  4  payment failed
  6  cannot verify (budget, network, quota, token, region): NOT unpaid; the sale stays pending
  7  needs review: paid with a different amount or payee, or paid late
  8  not found yet: Bakong has no payment for this QR yet";

/// Options of `khqr-pos check`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_HELP)]
pub struct CheckArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Today's bill number (e.g. POS1-261201-0007) or the sale id.
    bill: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `khqr-pos check`.
pub fn run(args: CheckArgs) -> ExitCode {
    common::block_on(check(args))
}

async fn check(args: CheckArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    // Only this sale: the others are the running app's (or `watch`'s) to check.
    let pos = common::start_for_one_sale(config).await?;
    let result = match sale_id(pos.ledger(), &args.bill).await {
        Ok(id) => pos.check_now(id).await,
        Err(error) => Err(error),
    };
    let health = pos.health().await;
    pos.shutdown().await;
    let answer = result?;
    let health = health?;
    if args.json {
        common::print_json(&serde_json::json!({
            "check": answer,
            "checksUsedToday": health.checks_used_today,
            "checkBudget": health.check_budget,
        }))?;
    } else {
        let (sale, said) = match &answer {
            CheckNow::Found { sale } => (sale, format!("PAID ({})", sale.status)),
            CheckNow::NotFoundYet { sale } => (
                sale,
                "not found yet: Bakong has no payment for this QR yet".to_owned(),
            ),
            CheckNow::CannotVerify {
                sale,
                reason,
                message,
            } => (
                sale,
                format!(
                    "cannot verify right now: {} ({message}); NOT unpaid",
                    reason.describe()
                ),
            ),
            CheckNow::Closed { sale } => (sale, format!("already {}; no check spent", sale.status)),
        };
        println!(
            "bill {}  {} {}  {said}\n{} of {} checks used today",
            sale.bill_number,
            sale.amount_text,
            sale.currency,
            health.checks_used_today,
            health.check_budget
        );
    }
    Ok(match &answer {
        CheckNow::NotFoundYet { .. } => EXIT_NOT_FOUND_YET,
        CheckNow::CannotVerify { .. } => EXIT_CANNOT_VERIFY,
        CheckNow::Found { sale } | CheckNow::Closed { sale } => match sale.status {
            SaleStatus::Paid => EXIT_OK,
            SaleStatus::PaidLate | SaleStatus::Mismatch => EXIT_REVIEW,
            SaleStatus::Failed => EXIT_FAILED,
            _ => EXIT_ERROR,
        },
    })
}

/// The sale a bill number (today's) or a sale id names.
pub(crate) async fn sale_id(ledger: &Ledger, bill: &str) -> Result<i64, CoreError> {
    if let Ok(id) = pos_core::sale_id_from_text(bill) {
        return Ok(id);
    }
    let found = ledger
        .sales(SalesQuery {
            search: Some(bill.to_owned()),
            ..SalesQuery::default()
        })
        .await?;
    found
        .sales
        .iter()
        .find(|sale| sale.bill_number.eq_ignore_ascii_case(bill.trim()))
        .map(|sale| sale.id)
        .ok_or_else(|| CoreError::SaleIdInvalid {
            text: format!("{bill} (no such bill today)"),
        })
}
