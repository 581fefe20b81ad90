-- inkan 022: the officer's certificate list at a million certificates
-- (bench/scale.py).  Each filter gets an index to start from instead of a
-- walk over the institution's applications evaluating the inventory views:
-- a serial finds its certificate and from it the application; a host name
-- part (or, for client certificates, a part of the end user's mail, name or
-- DN) finds its rows through trigram indexes, which answer "contains"; a
-- state or a rare status (replaced, revoked) has an index of its own.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX applications_certificate ON applications (certificate_id) WHERE certificate_id IS NOT NULL;
CREATE INDEX applications_fqdn_trgm ON applications USING gin (fqdn gin_trgm_ops) WHERE kind = 'server';
CREATE INDEX applications_person_trgm ON applications USING gin (
    (lower(coalesce(end_user_email, '') || ' ' || coalesce(end_user_name, '') || ' ' || subject_dn)) gin_trgm_ops)
    WHERE kind IN ('client', 'smime');
CREATE INDEX applications_state ON applications (institution_id, state, id);
CREATE INDEX certificates_replaced ON certificates (id) WHERE replaced_by IS NOT NULL;
