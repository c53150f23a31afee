//! The Bakong Open API client: the only crate in the workspace that speaks HTTP to Bakong.
//!
//! [`BakongClient`] has one async method per endpoint of NBC's API. Transaction checks answer
//! with a [`CheckOutcome`] (paid, not found, failed, static QR) or a [`BakongError`] (token,
//! quota, rate limit, region block, outage, timeout, broken reply), so "could not check" never
//! reads as "not paid". The client does not poll or sleep; cadence belongs to the caller.
#![warn(missing_docs)]

mod client;
mod error;
mod number;
mod outcome;
mod token;
mod validate;
mod wire;

pub use client::{
    BakongClient, ClientConfig, TokenListener, DEFAULT_TIMEOUT, PRODUCTION_URL, SIT_URL,
};
pub use error::BakongError;
pub use outcome::{AccountStatus, CheckOutcome, ListItem, ListReport, SourceInfo, Transaction};
pub use token::Token;
pub use validate::MAX_LIST;
