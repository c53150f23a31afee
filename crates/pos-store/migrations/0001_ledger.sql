-- 0001: the ledger. Migrations are append-only: never edit a released file, add the next number.

-- One row per sale, written as `pending` before its QR is shown. Payment columns stay NULL until
-- Bakong reports a payment. Times are epoch milliseconds (UTC).
CREATE TABLE sales (
    id                   INTEGER PRIMARY KEY,
    bill_number          TEXT    NOT NULL UNIQUE,
    terminal_id          TEXT    NOT NULL,
    created_ms           INTEGER NOT NULL,
    amount_minor         INTEGER NOT NULL CHECK (amount_minor > 0),
    currency             TEXT    NOT NULL CHECK (currency IN ('KHR', 'USD')),
    note                 TEXT,
    qr                   TEXT    NOT NULL,
    md5                  TEXT    NOT NULL UNIQUE,
    expires_ms           INTEGER NOT NULL,
    riel_per_usd         INTEGER CHECK (riel_per_usd > 0),
    status               TEXT    NOT NULL CHECK (status IN
                             ('pending', 'paid', 'failed', 'expired', 'cancelled', 'paid_late', 'mismatch')),
    updated_ms           INTEGER NOT NULL,
    bakong_hash          TEXT,
    payer_account        TEXT,
    payee_account        TEXT,
    paid_minor           INTEGER,
    paid_currency        TEXT CHECK (paid_currency IN ('KHR', 'USD')),
    paid_created_ms      INTEGER,
    paid_acknowledged_ms INTEGER,
    external_ref         TEXT,
    instruction_ref      TEXT
) STRICT;

-- Owner views list a day or a range: this index keeps a day's list and totals fast on a large ledger.
CREATE INDEX sales_by_created ON sales (created_ms);
-- The watcher resumes pending sales and rechecks recently expired/cancelled ones after a restart.
CREATE INDEX sales_by_status_expiry ON sales (status, expires_ms);
-- Search by Bakong hash.
CREATE INDEX sales_by_hash ON sales (bakong_hash) WHERE bakong_hash IS NOT NULL;

-- Append-only history of each sale: every status change and every check outcome.
CREATE TABLE sale_events (
    id            INTEGER PRIMARY KEY,
    sale_id       INTEGER NOT NULL REFERENCES sales (id),
    at_ms         INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('status', 'check')),
    from_status   TEXT,
    to_status     TEXT,
    http_status   INTEGER,
    response_code INTEGER,
    error_code    INTEGER,
    note          TEXT
) STRICT;
CREATE INDEX sale_events_by_sale ON sale_events (sale_id, id);
CREATE TRIGGER sale_events_are_append_only_update BEFORE UPDATE ON sale_events
BEGIN SELECT RAISE(ABORT, 'sale events are append-only'); END;
CREATE TRIGGER sale_events_are_append_only_delete BEFORE DELETE ON sale_events
BEGIN SELECT RAISE(ABORT, 'sale events are append-only'); END;

-- Bakong status checks spent per shop-time-zone day, against the token's daily quota.
CREATE TABLE check_days (
    day  TEXT    PRIMARY KEY,
    used INTEGER NOT NULL CHECK (used >= 0)
) STRICT;

-- Gap-free receipt numbers per terminal. UNIQUE (sale_id) is the database-level guarantee that a
-- sale never gets two receipts, whatever the callers race to do. Each hash covers the receipt,
-- its sale's payment facts and the previous receipt's hash of the same terminal.
CREATE TABLE receipts (
    terminal_id TEXT    NOT NULL,
    number      INTEGER NOT NULL CHECK (number > 0),
    sale_id     INTEGER NOT NULL UNIQUE REFERENCES sales (id),
    issued_ms   INTEGER NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    PRIMARY KEY (terminal_id, number)
) STRICT;
CREATE TRIGGER receipts_are_append_only_update BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipts_are_append_only_delete BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
