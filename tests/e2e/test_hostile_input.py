"""Hostile input (issue 7, findings 8-13): invalid UTF-8, NUL and control
characters, forged export rows, mixed and foreign encodings, overlapping
domains, errors the web servers answer themselves, and "//" in paths.  Each
gets a clear code naming the field or line, never a 500, and nothing half
done; both servers behave the same."""

import socket
import ssl

import pytest

from test_server_views import issue
from upki import dn, issue_line, openssl_csr, tsv

API = "/ra/api/v1"


def error_of(reply, status=400):
    assert reply.status == status, (reply.status, reply.text)
    return reply.json["error"]


def test_invalid_utf8_and_control_characters_in_queries(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    get = lambda path: world.client.get(local.url(server, path), cert=officer.cert)  # noqa: E731
    err = error_of(get(f"{API}/certificates?fqdn=%FF"))
    assert (err["code"], err["field"]) == ("533", "fqdn") and "fqdn" in err["en"]
    assert error_of(get(f"{API}/certificates?serial=ab%00cd"))["code"] == "534"
    err = error_of(get(f"{API}/certificates?from=2026-02-30"))
    assert (err["code"], err["field"]) == ("530", "from")


@pytest.mark.parametrize("bad", ["山田\x00太郎", "a\tb", "a\r\nb", "a\x7fb"])
def test_subscriber_update_refuses_control_characters(local, world, server, tmp_path, bad):
    officer = world.logged_in(server, tmp_path)
    _, serial, _ = issue(world, officer, tmp_path, "ctl")
    cid = local.psql(f"SELECT id FROM certificates WHERE serial = '{serial}'")
    url = local.url(server, f"{API}/certificates/{cid}/subscriber")
    form = {"name": bad, "affiliation": "情報基盤センター", "email": f"x@{officer.inst['domain']}"}
    err = error_of(world.client.post(url, cert=officer.cert, form=form, headers={"X-CSRF-Token": officer.csrf}))
    assert (err["code"], err["field"]) == ("534", "name")
    assert local.psql(f"SELECT subscriber_name FROM applications WHERE certificate_id = {cid}") == "山田 太郎"


def test_nul_in_upload_file_name(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    body = (b"--B\r\nContent-Disposition: form-data; name=\"applyType\"\r\n\r\n1\r\n"
            b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00.tsv\"\r\n\r\nx\r\n--B--\r\n")
    (tmp_path / "body").write_bytes(body)
    before = local.psql("SELECT count(*) FROM batches")
    reply = world.client.post(local.url(server, f"{API}/batches"), cert=officer.cert, body=f"@{tmp_path / 'body'}",
                              headers={"X-CSRF-Token": officer.csrf, "Content-Type": "multipart/form-data; boundary=B"})
    assert (error_of(reply)["code"], error_of(reply)["field"]) == ("534", "filename")
    assert local.psql("SELECT count(*) FROM batches") == before


def test_export_cannot_be_forged_or_run_as_formulas(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    _, serial, _ = issue(world, officer, tmp_path, "xls")
    cid = local.psql(f"SELECT id FROM certificates WHERE serial = '{serial}'")
    url = local.url(server, f"{API}/certificates/{cid}/subscriber")
    form = {"name": "=HYPERLINK(\"http://evil.example/\")", "affiliation": "@SUM(1+1)",
            "email": f"x@{officer.inst['domain']}"}
    assert world.client.post(url, cert=officer.cert, form=form, headers={"X-CSRF-Token": officer.csrf}).status == 200
    # Rows stored before control characters were refused must not forge cells or rows either.
    local.psql(f"UPDATE applications SET server_software = E'nginx\\t1.22\\r\\nforged' WHERE certificate_id = {cid}")
    export = world.client.get(local.url(server, f"{API}/exports/serverAll.tsv"), cert=officer.cert)
    rows = [line.split("\t") for line in export.raw.decode("cp932").split("\r\n") if line]
    assert len(rows) == 2 and all(len(r) == 46 for r in rows), rows
    row = rows[1]
    assert row[12] == "'=HYPERLINK(\"http://evil.example/\")" and row[13] == "'@SUM(1+1)"
    assert row[16] == "nginx 1.22  forged"


def test_tsv_control_characters_and_encodings_name_the_line(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    lines = []
    for n in (1, 2):
        fqdn = f"enc{n}.{domain}"
        csr, _, _ = openssl_csr(tmp_path, fqdn, o, l, st, name=f"enc{n}")
        lines.append(issue_line(dn(fqdn, o, l, st), csr, fqdn, f"admin@{domain}"))
    before = local.psql("SELECT count(*) FROM applications")

    nul = [list(lines[0]), lines[1]]
    nul[0][7] = "山田\x00太郎"
    reply = world.upload(officer, tsv(nul, encoding="utf-8"))
    assert reply.status == 200, reply.text
    errors = reply.json["lines"][0]["errors"]
    assert [e["code"] for e in errors] == ["428"] and errors[0]["field"] == "利用管理者氏名"
    assert errors[0]["line"] == 1 and errors[0]["column"]["en"]
    assert errors[0]["text"]["ja"].startswith("428:1,利用管理者氏名,")

    # Line 1 in UTF-8, line 2 in CP932: line 2 is named, not line 1.
    mixed = tsv([lines[0]], encoding="utf-8") + tsv([lines[1]], encoding="cp932")
    err = error_of(world.upload(officer, mixed))
    assert err["code"] == "422" and "Line 2" in err["en"] and "2 行目" in err["ja"] and err["line"] == 2

    # EUC-JP is refused instead of being stored as mojibake.
    err = error_of(world.upload(officer, tsv(lines, encoding="euc_jp")))
    assert err["code"] == "422" and "EUC-JP" in err["en"] and "Line 1" in err["en"]
    assert local.psql("SELECT count(*) FROM applications") == before


def test_domains_may_not_overlap_other_institutions(local, world):
    a, b = world.institution(), world.institution()
    inside = local.inkanctl("domain", "add", f"lab.{a['domain']}", "--institution", b["id"], check=False)
    assert inside.returncode != 0 and '"602"' in inside.stdout + inside.stderr and a["domain"] in inside.stdout + inside.stderr
    around = f"wide{b['id']}.ac.jp"
    local.inkanctl("domain", "add", f"x.{around}", "--institution", b["id"])
    outside = local.inkanctl("domain", "add", around, "--institution", a["id"], check=False)
    assert outside.returncode != 0 and '"602"' in outside.stdout + outside.stderr
    # The same institution may register a subdomain of its own domain.
    local.inkanctl("domain", "add", f"own.{a['domain']}", "--institution", a["id"])
    # The service desk can overrule, and the audit log says so.
    added = local.inkanctl("domain", "add", f"lab.{a['domain']}", "--institution", b["id"], "--allow-overlap")
    overlaps = local.psql(f"SELECT detail->>'overlaps' FROM audit_log WHERE action = 'domain.added' "
                          f"AND object = 'domain:{added['id']}'")
    assert overlaps == a["domain"]


def raw_tls(local, server, request: bytes) -> bytes:
    """Sends bytes as they are (curl would refuse or fix them) and returns the reply."""
    ctx = ssl.create_default_context(cafile=str(local.ca_cert))
    with socket.create_connection(("127.0.0.1", local.ports[server]), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
            tls.sendall(request)
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
    return reply


def test_errors_the_servers_answer_get_inkan_pages(local, world, server, tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"x" * (5 * 1024 * 1024))
    too_large = world.client.post(local.url(server, "/download/"), body=f"@{big}")
    assert too_large.status == 413 and "535" in too_large.text and "too large" in too_large.text
    assert "大きすぎます" in too_large.text

    too_long = world.client.get(local.url(server, "/download/?t=" + "a" * 20000))
    assert too_long.status == 414 and "536" in too_long.text and "URL" in too_long.text

    header = world.client.get(local.url(server, "/download/"), headers={"X-Big": "b" * 20000})
    assert header.status == 400 and "537" in header.text, header.text

    bad = raw_tls(local, server, b"GET /download/ HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n")
    assert bad.startswith(b"HTTP/1.1 400") and b"537" in bad, bad[:300]

    trace = world.client.request("TRACE", local.url(server, "/download/"))
    assert trace.status == 405 and "532" in trace.text and "TRACE" not in trace.text


def test_double_slash_is_the_same_path_on_both_servers(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    me = world.client.get(local.url(server, "/ra//api/v1/me"), cert=officer.cert)
    assert me.status == 200 and me.json["csrf_token"] == officer.csrf


def test_service_desk_text_refuses_control_characters(local):
    header_injection = local.inkanctl("setting", "set", "mail_from", "inkan <ra@localhost>\r\nBcc: x@evil.example",
                                      check=False)
    assert header_injection.returncode != 0 and '"607"' in header_injection.stdout + header_injection.stderr
    assert "Bcc" not in local.psql("SELECT coalesce(max(value), '') FROM settings WHERE name = 'mail_from'")
    name_ja = local.inkanctl("institution", "add", "--name-en", "Control University", "--name-ja", "制御\x01大学",
                             "--st", "Tokyo", "--l", "Chiyoda-ku", check=False)
    assert name_ja.returncode != 0 and '"601"' in name_ja.stdout + name_ja.stderr


def test_one_router_answers_405_with_allow_and_404(local, world, server):
    """Every endpoint routes through the core's router: a method a path does not take is 405 naming
    the methods it does take; a path no route knows is 404."""
    download = world.client.request("DELETE", local.url(server, "/download/"))
    assert download.status == 405 and download.headers["allow"] == "GET, HEAD, POST" and "532" in download.text
    enroll = world.client.request("PUT", local.url(server, "/enroll/collect"), body="x")
    assert enroll.status == 405 and enroll.headers["allow"] == "POST"
    crl = world.client.request("DELETE", local.plain_url(server, "/crl/1.crl"))
    assert crl.status == 405 and crl.headers["allow"] == "GET, HEAD"
    unknown = world.client.get(local.plain_url(server, "/crl/one.crl"))
    assert unknown.status == 404 and "531" in unknown.text
