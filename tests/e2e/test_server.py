"""Server certificates through UPKI TSV files, end to end, on nginx and on
Apache: upload, checks, issuance, mails, download, revocation, CRL, OCSP."""

import re
import subprocess

from upki import dn, issue_line, keytool_csr, one_line, openssl_csr, revoke_line, tsv


def names(officer):
    inst = officer.inst
    return inst["name_en"], "Chiyoda-ku", "Tokyo", inst["domain"]


def download_link(local, mail_to):
    mail = local.wait_for_mail(lambda m: m["to"] == mail_to and m["kind"] == "server-download-link")
    # The link opens the console's download page; the token is in the fragment.
    return re.search(r"https://\S+/ra/#/download\?t=([A-Za-z0-9_\-]+)", mail["body"]).group(1), mail


def test_cp932_file_issues_downloads_and_revokes(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = names(officer)
    rsa_csr, rsa_key, _ = openssl_csr(tmp_path, f"www.{domain}", o, l, st, name="rsa")
    ec_csr, _, _ = openssl_csr(tmp_path, f"mail.{domain}", o, l, st, key="p384", name="ec")
    mail_a, mail_b = f"admin-a@{domain}", f"admin-b@{domain}"
    content = tsv([
        issue_line(dn(f"www.{domain}", o, l, st), rsa_csr, f"www.{domain}", mail_a,
                   sans=f"dNSName=www.{domain},dNSName=web.{domain}"),
        issue_line(dn(f"mail.{domain}", o, l, st), ec_csr, f"mail.{domain}", mail_b, profile="11",
                   name="佐藤 花子", affiliation="工学部"),
    ])
    assert b"\r\n" in content and "山田".encode("cp932") in content
    r = world.upload(officer, content)
    assert r.status == 200, r.text
    result = r.json
    assert result["encoding"] == "Shift_JIS (CP932)"
    assert [line["result"] for line in result["lines"]] == ["OK", "OK"]
    assert result["lines"][0]["name"] == "山田 太郎" and result["lines"][1]["affiliation"] == "工学部"
    assert result["accepted"] == 2

    # The uploaded file is kept verbatim with its SHA-256 and uploader.
    import hashlib
    kept = local.psql(f"SELECT encode(sha256, 'hex'), officer_id, encode(content, 'hex') FROM batches "
                      f"WHERE id = {result['batch_id']}").split("|")
    assert kept[0] == hashlib.sha256(content).hexdigest() and int(kept[1]) == officer.off["officer_id"]
    assert bytes.fromhex(kept[2]) == content

    states = world.wait_for_batch(result["batch_id"])
    assert states[1][0] == "issued" and states[2][0] == "issued", states
    serial = states[1][1]

    token, mail = download_link(local, mail_a)
    assert serial in mail["body"] and "証明書取得URL通知" in mail["subject"]
    landing = world.client.get(local.url(server, f"/download/?t={token}"))
    assert landing.status == 200 and landing.json["serial"] == serial and "fullchain" in landing.json["formats"]
    # Prefetching the landing page downloads nothing.
    assert local.psql(f"SELECT downloads FROM download_tokens t JOIN certificates c ON c.id = t.certificate_id "
                      f"WHERE c.serial = '{serial}'") == "0"

    pem = world.client.post(local.url(server, "/download/"), form={"t": token, "format": "pem"})
    assert pem.status == 200 and pem.headers["content-type"] == "application/x-pem-file"
    cert = tmp_path / "www.pem"
    cert.write_text(pem.text)
    text = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-text"], capture_output=True, text=True).stdout
    assert f"DNS:www.{domain}, DNS:web.{domain}" in text
    assert f"Subject: C = JP, ST = Tokyo, L = Chiyoda-ku, O = {o}, CN = www.{domain}" in text
    assert "TLS Web Server Authentication" in text and "2.23.140.1.2.2" in text
    assert "CRL Distribution Points" in text and "OCSP - URI" in text

    chain = world.client.post(local.url(server, "/download/"), form={"t": token, "format": "chain"})
    (tmp_path / "chain.pem").write_text(chain.text)
    verify = subprocess.run(["openssl", "verify", "-CAfile", local.ca_cert, "-untrusted", tmp_path / "chain.pem",
                             "-purpose", "sslserver", cert], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    for fmt, ctype in [("fullchain", "application/x-pem-file"), ("p7b", "application/pkcs7-mime"),
                       ("der", "application/pkix-cert")]:
        r = world.client.post(local.url(server, "/download/"), form={"t": token, "format": fmt})
        assert r.status == 200 and r.headers["content-type"] == ctype, (fmt, r.text)
    # Validity follows the profile (198 days, capped by the CA/B Forum schedule).
    days = local.psql(f"SELECT round(extract(epoch FROM not_after - not_before + interval '1 second') / 86400) "
                      f"FROM certificates WHERE serial = '{serial}'")
    assert days == "198"

    # The officer is told once the subscriber has the certificate.
    done = local.wait_for_mail(lambda m: m["to"] == officer.off["email"] and m["kind"] == "server-issued")
    assert serial in done["body"]

    ocsp_args = ["openssl", "ocsp", "-issuer", tmp_path / "chain.pem", "-cert", cert, "-url",
                 local.plain_url(server, "/ocsp/"), "-CAfile", local.ca_cert, "-VAfile", tmp_path / "chain.pem"]
    good = subprocess.run(ocsp_args, capture_output=True, text=True)
    assert f"{cert}: good" in good.stdout, good.stdout + good.stderr

    # Revocation by TSV (applyType 3) reaches the CRL and OCSP.
    rv = world.upload(officer, tsv([revoke_line(dn(f"www.{domain}", o, l, st), f"0x{serial}", reason="1")]),
                      apply_type="3")
    assert rv.status == 200 and rv.json["lines"][0]["result"] == "OK", rv.text
    assert world.wait_for_batch(rv.json["batch_id"])[1][0] == "completed"
    revoked = subprocess.run(ocsp_args, capture_output=True, text=True)
    assert f"{cert}: revoked" in revoked.stdout and "Reason: keyCompromise" in revoked.stdout, revoked.stdout
    assert "Response verify OK" in revoked.stderr
    ca_id = local.psql(f"SELECT ca_id FROM certificates WHERE serial = '{serial}'")
    crl = world.client.get(local.plain_url(server, f"/crl/{ca_id}.crl"))
    assert crl.status == 200 and crl.headers["content-type"] == "application/pkix-crl"
    (tmp_path / "crl.der").write_bytes(crl.raw)
    subprocess.run(["openssl", "crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-out", tmp_path / "crl.pem"], check=True)
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(local.ca_cert.read_text() + (tmp_path / "chain.pem").read_text() + (tmp_path / "crl.pem").read_text())
    crl_check = subprocess.run(["openssl", "verify", "-crl_check", "-CAfile", bundle, cert], capture_output=True, text=True)
    assert crl_check.returncode != 0 and "certificate revoked" in crl_check.stdout + crl_check.stderr
    # The database agrees with both.
    assert local.psql(f"SELECT revocation_reason FROM certificates WHERE serial = '{serial}'") == "1"
    mails = local.wait_for_mail(lambda m: m["kind"] == "server-revoked" and serial in m["body"])
    assert officer.off["email"] in mails["to"] and mail_a in mails["to"]
    # A revoked certificate's link no longer downloads.
    assert world.client.post(local.url(server, "/download/"), form={"t": token, "format": "pem"}).status == 403


def test_keytool_and_openssl_csrs_are_accepted(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = names(officer)
    keytool_pem = keytool_csr(tmp_path, f"java.{domain}", o, l, st)
    assert "BEGIN NEW CERTIFICATE REQUEST" in keytool_pem
    csr, _, _ = openssl_csr(tmp_path, f"ssl.{domain}", o, l, st)
    r = world.upload(officer, tsv([
        issue_line(dn(f"java.{domain}", o, l, st), one_line(keytool_pem), f"java.{domain}", f"j@{domain}"),
        issue_line(dn(f"ssl.{domain}", o, l, st), csr, f"ssl.{domain}", f"s@{domain}"),
    ], encoding="utf-8", eol="\n"))
    assert r.status == 200 and [x["result"] for x in r.json["lines"]] == ["OK", "OK"], r.text
    assert r.json["encoding"] in ("ASCII", "UTF-8")
    states = world.wait_for_batch(r.json["batch_id"])
    assert all(s[0] == "issued" for s in states.values()), states
