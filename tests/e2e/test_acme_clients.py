"""Real ACME clients from Debian against inkan on nginx and on Apache:
certbot, lego, dehydrated and uacme obtain, renew and revoke; Apache's
mod_md obtains and renews (it has no revocation).  Each uses the EAB an
officer's registration produced, and the key type the registration fixes."""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from acme import eab_of, register

ROOT = Path(__file__).resolve().parents[2]
CONTACT = "admin@example.ac.jp"


class Registration:
    def __init__(self, world, server, tmp_path, profile):
        self.world, self.server, self.profile = world, server, profile
        self.officer = world.logged_in(server, tmp_path, kinds="acme", actions="issue,renew,revoke")
        domain = self.officer.inst["domain"]
        self.names = [f"www.{domain}", f"mail.{domain}"]
        self.account_id, self.kid, self.hmac = eab_of(register(world, self.officer, self.names, profile=profile))
        self.directory = world.local.url(server, "/acme/directory")
        self.ca = str(world.local.ca_cert)

    def check(self, pem_path):
        """The certificate is inkan's, for the registered names and key type; returns its serial as stored."""
        cert = x509.load_pem_x509_certificate(Path(pem_path).read_bytes())
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        assert sans == self.names
        key = cert.public_key()
        if self.profile == "3":
            assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
        else:
            assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp384r1"
        serial = format(cert.serial_number, "x")
        row = self.world.local.psql(f"SELECT kind, profile FROM certificates WHERE serial = '{serial}'")
        assert row == f"acme|acme-{self.profile}", row
        return serial

    def wait_revoked(self, serial, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.world.local.psql(f"SELECT revoked_at IS NOT NULL FROM certificates WHERE serial = '{serial}'") == "t":
                return
            time.sleep(0.2)
        raise AssertionError(f"{serial} was not revoked")


def run(cmd, env=None, cwd=None, check=True, timeout=180):
    res = subprocess.run([str(c) for c in cmd], env={**os.environ, **(env or {})}, cwd=cwd, capture_output=True,
                         text=True, timeout=timeout)
    if check:
        assert res.returncode == 0, f"{cmd[0]} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return res


def test_certbot(world, server, tmp_path):
    reg = Registration(world, server, tmp_path, "3")
    env = {"REQUESTS_CA_BUNDLE": reg.ca}
    dirs = ["--config-dir", tmp_path / "config", "--work-dir", tmp_path / "work", "--logs-dir", tmp_path / "logs"]
    base = ["certbot", *dirs, "--non-interactive", "--server", reg.directory]
    obtain = [*base, "certonly", "--agree-tos", "-m", CONTACT, "--manual", "--manual-auth-hook", "/bin/true",
              "--preferred-challenges", "http", "--key-type", "rsa", "--rsa-key-size", "2048", "--cert-name", "site"]
    # Without the binding, and for a name outside the registration, nothing is issued.
    res = run([*obtain, "-d", reg.names[0]], env, check=False)
    # (certbot reads meta.externalAccountRequired and stops; test_acme_protocol shows the server's refusal)
    assert res.returncode != 0 and "requires external account binding" in res.stdout + res.stderr
    eab = ["--eab-kid", reg.kid, "--eab-hmac-key", reg.hmac]
    res = run([*obtain, *eab, "-d", reg.names[0], "-d", f"other.{reg.officer.inst['domain']}"], env, check=False)
    # (certbot 2.1 on Python 3.11 reports any ACME error as "can't set attribute", certbot
    # issue 9426; the server's problem document is in its log)
    log = (tmp_path / "logs" / "letsencrypt.log").read_text()
    assert res.returncode != 0 and "rejectedIdentifier" in log and "is not one of the names registered" in log
    # The EAB was not used up by the refused order: the account exists now and orders work.
    run([*obtain, *eab, "-d", reg.names[0], "-d", reg.names[1]], env)
    live = tmp_path / "config" / "live" / "site"
    first = reg.check(live / "cert.pem")
    run([*base, "renew", "--cert-name", "site", "--force-renewal", "--no-random-sleep-on-renew"], env)
    second = reg.check(live / "cert.pem")
    assert second != first
    run([*base, "revoke", "--cert-name", "site", "--reason", "superseded", "--no-delete-after-revoke"], env)
    reg.wait_revoked(second)


def test_lego(world, server, tmp_path):
    reg = Registration(world, server, tmp_path, "11")
    env = {"LEGO_CA_CERTIFICATES": reg.ca}
    account = ["lego", "--server", reg.directory, "--eab", "--kid", reg.kid, "--hmac", reg.hmac, "--email", CONTACT,
               "--accept-tos", "--path", tmp_path / "lego"]
    base = [*account, "--key-type", "ec384", "--http", "--http.port", "127.0.0.1:0", "-d", reg.names[0], "-d",
            reg.names[1]]
    run([*base, "run"], env)
    crt = tmp_path / "lego" / "certificates" / f"{reg.names[0]}.crt"
    first = reg.check(crt)
    run([*base, "renew", "--days", "100", "--no-random-sleep"], env)
    second = reg.check(crt)
    assert second != first
    run([*account, "-d", reg.names[0], "revoke", "--reason", "4"], env)
    reg.wait_revoked(second)
    # A suspended registration gets no certificate, even for an existing account.
    regs = world.client.get(world.local.url(server, "/ra/api/v1/acme/registrations"), cert=reg.officer.cert).json
    mine = [r for r in regs["registrations"] if r["account_id"] == reg.account_id][0]
    s = world.client.post(world.local.url(server, f"/ra/api/v1/acme/registrations/{mine['id']}/suspend"),
                          cert=reg.officer.cert, headers={"X-CSRF-Token": reg.officer.csrf},
                          form={"reason": "5", "comment": "decommissioned"})
    assert s.status == 200 and s.json["accepted"] == 1, s.text
    res = run([*base, "run"], env, check=False)
    assert res.returncode != 0 and "suspended" in res.stdout + res.stderr


def test_dehydrated(world, server, tmp_path):
    reg = Registration(world, server, tmp_path, "3")
    (tmp_path / "wellknown").mkdir()
    config = tmp_path / "config"
    config.write_text(f'CA="{reg.directory}"\nBASEDIR="{tmp_path}"\nWELLKNOWN="{tmp_path / "wellknown"}"\n'
                      f'CHALLENGETYPE="http-01"\nKEY_ALGO=rsa\nKEYSIZE=2048\nCONTACT_EMAIL="{CONTACT}"\n'
                      f'EAB_KID="{reg.kid}"\nEAB_HMAC_KEY="{reg.hmac}"\n')
    env = {"CURL_CA_BUNDLE": reg.ca}
    run(["dehydrated", "-f", config, "--register", "--accept-terms"], env)
    domains = " ".join(reg.names)
    run(["dehydrated", "-f", config, "-c", "-d", domains], env)
    cert = tmp_path / "certs" / reg.names[0] / "cert.pem"
    first = reg.check(cert)
    run(["dehydrated", "-f", config, "-c", "--force", "-d", domains], env)
    second = reg.check(cert)
    assert second != first
    run(["dehydrated", "-f", config, "-r", cert.resolve()], env)
    reg.wait_revoked(second)


@pytest.mark.skipif(os.geteuid() != 0, reason="uacme trusts only the system bundle: needs a private mount (root)")
def test_uacme(world, server, tmp_path):
    reg = Registration(world, server, tmp_path, "11")
    conf = tmp_path / "uacme"
    uacme = f"uacme -c {conf} -a {reg.directory} -t EC -b 384 -y"
    cert = conf / reg.names[0] / "cert.pem"

    def in_namespace(*commands):
        # uacme (libcurl-gnutls) reads only the system CA bundle: give it the
        # test CA in a private mount namespace instead of changing the machine's.
        script = f"mount --bind {reg.ca} /etc/ssl/certs/ca-certificates.crt && " + " && ".join(commands)
        run(["unshare", "-m", "sh", "-c", script])

    in_namespace(f"{uacme} -e {reg.kid}:{reg.hmac} new {CONTACT}", f"{uacme} issue {' '.join(reg.names)}")
    first = reg.check(cert)
    in_namespace(f"{uacme} -f issue {' '.join(reg.names)}")
    second = reg.check(cert)
    assert second != first
    in_namespace(f"{uacme} -r 4 revoke {cert}")
    reg.wait_revoked(second)


def served_serial(port, name, timeout=60):
    """The serial of the certificate Apache serves for `name`, once it is one of inkan's."""
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                with ctx.wrap_socket(s, server_hostname=name) as tls:
                    cert = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
            if "inkan" in cert.issuer.rfc4514_string().lower():
                return format(cert.serial_number, "x")
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("Apache does not serve an inkan certificate")


@pytest.mark.skipif(os.geteuid() != 0, reason="runs its own Apache httpd as www-data (root)")
def test_mod_md(world, server, tmp_path):
    reg = Registration(world, server, tmp_path, "3")
    # Apache's children (www-data) write the md store: a directory they can reach.
    state = world.local.state / f"mod-md-{server}-{reg.account_id}"
    (state / "run").mkdir(parents=True)
    os.chmod(state, 0o755)
    port = world.local.port(f"mod_md_{server}_{reg.account_id}")
    http_port = world.local.port(f"mod_md_http_{server}_{reg.account_id}")
    conf = state / "apache.conf"

    def render(window):
        text = (ROOT / "conf-examples" / "apache-mod_md-client.conf").read_text()
        for key, value in {"PORT": port, "HTTP_PORT": http_port, "STATE": state, "USER_LINES": "User www-data\nGroup www-data",
                           "DIRECTORY": reg.directory, "CA_FILE": reg.ca, "EAB_KID": reg.kid, "EAB_HMAC": reg.hmac,
                           "CONTACT": CONTACT, "KEY_TYPE": "RSA 2048", "RENEW_WINDOW": window,
                           "NAMES": " ".join(reg.names), "CN": reg.names[0]}.items():
            text = text.replace(f"@{key}@", str(value))
        conf.write_text(text)

    def staged():
        path = state / "md" / "staging" / reg.names[0] / "pubcert.pem"
        deadline = time.time() + 90
        while not path.exists():
            assert time.time() < deadline, (state / "error.log").read_text()[-4000:]
            time.sleep(0.5)
        return path

    render("33%")
    proc = subprocess.Popen(["apache2", "-f", conf, "-DFOREGROUND"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        first = reg.check(staged())
        # mod_md activates a new certificate on a graceful restart.
        run(["apache2", "-f", conf, "-k", "graceful"])
        assert served_serial(port, reg.names[0]) == first
        # A renewal window longer than the lifetime: renewal is due at once.
        shutil.rmtree(state / "md" / "staging", ignore_errors=True)
        render("100d")
        run(["apache2", "-f", conf, "-k", "graceful"])
        second = reg.check(staged())
        assert second != first
        run(["apache2", "-f", conf, "-k", "graceful"])
        assert served_serial(port, reg.names[0]) == second
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
