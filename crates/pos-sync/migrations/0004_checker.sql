-- 0004: the elected checker. One counter at a time (the holder of an unexpired lease) checks
-- the pending sales of every counter with Bakong, in one md5-list call, and writes each answer
-- that ends a sale's check here; the counter that owns the sale hears of it (NOTIFY) and
-- finalizes it in its own ledger. Counters write these tables only through the functions below,
-- which check that the caller acts for its own terminal (as reserve_checks does).

-- What each counter has waiting for payment: added when it shows the QR, never changed. A row
-- is open until a check_results row ends it.
CREATE TABLE pending_checks (
    terminal_id text   NOT NULL REFERENCES terminals (terminal_id),
    sale_id     bigint NOT NULL,
    md5         text   NOT NULL CHECK (md5 ~ '^[0-9a-f]{32}$'),
    created_ms  bigint NOT NULL,
    expires_ms  bigint NOT NULL CHECK (expires_ms > created_ms),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (terminal_id, sale_id),
    UNIQUE (terminal_id, md5)
);
CREATE INDEX pending_checks_by_expiry ON pending_checks (expires_ms);

-- The answer that ended a pending check, once per sale (the UNIQUE makes a second checker's
-- late answer a no-op): Bakong's payment as reported (the owner compares it with the sale, so
-- a different amount, currency or payee goes to the owner's attention, never to paid), a
-- failed payment, "not found" at the sale's final check, or `closed` by the owner itself (the
-- sale left pending on the counter: cancelled, or settled by its own check while cut off).
CREATE TABLE check_results (
    id              bigserial PRIMARY KEY,
    terminal_id     text   NOT NULL,
    sale_id         bigint NOT NULL,
    checked_by      text   NOT NULL REFERENCES terminals (terminal_id),
    term            bigint NOT NULL,
    status          text   NOT NULL CHECK (status IN ('paid', 'failed', 'not_found', 'closed')),
    hash            text,
    payer_account   text,
    payee_account   text,
    amount_minor    bigint,
    currency        text CHECK (currency IN ('KHR', 'USD')),
    paid_created_ms bigint,
    acknowledged_ms bigint,
    external_ref    text,
    instruction_ref text,
    at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (terminal_id, sale_id),
    FOREIGN KEY (terminal_id, sale_id) REFERENCES pending_checks (terminal_id, sale_id),
    CHECK ((status = 'paid') = (hash IS NOT NULL AND amount_minor IS NOT NULL
                                AND currency IS NOT NULL)),
    CHECK (status <> 'closed' OR checked_by = terminal_id)
);
CREATE INDEX check_results_by_terminal ON check_results (terminal_id, id);

-- Who checks: one row, the holder and its term (raised on every change of holder, written on
-- each result as a fencing token). The expiry is the database's clock, so no counter's clock
-- matters, and a holder that died or was cut off loses it within the lease's time.
CREATE TABLE checker_lease (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    terminal_id text   NOT NULL REFERENCES terminals (terminal_id),
    term        bigint NOT NULL CHECK (term > 0),
    expires_at  timestamptz NOT NULL
);

CREATE TRIGGER pending_checks_are_append_only BEFORE UPDATE OR DELETE ON pending_checks
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER pending_checks_are_not_truncated BEFORE TRUNCATE ON pending_checks
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER check_results_are_append_only BEFORE UPDATE OR DELETE ON check_results
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER check_results_are_not_truncated BEFORE TRUNCATE ON check_results
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The owning counter LISTENs on check_results; the payload names the terminal.
CREATE FUNCTION notify_check_result() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('check_results', NEW.terminal_id);
    RETURN NULL;
END $$;
CREATE TRIGGER check_results_notify AFTER INSERT ON check_results
    FOR EACH ROW EXECUTE FUNCTION notify_check_result();

-- Everyone reads (the owner view, the checker); nobody but the functions below writes.
ALTER TABLE pending_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE check_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE checker_lease ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON pending_checks FOR SELECT USING (true);
CREATE POLICY everyone_reads ON check_results FOR SELECT USING (true);
CREATE POLICY everyone_reads ON checker_lease FOR SELECT USING (true);

-- Refuses a caller acting for another terminal: a counter's role acts for its own only; a
-- role that is no counter's must be the tables' owner (the role that ran hub init).
CREATE FUNCTION checker_caller(p_terminal text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_own text;
BEGIN
    SELECT terminal_id INTO v_own FROM terminals WHERE role_name = session_user;
    IF FOUND AND v_own <> p_terminal THEN
        RAISE EXCEPTION 'role % acts for terminal % only', session_user, v_own
            USING ERRCODE = '42501';
    END IF;
    IF NOT FOUND AND NOT pg_has_role(session_user,
            (SELECT relowner FROM pg_class WHERE oid = 'pending_checks'::regclass), 'USAGE') THEN
        RAISE EXCEPTION 'role % is no counter of this shop', session_user
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM terminals WHERE terminal_id = p_terminal) THEN
        RAISE EXCEPTION 'terminal % is not registered in this shop database', p_terminal
            USING ERRCODE = '42501';
    END IF;
END $$;

-- Takes the lease for p_terminal when it is free, expired or already its own, for p_ttl_ms
-- from now (the database's clock). Returns the holder after it, its term, and how long its
-- lease has left.
CREATE FUNCTION claim_checker(p_terminal text, p_ttl_ms integer)
RETURNS TABLE (holder text, term bigint, expires_in_ms bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
BEGIN
    PERFORM checker_caller(p_terminal);
    IF p_ttl_ms IS NULL OR p_ttl_ms <= 0 OR p_ttl_ms > 60000 THEN
        RAISE EXCEPTION 'a checker lease lasts 1 ms to 60 s' USING ERRCODE = '22023';
    END IF;
    INSERT INTO checker_lease AS l (terminal_id, term, expires_at)
        VALUES (p_terminal, 1, clock_timestamp() + p_ttl_ms * interval '1 millisecond')
        ON CONFLICT (id) DO UPDATE
        SET terminal_id = excluded.terminal_id,
            term = l.term + CASE WHEN l.terminal_id = excluded.terminal_id THEN 0 ELSE 1 END,
            expires_at = excluded.expires_at
        WHERE l.terminal_id = excluded.terminal_id OR l.expires_at < clock_timestamp();
    RETURN QUERY SELECT l.terminal_id, l.term,
        greatest(0, floor(extract(epoch FROM l.expires_at - clock_timestamp()) * 1000))::bigint
        FROM checker_lease l;
END $$;

-- A sale of p_terminal waiting for payment; a repeat is a no-op.
CREATE FUNCTION add_pending_check(p_terminal text, p_sale_id bigint, p_md5 text,
    p_created_ms bigint, p_expires_ms bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM checker_caller(p_terminal);
    INSERT INTO pending_checks (terminal_id, sale_id, md5, created_ms, expires_ms)
        VALUES (p_terminal, p_sale_id, p_md5, p_created_ms, p_expires_ms)
        ON CONFLICT DO NOTHING;
END $$;

-- Ends a pending check with its result. A checker's result counts only while it holds the
-- lease (a checker that lost it while cut off cannot write); `closed` comes from the owning
-- counter only. Returns false when the check was already ended (or the lease is not held).
CREATE FUNCTION add_check_result(p_checker text, p_terminal text, p_sale_id bigint,
    p_status text, p_hash text, p_payer text, p_payee text, p_amount_minor bigint,
    p_currency text, p_paid_created_ms bigint, p_acknowledged_ms bigint,
    p_external_ref text, p_instruction_ref text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_term bigint;
BEGIN
    PERFORM checker_caller(p_checker);
    IF p_status = 'closed' THEN
        v_term := 0;
    ELSE
        SELECT l.term INTO v_term FROM checker_lease l
            WHERE l.terminal_id = p_checker AND l.expires_at >= clock_timestamp();
        IF NOT FOUND THEN
            RETURN false;
        END IF;
    END IF;
    INSERT INTO check_results (terminal_id, sale_id, checked_by, term, status, hash,
        payer_account, payee_account, amount_minor, currency, paid_created_ms,
        acknowledged_ms, external_ref, instruction_ref)
        VALUES (p_terminal, p_sale_id, p_checker, v_term, p_status, p_hash, p_payer, p_payee,
        p_amount_minor, p_currency, p_paid_created_ms, p_acknowledged_ms, p_external_ref,
        p_instruction_ref)
        ON CONFLICT (terminal_id, sale_id) DO NOTHING;
    RETURN FOUND;
END $$;

-- A database `hub init` prepared before this migration: its roles read the new tables.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_counter') THEN
        EXECUTE format('GRANT SELECT ON pending_checks, check_results, checker_lease TO %I',
            current_database() || '_counter');
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_owner') THEN
        EXECUTE format('GRANT SELECT ON pending_checks, check_results, checker_lease TO %I',
            current_database() || '_owner');
    END IF;
END $$;
