-- 0001: the shop database. Migrations are append-only: never edit a released file, add the next
-- number. Times pushed from counters are epoch milliseconds (UTC), as in their ledgers.

-- Every counter's ledger events as pushed. (terminal_id, seq) is the counter's own event number:
-- a repeated push of it is recognised by its digest, a different event under a used number is a
-- divergence, never an overwrite. The sale's facts ride along so owner views need no join back.
CREATE TABLE ledger_events (
    terminal_id     text    NOT NULL CHECK (terminal_id <> ''),
    seq             bigint  NOT NULL CHECK (seq > 0),
    sale_id         bigint  NOT NULL,
    bill_number     text    NOT NULL,
    sale_created_ms bigint  NOT NULL,
    amount_minor    bigint  NOT NULL CHECK (amount_minor > 0),
    currency        text    NOT NULL CHECK (currency IN ('KHR', 'USD')),
    at_ms           bigint  NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('status', 'check')),
    from_status     text,
    to_status       text,
    http_status     integer,
    response_code   bigint,
    error_code      bigint,
    note            text,
    digest          text    NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    pushed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (terminal_id, seq)
);

-- Each counter's receipts with their hash chain, continuous per terminal: number n+1's prev_hash
-- is number n's hash (checked on arrival). A receipt arrives with the status event that paid it.
CREATE TABLE receipts (
    terminal_id   text   NOT NULL,
    number        bigint NOT NULL CHECK (number > 0),
    seq           bigint NOT NULL,
    sale_id       bigint NOT NULL,
    issued_ms     bigint NOT NULL,
    prev_hash     text   NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash          text   NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    paid_minor    bigint NOT NULL CHECK (paid_minor >= 0),
    paid_currency text   NOT NULL CHECK (paid_currency IN ('KHR', 'USD')),
    PRIMARY KEY (terminal_id, number),
    UNIQUE (terminal_id, sale_id),
    UNIQUE (terminal_id, seq),
    FOREIGN KEY (terminal_id, seq) REFERENCES ledger_events (terminal_id, seq)
);
-- The owner's day view: receipts issued in a range.
CREATE INDEX receipts_by_issued ON receipts (issued_ms);

-- The alarm: a counter offered an event under a number already holding a different one.
CREATE TABLE divergences (
    id             bigserial PRIMARY KEY,
    terminal_id    text   NOT NULL,
    seq            bigint NOT NULL,
    stored_digest  text   NOT NULL,
    offered_digest text   NOT NULL,
    detected_at    timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_events_are_append_only BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_events_are_not_truncated BEFORE TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER receipts_are_append_only BEFORE UPDATE OR DELETE ON receipts
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER receipts_are_not_truncated BEFORE TRUNCATE ON receipts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER divergences_are_append_only BEFORE UPDATE OR DELETE ON divergences
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
