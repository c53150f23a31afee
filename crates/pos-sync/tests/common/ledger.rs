//! Counters' SQLite ledgers for the push tests (on tmpfs when there is one: the ledger syncs
//! every commit, which the tests do not need to wait for), and checks of what reached the shop
//! database.

use std::path::PathBuf;

use pos_domain::{Currency, Money, SaleEvent};
use pos_store::{CheckRecord, NewSale, PaymentDetails, Store};
use rusqlite::Connection;
use tempfile::TempDir;

use super::Cluster;

/// The shop day in Phnom Penh on which every sale of a [`Ledger`] falls: 2026-11-26.
pub fn sales_day() -> pos_store::Range {
    pos_store::day_range(
        pos_store::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        pos_store::DEFAULT_TIME_ZONE,
    )
    .unwrap()
}

/// A counter's ledger file.
pub struct Ledger {
    _dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub terminal: String,
    sold: u32,
}

impl Ledger {
    pub fn new(terminal: &str) -> Ledger {
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        };
        let path = dir.path().join("ledger.sqlite3");
        let store = Store::open(&path).unwrap();
        Ledger {
            _dir: dir,
            path,
            store,
            terminal: terminal.to_owned(),
            sold: 0,
        }
    }

    /// Sells `n` sales: each pending, checked once, then paid (three in four) or expired, in
    /// both currencies: three or four events each.
    pub fn sell(&mut self, n: u32) {
        for _ in 0..n {
            self.sold += 1;
            let k = self.sold;
            let amount = if k % 2 == 0 {
                Money::new(250 * i64::from(k), Currency::Usd)
            } else {
                Money::new(1_000 * i64::from(k), Currency::Khr)
            };
            let created = 1_795_626_000_000 + 60_000 * i64::from(k);
            let sale = self
                .store
                .insert_pending(&self.khqr_sale(k, created, amount, Some(4100)))
                .unwrap();
            let check = CheckRecord {
                at_ms: created + 5_000,
                http_status: Some(200),
                response_code: Some(1),
                error_code: Some(1),
                note: Some("not found".into()),
            };
            self.store.record_check(sale.id, &check).unwrap();
            if k % 4 == 0 {
                self.store
                    .apply_event(sale.id, SaleEvent::Expired, None, created + 300_000)
                    .unwrap();
            } else {
                self.report_paid(sale.id, k, amount, created);
            }
        }
    }

    /// Sells `n` cash sales in riel, paid exactly, in the terminal's open shift (opened
    /// first when there is none): each one event, paid at once with its receipt.
    pub fn sell_cash(&mut self, n: u32) {
        let shift = self.shift();
        for _ in 0..n {
            self.sold += 1;
            let k = self.sold;
            let riel = 1_000 * i64::from(k);
            let created = 1_795_626_000_000 + 60_000 * i64::from(k);
            let sale = NewSale {
                bill_number: format!("{}-{k:05}", self.terminal),
                terminal_id: self.terminal.clone(),
                created_ms: created,
                amount: Money::new(riel, Currency::Khr),
                note: None,
                qr: String::new(),
                md5: String::new(),
                expires_ms: created,
                riel_per_usd: None,
            };
            let cash = pos_store::NewCashSale {
                sale,
                rate: pos_cash::Rate::new(4100).unwrap(),
                cash: pos_cash::Tendered::new(0, riel),
                change: pos_cash::Change {
                    usd: Money::new(0, Currency::Usd),
                    khr: Money::new(0, Currency::Khr),
                },
                rounding: Money::new(0, Currency::Khr),
                khqr: None,
            };
            self.store.record_cash_sale(shift, &cash).unwrap();
        }
    }

    /// The terminal's open shift, opened first when there is none.
    fn shift(&mut self) -> pos_store::ShiftId {
        let created = 1_795_626_000_000 + 60_000 * i64::from(self.sold + 1);
        match self.store.open_shift_on(&self.terminal).unwrap() {
            Some(shift) => shift.id,
            None => {
                let float = pos_cash::PerCurrency::default();
                let owner = pos_store::Actor::Owner;
                self.store
                    .open_shift(&self.terminal, owner, created, float)
                    .unwrap()
                    .id
            }
        }
    }

    /// Sells one split sale in the open shift: $10.00, of which 20,500 riel ($5.00 at 4,100)
    /// in cash and the other $5.00 through its QR, which Bakong then reports paid.
    pub fn sell_split(&mut self) {
        let shift = self.shift();
        self.sold += 1;
        let k = self.sold;
        let created = 1_795_626_000_000 + 60_000 * i64::from(k);
        let rest = Money::new(500, Currency::Usd);
        let sale = self.khqr_sale(k, created, Money::new(1_000, Currency::Usd), None);
        let split = pos_store::NewCashSale {
            sale,
            rate: pos_cash::Rate::new(4100).unwrap(),
            cash: pos_cash::Tendered::new(0, 20_500),
            change: pos_cash::Change {
                usd: Money::new(0, Currency::Usd),
                khr: Money::new(0, Currency::Khr),
            },
            rounding: Money::new(0, Currency::Khr),
            khqr: Some(rest),
        };
        let (sale, _) = self.store.record_cash_sale(shift, &split).unwrap();
        self.report_paid(sale.id, k, rest, created);
    }

    /// The `k`th sale, made at `created`, with its own KHQR (valid five minutes).
    fn khqr_sale(&self, k: u32, created: i64, amount: Money, riel_per_usd: Option<i64>) -> NewSale {
        NewSale {
            bill_number: format!("{}-{k:05}", self.terminal),
            terminal_id: self.terminal.clone(),
            created_ms: created,
            amount,
            note: None,
            qr: format!("qr-{}-{k}", self.terminal),
            md5: format!(
                "{:032x}",
                u128::from(k) << 64 | u128::from(fnv(&self.terminal))
            ),
            expires_ms: created + 300_000,
            riel_per_usd,
        }
    }

    /// The bank reports the `k`th sale (made at `created`) paid with `amount`, 10 s later.
    fn report_paid(&mut self, sale: pos_store::SaleId, k: u32, amount: Money, created: i64) {
        let payment = PaymentDetails {
            hash: format!(
                "{:064x}",
                u128::from(k) << 32 | u128::from(fnv(&self.terminal))
            ),
            payer_account: Some("payer@abaa".into()),
            payee_account: Some("shop@aclb".into()),
            amount,
            created_ms: Some(created + 9_000),
            acknowledged_ms: Some(created + 9_500),
            external_ref: None,
            instruction_ref: None,
        };
        self.store
            .apply_event(
                sale,
                SaleEvent::PaymentReported { matches: true },
                Some(&payment),
                created + 10_000,
            )
            .unwrap();
    }

    /// Every event of this ledger's terminal, in order.
    pub fn log(&self) -> Vec<pos_store::LogEntry> {
        self.store.log_after(&self.terminal, 0, u32::MAX).unwrap()
    }

    /// A raw connection with the append-only triggers dropped: the tamperer's tool.
    pub fn tamperer(&self) -> Connection {
        let conn = Connection::open(&self.path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER sale_events_are_append_only_update; \
             DROP TRIGGER receipts_are_append_only_update;",
        )
        .unwrap();
        conn
    }

    /// Asserts that the shop database holds exactly this ledger's events for its terminal,
    /// each once, with a receipt chain that verifies and the same paid totals per currency.
    pub fn assert_exactly_once_in(&self, cluster: &Cluster, db: &str) {
        let log = self.log();
        let t = &self.terminal;
        let local_seqs: Vec<String> = log.iter().map(|e| e.seq.to_string()).collect();
        let stored = cluster.psql(
            db,
            &format!(
                "SELECT coalesce(string_agg(seq::text, ',' ORDER BY seq), '') \
                 FROM ledger_events WHERE terminal_id = '{t}'"
            ),
        );
        assert_eq!(stored, local_seqs.join(","), "events of {t}");
        let receipts = log.iter().filter(|e| e.receipt.is_some()).count();
        let chain = cluster.psql(
            db,
            &format!(
                "SELECT count(*), coalesce(max(r.number), 0), count(*) FILTER (WHERE NOT \
                 ((r.number = 1 AND r.prev_hash = repeat('0', 64)) OR p.hash = r.prev_hash)) \
                 FROM receipts r LEFT JOIN receipts p \
                 ON p.terminal_id = r.terminal_id AND p.number = r.number - 1 \
                 WHERE r.terminal_id = '{t}'"
            ),
        );
        assert_eq!(
            chain,
            format!("{receipts}|{receipts}|0"),
            "receipt chain of {t}"
        );
        for currency in [Currency::Khr, Currency::Usd] {
            let local: i64 = log
                .iter()
                .filter_map(|e| e.paid)
                .filter(|p| p.currency == currency)
                .map(|p| p.minor)
                .sum();
            let remote = cluster.psql(
                db,
                &format!(
                    "SELECT coalesce(sum(paid_minor), 0) FROM receipts \
                     WHERE terminal_id = '{t}' AND paid_currency = '{}'",
                    currency.alpha()
                ),
            );
            assert_eq!(
                remote,
                local.to_string(),
                "{} paid on {t}",
                currency.alpha()
            );
        }
    }
}

fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The database name in a URL from [`Cluster::fresh_db`].
pub fn db_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}
