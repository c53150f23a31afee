//! The counter's day on the command line: `shift open|status|x|cash-in|cash-out|close|z`,
//! `rate`, `cashier add|list|disable`, `refund` and `owner set-pin`, each with `--json` and the core's own
//! validation. Who acts is `--as NAME` (`owner` by default, or a cashier's name); the PIN
//! comes from `KHQR_POS_PIN` only (a new cashier's from `KHQR_POS_NEW_PIN`), never a flag
//! that `ps` would show, and is never printed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use pos_cash::PerCurrency;
use pos_core::counter::{
    Actor, CloseShiftRequest, MovementRequest, RefundRequest, ShiftView, ZReport, OWNER,
};
use pos_core::{CoreError, Currency, Pos};

use crate::common::{self, CoreArgs, EXIT_OK};

/// The PIN of the person acting.
const ENV_PIN: &str = "KHQR_POS_PIN";
/// A new cashier's PIN.
const ENV_NEW_PIN: &str = "KHQR_POS_NEW_PIN";

/// Who acts: a name and, from the environment, their PIN.
#[derive(Debug, Clone, Args)]
pub struct Who {
    /// Act as `owner` or as the cashier with this name; the PIN is read from KHQR_POS_PIN.
    #[arg(id = "as", long = "as", value_name = "NAME", default_value = OWNER)]
    acting_as: String,
}

/// A PIN read from the environment; its `Debug` never shows it.
struct Pin(String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

fn pin_from(variable: &'static str, whose: &str) -> Result<Pin, CoreError> {
    std::env::var(variable)
        .map(Pin)
        .map_err(|_| CoreError::ConfigInvalid {
            field: variable.into(),
            reason: format!("set it to {whose} (4 to 8 digits)"),
        })
}

/// Options every counter command shares.
#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    core: CoreArgs,
    #[command(flatten)]
    who: Who,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Common {
    async fn start(&self) -> Result<Pos, CoreError> {
        common::start_for_one_sale(self.core.load(None)?).await
    }

    async fn sign_in(&self, pos: &Pos) -> Result<Actor, CoreError> {
        let pin = pin_from(ENV_PIN, &format!("the PIN of {}", self.who.acting_as))?;
        pos.sign_in(&self.who.acting_as, &pin.0).await
    }
}

/// The `shift` subcommands.
#[derive(Debug, Subcommand)]
pub enum ShiftCommand {
    /// Open a shift on this terminal with the counted float.
    Open {
        #[command(flatten)]
        common: Common,
        /// Riel in the drawer.
        #[arg(long, default_value = "0")]
        float_khr: String,
        /// Dollars in the drawer.
        #[arg(long, default_value = "0")]
        float_usd: String,
    },
    /// The open shift and its X report (exit 1 when none is open).
    Status {
        #[command(flatten)]
        common: Common,
    },
    /// The X report of the open shift (read-only).
    X {
        #[command(flatten)]
        common: Common,
    },
    /// Put cash into the drawer.
    CashIn(Movement),
    /// Take cash out of the drawer.
    CashOut(Movement),
    /// Close the open shift with the counted drawer; prints its Z report.
    Close {
        #[command(flatten)]
        common: Common,
        /// Riel counted: an amount (38,000) or note by note (50,000x1 + 1,000x3).
        #[arg(long)]
        counted_khr: String,
        /// Dollars counted: an amount (26) or note by note in dollars (20x1 1x6).
        #[arg(long)]
        counted_usd: String,
        /// Why the variance (needed above the shop's threshold).
        #[arg(long)]
        reason: Option<String>,
        /// Also write the Z report as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Print Z report NUMBER of this terminal (as CSV with --csv).
    Z {
        #[command(flatten)]
        common: Common,
        /// The Z report's number.
        number: i64,
        /// Print CSV instead.
        #[arg(long)]
        csv: bool,
    },
}

/// Cash into or out of the drawer.
#[derive(Debug, Args)]
pub struct Movement {
    #[command(flatten)]
    common: Common,
    /// How much, as typed.
    #[arg(long)]
    amount: String,
    /// KHR or USD.
    #[arg(long)]
    currency: String,
    /// Why.
    #[arg(long)]
    reason: String,
}

/// Options of `khqr-pos rate`.
#[derive(Debug, Args)]
pub struct RateArgs {
    #[command(flatten)]
    common: Common,
    /// Set the shop rate (riel per dollar, e.g. 4,100); the owner alone may.
    #[arg(long, value_name = "RIEL")]
    set: Option<String>,
    /// The shop's rate in the shop database instead (set once for every counter; see
    /// `sync rate`).
    #[arg(long)]
    shop: bool,
}

/// The `cashier` subcommands.
#[derive(Debug, Subcommand)]
pub enum CashierCommand {
    /// Add a cashier; their PIN is read from KHQR_POS_NEW_PIN (the owner's from KHQR_POS_PIN).
    /// At a counter whose [shop_db] names owner_url_file, the account is the shop's: every
    /// counter caches it when it syncs (disabling too).
    Add {
        #[command(flatten)]
        common: Common,
        /// The name they sign in with.
        name: String,
    },
    /// List the cashiers.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Disable a cashier (for good; their records keep their name).
    Disable {
        #[command(flatten)]
        common: Common,
        /// The cashier's name.
        name: String,
    },
}

/// The `owner` subcommands.
#[derive(Debug, Subcommand)]
pub enum OwnerCommand {
    /// Set the first owner PIN, read from KHQR_POS_NEW_PIN (refused once one is set; the
    /// app's owner area changes it).
    SetPin {
        #[command(flatten)]
        core: CoreArgs,
    },
}

/// Runs one `owner` subcommand.
pub fn run_owner(command: OwnerCommand) -> ExitCode {
    common::block_on(async move {
        let OwnerCommand::SetPin { core } = command;
        let config = core.load(None)?;
        let pin = pin_from(ENV_NEW_PIN, "the new owner PIN")?;
        pos_core::owner::OwnerPin::new(&config.data_dir).set_first(&pin.0)?;
        println!("owner pin set");
        Ok(EXIT_OK)
    })
}

/// Options of `khqr-pos refund`.
#[derive(Debug, Args)]
pub struct RefundArgs {
    #[command(flatten)]
    common: Common,
    /// The original receipt's number.
    #[arg(long)]
    receipt: i64,
    /// The receipt's terminal (default: this one).
    #[arg(long)]
    receipt_terminal: Option<String>,
    /// How much, in the sale's currency.
    #[arg(long)]
    amount: String,
    /// The sale's currency, KHR or USD: refused when the sale was paid in the other one.
    #[arg(long)]
    currency: Option<Currency>,
    /// How it is paid back: `cash` from the open shift's drawer, or `bank` from the shop's
    /// bank app (with --bank-ref).
    #[arg(long, value_enum)]
    tender: RefundBy,
    /// The bank app's reference of a bank refund.
    #[arg(long, value_name = "REFERENCE", required_if_eq("tender", "bank"))]
    bank_ref: Option<String>,
    /// Why.
    #[arg(long)]
    reason: Option<String>,
}

/// How a refund is paid back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RefundBy {
    /// Cash from the open shift's drawer.
    Cash,
    /// From the shop's bank app, with its reference.
    Bank,
}

/// Runs `f` on a started POS and shuts it down whatever the outcome.
async fn with_pos<T>(
    common: &Common,
    f: impl AsyncFnOnce(&Pos) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    let pos = common.start().await?;
    let result = f(&pos).await;
    pos.shutdown().await;
    result
}

/// The label column of a shift's lines and of a Z report's.
const SHIFT_LABEL: usize = 15;
const Z_LABEL: usize = 10;

/// One line of riel and US cents, its label padded to `width`.
fn print_amounts(label: &str, width: usize, amounts: &PerCurrency) {
    println!(
        "  {label:<width$}{} KHR  {} USD cents",
        amounts.khr, amounts.usd
    );
}

fn print_shift(view: &ShiftView, json: bool) -> Result<(), CoreError> {
    if json {
        return common::print_json(view);
    }
    let (s, t, e) = (&view.shift, &view.totals, &view.expected);
    println!(
        "shift {} on {} opened by {:?}",
        s.id, s.terminal_id, s.cashier
    );
    if view.from_earlier_day {
        println!("NOTE: opened on an earlier day: close it");
    }
    print_amounts("float", SHIFT_LABEL, &t.opening);
    print_amounts("cash received", SHIFT_LABEL, &t.cash_tendered);
    print_amounts("change given", SHIFT_LABEL, &t.change_given);
    println!("  rounding       {} KHR", t.rounding_khr);
    println!(
        "  cash in / out  {} / {} KHR  {} / {} USD cents",
        t.cash_in.khr, t.cash_out.khr, t.cash_in.usd, t.cash_out.usd
    );
    print_amounts("refunds cash", SHIFT_LABEL, &t.refunds_cash);
    println!(
        "  khqr paid      {} KHR  {} USD cents ({})",
        t.khqr_paid.khr, t.khqr_paid.usd, t.khqr_paid_count
    );
    println!(
        "  awaiting       {} KHR  {} USD cents ({})",
        t.khqr_awaiting.khr, t.khqr_awaiting.usd, t.khqr_awaiting_count
    );
    print_amounts("expected", SHIFT_LABEL, e);
    Ok(())
}

fn print_z(z: &ZReport, json: bool) -> Result<(), CoreError> {
    if json {
        return common::print_json(z);
    }
    let c = &z.document.closing;
    println!(
        "Z REPORT #{} terminal {} shift {}",
        z.number, z.terminal_id, z.shift_id
    );
    print_amounts("expected", Z_LABEL, &c.expected);
    print_amounts("counted", Z_LABEL, &c.counted);
    print_amounts("variance", Z_LABEL, &c.variance);
    if let Some(reason) = &c.reason {
        println!("  reason    {reason}");
    }
    println!("  hash      {}", z.hash);
    Ok(())
}

fn write_csv(z: &ZReport, out: impl std::io::Write) -> Result<(), CoreError> {
    z.write_csv(out)?;
    Ok(())
}

/// Runs one `shift` subcommand.
pub fn run_shift(command: ShiftCommand) -> ExitCode {
    common::block_on(shift(command))
}

async fn shift(command: ShiftCommand) -> Result<u8, CoreError> {
    match command {
        ShiftCommand::Open {
            common,
            float_khr,
            float_usd,
        } => {
            let view = with_pos(&common, async |pos| {
                let actor = common.sign_in(pos).await?;
                pos.open_shift(actor, &float_khr, &float_usd).await
            })
            .await?;
            print_shift(&view, common.json)?;
        }
        ShiftCommand::Status { common } | ShiftCommand::X { common } => {
            let view = with_pos(&common, async |pos| pos.x_report().await).await?;
            print_shift(&view, common.json)?;
        }
        ShiftCommand::CashIn(m) => movement(m, true).await?,
        ShiftCommand::CashOut(m) => movement(m, false).await?,
        ShiftCommand::Close {
            common,
            counted_khr,
            counted_usd,
            reason,
            csv,
        } => {
            let z = with_pos(&common, async |pos| {
                let actor = common.sign_in(pos).await?;
                let request = CloseShiftRequest {
                    counted_khr,
                    counted_usd,
                    reason,
                };
                pos.close_shift(actor, &request).await
            })
            .await?;
            print_z(&z, common.json)?;
            if let Some(path) = csv {
                let file = std::fs::File::create(&path).map_err(|e| CoreError::ExportFailed {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                write_csv(&z, file)?;
            }
        }
        ShiftCommand::Z {
            common,
            number,
            csv,
        } => {
            let Some(z) = with_pos(&common, async |pos| pos.z_report(number).await).await? else {
                eprintln!("error: no z report #{number} on this terminal");
                return Ok(common::EXIT_ERROR);
            };
            if csv {
                write_csv(&z, std::io::stdout())?;
            } else {
                print_z(&z, common.json)?;
            }
        }
    }
    Ok(EXIT_OK)
}

async fn movement(m: Movement, cash_in: bool) -> Result<(), CoreError> {
    let currency: Currency = m.currency.parse()?;
    let view = with_pos(&m.common, async |pos| {
        let actor = m.common.sign_in(pos).await?;
        let request = MovementRequest {
            cash_in,
            amount: m.amount.clone(),
            currency,
            reason: m.reason.clone(),
        };
        pos.cash_movement(actor, &request).await
    })
    .await?;
    print_shift(&view, m.common.json)
}

/// Runs `khqr-pos rate`.
pub fn run_rate(args: RateArgs) -> ExitCode {
    if args.shop {
        return crate::sync::run_shop_rate(crate::sync::ShopRateArgs {
            set: args.set,
            json: args.common.json,
        });
    }
    common::block_on(async move {
        let common = &args.common;
        let view = with_pos(common, async |pos| match &args.set {
            Some(text) => {
                let actor = common.sign_in(pos).await?;
                pos.set_rate(actor, text).await
            }
            None => pos.rate().await,
        })
        .await?;
        if common.json {
            common::print_json(&view)?;
        } else {
            println!("{} riel per dollar", view.riel_per_usd);
        }
        Ok(EXIT_OK)
    })
}

/// Runs one `cashier` subcommand.
pub fn run_cashier(command: CashierCommand) -> ExitCode {
    common::block_on(async move {
        let (common, cashiers) = match &command {
            CashierCommand::Add { common, name } => {
                let cashier = with_pos(common, async |pos| {
                    let actor = common.sign_in(pos).await?;
                    let pin = pin_from(ENV_NEW_PIN, &format!("the new PIN of {name}"))?;
                    pos.add_cashier(actor, name, &pin.0).await
                })
                .await?;
                (common, vec![cashier])
            }
            CashierCommand::List { common } => (
                common,
                with_pos(common, async |pos| pos.cashiers().await).await?,
            ),
            CashierCommand::Disable { common, name } => {
                let cashier = with_pos(common, async |pos| {
                    let actor = common.sign_in(pos).await?;
                    pos.disable_cashier(actor, name).await
                })
                .await?;
                (common, vec![cashier])
            }
        };
        if common.json {
            common::print_json(&cashiers)?;
        } else {
            for c in &cashiers {
                let state = if c.disabled_ms.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                println!("{}  {}  {state}", c.id, c.name);
            }
        }
        Ok(EXIT_OK)
    })
}

/// Runs `khqr-pos refund`.
pub fn run_refund(args: RefundArgs) -> ExitCode {
    common::block_on(async move {
        let common = &args.common;
        let refund = with_pos(common, async |pos| {
            let actor = common.sign_in(pos).await?;
            let bank_reference = match (args.tender, &args.bank_ref) {
                (RefundBy::Bank, reference) => reference.clone(),
                (RefundBy::Cash, None) => None,
                (RefundBy::Cash, Some(_)) => {
                    return Err(CoreError::ConfigInvalid {
                        field: "--bank-ref".into(),
                        reason: "a cash refund has no bank reference; use --tender bank".into(),
                    })
                }
            };
            let request = RefundRequest {
                receipt: args.receipt,
                receipt_terminal: args.receipt_terminal.clone(),
                amount: args.amount.clone(),
                currency: args.currency,
                bank_reference,
                reason: args.reason.clone(),
            };
            pos.refund(actor, &request).await
        })
        .await?;
        if common.json {
            common::print_json(&refund)?;
        } else {
            println!(
                "REFUND #{} of {} {} against receipt {} #{}",
                refund.number,
                refund.amount,
                refund.amount.currency,
                refund.receipt_terminal_id,
                refund.receipt_number
            );
        }
        Ok(EXIT_OK)
    })
}
