-- inkan 018: an institution may demand that ACME clients also prove control
-- of each name with http-01 and/or dns-01 (RFC 8555 §8) on top of the
-- officer's registration.  The mailer process (no CA key) validates; the web
-- role can only ask for a validation, never record its outcome, and the
-- signer re-checks that every name of an order was validated before it signs.
-- Failed validations are counted per registration: too many in a day (JST)
-- block new orders until the next day.
ALTER TABLE institutions ADD COLUMN acme_challenges text[] NOT NULL DEFAULT '{}'
    CHECK (acme_challenges <@ ARRAY['http-01', 'dns-01']);

CREATE TABLE acme_challenges (
    id                bigserial PRIMARY KEY,
    authorization_id  bigint NOT NULL REFERENCES acme_authorizations,
    type              text NOT NULL CHECK (type IN ('http-01', 'dns-01')),
    token             text NOT NULL UNIQUE
                      DEFAULT translate(rtrim(encode(gen_random_bytes(32), 'base64'), '='), '+/', '-_'),
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'valid', 'invalid')),
    error             text,
    validating_since  timestamptz,                  -- the validator's lease while it fetches
    validated_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acme_challenges_authorization ON acme_challenges (authorization_id);
CREATE INDEX acme_challenges_to_validate ON acme_challenges (id) WHERE status = 'processing';

CREATE TABLE acme_validation_failures (
    id               bigserial PRIMARY KEY,
    registration_id  bigint NOT NULL REFERENCES acme_registrations,
    challenge_id     bigint NOT NULL REFERENCES acme_challenges,
    at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acme_validation_failures_recent ON acme_validation_failures (registration_id, at);

-- Failed validations of a registration since midnight JST.
CREATE FUNCTION inkan_acme_failures_today(p_registration bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM acme_validation_failures
    WHERE registration_id = p_registration
      AND at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo');
$$;

-- newOrder: the order, its authorizations (valid at once for registered
-- names, pending when the institution demands challenges) and the challenges
-- with tokens made here.  Only this function creates them, so the web role
-- can neither pick a token nor mark anything valid or ready.
CREATE FUNCTION inkan_acme_new_order(p_account bigint, p_names text[], p_seconds int, p_replaces text,
                                     p_replaces_certificate bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r acme_registrations%ROWTYPE;
    demanded text[];
    new_id bigint;
BEGIN
    SELECT reg.* INTO r FROM acme_registrations reg JOIN acme_accounts a ON a.registration_id = reg.id
    WHERE a.id = p_account AND a.status = 'valid' AND reg.status = 'active';
    IF NOT FOUND OR cardinality(p_names) = 0 OR NOT p_names <@ r.names OR NOT r.names[1] = ANY(p_names) THEN
        RAISE EXCEPTION 'account % may not order %', p_account, p_names USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_replaces_certificate IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM certificates c JOIN applications ap ON ap.id = c.application_id
        WHERE c.id = p_replaces_certificate AND c.kind = 'acme' AND ap.acme_registration_id = r.id) THEN
        RAISE EXCEPTION 'certificate % is not of this registration', p_replaces_certificate
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT acme_challenges INTO demanded FROM institutions WHERE id = r.institution_id;
    INSERT INTO acme_orders (account_id, names, status, expires_at, replaces, replaces_certificate_id)
    VALUES (p_account, p_names, CASE WHEN cardinality(demanded) = 0 THEN 'ready' ELSE 'pending' END,
            now() + make_interval(secs => p_seconds), p_replaces, p_replaces_certificate)
    RETURNING id INTO new_id;
    WITH z AS (INSERT INTO acme_authorizations (order_id, name, status, expires_at)
               SELECT new_id, n, CASE WHEN cardinality(demanded) = 0 THEN 'valid' ELSE 'pending' END,
                      now() + make_interval(secs => p_seconds)
               FROM unnest(p_names) WITH ORDINALITY AS u(n, i) ORDER BY i RETURNING id)
    INSERT INTO acme_challenges (authorization_id, type) SELECT z.id, t FROM z, unnest(demanded) AS t;
    RETURN new_id;
END
$$;

-- A client asks for a pending challenge to be validated: one challenge of an
-- authorization at a time, only while the authorization is pending and alive
-- (invalid is final, RFC 8555 §7.1.6).
CREATE FUNCTION inkan_acme_respond(p_challenge bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    ch acme_challenges%ROWTYPE;
BEGIN
    SELECT c.* INTO ch FROM acme_challenges c WHERE c.id = p_challenge;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- The authorization's lock orders two answers to its two challenges.
    PERFORM 1 FROM acme_authorizations z WHERE z.id = ch.authorization_id AND z.status = 'pending'
        AND z.expires_at > now() FOR UPDATE;
    IF FOUND AND ch.status = 'pending' AND NOT EXISTS (
        SELECT 1 FROM acme_challenges other WHERE other.authorization_id = ch.authorization_id
        AND other.id <> ch.id AND other.status IN ('processing', 'valid')) THEN
        UPDATE acme_challenges SET status = 'processing', updated_at = now() WHERE id = ch.id;
        PERFORM pg_notify('inkan_work', 'challenge');
        RETURN 'processing';
    END IF;
    RETURN ch.status;
END
$$;

REVOKE EXECUTE ON FUNCTION inkan_acme_respond(bigint), inkan_acme_new_order(bigint, text[], int, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_acme_respond(bigint), inkan_acme_new_order(bigint, text[], int, text, bigint) TO inkan_ra;
GRANT EXECUTE ON FUNCTION inkan_acme_failures_today(bigint) TO inkan_ra, inkan_ca, inkan_mail;
GRANT SELECT ON acme_challenges, acme_validation_failures TO inkan_ra, inkan_ca;
-- The validator (the mailer process) reads what it validates and records the outcome.
GRANT SELECT ON acme_challenges, acme_authorizations, acme_orders, acme_accounts, acme_validation_failures
    TO inkan_mail;
GRANT SELECT (id, institution_id, names) ON acme_registrations TO inkan_mail;
GRANT UPDATE (status, error, validating_since, validated_at, updated_at) ON acme_challenges TO inkan_mail;
GRANT UPDATE (status, error) ON acme_authorizations TO inkan_mail;
GRANT INSERT ON acme_validation_failures TO inkan_mail;
GRANT USAGE ON SEQUENCE acme_validation_failures_id_seq TO inkan_mail;
