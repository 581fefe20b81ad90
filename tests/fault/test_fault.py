"""Crash and fault test (issue 7, finding 14).

Queues N server applications (INKAN_FAULT_APPLICATIONS, 200 in CI; 1,000 via
scripts/fault-test) through the officer API of nginx and Apache, and while
the worker issues them: kills the worker with SIGKILL several times,
restarts PostgreSQL once and reloads nginx once.  Then every application must
be issued exactly once -- no lost one, no duplicate serial, no certificate
without its OCSP responses and its download-link mail -- and the audit chain
must verify.  Runs its own private stack, not the e2e session's.
"""

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import World  # noqa: E402
from inkan_local import Local  # noqa: E402
from upki import dn, issue_line, tsv  # noqa: E402

N = int(os.environ.get("INKAN_FAULT_APPLICATIONS", "200"))
O, L, ST = "Fault University", "Chiyoda-ku", "Tokyo"
PER_FILE = 99


@pytest.fixture
def stack():
    state = Path(tempfile.mkdtemp(prefix="inkan-fault-"))
    state.chmod(0o755)
    local = Local(state)
    try:
        local.up(servers=("nginx", "apache"))
        yield local
    finally:
        local.down()
        shutil.rmtree(state, ignore_errors=True)


def csr_line(i, domain, rsa_keys):
    """An issue line with a CSR made in-process (openssl per line would dominate the run)."""
    fqdn = f"h{i}.{domain}"
    key, profile, digest = (rsa_keys[i % len(rsa_keys)], "3", hashes.SHA256()) if i % 4 == 0 else \
        (ec.generate_private_key(ec.SECP384R1()), "11", hashes.SHA384())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                         x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, ST),
                         x509.NameAttribute(NameOID.LOCALITY_NAME, L),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, O),
                         x509.NameAttribute(NameOID.COMMON_NAME, fqdn)])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, digest)
    body = "".join(csr.public_bytes(serialization.Encoding.PEM).decode().splitlines()[1:-1])
    return issue_line(dn(fqdn, O, L, ST), body, fqdn, f"sub{i}@{domain}", profile=profile)


def upload(world, officer, lines, deadline=60):
    """Uploads one file; a 503 while PostgreSQL restarts is retried, anything else fails."""
    while True:
        reply = world.upload(officer, tsv(lines))
        if reply.status == 200:
            assert reply.json["accepted"] == len(lines), reply.text
            return reply.json["batch_id"]
        assert reply.status == 503 and reply.json["error"]["code"] == "520", reply.text
        deadline -= 0.5
        assert deadline > 0, "the database did not come back"
        time.sleep(0.5)


class Faults:
    """Kills the worker, restarts PostgreSQL and reloads nginx as issuance crosses given fractions."""

    def __init__(self, local):
        self.local, self.kills, self.done = local, 0, set()

    def kill_worker(self):
        os.kill(self.local.procs["worker"].pid, signal.SIGKILL)
        self.local.procs["worker"].wait()
        self.local.procs.pop("worker")
        self.local.start_worker()
        self.kills += 1

    def reload_nginx(self):
        """SIGHUP: new nginx workers with fresh connection pools, the old ones finish their requests."""
        os.kill(self.local.procs["nginx"].pid, signal.SIGHUP)

    def at(self, fraction, issued, action):
        if fraction not in self.done and issued >= fraction * N:
            self.done.add(fraction)
            action()


def count(local, sql):
    while True:
        try:
            return int(local.psql(sql))
        except RuntimeError:  # PostgreSQL restarting
            time.sleep(0.2)


def test_every_application_is_issued_exactly_once(stack):
    local, world = stack, World(stack)
    inst = world.institution(name=O)
    officers = {server: world.logged_in(server, Path(tempfile.mkdtemp(dir=local.state)), inst=inst)
                for server in ("nginx", "apache")}
    domain = inst["domain"]
    rsa_keys = [rsa.generate_private_key(65537, 2048) for _ in range(4)]
    lines = [csr_line(i, domain, rsa_keys) for i in range(N)]
    files = [lines[i:i + PER_FILE] for i in range(0, N, PER_FILE)]

    # Most files are queued while the worker is down; the rest arrive during the faults.
    local.stop_worker()
    early, late = files[:max(1, len(files) * 3 // 4)], files[max(1, len(files) * 3 // 4):]
    batches = [upload(world, officers[("nginx", "apache")[k % 2]], f) for k, f in enumerate(early)]
    start = time.time()
    local.start_worker()
    faults = Faults(local)
    batch_list = lambda: ",".join(map(str, batches))  # noqa: E731
    while True:
        issued = count(local, f"SELECT count(*) FROM applications WHERE batch_id IN ({batch_list()}) "
                              f"AND state <> 'queued'")
        faults.at(0.05, issued, faults.kill_worker)
        faults.at(0.20, issued, faults.kill_worker)
        faults.at(0.35, issued, local.restart_postgres)
        faults.at(0.45, issued, faults.reload_nginx)
        faults.at(0.55, issued, faults.kill_worker)
        if late and issued >= 0.6 * N * len(early) / len(files):
            batches += [upload(world, officers[("nginx", "apache")[k % 2]], f) for k, f in enumerate(late)]
            late = []
        faults.at(0.70, issued, faults.kill_worker)
        if not late and issued == N:
            break
        assert time.time() - start < 60 + N / 5, f"only {issued} of {N} handled"
        time.sleep(0.05)
    elapsed = time.time() - start
    assert faults.kills >= 3 and len(faults.done) == 6, faults.done

    apps = f"SELECT id FROM applications WHERE batch_id IN ({batch_list()})"
    assert count(local, f"SELECT count(*) FROM ({apps}) a") == N
    states = local.psql(f"SELECT state || ':' || count(*) FROM applications WHERE batch_id IN ({batch_list()}) "
                        f"GROUP BY state")
    assert states == f"issued:{N}", states
    certs = f"SELECT * FROM certificates WHERE application_id IN ({apps})"
    assert count(local, f"SELECT count(*) FROM ({certs}) c") == N
    assert count(local, f"SELECT count(DISTINCT application_id) FROM ({certs}) c") == N
    assert count(local, f"SELECT count(DISTINCT serial) FROM ({certs}) c") == N
    assert count(local, f"SELECT count(*) FROM applications a JOIN certificates c ON c.id = a.certificate_id "
                        f"AND c.application_id = a.id WHERE a.id IN ({apps})") == N
    assert count(local, f"SELECT count(*) FROM ocsp_responses o JOIN ({certs}) c ON c.id = o.certificate_id "
                        f"WHERE o.der IS NOT NULL AND o.der_sha256 IS NOT NULL") == N
    # One download-link mail per subscriber (each line has its own address), all delivered.  The
    # mailer composes them after the signer's hand-over, so it may still be at it: wait, then count.
    links = "SELECT recipients[1] AS rcpt, state FROM mail_outbox WHERE kind = 'server-download-link'"
    composed = f"SELECT count(DISTINCT rcpt) FROM ({links}) m WHERE rcpt LIKE 'sub%@{domain}'"
    deadline = time.time() + 60
    while count(local, composed) < N and time.time() < deadline:
        time.sleep(0.5)
    assert count(local, composed) == N
    assert count(local, f"SELECT count(*) FROM ({links}) m WHERE rcpt LIKE 'sub%@{domain}'") == N
    deadline = time.time() + 60
    while count(local, f"SELECT count(*) FROM ({links}) m WHERE state = 'queued'") and time.time() < deadline:
        time.sleep(0.5)
    assert count(local, f"SELECT count(*) FROM ({links}) m WHERE state = 'queued'") == 0
    verified = local.inkanctl("audit", "verify")
    assert verified["ok"] is True, verified
    print(f"\nfault test: {N} applications, {N} certificates, {faults.kills} worker kills, "
          f"1 PostgreSQL restart, 1 nginx reload, {elapsed:.1f} s, {N / elapsed:.1f} certificates/s, "
          f"audit chain of {verified['rows']} rows verified")
