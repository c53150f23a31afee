//! `khqr-pos charge`: records a pending sale, prints its KHQR (in the terminal or as JSON),
//! and with `--wait` stays until the payment is final; the exit code tells the outcome. With
//! `--cash-usd`/`--cash-khr` it rings up a cash sale in the open shift instead (change and
//! rounding line printed), and with `--split` short cash leaves a KHQR for exactly the rest.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use pos_core::counter::{CashSaleRequest, CashSaleView};
use pos_core::{
    ChargeRequest, ChargeView, CoreError, Currency, Pos, PosEvent, SaleStatus, SaleView,
    Verification,
};
use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};
use tokio::sync::broadcast::error::RecvError;

use crate::common::{
    self, CoreArgs, EXIT_CANCELLED, EXIT_CANNOT_VERIFY, EXIT_EXPIRED, EXIT_FAILED, EXIT_OK,
    EXIT_REVIEW,
};

/// How long after the QR's expiry `--wait` keeps trying before it gives up with "cannot
/// verify" (the final check comes a few seconds after expiry when Bakong answers).
const GIVE_UP_AFTER_EXPIRY: Duration = Duration::from_secs(30);

/// Options of `khqr-pos charge`.
#[derive(Debug, Args)]
#[command(after_help = common::EXIT_CODES_HELP)]
pub struct ChargeArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The amount as a cashier types it: 5000, 1,500, 1,500,000, 1.50. Digits, at most one
    /// '.', and ',' only between groups of three digits; no sign, exponent, '_' or inner space
    /// (spaces around it are ignored).
    #[arg(long)]
    amount: String,
    /// KHR or USD (default: the shop's default currency).
    #[arg(long)]
    currency: Option<String>,
    /// How long the QR can be paid, 1m to 10m (default: the configured lifetime).
    #[arg(long, value_name = "DURATION")]
    expires_in: Option<String>,
    /// A note kept with the sale (not put in the QR): one line of at most 200 characters.
    #[arg(long)]
    note: Option<String>,
    /// Stay until the sale is paid, failed, expired or cancelled (Ctrl-C cancels it).
    #[arg(long)]
    wait: bool,
    /// Print JSON lines instead of the QR: the charge, then (with --wait) the final sale.
    #[arg(long)]
    json: bool,
    /// Demo mode only: the simulator pays the QR after this long (e.g. 3s).
    #[arg(long, value_name = "DURATION")]
    demo_autopay: Option<String>,
    /// Cash sale: the dollars handed over (whole accepted notes, e.g. 20).
    #[arg(long, value_name = "AMOUNT")]
    cash_usd: Option<String>,
    /// Cash sale: the riel handed over (e.g. 10,000).
    #[arg(long, value_name = "AMOUNT")]
    cash_khr: Option<String>,
    /// Cash sale: give all the change in riel.
    #[arg(long)]
    all_riel: bool,
    /// Cash sale: when the cash is short, make a KHQR for exactly the rest (with --wait,
    /// stay until it is paid).
    #[arg(long)]
    split: bool,
}

/// Runs `khqr-pos charge`.
pub fn run(args: ChargeArgs) -> ExitCode {
    common::block_on(charge(args))
}

async fn charge(args: ChargeArgs) -> Result<u8, CoreError> {
    let currency = args
        .currency
        .as_deref()
        .map(str::parse::<Currency>)
        .transpose()?;
    let expires_in = common::duration_flag(args.expires_in.as_deref(), "--expires-in")?;
    let autopay = common::duration_flag(args.demo_autopay.as_deref(), "--demo-autopay")?;
    let config = args.core.load(autopay)?;
    let tz = config.time_zone;
    // Only this charge is watched here; `khqr-pos watch` looks after everything else. Waiting,
    // it joins the shop's shared checks like the app does.
    let pos = common::start_for_one_sale_with(config, args.wait).await?;
    let mut events = pos.subscribe();
    let shown = sell(&pos, &args, currency, expires_in, tz).await;
    let qr = match shown {
        Ok(qr) => qr,
        Err(error) => {
            pos.shutdown().await;
            return Err(error);
        }
    };
    let outcome = match qr {
        Some(charge) if args.wait => wait(&pos, &mut events, &charge, args.json).await,
        _ => Ok(EXIT_OK),
    };
    pos.shutdown().await;
    outcome
}

/// Records the sale and prints it; returns the QR the customer is to pay, if any.
async fn sell(
    pos: &Pos,
    args: &ChargeArgs,
    currency: Option<Currency>,
    expires_in: Option<Duration>,
    tz: chrono_tz::Tz,
) -> Result<Option<ChargeView>, CoreError> {
    if args.cash_usd.is_none() && args.cash_khr.is_none() {
        if args.split || args.all_riel {
            return Err(CoreError::ConfigInvalid {
                field: "--split/--all-riel".into(),
                reason: "they apply to a cash sale: give --cash-usd or --cash-khr".into(),
            });
        }
        let charge = pos
            .charge(ChargeRequest {
                amount: args.amount.clone(),
                currency,
                expires_in_ms: expires_in.and_then(|d| u64::try_from(d.as_millis()).ok()),
                note: args.note.clone(),
            })
            .await?;
        if args.json {
            common::print_json(&charge_json(&charge, tz))?;
        } else {
            print_card(&charge, tz, pos.is_demo());
        }
        return Ok(Some(charge));
    }
    let sale = pos
        .cash_sale(CashSaleRequest {
            amount: args.amount.clone(),
            currency,
            usd_given: args.cash_usd.clone(),
            khr_given: args.cash_khr.clone(),
            all_riel: args.all_riel,
            split: args.split,
            note: args.note.clone(),
        })
        .await?;
    if args.json {
        let mut value = serde_json::to_value(&sale).unwrap_or_default();
        if let (Some(map), Some(qr)) = (value.as_object_mut(), &sale.khqr) {
            map.insert("khqr".into(), charge_json(qr, tz));
        }
        common::print_json(&value)?;
    } else {
        print_cash(&sale);
        if let Some(qr) = &sale.khqr {
            print_card(qr, tz, pos.is_demo());
        }
    }
    Ok(sale.khqr)
}

/// A cash sale as the cashier reads it: due in both currencies, given, change, rounding.
fn print_cash(sale: &CashSaleView) {
    println!(
        "due {} KHR / {} USD at {} riel per dollar   bill {}",
        sale.due_khr, sale.due_usd, sale.riel_per_usd, sale.sale.bill_number
    );
    println!(
        "given {} USD + {} KHR   change {} USD + {} KHR   rounding {} KHR",
        sale.tendered.usd, sale.tendered.khr, sale.change.usd, sale.change.khr, sale.rounding
    );
    match sale.sale.receipt_number {
        Some(receipt) => println!("PAID IN CASH  receipt #{receipt}"),
        None => println!("SPLIT: the rest is due by KHQR"),
    }
}

/// The charge as JSON: the view without the SVG, plus readable times.
fn charge_json(charge: &ChargeView, tz: chrono_tz::Tz) -> serde_json::Value {
    let mut value = serde_json::to_value(charge).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("qrSvg");
        map.insert(
            "expiresAt".into(),
            common::local_time(charge.expires_at_ms, tz).into(),
        );
    }
    value
}

fn print_card(charge: &ChargeView, tz: chrono_tz::Tz, demo: bool) {
    // Level M keeps the code small enough for a terminal; the app's card uses level H.
    match QrCode::with_error_correction_level(charge.qr.as_bytes(), EcLevel::M) {
        Ok(code) => {
            // Inverted colours: terminals are mostly dark, and scanners need dark modules
            // on a light background.
            let art = code
                .render::<Dense1x2>()
                .dark_color(Dense1x2::Light)
                .light_color(Dense1x2::Dark)
                .quiet_zone(true)
                .build();
            println!("{art}");
        }
        Err(error) => eprintln!("(cannot draw the qr in the terminal: {error})"),
    }
    println!(
        "{}  {} {}   bill {}   sale {}",
        charge.merchant_name,
        charge.amount_text,
        charge.currency,
        charge.bill_number,
        charge.sale_id
    );
    if let Some(khr) = &charge.khr_equivalent_text {
        println!("≈ {khr} KHR at the shop rate");
    }
    println!(
        "pay before {}   md5 {}",
        common::local_time(charge.expires_at_ms, tz),
        charge.md5
    );
    if demo {
        println!("DEMO MODE: payments are simulated (no Bakong token configured)");
    }
    println!("{}", charge.qr);
}

/// Waits for the sale to become final and returns the exit code for its outcome.
async fn wait(
    pos: &Pos,
    events: &mut tokio::sync::broadcast::Receiver<PosEvent>,
    charge: &ChargeView,
    json: bool,
) -> Result<u8, CoreError> {
    let id = charge.sale_id;
    let give_up_ms = charge
        .expires_at_ms
        .saturating_add(i64::try_from(GIVE_UP_AFTER_EXPIRY.as_millis()).unwrap_or(i64::MAX));
    let mut last_verification: Option<Verification> = None;
    loop {
        let now = now_ms();
        let left = Duration::from_millis(give_up_ms.saturating_sub(now).max(0).unsigned_abs());
        let sale = tokio::select! {
            event = events.recv() => match event {
                Ok(PosEvent::SaleUpdated { sale }) if sale.id == id => Some(*sale),
                Ok(PosEvent::Verification { state }) => {
                    if !json {
                        describe_verification(&state);
                    }
                    last_verification = Some(state);
                    None
                }
                Ok(_) => None,
                // Missed events: read the sale itself.
                Err(RecvError::Lagged(_)) => Some(pos.sale(id).await?),
                Err(RecvError::Closed) => return Err(CoreError::Stopped),
            },
            _ = tokio::signal::ctrl_c() => {
                let sale = pos.cancel(id).await?;
                finish(&sale, json)?;
                return Ok(exit_code(sale.status).unwrap_or(EXIT_CANCELLED));
            }
            () = tokio::time::sleep(left) => {
                let sale = pos.sale(id).await?;
                if sale.status.is_pending() {
                    let why = match &last_verification {
                        Some(Verification::CannotVerify { message, .. }) => message.clone(),
                        _ => "no answer from bakong in time".to_owned(),
                    };
                    eprintln!("CANNOT VERIFY: {why}; the sale stays pending and `khqr-pos watch` will keep checking it");
                    if json {
                        common::print_json(&serde_json::json!({ "sale": sale, "outcome": "cannot_verify" }))?;
                    }
                    return Ok(EXIT_CANNOT_VERIFY);
                }
                Some(sale)
            }
        };
        if let Some(sale) = sale {
            if let Some(code) = exit_code(sale.status) {
                finish(&sale, json)?;
                return Ok(code);
            }
        }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The exit code of a final status; `None` while pending.
fn exit_code(status: SaleStatus) -> Option<u8> {
    match status {
        SaleStatus::Pending => None,
        SaleStatus::Paid => Some(EXIT_OK),
        SaleStatus::Expired => Some(EXIT_EXPIRED),
        SaleStatus::Failed => Some(EXIT_FAILED),
        SaleStatus::Cancelled => Some(EXIT_CANCELLED),
        SaleStatus::PaidLate | SaleStatus::Mismatch | SaleStatus::Unconfirmed => Some(EXIT_REVIEW),
        // Accepted on the customer's screen elsewhere: still unverified, the watcher checks it.
        SaleStatus::AcceptedUnverified => Some(EXIT_CANNOT_VERIFY),
    }
}

fn describe_verification(state: &Verification) {
    if let Verification::CannotVerify {
        reason, message, ..
    } = state
    {
        eprintln!("cannot verify right now: {} ({message})", reason.describe());
    }
}

fn finish(sale: &SaleView, json: bool) -> Result<(), CoreError> {
    if json {
        let outcome = sale.status.as_str();
        return common::print_json(&serde_json::json!({ "sale": sale, "outcome": outcome }));
    }
    let headline = match sale.status {
        SaleStatus::Paid => "PAID",
        SaleStatus::Expired => "EXPIRED",
        SaleStatus::Failed => "FAILED",
        SaleStatus::Cancelled => "CANCELLED",
        SaleStatus::PaidLate => "PAID LATE (needs review)",
        SaleStatus::Mismatch => "PAYMENT MISMATCH (needs review)",
        SaleStatus::Pending => "PENDING",
        SaleStatus::AcceptedUnverified => "ACCEPTED ON THE CUSTOMER'S SCREEN (not verified yet)",
        SaleStatus::Unconfirmed => "ACCEPTED BUT NOT FOUND AT BAKONG (needs review)",
    };
    let mut line = format!("{headline}  {} {}", sale.amount_text, sale.currency);
    if let Some(payment) = &sale.payment {
        if let Some(payer) = &payment.payer_account {
            line.push_str(&format!("  from {payer}"));
        }
        if payment.amount != sale.amount {
            line.push_str(&format!(
                "  (paid {} {})",
                payment.amount_text, payment.amount.currency
            ));
        }
    }
    if let Some(receipt) = sale.receipt_number {
        line.push_str(&format!("  receipt #{receipt}"));
    }
    println!("{line}");
    Ok(())
}

/// Exit codes are part of the interface: keep them distinct.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_final_status_has_its_own_documented_exit_code() {
        let codes: Vec<u8> = [
            SaleStatus::Paid,
            SaleStatus::Expired,
            SaleStatus::Failed,
            SaleStatus::Cancelled,
        ]
        .into_iter()
        .filter_map(exit_code)
        .chain([EXIT_CANNOT_VERIFY, EXIT_REVIEW, common::EXIT_ERROR])
        .collect();
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        for code in codes {
            assert!(common::EXIT_CODES_HELP.contains(&format!("  {code}  ")));
        }
        assert_eq!(exit_code(SaleStatus::Pending), None);
    }
}
