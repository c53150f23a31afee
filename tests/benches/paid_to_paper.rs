//! PAID → last byte at the printer: the time from a KHQR sale's PAID reaching the POS's event
//! stream to the last byte of its 80 mm receipt arriving at the fake printer on loopback
//! (status first, the raster in 24-row bands, the cut, then the status that confirms it),
//! through the real spooler: ledger read, Khmer layout, ESC/POS encoding, TCP.
//!
//! Run with `cargo bench -p pos-scenarios --bench paid_to_paper` (`POS_BENCH_RUNS=N`
//! changes the number of sales, default 40). The POS runs in demo mode with the simulator.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use pos_core::{ChargeRequest, Config, Currency, Pos, PosEvent, SaleStatus, StartOptions};
use pos_print::fake::{FakePrinter, READY};
use pos_print::{PrinterSettings, RawSettings};

fn ms(d: Duration) -> String {
    let us = d.as_micros();
    format!("{}.{} ms", us / 1_000, (us % 1_000) / 100)
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("POS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let printer = std::sync::Arc::new(FakePrinter::start(READY).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::demo(dir.path()).unwrap();
    config.printer = PrinterSettings::new(&RawSettings {
        kind: Some("network"),
        address: Some(printer.address()),
        width_mm: Some(80),
        ..RawSettings::default()
    })
    .unwrap();
    let pos = Pos::start_with(config, StartOptions::accelerated(200))
        .await
        .unwrap();
    let mut events = pos.subscribe();
    let mut times = Vec::with_capacity(runs);
    for n in 1..=runs {
        let charge = pos
            .charge(ChargeRequest {
                amount: format!("{}", 5000 + n * 100),
                currency: Some(Currency::Khr),
                ..ChargeRequest::default()
            })
            .await
            .unwrap();
        pos.demo_pay(charge.sale_id).await.unwrap();
        let paid_at = loop {
            match events.recv().await.unwrap() {
                PosEvent::SaleUpdated { sale }
                    if sale.id == charge.sale_id && sale.status == SaleStatus::Paid =>
                {
                    break Instant::now();
                }
                _ => {}
            }
        };
        // Each receipt: three status queries before it and three after.
        let waiting = std::sync::Arc::clone(&printer);
        let printed = tokio::task::spawn_blocking(move || {
            waiting.wait_for(Duration::from_secs(10), |c| {
                c.images.len() >= n && c.status_queries.len() >= 6 * n
            })
        })
        .await
        .unwrap();
        assert!(printed.is_some(), "receipt {n} never printed");
        let last = printer.last_byte_at().unwrap();
        times.push(last.duration_since(paid_at));
    }
    pos.shutdown().await;
    let mut sorted = times.clone();
    sorted.sort();
    let at = |q: usize| sorted[(sorted.len() * q / 100).min(sorted.len() - 1)];
    println!(
        "PAID -> last byte of an 80 mm receipt at the printer, {runs} sales: \
         p50 {}  p95 {}  min {}  max {}  (first {})",
        ms(at(50)),
        ms(at(95)),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
        ms(times[0])
    );
}
