-- inkan 012: an officer may have a subscriber's download link sent again (a
-- new link; the old one keeps working until it expires).  The web role asks
-- through a SECURITY DEFINER function; the mailer mints the token and writes
-- the mail, as for the first delivery.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_check CHECK (event IN ('issued', 'revoked', 'resent'));
ALTER TABLE deliveries DROP CONSTRAINT deliveries_application_id_event_key;
CREATE UNIQUE INDEX deliveries_once ON deliveries (application_id, event) WHERE event <> 'resent';

CREATE FUNCTION inkan_request_resend(p_certificate bigint, p_officer bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    app bigint;
    inst bigint;
    id bigint;
BEGIN
    SELECT c.application_id, c.institution_id INTO app, inst FROM certificates c
    WHERE c.id = p_certificate AND c.kind = 'server' AND c.revoked_at IS NULL AND c.not_after > now();
    IF app IS NULL THEN
        RAISE EXCEPTION 'certificate % is not a valid server certificate', p_certificate USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM inkan_acting_officer(p_officer, inst);
    INSERT INTO deliveries (certificate_id, application_id, event) VALUES (p_certificate, app, 'resent')
    RETURNING deliveries.id INTO id;
    RETURN id;
END
$$;

REVOKE EXECUTE ON FUNCTION inkan_request_resend(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_request_resend(bigint, bigint) TO inkan_ra;
