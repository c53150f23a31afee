//! `khqr-pos accept BILL --ref TEXT`: accept a sale on the customer's success screen when
//! Bakong cannot answer. A fresh process does not know whether Bakong answers, so one check
//! comes first, through the same path as the check key: a payment Bakong confirms is simply
//! paid, and an answer of "not found yet" means Bakong can be asked, so nothing is accepted.

use std::process::ExitCode;

use clap::Args;
use pos_core::{CheckNow, CoreError, InvalidTransition, SaleEvent, SaleStatus};

use crate::check;
use crate::common::{self, CoreArgs, EXIT_CANNOT_VERIFY, EXIT_OK};

const EXIT_HELP: &str = "\
Exit codes:
  0  paid: Bakong answered and confirmed the payment, nothing to accept
  1  error (no such sale, bakong can answer (not found yet), accepting is off, bad reference)
  6  accepted on the customer's screen: NOT verified yet; the watcher (`khqr-pos watch` or the
     app) verifies it once Bakong answers, and a missing or different payment goes to the owner";

/// Options of `khqr-pos accept`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_HELP)]
pub struct AcceptArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Today's bill number (e.g. POS1-261201-0007) or the sale id.
    bill: String,
    /// The payer's reference shown on the customer's success screen (or its last digits).
    #[arg(long = "ref", value_name = "TEXT")]
    payer_ref: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `khqr-pos accept`.
pub fn run(args: AcceptArgs) -> ExitCode {
    common::block_on(accept(args))
}

async fn accept(args: AcceptArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let pos = common::start_for_one_sale(config).await?;
    let result = async {
        let id = check::sale_id(pos.ledger(), &args.bill).await?;
        // Refused whatever Bakong says: no check is spent to find out.
        let payer_ref = pos.accept_precheck(&args.payer_ref)?;
        match pos.check_now(id).await? {
            CheckNow::CannotVerify { .. } => pos.accept_unverified(id, &payer_ref).await,
            CheckNow::NotFoundYet { .. } => Err(CoreError::AcceptNotNeeded { sale_id: id }),
            CheckNow::Found { sale } | CheckNow::Closed { sale } => {
                if sale.status == SaleStatus::Paid {
                    Ok(*sale)
                } else {
                    Err(CoreError::Transition {
                        sale_id: id,
                        source: InvalidTransition {
                            from: sale.status,
                            event: SaleEvent::AcceptedOnScreen,
                        },
                    })
                }
            }
        }
    }
    .await;
    pos.shutdown().await;
    let sale = result?;
    let paid = sale.status == SaleStatus::Paid;
    if args.json {
        let outcome = if paid { "paid" } else { "accepted" };
        common::print_json(&serde_json::json!({ "sale": sale, "outcome": outcome }))?;
    } else {
        let said = if paid {
            "PAID: Bakong confirmed the payment"
        } else {
            "ACCEPTED on the customer's screen: not verified yet; checked once Bakong answers"
        };
        println!(
            "bill {}  {} {}  {said}",
            sale.bill_number, sale.amount_text, sale.currency
        );
    }
    Ok(if paid { EXIT_OK } else { EXIT_CANNOT_VERIFY })
}
