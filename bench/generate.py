"""Fills an inkan database with issued server certificates for scale runs:

    /usr/bin/python3 bench/generate.py --db CONNINFO --institution ID --count 1000000 [--revoked-percent 5]

CONNINFO is the schema owner's (psql syntax).  Every row is a copy of one
certificate the institution really has (issue one first): an application and
its certificate with a host name, subject, serial and fingerprint of their
own, submitted over the last three years (validity 396 days from then), a
share of them revoked (keyCompromise).  The DER is the template's, so exports
and lists carry real sizes; the serials are new, so the CRL lists them.
Written in chunks, one transaction each, so progress shows and a stop keeps
what is done."""

import argparse
import subprocess
import sys
import time

# Columns a copy takes from the template unchanged; everything that names the
# host or the certificate is set per row below.
APPLICATION_COPIED = ("kind", "operation", "state", "institution_id", "officer_id", "profile",
                      "subscriber_name", "subscriber_affiliation", "subscriber_email", "server_software", "csr")
CERTIFICATE_COPIED = ("ca_id", "institution_id", "kind", "profile", "der")

CHUNK = """
BEGIN;
CREATE TEMP TABLE made ON COMMIT DROP AS
  SELECT g, 'g' || g || '.' || d.name AS host,
         now() - make_interval(secs => (g %% 1095) * 86400 + g %% 86400) AS submitted,
         md5('inkan-bench-' || g || '-' || random()) AS serial
  FROM generate_series(%(first)d, %(last)d) g, (SELECT name FROM domains WHERE institution_id = %(inst)d
                                                ORDER BY id LIMIT 1) d;
WITH apps AS (
  INSERT INTO applications ({app_cols}, fqdn, subject_dn, dns_names, created_at, updated_at)
  SELECT {app_vals}, m.host, regexp_replace(t.subject_dn, 'CN=[^,]*', 'CN=' || m.host), ARRAY[m.host],
         m.submitted, m.submitted
  FROM made m, applications t WHERE t.id = %(template_app)d
  RETURNING id, fqdn, subject_dn, created_at)
INSERT INTO certificates (application_id, {cert_cols}, serial, subject_dn, not_before, not_after,
                          fingerprint_sha256, revoked_at, revocation_reason, created_at)
SELECT a.id, {cert_vals}, m.serial, a.subject_dn, a.created_at, a.created_at + interval '396 days',
       sha256(convert_to(m.serial, 'UTF8')),
       CASE WHEN m.g %% 100 < %(revoked)d THEN a.created_at + interval '30 days' END,
       CASE WHEN m.g %% 100 < %(revoked)d THEN 1 END, a.created_at
FROM apps a JOIN made m ON m.host = a.fqdn, certificates t WHERE t.id = %(template_cert)d;
UPDATE applications a SET certificate_id = c.id FROM certificates c
  WHERE c.application_id = a.id AND a.certificate_id IS NULL AND a.institution_id = %(inst)d AND a.fqdn LIKE 'g%%';
COMMIT;
"""


def psql(db, sql):
    res = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    return res.stdout.strip()


def template(db, institution):
    row = psql(db, f"SELECT a.id, c.id FROM applications a JOIN certificates c ON c.id = a.certificate_id "
                   f"WHERE a.institution_id = {int(institution)} AND a.kind = 'server' AND c.revoked_at IS NULL "
                   f"ORDER BY a.id LIMIT 1")
    if not row:
        raise SystemExit("the institution has no issued server certificate to copy: issue one first")
    app, cert = row.split("|")
    return int(app), int(cert)


def generate(db, institution, count, revoked_percent=5, chunk=50_000, start=1, progress=True):
    """Adds `count` certificates; returns the seconds it took."""
    template_app, template_cert = template(db, institution)
    sql = CHUNK.format(app_cols=", ".join(APPLICATION_COPIED), app_vals=", ".join(f"t.{c}" for c in APPLICATION_COPIED),
                       cert_cols=", ".join(CERTIFICATE_COPIED), cert_vals=", ".join(f"t.{c}" for c in CERTIFICATE_COPIED))
    began = time.perf_counter()
    for first in range(start, start + count, chunk):
        last = min(first + chunk - 1, start + count - 1)
        res = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db], text=True, capture_output=True,
                             input=sql % {"first": first, "last": last, "inst": int(institution),
                                          "revoked": revoked_percent, "template_app": template_app,
                                          "template_cert": template_cert})
        if res.returncode != 0:
            raise RuntimeError(res.stderr)
        if progress:
            print(f"  {last - start + 1:,} of {count:,} certificates", file=sys.stderr)
    psql(db, "ANALYZE applications; ANALYZE certificates")
    return time.perf_counter() - began


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="the schema owner's conninfo")
    ap.add_argument("--institution", required=True, type=int)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--revoked-percent", type=int, default=5)
    args = ap.parse_args()
    seconds = generate(args.db, args.institution, args.count, args.revoked_percent)
    print(f"{args.count:,} certificates in {seconds:.0f} s")


if __name__ == "__main__":
    main()
