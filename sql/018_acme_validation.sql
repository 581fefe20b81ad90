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
    token             text NOT NULL,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'valid', 'invalid')),
    error             text,
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

-- A client asks for a pending challenge to be validated.
CREATE FUNCTION inkan_acme_respond(p_challenge bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    current text;
BEGIN
    UPDATE acme_challenges SET status = 'processing', updated_at = now()
    WHERE id = p_challenge AND status = 'pending'
      AND NOT EXISTS (SELECT 1 FROM acme_challenges other WHERE other.authorization_id = acme_challenges.authorization_id
                      AND other.id <> acme_challenges.id AND other.status IN ('processing', 'valid'))
    RETURNING status INTO current;
    IF current IS NULL THEN
        SELECT status INTO current FROM acme_challenges WHERE id = p_challenge;
    ELSE
        PERFORM pg_notify('inkan_work', 'challenge');
    END IF;
    RETURN current;
END
$$;

REVOKE EXECUTE ON FUNCTION inkan_acme_respond(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION inkan_acme_respond(bigint) TO inkan_ra;
GRANT EXECUTE ON FUNCTION inkan_acme_failures_today(bigint) TO inkan_ra, inkan_ca, inkan_mail;
GRANT SELECT ON acme_challenges, acme_validation_failures TO inkan_ra, inkan_ca;
-- A new challenge is pending; only inkan_acme_respond and the validator move it on.
GRANT INSERT (authorization_id, type, token) ON acme_challenges TO inkan_ra;
GRANT USAGE ON SEQUENCE acme_challenges_id_seq TO inkan_ra;
-- The validator (the mailer process) reads what it validates and records the outcome.
GRANT SELECT ON acme_challenges, acme_authorizations, acme_orders, acme_accounts, acme_validation_failures
    TO inkan_mail;
GRANT SELECT (id, institution_id, names) ON acme_registrations TO inkan_mail;
GRANT UPDATE (status, error, validated_at, updated_at) ON acme_challenges TO inkan_mail;
GRANT UPDATE (status) ON acme_authorizations TO inkan_mail;
GRANT INSERT ON acme_validation_failures TO inkan_mail;
GRANT USAGE ON SEQUENCE acme_validation_failures_id_seq TO inkan_mail;
