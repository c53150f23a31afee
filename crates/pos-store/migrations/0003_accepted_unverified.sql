-- 0003: sales accepted on the customer's success screen while Bakong could not answer (issue 10).

-- Two new sale statuses. SQLite cannot alter a CHECK constraint, and rebuilding `sales` would
-- mean dropping the parent of every foreign key; widening the list only admits new values, so
-- no stored row changes and the documented writable_schema edit is safe here.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, '''paid_late'', ''mismatch'')',
                  '''paid_late'', ''mismatch'', ''accepted_unverified'', ''unconfirmed'')')
WHERE type = 'table' AND name = 'sales';
PRAGMA writable_schema = RESET;

-- The payer's reference the cashier typed from the customer's screen, once per sale (the key
-- makes a second accept a no-op at the database level too).
CREATE TABLE accepted_refs (
    sale_id     INTEGER PRIMARY KEY REFERENCES sales (id),
    payer_ref   TEXT    NOT NULL CHECK (payer_ref <> ''),
    accepted_ms INTEGER NOT NULL
) STRICT;
CREATE TRIGGER accepted_refs_are_append_only_update BEFORE UPDATE ON accepted_refs
BEGIN SELECT RAISE(ABORT, 'accepted references are append-only'); END;
CREATE TRIGGER accepted_refs_are_append_only_delete BEFORE DELETE ON accepted_refs
BEGIN SELECT RAISE(ABORT, 'accepted references are append-only'); END;
