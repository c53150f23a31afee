//! What the ledger tests share: a ledger file in a temporary directory of its own, and the
//! KHQR sale they record.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::PathBuf;

use pos_domain::Money;
use pos_store::{NewSale, Store};
use rusqlite::Connection;
use tempfile::TempDir;

/// 2026-11-26 00:00 in Phnom Penh (UTC+7) = 2026-11-25 17:00 UTC.
pub const T0: i64 = 1_795_626_000_000;

/// A ledger file's place in a temporary directory, removed with it.
pub struct Ledger {
    _dir: TempDir,
    pub path: PathBuf,
}

impl Ledger {
    /// The ledger at `relative` in a fresh temporary directory; nothing is created yet.
    pub fn at(relative: &str) -> Ledger {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(relative);
        Ledger { _dir: dir, path }
    }
    pub fn open(&self) -> Store {
        Store::open(&self.path).unwrap()
    }
    /// A raw connection, for looking under the hood and for playing the tamperer.
    pub fn raw(&self) -> Connection {
        Connection::open(&self.path).unwrap()
    }
    pub fn count(&self, table: &str) -> i64 {
        self.raw()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

/// Terminal T1's bill `n` of `amount` by KHQR, created `n` ms after T0, its QR valid 5
/// minutes, with no rate frozen.
pub fn sale(n: u32, amount: Money) -> NewSale {
    NewSale {
        bill_number: format!("T1-{n}"),
        terminal_id: "T1".into(),
        created_ms: T0 + i64::from(n),
        amount,
        note: None,
        qr: format!("qr{n}"),
        md5: format!("{n:032x}"),
        expires_ms: T0 + 300_000,
        riel_per_usd: None,
    }
}
