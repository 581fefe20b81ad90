-- inkan 021: one pre-signed OCSP response per certificate.
-- The signer now signs a single response with two SingleResponses, the
-- CertID hashed with SHA-1 and with SHA-256 (RFC 6960 §4.2.2.3), kept in
-- `der`; `der_sha256` stays only for rows signed before, until their next
-- refresh replaces them.  Halves the OCSP signatures per certificate.
ALTER TABLE ocsp_responses ADD COLUMN answers_sha256 boolean NOT NULL DEFAULT false;
