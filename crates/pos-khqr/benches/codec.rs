//! Throughput of the codec on the input of `shared/peer-bench/bench.js`, so the numbers
//! compare one to one with the official SDK: an individual, dynamic USD 12.50 QR with bill
//! number, store label and terminal label, expiring at 9999999999999.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use pos_domain::{Currency, Money};
use pos_khqr::{
    decode, decode_borrowed, encode, render_png, render_svg, verify, AdditionalData, KhqrInput,
    Payment,
};

const NOW_MS: u64 = 1_700_000_000_000;

fn bench_input() -> KhqrInput {
    let mut input = KhqrInput::individual(
        "john_smith@devb",
        "John Smith",
        Payment::Dynamic {
            amount: Money::new(1250, Currency::Usd),
            expires_at_ms: 9_999_999_999_999,
        },
    );
    input.merchant_city = Some("Phnom Penh".to_owned());
    input.additional_data = AdditionalData {
        bill_number: Some("INV-0001".to_owned()),
        store_label: Some("Main Store".to_owned()),
        terminal_label: Some("POS-01".to_owned()),
        ..AdditionalData::default()
    };
    input
}

fn codec(c: &mut Criterion) {
    let input = bench_input();
    let qr = match encode(&input, NOW_MS) {
        Ok(khqr) => khqr.qr,
        Err(e) => {
            eprintln!("the benchmark input does not encode: {e}");
            return;
        }
    };
    c.bench_function("encode_dynamic_individual", |b| {
        b.iter(|| encode(black_box(&input), black_box(NOW_MS)))
    });
    c.bench_function("decode_verify", |b| {
        b.iter(|| {
            let valid = verify(black_box(&qr), black_box(NOW_MS)).is_ok();
            (valid, decode(black_box(&qr)))
        })
    });
    c.bench_function("decode_borrowed_verify", |b| {
        b.iter(|| {
            let valid = verify(black_box(&qr), black_box(NOW_MS)).is_ok();
            (valid, decode_borrowed(black_box(&qr)).is_ok())
        })
    });
    c.bench_function("render_svg", |b| b.iter(|| render_svg(black_box(&qr))));
    c.bench_function("render_png", |b| b.iter(|| render_png(black_box(&qr))));
}

criterion_group!(benches, codec);
criterion_main!(benches);
