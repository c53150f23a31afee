//! `khqr-pos`: the POS core on the command line. Each subcommand lives in its own module and
//! returns the process exit code; `main` only parses arguments and dispatches.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod accept;
mod backup;
mod charge;
mod check;
mod common;
mod config_cmd;
mod counter;
mod diagnostics;
mod ledger;
mod print;
mod qr;
mod sales;
mod sim;
mod sync;
mod watch;

/// KHQR POS on the command line.
#[derive(Debug, Parser)]
#[command(name = "khqr-pos", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Encode, decode, verify and render KHQR strings; run conformance vectors.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// Run the Bakong Open API simulator on loopback until Ctrl-C.
    Sim(sim::SimArgs),
    /// Charge an amount: record the sale, show its KHQR, optionally wait for the payment.
    Charge(charge::ChargeArgs),
    /// List the sales of a day or a range, with totals (text, JSON or CSV).
    Sales(sales::SalesArgs),
    /// The end-of-day report.
    Report(sales::ReportArgs),
    /// The customer shows paid: check one sale with Bakong now (one check).
    Check(check::CheckArgs),
    /// Bakong cannot answer: accept a sale on the customer's success screen, with the
    /// payer's reference shown there (verified once Bakong answers).
    Accept(accept::AcceptArgs),
    /// Check every unresolved sale with Bakong now.
    Recheck(watch::RecheckArgs),
    /// Watch every unresolved sale until Ctrl-C (or until none is pending).
    Watch(watch::WatchArgs),
    /// Ledger maintenance.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Back the ledger up, list, verify and restore backups.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// The support bundle: configuration without secrets, versions, health, recent logs.
    #[command(subcommand)]
    Diagnostics(diagnostics::DiagnosticsCommand),
    /// The configuration.
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    /// Paper from the configured printer: a receipt or its COPY, a Z report, the day's report;
    /// the test page to a file.
    #[command(subcommand)]
    Print(print::PrintCommand),
    /// This counter's ledger and the shop database (PostgreSQL, from KHQR_POS_SHOP_DB).
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// The shop database itself (PostgreSQL, from KHQR_POS_SHOP_DB): roles and budget.
    #[command(subcommand)]
    Hub(sync::HubCommand),
    /// Shifts: open with a float, X report, cash in/out, close with the count and Z report.
    #[command(subcommand)]
    Shift(counter::ShiftCommand),
    /// The shop's exchange rate (riel per dollar): show it, or set it as the owner.
    Rate(counter::RateArgs),
    /// Cashier accounts (the owner's).
    #[command(subcommand)]
    Cashier(counter::CashierCommand),
    /// Refund a paid sale by its receipt number (the owner's): cash or bank app.
    Refund(counter::RefundArgs),
    /// The owner's PIN.
    #[command(subcommand)]
    Owner(counter::OwnerCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Qr(command) => qr::run(command),
        Command::Sim(args) => sim::run(args),
        Command::Charge(args) => charge::run(args),
        Command::Sales(args) => sales::run_sales(args),
        Command::Report(args) => sales::run_report(args),
        Command::Check(args) => check::run(args),
        Command::Accept(args) => accept::run(args),
        Command::Recheck(args) => watch::run_recheck(args),
        Command::Watch(args) => watch::run_watch(args),
        Command::Ledger(command) => ledger::run(command),
        Command::Backup(command) => backup::run(command),
        Command::Diagnostics(command) => diagnostics::run(command),
        Command::Config(command) => config_cmd::run(command),
        Command::Print(command) => print::run(command),
        Command::Sync(command) => sync::run(command),
        Command::Hub(command) => sync::run_hub(command),
        Command::Shift(command) => counter::run_shift(command),
        Command::Rate(args) => counter::run_rate(args),
        Command::Cashier(command) => counter::run_cashier(command),
        Command::Refund(args) => counter::run_refund(args),
        Command::Owner(command) => counter::run_owner(command),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
