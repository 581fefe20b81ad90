"""The officer console in a real browser (Debian's chromium, driven by playwright-core), on both
servers: pickup of the officer certificate (a wrong PIN first) → login with it (an NSS database
and the AutoSelectCertificateForUrls policy, as an institution would deploy it) → upload (good and
bad file) → watch issuance → detail → download on behalf → renew → revoke → export → statistics →
allow list → renewal of the officer certificate → language switch on every page → logout; a subscriber's
download page; and a client certificate's PIN page and end-user PKCS#12 page.  Screenshots of each page are kept
in build/artifacts/console/<server>/."""

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from acme import Acme
from upki import dn, issue_line, openssl_csr, tsv

ROOT = Path(__file__).resolve().parents[2]
WALK = ROOT / "console" / "tests" / "walkthrough.mjs"
POLICY_DIR = Path("/etc/chromium/policies/managed")


def browser_profile(local, tmp_path):
    """A HOME whose NSS database (what chromium reads) trusts the server's CA: (home, nssdb)."""
    home = tmp_path / "home"
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{nssdb}", "-n", "inkan test TLS CA", "-t", "C,,",
                    "-i", str(local.ca_cert)], check=True)
    return home, nssdb


def artefacts_of(server):
    path = ROOT / "build" / "artifacts" / "console" / server
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_walk(env):
    walk = subprocess.run(["node", str(WALK)], env=env, capture_output=True, text=True, timeout=300)
    assert walk.returncode == 0, walk.stdout[-4000:] + walk.stderr[-4000:]
    return json.loads(walk.stdout.strip().splitlines()[-1])


@pytest.fixture
def certificate_policy(local, server):
    """Chromium presents the officer certificate to this server without asking."""
    if os.geteuid() != 0:
        pytest.skip("the AutoSelectCertificateForUrls policy is a file under /etc (run as root, as CI does)")
    POLICY_DIR.mkdir(parents=True, exist_ok=True)
    path = POLICY_DIR / f"inkan-test-{os.getpid()}-{server}.json"
    rule = json.dumps({"pattern": local.url(server, "").rstrip("/"), "filter": {}})
    path.write_text(json.dumps({"AutoSelectCertificateForUrls": [rule]}))
    yield path
    path.unlink()


def test_officer_walks_through_the_console(local, world, server, tmp_path, certificate_policy):
    inst = world.institution()
    off = world.officer(inst, kinds="server,acme", actions="issue,renew,revoke,export,stats,allowlist,subscriber")
    domain = inst["domain"]
    o, l, st = inst["name_en"], "Chiyoda-ku", "Tokyo"
    local.inkanctl("allowlist", "add", "Information Center", "--domain", domain)

    # Two certificates to issue; the line of the bad file has two errors of its own.
    lines = []
    for host in ("www", "mail"):
        csr, _, _ = openssl_csr(tmp_path, f"{host}.{domain}", o, l, st, name=host)
        lines.append(issue_line(dn(f"{host}.{domain}", o, l, st), csr, f"{host}.{domain}", f"{host}-admin@{domain}"))
    good = tmp_path / "good.tsv"
    good.write_bytes(tsv(lines))
    wrong = list(lines[0])
    wrong[7], wrong[9] = "あ" * 65, "not-a-mail"
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(tsv([wrong]))
    _, _, renewal_pem = openssl_csr(tmp_path, f"www.{domain}", o, l, st, name="www-renewal")
    renewal = tmp_path / "renewal.csr"
    renewal.write_text(renewal_pem)

    home, nssdb = browser_profile(local, tmp_path)
    artefacts = artefacts_of(server)
    env = dict(os.environ, INKAN_CONSOLE=local.url(server, "/ra/"),
               INKAN_PICKUP=local.url(server, f"/ra/#/pickup?t={world.pickup_token(off['mailed_to'])}"),
               INKAN_PIN=off["pin"], INKAN_HOME=str(home), INKAN_NSSDB=f"sql:{nssdb}",
               INKAN_GOOD_TSV=str(good), INKAN_BAD_TSV=str(bad), INKAN_RENEWAL_CSR=str(renewal),
               INKAN_DOMAIN=domain, INKAN_SCREENSHOTS=str(artefacts), INKAN_DOWNLOADS=str(tmp_path / "downloads"))
    # Every officer certificate is inside its renewal window, so the walk can renew from the account page.
    local.inkanctl("setting", "set", "officer_renew_window_days", "3650")
    try:
        seen = run_walk(env)
    finally:
        local.inkanctl("setting", "set", "officer_renew_window_days", "30")

    # What the clicks did, as the database records it.
    www, mail = f"www.{domain}", f"mail.{domain}"
    status = dict(r.split("|") for r in local.psql(
        f"SELECT c.serial, CASE WHEN c.revoked_at IS NOT NULL THEN 'revoked' WHEN c.replaced_by IS NOT NULL "
        f"THEN 'renewed' ELSE 'valid' END FROM certificates c JOIN applications a ON a.certificate_id = c.id "
        f"WHERE a.fqdn IN ('{www}', '{mail}')").splitlines())
    assert status[seen["renewed_serial"]] == "renewed" and status[seen["revoked_serial"]] == "revoked"
    assert list(status.values()).count("valid") == 1  # the renewal's new certificate
    (tmp_path / "on-behalf.pem").write_text(seen["downloaded_pem"])
    downloaded = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "on-behalf.pem"), "-noout", "-serial"],
                                capture_output=True, text=True, check=True).stdout
    assert int(downloaded.split("=")[1], 16) == int(seen["renewed_serial"], 16)  # that very certificate, alone
    assert seen["export_bytes"] > 0 and seen["batches_seen"] >= 2
    # The walk switched to English and back last: Japanese is remembered.
    assert local.psql(f"SELECT language FROM officers WHERE id = {off['officer_id']}") == "ja"
    actions = local.psql(f"SELECT string_agg(DISTINCT action, ',') FROM audit_log WHERE actor = 'officer:{off['officer_id']}'")
    for action in ("officer.login", "batch.uploaded", "certificate.downloaded_on_behalf", "officer.logout"):
        assert action in actions, actions
    renewals = local.psql(f"SELECT count(*) FROM certificates WHERE officer_id = {off['officer_id']} AND kind = 'officer'")
    assert renewals == "2", "picked up, then renewed in the console"
    # The EAB the console showed binds an ACME account, once.
    client = Acme(local.url(server, "/acme/directory"), local.ca_cert)
    assert client.new_account(seen["eab_kid"], seen["eab_hmac"]).status == 201
    assert client.new_order([f"acme.{domain}", f"acme2.{domain}"]).status == 201
    shots = {p.name for p in artefacts.glob("*.png")}
    assert {"home-ja.png", "upload-result.png", "certificate-detail.png", "statistics.png", "acme-eab.png",
            "logged-out.png"} <= shots


def test_subscriber_downloads_from_the_mailed_link(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    inst = officer.inst
    o, l, st, domain = inst["name_en"], "Chiyoda-ku", "Tokyo", inst["domain"]
    csr, _, _ = openssl_csr(tmp_path, f"sub.{domain}", o, l, st, name="sub")
    up = world.upload(officer, tsv([issue_line(dn(f"sub.{domain}", o, l, st), csr, f"sub.{domain}", f"sub@{domain}")]))
    assert up.json["accepted"] == 1, up.text
    _, serial, _ = world.wait_for_batch(up.json["batch_id"])[1]
    mail = local.wait_for_mail(lambda m: m["to"] == f"sub@{domain}" and m["kind"] == "server-download-link")
    token = re.search(r"#/download\?t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)

    home, _ = browser_profile(local, tmp_path)
    env = dict(os.environ, INKAN_WALK="subscriber", INKAN_HOME=str(home),
               INKAN_DOWNLOAD_LINK=local.url(server, f"/ra/#/download?t={token}"),
               INKAN_SCREENSHOTS=str(artefacts_of(server)), INKAN_DOWNLOADS=str(tmp_path / "downloads"))
    seen = run_walk(env)
    assert seen["fullchain"].count("BEGIN CERTIFICATE") == 2
    # The first download completes the application: counted, and the officer is told.
    assert local.psql(f"SELECT downloads FROM download_tokens t JOIN certificates c ON c.id = t.certificate_id "
                      f"WHERE c.serial = '{serial}'") == "1"


def test_end_user_collects_a_client_certificate(local, world, server, tmp_path):
    """The subscriber's PIN page and the end user's PKCS#12 page in chromium."""
    from test_client_certificates import client_line, person_dn
    inst = world.institution()
    officer = world.logged_in(server, tmp_path, inst=inst, kinds="client")
    domain = inst["domain"]
    line = client_line(person_dn(inst, "Browser User"), "13", "1", f"browser@{domain}", "browser-user",
                       f"pins@{domain}", pin="Walk-PIN-2345")
    up = world.client.post(local.url(server, "/ra/api/v1/batches"), cert=officer.cert,
                           headers={"X-CSRF-Token": officer.csrf}, files={"file": ("client.tsv", tsv([line]))},
                           fields={"applyType": "1", "errorFlg": "1", "kind": "client"})
    assert up.status == 200 and up.json["accepted"] == 1, up.text
    world.wait_for_batch(up.json["batch_id"])
    token = lambda to, route: re.search(  # noqa: E731
        rf"#/{route}\?t=([A-Za-z0-9_\-]+)",
        local.wait_for_mail(lambda m: m["to"] == to and m["kind"] in ("pin-file-link", "credential-link"))["body"]).group(1)
    home, _ = browser_profile(local, tmp_path)
    env = dict(os.environ, INKAN_WALK="credentials", INKAN_HOME=str(home), INKAN_PIN="Walk-PIN-2345",
               INKAN_PINS_LINK=local.url(server, f"/ra/#/pins?t={token(f'pins@{domain}', 'pins')}"),
               INKAN_CREDENTIAL_LINK=local.url(server, f"/ra/#/credential?t={token(f'browser@{domain}', 'credential')}"),
               INKAN_SCREENSHOTS=str(artefacts_of(server)), INKAN_DOWNLOADS=str(tmp_path / "downloads"))
    seen = run_walk(env)
    rows = zipfile.ZipFile(seen["pins_zip"]).read("pins.tsv").decode("cp932").splitlines()
    assert rows[1].split("\t")[1:3] == [f"browser@{domain}", "Walk-PIN-2345"], rows
    subject = subprocess.run(["openssl", "pkcs12", "-in", seen["p12"], "-passin", "pass:Walk-PIN-2345", "-clcerts",
                              "-nokeys"], capture_output=True, text=True, check=True).stdout
    assert "Browser User" in subject
