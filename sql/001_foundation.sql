-- inkan 001: institutions, officers, CAs, applications, certificates,
-- sessions, mail outbox, settings, and the hash-chained audit log.
-- Roles: inkan_ra (web servers) and inkan_ca (worker, holds the CA keys).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'inkan_ra') THEN
        CREATE ROLE inkan_ra LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'inkan_ca') THEN
        CREATE ROLE inkan_ca LOGIN;
    END IF;
END
$$;

CREATE TABLE settings (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE institutions (
    id          bigserial PRIMARY KEY,
    name_en     text NOT NULL UNIQUE,          -- the O value
    name_ja     text,
    st          text NOT NULL,
    l           text NOT NULL,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE domains (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions,
    name            text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE officers (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions,
    name            text NOT NULL,
    email           text NOT NULL,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (institution_id, email)
);

CREATE TABLE grants (
    id          bigserial PRIMARY KEY,
    officer_id  bigint NOT NULL REFERENCES officers,
    domain_id   bigint NOT NULL REFERENCES domains,
    subtree     text,                           -- NULL: the whole domain
    kinds       text[] NOT NULL,                -- server, client, smime, acme
    actions     text[] NOT NULL,                -- issue, renew, revoke, export, stats, allowlist, subscriber
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX grants_scope ON grants (officer_id, domain_id, coalesce(subtree, ''));

-- CA certificates are public; their keys live only in the worker's key directory.
CREATE TABLE cas (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('root', 'officer', 'server-rsa', 'server-ecc', 'client')),
    parent_id   int REFERENCES cas,
    cert_pem    text NOT NULL,
    key_ref     text NOT NULL,                  -- file name inside the worker's key directory
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cas_active_role ON cas (role) WHERE active;

CREATE TABLE officer_pickups (
    id               bigserial PRIMARY KEY,
    officer_id       bigint NOT NULL REFERENCES officers,
    token_hash       bytea NOT NULL UNIQUE,     -- SHA-256 of the link token
    pin_hash         text NOT NULL,             -- PBKDF2 of the access PIN
    failed_attempts  int NOT NULL DEFAULT 0,
    state            text NOT NULL DEFAULT 'open'
                     CHECK (state IN ('open', 'issuing', 'locked', 'completed', 'superseded')),
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One request for a certificate (a TSV line, an API call, an officer pickup).
CREATE TABLE applications (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('officer', 'server', 'client', 'smime')),
    operation       text NOT NULL CHECK (operation IN ('issue', 'renew', 'revoke')),
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'issued', 'failed', 'cancelled')),
    institution_id  bigint NOT NULL REFERENCES institutions,
    officer_id      bigint REFERENCES officers,
    public_key      bytea,                      -- SubjectPublicKeyInfo DER
    certificate_id  bigint,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_queued ON applications (id) WHERE state = 'queued';

CREATE TABLE certificates (
    id                  bigserial PRIMARY KEY,
    application_id      bigint REFERENCES applications,
    ca_id               int NOT NULL REFERENCES cas,
    kind                text NOT NULL,
    serial              text NOT NULL UNIQUE,   -- lowercase hex
    subject_dn          text NOT NULL,
    not_before          timestamptz NOT NULL,
    not_after           timestamptz NOT NULL,
    fingerprint_sha256  bytea NOT NULL UNIQUE,
    der                 bytea NOT NULL,
    institution_id      bigint NOT NULL REFERENCES institutions,
    officer_id          bigint REFERENCES officers,
    revoked_at          timestamptz,
    revocation_reason   int,
    created_at          timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE applications ADD FOREIGN KEY (certificate_id) REFERENCES certificates;

-- An officer session: consecutive requests with one certificate.
CREATE TABLE officer_sessions (
    id              bigserial PRIMARY KEY,
    officer_id      bigint NOT NULL REFERENCES officers,
    certificate_id  bigint NOT NULL REFERENCES certificates,
    csrf_token      text NOT NULL,
    peer            text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    end_reason      text CHECK (end_reason IN ('logout', 'expired'))
);
CREATE UNIQUE INDEX officer_sessions_open ON officer_sessions (certificate_id) WHERE ended_at IS NULL;

CREATE TABLE mail_outbox (
    id               bigserial PRIMARY KEY,
    recipients       text[] NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL,
    kind             text NOT NULL,
    state            text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX mail_outbox_queued ON mail_outbox (next_attempt_at) WHERE state = 'queued';

-- Audit log.  Each row commits to the previous one:
--   hash = sha256(prev_hash || convert_to(canonical text, 'UTF8'))
-- where the canonical text is seq, at (UTC, microseconds), actor, action,
-- object and detail::text joined by newlines (core/src/audit/audit.cpp
-- recomputes it).  audit_head holds the newest link, so removing the newest
-- rows is detected too.  The trigger runs as the table owner; writers only
-- need INSERT.
CREATE TABLE audit_log (
    seq        bigint PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    action     text NOT NULL,
    object     text NOT NULL,
    detail     jsonb NOT NULL DEFAULT '{}',
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL
);

CREATE TABLE audit_head (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq   bigint NOT NULL,
    hash  bytea NOT NULL
);
INSERT INTO audit_head VALUES (true, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head record;
BEGIN
    -- The row lock serializes writers, so the chain never forks.
    SELECT seq, hash INTO head FROM audit_head WHERE id FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.at := clock_timestamp();
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || convert_to(concat_ws(E'\n',
        NEW.seq::text,
        to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        NEW.actor, NEW.action, NEW.object, NEW.detail::text), 'UTF8'));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain();

-- Grants.  The web servers record and read; the worker signs and delivers.
GRANT USAGE ON SCHEMA public TO inkan_ra, inkan_ca;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO inkan_ra, inkan_ca;
REVOKE SELECT ON audit_head FROM inkan_ra, inkan_ca;

GRANT INSERT, UPDATE ON officer_pickups, applications, officer_sessions TO inkan_ra;
GRANT INSERT ON mail_outbox, audit_log TO inkan_ra;
GRANT USAGE ON SEQUENCE applications_id_seq, officer_sessions_id_seq, mail_outbox_id_seq TO inkan_ra;

GRANT UPDATE ON applications, mail_outbox, officer_sessions TO inkan_ca;
GRANT INSERT, UPDATE ON certificates TO inkan_ca;
GRANT INSERT ON mail_outbox, audit_log TO inkan_ca;
GRANT USAGE ON SEQUENCE certificates_id_seq, mail_outbox_id_seq TO inkan_ca;
