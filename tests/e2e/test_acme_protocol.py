"""The acme endpoint against RFC 8555 / RFC 9773, request by request, on both
servers: External Account Binding, JWS checks, nonces, orders limited to the
registered names, finalize through the signer, download, renewal
information, revocation, key rollover, deactivation and suspension."""

import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from acme import Acme, AccountKey, b64, cert_id, csr, eab, eab_of, pem_certs, register, unb64


@pytest.fixture
def registered(world, server, tmp_path):
    """An officer with an ACME grant and a fresh registration of two names."""
    officer = world.logged_in(server, tmp_path, kinds="server,acme", actions="issue,renew,revoke")
    domain = officer.inst["domain"]
    names = [f"www.{domain}", f"api.{domain}"]
    account_id, kid, hmac_key = eab_of(register(world, officer, names))
    directory = world.local.url(server, "/acme/directory")
    return {"officer": officer, "names": names, "account_id": account_id, "kid": kid, "hmac": hmac_key,
            "directory": directory, "ca": world.local.ca_cert, "client": Acme(directory, world.local.ca_cert)}


@pytest.fixture
def account(registered):
    c = registered["client"]
    r = c.new_account(registered["kid"], registered["hmac"])
    assert r.status == 201, r.body
    return c


def test_directory_and_nonces(registered):
    c = registered["client"]
    base = registered["directory"].rsplit("/", 1)[0]
    assert c.dir["newAccount"] == base + "/new-account"
    assert c.dir["meta"]["externalAccountRequired"] is True
    assert c.dir["renewalInfo"] == base + "/renewal-info"
    head = c.http("HEAD", c.dir["newNonce"])
    assert head.status == 200 and head.headers["cache-control"] == "no-store" and head.headers["replay-nonce"]
    get = c.http("GET", c.dir["newNonce"])
    assert get.status == 204 and get.headers["replay-nonce"] != head.headers["replay-nonce"]
    assert f'<{registered["directory"]}>;rel="index"' in get.headers["link"]


def test_account_needs_a_valid_external_binding(registered):
    c = registered["client"]
    r = c.new_account()
    assert r.status == 400 and r.problem == "externalAccountRequired" and r.headers["replay-nonce"]
    wrong = b64(b"\x01" * 32)
    r = c.new_account(registered["kid"], wrong)
    assert r.status == 403 and r.problem == "unauthorized"
    r = c.new_account("no-such-kid", registered["hmac"])
    assert r.status == 403 and r.problem == "unauthorized"
    # The binding must sign this account's key, not another one.
    other = AccountKey("ES256")
    payload = {"termsOfServiceAgreed": True,
               "externalAccountBinding": eab(registered["kid"], registered["hmac"], c.dir["newAccount"], other)}
    r = c.post(c.dir["newAccount"], payload, use_jwk=True)
    assert r.status == 400 and r.problem == "malformed"
    # After all that the binding still works once, and only once.
    assert c.new_account(registered["kid"], registered["hmac"]).status == 201
    again = c.new_account(registered["kid"], registered["hmac"])
    assert again.status == 200 and again.headers["location"] == c.kid  # same key: the existing account
    thief = Acme(registered["directory"], registered["ca"])
    r = thief.new_account(registered["kid"], registered["hmac"])
    assert r.status == 403 and r.problem == "unauthorized" and "used" in r.json["detail"]
    r = thief.new_account(onlyReturnExisting=True)
    assert r.status == 400 and r.problem == "accountDoesNotExist"


@pytest.mark.parametrize("alg", ["ES384", "RS256", "EdDSA"])
def test_every_account_key_type(world, server, tmp_path, alg):
    officer = world.logged_in(server, tmp_path, kinds="acme", actions="issue")
    names = [f"host.{officer.inst['domain']}"]
    _, kid, hmac_key = eab_of(register(world, officer, names))
    c = Acme(world.local.url(server, "/acme/directory"), world.local.ca_cert, key=AccountKey(alg))
    assert c.new_account(kid, hmac_key).status == 201
    r = c.new_order(names)
    assert r.status == 201 and r.json["status"] == "ready", r.body


def test_jws_rules(account, registered):
    c = account
    url = c.dir["newOrder"]
    good = {"identifiers": [{"type": "dns", "value": registered["names"][0]}]}
    # A used nonce is refused, and the refusal carries a fresh one.
    nonce = c.fresh_nonce()
    assert c.post(url, good, nonce=nonce).status == 201
    r = c.post(url, good, nonce=nonce)
    assert r.status == 400 and r.problem == "badNonce" and r.headers["replay-nonce"] != nonce
    r = c.post(url, good, nonce="made-up")
    assert r.problem == "badNonce"
    # The url in the header must be this request's URL.
    r = c.post(url, good, protected_extra={"url": c.dir["newAccount"]})
    assert r.status == 403 and r.problem == "unauthorized"
    r = c.post(url, good, content_type="application/json")
    assert r.status == 415
    r = c.post(url, good, protected_extra={"alg": "none"})
    assert r.problem == "badSignatureAlgorithm" and set(r.json["algorithms"]) == {"RS256", "ES256", "ES384", "EdDSA"}
    r = c.post(url, good, protected_extra={"alg": "HS256"})
    assert r.problem == "badSignatureAlgorithm"
    # A signature by another key, and a tampered payload.
    r = c.post(url, good, key=AccountKey("ES256"))
    assert r.status == 400 and r.problem == "malformed"
    body = json.loads(json.dumps({"protected": b64(json.dumps({"alg": "ES256", "nonce": c.fresh_nonce(), "url": url,
                                                                "kid": c.kid})),
                                  "payload": b64(json.dumps(good)), "signature": b64(b"\0" * 64)}))
    r = c.post(url, None, raw_body=json.dumps(body).encode())
    assert r.problem == "malformed"
    # jwk and kid together, an unprotected header, garbage.
    r = c.post(url, good, protected_extra={"jwk": c.key.jwk})
    assert r.problem == "malformed"
    raw = json.loads(json.dumps({"protected": "e30", "payload": "", "signature": "", "header": {}}))
    assert c.post(url, None, raw_body=json.dumps(raw).encode()).problem == "malformed"
    for junk in (b"", b"{", b"\xff\xfe", b"[]", b'{"protected":1}', b"\0" * 10):
        r = c.post(url, None, raw_body=junk)
        assert r.status == 400 and r.problem == "malformed", junk
    # Someone else's account URL as kid.
    r = c.post(url, good, protected_extra={"kid": c.kid.rsplit("/", 1)[0] + "/999999999"})
    assert r.problem == "accountDoesNotExist"


def test_orders_only_for_registered_names(account, registered):
    c = account
    www, api = registered["names"]
    r = c.new_order([www, "evil.example.com"])
    assert r.status == 400 and r.problem == "rejectedIdentifier"
    assert r.json["subproblems"][0]["identifier"]["value"] == "evil.example.com"
    r = c.new_order([api])
    assert r.problem == "rejectedIdentifier" and www in r.json["detail"]  # the CN must be in the order
    r = c.post(c.dir["newOrder"], {"identifiers": [{"type": "ip", "value": "127.0.0.1"}]})
    assert r.problem == "unsupportedIdentifier"
    r = c.new_order([www, www])
    assert r.problem == "malformed"
    r = c.new_order([www], notAfter="2030-01-01T00:00:00Z")
    assert r.problem == "malformed"
    r = c.new_order([api.upper(), www])
    assert r.status == 201 and r.json["status"] == "ready", r.body
    assert r.headers["location"].startswith(registered["directory"].rsplit("/", 1)[0] + "/order/")
    authz = c.post(r.json["authorizations"][0], None)
    assert authz.json["status"] == "valid" and authz.json["identifier"] == {"type": "dns", "value": api}


def test_issue_download_renew_and_revoke(world, account, registered, server):
    c = account
    www, api = registered["names"]
    r = c.new_order([www, api])
    order_url = r.headers["location"]
    # The CSR must name exactly the order's names, with the registration's key type.
    _, der = csr([www], "rsa")
    bad = c.finalize(r.json, der)
    assert bad.status == 400 and bad.problem == "badCSR"
    assert c.post(order_url, None).json["status"] == "invalid"

    order_url, chain, _ = c.obtain([www, api])
    r = c.new_order([www, api])
    _, p384 = csr([www, api], "p384")
    wrong_key = c.finalize(r.json, p384)
    assert wrong_key.problem == "badCSR" and "(403)" in wrong_key.json["detail"]

    assert chain.headers["content-type"] == "application/pem-certificate-chain"
    certs = pem_certs(chain.body)
    assert len(certs) == 2  # leaf and intermediate, no root
    leaf = certs[0]
    assert leaf.subject.rfc4514_string() == f"CN={www},O={registered['officer'].inst['name_en']},L=Chiyoda-ku,ST=Tokyo,C=JP"
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert sans == [www, api]
    lifetime = leaf.not_valid_after - leaf.not_valid_before
    assert 88 * 86400 < lifetime.total_seconds() <= 89 * 86400
    links = dict(reversed(link.split(">;rel=")) for link in chain.headers["link"].split(", "))
    with_root = c.post(links['"alternate"'].lstrip("<"), None)
    assert len(pem_certs(with_root.body)) == 3
    # Another account cannot fetch it.
    stranger = _other_account(world, server)
    assert stranger.post(c.post(order_url, None).json["certificate"], None).status == 404

    # Renewal information: a window inside the lifetime, then an order that replaces it.
    info = c.http("GET", f"{c.dir['renewalInfo']}/{cert_id(leaf)}")
    assert info.status == 200 and info.headers["retry-after"]
    window = info.json["suggestedWindow"]
    start = datetime.fromisoformat(window["start"].replace("Z", "+00:00"))
    assert leaf.not_valid_before.replace(tzinfo=timezone.utc) < start < leaf.not_valid_after.replace(tzinfo=timezone.utc)
    r = c.new_order([www, api], replaces=cert_id(leaf))
    assert r.status == 201, r.body
    again = c.new_order([www, api], replaces=cert_id(leaf))
    assert again.status == 409 and again.problem == "alreadyReplaced"

    # Revocation by the account; the window moves into the past.
    r = c.post(c.dir["revokeCert"], {"certificate": b64(leaf.public_bytes(Encoding.DER)), "reason": 4})
    assert r.status == 200, r.body
    r = c.post(c.dir["revokeCert"], {"certificate": b64(leaf.public_bytes(Encoding.DER))})
    assert r.problem == "alreadyRevoked"
    world.local.wait_for_mail(lambda m: m["kind"] == "server-revoked" and www in m["body"])
    info = c.http("GET", f"{c.dir['renewalInfo']}/{cert_id(leaf)}").json
    end = datetime.fromisoformat(info["suggestedWindow"]["end"].replace("Z", "+00:00"))
    assert end < datetime.now(timezone.utc)


def test_revocation_by_certificate_key(world, account, registered):
    c = account
    _, chain, cert_key = c.obtain(registered["names"])
    leaf = pem_certs(chain.body)[0]

    class CertKey(AccountKey):
        def __init__(self, key):
            self.alg, self.key = "RS256", key

    anonymous = Acme(registered["directory"], world.local.ca_cert)
    r = anonymous.post(c.dir["revokeCert"], {"certificate": b64(leaf.public_bytes(Encoding.DER)), "reason": 1},
                       use_jwk=True, key=AccountKey("ES256"))
    assert r.status == 403 and r.problem == "unauthorized"
    r = anonymous.post(c.dir["revokeCert"], {"certificate": b64(leaf.public_bytes(Encoding.DER)), "reason": 1},
                       use_jwk=True, key=CertKey(cert_key))
    assert r.status == 200, r.body
    r = anonymous.post(c.dir["revokeCert"], {"certificate": b64(leaf.public_bytes(Encoding.DER)), "reason": 2},
                       use_jwk=True, key=CertKey(cert_key))
    assert r.problem == "badRevocationReason"


def test_key_rollover_and_deactivation(world, account, registered):
    c = account
    new = AccountKey("ES384")
    inner = {"protected": b64(json.dumps({"alg": "ES384", "jwk": new.jwk, "url": c.dir["keyChange"]})),
             "payload": b64(json.dumps({"account": c.kid, "oldKey": c.key.jwk}))}
    inner["signature"] = b64(new.sign(f"{inner['protected']}.{inner['payload']}".encode()))
    r = c.post(c.dir["keyChange"], inner)
    assert r.status == 200, r.body
    old = c.key
    r = c.new_order(registered["names"][:1])
    assert r.status == 400 and r.problem == "malformed"  # the old key no longer signs for the account
    c.key = new
    assert c.new_order(registered["names"][:1]).status == 201
    r = c.post(c.kid, {"status": "deactivated"})
    assert r.status == 200 and r.json["status"] == "deactivated"
    r = c.new_order(registered["names"][:1])
    assert r.status == 401 and r.problem == "unauthorized"
    r = c.post(c.dir["newAccount"], {"onlyReturnExisting": True}, use_jwk=True)
    assert r.status == 401 and r.problem == "unauthorized"
    c.key = old  # a deactivated account answers nothing, whichever of its keys signs
    r = c.new_order(registered["names"][:1])
    assert r.status == 401 and r.problem == "unauthorized"


def test_suspension_stops_orders(world, account, registered):
    c = account
    officer = registered["officer"]
    r = c.new_order(registered["names"])
    ready = r.json
    reg = world.client.get(world.local.url(officer.server, "/ra/api/v1/acme/registrations"), cert=officer.cert).json
    mine = [x for x in reg["registrations"] if x["account_id"] == registered["account_id"]][0]
    assert mine["names"] == registered["names"] and mine["eab"]["bound_at"]
    s = world.client.post(world.local.url(officer.server, f"/ra/api/v1/acme/registrations/{mine['id']}/suspend"),
                          cert=officer.cert, headers={"X-CSRF-Token": officer.csrf},
                          form={"reason": "5", "comment": "server retired"})
    assert s.status == 200 and s.json["accepted"] == 1, s.text
    r = c.new_order(registered["names"])
    assert r.status == 403 and r.problem == "unauthorized" and "suspended" in r.json["detail"]
    _, der = csr(registered["names"])
    assert c.finalize(ready, der).problem == "unauthorized"


def _other_account(world, server):
    officer = world.logged_in(server, Path(tempfile.mkdtemp()), kinds="acme", actions="issue")
    _, kid, hmac_key = eab_of(register(world, officer, [f"x.{officer.inst['domain']}"]))
    other = Acme(world.local.url(server, "/acme/directory"), world.local.ca_cert)
    assert other.new_account(kid, hmac_key).status == 201
    return other


def test_the_database_guards_the_binding(world, registered):
    """What the web role can do with an EAB without its key: nothing."""
    local, kid = world.local, registered["kid"]
    denied = local.psql("SELECT eab_hmac_key FROM acme_registrations LIMIT 1", user="inkan_ra", check=False)
    assert denied.returncode != 0 and "permission denied" in denied.stderr
    key = AccountKey("ES256")
    jwk = json.dumps(key.jwk, sort_keys=True, separators=(",", ":"))
    # A NULL MAC, or a MAC over another key than the one bound, binds nothing.
    for mac, signing_input in (("NULL", "'x.y'::bytea"), ("'\\x00'::bytea", "NULL")):
        out = local.psql(f"SELECT outcome FROM inkan_acme_bind('{kid}', 'HS256', {signing_input}, {mac}, '{jwk}', "
                         f"'{key.thumbprint()}', '{{}}')", user="inkan_ra")
        assert out == "bad-mac", out
    other = AccountKey("ES256")
    binding = eab(kid, registered["hmac"], "https://x/acme/new-account", other)
    signing = f"{binding['protected']}.{binding['payload']}"
    mac = "\\x" + unb64(binding["signature"]).hex()
    out = local.psql(f"SELECT outcome FROM inkan_acme_bind('{kid}', 'HS256', convert_to('{signing}', 'UTF8'), "
                     f"'{mac}'::bytea, '{jwk}', '{key.thumbprint()}', '{{}}')", user="inkan_ra")
    assert out == "bad-mac", out
    # The same call for the key the binding signed succeeds: the checks above were the ones refusing.
    other_jwk = json.dumps(other.jwk, sort_keys=True, separators=(",", ":"))
    out = local.psql(f"SELECT outcome FROM inkan_acme_bind('{kid}', 'HS256', convert_to('{signing}', 'UTF8'), "
                     f"'{mac}'::bytea, '{other_jwk}', '{other.thumbprint()}', '{{}}')", user="inkan_ra")
    assert out == "bound", out
    assert local.psql(f"SELECT eab_hmac_key IS NULL FROM acme_registrations WHERE eab_kid = '{kid}'") == "t"


def test_p256_when_the_service_enables_it(world, server, tmp_path):
    officer = world.logged_in(server, tmp_path, kinds="acme", actions="issue")
    names = [f"ec.{officer.inst['domain']}"]
    _, kid, hmac_key = eab_of(register(world, officer, names, profile="11"))
    c = Acme(world.local.url(server, "/acme/directory"), world.local.ca_cert)
    assert c.new_account(kid, hmac_key).status == 201
    r = c.new_order(names)
    _, p256 = csr(names, "p256")
    refused = c.finalize(r.json, p256)
    assert refused.problem == "badCSR" and "(403)" in refused.json["detail"]
    world.local.inkanctl("profile", "set-keys", "acme-11", "ec-p384,ec-p256")
    try:
        _, chain, _ = c.obtain(names, key_type="p256")
        leaf = pem_certs(chain.body)[0]
        assert leaf.public_key().curve.name == "secp256r1"
    finally:
        world.local.inkanctl("profile", "set-keys", "acme-11", "ec-p384")
