"""The parts behind the web servers: PostgreSQL grants, the audit chain, the
worker (concurrency, SIGTERM, mail retries) and inkanctl's validation."""

import subprocess
import time

import pytest
from upki import dn, issue_line, openssl_csr, tsv


@pytest.mark.parametrize("sql", [
    "INSERT INTO certificates (ca_id, kind, serial, subject_dn, not_before, not_after, fingerprint_sha256, der, "
    "institution_id) VALUES (1, 'server', 'ab', 'CN=x', now(), now(), '\\x00', '\\x00', 1)",
    "UPDATE certificates SET revoked_at = now()",
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "UPDATE audit_head SET seq = 0",
    "INSERT INTO cas (name, role, cert_pem, key_ref) VALUES ('evil', 'root', 'x', 'x')",
    "UPDATE institutions SET status = 'active'",
])
def test_ra_role_cannot_forge(local, sql):
    res = local.psql(sql, user="inkan_ra", check=False)
    assert res.returncode != 0 and "permission denied" in res.stderr, res.stderr


def test_ra_role_can_do_its_job(local):
    # Appending audit entries is allowed; the trigger fills in the chain.
    local.psql("INSERT INTO audit_log (actor, action, object) VALUES ('test', 'test.ra_append', 'x')", user="inkan_ra")
    assert local.psql("SELECT count(*) FROM audit_log WHERE action = 'test.ra_append'") == "1"


def test_ca_role_cannot_rewrite_audit(local):
    res = local.psql("DELETE FROM audit_log", user="inkan_ca", check=False)
    assert res.returncode != 0 and "permission denied" in res.stderr


@pytest.fixture
def scratch_db(local):
    """A separate database so that tampering cannot disturb other tests."""
    name = "inkan_audit_scratch"
    local.psql(f"DROP DATABASE IF EXISTS {name}", dbname="postgres")
    local.psql(f"CREATE DATABASE {name}", dbname="postgres")
    db = local.conninfo(local.pg_user, name)
    local.inkanctl("migrate", db=db)
    yield db, name
    local.psql(f"DROP DATABASE {name}", dbname="postgres")


def verify(local, db):
    res = local.inkanctl("audit", "verify", db=db, check=False)
    import json
    return res.returncode, json.loads(res.stdout)


def test_audit_chain_detects_edit_and_deletion(local, scratch_db):
    db, name = scratch_db
    for i in range(5):
        local.inkanctl("institution", "add", "--name-en", f"Audit Univ {i}", "--st", "Kyoto", "--l", "Sakyo-ku", db=db)
    rc, ok = verify(local, db)
    assert rc == 0 and ok == {"ok": True, "rows": 5}

    sql = lambda q: local.psql(q, dbname=name)  # noqa: E731
    sql("UPDATE audit_log SET detail = '{\"name_en\": \"Forged\"}' WHERE seq = 3")
    rc, bad = verify(local, db)
    assert rc == 1 and bad["first_broken_seq"] == 3 and "changed" in bad["reason"]

    # Deleting the edited row instead is caught as a gap at the same place.
    sql("DELETE FROM audit_log WHERE seq = 3")
    rc, bad = verify(local, db)
    assert rc == 1 and bad["first_broken_seq"] == 3 and "missing" in bad["reason"]


def test_audit_chain_detects_removed_newest_rows(local, scratch_db):
    db, name = scratch_db
    for i in range(3):
        local.inkanctl("institution", "add", "--name-en", f"Tail Univ {i}", "--st", "Kyoto", "--l", "Sakyo-ku", db=db)
    local.psql("DELETE FROM audit_log WHERE seq = 3", dbname=name)
    rc, bad = verify(local, db)
    assert rc == 1 and "newest rows were removed" in bad["reason"]


def test_two_workers_never_sign_one_application_twice(local, world, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    # Officer renewals: the worker signs them for an officer inside the renewal window.
    world.pickup("nginx", off, tmp_path)
    local.psql(f"UPDATE certificates SET not_after = now() + interval '10 days' WHERE officer_id = {off['officer_id']}")
    keys = []
    for i in range(24):
        key = tmp_path / f"k{i}.pem"
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
                       check=True, capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"], check=True,
                             capture_output=True).stdout
        keys.append(der.hex())
    values = ",".join(f"('officer', 'renew', {inst['id']}, {off['officer_id']}, '\\x{k}')" for k in keys)
    local.start_worker("worker2")
    try:
        ids = local.psql(f"INSERT INTO applications (kind, operation, institution_id, officer_id, public_key) "
                         f"VALUES {values} RETURNING id").split()
        local.psql("NOTIFY inkan_work")
        deadline = time.time() + 60
        id_list = ",".join(ids)
        while time.time() < deadline:
            if local.psql(f"SELECT count(*) FROM applications WHERE id IN ({id_list}) AND state = 'queued'") == "0":
                break
            time.sleep(0.2)
        assert local.psql(f"SELECT count(*) FROM applications WHERE id IN ({id_list}) AND state = 'issued'") == "24"
        assert local.psql(f"SELECT count(*), count(DISTINCT application_id) FROM certificates "
                          f"WHERE application_id IN ({id_list})") == "24|24"
        signers = local.psql(f"SELECT count(DISTINCT actor) FROM audit_log WHERE action = 'certificate.issued' "
                             f"AND (detail->>'application_id')::bigint IN ({id_list})")
        assert signers in ("1", "2")
    finally:
        assert local.stop_worker("worker2") == 0


def test_a_row_the_database_refuses_fails_alone(local, world, tmp_path):
    """The signer records a whole batch in one statement; when the database refuses it, the signer
    records the applications one by one, so only the one whose row is refused fails, and the
    others are issued with their OCSP response and hand-over."""
    officer = world.logged_in("nginx", tmp_path)
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    lines = []
    for name in ("rec-a", "rec-refused", "rec-b"):
        host = f"{name}.{domain}"
        csr, _, _ = openssl_csr(tmp_path, host, o, l, st, name=name)
        lines.append(issue_line(dn(host, o, l, st), csr, host, f"admin@{domain}"))
    local.stop_worker()
    try:
        reply = world.upload(officer, tsv(lines))
        assert reply.status == 200 and reply.json["accepted"] == 3, reply.text
        local.psql("ALTER TABLE certificates ADD CONSTRAINT test_refuses_one "
                   "CHECK (subject_dn NOT LIKE '%rec-refused%') NOT VALID")
        local.start_worker()
        result = world.wait_for_batch(reply.json["batch_id"])
    finally:
        local.psql("ALTER TABLE certificates DROP CONSTRAINT IF EXISTS test_refuses_one")
        if "worker" not in local.procs:
            local.start_worker()
    assert [result[n][0] for n in (1, 2, 3)] == ["issued", "failed", "issued"], result
    assert "test_refuses_one" in result[2][2] and result[2][1] == ""
    batch = reply.json["batch_id"]
    assert local.psql(f"SELECT count(*), count(o.certificate_id), count(d.id) FROM applications a "
                      f"JOIN certificates c ON c.id = a.certificate_id "
                      f"LEFT JOIN ocsp_responses o ON o.certificate_id = c.id "
                      f"LEFT JOIN deliveries d ON d.certificate_id = c.id WHERE a.batch_id = {batch}") == "2|2|2"
    assert local.psql(f"SELECT count(*) FROM audit_log WHERE action = 'application.failed' "
                      f"AND object = 'application:' || (SELECT id FROM applications "
                      f"WHERE batch_id = {batch} AND line_no = 2)") == "1"


def test_worker_stops_cleanly_on_sigterm(local):
    proc = local.start_worker("worker3")
    time.sleep(0.5)
    started = time.time()
    assert local.stop_worker("worker3") == 0
    assert time.time() - started < 5
    assert proc.returncode == 0


def test_mail_survives_smtp_outage(local, world):
    inst = world.institution()
    local.stop_smtp()
    try:
        off = world.officer(inst)
        deadline = time.time() + 20
        while time.time() < deadline:
            row = local.psql(f"SELECT state, attempts, last_error IS NOT NULL FROM mail_outbox "
                             f"WHERE '{off['mailed_to']}' = ANY(recipients)")
            if row and int(row.split("|")[1]) >= 1:
                break
            time.sleep(0.2)
        state, attempts, has_error = row.split("|")
        assert state == "queued" and int(attempts) >= 1 and has_error == "t"
    finally:
        port = local.ports["smtp"]
        local.start_smtp_on(port)
    mail = local.wait_for_mail(lambda m: m["to"] == off["mailed_to"], timeout=40)
    assert "pickup" in mail["body"]
    assert local.psql(f"SELECT state FROM mail_outbox WHERE '{off['mailed_to']}' = ANY(recipients)") == "sent"


@pytest.mark.parametrize("args, code", [
    (["institution", "add", "--name-en", "Bad Univ", "--st", "Tokyo", "--l", "Default City"], "601"),
    (["institution", "add", "--name-en", "Bad Univ", "--st", "Tokyo", "--l", "City"], "601"),
    (["institution", "add", "--name-en", "Bad_Univ", "--st", "Tokyo", "--l", "Chiyoda"], "601"),
    (["domain", "add", "ac.jp", "--institution", "1"], "602"),
    (["domain", "add", "Example.AC.JP", "--institution", "1"], "602"),
    (["domain", "add", "xn--zz.ac.jp", "--institution", "1"], "602"),
    (["officer", "add", "--institution", "1", "--name", "Taro", "--email", "not-a-mail"], "604"),
    (["officer", "add", "--institution", "1", "--name", "山田", "--email", "a@b.ac.jp"], "604"),
])
def test_cli_rejects_bad_registration_data(local, args, code):
    res = local.inkanctl(*args, check=False)
    import json
    assert res.returncode == 1
    err = json.loads(res.stderr)["error"]
    assert err["code"] == code and err["ja"] and err["en"] and "line" in err and "field" in err


def test_grant_subtree_must_lie_inside_domain(local, world):
    inst = world.institution()
    off = world.officer(inst)
    bad = local.inkanctl("grant", "add", "--officer", off["officer_id"], "--domain", inst["domain"],
                         "--subtree", "lab.other.ac.jp", "--kinds", "server", "--actions", "issue", check=False)
    assert bad.returncode == 1 and '"605"' in bad.stderr
    good = local.inkanctl("grant", "add", "--officer", off["officer_id"], "--domain", inst["domain"],
                          "--subtree", f"lab.{inst['domain']}", "--kinds", "server", "--actions", "issue")
    assert good["subtree"] == f"lab.{inst['domain']}"


def test_every_registration_change_is_audited(local, world):
    inst = world.institution()
    off = world.officer(inst)
    actions = local.psql(f"SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log WHERE "
                         f"object IN ('institution:{inst['id']}', 'officer:{off['officer_id']}') OR "
                         f"(action = 'domain.added' AND detail->>'name' = '{inst['domain']}') OR "
                         f"(action = 'grant.set' AND (detail->>'officer_id')::bigint = {off['officer_id']})")
    assert actions.split(",") == ["institution.added", "domain.added", "officer.added", "grant.set"]
    assert local.inkanctl("audit", "verify")["ok"] is True


def test_ca_import_takes_an_existing_ca(local, scratch_db, tmp_path):
    db, name = scratch_db
    key, crt, other = tmp_path / "ca.key", tmp_path / "ca.pem", tmp_path / "other.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-subj", "/C=JP/O=Imported/CN=Imported Officer CA", "-days", "30",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,digitalSignature,keyCertSign,cRLSign"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-out", other], check=True, capture_output=True)
    keydir = tmp_path / "keys"
    mismatch = local.inkanctl("ca", "import", "--role", "officer", "--cert", crt, "--key", other,
                              "--key-dir", keydir, db=db, check=False)
    assert mismatch.returncode == 1 and "does not belong" in mismatch.stderr
    done = local.inkanctl("ca", "import", "--role", "officer", "--cert", crt, "--key", key, "--key-dir", keydir, db=db)
    assert done["role"] == "officer"
    stored = keydir / "cn-imported-officer-ca-o-imported-c-jp.key"
    assert stored.exists() and oct(stored.stat().st_mode & 0o777) == "0o600"
    assert local.inkanctl("ca", "cert", "--role", "officer", db=db).strip() == crt.read_text().strip()
    # The import is audited in that database's chain.
    assert verify(local, db)[1]["rows"] == 1


def test_signer_and_mailer_are_separate_processes(local):
    """SMTP never shares a process with a CA key, and the mailer's role cannot write what the signer writes."""
    worker = str(local.bin / "inkan-worker")
    smtp = f"smtp://127.0.0.1:{local.ports['smtp']}"
    signer_with_smtp = subprocess.run([worker, "--role", "signer", "--db", local.conninfo("inkan_ca"), "--key-dir",
                                       local.state / "worker-keys", "--smtp", smtp], capture_output=True, text=True)
    assert signer_with_smtp.returncode == 2 and "a signer takes no --smtp" in signer_with_smtp.stderr
    mailer_with_keys = subprocess.run([worker, "--role", "mailer", "--db", local.conninfo("inkan_mail"), "--smtp",
                                       smtp, "--key-dir", local.state / "worker-keys"], capture_output=True, text=True)
    assert mailer_with_keys.returncode == 2 and "a mailer takes no --key-dir" in mailer_with_keys.stderr
    for table, privilege in [("certificates", "INSERT"), ("applications", "UPDATE"), ("crls", "INSERT"),
                             ("ocsp_responses", "UPDATE"), ("deliveries", "INSERT")]:
        assert local.psql(f"SELECT has_table_privilege('inkan_mail', '{table}', '{privilege}')") == "f", table
    # The key holder hands certificates over; it writes no mail and mints no download link.
    for table in ["mail_outbox", "download_tokens"]:
        assert local.psql(f"SELECT has_table_privilege('inkan_ca', '{table}', 'INSERT')") == "f", table
    assert local.psql("SELECT has_table_privilege('inkan_ca', 'deliveries', 'INSERT')") == "t"
    assert "--key-dir" not in local.procs["mailer"].args and "--smtp" not in local.procs["worker"].args


def test_libraries_are_split_by_security_context(local):
    """libinkan.so (in the web servers) holds no signing code; the worker holds no RA code."""
    def symbols(path):
        return subprocess.run(["nm", "-C", str(path)], capture_output=True, text=True, check=True).stdout

    library = symbols(local.build / "lib" / "libinkan.so")
    worker = symbols(local.bin / "inkan-worker")
    assert "inkan::officer::" in library and "inkan::ca::" not in library
    assert "inkan::ca::" in worker
    for ra_namespace in ["inkan::officer::", "inkan::http::", "inkan::workflow::", "inkan::enroll::"]:
        assert ra_namespace not in worker, ra_namespace
