-- inkan 003: OCSP responses for SHA-256 CertIDs.
-- Clients match a response's CertID to the one they sent, hashed with the
-- same algorithm, so each certificate has a pre-signed response per hash.
-- Rows from before this migration get theirs at the next status refresh.
ALTER TABLE ocsp_responses ADD COLUMN der_sha256 bytea;
