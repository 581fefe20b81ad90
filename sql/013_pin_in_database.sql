-- inkan 013: the access PIN is checked inside the database, so the web role
-- can no longer mark a pickup as claimed without it (and so cannot get an
-- officer certificate signed: sql/010, tools/worker/reauthorize.cpp).
-- The service desk stores a salted SHA-256 verifier beside the PBKDF2 hash;
-- a PIN carries about 69 bits (12 characters of 55), which no offline search
-- of one SHA-256 reaches.  Pickups made before 013 have no verifier: their
-- PIN must be issued again (inkanctl officer reissue-pin).
ALTER TABLE officer_pickups ADD COLUMN pin_salt bytea, ADD COLUMN pin_verifier bytea;

-- 'accepted' (the pickup is now 'issuing'), 'wrong', 'locked' (too many wrong PINs, now or before),
-- 'busy' (a certificate for it is being issued), or 'refused' (unknown, expired, used or superseded).
CREATE FUNCTION inkan_try_pin(p_pickup bigint, p_pin text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    p officer_pickups%ROWTYPE;
    -- The default of settings.cpp's pickup_max_attempts.
    max_attempts int := coalesce((SELECT value::int FROM settings WHERE name = 'pickup_max_attempts'), 5);
BEGIN
    SELECT * INTO p FROM officer_pickups WHERE id = p_pickup FOR UPDATE;
    IF NOT FOUND OR p.expires_at <= now() OR p.pin_verifier IS NULL OR p.state IN ('completed', 'superseded') THEN
        RETURN 'refused';
    END IF;
    IF p.state = 'locked' THEN
        RETURN 'locked';
    END IF;
    IF p.state = 'issuing' AND EXISTS (SELECT 1 FROM pending_keys k WHERE k.pickup_id = p.id AND k.expires_at > now()) THEN
        RETURN 'busy';
    END IF;
    IF sha256(p.pin_salt || convert_to(p_pin, 'UTF8')) = p.pin_verifier THEN
        UPDATE officer_pickups SET state = 'issuing', updated_at = now() WHERE id = p.id;
        RETURN 'accepted';
    END IF;
    UPDATE officer_pickups SET failed_attempts = failed_attempts + 1, updated_at = now(),
        state = CASE WHEN failed_attempts + 1 >= max_attempts THEN 'locked' ELSE state END
    WHERE id = p.id;
    RETURN CASE WHEN p.failed_attempts + 1 >= max_attempts THEN 'locked' ELSE 'wrong' END;
END
$$;

-- Ends an 'issuing' pickup: 'open' again (the certificate could not be requested or was not
-- issued), or 'completed' once its certificate exists.
CREATE FUNCTION inkan_end_pickup(p_pickup bigint, p_state text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF p_state NOT IN ('open', 'completed') THEN
        RAISE EXCEPTION 'a pickup ends open or completed, not %', p_state USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_state = 'completed' AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.pickup_id = p_pickup AND a.state = 'issued') THEN
        RAISE EXCEPTION 'pickup % has no certificate', p_pickup USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE officer_pickups SET state = p_state, updated_at = now() WHERE id = p_pickup AND state = 'issuing';
END
$$;

REVOKE EXECUTE ON FUNCTION inkan_try_pin(bigint, text), inkan_end_pickup(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_try_pin(bigint, text), inkan_end_pickup(bigint, text) TO inkan_ra;
REVOKE UPDATE ON officer_pickups FROM inkan_ra;
