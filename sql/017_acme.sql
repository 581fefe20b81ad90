-- inkan 017: ACME (RFC 8555) bound to what officers register.  An officer
-- registers a subject (CN plus up to 8 names) under their grants and gets an
-- External Account Binding once: one EAB = one ACME account.  Orders may
-- name only the registration's names; the signer re-checks the registration
-- and the officer's grants before it signs, as for every other kind.
--
-- The EAB's HMAC key never leaves the database after it is stored: the web
-- role cannot read the column, the MAC is checked by inkan_acme_bind (pgcrypto
-- computes it), and the key itself is erased once an account is bound; only
-- its SHA-256 stays, for the record.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

ALTER TABLE applications DROP CONSTRAINT applications_kind_check;
ALTER TABLE applications ADD CONSTRAINT applications_kind_check
    CHECK (kind IN ('officer', 'server', 'client', 'smime', 'acme'));

INSERT INTO profiles (id, kind, name_ja, name_en, key_types, validity_days, validity_months, cabf_cap, issuing_ca,
                      extended_key_usage, policy_oids_setting, lint, tsv_schema, delivery, issuable, replaced_by)
VALUES
    ('acme-3', 'acme', 'ACME サーバ証明書 (RSA)', 'ACME server certificate (RSA)', '{rsa-2048}', 89, NULL, 'tls',
     'server-rsa', 'serverAuth', 'server_policy_oids', 'tls-server', 'acme', 'acme-order', true, NULL),
    ('acme-11', 'acme', 'ACME サーバ証明書 (ECDSA)', 'ACME server certificate (ECDSA)', '{ec-p384}', 89, NULL, 'tls',
     'server-ecc', 'serverAuth', 'server_policy_oids', 'tls-server', 'acme', 'acme-order', true, NULL);

-- What an officer registered (UPKI ACME利用情報): the subject, the names, the
-- subscriber, and the current EAB.
CREATE TABLE acme_registrations (
    id                      bigserial PRIMARY KEY,
    account_ref             text NOT NULL UNIQUE,        -- the "ACME account ID" officers name in TSV column 3
    institution_id          bigint NOT NULL REFERENCES institutions,
    officer_id              bigint NOT NULL REFERENCES officers,
    batch_id                bigint REFERENCES batches,
    line_no                 int,
    subject_dn              text NOT NULL,               -- UPKI order, CN first
    server_profile          text NOT NULL CHECK (server_profile IN ('3', '11')),
    names                   text[] NOT NULL CHECK (cardinality(names) BETWEEN 1 AND 9),  -- CN first
    subscriber_name         text NOT NULL,
    subscriber_affiliation  text NOT NULL,
    subscriber_email        text NOT NULL,
    server_software         text NOT NULL DEFAULT '',
    status                  text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    suspend_reason          int,
    suspend_comment         text,
    eab_kid                 text NOT NULL UNIQUE,
    eab_hmac_key            bytea,                       -- erased once bound; unreadable by inkan_ra
    eab_key_sha256          bytea NOT NULL,
    eab_expires_at          timestamptz NOT NULL,
    eab_bound_at            timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acme_registrations_institution ON acme_registrations (institution_id);

-- An ACME account: a client's key, bound to a registration by its EAB.
CREATE TABLE acme_accounts (
    id               bigserial PRIMARY KEY,
    registration_id  bigint NOT NULL REFERENCES acme_registrations,
    jwk              text NOT NULL,            -- RFC 7638 canonical form (the members the thumbprint hashes)
    thumbprint       text NOT NULL UNIQUE,     -- base64url SHA-256 of jwk
    status           text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'deactivated', 'revoked')),
    contact          text[] NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acme_accounts_registration ON acme_accounts (registration_id);

-- Replay nonces: single use, expiring.
CREATE TABLE acme_nonces (
    nonce       text PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX acme_nonces_expiry ON acme_nonces (expires_at);

CREATE TABLE acme_orders (
    id               bigserial PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES acme_accounts,
    names            text[] NOT NULL,           -- as the client ordered them
    status           text NOT NULL DEFAULT 'ready' CHECK (status IN ('pending', 'ready', 'processing', 'invalid')),
    application_id   bigint REFERENCES applications,  -- set by finalize; 'valid' is read from it
    replaces         text,                      -- ARI certificate identifier (RFC 9773)
    replaces_certificate_id bigint REFERENCES certificates,
    error            text,
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acme_orders_account ON acme_orders (account_id);
CREATE UNIQUE INDEX acme_orders_application ON acme_orders (application_id);

-- One per ordered name.  Registered names are validated by the officer's
-- registration, so authorizations are created valid.
CREATE TABLE acme_authorizations (
    id          bigserial PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES acme_orders,
    name        text NOT NULL,
    status      text NOT NULL DEFAULT 'valid'
                CHECK (status IN ('pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked')),
    error       text,                 -- why a validation failed (018)
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acme_authorizations_order ON acme_authorizations (order_id);

-- ACME registration files (UPKI-FORMATS §4): applyType 4 suspends.
ALTER TABLE batches DROP CONSTRAINT batches_kind_check;
ALTER TABLE batches ADD CONSTRAINT batches_kind_check CHECK (kind IN ('server', 'acme'));
ALTER TABLE batches DROP CONSTRAINT batches_apply_type_check;
ALTER TABLE batches ADD CONSTRAINT batches_apply_type_check CHECK (apply_type IN (1, 2, 3, 4));

ALTER TABLE applications ADD COLUMN acme_registration_id bigint REFERENCES acme_registrations;
-- The order an ACME application came from: the signer checks its validations (018).
ALTER TABLE applications ADD COLUMN acme_order_id bigint REFERENCES acme_orders;

-- An order as clients see it: 'valid' and 'invalid' follow the application
-- the signer worked on; an unfinished order past its expiry is invalid; a
-- pending order is ready once every authorization is valid, invalid when one
-- is (authorizations are created in 017, challenges come with 018).
CREATE VIEW acme_order_states AS
SELECT o.id, o.account_id, o.names, o.expires_at, o.created_at, o.replaces_certificate_id, ap.certificate_id,
       CASE WHEN ap.state = 'issued' THEN 'valid'
            WHEN ap.state IN ('failed', 'cancelled') THEN 'invalid'
            WHEN o.status IN ('pending', 'ready') AND o.expires_at <= now() THEN 'invalid'
            WHEN o.status IN ('pending', 'ready') THEN
                CASE WHEN EXISTS (SELECT 1 FROM acme_authorizations z WHERE z.order_id = o.id AND z.status = 'invalid')
                          THEN 'invalid'
                     WHEN NOT EXISTS (SELECT 1 FROM acme_authorizations z WHERE z.order_id = o.id)
                          OR EXISTS (SELECT 1 FROM acme_authorizations z WHERE z.order_id = o.id AND z.status <> 'valid')
                          THEN 'pending'
                     ELSE 'ready' END
            ELSE o.status END AS status,
       coalesce(o.error, ap.error, (SELECT z.error FROM acme_authorizations z
                                     WHERE z.order_id = o.id AND z.status = 'invalid' ORDER BY z.id LIMIT 1), '') AS error
FROM acme_orders o LEFT JOIN applications ap ON ap.id = o.application_id;


-- A registration by an acting officer of the institution.  The RA generated
-- the key and showed it to the officer; from here on only the database has it.
CREATE FUNCTION inkan_acme_register(
    p_institution bigint, p_officer bigint, p_batch bigint, p_line int, p_account_ref text, p_subject_dn text,
    p_profile text, p_names text[], p_subscriber_name text, p_subscriber_affiliation text, p_subscriber_email text,
    p_server_software text, p_eab_kid text, p_eab_key bytea, p_eab_days int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM inkan_acting_officer(p_officer, p_institution);
    INSERT INTO acme_registrations (account_ref, institution_id, officer_id, batch_id, line_no, subject_dn,
                                    server_profile, names, subscriber_name, subscriber_affiliation, subscriber_email,
                                    server_software, eab_kid, eab_hmac_key, eab_key_sha256, eab_expires_at)
    VALUES (p_account_ref, p_institution, p_officer, p_batch, p_line, p_subject_dn, p_profile, p_names,
            p_subscriber_name, p_subscriber_affiliation, p_subscriber_email, p_server_software, p_eab_kid, p_eab_key,
            sha256(p_eab_key), now() + make_interval(days => p_eab_days))
    RETURNING acme_registrations.id INTO new_id;
    RETURN new_id;
END
$$;

-- UPKI 更新: a new name set and a new EAB.  The bound account keeps working
-- (with the new names) until the new EAB binds an account, which replaces it.
CREATE FUNCTION inkan_acme_update(
    p_registration bigint, p_officer bigint, p_subject_dn text, p_profile text, p_names text[],
    p_subscriber_name text, p_subscriber_affiliation text, p_subscriber_email text, p_server_software text,
    p_eab_kid text, p_eab_key bytea, p_eab_days int) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM inkan_acting_officer(p_officer, (SELECT institution_id FROM acme_registrations WHERE id = p_registration));
    -- The officer who updates takes the registration over (the signer re-checks their grants).
    UPDATE acme_registrations
    SET officer_id = p_officer, subject_dn = p_subject_dn, server_profile = p_profile, names = p_names,
        subscriber_name = p_subscriber_name,
        subscriber_affiliation = p_subscriber_affiliation, subscriber_email = p_subscriber_email,
        server_software = p_server_software, eab_kid = p_eab_kid, eab_hmac_key = p_eab_key,
        eab_key_sha256 = sha256(p_eab_key), eab_expires_at = now() + make_interval(days => p_eab_days),
        eab_bound_at = NULL, updated_at = now()
    WHERE id = p_registration;
END
$$;

-- UPKI 停止: the registration's accounts can no longer order (the signer
-- refuses queued orders too); certificates already issued stay valid.
CREATE FUNCTION inkan_acme_suspend(p_registration bigint, p_officer bigint, p_reason int, p_comment text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM inkan_acting_officer(p_officer, (SELECT institution_id FROM acme_registrations WHERE id = p_registration));
    UPDATE acme_registrations
    SET status = 'suspended', suspend_reason = p_reason, suspend_comment = p_comment, eab_hmac_key = NULL,
        updated_at = now()
    WHERE id = p_registration;
END
$$;

-- newAccount with an externalAccountBinding: checks the MAC over the
-- binding's signing input with the stored key, that the signed payload is the
-- account key being bound (its RFC 7638 members, whose SHA-256 is the
-- thumbprint), then binds a new account for the key and erases the HMAC key.  Outcome 'bound' (with the account id),
-- 'unknown-kid', 'bad-mac', 'used' (already bound), 'expired' or 'suspended'.
CREATE FUNCTION inkan_acme_bind(p_kid text, p_alg text, p_signing_input bytea, p_mac bytea, p_jwk text,
                                p_thumbprint text, p_contact text[])
RETURNS TABLE (outcome text, account_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r acme_registrations%ROWTYPE;
    algorithm text := CASE p_alg WHEN 'HS256' THEN 'sha256' WHEN 'HS384' THEN 'sha384' WHEN 'HS512' THEN 'sha512' END;
    signed_key jsonb;
    new_id bigint;
BEGIN
    SELECT * INTO r FROM acme_registrations WHERE eab_kid = p_kid FOR UPDATE;
    IF NOT FOUND OR algorithm IS NULL THEN
        RETURN QUERY SELECT 'unknown-kid', NULL::bigint; RETURN;
    END IF;
    IF r.status <> 'active' THEN
        RETURN QUERY SELECT 'suspended', NULL::bigint; RETURN;
    END IF;
    IF r.eab_bound_at IS NOT NULL OR r.eab_hmac_key IS NULL THEN
        RETURN QUERY SELECT 'used', NULL::bigint; RETURN;
    END IF;
    IF r.eab_expires_at <= now() THEN
        RETURN QUERY SELECT 'expired', NULL::bigint; RETURN;
    END IF;
    IF p_mac IS NULL OR p_signing_input IS NULL OR p_jwk IS NULL OR p_thumbprint IS NULL
       OR hmac(p_signing_input, r.eab_hmac_key, algorithm) IS DISTINCT FROM p_mac THEN
        RETURN QUERY SELECT 'bad-mac', NULL::bigint; RETURN;
    END IF;
    BEGIN
        signed_key := convert_from(decode(rpad(translate(split_part(convert_from(p_signing_input, 'UTF8'), '.', 2),
                                                         '-_', '+/'),
                                               (length(split_part(convert_from(p_signing_input, 'UTF8'), '.', 2)) + 3)
                                               / 4 * 4, '='), 'base64'), 'UTF8')::jsonb;
    EXCEPTION WHEN OTHERS THEN
        signed_key := NULL;
    END;
    IF signed_key IS NULL OR NOT signed_key @> p_jwk::jsonb
       OR translate(rtrim(encode(sha256(convert_to(p_jwk, 'UTF8')), 'base64'), '='), '+/', '-_') <> p_thumbprint THEN
        RETURN QUERY SELECT 'bad-mac', NULL::bigint; RETURN;
    END IF;
    UPDATE acme_accounts SET status = 'deactivated', updated_at = now()
    WHERE registration_id = r.id AND status = 'valid';
    INSERT INTO acme_accounts (registration_id, jwk, thumbprint, contact)
    VALUES (r.id, p_jwk, p_thumbprint, coalesce(p_contact, '{}'))
    RETURNING acme_accounts.id INTO new_id;
    UPDATE acme_registrations SET eab_hmac_key = NULL, eab_bound_at = now(), updated_at = now() WHERE acme_registrations.id = r.id;
    RETURN QUERY SELECT 'bound', new_id;
END
$$;

-- finalize: the application is built from the registration, not from what
-- the web server says; only the CSR and the order's names come from the
-- request (the signer re-checks the names against the registration).
CREATE FUNCTION inkan_submit_acme(p_order bigint, p_csr bytea) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o acme_orders%ROWTYPE;
    r acme_registrations%ROWTYPE;
    ordered text[];
    new_id bigint;
BEGIN
    SELECT * INTO o FROM acme_orders WHERE acme_orders.id = p_order FOR UPDATE;
    IF NOT FOUND OR (SELECT s.status FROM acme_order_states s WHERE s.id = p_order) <> 'ready' THEN
        RAISE EXCEPTION 'order % is not ready', p_order USING ERRCODE = 'no_data_found';
    END IF;
    SELECT reg.* INTO r FROM acme_registrations reg JOIN acme_accounts a ON a.registration_id = reg.id
    WHERE a.id = o.account_id;
    IF NOT o.names <@ r.names OR NOT r.names[1] = ANY(o.names) THEN
        RAISE EXCEPTION 'order % names what the registration does not', p_order USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A replaced certificate must be one this registration was issued.
    IF o.replaces_certificate_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM certificates c JOIN applications ap ON ap.id = c.application_id
        WHERE c.id = o.replaces_certificate_id AND c.kind = 'acme' AND ap.acme_registration_id = r.id) THEN
        RAISE EXCEPTION 'order % replaces a certificate of another registration', p_order
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The CN first, then the other names in the order the client gave.
    ordered := ARRAY[r.names[1]] || array(SELECT n FROM unnest(o.names) WITH ORDINALITY AS u(n, i)
                                          WHERE n <> r.names[1] ORDER BY i);
    INSERT INTO applications (kind, operation, institution_id, officer_id, subject_dn, profile, csr, dns_names,
                              subscriber_name, subscriber_affiliation, subscriber_email, fqdn, server_software,
                              acme_registration_id, old_certificate_id, acme_order_id)
    VALUES ('acme', 'issue', r.institution_id, r.officer_id, r.subject_dn, 'acme-' || r.server_profile, p_csr, ordered,
            r.subscriber_name, r.subscriber_affiliation, r.subscriber_email, r.names[1], r.server_software, r.id,
            o.replaces_certificate_id, o.id)
    RETURNING applications.id INTO new_id;
    UPDATE acme_orders SET status = 'processing', application_id = new_id, updated_at = now() WHERE acme_orders.id = o.id;
    PERFORM pg_notify('inkan_work', 'application');
    RETURN new_id;
END
$$;

-- revokeCert: a revocation application on behalf of the registration's
-- officer, for a certificate issued under that registration (the signer
-- checks it again).
CREATE FUNCTION inkan_submit_acme_revocation(p_certificate bigint, p_registration bigint, p_reason int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r acme_registrations%ROWTYPE;
    new_id bigint;
BEGIN
    SELECT * INTO r FROM acme_registrations WHERE acme_registrations.id = p_registration;
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM certificates c JOIN applications ap ON ap.id = c.application_id
                                WHERE c.id = p_certificate AND c.kind = 'acme' AND ap.acme_registration_id = r.id
                                AND c.revoked_at IS NULL) THEN
        RAISE EXCEPTION 'certificate % is not a valid ACME certificate of registration %', p_certificate, p_registration
            USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO applications (kind, operation, institution_id, officer_id, subject_dn, target_certificate_id,
                              revocation_reason, acme_registration_id)
    SELECT 'acme', 'revoke', r.institution_id, r.officer_id, c.subject_dn, c.id, p_reason, r.id
    FROM certificates c WHERE c.id = p_certificate
    RETURNING applications.id INTO new_id;
    PERFORM pg_notify('inkan_work', 'application');
    RETURN new_id;
END
$$;

-- The web role may call these functions, nobody else.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public'
               AND p.proname IN ('inkan_acme_register', 'inkan_acme_update', 'inkan_acme_suspend', 'inkan_acme_bind',
                                 'inkan_submit_acme', 'inkan_submit_acme_revocation') LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO inkan_ra', f);
    END LOOP;
END
$$;

-- Every column but the HMAC key.
GRANT SELECT (id, account_ref, institution_id, officer_id, batch_id, line_no, subject_dn, server_profile, names,
              subscriber_name, subscriber_affiliation, subscriber_email, server_software, status, suspend_reason,
              suspend_comment, eab_kid, eab_key_sha256, eab_expires_at, eab_bound_at, created_at, updated_at)
    ON acme_registrations TO inkan_ra, inkan_ca;
GRANT SELECT, INSERT, DELETE ON acme_nonces TO inkan_ra;
GRANT SELECT ON acme_accounts, acme_orders, acme_order_states, acme_authorizations TO inkan_ra, inkan_ca;
GRANT UPDATE (jwk, thumbprint, status, contact, updated_at) ON acme_accounts TO inkan_ra;
-- Orders and authorizations come from inkan_acme_new_order (018) only; an
-- order is linked to its application by inkan_submit_acme only.
GRANT UPDATE (status, error, updated_at) ON acme_orders TO inkan_ra;

-- Every SECURITY DEFINER function searches pg_temp last, so a temporary table
-- of the caller can never stand in for one of ours (the functions of earlier
-- migrations included).
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prosecdef AND n.nspname = 'public' AND p.proname LIKE 'inkan\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END
$$;
