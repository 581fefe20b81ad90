-- inkan 014: for the officer console.
-- The console language, remembered per officer (NULL until the officer
-- chooses; the browser's Accept-Language decides until then).
ALTER TABLE officers ADD COLUMN language text CHECK (language IN ('ja', 'en'));

-- The web role may change this one column, nothing else of an officer.
GRANT UPDATE (language) ON officers TO inkan_ra;

-- Times in the API: ISO 8601 in UTC with a Z, one notation everywhere (the
-- console shows them in JST and UTC).
CREATE FUNCTION inkan_iso(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- A certificate's history on its detail page.
CREATE INDEX audit_log_object ON audit_log (object);
