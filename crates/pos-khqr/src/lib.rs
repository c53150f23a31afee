//! A pure KHQR codec, byte-compatible with the official KHQR JavaScript SDK (npm
//! `bakong-khqr` 1.0.20): build ([`encode`]), read ([`decode`], zero-copy
//! [`decode_borrowed`], [`decode_non_khqr`]),
//! check ([`verify`]), hash ([`md5_hex`]) and draw ([`render_svg`]; `render_png` with the
//! `png` feature) the strings Bakong and every Cambodian bank app scan.
//!
//! No I/O, no clock, no async: the creation time of a dynamic QR and the "now" of
//! [`verify`] are parameters. Amounts are [`pos_domain::Money`] in integer minor units,
//! never floats. Every failure is a [`KhqrError`] carrying the SDK's numeric code and
//! exact message. With the `sdk-conformance` feature, `sdk_input` maps the SDK's loose
//! JavaScript-style inputs (the format of the conformance vectors) onto the typed API, and
//! `conformance` runs a vector file.
//!
//! # Features
//!
//! * `png`: `render_png`, PNG bytes of the QR code (links the `image` crate).
//! * `sdk-conformance`: the `sdk_input` and `conformance` modules (links `serde_json`).
//!
//! Neither is on by default, so an app that shows SVG links neither.
//!
//! # Deliberate deviations from the official SDK
//!
//! Where the SDK is broken we do not copy it. Each case is covered by the vectors'
//! `deviation` markers:
//!
//! * **Values over 99 characters are refused** ([`KhqrError::ValueTooLong`], code 8). The
//!   SDK writes a three-digit length (`62145…`, `30108…`) that no EMV reader — the SDK
//!   included — can parse back. Affects tag 62 with several long sub-values and tag 30
//!   with long id, merchant id and bank (`must_reject`).
//! * **Amounts are exact decimals.** Tag 54 is built from integer riel or cents, so the
//!   SDK's exponent-form output for amounts ≥ 1e21 (`54051e+21`) cannot happen: anything
//!   over 13 plain characters is [`KhqrError::AmountInvalid`] (code 4). JSON amounts are
//!   read from their text, so a value a double would round (`1.0000000000000001`) is
//!   refused rather than silently rounded. Like the SDK, `sdk_input` handles a string
//!   amount on its text (`"6.0"` → `6.00`, `".5"` → `0.50`, riel `"100.000"` → `100`),
//!   but only plain digits with one optional point: a string with an exponent (`"1e3"`), a
//!   sign, spaces or hex digits, or a lone `"."`, is code 4 where the SDK writes it into
//!   tag 54 verbatim (or as `NaN`).
//! * **A language template needs its language preference.** The SDK crashes (and returns
//!   the exception as if it were the QR) for an alternate name without preference, and
//!   writes a tag 64 holding only sub-tag 02 for an alternate city alone; EMV makes 64/00
//!   mandatory, so both are [`KhqrError::LanguagePreferenceLengthInvalid`] (code 38, as
//!   ts-khqr answers).
//! * **Decoding never loops and never guesses.** The SDK loops forever on a tag 30 or a
//!   template sub-object whose length is not numeric; [`verify`] answers invalid and
//!   [`decode`] refuses with [`KhqrError::Malformed`] (`no_hang`). More generally
//!   [`decode`] refuses any string that is not well-formed TLV (a length that is not two
//!   digits, a value cut short, a template that does not parse) where the SDK returns a
//!   partial guess (`decode_malformed`). [`verify`] keeps the SDK's lenient reading, so
//!   its verdict matches wherever the SDK terminates.
//! * **Each third-level template of the non-KHQR tree stands alone.** The SDK's
//!   `decodeNonKhqr` keeps one third-level object per tag 62, so once a sub-tag 50–99 is
//!   parsed, every later sub-tag of that 62 shares the object and later parses add keys
//!   to entries already recorded. [`decode_non_khqr`] parses each sub-tag on its own: a
//!   50–99 gets its own third level, the others keep their raw text
//!   (`nonkhqr_shared_third_level`; the runner leaves that `62` entry uncompared).
//! * **No character spreading.** For a template with no recognised sub-tag the SDK copies
//!   the raw text into numbered keys `"0"`, `"1"`, …; [`DecodedKhqr`] has only the 25
//!   fields (`decode_spread`).
//! * **Expiry times are exactly 13 ASCII digits** on verify; the SDK accepts any text whose
//!   JavaScript number prints as 13 characters (`1.70000006e12`). No vector depends on it.
//! * **Unsupported JSON input types** (a number as merchant name, a non-integer currency
//!   like `116.5`) are refused with [`KhqrError::InvalidInput`] or code 28, where the SDK
//!   throws a plain string or writes the value into the QR.
//! * **Our own failures use code 8** (`KHQR_INVALID`): a CRC mismatch, a missing CRC, a too
//!   short string, malformed TLV, a value over 99 characters, bad JSON input, a string too
//!   long to draw. The SDK's `verify` returns only a boolean for the CRC cases; the
//!   message says precisely what is wrong.
//!
//! The SDK's network error codes (13, 14, 15, 29) belong to the Bakong client, not to this
//! codec, and codes 36 and 37 are never raised by the SDK; they have no variant here.
#![warn(missing_docs)]

mod checksum;
#[cfg(feature = "sdk-conformance")]
pub mod conformance;
mod decode;
mod encode;
mod error;
mod render;
#[cfg(feature = "sdk-conformance")]
pub mod sdk_input;
mod tlv;
mod verify;

pub use checksum::md5_hex;
pub use decode::{
    decode, decode_borrowed, decode_non_khqr, Decoded, DecodedKhqr, EmvNode, EmvObject,
    MerchantType,
};
pub use encode::{
    encode, Account, AdditionalData, EncodedKhqr, KhqrInput, LanguageTemplate, Payment,
    DEFAULT_CITY, DEFAULT_MCC,
};
pub use error::{KhqrError, Malformation};
#[cfg(feature = "png")]
pub use render::render_png;
pub use render::render_svg;
pub use verify::verify;
