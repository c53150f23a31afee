-- 0004: cash and split sales (issue 12). Append-only like the others.

-- A cash sale has no QR, so `qr` and `md5` lose NOT NULL. Removing a NOT NULL constraint is
-- one of SQLite's documented safe writable_schema edits (it admits new rows, no stored row
-- changes), as 0003 widens the status list: rebuilding `sales`, the parent of every foreign
-- key, would be the riskier path for a ledger.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(replace(sql,
        'qr                   TEXT    NOT NULL,', 'qr                   TEXT,'),
        'md5                  TEXT    NOT NULL UNIQUE,', 'md5                  TEXT    UNIQUE,')
WHERE type = 'table' AND name = 'sales';
PRAGMA writable_schema = RESET;

-- A split sale's QR asks only for what the cash left: its amount and currency (NULL: the QR,
-- if any, asks for the sale's total). A QR and its md5 come together; only a sale with a QR
-- can have a QR amount.
ALTER TABLE sales ADD COLUMN qr_currency TEXT CHECK (qr_currency IN ('KHR', 'USD'));
ALTER TABLE sales ADD COLUMN qr_minor INTEGER CHECK (
    (qr IS NULL) = (md5 IS NULL)
    AND (qr_minor IS NULL) = (qr_currency IS NULL)
    AND (qr_minor IS NULL OR (qr_minor > 0 AND qr IS NOT NULL)));
