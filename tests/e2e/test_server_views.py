"""Officer views and exports, renewal with its mails, download-link expiry
and OCSP edge cases, on nginx and on Apache."""

import base64
import re
import subprocess

from upki import dn, issue_line, openssl_csr, revoke_line, tsv


def issue(world, officer, tmp_path, host, key="rsa", profile="3"):
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    fqdn = f"{host}.{domain}"
    csr, keyfile, _ = openssl_csr(tmp_path, fqdn, o, l, st, key=key, name=host)
    r = world.upload(officer, tsv([issue_line(dn(fqdn, o, l, st), csr, fqdn, f"{host}-admin@{domain}", profile=profile)]))
    assert r.status == 200 and r.json["accepted"] == 1, r.text
    state, serial, error = world.wait_for_batch(r.json["batch_id"])[1]
    assert state == "issued", error
    return fqdn, serial, keyfile


def download(world, local, server, mail_to, fmt="pem"):
    mail = local.wait_for_mail(lambda m: m["to"] == mail_to and m["kind"] == "server-download-link")
    token = re.search(r"#/download\?t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)
    return world.client.post(local.url(server, "/download/"), form={"t": token, "format": fmt}), token


def test_list_search_detail_and_export(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    www, serial_www, _ = issue(world, officer, tmp_path, "www")
    api, serial_api, _ = issue(world, officer, tmp_path, "api", key="p384", profile="11")
    download(world, local, server, f"www-admin@{officer.inst['domain']}")

    listing = world.client.get(local.url(server, "/ra/api/v1/certificates"), cert=officer.cert).json["certificates"]
    assert {c["serial"] for c in listing} == {serial_www, serial_api}
    by_serial = {c["serial"]: c for c in listing}
    assert by_serial[serial_www]["status"] == 5 and by_serial[serial_api]["status"] == 4
    found = world.client.get(local.url(server, "/ra/api/v1/certificates?fqdn=api."), cert=officer.cert).json
    assert [c["serial"] for c in found["certificates"]] == [serial_api]
    assert world.client.get(local.url(server, f"/ra/api/v1/certificates?serial={serial_www.upper()}"),
                            cert=officer.cert).json["certificates"][0]["fqdn"] == www
    waiting = world.client.get(local.url(server, "/ra/api/v1/certificates?status=4"), cert=officer.cert).json
    assert [c["serial"] for c in waiting["certificates"]] == [serial_api]

    cid = by_serial[serial_api]["certificate_id"]
    detail = world.client.get(local.url(server, f"/ra/api/v1/certificates/{cid}"), cert=officer.cert).json
    assert detail["pem"].startswith("-----BEGIN CERTIFICATE-----") and detail["fqdn"] == api

    export = world.client.get(local.url(server, "/ra/api/v1/exports/serverAll.tsv"), cert=officer.cert)
    assert export.status == 200 and "Shift_JIS" in export.headers["content-type"]
    rows = [line.split("\t") for line in export.raw.decode("cp932").split("\r\n") if line]
    assert all(len(r) == 46 for r in rows), [len(r) for r in rows]
    assert rows[0][0] == "発行・更新申請-申請ID" and rows[0][31] == "失効申請-申請ID"
    assert "山田 太郎" in export.raw.decode("cp932")
    status = {r[23]: r[11] for r in rows[1:]}
    assert status == {serial_www: "5", serial_api: "4"}

    # Revoked shows as 7.
    o, l, st = officer.inst["name_en"], "Chiyoda-ku", "Tokyo"
    rv = world.upload(officer, tsv([revoke_line(dn(api, o, l, st), f"0x{serial_api}", reason="5")]), apply_type="3")
    world.wait_for_batch(rv.json["batch_id"])
    rows = [line.split("\t") for line in world.client.get(local.url(server, "/ra/api/v1/exports/serverAll.tsv"),
                                                          cert=officer.cert).raw.decode("cp932").split("\r\n") if line]
    revoked_row = next(r for r in rows if r[23] == serial_api)
    assert revoked_row[11] == "7" and revoked_row[36] == "5" and revoked_row[37] == "cessationOfOperation"
    # The list's filters: a status, an application state, and a search whose LIKE wildcards are literal.
    def serials(query):
        listing = world.client.get(local.url(server, f"/ra/api/v1/certificates?{query}"), cert=officer.cert).json
        return sorted(c["serial"] for c in listing["certificates"])
    assert serials("status=7") == [serial_api] and serials("status=4") == []
    assert serials("status=5") == [serial_www] and serials("status=6") == []
    assert serials("status=issued") == sorted([serial_www, serial_api])
    assert serials("fqdn=ww") == [serial_www] and serials("fqdn=WWW.") == [serial_www]
    assert serials("fqdn=%25") == [] and serials("fqdn=_") == [] and serials("fqdn=w%25w") == []

    stats = world.client.get(local.url(server, "/ra/api/v1/statistics"), cert=officer.cert).json["statistics"]
    total = {(s["profile"]): (s["issued"], s["valid"], s["revoked"]) for s in stats}
    assert total == {"3": (1, 1, 0), "11": (1, 0, 1)}


def test_officers_see_only_their_scope(local, world, server, tmp_path):
    inst = world.institution()
    whole = world.logged_in(server, tmp_path, inst=inst)
    lab = world.logged_in(server, tmp_path, inst=inst, subtree=f"lab.{inst['domain']}", actions="issue")
    _, serial, _ = issue(world, whole, tmp_path, "www")
    cid = local.psql(f"SELECT id FROM certificates WHERE serial = '{serial}'")
    assert world.client.get(local.url(server, "/ra/api/v1/certificates"), cert=lab.cert).json["certificates"] == []
    hidden = world.client.get(local.url(server, f"/ra/api/v1/certificates/{cid}"), cert=lab.cert)
    assert hidden.status == 404
    # Functions not granted are refused by the core, not just hidden.
    for path in ("/ra/api/v1/exports/serverAll.tsv", "/ra/api/v1/statistics", "/ra/api/v1/allowlist.tsv"):
        r = world.client.get(local.url(server, path), cert=lab.cert, headers={"Accept": "application/json"})
        assert r.status == 403 and r.json["error"]["code"] == "424", path
    # Another institution's officer sees nothing either.
    other = world.logged_in(server, tmp_path)
    assert world.client.get(local.url(server, f"/ra/api/v1/certificates/{cid}"), cert=other.cert).status == 404


def test_allow_list_download(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    local.inkanctl("allowlist", "add", "Graduate School of Informatics", "--domain", officer.inst["domain"])
    r = world.client.get(local.url(server, "/ra/api/v1/allowlist.tsv"), cert=officer.cert)
    assert r.status == 200 and "Shift_JIS" in r.headers["content-type"]
    assert r.raw.decode("cp932").split("\r\n")[1] == f"{officer.inst['domain']}\tGraduate School of Informatics"


def test_reports_follow_each_domains_actions(local, world, server, tmp_path):
    inst = world.institution()
    second = f"second{inst['id']}.ac.jp"
    local.inkanctl("domain", "add", second, "--institution", inst["id"])
    officer = world.logged_in(server, tmp_path, inst=inst, actions="issue,export,stats")
    local.inkanctl("grant", "add", "--officer", officer.off["officer_id"], "--domain", second,
                   "--kinds", "server", "--actions", "issue")
    _, exported, _ = issue(world, officer, tmp_path, "a")
    o, l, st = inst["name_en"], "Chiyoda-ku", "Tokyo"
    csr, _, _ = openssl_csr(tmp_path, f"b.{second}", o, l, st, name="second")
    r = world.upload(officer, tsv([issue_line(dn(f"b.{second}", o, l, st), csr, f"b.{second}", f"b@{second}")]))
    hidden = world.wait_for_batch(r.json["batch_id"])[1][1]
    rows = world.client.get(local.url(server, "/ra/api/v1/exports/serverAll.tsv"), cert=officer.cert).raw.decode("cp932")
    assert exported in rows and hidden not in rows  # export granted on the first domain only
    stats = world.client.get(local.url(server, "/ra/api/v1/statistics"), cert=officer.cert).json["statistics"]
    assert [s["domain"] for s in stats] == [inst["domain"]]
    # The list shows both: looking needs only a grant of the kind.
    listed = world.client.get(local.url(server, "/ra/api/v1/certificates"), cert=officer.cert).json["certificates"]
    assert {c["serial"] for c in listed} == {exported, hidden}


def test_subscriber_update_is_audited(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    _, serial, _ = issue(world, officer, tmp_path, "sub")
    cid = local.psql(f"SELECT id FROM certificates WHERE serial = '{serial}'")
    url = local.url(server, f"/ra/api/v1/certificates/{cid}/subscriber")
    form = {"name": "新しい 管理者", "affiliation": "新所属", "email": f"new@{officer.inst['domain']}"}
    assert world.client.post(url, cert=officer.cert, form=form).status == 403  # no CSRF token
    bad = world.client.post(url, cert=officer.cert, form=dict(form, email="nope"), headers={"X-CSRF-Token": officer.csrf})
    assert bad.status == 400 and bad.json["error"]["code"] == "206"
    ok = world.client.post(url, cert=officer.cert, form=form, headers={"X-CSRF-Token": officer.csrf})
    assert ok.status == 200, ok.text
    detail = world.client.get(local.url(server, f"/ra/api/v1/certificates/{cid}"), cert=officer.cert).json
    assert detail["subscriber"] == {"name": "新しい 管理者", "affiliation": "新所属", "email": form["email"]}
    audit = local.psql(f"SELECT detail->'after'->>'email' FROM audit_log WHERE action = 'subscriber.updated' "
                       f"AND object = 'certificate:{cid}'")
    assert audit == form["email"]


def test_renewal_mails_and_reminder(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    fqdn, old_serial, _ = issue(world, officer, tmp_path, "renew")
    csr, _, _ = openssl_csr(tmp_path, fqdn, o, l, st, name="renew-new")
    line = issue_line(dn(fqdn, o, l, st), csr, fqdn, f"renew-admin@{domain}", old_serial=str(int(old_serial, 16)))
    r = world.upload(officer, tsv([line]), apply_type="2")
    assert r.json["accepted"] == 1, r.text
    new_serial = world.wait_for_batch(r.json["batch_id"])[1][1]
    assert local.psql(f"SELECT n.serial FROM certificates o JOIN certificates n ON n.id = o.replaced_by "
                      f"WHERE o.serial = '{old_serial}'") == new_serial
    # The old certificate stays valid; the subscriber's download completes the renewal.
    assert local.psql(f"SELECT revoked_at IS NULL FROM certificates WHERE serial = '{old_serial}'") == "t"
    link = local.wait_for_mail(lambda m: m["to"] == f"renew-admin@{domain}" and m["kind"] == "server-download-link"
                               and new_serial in m["body"])
    token = re.search(r"t=([A-Za-z0-9_\-]+)", link["body"]).group(1)
    assert world.client.post(local.url(server, "/download/"), form={"t": token, "format": "pem"}).status == 200
    done = local.wait_for_mail(lambda m: m["kind"] == "server-issued" and new_serial in m["body"])
    revocation_line = f"{dn(fqdn, o, l, st)}\t\t\t0x{old_serial}\t4\t"
    assert revocation_line in done["body"]

    # Fourteen days later the officer is reminded while the old one is valid.
    local.psql(f"UPDATE certificates SET created_at = now() - interval '15 days' WHERE serial = '{new_serial}'")
    local.stop_mailer()
    local.start_mailer()  # housekeeping runs at start
    # A loaded machine may take a while to restart the mailer.
    reminder = local.wait_for_mail(lambda m: m["kind"] == "renewal-reminder" and old_serial in m["body"], timeout=60)
    assert reminder["to"] == officer.off["email"] and revocation_line in reminder["body"]


def test_expired_download_link_is_denied(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    _, serial, _ = issue(world, officer, tmp_path, "exp")
    mail = local.wait_for_mail(lambda m: serial in m["body"] and m["kind"] == "server-download-link")
    token = re.search(r"t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)
    local.psql(f"UPDATE download_tokens SET expires_at = now() - interval '1 second' WHERE certificate_id = "
               f"(SELECT id FROM certificates WHERE serial = '{serial}')")
    page = world.client.get(local.url(server, f"/download/?t={token}"))
    assert page.status == 403 and "指定されたURLへのアクセスは拒否されました。" in page.text
    post = world.client.post(local.url(server, "/download/"), form={"t": token, "format": "pem"})
    assert post.status == 403
    # Tokens are stored hashed; the delivered mail no longer holds the link.
    assert local.psql(f"SELECT count(*) FROM download_tokens WHERE token_hash = '{token}'::bytea") == "0"
    assert local.psql(f"SELECT count(*) FROM mail_outbox WHERE body LIKE '%{token}%' AND state = 'sent'") == "0"


def test_ocsp_answers_every_request_shape(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    _, serial, _ = issue(world, officer, tmp_path, "ocsp")
    pem = tmp_path / "cert.pem"
    pem.write_text(local.psql(f"SELECT encode(der, 'base64') FROM certificates WHERE serial = '{serial}'"))
    subprocess.run(["bash", "-c", f"base64 -d {pem} | openssl x509 -inform DER -out {pem}.pem"], check=True)
    ca = tmp_path / "ca.pem"
    ca.write_text(local.inkanctl("ca", "cert", "--role", "server-rsa"))
    req = tmp_path / "req.der"
    subprocess.run(["openssl", "ocsp", "-issuer", ca, "-cert", f"{pem}.pem", "-no_nonce", "-reqout", req], check=True,
                   capture_output=True)

    def status_of(reply):
        (tmp_path / "resp.der").write_bytes(reply.raw)
        res = subprocess.run(["openssl", "ocsp", "-respin", tmp_path / "resp.der", "-resp_text", "-noverify"],
                             capture_output=True, text=True)
        out = res.stdout + res.stderr  # openssl reports unsuccessful statuses as "Responder Error: ..."
        return re.search(r"(?:OCSP Response Status|Responder Error): (\w+)", out).group(1), out

    # GET with the URL-encoded base64 request.
    encoded = base64.b64encode(req.read_bytes()).decode().replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    got = world.client.get(local.plain_url(server, f"/ocsp/{encoded}"))
    assert got.headers["content-type"] == "application/ocsp-response"
    st, text = status_of(got)
    assert st == "successful" and "Cert Status: good" in text
    st, _ = status_of(world.client.post(local.plain_url(server, "/ocsp/"), body="garbage",
                                        headers={"Content-Type": "application/ocsp-request"}))
    assert st == "malformedrequest"
    bad_escape = world.client.get(local.plain_url(server, "/ocsp/MEIw%25zz"))
    assert bad_escape.status == 200 and status_of(bad_escape)[0] == "malformedrequest"
    # A serial inkan never issued: unauthorized, never a 500.
    other_key = tmp_path / "k.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", other_key, "-subj", "/CN=x",
                    "-out", tmp_path / "stranger.pem", "-days", "1"], check=True, capture_output=True)
    subprocess.run(["openssl", "ocsp", "-issuer", ca, "-cert", tmp_path / "stranger.pem", "-no_nonce", "-reqout",
                    tmp_path / "unknown.der"], check=True, capture_output=True)
    unknown = world.client.post(local.plain_url(server, "/ocsp/"), body=f"@{tmp_path / 'unknown.der'}",
                                headers={"Content-Type": "application/ocsp-request"})
    assert unknown.status == 200 and status_of(unknown)[0] == "unauthorized"


def test_unsignable_application_fails_cleanly(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    local.inkanctl("setting", "set", "server_policy_oids", "not-an-oid")
    try:
        csr, _, _ = openssl_csr(tmp_path, f"fail.{domain}", o, l, st, name="fail")
        r = world.upload(officer, tsv([issue_line(dn(f"fail.{domain}", o, l, st), csr, f"fail.{domain}",
                                                  f"fail-admin@{domain}")]))
        state, serial, error = world.wait_for_batch(r.json["batch_id"])[1]
    finally:
        local.inkanctl("setting", "set", "server_policy_oids", "2.23.140.1.2.2")
    assert state == "failed" and serial == "" and "not-an-oid" in error, (state, error)
    # Nothing of the attempt survives: no certificate, no link, no mail.
    assert local.psql(f"SELECT count(*) FROM certificates WHERE subject_dn = '{dn(f'fail.{domain}', o, l, st)}'") == "0"
    assert local.psql(f"SELECT count(*) FROM mail_outbox WHERE 'fail-admin@{domain}' = ANY(recipients)") == "0"
    assert local.psql(f"SELECT count(*) FROM audit_log WHERE action = 'application.failed' AND detail->>'error' LIKE "
                      f"'%not-an-oid%'") >= "1"
