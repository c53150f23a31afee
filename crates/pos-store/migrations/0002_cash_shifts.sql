-- 0002: cash beside KHQR, cashiers, shifts, refunds and Z reports (issue 12). Append-only like
-- 0001: never edit a released file, add the next number. Amounts are integer minor units (riel,
-- cents) with their currency; times are epoch milliseconds (UTC). Who did something is a
-- cashier id, NULL meaning the owner (whose PIN lives in the settings, not here).

-- Every change of the shop rate (riel per dollar). The current rate is the latest row; sales
-- freeze the rate they used in `sales.riel_per_usd`. The range matches `pos_cash::Rate`.
CREATE TABLE rate_log (
    id           INTEGER PRIMARY KEY,
    riel_per_usd INTEGER NOT NULL CHECK (riel_per_usd BETWEEN 1000 AND 10000),
    changed_ms   INTEGER NOT NULL,
    changed_by   INTEGER REFERENCES cashiers (id)
) STRICT;
CREATE TRIGGER rate_log_is_append_only_update BEFORE UPDATE ON rate_log
BEGIN SELECT RAISE(ABORT, 'the rate log is append-only'); END;
CREATE TRIGGER rate_log_is_append_only_delete BEFORE DELETE ON rate_log
BEGIN SELECT RAISE(ABORT, 'the rate log is append-only'); END;

-- Cashier accounts. Never deleted (sales and shifts name them); disabling is a time set once,
-- and only the PIN hash may change otherwise.
CREATE TABLE cashiers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    pin_hash    TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    disabled_ms INTEGER
) STRICT;
CREATE TRIGGER cashiers_are_never_deleted BEFORE DELETE ON cashiers
BEGIN SELECT RAISE(ABORT, 'cashiers are never deleted: disable them'); END;
CREATE TRIGGER cashiers_keep_their_identity BEFORE UPDATE ON cashiers
WHEN NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.created_ms IS NOT OLD.created_ms
  OR (OLD.disabled_ms IS NOT NULL AND NEW.disabled_ms IS NOT OLD.disabled_ms)
BEGIN SELECT RAISE(ABORT, 'a cashier keeps its name, and a disabled cashier stays disabled'); END;

-- Shifts per terminal: opened with a counted float per currency, closed once with the expected
-- drawer (from the shift's records), the counted drawer, the variance and its reason.
CREATE TABLE shifts (
    id           INTEGER PRIMARY KEY,
    terminal_id  TEXT    NOT NULL,
    cashier_id   INTEGER REFERENCES cashiers (id),
    opened_ms    INTEGER NOT NULL,
    opening_khr  INTEGER NOT NULL CHECK (opening_khr >= 0),
    opening_usd  INTEGER NOT NULL CHECK (opening_usd >= 0),
    closed_ms    INTEGER,
    closed_by    INTEGER REFERENCES cashiers (id),
    expected_khr INTEGER,
    expected_usd INTEGER,
    counted_khr  INTEGER CHECK (counted_khr >= 0),
    counted_usd  INTEGER CHECK (counted_usd >= 0),
    variance_khr INTEGER,
    variance_usd INTEGER,
    reason       TEXT,
    CHECK ((closed_ms IS NULL) = (expected_khr IS NULL) AND (closed_ms IS NULL) = (expected_usd IS NULL)
       AND (closed_ms IS NULL) = (counted_khr IS NULL) AND (closed_ms IS NULL) = (counted_usd IS NULL)
       AND (closed_ms IS NULL) = (variance_khr IS NULL) AND (closed_ms IS NULL) = (variance_usd IS NULL)),
    CHECK (variance_khr = counted_khr - expected_khr AND variance_usd = counted_usd - expected_usd)
) STRICT;
-- At most one open shift per terminal, whatever the callers race to do.
CREATE UNIQUE INDEX shifts_one_open_per_terminal ON shifts (terminal_id) WHERE closed_ms IS NULL;
CREATE INDEX shifts_by_terminal ON shifts (terminal_id, opened_ms);
CREATE TRIGGER shifts_are_never_deleted BEFORE DELETE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END;
-- The only update is the close, once: the opening facts never change and a closed shift is final.
CREATE TRIGGER shifts_close_once BEFORE UPDATE ON shifts
WHEN OLD.closed_ms IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.terminal_id IS NOT OLD.terminal_id
  OR NEW.cashier_id IS NOT OLD.cashier_id OR NEW.opened_ms IS NOT OLD.opened_ms
  OR NEW.opening_khr IS NOT OLD.opening_khr OR NEW.opening_usd IS NOT OLD.opening_usd
BEGIN SELECT RAISE(ABORT, 'a shift is closed once and never edited'); END;

-- Cash put into or taken out of a drawer during a shift, with its reason.
CREATE TABLE cash_movements (
    id           INTEGER PRIMARY KEY,
    shift_id     INTEGER NOT NULL REFERENCES shifts (id),
    at_ms        INTEGER NOT NULL,
    direction    TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT    NOT NULL CHECK (currency IN ('KHR', 'USD')),
    reason       TEXT    NOT NULL,
    by_cashier   INTEGER REFERENCES cashiers (id)
) STRICT;
CREATE INDEX cash_movements_by_shift ON cash_movements (shift_id, id);
CREATE TRIGGER cash_movements_are_append_only_update BEFORE UPDATE ON cash_movements
BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;
CREATE TRIGGER cash_movements_are_append_only_delete BEFORE DELETE ON cash_movements
BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;

-- Which shift and cashier took a sale. Sales from before 0002 have no row here: they were
-- KHQR-only, outside any shift.
CREATE TABLE sale_shifts (
    sale_id    INTEGER PRIMARY KEY REFERENCES sales (id),
    shift_id   INTEGER NOT NULL REFERENCES shifts (id),
    cashier_id INTEGER REFERENCES cashiers (id)
) STRICT;
CREATE INDEX sale_shifts_by_shift ON sale_shifts (shift_id);
CREATE TRIGGER sale_shifts_are_append_only_update BEFORE UPDATE ON sale_shifts
BEGIN SELECT RAISE(ABORT, 'a sale stays in its shift'); END;
CREATE TRIGGER sale_shifts_are_append_only_delete BEFORE DELETE ON sale_shifts
BEGIN SELECT RAISE(ABORT, 'a sale stays in its shift'); END;

-- A sale's tender lines, written when the sale finishes: cash handed over and change per
-- currency, the KHQR part, and the rounding line (riel, signed: positive when the shop kept
-- it). At the sale's frozen rate, cash + khqr − change = total + rounding (`pos_cash`).
CREATE TABLE sale_tenders (
    sale_id      INTEGER NOT NULL REFERENCES sales (id),
    line         INTEGER NOT NULL CHECK (line > 0),
    kind         TEXT    NOT NULL CHECK (kind IN ('cash', 'khqr', 'change', 'rounding')),
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL CHECK (currency IN ('KHR', 'USD')),
    CHECK (CASE kind WHEN 'rounding' THEN currency = 'KHR' ELSE amount_minor >= 0 END),
    PRIMARY KEY (sale_id, line)
) STRICT;
CREATE TRIGGER sale_tenders_are_append_only_update BEFORE UPDATE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sale tenders are append-only'); END;
CREATE TRIGGER sale_tenders_are_append_only_delete BEFORE DELETE ON sale_tenders
BEGIN SELECT RAISE(ABORT, 'sale tenders are append-only'); END;

-- Refunds: new records pointing at the original receipt, gap-free per terminal, chained by
-- sha256 like receipts (their own chain). Cash refunds are counted in the shift whose drawer
-- paid them; bank refunds (paid back from the shop's bank app) carry the owner's reference.
CREATE TABLE refunds (
    terminal_id         TEXT    NOT NULL,
    number              INTEGER NOT NULL CHECK (number > 0),
    receipt_terminal_id TEXT    NOT NULL,
    receipt_number      INTEGER NOT NULL,
    issued_ms           INTEGER NOT NULL,
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    currency            TEXT    NOT NULL CHECK (currency IN ('KHR', 'USD')),
    tender              TEXT    NOT NULL CHECK (tender IN ('cash', 'bank')),
    bank_reference      TEXT,
    shift_id            INTEGER REFERENCES shifts (id),
    by_cashier          INTEGER REFERENCES cashiers (id),
    reason              TEXT,
    prev_hash           TEXT    NOT NULL,
    hash                TEXT    NOT NULL,
    CHECK ((tender = 'bank') = (bank_reference IS NOT NULL)),
    CHECK (tender = 'bank' OR shift_id IS NOT NULL),
    PRIMARY KEY (terminal_id, number),
    FOREIGN KEY (receipt_terminal_id, receipt_number) REFERENCES receipts (terminal_id, number)
) STRICT;
CREATE INDEX refunds_by_receipt ON refunds (receipt_terminal_id, receipt_number);
CREATE INDEX refunds_by_shift ON refunds (shift_id) WHERE shift_id IS NOT NULL;
CREATE TRIGGER refunds_are_append_only_update BEFORE UPDATE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER refunds_are_append_only_delete BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;

-- Z reports: one per closed shift, gap-free per terminal, chained by sha256 (their own chain),
-- immutable. `totals` is the shift's totals and closing as JSON, the document as issued.
CREATE TABLE z_reports (
    terminal_id TEXT    NOT NULL,
    number      INTEGER NOT NULL CHECK (number > 0),
    shift_id    INTEGER NOT NULL UNIQUE REFERENCES shifts (id),
    issued_ms   INTEGER NOT NULL,
    totals      TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    PRIMARY KEY (terminal_id, number)
) STRICT;
CREATE TRIGGER z_reports_are_append_only_update BEFORE UPDATE ON z_reports
BEGIN SELECT RAISE(ABORT, 'z reports are immutable'); END;
CREATE TRIGGER z_reports_are_append_only_delete BEFORE DELETE ON z_reports
BEGIN SELECT RAISE(ABORT, 'z reports are immutable'); END;
