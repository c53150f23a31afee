//! `khqr-pos watch` and `khqr-pos recheck`: the payment watcher headless. `watch` resumes
//! every unresolved sale in the ledger and reports what happens (until Ctrl-C, or with
//! `--until-idle` until none is pending); `recheck` spends checks on all of them at once.

use std::process::ExitCode;

use clap::Args;
use pos_core::{CoreError, Pos, PosEvent, StartOptions, Verification};
use tokio::sync::broadcast::error::RecvError;

use crate::common::{self, CoreArgs, EXIT_CANNOT_VERIFY, EXIT_OK};

/// Options of `khqr-pos watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Stop once no sale is pending (late rechecks of closed sales are not waited for).
    #[arg(long)]
    until_idle: bool,
    /// Give up after this long (e.g. 10m) with exit code 6 if sales are still pending.
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Print events as JSON lines.
    #[arg(long)]
    json: bool,
}

/// Options of `khqr-pos recheck`.
#[derive(Debug, Args)]
pub struct RecheckArgs {
    #[command(flatten)]
    core: CoreArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `khqr-pos watch`.
pub fn run_watch(args: WatchArgs) -> ExitCode {
    common::block_on(watch(args))
}

/// Runs `khqr-pos recheck`.
pub fn run_recheck(args: RecheckArgs) -> ExitCode {
    common::block_on(recheck(args))
}

async fn watch(args: WatchArgs) -> Result<u8, CoreError> {
    let timeout = common::duration_flag(args.timeout.as_deref(), "--timeout")?;
    let config = args.core.load(None)?;
    let tz = config.time_zone;
    // A watcher that keeps running takes part in the shop's shared checks (with `[shop_db]`).
    let options = StartOptions {
        shared_checks: true,
        ..StartOptions::default()
    };
    let pos = Pos::start_with(config, options).await?;
    let mut events = pos.subscribe();
    let idle = {
        let pos = pos.clone();
        let until_idle = args.until_idle;
        async move {
            if until_idle {
                pos.wait_idle().await
            } else {
                std::future::pending().await
            }
        }
    };
    tokio::pin!(idle);
    let deadline = async move {
        match timeout {
            Some(limit) => tokio::time::sleep(limit).await,
            None => std::future::pending::<()>().await,
        }
    };
    tokio::pin!(deadline);
    let code = loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => report_event(&event, args.json, tz)?,
                Err(RecvError::Lagged(missed)) => eprintln!("({missed} events not shown)"),
                Err(RecvError::Closed) => break EXIT_OK,
            },
            result = &mut idle => {
                result?;
                // Show what the last round changed before leaving.
                while let Ok(event) = events.try_recv() {
                    report_event(&event, args.json, tz)?;
                }
                if !args.json {
                    println!("idle: no sale is pending");
                }
                break EXIT_OK;
            }
            () = &mut deadline => {
                eprintln!("timed out with {} sale(s) still pending", pos.pending_count());
                break EXIT_CANNOT_VERIFY;
            }
            _ = tokio::signal::ctrl_c() => break EXIT_OK,
        }
    };
    pos.shutdown().await;
    Ok(code)
}

fn report_event(event: &PosEvent, json: bool, tz: chrono_tz::Tz) -> Result<(), CoreError> {
    if json {
        return common::print_json(event);
    }
    match event {
        PosEvent::SaleUpdated { sale } => println!(
            "{}  sale {} ({})  {} {}  → {}",
            common::local_time(sale.updated_at_ms, tz),
            sale.id,
            sale.bill_number,
            sale.amount_text,
            sale.currency,
            sale.status
        ),
        PosEvent::Verification {
            state: Verification::CannotVerify {
                reason, message, ..
            },
        } => eprintln!("cannot verify right now: {} ({message})", reason.describe()),
        PosEvent::Verification { .. } | PosEvent::NextCheck { .. } | PosEvent::Budget { .. } => {}
    }
    Ok(())
}

async fn recheck(args: RecheckArgs) -> Result<u8, CoreError> {
    let config = args.core.load(None)?;
    let tz = config.time_zone;
    let pos = Pos::start(config).await?;
    let mut events = pos.subscribe();
    let report = pos.recheck().await?;
    let health = pos.health().await?;
    let mut changes = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let PosEvent::SaleUpdated { sale } = event {
            changes.push(*sale);
        }
    }
    pos.shutdown().await;
    if args.json {
        common::print_json(&serde_json::json!({
            "recheck": report,
            "changed": changes,
            "health": health,
        }))?;
    } else {
        println!(
            "checked {} sale(s) with {} check(s); {} answered; {} still pending; {} of {} checks used today",
            report.sales,
            report.checks_spent,
            report.answered,
            health.pending_sales,
            health.checks_used_today,
            health.check_budget
        );
        for sale in &changes {
            report_event(
                &PosEvent::SaleUpdated {
                    sale: Box::new(sale.clone()),
                },
                false,
                tz,
            )?;
        }
    }
    Ok(match health.verification {
        Verification::CannotVerify {
            reason, message, ..
        } => {
            eprintln!("cannot verify right now: {} ({message})", reason.describe());
            EXIT_CANNOT_VERIFY
        }
        _ => EXIT_OK,
    })
}
