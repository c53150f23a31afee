//! Fuzzes the readers of untrusted KHQR text: decode, verify and the non-KHQR decode must
//! return — never panic, never loop — on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = pos_khqr::verify(&text, 1_700_000_000_000);
    // Decoding is deterministic.
    assert_eq!(pos_khqr::decode(&text), pos_khqr::decode(&text));
    let _ = pos_khqr::decode_non_khqr(&text);
});
