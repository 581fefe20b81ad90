-- inkan 002: UPKI server-certificate applications from TSV batches,
-- download links, revocation, CRLs, pre-signed OCSP, OU allow lists.

-- An uploaded application file, kept verbatim.
CREATE TABLE batches (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions,
    officer_id      bigint NOT NULL REFERENCES officers,
    kind            text NOT NULL CHECK (kind IN ('server')),
    apply_type      int NOT NULL CHECK (apply_type IN (1, 2, 3)),   -- issue, renew, revoke
    abort_on_error  boolean NOT NULL,
    file_name       text NOT NULL,
    content         bytea NOT NULL,
    sha256          bytea NOT NULL,
    encoding        text NOT NULL,
    lines           int NOT NULL,
    accepted        int NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE applications
    ADD COLUMN batch_id                bigint REFERENCES batches,
    ADD COLUMN line_no                 int,
    ADD COLUMN subject_dn              text,
    ADD COLUMN profile                 text,
    ADD COLUMN csr                     bytea,
    ADD COLUMN dns_names               text[],
    ADD COLUMN subscriber_name         text,
    ADD COLUMN subscriber_affiliation  text,
    ADD COLUMN subscriber_email        text,
    ADD COLUMN fqdn                    text,
    ADD COLUMN server_software         text,
    ADD COLUMN old_certificate_id      bigint REFERENCES certificates,
    ADD COLUMN revocation_reason       int,
    ADD COLUMN revocation_comment      text,
    ADD COLUMN target_certificate_id   bigint REFERENCES certificates;

ALTER TABLE applications DROP CONSTRAINT applications_state_check;
ALTER TABLE applications ADD CONSTRAINT applications_state_check
    CHECK (state IN ('queued', 'issued', 'completed', 'failed', 'cancelled'));  -- completed: a revocation done

ALTER TABLE certificates
    ADD COLUMN profile              text,
    ADD COLUMN replaced_by          bigint REFERENCES certificates,
    ADD COLUMN renewal_reminder_at  timestamptz;
CREATE INDEX certificates_subject ON certificates (institution_id, subject_dn);

-- Links mailed to subscribers; only the SHA-256 of the token is stored.
CREATE TABLE download_tokens (
    id              bigserial PRIMARY KEY,
    certificate_id  bigint NOT NULL REFERENCES certificates,
    token_hash      bytea NOT NULL UNIQUE,
    expires_at      timestamptz NOT NULL,
    downloads       int NOT NULL DEFAULT 0,
    first_download  timestamptz,                -- set: status 5 (issued and fetched)
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crls (
    id           bigserial PRIMARY KEY,
    ca_id        int NOT NULL REFERENCES cas,
    number       bigint NOT NULL,
    this_update  timestamptz NOT NULL,
    next_update  timestamptz NOT NULL,
    der          bytea NOT NULL,
    UNIQUE (ca_id, number)
);

-- One pre-signed response per certificate, replaced when it changes or ages.
CREATE TABLE ocsp_responses (
    certificate_id  bigint PRIMARY KEY REFERENCES certificates,
    ca_id           int NOT NULL REFERENCES cas,
    serial          text NOT NULL UNIQUE,
    this_update     timestamptz NOT NULL,
    next_update     timestamptz NOT NULL,
    der             bytea NOT NULL
);

CREATE TABLE ou_allowlist (
    id         bigserial PRIMARY KEY,
    domain_id  bigint NOT NULL REFERENCES domains,
    ou         text NOT NULL,
    UNIQUE (domain_id, ou)
);

-- Mails that carry a secret link lose their body once delivered.
ALTER TABLE mail_outbox ADD COLUMN secret boolean NOT NULL DEFAULT false;

GRANT SELECT ON batches, download_tokens, crls, ocsp_responses, ou_allowlist TO inkan_ra, inkan_ca;
GRANT INSERT ON batches TO inkan_ra;
GRANT USAGE ON SEQUENCE batches_id_seq TO inkan_ra;
-- Downloads are counted by the RA; the token itself is created by the worker.
GRANT UPDATE (downloads, first_download) ON download_tokens TO inkan_ra;

GRANT INSERT ON download_tokens, crls TO inkan_ca;
GRANT INSERT, UPDATE ON ocsp_responses TO inkan_ca;
GRANT USAGE ON SEQUENCE download_tokens_id_seq, crls_id_seq TO inkan_ca;
