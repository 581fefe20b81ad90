-- inkan 004: the web servers submit applications only through these
-- functions and lose INSERT / UPDATE on applications.  The functions keep
-- the rows consistent (an active officer of an active institution acting
-- for it); the signing worker re-authorizes every application against the
-- registered domains and the officer's grants before it signs, so a
-- compromised web server can queue requests but never mint a certificate
-- for a name it was not granted.

CREATE FUNCTION inkan_acting_officer(p_officer bigint, p_institution bigint) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM officers o JOIN institutions i ON i.id = o.institution_id
                   WHERE o.id = p_officer AND o.institution_id = p_institution
                     AND o.status = 'active' AND i.status = 'active') THEN
        RAISE EXCEPTION 'officer % is not an active officer of active institution %', p_officer, p_institution
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

CREATE FUNCTION inkan_submit_server(
    p_operation text, p_institution bigint, p_officer bigint, p_batch bigint, p_line int, p_subject_dn text,
    p_profile text, p_csr bytea, p_dns_names text[], p_subscriber_name text, p_subscriber_affiliation text,
    p_subscriber_email text, p_fqdn text, p_server_software text, p_old_certificate bigint,
    p_target_certificate bigint, p_revocation_reason int, p_revocation_comment text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM inkan_acting_officer(p_officer, p_institution);
    IF p_batch IS NOT NULL AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = p_batch AND b.officer_id = p_officer) THEN
        RAISE EXCEPTION 'batch % is not officer %''s', p_batch, p_officer USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO applications (kind, operation, institution_id, officer_id, batch_id, line_no, subject_dn, profile, csr,
                              dns_names, subscriber_name, subscriber_affiliation, subscriber_email, fqdn,
                              server_software, old_certificate_id, target_certificate_id, revocation_reason,
                              revocation_comment)
    VALUES ('server', p_operation, p_institution, p_officer, p_batch, p_line, p_subject_dn, p_profile, p_csr,
            p_dns_names, p_subscriber_name, p_subscriber_affiliation, p_subscriber_email, p_fqdn, p_server_software,
            p_old_certificate, p_target_certificate, p_revocation_reason, p_revocation_comment)
    RETURNING applications.id INTO id;
    RETURN id;
END
$$;

-- An officer certificate.  The worker signs an issue only for a pickup
-- claimed with the PIN, a renewal only for an officer whose certificate is
-- valid and inside the renewal window.
CREATE FUNCTION inkan_submit_officer(p_operation text, p_institution bigint, p_officer bigint, p_public_key bytea)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM inkan_acting_officer(p_officer, p_institution);
    INSERT INTO applications (kind, operation, institution_id, officer_id, public_key)
    VALUES ('officer', p_operation, p_institution, p_officer, p_public_key)
    RETURNING applications.id INTO id;
    PERFORM pg_notify('inkan_work', 'application');
    RETURN id;
END
$$;

-- An officer application the RA stopped waiting for; false when the worker got there first.
CREATE FUNCTION inkan_cancel_officer(p_application bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    UPDATE applications SET state = 'cancelled', updated_at = now()
    WHERE id = p_application AND kind = 'officer' AND state = 'queued'
    RETURNING true;
$$;

CREATE FUNCTION inkan_update_subscriber(p_application bigint, p_officer bigint, p_name text, p_affiliation text,
                                        p_email text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM inkan_acting_officer(p_officer, (SELECT institution_id FROM applications WHERE id = p_application));
    UPDATE applications SET subscriber_name = p_name, subscriber_affiliation = p_affiliation,
                            subscriber_email = p_email, updated_at = now()
    WHERE id = p_application;
END
$$;

REVOKE INSERT, UPDATE ON applications FROM inkan_ra;
REVOKE USAGE ON SEQUENCE applications_id_seq FROM inkan_ra;
REVOKE EXECUTE ON FUNCTION inkan_acting_officer(bigint, bigint), inkan_submit_server(text, bigint, bigint, bigint, int,
    text, text, bytea, text[], text, text, text, text, text, bigint, bigint, int, text),
    inkan_submit_officer(text, bigint, bigint, bytea), inkan_cancel_officer(bigint),
    inkan_update_subscriber(bigint, bigint, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_submit_server(text, bigint, bigint, bigint, int, text, text, bytea, text[], text, text,
    text, text, text, bigint, bigint, int, text),
    inkan_submit_officer(text, bigint, bigint, bytea), inkan_cancel_officer(bigint),
    inkan_update_subscriber(bigint, bigint, text, text, text) TO inkan_ra;
