-- inkan 015: every change to the signed status documents (pre-signed OCSP
-- responses, CRLs) is announced on channel inkan_status, after commit, so
-- that the web servers' in-memory copies (core/src/status/cache.hpp) are
-- dropped before anyone could be served an answer older than a revocation.
CREATE FUNCTION inkan_status_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inkan_status', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER ocsp_responses_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ocsp_responses
    FOR EACH STATEMENT EXECUTE FUNCTION inkan_status_changed();
CREATE TRIGGER crls_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON crls
    FOR EACH STATEMENT EXECUTE FUNCTION inkan_status_changed();
