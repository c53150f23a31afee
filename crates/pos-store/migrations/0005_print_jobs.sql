-- Printed receipts (issue 14). A receipt's print job is written by a trigger in the very
-- transaction that issues the receipt, so no crash between payment and printing can lose
-- it, and receipts issued before this migration are never queued (one job per sale, even
-- if its receipt row is written again by someone editing the file). Every try to print is an
-- appended attempt; a job's state is read from its attempts, never updated in place.
CREATE TABLE print_jobs (
    sale_id   INTEGER PRIMARY KEY REFERENCES sales (id),
    queued_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX print_jobs_by_time ON print_jobs (queued_ms);
CREATE TRIGGER receipts_queue_their_print AFTER INSERT ON receipts
BEGIN INSERT OR IGNORE INTO print_jobs (sale_id, queued_ms) VALUES (NEW.sale_id, NEW.issued_ms); END;
CREATE TRIGGER print_jobs_are_append_only_update BEFORE UPDATE ON print_jobs
BEGIN SELECT RAISE(ABORT, 'print jobs are append-only'); END;
CREATE TRIGGER print_jobs_are_append_only_delete BEFORE DELETE ON print_jobs
BEGIN SELECT RAISE(ABORT, 'print jobs are append-only'); END;

-- sending: a good status was read and the bytes are about to go (the original is then never
-- sent again automatically); printed: every byte went; not_sent: the printer reported a
-- fault or was unreachable, nothing was sent; failed: the connection broke while sending.
-- A sale's attempts are for its original (copy = 0) or for reprints marked COPY (copy = 1,
-- also for receipts issued before this migration, which have no job).
CREATE TABLE print_attempts (
    id      INTEGER PRIMARY KEY,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    copy    INTEGER NOT NULL CHECK (copy IN (0, 1)),
    at_ms   INTEGER NOT NULL,
    outcome TEXT    NOT NULL CHECK (outcome IN ('sending', 'printed', 'not_sent', 'failed')),
    detail  TEXT
) STRICT;
CREATE INDEX print_attempts_by_sale ON print_attempts (sale_id, id);
CREATE TRIGGER print_attempts_are_append_only_update BEFORE UPDATE ON print_attempts
BEGIN SELECT RAISE(ABORT, 'print attempts are append-only'); END;
CREATE TRIGGER print_attempts_are_append_only_delete BEFORE DELETE ON print_attempts
BEGIN SELECT RAISE(ABORT, 'print attempts are append-only'); END;
