"""Officer pickup, login, sessions and renewal: the same scenarios against
nginx and Apache (the `server` fixture runs each test on both)."""

import re
import time

import pytest

ME = "/ra/api/v1/me"


def test_pickup_then_login_returns_me(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst, kinds="server,acme", actions="issue,renew,revoke,stats")
    p12, password, issued = world.pickup(server, off, tmp_path)

    me = world.client.get(local.url(server, ME), cert=(p12, password))
    assert me.status == 200, me.text
    j = me.json
    assert j["officer"] == {"id": off["officer_id"], "name": off["name"], "email": off["email"]}
    assert j["institution"]["name"] == inst["name_en"]
    assert j["domains"] == [inst["domain"]]
    assert j["grants"][0]["kinds"] == ["server", "acme"]
    assert j["certificate"]["serial"] == issued["serial"]
    # Granted kinds are offered (client certificates are not granted here).
    assert set(j["functions"]) == {"server", "acme", "stats", "logout"}
    # The certificate names the officer and institution, from the officer CA.
    assert f"CN={off['name']}" in issued["subject"] and f"O={inst['name_en']}" in issued["subject"]
    row = local.psql(f"SELECT kind || ' ' || c.name FROM certificates JOIN cas c ON c.id = ca_id "
                     f"WHERE serial = '{issued['serial']}'")
    assert row == "officer inkan Local Officer CA"


def test_pickup_mail_is_bilingual_and_keeps_the_pin_out(local, world, server):
    inst = world.institution()
    off = world.officer(inst)
    mail = local.wait_for_mail(lambda m: m["to"] == off["mailed_to"])
    assert "登録担当者証明書取得URL通知" in mail["subject"] and "Officer certificate pickup URL" in mail["subject"]
    assert "アクセスPIN" in mail["body"] and "access PIN" in mail["body"]
    assert off["pin"] not in mail["body"], "the PIN travels out of band, never in the link mail"
    # The link opens the console's pickup page; the token is in the fragment, never sent to a server.
    assert re.search(r"https://127\.0\.0\.1:\d+/ra/#/pickup\?t=[A-Za-z0-9_\-]+", mail["body"]), mail["body"]
    # PINs avoid look-alike characters.
    assert not set(off["pin"]) & set("0O1lIo")


def test_only_granted_functions_are_offered(local, world, server, tmp_path):
    inst = world.institution()
    # An S/MIME grant opens the client file; no server or ACME function without their grants.
    off = world.officer(inst, kinds="smime", actions="issue,export")
    cert = world.pickup(server, off, tmp_path)[:2]
    me = world.client.get(local.url(server, ME), cert=cert).json
    assert me["functions"] == ["client", "inventory", "logout"] and me["language"] is None


def test_language_is_remembered_per_officer(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    url = local.url(server, "/ra/api/v1/me/language")
    bad = world.client.post(url, cert=officer.cert, form={"language": "fr"}, headers={"X-CSRF-Token": officer.csrf})
    assert bad.status == 400 and (bad.json["error"]["code"], bad.json["error"]["field"]) == ("530", "language")
    forged = world.client.post(url, cert=officer.cert, form={"language": "en"})
    assert forged.status == 403 and forged.json["error"]["code"] == "504"
    ok = world.client.post(url, cert=officer.cert, form={"language": "en"}, headers={"X-CSRF-Token": officer.csrf})
    assert ok.status == 200
    assert world.client.get(local.url(server, ME), cert=officer.cert).json["language"] == "en"
    # The web role may change this column and no other of an officer.
    denied = local.psql("SET ROLE inkan_ra; UPDATE officers SET name = 'x'", check=False).stderr
    assert "permission denied" in denied


def test_wrong_pin_then_lockout_then_reissue(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    token = world.pickup_token(off["mailed_to"])
    url = local.url(server, "/enroll/pickup")

    local.inkanctl("setting", "set", "service_desk_contact", "desk@example.ac.jp")
    # Looking at the link consumes nothing; it says how many PINs may be tried.
    assert world.client.get(f"{url}?t={token}").json == {"officer_name": off["name"], "attempts_left": 5}
    for attempt in range(1, 5):
        r = world.client.post(url, form={"t": token, "pin": "WRONGPIN2345"})
        assert r.status == 403 and r.json["error"]["code"] == "511", r.text
        left = 5 - attempt
        assert f"あと {left} 回" in r.json["error"]["ja"] and f"{left} tr" in r.json["error"]["en"]
    assert world.client.get(f"{url}?t={token}").json["attempts_left"] == 1
    fifth = world.client.post(url, form={"t": token, "pin": "WRONGPIN2345"})
    assert fifth.status == 403 and fifth.json["error"]["code"] == "512"
    assert "desk@example.ac.jp" in fifth.json["error"]["ja"] and "service desk" in fifth.json["error"]["en"]
    local.inkanctl("setting", "set", "service_desk_contact", "")
    # Locked: even the right PIN is refused now.
    right = world.client.post(url, form={"t": token, "pin": off["pin"]}, headers={"Accept": "application/json"})
    assert right.status == 403 and right.json["error"]["code"] == "512"
    actions = local.psql(f"SELECT string_agg(action, ',' ORDER BY seq) FROM audit_log "
                         f"WHERE object = 'officer_pickup:{off['pickup_id']}'")
    assert actions.split(",").count("officer.pickup_wrong_pin") == 4 and "officer.pickup_locked" in actions

    again = local.inkanctl("officer", "reissue-pin", off["officer_id"])
    assert again["pin"] != off["pin"]
    old = world.client.get(local.url(server, f"/enroll/pickup?t={token}"))
    assert old.status == 403 and "指定されたURLへのアクセスは拒否されました。" in old.text
    # The new link arrives by mail; the new PIN works.
    local.wait_for_mail(lambda m: m["to"] == off["mailed_to"] and token not in m["body"])
    fresh = dict(off, pin=again["pin"])
    p12, password, _ = world.pickup(server, fresh, tmp_path)
    assert world.client.get(local.url(server, ME), cert=(p12, password)).status == 200


def test_expired_link_is_denied(local, world, server):
    inst = world.institution()
    off = world.officer(inst)
    token = world.pickup_token(off["mailed_to"])
    local.psql(f"UPDATE officer_pickups SET expires_at = now() - interval '1 second' WHERE id = {off['pickup_id']}")
    r = world.client.get(local.url(server, f"/enroll/pickup?t={token}"), headers={"Accept-Language": "en"})
    assert r.status == 403 and "Access to this URL was denied." in r.text


def test_completed_pickup_cannot_be_used_twice(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    world.pickup(server, off, tmp_path)
    token = world.pickup_token(off["mailed_to"])
    r = world.client.post(local.url(server, "/enroll/pickup"), form={"t": token, "pin": off["pin"]},
                          headers={"Accept": "application/json"})
    assert r.status == 403 and r.json["error"]["code"] == "510"


def test_no_certificate_is_refused(local, world, server):
    r = world.client.get(local.url(server, ME))
    assert r.status == 403 and r.json["error"]["code"] == "501"
    # The console itself is static and public; it explains the refusal in both languages.
    page = world.client.get(local.url(server, "/ra/"))
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-cache"  # revalidated: never an old index.html with new assets
    # The API below keeps its own caching rule.
    assert r.headers["cache-control"] == "no-store"


def test_unregistered_certificate_is_refused(local, world, server, tmp_path):
    p12, password = world.foreign_certificate(tmp_path)
    r = world.client.get(local.url(server, ME), cert=(p12, password))
    assert r.status == 403 and r.json["error"]["code"] == "502"
    assert "officer" not in r.json  # nothing about any officer leaks


def test_revoked_officer_is_refused(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    cert = world.pickup(server, off, tmp_path)[:2]
    assert world.client.get(local.url(server, ME), cert=cert).status == 200
    revoked = local.inkanctl("officer", "revoke", off["officer_id"])
    assert len(revoked["revoked_serials"]) == 1
    r = world.client.get(local.url(server, ME), cert=cert)
    assert r.status == 403 and r.json["error"]["code"] == "503"


def test_inactive_institution_is_refused(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    cert = world.pickup(server, off, tmp_path)[:2]
    local.inkanctl("institution", "set-status", inst["id"], "inactive")
    r = world.client.get(local.url(server, ME), cert=cert)
    assert r.status == 403 and r.json["error"]["code"] == "215"


def test_sessions_login_logout_and_expiry_are_audited(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    cert = world.pickup(server, off, tmp_path)[:2]
    me = world.client.get(local.url(server, ME), cert=cert).json
    session = me["session"]["id"]

    forged = world.client.post(local.url(server, "/ra/api/v1/logout"), cert=cert, body="")
    assert forged.status == 403 and forged.json["error"]["code"] == "504"
    out = world.client.post(local.url(server, "/ra/api/v1/logout"), cert=cert, body="",
                            headers={"X-CSRF-Token": me["csrf_token"]})
    assert out.status == 200 and out.json == {"logged_out": True}

    # The next request starts a new session; make it idle and see it expire.
    second = world.client.get(local.url(server, ME), cert=cert).json["session"]["id"]
    assert second != session
    local.psql(f"UPDATE officer_sessions SET last_seen_at = now() - interval '2 hours' WHERE id = {second}")
    third = world.client.get(local.url(server, ME), cert=cert).json["session"]["id"]
    assert third not in (session, second)

    log = local.psql(f"SELECT string_agg(action || ':' || object, ',' ORDER BY seq) FROM audit_log "
                     f"WHERE actor = 'officer:{off['officer_id']}'").split(",")
    assert log.index(f"officer.login:officer_session:{session}") < log.index(f"officer.logout:officer_session:{session}")
    assert f"officer.session_expired:officer_session:{second}" in log
    assert f"officer.login:officer_session:{third}" in log
    ended = local.psql(f"SELECT end_reason FROM officer_sessions WHERE id IN ({session}, {second}) ORDER BY id")
    assert ended.split() == ["logout", "expired"]


def test_renewal_with_current_certificate(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    cert = world.pickup(server, off, tmp_path)[:2]

    early = world.client.get(local.url(server, "/enroll/renew"), cert=cert, headers={"Accept": "application/json"})
    assert early.status == 403 and early.json["error"]["code"] == "513"

    # Move the certificate into the renewal window.
    local.psql(f"UPDATE certificates SET not_after = now() + interval '10 days' WHERE officer_id = {off['officer_id']}")
    form = world.client.get(local.url(server, "/enroll/renew"), cert=cert, headers={"Accept": "application/json"})
    assert form.status == 200 and form.json["renewable"] is True
    no_csrf = world.client.post(local.url(server, "/enroll/renew"), cert=cert, form={},
                                headers={"Accept": "application/json"})
    assert no_csrf.status == 403 and no_csrf.json["error"]["code"] == "504"
    renewed = world.collect(server, world.client.post(local.url(server, "/enroll/renew"), cert=cert,
                                                      form={"csrf": form.json["csrf_token"]},
                                                      headers={"Accept": "application/json"}))
    new_p12 = tmp_path / "renewed.p12"
    import base64
    new_p12.write_bytes(base64.b64decode(renewed.json["pkcs12"]))
    me = world.client.get(local.url(server, ME), cert=(new_p12, renewed.json["password"]))
    assert me.status == 200 and me.json["certificate"]["serial"] == renewed.json["serial"]
    assert me.json["officer"]["id"] == off["officer_id"]


@pytest.mark.parametrize("path", ["/ra/api/nothing-here", "/ra/api/v1/nope"])
def test_unknown_officer_path_is_404_after_auth(local, world, server, tmp_path, path):
    inst = world.institution()
    off = world.officer(inst)
    cert = world.pickup(server, off, tmp_path)[:2]
    r = world.client.get(local.url(server, path), cert=cert, headers={"Accept": "application/json"})
    assert r.status == 404 and r.json["error"]["code"] == "531"


def test_database_restart_gives_503_then_recovers(local, world, server, tmp_path):
    inst = world.institution()
    off = world.officer(inst)
    cert = world.pickup(server, off, tmp_path)[:2]
    assert world.client.get(local.url(server, ME), cert=cert).status == 200
    local.stop_postgres()
    try:
        down = world.client.get(local.url(server, ME), cert=cert)
        assert down.status == 503 and down.json["error"]["code"] == "520"
        assert "データベース" in down.json["error"]["ja"]
        # The core logs through the server's own error log, naming the request id the client saw.
        request_id = down.headers["x-request-id"]
        if server == "nginx":
            assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id  # nginx's $request_id
        log = local.state / server / "error.log"
        deadline = time.time() + 5
        while f"inkan [{request_id}]: database unavailable" not in log.read_text(errors="replace"):
            assert time.time() < deadline, f"no log line for request {request_id} in {log}"
            time.sleep(0.1)
    finally:
        local._pg_ctl("start")
    up = world.client.get(local.url(server, ME), cert=cert)
    assert up.status == 200, up.text
