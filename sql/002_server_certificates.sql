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

-- One row per server issue/renew application with its certificate and UPKI
-- status: 4 awaiting download, 5 downloaded, 6 renewed, 7 revoked.
CREATE VIEW server_inventory AS
SELECT a.id AS application_id, a.institution_id, a.officer_id, a.batch_id, a.line_no, a.operation, a.state,
       a.subject_dn, a.profile, a.fqdn, a.dns_names, a.subscriber_name, a.subscriber_affiliation,
       a.subscriber_email, a.server_software, a.csr, a.error, a.created_at, a.updated_at,
       c.id AS certificate_id, c.serial, c.der, c.fingerprint_sha256, c.not_before, c.not_after,
       c.revoked_at, c.revocation_reason, c.replaced_by, c.created_at AS issued_at, old.serial AS old_serial,
       t.first_download, t.url_expires_at,
       rv.id AS revocation_id, rv.created_at AS revocation_submitted, rv.updated_at AS revocation_completed,
       rv.officer_id AS revocation_officer_id, rv.revocation_comment, ro.email AS revocation_officer_email,
       CASE WHEN c.id IS NULL THEN NULL
            WHEN c.revoked_at IS NOT NULL THEN 7
            WHEN c.replaced_by IS NOT NULL THEN 6
            WHEN t.first_download IS NOT NULL THEN 5
            ELSE 4 END AS status
FROM applications a
LEFT JOIN certificates c ON c.id = a.certificate_id
LEFT JOIN certificates old ON old.id = a.old_certificate_id
LEFT JOIN LATERAL (SELECT min(first_download) AS first_download, max(expires_at) AS url_expires_at
                   FROM download_tokens WHERE certificate_id = c.id) t ON true
LEFT JOIN LATERAL (SELECT r.* FROM applications r WHERE r.target_certificate_id = c.id AND r.operation = 'revoke'
                   AND r.state IN ('queued', 'completed') ORDER BY r.id DESC LIMIT 1) rv ON true
LEFT JOIN officers ro ON ro.id = rv.officer_id
WHERE a.kind = 'server' AND a.operation IN ('issue', 'renew');

GRANT SELECT ON server_inventory TO inkan_ra, inkan_ca;
