-- 0002: the counters and their roles, row-level security, and the shop's one Bakong check
-- budget. Roles are cluster-wide and named after the database, so `khqr-pos hub init` makes
-- them and grants them (see crates/pos-sync/src/hub.rs); this file holds what is the same in
-- every shop database.

-- The counters allowed to push, each logging in with its own role.
CREATE TABLE terminals (
    terminal_id text PRIMARY KEY CHECK (terminal_id ~ '^[A-Za-z0-9]{1,8}$'),
    role_name   text NOT NULL UNIQUE,
    added_at    timestamptz NOT NULL DEFAULT now()
);

-- A counter adds rows of its own terminal only and reads everyone's (the owner view). The
-- table owner (the role that ran `hub init`) is not subject to these policies.
ALTER TABLE ledger_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE divergences ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON ledger_events FOR SELECT USING (true);
CREATE POLICY own_rows_only ON ledger_events FOR INSERT WITH CHECK (
    terminal_id = (SELECT t.terminal_id FROM terminals t WHERE t.role_name = current_user));
CREATE POLICY everyone_reads ON receipts FOR SELECT USING (true);
CREATE POLICY own_rows_only ON receipts FOR INSERT WITH CHECK (
    terminal_id = (SELECT t.terminal_id FROM terminals t WHERE t.role_name = current_user));
CREATE POLICY everyone_reads ON divergences FOR SELECT USING (true);
CREATE POLICY own_rows_only ON divergences FOR INSERT WITH CHECK (
    terminal_id = (SELECT t.terminal_id FROM terminals t WHERE t.role_name = current_user));

-- The shop's daily Bakong check budget (one row). The hub grants at most
-- daily_limit - offline_share * max_counters checks a day; the rest is every counter's
-- offline share, spent from its own ledger's count when it cannot reach this database.
CREATE TABLE check_budget (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    daily_limit   integer NOT NULL CHECK (daily_limit >= 0),
    max_counters  integer NOT NULL CHECK (max_counters > 0),
    offline_share integer NOT NULL CHECK (offline_share >= 0),
    CHECK (offline_share::bigint * max_counters <= daily_limit)
);

-- The checks granted by the hub per day. The rule is copied in on the day's first
-- reservation, so a change of rule takes effect the next day and never lifts a day's cap.
CREATE TABLE check_days (
    day       date    PRIMARY KEY,
    hub_limit integer NOT NULL CHECK (hub_limit >= 0),
    used      integer NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= hub_limit)
);

-- Who got which checks: one row per granted reservation.
CREATE TABLE check_reservations (
    id          bigserial PRIMARY KEY,
    day         date    NOT NULL REFERENCES check_days (day),
    terminal_id text    NOT NULL REFERENCES terminals (terminal_id),
    n           integer NOT NULL CHECK (n > 0),
    used_after  integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER check_reservations_are_append_only BEFORE UPDATE OR DELETE ON check_reservations
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
-- Every registered counter owns an offline share, so no more counters than the budget counts.
CREATE FUNCTION terminals_within_budget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM terminals) >= (SELECT max_counters FROM check_budget) THEN
        RAISE EXCEPTION 'the check budget counts at most % counters: raise max_counters first',
            (SELECT max_counters FROM check_budget) USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER terminals_within_budget BEFORE INSERT ON terminals
    FOR EACH ROW EXECUTE FUNCTION terminals_within_budget();
CREATE TRIGGER terminals_are_append_only BEFORE UPDATE OR DELETE ON terminals
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Reserves p_n checks of p_day for p_terminal, atomically: the row lock of the UPDATE orders
-- racing counters, and its WHERE refuses a reservation that would pass the hub's cap. Returns
-- the checks left after it, or NULL when refused (nothing counted). A counter's role reserves
-- for its own terminal only; counters get EXECUTE, never UPDATE on check_days.
CREATE FUNCTION reserve_checks(p_terminal text, p_day date, p_n integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_own  text;
    v_left integer;
BEGIN
    IF p_n IS NULL OR p_n <= 0 THEN
        RAISE EXCEPTION 'a reservation is of one check or more' USING ERRCODE = '22023';
    END IF;
    SELECT terminal_id INTO v_own FROM terminals WHERE role_name = session_user;
    IF FOUND AND v_own <> p_terminal THEN
        RAISE EXCEPTION 'role % reserves checks for terminal % only', session_user, v_own
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM terminals WHERE terminal_id = p_terminal) THEN
        RAISE EXCEPTION 'terminal % is not registered in this shop database', p_terminal
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM check_budget) THEN
        RAISE EXCEPTION 'the shop has no check budget yet: run khqr-pos hub init'
            USING ERRCODE = '55000';
    END IF;
    INSERT INTO check_days (day, hub_limit)
        SELECT p_day, daily_limit - offline_share * max_counters FROM check_budget
        ON CONFLICT (day) DO NOTHING;
    UPDATE check_days SET used = used + p_n
        WHERE day = p_day AND used + p_n <= hub_limit
        RETURNING hub_limit - used INTO v_left;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO check_reservations (day, terminal_id, n, used_after)
        VALUES (p_day, p_terminal, p_n, (SELECT used FROM check_days WHERE day = p_day));
    RETURN v_left;
END $$;
REVOKE ALL ON FUNCTION reserve_checks(text, date, integer) FROM PUBLIC;
