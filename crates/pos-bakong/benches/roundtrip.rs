//! Round trip of the real client against the real simulator on loopback: latency percentiles
//! of sequential md5 checks, then throughput with concurrent callers.
//!
//! Run: `cargo bench -p pos-bakong --bench roundtrip` (optionally `-- --requests N`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use pos_bakong::{BakongClient, CheckOutcome, ClientConfig, Token};
use pos_bakong_sim::{start, PayOptions, QrInfo, SimConfig};
use pos_domain::{Currency, Money};

const MD5: &str = "0123456789abcdef0123456789abcdef";
const CONCURRENCY: usize = 16;
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(3);

fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    let index = (sorted.len() * per_mille / 1000).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or_default()
}

async fn run(requests: usize) -> Result<(), Box<dyn std::error::Error>> {
    let sim = start(SimConfig {
        daily_quota: u32::MAX,
        seed: Some(1),
        ..SimConfig::default()
    })
    .await?;
    sim.register_md5(
        MD5,
        QrInfo {
            amount: Some(Money::new(150, Currency::Usd)),
            ..QrInfo::default()
        },
    )?;
    sim.pay(PayOptions::new(MD5))?;
    let client = Arc::new(BakongClient::new(
        ClientConfig::new(sim.url()).with_token(Token::new(sim.token())),
    )?);

    // Warm up the connection pool and code paths.
    for _ in 0..100 {
        client.check_transaction_by_md5(MD5).await?;
    }

    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let outcome = client.check_transaction_by_md5(MD5).await?;
        latencies.push(started.elapsed());
        if !matches!(outcome, CheckOutcome::Paid(_)) {
            return Err(format!("unexpected outcome {outcome:?}").into());
        }
    }
    latencies.sort();
    println!(
        "sequential md5 check, {requests} requests: p50 {:?}  p99 {:?}  max {:?}",
        percentile(&latencies, 500),
        percentile(&latencies, 990),
        latencies.last().copied().unwrap_or_default()
    );

    let deadline = Instant::now() + THROUGHPUT_WINDOW;
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move {
                let mut done = 0_u64;
                while Instant::now() < deadline {
                    if client.check_transaction_by_md5(MD5).await.is_ok() {
                        done += 1;
                    }
                }
                done
            })
        })
        .collect();
    let mut total = 0_u64;
    for worker in workers {
        total += worker.await?;
    }
    println!(
        "concurrent md5 checks, {CONCURRENCY} callers for {:?}: {total} ok = {} requests/s",
        THROUGHPUT_WINDOW,
        total / THROUGHPUT_WINDOW.as_secs()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let requests = args
        .iter()
        .position(|a| a == "--requests")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    // Two workers: the target machine has two cores, shared by client and simulator.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(requests))
}
