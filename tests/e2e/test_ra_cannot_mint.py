"""The web servers' database role can queue applications but not mint
certificates (issue 6, item 4): it has no INSERT or UPDATE on applications,
submits only through the SECURITY DEFINER functions of sql/004, and the
worker re-authorizes every application with its own role before it signs.
Each forged application here is what a compromised web server could send."""

import base64
import time

from test_server_views import issue
from upki import dn, openssl_csr, run


def as_ra(local, sql):
    return local.psql(sql, user="inkan_ra", check=False)


def wait_handled(local, app_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        row = local.psql(f"SELECT state || '|' || coalesce(error, '') || '|' || coalesce(certificate_id::text, '') "
                         f"FROM applications WHERE id = {app_id}")
        if not row.startswith("queued"):
            return row.split("|", 2)
        local.psql("NOTIFY inkan_work")
        time.sleep(0.2)
    raise AssertionError(f"application {app_id} still queued")


def forged_server(local, officer, tmp_path, fqdn, operation="issue", target="NULL"):
    """Submits an issue (or revocation) line through the RA's function, as the RA role."""
    o, l, st = officer.inst["name_en"], "Chiyoda-ku", "Tokyo"
    if operation == "revoke":
        profile, csr_sql, reason = "NULL", "NULL", "4"
    else:
        csr, _, _ = openssl_csr(tmp_path, fqdn, o, l, st, name=fqdn.replace(".", "-"))
        profile, csr_sql, reason = "'3'", f"'\\x{base64.b64decode(csr).hex()}'::bytea", "NULL"
    res = as_ra(local, (
        f"SELECT inkan_submit_server('{operation}', {officer.inst['id']}, {officer.off['officer_id']}, NULL, 1, "
        f"'{dn(fqdn, o, l, st)}', {profile}, {csr_sql}, ARRAY['{fqdn}'], '名前', '所属', 'x@example.com', "
        f"'{fqdn}', 'nginx', NULL, {target}, {reason}, '')"))
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_ra_role_cannot_write_applications(local, world):
    for privilege in ("INSERT", "UPDATE", "DELETE"):
        assert local.psql(f"SELECT has_table_privilege('inkan_ra', 'applications', '{privilege}')") == "f"
    inst = world.institution()
    off = world.officer(inst)
    direct = as_ra(local, f"INSERT INTO applications (kind, operation, institution_id, officer_id) "
                          f"VALUES ('officer', 'issue', {inst['id']}, {off['officer_id']})")
    assert direct.returncode != 0 and "permission denied" in direct.stderr
    update = as_ra(local, "UPDATE applications SET state = 'queued' WHERE id = 1")
    assert update.returncode != 0 and "permission denied" in update.stderr
    # The functions refuse an officer acting for another institution.
    other = world.institution()
    foreign = as_ra(local, f"SELECT inkan_submit_officer('renew', {other['id']}, {off['officer_id']}, '\\x00')")
    assert foreign.returncode != 0 and "not an active officer" in foreign.stderr
    # A first officer certificate needs the pickup claimed with the PIN; pickups are the service desk's.
    unclaimed = as_ra(local, f"SELECT inkan_submit_officer_pickup({inst['id']}, {off['officer_id']}, "
                             f"{off['pickup_id']}, '\\x00')")
    assert unclaimed.returncode != 0 and "not claimed with its PIN" in unclaimed.stderr
    issue = as_ra(local, f"SELECT inkan_submit_officer('issue', {inst['id']}, {off['officer_id']}, '\\x00')")
    assert issue.returncode != 0 and "claimed pickup" in issue.stderr
    forged_pickup = as_ra(local, f"INSERT INTO officer_pickups (officer_id, token_hash, pin_hash, expires_at, state) "
                                 f"VALUES ({off['officer_id']}, '\\x01', 'x', now() + interval '1 day', 'issuing')")
    assert forged_pickup.returncode != 0 and "permission denied" in forged_pickup.stderr
    # Nor can it mark a pickup as claimed: only the database, given the right PIN, does that.
    claimed = as_ra(local, f"UPDATE officer_pickups SET state = 'issuing' WHERE id = {off['pickup_id']}")
    assert claimed.returncode != 0 and "permission denied" in claimed.stderr
    wrong = as_ra(local, f"SELECT inkan_try_pin({off['pickup_id']}, 'NOT-THE-PIN')")
    assert wrong.returncode == 0 and wrong.stdout.strip() == "wrong", wrong.stderr
    completed = as_ra(local, f"SELECT inkan_end_pickup({off['pickup_id']}, 'completed')")
    assert completed.returncode != 0 and "has no certificate" in completed.stderr
    assert local.psql(f"SELECT state, failed_attempts FROM officer_pickups WHERE id = {off['pickup_id']}") == "open|1"


def test_worker_refuses_names_outside_the_registration(local, world, tmp_path):
    officer = world.logged_in("nginx", tmp_path, subtree=None)
    neighbour = world.logged_in("nginx", tmp_path)
    cases = {
        "www.example.com": "is not in the institution's registered domains",
        f"www.{neighbour.inst['domain']}": "is not in the institution's registered domains",
    }
    for fqdn, why in cases.items():
        app = forged_server(local, officer, tmp_path, fqdn)
        state, error, cert = wait_handled(local, app)
        assert (state, cert) == ("failed", "") and error.startswith("429") and why in error, (fqdn, error)


def test_worker_refuses_names_outside_the_officers_grant(local, world, tmp_path):
    inst = world.institution()
    officer = world.logged_in("nginx", tmp_path, inst=inst, subtree=f"lab.{inst['domain']}")
    app = forged_server(local, officer, tmp_path, f"www.{inst['domain']}")
    state, error, _ = wait_handled(local, app)
    assert state == "failed" and "not granted issue" in error, error
    # Inside the grant the same function and worker issue normally.
    app = forged_server(local, officer, tmp_path, f"www.lab.{inst['domain']}")
    state, error, cert = wait_handled(local, app)
    assert state == "issued" and cert, error


def test_worker_refuses_a_forged_revocation_of_another_institutions_certificate(local, world, tmp_path):
    victim = world.logged_in("nginx", tmp_path)
    _, serial, _ = issue(world, victim, tmp_path, "victim")
    cert_id = local.psql(f"SELECT id FROM certificates WHERE serial = '{serial}'")
    attacker = world.logged_in("nginx", tmp_path)
    app = forged_server(local, attacker, tmp_path, f"www.{attacker.inst['domain']}", operation="revoke",
                        target=cert_id)
    state, error, _ = wait_handled(local, app)
    assert state == "failed" and error.startswith("429"), error
    assert local.psql(f"SELECT revoked_at IS NULL FROM certificates WHERE id = {cert_id}") == "t"


def test_worker_refuses_an_officer_certificate_without_a_claimed_pickup(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    key = tmp_path / "k.pem"
    run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key)
    spki = run("openssl", "pkey", "-in", key, "-pubout", "-outform", "DER").hex()
    # Forged directly into the table (as the schema owner): the signer still finds no claimed pickup.
    forged = local.psql(f"INSERT INTO applications (kind, operation, institution_id, officer_id, public_key, pickup_id) "
                        f"VALUES ('officer', 'issue', {inst['id']}, {off['officer_id']}, '\\x{spki}', "
                        f"{off['pickup_id']}) RETURNING id")
    state, error, cert = wait_handled(local, forged)
    assert (state, cert) == ("failed", "") and "no pickup of this officer was claimed" in error, error
    # One certificate per claimed pickup: a second application for a picked-up pickup is refused.
    world.pickup(server, off, tmp_path)
    local.psql(f"UPDATE officer_pickups SET state = 'issuing' WHERE id = {off['pickup_id']}")
    again = local.psql(f"INSERT INTO applications (kind, operation, institution_id, officer_id, public_key, pickup_id) "
                       f"VALUES ('officer', 'issue', {inst['id']}, {off['officer_id']}, '\\x{spki}', "
                       f"{off['pickup_id']}) RETURNING id")
    state, error, cert = wait_handled(local, again)
    assert (state, cert) == ("failed", "") and "has its certificate already" in error, error
    renew = as_ra(local, f"SELECT inkan_submit_officer('renew', {inst['id']}, {off['officer_id']}, '\\x{spki}')")
    state, error, _ = wait_handled(local, renew.stdout.strip())
    assert state == "failed" and "renewal window" in error, error
    local.psql(f"UPDATE officer_pickups SET state = 'completed' WHERE id = {off['pickup_id']}")
