-- inkan 020: indexes for the lookups that every list, export, renewal check
-- and CRL makes.  Without them each row of the officer's certificate list
-- scanned the whole download_tokens and applications tables (bench: a 50-row
-- list at 50 clients took 2.1 s at p50 with 500 certificates).
CREATE INDEX download_tokens_certificate ON download_tokens (certificate_id);
CREATE INDEX applications_target_certificate ON applications (target_certificate_id)
    WHERE target_certificate_id IS NOT NULL;
CREATE INDEX applications_old_certificate ON applications (old_certificate_id) WHERE old_certificate_id IS NOT NULL;
CREATE INDEX applications_batch ON applications (batch_id, line_no) WHERE batch_id IS NOT NULL;
CREATE INDEX applications_institution ON applications (institution_id, id);
CREATE INDEX certificates_application ON certificates (application_id);
-- revoked_unexpired (the CRL) and cas_due_for_crl's newest revocation per CA.
CREATE INDEX certificates_revoked_by_ca ON certificates (ca_id, revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX deliveries_certificate ON deliveries (certificate_id);
