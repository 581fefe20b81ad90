"""Every certificate, CRL and OCSP response inkan makes, read as a relying
party and a linter would (issue 7, findings 1-7): the CA hierarchy from
'ca init', subscriber certificates, CRLs of every CA, OCSP for SHA-1 and
SHA-256 CertIDs, the RFC 5019 caching headers, and the URL settings.
Structure is read with python3-cryptography and asn1crypto, chains with
'openssl verify -x509_strict'."""

import base64
import email.utils
import subprocess
import time
import urllib.parse
from datetime import timezone

import pytest
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from test_server_views import issue
from upki import dn, issue_line, openssl_csr, revoke_line, run, tsv

ANY_POLICY = "2.5.29.32.0"
TLS_OV_POLICY = "2.23.140.1.2.2"


def ca_cert(local, role):
    return x509.load_pem_x509_certificate(local.inkanctl("ca", "cert", "--role", role).encode())


def ca_ids(local):
    return {row["role"]: int(row["id"]) for row in local.inkanctl("ca", "list") if row["active"] in (True, "true", "t")}


def ext(cert, oid):
    try:
        return cert.extensions.get_extension_for_oid(oid)
    except x509.ExtensionNotFound:
        return None


def uris(cert):
    """Every URL a certificate names for CRLs and AIA."""
    out = []
    dps = ext(cert, ExtensionOID.CRL_DISTRIBUTION_POINTS)
    for dp in dps.value if dps else []:
        out += [n.value for n in dp.full_name or []]
    aia = ext(cert, ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
    out += [d.access_location.value for d in (aia.value if aia else [])]
    return out


def verify_signature(issuer, signature, data, hash_algorithm):
    key = issuer.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
    else:
        key.verify(signature, data, ec.ECDSA(hash_algorithm))


def certificate(local, serial):
    der = base64.b64decode(local.psql(f"SELECT encode(der, 'base64') FROM certificates WHERE serial = '{serial}'"))
    return x509.load_der_x509_certificate(der)


def strict_verify(tmp_path, local, cert, issuer):
    leaf, sub = tmp_path / "leaf.pem", tmp_path / "sub.pem"
    leaf.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    sub.write_bytes(issuer.public_bytes(serialization.Encoding.PEM))
    res = subprocess.run(["openssl", "verify", "-x509_strict", "-CAfile", local.ca_cert, "-untrusted", sub, leaf],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def assert_caching_headers(reply, this_update, next_update):
    """RFC 5019 §6.2: Last-Modified = thisUpdate, Expires = nextUpdate, ETag, max-age <= nextUpdate - now."""
    h = reply.headers
    assert email.utils.parsedate_to_datetime(h["last-modified"]) == this_update.replace(tzinfo=timezone.utc)
    assert email.utils.parsedate_to_datetime(h["expires"]) == next_update.replace(tzinfo=timezone.utc)
    assert h["etag"].startswith('"') and len(h["etag"]) > 2
    max_age = int(dict(p.strip().partition("=")[::2] for p in h["cache-control"].split(","))["max-age"])
    assert 0 < max_age <= next_update.replace(tzinfo=timezone.utc).timestamp() - time.time() + 5


# 1, 5: the hierarchy 'ca init' makes.
@pytest.mark.parametrize("role,eku,policy", [
    ("officer", [ExtendedKeyUsageOID.CLIENT_AUTH], ANY_POLICY),
    ("server-rsa", [ExtendedKeyUsageOID.SERVER_AUTH], TLS_OV_POLICY),
    ("server-ecc", [ExtendedKeyUsageOID.SERVER_AUTH], TLS_OV_POLICY),
    ("client", [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION], ANY_POLICY),
])
def test_issuing_cas_are_br_shaped(local, tmp_path, role, eku, policy):
    root, cert = ca_cert(local, "root"), ca_cert(local, role)
    root_id = ca_ids(local)["root"]
    ku = ext(cert, ExtensionOID.KEY_USAGE)
    assert ku.critical and ku.value.digital_signature and ku.value.key_cert_sign and ku.value.crl_sign, \
        "issuing CAs sign OCSP responses: digitalSignature is required (BR 7.1.2.10.7)"
    assert list(ext(cert, ExtensionOID.EXTENDED_KEY_USAGE).value) == eku
    assert [p.policy_identifier.dotted_string for p in ext(cert, ExtensionOID.CERTIFICATE_POLICIES).value] == [policy]
    dps = [n.value for dp in ext(cert, ExtensionOID.CRL_DISTRIBUTION_POINTS).value for n in dp.full_name]
    assert dps == [local.plain_url("nginx", f"/crl/{root_id}.crl")]
    aia = ext(cert, ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    assert [(d.access_method._name, d.access_location.value) for d in aia] == [
        ("caIssuers", local.plain_url("nginx", f"/crl/{root_id}.crt"))]
    assert ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == \
        ext(root, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest
    strict_verify(tmp_path, local, cert, root)


def test_root_names_its_own_key_and_nothing_else(local):
    root = ca_cert(local, "root")
    assert ext(root, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == \
        ext(root, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest
    ku = ext(root, ExtensionOID.KEY_USAGE)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign
    assert ext(root, ExtensionOID.EXTENDED_KEY_USAGE) is None and ext(root, ExtensionOID.CERTIFICATE_POLICIES) is None


def test_ca_import_refuses_a_ca_that_cannot_sign_ocsp(local, tmp_path):
    key, crt = tmp_path / "ca.key", tmp_path / "ca.pem"
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "30",
        "-subj", "/C=JP/O=Imported/CN=No OCSP CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    before = local.inkanctl("ca", "list")
    res = local.inkanctl("ca", "import", "--role", "server-rsa", "--cert", crt, "--key", key,
                         "--key-dir", tmp_path / "keys", check=False)
    assert res.returncode != 0 and "digitalSignature" in res.stdout + res.stderr
    assert local.inkanctl("ca", "list") == before and not (tmp_path / "keys").exists()


# 5, 7: a CRL from every CA, the root included, with caching headers.
def test_every_ca_publishes_a_signed_crl(local, world, server):
    for role, ca_id in ca_ids(local).items():
        issuer = ca_cert(local, role)
        deadline = time.time() + 40  # the worker publishes missing CRLs in its housekeeping round
        while (reply := world.client.get(local.plain_url(server, f"/crl/{ca_id}.crl"))).status == 404:
            assert time.time() < deadline, f"no CRL for the {role} CA"
            time.sleep(1)
        assert reply.status == 200 and reply.headers["content-type"] == "application/pkix-crl"
        crl = x509.load_der_x509_crl(reply.raw)
        assert crl.is_signature_valid(issuer.public_key()), role
        assert crl.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER)
        assert crl.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == \
            ext(issuer, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest
        assert_caching_headers(reply, crl.last_update, crl.next_update)
        # Over TLS the officer host serves no CRLs: they live on plain http.
        assert world.client.get(local.url(server, f"/crl/{ca_id}.crl")).status == 404


# 3: URL settings.
@pytest.mark.parametrize("name", ["crl_url", "ca_issuers_url", "ocsp_url"])
def test_status_urls_must_be_plain_http(local, name):
    original = next(s["value"] for s in local.inkanctl("setting", "list") if s["name"] == name)
    for bad in ["ftp://x y", "https://ra.example.ac.jp/crl/", "http://", "http://ra.example.ac.jp/a\"b/"]:
        res = local.inkanctl("setting", "set", name, bad, check=False)
        assert res.returncode != 0 and '"607"' in res.stdout + res.stderr, bad
    if name != "ocsp_url":  # base URLs get "<CA id>.crl" appended
        assert local.inkanctl("setting", "set", name, "http://ra.example.ac.jp/crl", check=False).returncode != 0
    local.inkanctl("setting", "set", name, "http://ra.example.ac.jp/status/")
    local.inkanctl("setting", "set", name, original)


# 3, 6: subscriber certificates.
def test_subscriber_certificates(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    _, rsa_serial, _ = issue(world, officer, tmp_path, "lint-rsa")
    _, ecc_serial, _ = issue(world, officer, tmp_path, "lint-ecc", key="p384", profile="11")
    for serial, role in [(rsa_serial, "server-rsa"), (ecc_serial, "server-ecc")]:
        cert = certificate(local, serial)
        assert ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER) is None, "BR 7.1.2.7.6: no SKI"
        ku = ext(cert, ExtensionOID.KEY_USAGE)
        assert ku.critical and ku.value.digital_signature and not ku.value.key_encipherment
        assert list(ext(cert, ExtensionOID.EXTENDED_KEY_USAGE).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
        assert uris(cert) and all(u.startswith("http://") for u in uris(cert)), uris(cert)
        strict_verify(tmp_path, local, cert, ca_cert(local, role))
        spki = asn1_keys.PublicKeyInfo.load(cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
        if role == "server-ecc":
            assert spki["algorithm"]["parameters"].name == "named"

    local.inkanctl("setting", "set", "rsa_key_encipherment", "true")
    try:
        _, serial, _ = issue(world, officer, tmp_path, "lint-kex")
    finally:
        local.inkanctl("setting", "set", "rsa_key_encipherment", "false")
    ku = ext(certificate(local, serial), ExtensionOID.KEY_USAGE).value
    assert ku.digital_signature and ku.key_encipherment


# 4: keys and CSR signatures.
def test_explicit_curves_and_weak_csr_hashes_are_refused(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    explicit = tmp_path / "explicit.key"
    run("openssl", "ecparam", "-name", "secp384r1", "-param_enc", "explicit", "-genkey", "-out", explicit)

    def line_for(host, key, digest):
        fqdn = f"{host}.{domain}"
        csr = tmp_path / f"{host}.csr"
        run("openssl", "req", "-new", "-key", key, f"-{digest}", "-subj", f"/C=JP/ST={st}/L={l}/O={o}/CN={fqdn}",
            "-out", csr)
        body = "".join(x for x in csr.read_text().splitlines() if not x.startswith("-----"))
        return issue_line(dn(fqdn, o, l, st), body, fqdn, f"admin@{domain}", profile="11" if key == explicit else "3")

    _, rsa_key, _ = openssl_csr(tmp_path, f"k.{domain}", o, l, st, name="k")
    lines = [line_for("explicit", explicit, "sha384"), line_for("sha1", rsa_key, "sha1"), line_for("md5", rsa_key, "md5")]
    reply = world.upload(officer, tsv(lines), error_flg="0")
    assert reply.status == 200, reply.text
    assert [[e["code"] for e in line["errors"]] for line in reply.json["lines"]] == [["403"], ["427"], ["427"]]


# 2, 7: OCSP.
def ocsp_request(cert, issuer, algorithm):
    return ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, algorithm).build().public_bytes(
        serialization.Encoding.DER)


def revoke(world, officer, serial, reason, comment=""):
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    subject = certificate(world.local, serial).subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    reply = world.upload(officer, tsv([revoke_line(dn(subject, o, l, st), f"0x{serial}", reason=reason,
                                                   comment=comment)]), apply_type="3")
    assert reply.status == 200 and reply.json["lines"][0]["result"] == "OK", reply.text
    assert world.wait_for_batch(reply.json["batch_id"])[1][0] == "completed"


def test_ocsp_speaks_sha1_and_sha256_and_omits_unspecified(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    issuer = ca_cert(local, "server-rsa")
    serials = {name: issue(world, officer, tmp_path, name)[1] for name in ("ocsp-good", "ocsp-r0", "ocsp-r1")}
    revoke(world, officer, serials["ocsp-r0"], "0", comment="left the university")
    revoke(world, officer, serials["ocsp-r1"], "1")
    expected = {"ocsp-good": (ocsp.OCSPCertStatus.GOOD, None), "ocsp-r0": (ocsp.OCSPCertStatus.REVOKED, None),
                "ocsp-r1": (ocsp.OCSPCertStatus.REVOKED, x509.ReasonFlags.key_compromise)}
    for name, serial in serials.items():
        cert = certificate(local, serial)
        for algorithm in (hashes.SHA1(), hashes.SHA256()):
            request = ocsp_request(cert, issuer, algorithm)
            (tmp_path / "req.der").write_bytes(request)
            post = world.client.post(local.plain_url(server, "/ocsp/"), body=f"@{tmp_path / 'req.der'}",
                                     headers={"Content-Type": "application/ocsp-request"})
            encoded = urllib.parse.quote(base64.b64encode(request).decode(), safe="")
            get = world.client.get(local.plain_url(server, f"/ocsp/{encoded}"))
            for reply in (post, get):
                assert reply.status == 200 and reply.headers["content-type"] == "application/ocsp-response"
                resp = ocsp.load_der_ocsp_response(reply.raw)
                assert resp.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL, (name, algorithm.name)
                assert resp.hash_algorithm.name == algorithm.name and resp.serial_number == cert.serial_number
                assert (resp.certificate_status, resp.revocation_reason) == expected[name], (name, algorithm.name)
                verify_signature(issuer, resp.signature, resp.tbs_response_bytes, resp.signature_hash_algorithm)
            assert_caching_headers(get, resp.this_update, resp.next_update)
            etag = get.headers["etag"]
            again = world.client.get(local.plain_url(server, f"/ocsp/{encoded}"), headers={"If-None-Match": etag})
            assert again.status == 304
