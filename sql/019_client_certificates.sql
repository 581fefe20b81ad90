-- inkan 019: client and S/MIME certificates (UPKI-FORMATS §3, §8, §9).
-- Officers upload 15-column files; the signer generates each key pair, signs
-- the certificate and seals the key at once in a PKCS#12 encrypted under the
-- access PIN (AES-256-CBC, PBKDF2-SHA256); no clear key is ever stored.  The
-- web role can read neither the PKCS#12 nor the PIN nor its verifier: it
-- reaches them only through the functions below, which hand out the PIN file
-- once, check a PIN with a try counter, and destroy each PKCS#12 as it is
-- handed out.
UPDATE profiles SET issuable = true WHERE id IN ('13', '14', '15', '16');
-- S/MIME: sponsor-validated multipurpose (a person affiliated with the institution, CN the person's name).
UPDATE profiles SET policy_oids_setting = 'smime_policy_oids' WHERE kind = 'smime';
UPDATE profiles SET policy_oids_setting = 'client_policy_oids' WHERE kind = 'client';

ALTER TABLE batches DROP CONSTRAINT batches_kind_check;
ALTER TABLE batches ADD CONSTRAINT batches_kind_check CHECK (kind IN ('server', 'acme', 'client'));

ALTER TABLE applications
    ADD COLUMN download_method       int CHECK (download_method IN (1, 2)),  -- 1 PKCS#12 per person, 2 one ZIP
    ADD COLUMN end_user_name         text,
    ADD COLUMN end_user_affiliation  text,
    ADD COLUMN end_user_email        text,
    ADD COLUMN pkcs12_name           text;

-- An officer's preset PIN (column 15) until the signer has used it; the web role cannot read it.
CREATE TABLE preset_pins (
    application_id  bigint PRIMARY KEY REFERENCES applications,
    pin             text NOT NULL
);

-- The subscriber's one-time link to the PINs of the certificates issued for
-- one upload (and, for download method 2, to all their PKCS#12 files).
CREATE TABLE pin_files (
    id                bigserial PRIMARY KEY,
    institution_id    bigint NOT NULL REFERENCES institutions,
    batch_id          bigint REFERENCES batches,
    subscriber_email  text NOT NULL,
    token_hash        bytea NOT NULL UNIQUE,
    expires_at        timestamptz NOT NULL,
    fetched_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pin_files_open ON pin_files (batch_id, subscriber_email) WHERE fetched_at IS NULL;

CREATE TABLE client_credentials (
    application_id    bigint PRIMARY KEY REFERENCES applications,
    certificate_id    bigint NOT NULL UNIQUE REFERENCES certificates,
    download_method   int NOT NULL CHECK (download_method IN (1, 2)),
    file_name         text NOT NULL,              -- without .p12
    pkcs12            bytea,                      -- encrypted under the PIN; NULL once handed out or purged
    pin               text,                       -- NULL once the PIN file was fetched
    pin_salt          bytea NOT NULL,
    pin_verifier      bytea NOT NULL,             -- sha256(pin_salt || pin)
    pin_file_id       bigint REFERENCES pin_files,
    token_hash        bytea UNIQUE,               -- the end user's link (method 1)
    token_expires_at  timestamptz,
    failed_attempts   int NOT NULL DEFAULT 0,
    collected_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_credentials_pin_file ON client_credentials (pin_file_id);

-- What a PIN-file link opens: how many certificates, how many of them wait in
-- a bulk ZIP, and whether the PINs were fetched.  Nothing for an unknown or
-- expired link.
CREATE FUNCTION inkan_pin_file_state(p_token bytea)
RETURNS TABLE (pin_file_id bigint, entries bigint, bulk_waiting bigint, fetched boolean, expires_at text)
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT f.id, (SELECT count(*) FROM client_credentials k WHERE k.pin_file_id = f.id),
           (SELECT count(*) FROM client_credentials k WHERE k.pin_file_id = f.id AND k.download_method = 2
                                                       AND k.pkcs12 IS NOT NULL),
           f.fetched_at IS NOT NULL, inkan_iso(f.expires_at)
    FROM pin_files f WHERE f.token_hash = p_token AND f.expires_at > now();
$$;

-- The PINs, once: the file is marked fetched and the clear PINs are erased.
CREATE FUNCTION inkan_fetch_pin_file(p_token bytea)
RETURNS TABLE (certificate_id bigint, end_user_name text, end_user_email text, pin text, subject_dn text,
               file_name text, download_method int)
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    f_id bigint;
BEGIN
    UPDATE pin_files f SET fetched_at = now()
    WHERE f.token_hash = p_token AND f.expires_at > now() AND f.fetched_at IS NULL
    RETURNING f.id INTO f_id;
    IF f_id IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT k.certificate_id, coalesce(a.end_user_name, ''), coalesce(a.end_user_email, ''), k.pin, c.subject_dn,
               k.file_name, k.download_method
        FROM client_credentials k JOIN applications a ON a.id = k.application_id
        JOIN certificates c ON c.id = k.certificate_id
        WHERE k.pin_file_id = f_id ORDER BY a.line_no, k.application_id;
    UPDATE client_credentials k SET pin = NULL WHERE k.pin_file_id = f_id;
END
$$;

-- What an end user's link opens: 'waiting' (the subscriber has not fetched the
-- PINs yet), 'ready', 'collected', 'locked' or 'revoked'; nothing for an
-- unknown or expired link.
CREATE FUNCTION inkan_credential_state(p_token bytea)
RETURNS TABLE (certificate_id bigint, state text, subject_dn text, serial text, file_name text, expires_at text)
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT k.certificate_id,
           CASE WHEN c.revoked_at IS NOT NULL THEN 'revoked'
                WHEN k.pkcs12 IS NULL THEN 'collected'
                WHEN k.failed_attempts >= coalesce((SELECT value::int FROM settings WHERE name = 'pickup_max_attempts'), 5)
                    THEN 'locked'
                WHEN f.fetched_at IS NULL THEN 'waiting'
                ELSE 'ready' END,
           c.subject_dn, c.serial, k.file_name, inkan_iso(k.token_expires_at)
    FROM client_credentials k JOIN certificates c ON c.id = k.certificate_id
    LEFT JOIN pin_files f ON f.id = k.pin_file_id
    WHERE k.token_hash = p_token AND k.token_expires_at > now() AND k.download_method = 1;
$$;

-- The end user's PKCS#12, handed out once for the right PIN and then
-- destroyed.  outcome: 'collected' (pkcs12 set), 'wrong', 'locked', 'waiting',
-- 'revoked' or 'refused' (unknown, expired or already collected).
CREATE FUNCTION inkan_collect_credential(p_token bytea, p_pin text)
RETURNS TABLE (outcome text, certificate_id bigint, pkcs12 bytea, file_name text, tries_left int)
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    k client_credentials%ROWTYPE;
    max_attempts int := coalesce((SELECT value::int FROM settings WHERE name = 'pickup_max_attempts'), 5);
    revoked boolean;
    fetched boolean;
BEGIN
    SELECT * INTO k FROM client_credentials c
    WHERE c.token_hash = p_token AND c.token_expires_at > now() AND c.download_method = 1 FOR UPDATE;
    IF NOT FOUND OR k.pkcs12 IS NULL THEN
        RETURN QUERY SELECT 'refused', NULL::bigint, NULL::bytea, NULL::text, 0;
        RETURN;
    END IF;
    SELECT c.revoked_at IS NOT NULL INTO revoked FROM certificates c WHERE c.id = k.certificate_id;
    SELECT f.fetched_at IS NOT NULL INTO fetched FROM pin_files f WHERE f.id = k.pin_file_id;
    IF revoked THEN
        RETURN QUERY SELECT 'revoked', k.certificate_id, NULL::bytea, NULL::text, 0;
    ELSIF k.failed_attempts >= max_attempts THEN
        RETURN QUERY SELECT 'locked', k.certificate_id, NULL::bytea, NULL::text, 0;
    ELSIF NOT coalesce(fetched, false) THEN
        RETURN QUERY SELECT 'waiting', k.certificate_id, NULL::bytea, NULL::text, max_attempts - k.failed_attempts;
    ELSIF sha256(k.pin_salt || convert_to(p_pin, 'UTF8')) = k.pin_verifier THEN
        UPDATE client_credentials c SET pkcs12 = NULL, pin = NULL, collected_at = now()
        WHERE c.application_id = k.application_id;
        RETURN QUERY SELECT 'collected', k.certificate_id, k.pkcs12, k.file_name, max_attempts - k.failed_attempts;
    ELSE
        UPDATE client_credentials c SET failed_attempts = c.failed_attempts + 1 WHERE c.application_id = k.application_id;
        RETURN QUERY SELECT CASE WHEN k.failed_attempts + 1 >= max_attempts THEN 'locked' ELSE 'wrong' END,
                            k.certificate_id, NULL::bytea, NULL::text, max_attempts - k.failed_attempts - 1;
    END IF;
END
$$;

-- Download method 2: every PKCS#12 of a PIN file not handed out yet, once the
-- PINs were fetched; each is destroyed as it is handed out.
CREATE FUNCTION inkan_collect_bulk(p_token bytea)
RETURNS TABLE (certificate_id bigint, file_name text, pkcs12 bytea)
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    f_id bigint;
BEGIN
    SELECT f.id INTO f_id FROM pin_files f
    WHERE f.token_hash = p_token AND f.expires_at > now() AND f.fetched_at IS NOT NULL FOR UPDATE;
    IF f_id IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH taken AS (
            SELECT k.application_id, k.certificate_id, k.file_name, k.pkcs12 FROM client_credentials k
            JOIN certificates c ON c.id = k.certificate_id
            WHERE k.pin_file_id = f_id AND k.download_method = 2 AND k.pkcs12 IS NOT NULL AND c.revoked_at IS NULL
            FOR UPDATE OF k
        ), erased AS (
            UPDATE client_credentials k SET pkcs12 = NULL, collected_at = now()
            FROM taken t WHERE k.application_id = t.application_id
        )
        SELECT t.certificate_id, t.file_name, t.pkcs12 FROM taken t ORDER BY t.application_id;
END
$$;

-- An upload line of a client or S/MIME file (the officer acts for their own
-- active institution; the signer re-checks the rest).
CREATE FUNCTION inkan_submit_client(
    p_operation text, p_kind text, p_institution bigint, p_officer bigint, p_batch bigint, p_line int,
    p_subject_dn text, p_profile text, p_download_method int, p_subscriber_name text, p_subscriber_affiliation text,
    p_subscriber_email text, p_end_user_name text, p_pkcs12_name text, p_end_user_affiliation text,
    p_end_user_email text, p_preset_pin text, p_old_certificate bigint, p_target_certificate bigint,
    p_revocation_reason int, p_revocation_comment text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM inkan_acting_officer(p_officer, p_institution);
    IF p_kind NOT IN ('client', 'smime') THEN
        RAISE EXCEPTION 'kind % is not client or smime', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = p_batch AND b.officer_id = p_officer) THEN
        RAISE EXCEPTION 'batch % is not officer %''s', p_batch, p_officer USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO applications (kind, operation, institution_id, officer_id, batch_id, line_no, subject_dn, profile,
                              download_method, subscriber_name, subscriber_affiliation, subscriber_email,
                              end_user_name, pkcs12_name, end_user_affiliation, end_user_email, old_certificate_id,
                              target_certificate_id, revocation_reason, revocation_comment)
    VALUES (p_kind, p_operation, p_institution, p_officer, p_batch, p_line, p_subject_dn, p_profile,
            p_download_method, p_subscriber_name, p_subscriber_affiliation, p_subscriber_email, p_end_user_name,
            p_pkcs12_name, p_end_user_affiliation, p_end_user_email, p_old_certificate, p_target_certificate,
            p_revocation_reason, p_revocation_comment)
    RETURNING applications.id INTO new_id;
    IF coalesce(p_preset_pin, '') <> '' THEN
        INSERT INTO preset_pins (application_id, pin) VALUES (new_id, p_preset_pin);
    END IF;
    RETURN new_id;
END
$$;

-- The mailer files a credential into the subscriber's open PIN file of its
-- upload, or into a new one (token p_file_token) when none is open; with
-- p_user_token it also sets the end user's link.  The open file is locked
-- first: a PIN-file fetch comes either after this filing (and hands out the
-- PIN) or before it (and a new file is made).  Returns the file, whether it is
-- new (then its link must be mailed), and its expiry for the mails.
CREATE FUNCTION inkan_file_credential(p_application bigint, p_file_token bytea, p_user_token bytea, p_days int)
RETURNS TABLE (pin_file_id bigint, created boolean, expires_at text)
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    a applications%ROWTYPE;
    f_id bigint;
    f_expires timestamptz;
    made boolean := false;
BEGIN
    SELECT * INTO a FROM applications ap WHERE ap.id = p_application;
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM client_credentials k
                                WHERE k.application_id = p_application AND k.pin_file_id IS NULL) THEN
        RAISE EXCEPTION 'application % has no credential waiting to be filed', p_application
            USING ERRCODE = 'no_data_found';
    END IF;
    SELECT f.id, f.expires_at INTO f_id, f_expires FROM pin_files f
    WHERE f.batch_id IS NOT DISTINCT FROM a.batch_id AND f.subscriber_email = a.subscriber_email
      AND f.fetched_at IS NULL AND f.expires_at > now()
    ORDER BY f.id DESC LIMIT 1 FOR UPDATE;
    IF f_id IS NULL THEN
        INSERT INTO pin_files (institution_id, batch_id, subscriber_email, token_hash, expires_at)
        VALUES (a.institution_id, a.batch_id, a.subscriber_email, p_file_token, now() + make_interval(days => p_days))
        RETURNING pin_files.id, pin_files.expires_at INTO f_id, f_expires;
        made := true;
    END IF;
    UPDATE client_credentials k SET pin_file_id = f_id, token_hash = p_user_token,
        token_expires_at = CASE WHEN p_user_token IS NULL THEN NULL ELSE f_expires END
    WHERE k.application_id = p_application;
    RETURN QUERY SELECT f_id, made, to_char(f_expires AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"');
END
$$;
REVOKE EXECUTE ON FUNCTION inkan_file_credential(bigint, bytea, bytea, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_file_credential(bigint, bytea, bytea, int) TO inkan_mail;
ALTER FUNCTION inkan_file_credential(bigint, bytea, bytea, int) SET search_path = pg_catalog, public, pg_temp;

-- Destroys the PKCS#12 and PIN of every credential whose link has expired,
-- that was never filed within the link time (its delivery failed), or whose
-- certificate was revoked (the mailer's housekeeping); returns how many.
CREATE FUNCTION inkan_purge_credentials() RETURNS bigint
LANGUAGE sql SECURITY DEFINER AS $$
    WITH purged AS (
        UPDATE client_credentials k SET pkcs12 = NULL, pin = NULL
        WHERE (k.pkcs12 IS NOT NULL OR k.pin IS NOT NULL)
          AND (coalesce(k.token_expires_at, (SELECT f.expires_at FROM pin_files f WHERE f.id = k.pin_file_id)) < now()
               OR (k.pin_file_id IS NULL AND k.created_at < now() - make_interval(
                       days => coalesce((SELECT value::int FROM settings WHERE name = 'download_link_days'), 30)))
               OR EXISTS (SELECT 1 FROM certificates c WHERE c.id = k.certificate_id AND c.revoked_at IS NOT NULL))
        RETURNING 1
    )
    SELECT count(*) FROM purged;
$$;
REVOKE EXECUTE ON FUNCTION inkan_purge_credentials() FROM PUBLIC;
ALTER FUNCTION inkan_purge_credentials() SET search_path = pg_catalog, public, pg_temp;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public'
               AND p.proname IN ('inkan_pin_file_state', 'inkan_fetch_pin_file', 'inkan_credential_state',
                                 'inkan_collect_credential', 'inkan_collect_bulk', 'inkan_submit_client') LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO inkan_ra', f);
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END
$$;

-- The signer stores what it made and uses up preset PINs.
GRANT SELECT, DELETE ON preset_pins TO inkan_ca;
GRANT SELECT, INSERT ON client_credentials TO inkan_ca;
-- The mailer files credentials into PIN files and mints the links (the
-- tokens are stored hashed) only through inkan_file_credential; it never
-- reads a PKCS#12 or a PIN.
GRANT SELECT (application_id, certificate_id, download_method, file_name, pin_file_id, token_expires_at, collected_at,
              created_at)
    ON client_credentials TO inkan_mail;
GRANT EXECUTE ON FUNCTION inkan_purge_credentials() TO inkan_mail;
-- The officer views read the delivery state, never the secrets.
GRANT SELECT (application_id, certificate_id, download_method, file_name, pin_file_id, token_expires_at,
              failed_attempts, collected_at, created_at)
    ON client_credentials TO inkan_ra;
GRANT SELECT (id, institution_id, batch_id, subscriber_email, expires_at, fetched_at, created_at) ON pin_files TO inkan_ra;

-- The S/MIME BRs put the institution's registration reference into
-- sponsor-validated certificates (subject:organizationIdentifier, e.g.
-- NTRJP-<the 13-digit corporate number>); the service desk records it.
ALTER TABLE institutions ADD COLUMN organization_identifier text
    CHECK (organization_identifier ~ '^(NTR|GOV|INT|LEI|VAT|PSD)[A-Z]{2}(\+[A-Z0-9]{1,3})?-[A-Za-z0-9.-]{1,64}$');

-- What officers list, look at, export (clientAll.tsv) and count: the client
-- and S/MIME applications with their certificates, in the columns of
-- server_inventory.  fqdn is the domain of the end user's mail (what grants
-- cover), dns_names holds the mail; status 5 means the PKCS#12 was collected.
CREATE VIEW client_inventory AS
SELECT a.id AS application_id, a.institution_id, a.officer_id, a.batch_id, a.line_no, a.operation, a.state,
       a.subject_dn, a.profile, lower(split_part(a.end_user_email, '@', 2)) AS fqdn, ARRAY[a.end_user_email] AS dns_names,
       a.subscriber_name, a.subscriber_affiliation, a.subscriber_email, ''::text AS server_software, NULL::bytea AS csr,
       a.error, a.created_at, a.updated_at,
       c.id AS certificate_id, c.serial, c.der, c.fingerprint_sha256, c.not_before, c.not_after,
       c.revoked_at, c.revocation_reason, c.replaced_by, c.created_at AS issued_at, old.serial AS old_serial,
       k.collected_at AS first_download, coalesce(k.token_expires_at, f.expires_at) AS url_expires_at,
       rv.id AS revocation_id, rv.created_at AS revocation_submitted, rv.updated_at AS revocation_completed,
       rv.officer_id AS revocation_officer_id, rv.revocation_comment, ro.email AS revocation_officer_email,
       CASE WHEN c.id IS NULL THEN NULL
            WHEN c.revoked_at IS NOT NULL THEN 7
            WHEN c.replaced_by IS NOT NULL THEN 6
            WHEN k.collected_at IS NOT NULL THEN 5
            ELSE 4 END AS status,
       a.kind, a.end_user_name, a.end_user_affiliation, a.end_user_email, a.pkcs12_name, a.download_method
FROM applications a
LEFT JOIN certificates c ON c.id = a.certificate_id
LEFT JOIN certificates old ON old.id = a.old_certificate_id
LEFT JOIN client_credentials k ON k.application_id = a.id
LEFT JOIN pin_files f ON f.id = k.pin_file_id
LEFT JOIN LATERAL (SELECT r.* FROM applications r WHERE r.target_certificate_id = c.id AND r.operation = 'revoke'
                   AND r.state IN ('queued', 'completed') ORDER BY r.id DESC LIMIT 1) rv ON true
LEFT JOIN officers ro ON ro.id = rv.officer_id
WHERE a.kind IN ('client', 'smime') AND a.operation IN ('issue', 'renew');

GRANT SELECT ON client_inventory TO inkan_ra, inkan_ca;

-- inkan's own S/MIME certificate, which the mailer signs every mail with (as
-- UPKI signs its mails): mailbox-validated multipurpose, from the client CA,
-- made by `inkanctl mail-signer issue`.  It belongs to no institution and no
-- application, and is revoked by the service desk.
ALTER TABLE certificates ALTER COLUMN institution_id DROP NOT NULL;
ALTER TABLE certificates ADD CONSTRAINT certificates_owner_check
    CHECK (institution_id IS NOT NULL OR profile = 'mail-signer');
INSERT INTO profiles (id, kind, name_ja, name_en, key_types, validity_days, validity_months, cabf_cap, issuing_ca,
                      extended_key_usage, policy_oids_setting, lint, tsv_schema, delivery, issuable, replaced_by)
VALUES ('mail-signer', 'smime', 'inkan メール署名', 'inkan mail signing', '{rsa-2048}', 396, NULL, 'smime', 'client',
        'emailProtection', 'mail_signer_policy_oids', 'smime', NULL, 'download-link', false, NULL);
-- When a CRL was made, on the database's clock like revoked_at: a CRL older
-- than a revocation (one the service desk made outside the signer) is due.
ALTER TABLE crls ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- Queued mails carry link tokens in clear until they are sent (their bodies
-- are scrubbed afterwards): only the mailer reads the outbox.  A web server
-- that could read it could fetch a PIN file before the subscriber.
REVOKE SELECT ON mail_outbox FROM inkan_ra, inkan_ca;
