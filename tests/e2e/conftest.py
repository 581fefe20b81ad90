"""Fixtures for the end-to-end suite: one local inkan (PostgreSQL, SMTP sink,
worker, nginx, Apache) for the whole session, and helpers that register
institutions and officers through the real inkanctl."""

import base64
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
sys.path.insert(0, str(Path(__file__).parent))

from inkan_local import Local  # noqa: E402
from client import Client  # noqa: E402

SERVERS = ["nginx", "apache"]


@pytest.fixture(scope="session")
def local():
    state = Path(tempfile.mkdtemp(prefix="inkan-e2e-"))
    env = Local(state)
    try:
        env.up(servers=SERVERS)
        # Fast retries so the mail-retry test does not wait for minutes.
        env.inkanctl("setting", "set", "mail_retry_seconds", "1")
        yield env
    finally:
        env.down()
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(params=SERVERS)
def server(request):
    return request.param


class World:
    """Registers things the way the service desk does, with unique names."""

    counter = itertools.count(1)

    def __init__(self, local):
        self.local = local
        self.client = Client(local.ca_cert)

    def institution(self, name=None):
        n = next(self.counter)
        inst = self.local.inkanctl("institution", "add", "--name-en", name or f"Test University {n}",
                                   "--st", "Tokyo", "--l", "Chiyoda-ku")
        domain = f"univ{n}.ac.jp"
        self.local.inkanctl("domain", "add", domain, "--institution", inst["id"])
        inst["domain"] = domain
        return inst

    def officer(self, inst, kinds="server,client", actions="issue,renew,revoke,export", subtree=None):
        n = next(self.counter)
        off = self.local.inkanctl("officer", "add", "--institution", inst["id"], "--name", f"Officer {n}",
                                  "--email", f"officer{n}@{inst['domain']}")
        args = ["grant", "add", "--officer", off["officer_id"], "--domain", inst["domain"],
                "--kinds", kinds, "--actions", actions]
        if subtree:
            args += ["--subtree", subtree]
        self.local.inkanctl(*args)
        return off

    def pickup_token(self, email):
        mail = self.local.wait_for_mail(lambda m: m["to"] == email and m["kind"] == "officer-pickup")
        return re.search(r"/pickup\?t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)

    def pickup(self, server, officer, tmp_path):
        """Completes the pickup with the PIN; returns (p12 path, password, response json)."""
        token = self.pickup_token(officer["mailed_to"])
        r = self.client.post(self.local.url(server, "/enroll/pickup"), form={"t": token, "pin": officer["pin"]},
                             headers={"Accept": "application/json"})
        r = self.collect(server, r)
        p12 = tmp_path / f"officer-{officer['officer_id']}-{r.json['serial']}.p12"
        p12.write_bytes(base64.b64decode(r.json["pkcs12"]))
        return p12, r.json["password"], r.json

    def collect(self, server, queued, timeout=30):
        """Polls the collect endpoint of a queued (202) officer certificate until the PKCS#12 is there."""
        assert queued.status == 202 and queued.json["status"] == "issuing", queued.text
        form = {"a": queued.json["application"], "resume": queued.json["resume"]}
        deadline = time.time() + timeout
        while True:
            r = self.client.post(self.local.url(server, "/enroll/collect"), form=form,
                                 headers={"Accept": "application/json"})
            if r.status != 202:
                assert r.status == 200, r.text
                return r
            assert time.time() < deadline, "the certificate was not issued in time"
            time.sleep(0.1)

    def foreign_certificate(self, tmp_path, ca_key_glob="*officer-ca.key", role="officer"):
        """A client certificate the server trusts (same CA) but inkan never issued."""
        keys = self.local.state / "worker-keys"
        ca_key = next(keys.glob(ca_key_glob))
        ca_pem = tmp_path / "ca.pem"
        ca_pem.write_text(self.local.inkanctl("ca", "cert", "--role", role))
        key, csr, crt, p12 = (tmp_path / n for n in ("f.key", "f.csr", "f.pem", "f.p12"))
        run = lambda *a: subprocess.run([str(x) for x in a], check=True, capture_output=True)  # noqa: E731
        run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-subj",
            "/C=JP/O=Somebody/CN=Not An Officer", "-out", csr)
        run("openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "30", "-out", crt)
        run("openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-passout", "pass:secret", "-out", p12)
        return p12, "secret"


    def logged_in(self, server, tmp_path, inst=None, kinds="server",
                  actions="issue,renew,revoke,export,stats,allowlist,subscriber", subtree=None):
        """An officer who picked up a certificate; returns an Officer handle."""
        inst = inst or self.institution()
        off = self.officer(inst, kinds=kinds, actions=actions, subtree=subtree)
        p12, password, _ = self.pickup(server, off, tmp_path)
        me = self.client.get(self.local.url(server, "/ra/api/v1/me"), cert=(p12, password)).json
        return Officer(inst, off, (p12, password), me["csrf_token"], server)

    def upload(self, officer, content, apply_type="1", error_flg="1", filename="apply.tsv"):
        return self.client.post(self.local.url(officer.server, "/ra/api/v1/batches"), cert=officer.cert,
                                headers={"X-CSRF-Token": officer.csrf}, files={"file": (filename, content)},
                                fields={"applyType": apply_type, "errorFlg": error_flg})

    def wait_for_batch(self, batch_id, timeout=60):
        """Waits until the worker has handled every application of a batch; returns {line: (state, serial)}."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            rows = self.local.psql(
                f"SELECT a.line_no, a.state, coalesce(c.serial, ''), coalesce(a.error, '') FROM applications a "
                f"LEFT JOIN certificates c ON c.id = a.certificate_id WHERE a.batch_id = {batch_id} ORDER BY a.line_no")
            parsed = [r.split("|") for r in rows.splitlines()]
            assert all(len(p) > 1 for p in parsed), rows
            if parsed and all(p[1] != "queued" for p in parsed):
                return {int(p[0]): (p[1], p[2], p[3]) for p in parsed}
            time.sleep(0.2)
        raise AssertionError(f"batch {batch_id} not processed in {timeout}s: {rows}")


@dataclass
class Officer:
    inst: dict
    off: dict
    cert: tuple
    csrf: str
    server: str


@pytest.fixture
def world(local):
    return World(local)
