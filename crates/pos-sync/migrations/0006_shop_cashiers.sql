-- 0006: the shop's cashier accounts, added and disabled once by the owner and cached at every
-- counter. Append-only events: a cashier is added once (name and the PHC string of the PIN's
-- Argon2 hash; the PIN itself never leaves the counter it was typed at) and disabled at most
-- once after. Counters read them and never write them: only add_shop_cashier and
-- disable_shop_cashier below write, and only the owner's role may call them.
CREATE TABLE shop_cashier_events (
    id       bigserial   PRIMARY KEY,
    kind     text        NOT NULL CHECK (kind IN ('added', 'disabled')),
    -- As a counter's ledger allows a name: trimmed, 1 to 30 characters, no control character,
    -- not the owner's.
    name     text        NOT NULL CHECK (name = btrim(name) AND char_length(name) BETWEEN 1 AND 30
                                         AND name !~ '[[:cntrl:]]' AND lower(name) <> 'owner'),
    pin_hash text        CHECK (pin_hash ~ '^\$argon2(id|i|d)\$[ -~]{1,200}$'),
    at       timestamptz NOT NULL DEFAULT now(),
    by_role  text        NOT NULL DEFAULT session_user,
    CHECK ((kind = 'added') = (pin_hash IS NOT NULL))
);
CREATE UNIQUE INDEX shop_cashiers_are_added_once ON shop_cashier_events (name)
    WHERE kind = 'added';
CREATE UNIQUE INDEX shop_cashiers_are_disabled_once ON shop_cashier_events (name)
    WHERE kind = 'disabled';
CREATE TRIGGER shop_cashier_events_are_append_only BEFORE UPDATE OR DELETE ON shop_cashier_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER shop_cashier_events_are_not_truncated BEFORE TRUNCATE ON shop_cashier_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
ALTER TABLE shop_cashier_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON shop_cashier_events FOR SELECT USING (true);

-- Refuses a caller that is neither the owner's role (`<db>_owner`) nor the tables' owner (the
-- role that ran hub init), as set_shop_rate does.
CREATE FUNCTION shop_owner_only(p_what text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v_owner text := current_database() || '_owner';
BEGIN
    IF NOT ((EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_owner)
             AND pg_has_role(session_user, v_owner, 'MEMBER'))
            OR pg_has_role(session_user,
                (SELECT relowner FROM pg_class WHERE oid = 'shop_cashier_events'::regclass),
                'USAGE')) THEN
        RAISE EXCEPTION 'only the shop owner may % (role % may not)', p_what, session_user
            USING ERRCODE = '42501';
    END IF;
END $$;
REVOKE ALL ON FUNCTION shop_owner_only(text) FROM PUBLIC;

-- Adds cashier p_name with the PHC string p_pin_hash; a name the shop has (even disabled) is
-- refused, nothing written.
CREATE FUNCTION add_shop_cashier(p_name text, p_pin_hash text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM shop_owner_only('add cashiers');
    IF EXISTS (SELECT 1 FROM shop_cashier_events WHERE name = p_name AND kind = 'added') THEN
        RAISE EXCEPTION 'the shop already has a cashier named %', p_name USING ERRCODE = '23505';
    END IF;
    INSERT INTO shop_cashier_events (kind, name, pin_hash, by_role)
        VALUES ('added', p_name, p_pin_hash, session_user) RETURNING id INTO v_id;
    RETURN v_id;
END $$;
REVOKE ALL ON FUNCTION add_shop_cashier(text, text) FROM PUBLIC;

-- Disables the shop's cashier p_name, once.
CREATE FUNCTION disable_shop_cashier(p_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM shop_owner_only('disable cashiers');
    IF NOT EXISTS (SELECT 1 FROM shop_cashier_events WHERE name = p_name AND kind = 'added') THEN
        RAISE EXCEPTION 'the shop has no cashier named %', p_name USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM shop_cashier_events WHERE name = p_name AND kind = 'disabled') THEN
        RAISE EXCEPTION 'the shop''s cashier % is already disabled', p_name
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO shop_cashier_events (kind, name, by_role)
        VALUES ('disabled', p_name, session_user) RETURNING id INTO v_id;
    RETURN v_id;
END $$;
REVOKE ALL ON FUNCTION disable_shop_cashier(text) FROM PUBLIC;

-- A database `hub init` prepared before this migration: its roles read the new table and the
-- owner's role may add and disable cashiers.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_counter') THEN
        EXECUTE format('GRANT SELECT ON shop_cashier_events TO %I',
            current_database() || '_counter');
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_database() || '_owner') THEN
        EXECUTE format('GRANT SELECT ON shop_cashier_events TO %I',
            current_database() || '_owner');
        EXECUTE format(
            'GRANT EXECUTE ON FUNCTION add_shop_cashier(text, text), disable_shop_cashier(text) TO %I',
            current_database() || '_owner');
    END IF;
END $$;
