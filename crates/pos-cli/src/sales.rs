//! `khqr-pos sales` and `khqr-pos report`: the owner's views of the ledger (a day or a range,
//! totals, what needs review, CSV export, the end-of-day report). They read the ledger only
//! and need no Bakong connection.

use std::process::ExitCode;

use clap::Args;
use pos_core::{
    CoreError, DayReport, Ledger, SaleStatus, SaleView, SalesList, SalesQuery, TenderTotalView,
    TotalView,
};

use crate::common::{self, CoreArgs, EXIT_OK};

/// Options of `khqr-pos sales`.
#[derive(Debug, Args)]
pub struct SalesArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// One day, YYYY-MM-DD in the shop's time zone (default: today).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    date: Option<String>,
    /// First day of a range, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day of a range (included), YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// Only sales with this status: pending, paid, failed, expired, cancelled, paid_late,
    /// mismatch, accepted_unverified, unconfirmed.
    #[arg(long)]
    status: Option<String>,
    /// Bill number, md5, Bakong hash or amount.
    #[arg(long)]
    search: Option<String>,
    /// Print JSON (sales, totals, needing review).
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV (RFC 4180, UTF-8).
    #[arg(long)]
    csv: bool,
    /// With --csv: start with a UTF-8 byte order mark, for spreadsheet programs.
    #[arg(long, requires = "csv")]
    bom: bool,
    /// Every counter's sales of the day from the shop database (KHQR_POS_SHOP_DB), with the
    /// paid totals per counter and for the shop.
    #[arg(long, conflicts_with_all = ["from", "to", "status", "search", "csv"])]
    shop: bool,
}

/// Options of `khqr-pos report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// The day, YYYY-MM-DD in the shop's time zone (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Every counter's day from the shop database (KHQR_POS_SHOP_DB), per counter and tender.
    #[arg(long)]
    shop: bool,
}

/// Runs `khqr-pos sales`.
pub fn run_sales(args: SalesArgs) -> ExitCode {
    if args.shop {
        return crate::sync::run_shop_sales(crate::sync::ShopReportArgs {
            core: args.core,
            date: args.date,
            json: args.json,
        });
    }
    common::block_on(sales(args))
}

/// Runs `khqr-pos report`.
pub fn run_report(args: ReportArgs) -> ExitCode {
    if args.shop {
        return crate::sync::run_report(crate::sync::ShopReportArgs {
            core: args.core,
            date: args.date,
            json: args.json,
        });
    }
    common::block_on(report(args))
}

async fn sales(args: SalesArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let tz = config.time_zone;
    let ledger = Ledger::open(config).await?;
    let status = args
        .status
        .as_deref()
        .map(str::parse::<SaleStatus>)
        .transpose()
        .map_err(|e| CoreError::ConfigInvalid {
            field: "--status".into(),
            reason: e.to_string(),
        })?;
    let query = SalesQuery {
        date: args.date,
        from: args.from,
        to: args.to,
        status,
        search: args.search,
        limit: None,
    };
    if args.csv {
        ledger
            .export_csv(query, args.bom, std::io::stdout())
            .await?;
        return Ok(EXIT_OK);
    }
    let list = ledger.sales(query).await?;
    if args.json {
        common::print_json(&list)?;
    } else {
        print_list(&list, tz);
    }
    Ok(EXIT_OK)
}

fn print_list(list: &SalesList, tz: chrono_tz::Tz) {
    if list.from == list.to {
        println!("Sales of {}", list.from);
    } else {
        println!("Sales from {} to {}", list.from, list.to);
    }
    if !list.attention.is_empty() {
        println!("\nNEEDS REVIEW");
        for sale in &list.attention {
            println!("  {}", sale_line(sale, tz));
        }
    }
    println!();
    if list.sales.is_empty() {
        println!("  (no sales)");
    }
    for sale in &list.sales {
        println!("  {}", sale_line(sale, tz));
    }
    print_totals(&list.totals);
}

fn sale_line(sale: &SaleView, tz: chrono_tz::Tz) -> String {
    let payer = sale
        .payment
        .as_ref()
        .and_then(|p| p.payer_account.clone())
        .unwrap_or_default();
    let hash = sale
        .payment
        .as_ref()
        .map(|p| p.hash.chars().take(8).collect::<String>())
        .unwrap_or_default();
    let receipt = sale
        .receipt_number
        .map(|n| format!("#{n}"))
        .unwrap_or_default();
    // Where it was taken: shift and cashier, for sales made in a shift.
    let till = match (sale.shift_id, &sale.cashier) {
        (Some(shift), Some(who)) => format!("shift {shift} {who}"),
        _ => String::new(),
    };
    format!(
        "{}  {:<16} {:>14} {}  {:<5} {:<10} {:>6}  {} {} {}",
        common::local_time(sale.created_at_ms, tz),
        sale.bill_number,
        sale.amount_text,
        sale.currency,
        sale.tender.as_str(),
        sale.status,
        receipt,
        till,
        payer,
        hash
    )
}

fn print_totals(totals: &[TotalView]) {
    print_section("Totals", totals, |t| {
        format!(
            "{} {:<10} {:>5} sales  {:>16}",
            t.currency, t.status, t.count, t.sum_text
        )
    });
}

/// A heading, then `line` of each row indented, or `(none)`.
fn print_section<T>(title: &str, rows: &[T], line: impl Fn(&T) -> String) {
    println!("\n{title}");
    if rows.is_empty() {
        println!("  (none)");
    }
    for row in rows {
        println!("  {}", line(row));
    }
}

async fn report(args: ReportArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let tz = config.time_zone;
    let ledger = Ledger::open(config).await?;
    let report = ledger.report(args.date).await?;
    if args.json {
        common::print_json(&report)?;
    } else {
        print_report(&report, tz);
    }
    Ok(EXIT_OK)
}

/// A heading and one line per currency of `sums`.
fn print_sums(title: &str, sums: &[TotalView]) {
    print_section(title, sums, |t| {
        format!("{} {:>16}  ({} sales)", t.currency, t.sum_text, t.count)
    });
}

/// A heading and one line per tender and currency.
fn print_tenders(title: &str, sums: &[TenderTotalView]) {
    print_section(title, sums, |t| {
        format!(
            "{:<5} {} {:>16}  ({})",
            t.tender, t.currency, t.sum_text, t.count
        )
    });
}

fn print_report(report: &DayReport, tz: chrono_tz::Tz) {
    println!(
        "End of day {}  terminal {}  ({})",
        report.date, report.terminal_id, report.time_zone
    );
    print_sums("Takings (paid)", &report.takings);
    println!(
        "  all in KHR at {} riel/USD: {}",
        report.riel_per_usd, report.takings_in_khr_text
    );
    print_tenders("Takings per tender", &report.by_tender);
    if !report.refunds.is_empty() {
        println!("\nRefunds");
        for r in &report.refunds {
            println!(
                "  refund #{} of receipt #{}  {:>12} {}  {}{}  {}",
                r.number,
                r.receipt_number,
                r.amount_text,
                r.amount.currency,
                r.tender,
                r.bank_reference
                    .as_deref()
                    .map(|b| format!(" ref {b}"))
                    .unwrap_or_default(),
                common::local_time(r.issued_at_ms, tz)
            );
        }
        print_tenders("Refunds per tender", &report.refund_totals);
    }
    println!(
        "\nNet (takings − refunds) in KHR at each sale's own rate: {}  (rounding {:+} hundredths of a riel)",
        report.net_khr_text, report.net_khr_rounding
    );
    if !report.accepted.is_empty() {
        print_sums(
            "Accepted on the customer's screen, NOT verified yet (not in the takings)",
            &report.accepted,
        );
    }
    print_totals(&report.totals);
    if !report.attention.is_empty() {
        println!("\nNEEDS REVIEW");
        for sale in &report.attention {
            println!("  {}", sale_line(sale, tz));
        }
    }
    println!(
        "\nBakong checks used: {}   sales verified: {}   still pending (not verified, NOT unpaid): {}",
        report.checks_used, report.sales_verified, report.pending
    );
    for sale in &report.unverified {
        println!("  {}", sale_line(sale, tz));
    }
}
