"""Institutions that demand http-01 and/or dns-01 on top of the officers'
registrations: inkan's validator (the mailer process) fetches the key
authorization from a loopback web server or a TXT record from a loopback DNS
server, failed validations block a registration for the rest of the day, the
signer refuses a name nobody validated, and real clients (certbot with
http-01, lego with dns-01) get certificates, on nginx and Apache."""

import base64
import hashlib
import os
import stat
import subprocess
import time

import pytest
from cryptography import x509

from acme import Acme, csr, eab_of, register
from responders import DnsResponder, HttpResponder

CONTACT = "admin@example.ac.jp"

HOOK = """#!/usr/bin/python3
import json, sys
action, name, value = sys.argv[1:4]
if action == "present":
    zone = json.load(open("{zone}"))
    zone.setdefault(name.rstrip(".").lower(), []).append(value)
    json.dump(zone, open("{zone}", "w"))
"""


@pytest.fixture
def validating(world, server, tmp_path):
    """A registration of an institution that demands `types`, and the loopback responders."""
    local = world.local
    http_port, dns_port = local.port(f"http01-{server}"), local.port(f"dns01-{server}")
    http, dns = HttpResponder(http_port), DnsResponder(dns_port, tmp_path / "zone.json")
    local.inkanctl("setting", "set", "acme_validation_address", "127.0.0.1")
    local.inkanctl("setting", "set", "acme_http01_port", str(http_port))
    local.inkanctl("setting", "set", "acme_dns_server", f"127.0.0.1:{dns_port}")

    def make(types, profile="3", bind=True):
        officer = world.logged_in(server, tmp_path, kinds="acme", actions="issue,renew,revoke")
        local.inkanctl("institution", "set-acme-challenges", officer.inst["id"], types)
        names = [f"www.{officer.inst['domain']}", f"api.{officer.inst['domain']}"]
        _, kid, hmac_key = eab_of(register(world, officer, names, profile=profile))
        client = Acme(local.url(server, "/acme/directory"), local.ca_cert)
        if bind:
            assert client.new_account(kid, hmac_key).status == 201
        return {"officer": officer, "names": names, "kid": kid, "hmac": hmac_key, "client": client,
                "http": http, "dns": dns, "http_port": http_port, "dns_port": dns_port, "ca": str(local.ca_cert)}

    try:
        yield make
    finally:
        http.close()
        dns.close()
        local.inkanctl("setting", "set", "acme_failure_limit", "20")


def key_authorization(client, token):
    return f"{token}.{client.key.thumbprint()}"


def wait_for(client, url, statuses, timeout=30):
    deadline = time.time() + timeout
    while True:
        r = client.post(url, None)
        if r.json["status"] in statuses or time.time() > deadline:
            return r
        time.sleep(0.2)


def challenges(client, order, kind):
    out = []
    for authz_url in order["authorizations"]:
        authz = client.post(authz_url, None).json
        assert authz["status"] == "pending"
        out.append((authz_url, authz["identifier"]["value"], [c for c in authz["challenges"] if c["type"] == kind][0]))
    return out


def test_http01_then_issue(validating):
    v = validating("http-01")
    c = v["client"]
    r = c.new_order(v["names"])
    assert r.status == 201 and r.json["status"] == "pending", r.body
    order_url, order = r.headers["location"], r.json
    # Nothing validated yet: finalize is refused.
    _, der = csr(v["names"])
    assert c.finalize(order, der).problem == "orderNotReady"
    for authz_url, name, ch in challenges(c, order, "http-01"):
        v["http"].answers[ch["token"]] = key_authorization(c, ch["token"])
        answer = c.post(ch["url"], {})
        assert answer.status == 200 and answer.json["status"] in ("processing", "valid"), answer.body
        assert f"<{authz_url}>;rel=\"up\"" in answer.headers["link"]
        assert wait_for(c, authz_url, ("valid", "invalid")).json["status"] == "valid"
        assert c.post(ch["url"], None).json["validated"]
    assert c.post(order_url, None).json["status"] == "ready"
    assert c.finalize(order, der).status == 200
    assert wait_for(c, order_url, ("valid", "invalid")).json["status"] == "valid"


def test_dns01_then_issue(validating):
    v = validating("dns-01", profile="11")
    c = v["client"]
    r = c.new_order(v["names"])
    order_url, order = r.headers["location"], r.json
    for authz_url, name, ch in challenges(c, order, "dns-01"):
        digest = base64.urlsafe_b64encode(hashlib.sha256(key_authorization(c, ch["token"]).encode()).digest())
        v["dns"].publish(f"_acme-challenge.{name}", digest.rstrip(b"=").decode())
        c.post(ch["url"], {})
        assert wait_for(c, authz_url, ("valid", "invalid")).json["status"] == "valid"
    _, der = csr(v["names"], "p384")
    assert c.finalize(order, der).status == 200
    assert wait_for(c, order_url, ("valid", "invalid")).json["status"] == "valid"


def test_failed_validations_block_the_day(world, validating):
    world.local.inkanctl("setting", "set", "acme_failure_limit", "2")
    v = validating("http-01,dns-01")
    c = v["client"]
    for _ in range(2):
        r = c.new_order(v["names"][:1])
        order_url = r.headers["location"]
        authz_url, name, ch = challenges(c, r.json, "http-01")[0]
        # Both types are offered; nothing answers this one.
        assert {x["type"] for x in c.post(authz_url, None).json["challenges"]} == {"http-01", "dns-01"}
        c.post(ch["url"], {})
        failed = wait_for(c, authz_url, ("valid", "invalid"))
        assert failed.json["status"] == "invalid"
        error = c.post(ch["url"], None).json["error"]
        assert error["type"] == "urn:ietf:params:acme:error:unauthorized" and "404" in error["detail"]
        assert c.post(order_url, None).json["status"] == "invalid"
    r = c.new_order(v["names"][:1])
    assert r.status == 429 and r.problem == "rateLimited" and int(r.headers["retry-after"]) > 0
    registrations = world.client.get(world.local.url(v["officer"].server, "/ra/api/v1/acme/registrations"),
                                     cert=v["officer"].cert).json["registrations"]
    detail = world.client.get(world.local.url(v["officer"].server, f"/ra/api/v1/acme/registrations/{registrations[0]['id']}"),
                              cert=v["officer"].cert).json
    # The officer sees why each order failed.
    assert [o["status"] for o in detail["orders"]] == ["invalid", "invalid"]
    assert all("404" in o["error"] for o in detail["orders"]), detail["orders"]


def test_nothing_skips_the_validation(world, validating):
    """The web role can create orders only through the database's function, cannot make one ready,
    and the signer refuses names that no validator validated even if an order were forged."""
    v = validating("http-01")
    local = world.local
    account = local.psql(f"SELECT a.id FROM acme_accounts a JOIN acme_registrations r ON r.id = a.registration_id "
                         f"WHERE r.eab_kid = '{v['kid']}'")
    names = "{" + ",".join(v["names"]) + "}"
    forged = local.psql(f"INSERT INTO acme_orders (account_id, names, status, expires_at) VALUES "
                        f"({account}, '{names}', 'ready', now() + interval '1 hour')", user="inkan_ra", check=False)
    assert forged.returncode != 0 and "permission denied" in forged.stderr
    order = local.psql(f"SELECT inkan_acme_new_order({account}, '{names}', 3600, NULL, NULL)", user="inkan_ra")
    local.psql(f"UPDATE acme_orders SET status = 'ready' WHERE id = {order}", user="inkan_ra")
    _, der = csr(v["names"])
    submit = f"SELECT inkan_submit_acme({order}, '\\x{der.hex()}'::bytea)"
    refused = local.psql(submit, user="inkan_ra", check=False)
    assert refused.returncode != 0 and "is not ready" in refused.stderr
    # Were the authorizations marked valid behind the validator's back (here by the schema owner),
    # the signer would still find no validated challenge.
    local.psql(f"UPDATE acme_authorizations SET status = 'valid' WHERE order_id = {order}")
    application = local.psql(submit, user="inkan_ra")
    deadline = time.time() + 30
    while (state := local.psql(f"SELECT state FROM applications WHERE id = {application}")) == "queued":
        assert time.time() < deadline
        time.sleep(0.2)
    assert state == "failed"
    assert "was not validated" in local.psql(f"SELECT error FROM applications WHERE id = {application}")


def issued_serial(world, pem_path, names):
    """The certificate is inkan's for `names`; returns its serial as stored."""
    cert = x509.load_pem_x509_certificate(pem_path.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert sans == names
    serial = format(cert.serial_number, "x")
    assert world.local.psql(f"SELECT kind FROM certificates WHERE serial = '{serial}'") == "acme"
    return serial


def validated_names(world, kid, kind):
    return world.local.psql(
        "SELECT string_agg(DISTINCT z.name, ',' ORDER BY z.name) FROM acme_challenges ch "
        "JOIN acme_authorizations z ON z.id = ch.authorization_id JOIN acme_orders o ON o.id = z.order_id "
        "JOIN acme_accounts a ON a.id = o.account_id JOIN acme_registrations r ON r.id = a.registration_id "
        f"WHERE r.eab_kid = '{kid}' AND ch.type = '{kind}' AND ch.status = 'valid'")


def test_certbot_with_http01(world, validating, tmp_path):
    v = validating("http-01", bind=False)
    v["http"].close()  # certbot's standalone server answers on that port instead
    dirs = ["--config-dir", tmp_path / "cb", "--work-dir", tmp_path / "cb", "--logs-dir", tmp_path / "cb"]
    res = subprocess.run([str(x) for x in [
        "certbot", *dirs, "--non-interactive", "--server", v["client"].directory_url, "certonly", "--agree-tos",
        "-m", CONTACT, "--eab-kid", v["kid"], "--eab-hmac-key", v["hmac"], "--standalone", "--http-01-address",
        "127.0.0.1", "--http-01-port", v["http_port"], "--key-type", "rsa", "--rsa-key-size", "2048",
        "--cert-name", "site", "-d", v["names"][0], "-d", v["names"][1]]],
        capture_output=True, text=True, timeout=180, env={**os.environ, "REQUESTS_CA_BUNDLE": v["ca"]})
    assert res.returncode == 0, res.stdout + res.stderr
    issued_serial(world, tmp_path / "cb" / "live" / "site" / "cert.pem", v["names"])
    assert validated_names(world, v["kid"], "http-01") == ",".join(sorted(v["names"]))


def test_lego_with_dns01(world, validating, tmp_path):
    v = validating("dns-01", profile="11", bind=False)
    hook = tmp_path / "publish.py"
    # lego's exec provider runs "<hook> present <fqdn> <value>": publish the TXT record in the loopback zone.
    hook.write_text(HOOK.format(zone=v["dns"].zone))
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    res = subprocess.run([str(x) for x in [
        "lego", "--server", v["client"].directory_url, "--eab", "--kid", v["kid"], "--hmac", v["hmac"],
        "--email", CONTACT, "--accept-tos", "--path", tmp_path / "lego", "--key-type", "ec384",
        "--dns", "exec", "--dns.resolvers", f"127.0.0.1:{v['dns_port']}", "--dns.disable-cp",
        "-d", v["names"][0], "-d", v["names"][1], "run"]],
        capture_output=True, text=True, timeout=180,
        env={**os.environ, "LEGO_CA_CERTIFICATES": v["ca"], "EXEC_PATH": str(hook),
             "EXEC_PROPAGATION_TIMEOUT": "10", "EXEC_POLLING_INTERVAL": "1"})
    assert res.returncode == 0, res.stdout + res.stderr
    issued_serial(world, tmp_path / "lego" / "certificates" / f"{v['names'][0]}.crt", v["names"])
    assert validated_names(world, v["kid"], "dns-01") == ",".join(sorted(v["names"]))
