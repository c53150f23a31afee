//! `khqr-pos print …`: paper from the configured printer (`[printer]` in the configuration):
//! a receipt by its number (the original if it was never sent, else a COPY), a Z report, the
//! end-of-day report; and the test page, a sample English and Khmer receipt with a KHQR, as a
//! PNG to look at or as the ESC/POS bytes a printer would get.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use pos_core::{CoreError, Ledger};
use pos_domain::{Currency, Money};
use pos_print::{
    render, Bitmap, DeviceTransport, JobOptions, Paid, PaperWidth, PrintError, Printer, ReceiptDoc,
};

use crate::common::{self, CoreArgs, EXIT_OK};

/// The `print` subcommands.
#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Print receipt N of this terminal: the original if it was never sent, else a COPY.
    Receipt(ReceiptArgs),
    /// Print Z report N of this terminal.
    Z(ZArgs),
    /// Print the end-of-day report.
    Report(DayArgs),
    /// Print the queued receipts now ("print now") and show the queue: printed, waiting
    /// for the printer and why, and those that may be on paper already (reprint as COPY).
    Queue(QueueArgs),
    /// Render the test page (a sample receipt in English and Khmer with its KHQR).
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The receipt number.
    number: i64,
    /// Print a reprint marked COPY even if the original was never printed.
    #[arg(long)]
    copy: bool,
}

#[derive(Debug, Args)]
pub struct ZArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The Z report number.
    number: i64,
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct DayArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The day, YYYY-MM-DD in the shop's time zone (default: today).
    #[arg(long)]
    date: Option<String>,
}

/// Paper width in millimetres.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Width {
    #[value(name = "58")]
    Mm58,
    #[value(name = "80")]
    Mm80,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Output file: .png for the image, .bin for the ESC/POS bytes.
    #[arg(long)]
    out: PathBuf,
    /// Paper width.
    #[arg(long, value_enum, default_value = "80")]
    width: Width,
    /// Print it as a reprint (marked COPY).
    #[arg(long)]
    copy: bool,
}

/// Runs one `print` subcommand and returns the process exit code.
pub fn run(command: PrintCommand) -> ExitCode {
    match command {
        PrintCommand::Receipt(args) => common::block_on(async move {
            let ledger = Ledger::open(args.core.load(None)?).await?;
            let printed = ledger.print_receipt(args.number, args.copy).await?;
            let kind = match printed {
                pos_print::Printed::Original => "the original",
                pos_print::Printed::Copy => "a COPY",
            };
            println!("printed receipt #{} as {kind}", args.number);
            Ok(EXIT_OK)
        }),
        PrintCommand::Z(args) => common::block_on(async move {
            let ledger = Ledger::open(args.core.load(None)?).await?;
            ledger.print_z(args.number).await?;
            println!("printed Z report #{}", args.number);
            Ok::<_, CoreError>(EXIT_OK)
        }),
        PrintCommand::Report(args) => common::block_on(async move {
            let ledger = Ledger::open(args.core.load(None)?).await?;
            ledger.print_day(args.date).await?;
            println!("printed the end-of-day report");
            Ok(EXIT_OK)
        }),
        PrintCommand::Queue(args) => common::block_on(async move {
            let ledger = Ledger::open(args.core.load(None)?).await?;
            let queue = ledger.drain_print_queue().await?;
            if args.json {
                common::print_json(&queue)?;
            } else {
                print_queue(&queue);
            }
            Ok(EXIT_OK)
        }),
        PrintCommand::Test(args) => match test_page(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("khqr-pos print test: {message}");
                ExitCode::FAILURE
            }
        },
    }
}

fn print_queue(queue: &pos_print::QueueReport) {
    let ids = |sales: &[pos_store::SaleId]| {
        sales
            .iter()
            .map(|s| s.0.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("printed: {} ({})", queue.printed.len(), ids(&queue.printed));
    println!("waiting: {} ({})", queue.waiting.len(), ids(&queue.waiting));
    if let Some(fault) = &queue.fault {
        println!("printer: {fault}");
    }
    if !queue.unsure.is_empty() {
        println!(
            "maybe on paper, check and reprint as a COPY: sales {}",
            ids(&queue.unsure)
        );
    }
}

fn sample(copy: bool) -> Result<ReceiptDoc, String> {
    // A fixed creation time keeps the test page the same from run to run.
    let now_ms = 1_796_000_000_000;
    let amount = Money::new(1250, Currency::Usd);
    let payment = pos_khqr::Payment::Dynamic {
        amount,
        expires_at_ms: now_ms + 300_000,
    };
    let input = pos_khqr::KhqrInput::individual("sokha_coffee@aclb", "Sokha Coffee", payment);
    let khqr = pos_khqr::encode(&input, now_ms).map_err(|e| e.to_string())?;
    Ok(ReceiptDoc {
        shop: "ហាងកាហ្វេ សុខា Sokha Coffee".into(),
        bill: "B-20261201-0042".into(),
        receipt: Some("T1-000123".into()),
        issued_at: "01/12/2026 14:05".into(),
        amount,
        riel_per_usd: Some(4100),
        paid: Some(Paid::Khqr {
            payer: Some("SOK DARA".into()),
            short_hash: "a1b2c3d4".into(),
        }),
        copy,
        khqr: Some(khqr.qr),
    })
}

fn test_page(args: &TestArgs) -> Result<(), String> {
    let width = match args.width {
        Width::Mm58 => PaperWidth::Mm58,
        Width::Mm80 => PaperWidth::Mm80,
    };
    let bitmap = render(&sample(args.copy)?, width).map_err(|e| e.to_string())?;
    match args.out.extension().and_then(|e| e.to_str()) {
        Some("png") => write_png(&bitmap, &args.out),
        Some("bin") => write_escpos(&bitmap, &args.out).map_err(|e| e.to_string()),
        _ => Err(format!(
            "{}: the extension must be .png or .bin",
            args.out.display()
        )),
    }
}

fn write_png(bitmap: &Bitmap, out: &Path) -> Result<(), String> {
    let too_big = || format!("{}x{} dots", bitmap.width(), bitmap.height());
    let w = u32::try_from(bitmap.width()).map_err(|_| too_big())?;
    let h = u32::try_from(bitmap.height()).map_err(|_| too_big())?;
    let image = image::GrayImage::from_fn(w, h, |x, y| {
        let black = bitmap.get(x as usize, y as usize);
        image::Luma([if black { 0 } else { 255 }])
    });
    image
        .save(out)
        .map_err(|e| format!("{}: {e}", out.display()))
}

/// The file is written as a printer device would be: the same bytes, without the status
/// queries a file cannot answer.
fn write_escpos(bitmap: &Bitmap, out: &Path) -> Result<(), PrintError> {
    std::fs::write(out, b"")?;
    let transport = DeviceTransport::open(out, Duration::from_secs(5))?;
    let options = JobOptions {
        check_status: false,
        ..JobOptions::default()
    };
    Printer::new(transport).print(bitmap, options).map(|_| ())
}
