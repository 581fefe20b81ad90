"""The issue's "done means": a 99-line UPKI file made like NII's TSV tool
makes it (CP932, CRLF, 13 columns) is accepted on each server; all 99
certificates are issued and linted, mails arrive, downloads work,
revocations show in the CRL and OCSP, and serverAll.tsv has the right
statuses."""

import re
import subprocess

from upki import dn, issue_line, revoke_line, tsv


def test_ninety_nine_line_file(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    lines = []
    for i in range(99):
        host = f"srv{i:02d}.{domain}"
        key, csr = tmp_path / f"{i}.key", tmp_path / f"{i}.csr"
        subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                        "-subj", f"/C=JP/ST={st}/L={l}/O={o}/CN={host}"], check=True, capture_output=True)
        body = "".join(x for x in csr.read_text().splitlines() if not x.startswith("-----"))
        lines.append(issue_line(dn(host, o, l, st), body, host, f"admin{i:02d}@{domain}",
                                name=f"管理者 {i:02d}", affiliation="情報基盤センター"))
    content = tsv(lines)
    r = world.upload(officer, content)
    assert r.status == 200 and r.json["encoding"] == "Shift_JIS (CP932)"
    assert r.json["accepted"] == 99 and all(line["result"] == "OK" for line in r.json["lines"])
    states = world.wait_for_batch(r.json["batch_id"], timeout=120)
    assert len(states) == 99 and all(s[0] == "issued" for s in states.values())
    serials = {i: states[i][1] for i in states}
    # Every certificate passed lint before signing, and its issuance is audited.
    audited = local.psql("SELECT count(*) FROM audit_log WHERE action = 'certificate.issued' AND "
                         f"(detail->>'application_id')::bigint IN (SELECT id FROM applications WHERE batch_id = {r.json['batch_id']})")
    assert audited == "99"

    # All 99 subscribers get their link; two of them download.
    links = {}
    for i in range(99):
        mail = local.wait_for_mail(lambda m, i=i: m["to"] == f"admin{i:02d}@{domain}" and m["kind"] == "server-download-link")
        links[i + 1] = re.search(r"t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)
    for line_no in (1, 2):
        got = world.client.post(local.url(server, "/download/"), form={"t": links[line_no], "format": "fullchain"})
        assert got.status == 200 and got.text.count("BEGIN CERTIFICATE") == 2

    # Three are revoked by a revocation file.
    revoke = [revoke_line(dn(f"srv{i:02d}.{domain}", o, l, st), f"0x{serials[i + 1]}", reason="5") for i in (2, 3, 4)]
    rv = world.upload(officer, tsv(revoke), apply_type="3")
    assert rv.json["accepted"] == 3
    assert all(s[0] == "completed" for s in world.wait_for_batch(rv.json["batch_id"]).values())

    export = world.client.get(local.url(server, "/ra/api/v1/exports/serverAll.tsv"), cert=officer.cert)
    rows = [x.split("\t") for x in export.raw.decode("cp932").split("\r\n")[1:] if x]
    status = {row[23]: row[11] for row in rows}
    assert len(rows) == 99
    expected = {serials[n]: ("5" if n in (1, 2) else "7" if n in (3, 4, 5) else "4") for n in serials}
    assert status == expected

    # The CRL and OCSP agree with the database for a revoked and a valid certificate.
    ca_id = local.psql(f"SELECT ca_id FROM certificates WHERE serial = '{serials[3]}'")
    crl = world.client.get(local.plain_url(server, f"/crl/{ca_id}.crl"))
    (tmp_path / "crl.der").write_bytes(crl.raw)
    listed = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-text"],
                            capture_output=True, text=True).stdout.upper()
    for n in (3, 4, 5):
        assert serials[n].upper() in listed
    assert serials[1].upper() not in listed
    chain = tmp_path / "chain.pem"
    chain.write_text(local.inkanctl("ca", "cert", "--role", "server-rsa"))
    for n, expected_status in ((3, "revoked"), (6, "good")):
        pem = tmp_path / f"c{n}.pem"
        der = local.psql(f"SELECT encode(der, 'base64') FROM certificates WHERE serial = '{serials[n]}'")
        subprocess.run(["openssl", "x509", "-inform", "DER", "-out", pem], input=__import__("base64").b64decode(der),
                       check=True, capture_output=True)
        out = subprocess.run(["openssl", "ocsp", "-issuer", chain, "-cert", pem, "-url", local.plain_url(server, "/ocsp/"),
                              "-CAfile", local.ca_cert, "-VAfile", chain], capture_output=True, text=True)
        assert f"{pem}: {expected_status}" in out.stdout, out.stdout + out.stderr
