"""Client and S/MIME certificates (UPKI-FORMATS §3, §8, §9) on both servers:
a CP932 15-column file with Japanese names → the signer makes the keys →
the subscriber's one-time PIN file → end users' links work only after it →
PKCS#12 into openssl and an NSS database → the client certificate logs in at
an nginx location with ssl_verify_client on, the S/MIME certificate signs and
verifies a mail with openssl cms; bulk ZIP, renewal and revocation mails, and
every rule's error code."""

import io
import re
import subprocess
import time
import zipfile

import pytest

from upki import tsv

NAMES = ("山田 太郎", "情報基盤センター", "鈴木 花子", "理学部")


def run(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, **kw)


def client_line(subject_dn, profile, method, user_mail, file_name, sub_mail, user_name="鈴木 花子",
                pin="", old_serial=""):
    return [subject_dn, profile, method, old_serial, "", "", "", NAMES[0], NAMES[1], sub_mail, user_name, file_name,
            NAMES[3], user_mail, pin]


def client_revoke_line(subject_dn, serial, reason="4", comment="", sub_mail=""):
    return [subject_dn, "", "", serial, reason, comment, "", "", "", sub_mail, "", "", "", "", ""]


def person_dn(inst, cn, ou=None):
    return f"CN={cn}" + (f",OU={ou}" if ou else "") + f",O={inst['name_en']},L=Chiyoda-ku,ST=Tokyo,C=JP"


def upload(world, officer, lines, apply_type="1"):
    r = world.client.post(world.local.url(officer.server, "/ra/api/v1/batches"), cert=officer.cert,
                          headers={"X-CSRF-Token": officer.csrf}, files={"file": ("client.tsv", tsv(lines))},
                          fields={"applyType": apply_type, "errorFlg": "1", "kind": "client"})
    assert r.status == 200, r.text
    return r.json


def link_token(mail, route):
    return re.search(rf"#/{route}\?t=([A-Za-z0-9_\-%]+)", mail["body"]).group(1)


def person_officer(world, server, tmp_path):
    inst = world.institution()
    world.local.inkanctl("institution", "set-org-id", inst["id"], "NTRJP-1234567890123")
    return world.logged_in(server, tmp_path, inst=inst, kinds="client,smime",
                           actions="issue,renew,revoke,export,stats,allowlist,subscriber")


def dl(world, server, path):
    return world.local.url(server, "/download" + path)


def fetch_pins(world, server, token):
    r = world.client.post(dl(world, server, "/pins"), form={"t": token})
    assert r.status == 200 and r.headers["content-type"] == "application/zip", r.text
    rows = zipfile.ZipFile(io.BytesIO(r.raw)).read("pins.tsv").decode("cp932").splitlines()
    assert rows[0].split("\t")[:4] == ["利用者氏名", "利用者E-mail", "アクセスPIN", "主体者DN"]
    return {row.split("\t")[1]: row.split("\t") for row in rows[1:]}


def serve_with_client_auth(local, tmp_path, ca_chain):
    """A private nginx whose location demands a client certificate from inkan's client CA."""
    port_file = tmp_path / "nginx"
    port_file.mkdir()
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    tls = local.state / "tls"
    (port_file / "nginx.conf").write_text(f"""
daemon off; pid {port_file}/nginx.pid; error_log {port_file}/error.log;
events {{}}
http {{
  access_log off;
  client_body_temp_path {port_file}/b; proxy_temp_path {port_file}/p; fastcgi_temp_path {port_file}/f;
  uwsgi_temp_path {port_file}/u; scgi_temp_path {port_file}/s;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {tls}/server-chain.pem; ssl_certificate_key {tls}/server.key;
    ssl_client_certificate {ca_chain}; ssl_verify_client on; ssl_verify_depth 2;
    location /whoami {{ return 200 "$ssl_client_s_dn"; }}
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", str(port_file), "-c", str(port_file / "nginx.conf"), "-e",
                             str(port_file / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port


def test_client_and_smime_flow(world, server, tmp_path):
    officer = person_officer(world, server, tmp_path)
    inst, local, client = officer.inst, world.local, world.client
    domain = inst["domain"]
    sub_mail = f"admin@{domain}"
    client_mail, smime_mail = f"hanako@{domain}", f"taro.mail@{domain}"
    lines = [client_line(person_dn(inst, "Hanako Suzuki"), "13", "1", client_mail, "hanako20261202", sub_mail),
             client_line(person_dn(inst, "Taro Yamada"), "15", "1", smime_mail, "taro20261202", sub_mail,
                         user_name="山田 太郎")]
    result = upload(world, officer, lines)
    assert result["accepted"] == 2, result
    states = world.wait_for_batch(result["batch_id"])
    assert [s[0] for s in states.values()] == ["issued", "issued"], states

    pin_mail = local.wait_for_mail(lambda m: m["to"] == sub_mail and m["kind"] == "pin-file-link")
    links = {to: link_token(local.wait_for_mail(lambda m, to=to: m["to"] == to and m["kind"] == "credential-link"),
                            "credential") for to in (client_mail, smime_mail)}
    pin_token = link_token(pin_mail, "pins")

    # Before the PINs were fetched, the end user's link does not hand anything out.
    shown = client.get(dl(world, server, f"/credential?t={links[client_mail]}"))
    assert shown.status == 200 and shown.json["state"] == "waiting", shown.text
    early = client.post(dl(world, server, "/credential"), form={"t": links[client_mail], "pin": "ABCDEFGH2345"})
    assert early.status == 409 and early.json["error"]["code"] == "517", early.text
    # The web role never reads a PKCS#12 or a PIN.
    denied = local.psql("SELECT pkcs12, pin FROM client_credentials", user="inkan_ra", check=False)
    assert denied.returncode != 0 and "permission denied" in denied.stderr
    # Nor the queued mails that carry the links in clear.
    assert local.psql("SELECT has_table_privilege('inkan_ra', 'mail_outbox', 'SELECT')") == "f"

    state = client.get(dl(world, server, f"/pins?t={pin_token}")).json
    assert state["entries"] == 2 and not state["fetched"], state
    pins = fetch_pins(world, server, pin_token)
    assert pins[client_mail][0] == "鈴木 花子" and pins[client_mail][3] == person_dn(inst, "Hanako Suzuki")
    again = client.post(dl(world, server, "/pins"), form={"t": pin_token})
    assert again.status == 403 and again.json["error"]["code"] == "510", again.text
    assert local.psql("SELECT count(*) FROM client_credentials k JOIN applications a ON a.id = k.application_id "
                      f"WHERE a.batch_id = {result['batch_id']} AND k.pin IS NOT NULL") == "0"

    wrong = client.post(dl(world, server, "/credential"), form={"t": links[client_mail], "pin": "WRONGPIN2345"})
    assert wrong.status == 403 and wrong.json["error"]["code"] == "511", wrong.text
    p12s = {}
    for mail in (client_mail, smime_mail):
        got = client.post(dl(world, server, "/credential"), form={"t": links[mail], "pin": pins[mail][2]})
        assert got.status == 200 and got.headers["content-type"] == "application/x-pkcs12", got.text
        assert pins[mail][4] in got.headers["content-disposition"]
        p12s[mail] = tmp_path / pins[mail][4]
        p12s[mail].write_bytes(got.raw)
    once = client.post(dl(world, server, "/credential"), form={"t": links[client_mail], "pin": pins[client_mail][2]})
    assert once.status == 403 and once.json["error"]["code"] == "510", once.text
    # 取得通知 to the officer (and the subscriber).
    local.wait_for_mail(lambda m: m["to"].startswith(officer.off["mailed_to"]) and m["kind"] == "credential-collected")

    # PKCS#12: AES-256-CBC / PBKDF2, opens with openssl and imports into NSS.
    info = run("openssl", "pkcs12", "-info", "-in", p12s[client_mail], "-passin", f"pass:{pins[client_mail][2]}",
               "-nodes").stderr.decode()
    assert "AES-256-CBC" in info and "PBKDF2" in info, info
    key_pem = run("openssl", "pkcs12", "-in", p12s[client_mail], "-passin", f"pass:{pins[client_mail][2]}", "-nocerts",
                  "-nodes").stdout.decode()
    cert_pem = run("openssl", "pkcs12", "-in", p12s[client_mail], "-passin", f"pass:{pins[client_mail][2]}", "-clcerts",
                   "-nokeys").stdout.decode()
    nss = tmp_path / "nssdb"
    nss.mkdir()
    run("certutil", "-N", "-d", f"sql:{nss}", "--empty-password")
    run("pk12util", "-i", p12s[client_mail], "-d", f"sql:{nss}", "-W", pins[client_mail][2])
    # The friendly name is the end user's mail; NSS lists it with its key (u,u,u).
    listing = run("certutil", "-L", "-d", f"sql:{nss}").stdout.decode()
    assert re.search(re.escape(client_mail) + r"\s+u,u,u", listing), listing
    assert "CN=Hanako Suzuki" in run("certutil", "-L", "-d", f"sql:{nss}", "-n", client_mail).stdout.decode()

    # No clear key anywhere in the database, and the PKCS#12 is destroyed once collected.
    key_der = run("openssl", "pkey", "-outform", "DER", input=key_pem.encode()).stdout
    dump = subprocess.run(local._as_pg(["pg_dump", "-h", local.pg_sock, "-d", "inkan", "--data-only"]),
                          capture_output=True, check=True).stdout
    assert key_der.hex().encode() not in dump and key_pem.splitlines()[1].encode() not in dump
    assert local.psql("SELECT count(*) FROM client_credentials k JOIN applications a ON a.id = k.application_id "
                      f"WHERE a.batch_id = {result['batch_id']} AND k.pkcs12 IS NOT NULL") == "0"

    # The client certificate logs in where nginx demands one from inkan's client CA.
    chain = tmp_path / "client-ca-chain.pem"
    chain.write_text(local.inkanctl("ca", "cert", "--role", "client", "--chain", "yes"))
    proc, port = serve_with_client_auth(local, tmp_path, chain)
    try:
        who = client.get(f"https://127.0.0.1:{port}/whoami", cert=(p12s[client_mail], pins[client_mail][2]))
        assert who.status == 200 and "CN=Hanako Suzuki" in who.text, who.text
        anonymous = client.get(f"https://127.0.0.1:{port}/whoami")
        assert anonymous.status == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    # The S/MIME certificate: S/MIME BR shape, and it signs and verifies a mail.
    smime_pin = pins[smime_mail][2]
    smime_cert = tmp_path / "smime.pem"
    smime_cert.write_text(run("openssl", "pkcs12", "-in", p12s[smime_mail], "-passin", f"pass:{smime_pin}",
                              "-clcerts", "-nokeys").stdout.decode())
    text = run("openssl", "x509", "-in", smime_cert, "-noout", "-text").stdout.decode()
    assert "E-mail Protection" in text and "TLS Web Server" not in text, text
    assert f"email:{smime_mail}" in text and "2.23.140.1.5.3.2" in text, text
    assert "organizationIdentifier" in text or "2.5.4.97" in text, text
    smime_key = tmp_path / "smime.key"
    smime_key.write_text(run("openssl", "pkcs12", "-in", p12s[smime_mail], "-passin", f"pass:{smime_pin}",
                             "-nocerts", "-nodes").stdout.decode())
    message = tmp_path / "mail.txt"
    message.write_text("Subject: test\r\n\r\nこんにちは\r\n")
    signed = tmp_path / "mail.p7m"
    issuer = tmp_path / "issuer.pem"
    issuer.write_text(local.inkanctl("ca", "cert", "--role", "client"))
    run("openssl", "cms", "-sign", "-in", message, "-signer", smime_cert, "-inkey", smime_key, "-certfile", issuer,
        "-out", signed)
    verified = run("openssl", "cms", "-verify", "-in", signed, "-CAfile", local.ca_cert, "-purpose", "smimesign")
    assert "こんにちは" in verified.stdout.decode()

    # Renewal: a new key, and the end user's mail names the old serial.
    old_serial = states[1][1]
    renew = upload(world, officer, [client_line(person_dn(inst, "Hanako Suzuki"), "13", "1", client_mail,
                                                "hanako-renewed", sub_mail, old_serial="0x" + old_serial)],
                   apply_type="2")
    assert renew["accepted"] == 1, renew
    renewed = world.wait_for_batch(renew["batch_id"])
    assert renewed[1][0] == "issued", renewed
    mail = local.wait_for_mail(lambda m: m["to"] == client_mail and m["kind"] == "credential-link" and old_serial in m["body"])
    assert renewed[1][1] in mail["body"]

    # Revocation: officer and subscriber hear of it, with DN and serial.
    revoke = upload(world, officer, [client_revoke_line(person_dn(inst, "Taro Yamada"), "0x" + states[2][1],
                                                        sub_mail=sub_mail)], apply_type="3")
    assert revoke["accepted"] == 1, revoke
    world.wait_for_batch(revoke["batch_id"])
    notice = local.wait_for_mail(lambda m: states[2][1] in m["body"] and "revoked" in m["kind"] and sub_mail in m["to"])
    assert person_dn(inst, "Taro Yamada") in notice["body"]

    # The officer's views: list and search, detail, clientAll.tsv, statistics.
    api = lambda path: client.get(local.url(server, "/ra/api/v1" + path), cert=officer.cert)  # noqa: E731
    found = api("/client-certificates?fqdn=hanako&sort=oldest").json["certificates"]
    assert [(r["kind"], r["status"], r["end_user"]["email"]) for r in found] == [("client", 6, client_mail),
                                                                                   ("client", 4, client_mail)], found
    detail = api(f"/client-certificates/{found[0]['certificate_id']}").json
    assert detail["pkcs12_name"] == "hanako20261202" and detail["download_method"] == 1 and "BEGIN CERTIFICATE" in detail["pem"]
    smime_row = api("/client-certificates?profile=15").json["certificates"][0]
    assert smime_row["kind"] == "smime" and smime_row["status"] == 7, smime_row
    assert api(f"/certificates/{found[0]['certificate_id']}").status == 404  # not a server certificate
    export = api("/exports/clientAll.tsv")
    rows = [r.split("\t") for r in export.raw.decode("cp932").splitlines()]
    assert len(rows[0]) == 46 and {r[8] for r in rows[1:]} == {"client", "smime"}, rows[0]
    assert sorted(r[11] for r in rows[1:]) == ["4", "6", "7"]  # renewed, the new one awaiting pickup, revoked
    stats = api("/statistics").json["statistics"]
    assert {s["profile"] for s in stats} >= {"13", "15"}, stats


def test_bulk_zip_and_preset_pins(world, server, tmp_path):
    officer = person_officer(world, server, tmp_path)
    inst, local, client = officer.inst, world.local, world.client
    sub_mail = f"bulk@{inst['domain']}"
    lines = [client_line(person_dn(inst, f"Member {i}"), "14", "2", f"member{i}@{inst['domain']}", f"member{i}", sub_mail,
                         pin=f"Preset-{i}-PIN") for i in (1, 2)]
    result = upload(world, officer, lines)
    assert result["accepted"] == 2, result
    world.wait_for_batch(result["batch_id"])
    token = link_token(local.wait_for_mail(lambda m: m["to"] == sub_mail and m["kind"] == "pin-file-link"), "pins")
    early = client.post(dl(world, server, "/pins/bulk"), form={"t": token})
    assert early.status == 409 and early.json["error"]["code"] == "517", early.text
    pins = fetch_pins(world, server, token)
    assert sorted(p[2] for p in pins.values()) == ["Preset-1-PIN", "Preset-2-PIN"]
    r = client.post(dl(world, server, "/pins/bulk"), form={"t": token})
    assert r.status == 200 and r.headers["content-type"] == "application/zip", r.text
    archive = zipfile.ZipFile(io.BytesIO(r.raw))
    assert sorted(archive.namelist()) == ["member1.p12", "member2.p12"]
    p12 = tmp_path / "member1.p12"
    p12.write_bytes(archive.read("member1.p12"))
    subject = run("openssl", "pkcs12", "-in", p12, "-passin", "pass:Preset-1-PIN", "-clcerts", "-nokeys").stdout.decode()
    assert "Member 1" in subject
    again = client.post(dl(world, server, "/pins/bulk"), form={"t": token})
    assert again.status == 403, again.text
    # Revocation through the API becomes the 15-column line.
    row = client.get(local.url(server, "/ra/api/v1/client-certificates?fqdn=member1"), cert=officer.cert).json["certificates"][0]
    assert row["status"] == 5 and row["download_method"] == 2, row
    revoked = client.post(local.url(server, f"/ra/api/v1/client-certificates/{row['certificate_id']}/revoke"),
                          cert=officer.cert, headers={"X-CSRF-Token": officer.csrf}, form={"reason": "1"})
    assert revoked.status == 200 and revoked.json["accepted"] == 1, revoked.text
    assert world.wait_for_batch(revoked.json["batch_id"])[1][0] == "completed"
    # The uploaded file is kept without its preset PINs (the web role reads batches).
    kept = client.get(local.url(server, f"/ra/api/v1/batches/{result['batch_id']}/file"), cert=officer.cert)
    assert kept.status == 200 and b"Preset-1-PIN" not in kept.raw and f"member1@{inst['domain']}".encode() in kept.raw
    # No end-user mail for the bulk method.
    assert not [m for m in local.mails() if m["kind"] == "credential-link" and m["to"].startswith("member")]


@pytest.mark.parametrize("case", ["method3", "withdrawn", "smime_ou", "outside", "file_name", "pin", "columns",
                                  "ou_not_allowed", "no_org_id"])
def test_client_file_errors(world, tmp_path, case):
    inst = world.institution()
    if case != "no_org_id":
        world.local.inkanctl("institution", "set-org-id", inst["id"], "NTRJP-1234567890123")
    officer = world.logged_in("nginx", tmp_path, inst=inst, kinds="client,smime")
    d = inst["domain"]
    line = client_line(person_dn(inst, "Jiro Sato"), "13", "1", f"jiro@{d}", "jiro", f"admin@{d}")
    expected = {"method3": ("450", 2, "3"), "withdrawn": ("451", 1, "5"), "file_name": ("453", 11, "../evil"),
                "pin": ("454", 14, "short"), "outside": ("452", 13, "jiro@example.com")}
    if case in expected:
        code, col, value = expected[case]
        line[col] = value
    elif case == "smime_ou":
        code = "455"
        line[0], line[1] = person_dn(inst, "Jiro Sato", ou="Faculty of Science"), "15"
    elif case == "columns":
        code = "421"
        line = line[:13]
    elif case == "ou_not_allowed":
        code = "371:1"
        line[0] = person_dn(inst, "Jiro Sato", ou="Not Listed")
    else:
        code = "456"
        line[1] = "16"
    r = upload(world, officer, [line])
    assert r["accepted"] == 0 and r["lines"][0]["result"] == "NG", r
    codes = [e["code"] for e in r["lines"][0]["errors"]]
    assert code in codes, r["lines"][0]["errors"]
    if case == "withdrawn":
        assert "14" in r["lines"][0]["errors"][0]["en"]


def forged(local, officer, batch, subject_dn, email, profile="13"):
    """A client line submitted straight through the RA's function, as a compromised web server could."""
    res = local.psql(
        f"SELECT inkan_submit_client('issue', '{'smime' if profile in ('15', '16') else 'client'}', "
        f"{officer['institution_id']}, {officer['officer_id']}, {batch}, 1, '{subject_dn}', '{profile}', 1, 'a', 'b', "
        f"'sub@{officer['domain']}', 'c', 'forged', 'd', '{email}', NULL, NULL, NULL, NULL, '')",
        user="inkan_ra", check=False)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_signer_refuses_forged_person_applications(world):
    """The signer re-checks a person's application with its own role: mail, subject and grants."""
    from test_ra_cannot_mint import wait_handled
    local = world.local
    inst = world.institution()
    local.inkanctl("institution", "set-org-id", inst["id"], "NTRJP-1234567890123")
    off = world.officer(inst, kinds="client,smime")
    officer = {"institution_id": inst["id"], "officer_id": off["officer_id"], "domain": inst["domain"]}
    batch = local.psql(f"INSERT INTO batches (institution_id, officer_id, kind, apply_type, abort_on_error, file_name, "
                       f"content, sha256, encoding, lines, accepted) VALUES ({inst['id']}, {off['officer_id']}, "
                       f"'client', 1, true, 'f.tsv', '\\x00', '\\x00', 'UTF-8', 1, 1) RETURNING id", user="inkan_ra")
    d = inst["domain"]
    cases = {
        "comma": (person_dn(inst, "Mallory"), f"boss@example.com,email:a@{d}"),
        "other_o": (f"CN=Mallory,O=Other University,L=Chiyoda-ku,ST=Tokyo,C=JP", f"m@{d}"),
        "unlisted_ou": (person_dn(inst, "Mallory", ou="Not Listed"), f"m@{d}"),
        "server_cn": (person_dn(inst, "www.example.com/x<y>"), f"m@{d}"),
        "outside": (person_dn(inst, "Mallory"), "m@example.com"),
    }
    ids = {name: forged(local, officer, batch, dn_, mail) for name, (dn_, mail) in cases.items()}
    ids["smime_ou"] = forged(local, officer, batch, person_dn(inst, "Mallory", ou="Unit"), f"m@{d}", profile="15")
    fine = forged(local, officer, batch, person_dn(inst, "Alice Good"), f"alice@{d}")
    for name, app in ids.items():
        state, error, _ = wait_handled(local, app)
        assert state == "failed" and error.startswith("429"), (name, state, error)
    state, error, cert = wait_handled(local, fine)
    assert state == "issued" and cert, (state, error)
