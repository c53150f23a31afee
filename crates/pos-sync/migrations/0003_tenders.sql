-- 0003: each paid sale's tender lines, pushed with its receipt: cash handed over, change given,
-- the KHQR part of a split sale and the rounding line, as the counter's ledger wrote them when
-- the sale was made. The owner's report splits a sale between cash and KHQR from them, exactly,
-- instead of inferring one tender per receipt. Receipts pushed before this migration have none
-- and are still inferred.
CREATE TABLE receipt_tenders (
    terminal_id  text    NOT NULL,
    number       bigint  NOT NULL,
    line         integer NOT NULL CHECK (line > 0),
    kind         text    NOT NULL CHECK (kind IN ('cash', 'change', 'khqr', 'rounding')),
    amount_minor bigint  NOT NULL,
    currency     text    NOT NULL CHECK (currency IN ('KHR', 'USD')),
    PRIMARY KEY (terminal_id, number, line),
    FOREIGN KEY (terminal_id, number) REFERENCES receipts (terminal_id, number)
);
CREATE TRIGGER receipt_tenders_are_append_only BEFORE UPDATE OR DELETE ON receipt_tenders
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER receipt_tenders_are_not_truncated BEFORE TRUNCATE ON receipt_tenders
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

ALTER TABLE receipt_tenders ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON receipt_tenders FOR SELECT USING (true);
CREATE POLICY own_rows_only ON receipt_tenders FOR INSERT WITH CHECK (
    terminal_id = (SELECT t.terminal_id FROM terminals t WHERE t.role_name = current_user));

-- A database `hub init` prepared before this migration: its counters may add their lines and
-- the owner read them without running it again (the roles are named after the database).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_counter') THEN
        EXECUTE format('GRANT SELECT, INSERT ON receipt_tenders TO %I',
            current_database() || '_counter');
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_owner') THEN
        EXECUTE format('GRANT SELECT ON receipt_tenders TO %I', current_database() || '_owner');
    END IF;
END $$;
