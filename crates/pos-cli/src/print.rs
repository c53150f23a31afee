//! `khqr-pos print …`: paper from the configured printer (`[printer]` in the configuration)
//! or the one `--printer` names: a receipt by its number (the original if it was never
//! sent, else a COPY), the KHQR slip of a waiting sale, a Z report, the end-of-day report,
//! the test page (a sample English and Khmer receipt with a KHQR). With `--out` the page is
//! written to a file instead: a PNG to look at, or the ESC/POS bytes a printer would get.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use pos_core::{Config, CoreError, Ledger};
use pos_print::{
    render, render_report, Bitmap, DeviceTransport, JobOptions, PaperWidth, PrintError, Printer,
};

use crate::common::{self, CoreArgs, EXIT_OK};

/// The `print` subcommands.
#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Print receipt N of this terminal: the original if it was never sent, else a COPY.
    Receipt(ReceiptArgs),
    /// Print the KHQR slip of a sale waiting for its payment (for a customer at a table).
    Slip(SlipArgs),
    /// Print Z report N of this terminal.
    Z(ZArgs),
    /// Print the end-of-day report.
    Report(DayArgs),
    /// Print the queued receipts now ("print now") and show the queue: printed, waiting
    /// for the printer and why, and those that may be on paper already (reprint as COPY).
    Queue(QueueArgs),
    /// Print the test page (a sample receipt in English and Khmer with its KHQR).
    Test(TestArgs),
    /// List the printers found on this machine's cables: /dev/usb/lp*, and the serial
    /// ports /dev/ttyUSB*, /dev/ttyACM*, /dev/ttyS*.
    Devices(DevicesArgs),
}

#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Where a page goes: the configured printer, another one, or a file.
#[derive(Debug, Args)]
pub struct Target {
    /// Print on this printer instead of the configured one: `host:port`, a device path, or
    /// a serial port with its baud rate (`/dev/ttyUSB0@9600`).
    #[arg(long, value_name = "ADDR")]
    printer: Option<String>,
    /// Write the page to this file instead of printing: .png for the image, .bin for the
    /// ESC/POS bytes.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    #[command(flatten)]
    core: CoreArgs,
    #[command(flatten)]
    target: Target,
    /// The receipt number.
    number: i64,
    /// Print a reprint marked COPY even if the original was never printed.
    #[arg(long)]
    copy: bool,
}

#[derive(Debug, Args)]
pub struct SlipArgs {
    #[command(flatten)]
    core: CoreArgs,
    #[command(flatten)]
    target: Target,
    /// Today's bill number (e.g. POS1-261201-0007) or the sale id.
    bill: String,
}

#[derive(Debug, Args)]
pub struct ZArgs {
    #[command(flatten)]
    core: CoreArgs,
    #[command(flatten)]
    target: Target,
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
    #[command(flatten)]
    target: Target,
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
    #[command(flatten)]
    core: CoreArgs,
    #[command(flatten)]
    target: Target,
    /// Paper width (default: the configured printer's; 80 for a file).
    #[arg(long, value_enum)]
    width: Option<Width>,
    /// Print it as a reprint (marked COPY).
    #[arg(long)]
    copy: bool,
}

/// A file the page is written to, its kind checked before anything else is done.
#[derive(Debug)]
enum OutFile {
    Png(PathBuf),
    Bin(PathBuf),
}

impl OutFile {
    fn of(path: &Path) -> Result<OutFile, CoreError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("png") => Ok(OutFile::Png(path.to_owned())),
            Some("bin") => Ok(OutFile::Bin(path.to_owned())),
            _ => Err(CoreError::ConfigInvalid {
                field: "--out".into(),
                reason: format!("{}: the extension must be .png or .bin", path.display()),
            }),
        }
    }

    /// Writes `page`; a file that cannot be written is the flag's error.
    fn write(&self, page: &Bitmap) -> Result<(), CoreError> {
        let (written, path) = match self {
            OutFile::Png(path) => (write_png(page, path), path),
            OutFile::Bin(path) => (write_escpos(page, path).map_err(|e| e.to_string()), path),
        };
        written.map_err(|reason| CoreError::ConfigInvalid {
            field: "--out".into(),
            reason: format!("{}: {reason}", path.display()),
        })
    }
}

/// The page about to be made: printed through the ledger, or laid out for a file.
enum Page {
    Printer,
    File(OutFile, PaperWidth),
}

impl Target {
    /// Checks `--out` and `--printer` (nothing is written or printed when either is bad)
    /// and loads the configuration with the printer they name.
    fn load(&self, core: &CoreArgs) -> Result<(Config, Page), CoreError> {
        let out = self.out.as_deref().map(OutFile::of).transpose()?;
        let mut config = core.load(None)?;
        if let Some(address) = &self.printer {
            config.printer =
                config
                    .printer
                    .with_address(address)
                    .map_err(|e| CoreError::ConfigInvalid {
                        field: "--printer".into(),
                        reason: e.reason,
                    })?;
        }
        let page = match out {
            Some(out) => Page::File(out, config.printer.width),
            None => Page::Printer,
        };
        Ok((config, page))
    }
}

/// Runs one `print` subcommand and returns the process exit code.
pub fn run(command: PrintCommand) -> ExitCode {
    match command {
        PrintCommand::Receipt(args) => common::block_on(async move {
            let (config, page) = args.target.load(&args.core)?;
            let ledger = Ledger::open(config).await?;
            if let Page::File(out, width) = page {
                let doc = ledger.receipt_page(args.number, args.copy).await?;
                return written(&out, &render(&doc, width)?);
            }
            let printed = ledger.print_receipt(args.number, args.copy).await?;
            let kind = match printed {
                pos_print::Printed::Original => "the original",
                pos_print::Printed::Copy => "a COPY",
            };
            println!("printed receipt #{} as {kind}", args.number);
            Ok(EXIT_OK)
        }),
        PrintCommand::Slip(args) => common::block_on(async move {
            let (config, page) = args.target.load(&args.core)?;
            let ledger = Ledger::open(config).await?;
            let sale = crate::check::sale_id(&ledger, &args.bill).await?;
            if let Page::File(out, width) = page {
                return written(&out, &render(&ledger.slip_page(sale).await?, width)?);
            }
            ledger.print_slip(sale).await?;
            println!("printed the KHQR slip of {}", args.bill);
            Ok(EXIT_OK)
        }),
        PrintCommand::Z(args) => common::block_on(async move {
            let (config, page) = args.target.load(&args.core)?;
            let ledger = Ledger::open(config).await?;
            if let Page::File(out, width) = page {
                return written(
                    &out,
                    &render_report(&ledger.z_page(args.number).await?, width)?,
                );
            }
            ledger.print_z(args.number).await?;
            println!("printed Z report #{}", args.number);
            Ok::<_, CoreError>(EXIT_OK)
        }),
        PrintCommand::Report(args) => common::block_on(async move {
            let (config, page) = args.target.load(&args.core)?;
            let ledger = Ledger::open(config).await?;
            if let Page::File(out, width) = page {
                let doc = ledger.day_page(args.date).await?;
                return written(&out, &render_report(&doc, width)?);
            }
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
        PrintCommand::Test(args) => common::block_on(async move { test_page(&args) }),
        PrintCommand::Devices(args) => common::block_on(async move { devices(&args) }),
    }
}

/// The devices in /dev, one a line with the `[printer]` kind that reaches it.
fn devices(args: &DevicesArgs) -> Result<u8, CoreError> {
    let found = pos_print::find_devices(Path::new("/dev"))
        .map_err(|e| CoreError::Print(PrintError::Io(e)))?;
    if args.json {
        common::print_json(&found)?;
        return Ok(EXIT_OK);
    }
    if found.is_empty() {
        println!("no printer device found (a network printer is configured by host:port)");
    }
    for device in &found {
        let kind = match device.kind {
            pos_print::DeviceKind::UsbPrinter => "usb printer   kind = \"device\"",
            pos_print::DeviceKind::Serial => "serial port   kind = \"serial\" (address PATH@BAUD)",
        };
        println!("{}  {kind}", device.path.display());
    }
    Ok(EXIT_OK)
}

/// Writes `page` to `out` and says so.
fn written(out: &OutFile, page: &Bitmap) -> Result<u8, CoreError> {
    out.write(page)?;
    let (OutFile::Png(path) | OutFile::Bin(path)) = out;
    println!("wrote {}", path.display());
    Ok(EXIT_OK)
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

/// The test page: to a file without reading the configuration (a file needs no printer),
/// else to the configured printer or the one `--printer` names.
fn test_page(args: &TestArgs) -> Result<u8, CoreError> {
    let doc = pos_core::printing::test_page(args.copy)?;
    let width = args.width.map(|w| match w {
        Width::Mm58 => PaperWidth::Mm58,
        Width::Mm80 => PaperWidth::Mm80,
    });
    if let (Some(out), None) = (&args.target.out, &args.target.printer) {
        let out = OutFile::of(out)?;
        return written(&out, &render(&doc, width.unwrap_or(PaperWidth::Mm80))?);
    }
    let (config, page) = args.target.load(&args.core)?;
    let width = width.unwrap_or(config.printer.width);
    let page_image = render(&doc, width)?;
    if let Page::File(out, _) = page {
        return written(&out, &page_image);
    }
    pos_print::print_page(&config.printer, &page_image)?;
    println!("printed the test page");
    Ok(EXIT_OK)
}

fn write_png(bitmap: &Bitmap, out: &Path) -> Result<(), String> {
    let too_big = || format!("{}x{} dots", bitmap.width(), bitmap.height());
    let w = u32::try_from(bitmap.width()).map_err(|_| too_big())?;
    let h = u32::try_from(bitmap.height()).map_err(|_| too_big())?;
    let image = image::GrayImage::from_fn(w, h, |x, y| {
        let black = bitmap.get(x as usize, y as usize);
        image::Luma([if black { 0 } else { 255 }])
    });
    image.save(out).map_err(|e| e.to_string())
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
