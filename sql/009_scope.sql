-- inkan 009: one scope predicate for SQL, the same rule as policy::within in
-- the core: a name lies within a domain when it is the domain or ends with
-- "." followed by it (label boundaries; no LIKE wildcards).
CREATE FUNCTION inkan_within(name text, domain text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN name = domain OR right(name, length(domain) + 1) = '.' || domain;

GRANT EXECUTE ON FUNCTION inkan_within(text, text) TO inkan_ra, inkan_ca, inkan_mail;
