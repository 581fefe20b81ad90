-- inkan 010: an officer certificate is issued only for the pickup that was
-- claimed with its PIN, and at most once per pickup.  The web role names
-- the pickup when it submits; the signer re-checks it (tools/worker/
-- reauthorize.cpp) and the unique index makes a second issue impossible.
ALTER TABLE applications ADD COLUMN pickup_id bigint REFERENCES officer_pickups;
CREATE UNIQUE INDEX applications_one_certificate_per_pickup ON applications (pickup_id) WHERE state = 'issued';

CREATE FUNCTION inkan_submit_officer_pickup(p_institution bigint, p_officer bigint, p_pickup bigint, p_public_key bytea)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM inkan_acting_officer(p_officer, p_institution);
    IF NOT EXISTS (SELECT 1 FROM officer_pickups p WHERE p.id = p_pickup AND p.officer_id = p_officer
                   AND p.state = 'issuing') THEN
        RAISE EXCEPTION 'pickup % of officer % was not claimed with its PIN', p_pickup, p_officer
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- An earlier request for this pickup (its key expired or was lost) will never be collected.
    UPDATE applications SET state = 'cancelled', updated_at = now() WHERE pickup_id = p_pickup AND state = 'queued';
    INSERT INTO applications (kind, operation, institution_id, officer_id, public_key, pickup_id)
    VALUES ('officer', 'issue', p_institution, p_officer, p_public_key, p_pickup)
    RETURNING applications.id INTO id;
    PERFORM pg_notify('inkan_work', 'application');
    RETURN id;
END
$$;

-- A first officer certificate now always names its pickup: the older function renews only.
CREATE OR REPLACE FUNCTION inkan_submit_officer(p_operation text, p_institution bigint, p_officer bigint, p_public_key bytea)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    id bigint;
BEGIN
    IF p_operation <> 'renew' THEN
        RAISE EXCEPTION 'an officer certificate is issued only for a claimed pickup (inkan_submit_officer_pickup)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM inkan_acting_officer(p_officer, p_institution);
    INSERT INTO applications (kind, operation, institution_id, officer_id, public_key)
    VALUES ('officer', 'renew', p_institution, p_officer, p_public_key)
    RETURNING applications.id INTO id;
    PERFORM pg_notify('inkan_work', 'application');
    RETURN id;
END
$$;

REVOKE EXECUTE ON FUNCTION inkan_submit_officer_pickup(bigint, bigint, bigint, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_submit_officer_pickup(bigint, bigint, bigint, bytea) TO inkan_ra;
-- Pickups are created by the service desk (inkanctl) only.
REVOKE INSERT ON officer_pickups FROM inkan_ra;

-- A collected key stays (sealed) for a short grace period, so that a page
-- the browser lost can be fetched again by the holder of the same key; then
-- it expires and is dropped.
ALTER TABLE pending_keys ADD COLUMN collected_at timestamptz;
GRANT UPDATE (expires_at, collected_at) ON pending_keys TO inkan_ra;
