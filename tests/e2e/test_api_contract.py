"""The officer API against its OpenAPI document, on both servers: every documented operation is
served, refuses a request without an officer certificate, refuses a state change without the
CSRF token, and answers the officer."""

import re
from datetime import datetime, timedelta

from upki import dn, issue_line, openssl_csr, tsv

ME = "/ra/api/v1/me"


def operations(world, server, officer):
    doc = world.client.get(world.local.url(server, "/ra/api/v1/openapi.json"), cert=officer.cert)
    assert doc.status == 200 and doc.json["openapi"] == "3.1.0"
    base = doc.json["servers"][0]["url"]
    for path, item in doc.json["paths"].items():
        for method in item:
            yield method.upper(), base + path.replace("{id}", "999999999")


def test_every_documented_operation_is_served_and_guarded(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    ops = list(operations(world, server, officer))
    assert len(ops) >= 10
    for method, path in ops:
        url = local.url(server, path)
        anonymous = world.client.request(method, url, headers={"Accept": "application/json"}, body="")
        assert anonymous.status == 403 and anonymous.json["error"]["code"] == "501", (method, path)
        if method == "POST":
            # Every state change checks the CSRF token before anything else.
            forged = world.client.request(method, url, cert=officer.cert, headers={"Accept": "application/json"},
                                          body="")
            assert forged.status == 403 and forged.json["error"]["code"] == "504", (method, path, forged.text)
        else:
            answered = world.client.get(url, cert=officer.cert, headers={"Accept": "application/json"})
            # Served: a result, or 404 for the made-up certificate id; never an unknown route.
            assert answered.status in (200, 404), (method, path, answered.status)
            assert answered.status == 200 or answered.json["error"]["code"] == "531", (method, path)


def issued_certificate(world, officer, tmp_path, host):
    """Uploads one issue line and waits for the certificate: (certificate id, serial, key path)."""
    inst = officer.inst
    o, l, st, domain = inst["name_en"], "Chiyoda-ku", "Tokyo", inst["domain"]
    csr, key, _ = openssl_csr(tmp_path, f"{host}.{domain}", o, l, st, name=host)
    r = world.upload(officer, tsv([issue_line(dn(f"{host}.{domain}", o, l, st), csr, f"{host}.{domain}",
                                              f"admin@{domain}", sans=f"dNSName={host}.{domain},dNSName=alt-{host}.{domain}")]))
    assert r.status == 200 and r.json["accepted"] == 1, r.text
    state, serial, _ = world.wait_for_batch(r.json["batch_id"])[1]
    assert state == "issued"
    cert_id = world.local.psql(f"SELECT id FROM certificates WHERE serial = '{serial}'")
    return cert_id, serial, key, (o, l, st, domain)


def test_revoke_and_renew_through_the_api_follow_the_tsv_rules(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    cert_id, serial, key, (o, l, st, domain) = issued_certificate(world, officer, tmp_path, "api")
    csrf = {"X-CSRF-Token": officer.csrf, "Accept": "application/json"}
    base = local.url(server, f"/ra/api/v1/certificates/{cert_id}")

    # Renewal: the same key is refused (418) like in a file; a new key is issued with the old names.
    _, _, same_pem = openssl_csr(tmp_path, f"api.{domain}", o, l, st, key=key, name="api-same")
    same = world.client.post(base + "/renew", cert=officer.cert, headers=csrf, form={"csr": same_pem})
    assert same.status == 200 and same.json["accepted"] == 0
    assert [e["code"] for e in same.json["lines"][0]["errors"]] == ["418"], same.text
    _, _, new_pem = openssl_csr(tmp_path, f"api.{domain}", o, l, st, name="api-new")
    renewed = world.client.post(base + "/renew", cert=officer.cert, headers=csrf, form={"csr": new_pem})
    assert renewed.status == 200 and renewed.json["accepted"] == 1, renewed.text
    state, new_serial, _ = world.wait_for_batch(renewed.json["batch_id"])[1]
    assert state == "issued" and new_serial != serial
    names = local.psql(f"SELECT array_to_string(dns_names, ',') FROM applications a JOIN certificates c "
                       f"ON c.application_id = a.id WHERE c.serial = '{new_serial}'")
    assert names == f"api.{domain},alt-api.{domain}"
    assert local.psql(f"SELECT file_name FROM batches WHERE id = {renewed.json['batch_id']}") == f"api-renew-{serial}.tsv"

    # A new download link for the subscriber: the mailer mints and mails it; it opens the landing page.
    first_links = len([m for m in local.mails() if m["to"] == f"admin@{domain}" and m["kind"] == "server-download-link"])
    resent = world.client.post(base + "/resend", cert=officer.cert, headers=csrf, body="")
    assert resent.status == 202 and resent.json["to"] == f"admin@{domain}", resent.text
    local.wait_for_mail(lambda m: m["to"] == f"admin@{domain}" and m["kind"] == "server-download-link"
                        and serial in m["body"] and
                        len([x for x in local.mails() if x["to"] == f"admin@{domain}"
                             and x["kind"] == "server-download-link"]) > first_links)
    links = [m for m in local.mails() if m["to"] == f"admin@{domain}" and m["kind"] == "server-download-link"
             and serial in m["body"]]
    tokens = {re.search(r"#/download\?t=([A-Za-z0-9_\-]+)", m["body"]).group(1) for m in links}
    assert len(tokens) == 2  # a new link; the first one still works until it expires
    for token in tokens:
        assert world.client.get(local.url(server, f"/download/?t={token}")).status == 200

    # Revocation: reason 2 is not a UPKI reason (420); 4 revokes; a second request is 426.
    bad = world.client.post(base + "/revoke", cert=officer.cert, headers=csrf, form={"reason": "2"})
    assert bad.status == 200 and bad.json["lines"][0]["errors"][0]["code"] == "420"
    done = world.client.post(base + "/revoke", cert=officer.cert, headers=csrf, form={"reason": "4"})
    assert done.status == 200 and done.json["accepted"] == 1, done.text
    assert world.wait_for_batch(done.json["batch_id"])[1][0] == "completed"
    assert local.psql(f"SELECT revocation_reason FROM certificates WHERE id = {cert_id}") == "4"
    again = world.client.post(base + "/revoke", cert=officer.cert, headers=csrf, form={"reason": "4"})
    assert again.json["lines"][0]["errors"][0]["code"] == "426"
    revoked = world.client.post(base + "/resend", cert=officer.cert, headers=csrf, body="")
    assert revoked.status == 400 and revoked.json["error"]["code"] == "426"
    # Without the CSRF token nothing happens.
    forged = world.client.post(base + "/revoke", cert=officer.cert, headers={"Accept": "application/json"},
                               form={"reason": "4"})
    assert forged.status == 403 and forged.json["error"]["code"] == "504"


def test_upload_history_keeps_each_file_and_its_results(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    inst = officer.inst
    o, l, st, domain = inst["name_en"], "Chiyoda-ku", "Tokyo", inst["domain"]
    csr, _, _ = openssl_csr(tmp_path, f"hist.{domain}", o, l, st, name="hist")
    content = tsv([issue_line(dn(f"hist.{domain}", o, l, st), csr, f"hist.{domain}", f"admin@{domain}"),
                   issue_line(dn(f"bad.{domain}", o, l, st), csr, f"bad.{domain}", f"admin@{domain}")])
    up = world.upload(officer, content, error_flg="0", filename="history.tsv")
    assert up.status == 200 and up.json["accepted"] == 1
    batch = up.json["batch_id"]

    listed = world.client.get(local.url(server, "/ra/api/v1/batches"), cert=officer.cert).json["batches"]
    assert listed[0]["id"] == batch and listed[0]["file_name"] == "history.tsv"
    assert listed[0]["uploaded_by"] == officer.off["name"]
    assert listed[0]["encoding"] == "Shift_JIS (CP932)" and listed[0]["lines"] == 2 and listed[0]["accepted"] == 1
    detail = world.client.get(local.url(server, f"/ra/api/v1/batches/{batch}"), cert=officer.cert).json
    assert [line["result"] for line in detail["results"]] == ["OK", "NG"]
    assert detail["results"][1]["errors"][0]["code"] == "408"  # the CSR is for another name: every error is kept
    # The kept results are the upload's answer, plus each line's progress since.
    progress = ("application_id", "state", "certificate_id")
    strip = lambda lines: [{k: v for k, v in line.items() if k not in progress} for line in lines]  # noqa: E731
    assert strip(detail["results"]) == strip(up.json["lines"])
    assert detail["results"][0]["state"] in ("queued", "issued") and detail["results"][0]["application_id"]
    assert detail["results"][1]["application_id"] is None and detail["results"][0]["fqdn"]
    file = world.client.get(local.url(server, f"/ra/api/v1/batches/{batch}/file"), cert=officer.cert)
    assert file.status == 200 and file.raw == content

    # Another officer of the same institution sees only their own uploads.
    other = world.logged_in(server, tmp_path, inst=inst)
    assert world.client.get(local.url(server, f"/ra/api/v1/batches/{batch}"), cert=other.cert).status == 404
    assert world.client.get(local.url(server, "/ra/api/v1/batches"), cert=other.cert).json["batches"] == []


def test_state_changes_from_another_site_are_refused_even_with_the_token(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    url = local.url(server, "/ra/api/v1/logout")
    token = {"X-CSRF-Token": officer.csrf, "Accept": "application/json"}
    for hostile in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        r = world.client.post(url, cert=officer.cert, headers={**token, **hostile}, body="")
        assert r.status == 403 and r.json["error"]["code"] == "504", (hostile, r.text)
    own = local.url(server, "").rstrip("/")
    ok = world.client.post(url, cert=officer.cert, headers={**token, "Origin": own, "Sec-Fetch-Site": "same-origin"},
                           body="")
    assert ok.status == 200 and ok.json == {"logged_out": True}, ok.text


def test_certificate_list_pages_sorts_and_reads_every_serial_notation(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    cert_id, serial, _, _ = issued_certificate(world, officer, tmp_path, "list")
    url = local.url(server, "/ra/api/v1/certificates")
    colons = ":".join(serial.rjust(len(serial) + len(serial) % 2, "0")[i:i + 2] for i in range(0, len(serial) + len(serial) % 2, 2))
    for notation in (serial, "0x" + serial, colons.upper(), str(int(serial, 16))):
        found = world.client.get(f"{url}?serial={notation}", cert=officer.cert).json["certificates"]
        assert [c["serial"] for c in found] == [serial], notation
    assert world.client.get(f"{url}?serial=zz", cert=officer.cert).json["certificates"] == []
    page = world.client.get(f"{url}?limit=1&offset=0&sort=oldest", cert=officer.cert).json
    assert page["limit"] == 1 and len(page["certificates"]) == 1
    bad = world.client.get(f"{url}?limit=0", cert=officer.cert)
    assert bad.status == 400 and bad.json["error"]["field"] == "limit"
    assert world.client.get(f"{url}?sort=sideways", cert=officer.cert).json["error"]["field"] == "sort"


def test_certificate_detail_download_filters_and_allowlist(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    cert_id, serial, _, (_, _, _, domain) = issued_certificate(world, officer, tmp_path, "detail")
    api = local.url(server, "/ra/api/v1")

    detail = world.client.get(f"{api}/certificates/{cert_id}", cert=officer.cert).json
    notations = detail["serial_notations"]
    assert notations["hex"] == "0x" + serial and int(notations["decimal"]) == int(serial, 16)
    assert notations["colons"].replace(":", "").lstrip("0") == serial.lstrip("0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", detail["not_after"]), detail["not_after"]
    assert detail["not_before"] < detail["not_after"] and detail["issued_at"] and detail["revoked_at"] is None
    assert "certificate.issued" in [h["action"] for h in detail["history"]]
    assert "certificate.viewed" not in [h["action"] for h in detail["history"]]

    # Download on the subscriber's behalf, in every format; audited.
    pem = world.client.get(f"{api}/certificates/{cert_id}/download", cert=officer.cert)
    assert pem.status == 200 and pem.text.startswith("-----BEGIN CERTIFICATE-----")
    assert f'filename="{serial}.pem"' in pem.headers["content-disposition"]
    assert world.client.get(f"{api}/certificates/{cert_id}/download?format=fullchain", cert=officer.cert).text.count(
        "BEGIN CERTIFICATE") == 2
    der = world.client.get(f"{api}/certificates/{cert_id}/download?format=der", cert=officer.cert)
    assert der.headers["content-type"] == "application/pkix-cert" and der.raw[0] == 0x30
    p7 = world.client.get(f"{api}/certificates/{cert_id}/download?format=p7b", cert=officer.cert)
    assert p7.headers["content-type"] == "application/pkcs7-mime"
    odd = world.client.get(f"{api}/certificates/{cert_id}/download?format=pfx", cert=officer.cert)
    assert odd.status == 400 and odd.json["error"]["code"] == "530"
    assert local.psql(f"SELECT count(*) FROM audit_log WHERE action = 'certificate.downloaded_on_behalf' "
                      f"AND object = 'certificate:{cert_id}'") == "4"

    # Filters: profile, subscriber, dates, batch; bad dates name their field.
    url = f"{api}/certificates"
    get = lambda q: world.client.get(f"{url}?{q}", cert=officer.cert)  # noqa: E731
    assert [c["serial"] for c in get("profile=3").json["certificates"]] == [serial]
    assert get("profile=11").json["certificates"] == []
    assert [c["serial"] for c in get(f"subscriber=ADMIN@{domain.upper()}").json["certificates"]] == [serial]
    assert get("subscriber=nobody").json["certificates"] == []
    # Dates are days in Japan time.
    today = (datetime.fromisoformat(detail["submitted"].replace("Z", "+00:00")) + timedelta(hours=9)).date().isoformat()
    assert len(get(f"from={today}&to={today}").json["certificates"]) == 1
    assert get("to=2000-01-01").json["certificates"] == []
    assert [c["serial"] for c in get(f"batch={detail['batch_id']}").json["certificates"]] == [serial]
    for q, field in (("from=2026-13-01", "from"), ("to=0000-01-01", "to"), ("from=yesterday", "from"),
                     ("batch=-1", "batch")):
        r = get(q)
        assert r.status == 400 and r.json["error"]["field"] == field, (q, r.text)

    # The allow list as JSON and as the TSV file.
    local.inkanctl("allowlist", "add", "Information Center", "--domain", domain)
    assert {"domain": domain, "ou": "Information Center"} in world.client.get(f"{api}/allowlist", cert=officer.cert).json["allowlist"]


def test_functions_not_granted_are_refused_and_objects_of_others_are_invisible(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    cert_id, _, _, _ = issued_certificate(world, officer, tmp_path, "mine")
    api = local.url(server, "/ra/api/v1")
    # Same institution, issuance only: statistics, export and the allow list are refused (424).
    clerk = world.logged_in(server, tmp_path, inst=officer.inst, actions="issue")
    for path in ("statistics", "exports/serverAll.tsv", "allowlist", "allowlist.tsv"):
        r = world.client.get(f"{api}/{path}", cert=clerk.cert)
        assert r.status == 403 and r.json["error"]["code"] == "424", (path, r.text)
    # Another institution sees nothing of this one: 404, never 403 (which would confirm the id).
    stranger = world.logged_in(server, tmp_path)
    for path in (f"certificates/{cert_id}", f"certificates/{cert_id}/download"):
        r = world.client.get(f"{api}/{path}", cert=stranger.cert)
        assert r.status == 404 and r.json["error"]["code"] == "531", (path, r.text)
    forged = {"X-CSRF-Token": stranger.csrf, "Accept": "application/json"}
    for action in ("revoke", "renew", "resend", "subscriber"):
        r = world.client.post(f"{api}/certificates/{cert_id}/{action}", cert=stranger.cert, headers=forged,
                              form={"reason": "4", "name": "x", "affiliation": "y", "email": "z@example.ac.jp"})
        assert r.status == 404, (action, r.text)
    assert local.psql(f"SELECT revoked_at IS NULL FROM certificates WHERE id = {cert_id}") == "t"
