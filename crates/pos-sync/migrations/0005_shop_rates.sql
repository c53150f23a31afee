-- 0005: the shop's riel rate, set once by the owner and cached at every counter. Append-only:
-- the rate in force is the latest row; a change is a new row, with when and by whom. Counters
-- read it (each copies a new one into its own ledger's rate log when it pushes) and never
-- write it: only set_shop_rate below writes, and only the owner's role may call it.
CREATE TABLE shop_rates (
    id           bigserial   PRIMARY KEY,
    riel_per_usd integer     NOT NULL CHECK (riel_per_usd BETWEEN 1000 AND 10000),
    set_at       timestamptz NOT NULL DEFAULT now(),
    set_by       text        NOT NULL DEFAULT session_user
);
CREATE TRIGGER shop_rates_are_append_only BEFORE UPDATE OR DELETE ON shop_rates
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER shop_rates_are_not_truncated BEFORE TRUNCATE ON shop_rates
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
ALTER TABLE shop_rates ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON shop_rates FOR SELECT USING (true);

-- Logs p_rate as the shop's rate. The caller must be the owner's role (`<db>_owner`) or the
-- tables' owner (the role that ran hub init); a counter's role is refused.
CREATE FUNCTION set_shop_rate(p_rate integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_owner text := current_database() || '_owner';
    v_id    bigint;
BEGIN
    IF NOT ((EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_owner)
             AND pg_has_role(session_user, v_owner, 'MEMBER'))
            OR pg_has_role(session_user,
                (SELECT relowner FROM pg_class WHERE oid = 'shop_rates'::regclass), 'USAGE')) THEN
        RAISE EXCEPTION 'only the shop owner sets the shop rate (role % may not)', session_user
            USING ERRCODE = '42501';
    END IF;
    IF p_rate IS NULL OR p_rate < 1000 OR p_rate > 10000 THEN
        RAISE EXCEPTION 'a rate is 1,000 to 10,000 riel per dollar' USING ERRCODE = '22023';
    END IF;
    INSERT INTO shop_rates (riel_per_usd, set_by) VALUES (p_rate, session_user)
        RETURNING id INTO v_id;
    RETURN v_id;
END $$;
REVOKE ALL ON FUNCTION set_shop_rate(integer) FROM PUBLIC;

-- A database `hub init` prepared before this migration: its roles read the new table and the
-- owner's role may set the rate.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_counter') THEN
        EXECUTE format('GRANT SELECT ON shop_rates TO %I', current_database() || '_counter');
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_owner') THEN
        EXECUTE format('GRANT SELECT ON shop_rates TO %I', current_database() || '_owner');
        EXECUTE format('GRANT EXECUTE ON FUNCTION set_shop_rate(integer) TO %I',
            current_database() || '_owner');
    END IF;
END $$;
