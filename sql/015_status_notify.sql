-- inkan 015: every change to a signed status document that a web server may
-- hold in memory (core/src/status/cache.hpp) is announced on channel
-- inkan_status after commit, naming what changed: 'ocsp:<serial>' when a
-- certificate's pre-signed responses are replaced (a revocation, a refresh),
-- 'crl:<CA id>' when a CA gets a new CRL, 'all' otherwise.  A first OCSP
-- response needs no announcement: nothing can be cached before it exists.
CREATE FUNCTION inkan_ocsp_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inkan_status', 'ocsp:' || OLD.serial);
    RETURN NULL;
END $$;

CREATE FUNCTION inkan_crl_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inkan_status', 'crl:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.ca_id ELSE NEW.ca_id END);
    RETURN NULL;
END $$;

CREATE FUNCTION inkan_status_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inkan_status', 'all');
    RETURN NULL;
END $$;

CREATE TRIGGER ocsp_responses_changed AFTER UPDATE OR DELETE ON ocsp_responses
    FOR EACH ROW EXECUTE FUNCTION inkan_ocsp_changed();
CREATE TRIGGER crls_changed AFTER INSERT OR UPDATE OR DELETE ON crls
    FOR EACH ROW EXECUTE FUNCTION inkan_crl_changed();
CREATE TRIGGER ocsp_responses_truncated AFTER TRUNCATE ON ocsp_responses
    FOR EACH STATEMENT EXECUTE FUNCTION inkan_status_truncated();
CREATE TRIGGER crls_truncated AFTER TRUNCATE ON crls
    FOR EACH STATEMENT EXECUTE FUNCTION inkan_status_truncated();
