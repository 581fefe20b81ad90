"""inkan benchmark (not a test): each figure next to a reference measured in
the same run on the same machine (bench/references.py).

    /usr/bin/python3 bench/run.py [--rounds N] [--certs N]     # as root, after scripts/build

- upload: a 99-line UPKI file validated and recorded (worker stopped), next to
  `openssl speed` RSA-2048 verification (every CSR is verified);
- issuance: certificates per second from a full queue (queued → signed → OCSP
  responses signed → stored → handed to the mailer; the mailer waits meanwhile),
  next to cfssl's sign API
  with the same CA key type and to the `openssl speed` ceiling for the
  signatures each certificate needs (itself and two OCSP responses); once with
  the RSA-2048 server CA, once with a P-256 one (`ca import`);
- OCSP GET and CRL GET on nginx's and Apache's plain-http listeners, each next
  to the same server serving a 1.5 KB static file on that listener (wrk, 16
  keep-alive connections);
- officer API latency: /api/v1/me and a certificate list at 50 concurrent
  clients presenting the officer certificate (ab -E, keep-alive), next to
  nginx serving the console's static index.html on the same TLS listener with
  the same certificate.

Writes bench/results/latest.json.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "bench"))
from client import Client  # noqa: E402
from inkan_local import Local  # noqa: E402
from references import ab_latency, add_static_file, cfssl_sign_rate, openssl_speed, wrk  # noqa: E402
from upki import dn, issue_line, openssl_csr, tsv  # noqa: E402

# Signatures each certificate needs: itself and its two pre-signed OCSP responses (for SHA-1 and
# SHA-256 CertIDs; one SingleResponse each, as clients such as Go's ocsp.ParseResponse require).
SIGNATURES_PER_CERTIFICATE = 3

O, L, ST = "Bench University", "Chiyoda-ku", "Tokyo"
DOMAIN = "bench.ac.jp"


def setup(local, client, tmp):
    inst = local.inkanctl("institution", "add", "--name-en", O, "--st", ST, "--l", L)
    local.inkanctl("domain", "add", DOMAIN, "--institution", inst["id"])
    off = local.inkanctl("officer", "add", "--institution", inst["id"], "--name", "Bench Officer",
                         "--email", f"officer@{DOMAIN}")
    local.inkanctl("grant", "add", "--officer", off["officer_id"], "--domain", DOMAIN, "--kinds", "server",
                   "--actions", "issue,renew,revoke,export")
    mail = local.wait_for_mail(lambda m: m["to"] == f"officer@{DOMAIN}")
    token = re.search(r"t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)
    queued = client.post(local.url("nginx", "/enroll/pickup"), form={"t": token, "pin": off["pin"]}).json
    while True:  # the signer issues the officer certificate; collect it
        r = client.post(local.url("nginx", "/enroll/collect"), form={"a": queued["application"], "resume": queued["resume"]})
        if r.status == 200:
            break
        time.sleep(0.1)
    p12 = tmp / "officer.p12"
    p12.write_bytes(base64.b64decode(r.json["pkcs12"]))
    cert = (p12, r.json["password"])
    csrf = client.get(local.url("nginx", "/ra/api/v1/me"), cert=cert).json["csrf_token"]
    return cert, csrf


def make_file(tmp, n, tag, profile="3", key="rsa"):
    """An n-line upload, each line with a key of its own (made by openssl, one process per core)."""
    def line(i):
        host = f"h{tag}-{i}.{DOMAIN}"
        csr, _, _ = openssl_csr(tmp, host, O, L, ST, name=f"b{tag}-{i}", key=key)
        return issue_line(dn(host, O, L, ST), csr, host, f"admin@{DOMAIN}", profile=profile)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return tsv(list(pool.map(line, range(n))))


class Watch:
    """One psql session kept open for polling: a new psql per poll would cost more CPU (a process
    and a backend each time) than the signer spends on a certificate, and distort the figure."""

    def __init__(self, local):
        self.proc = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-d", local.conninfo(local.pg_user)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def value(self, sql):
        self.proc.stdin.write(sql.rstrip(";") + ";\n")
        return self.proc.stdout.readline().strip()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def timed_issuance(local, client, cert, csrf, files):
    """Uploads the files with the signer stopped, starts it, and times until every line is issued:
    (certificates per second, how many, failures).  The mailer is paused meanwhile: the pipeline
    timed ends with the certificate handed over for mail, as cfssl's ends with the signature, and
    the mails go out once the timing ends."""
    local.stop_worker()
    batches = [timed_upload(local, client, cert, csrf, f)[1] for f in files]
    ids = ",".join(map(str, batches))
    queued = int(local.psql(f"SELECT count(*) FROM applications WHERE batch_id IN ({ids})"))
    local.stop_mailer()
    watch = Watch(local)
    pending = f"SELECT count(*) FROM applications WHERE batch_id IN ({ids}) AND state = 'queued'"
    start = time.perf_counter()
    local.start_worker()
    while watch.value(pending) != "0":
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    watch.close()
    local.start_mailer()
    failed = int(local.psql(f"SELECT count(*) FROM applications WHERE batch_id IN ({ids}) AND state <> 'issued'"))
    return queued / elapsed, queued, failed


def use_p256_server_ca(local, tmp):
    """Replaces the ECC server CA with a P-256 one below the same root (what `ca import` is for), so
    profile 11 certificates are signed with ECDSA P-256."""
    keys = local.state / "worker-keys"
    root = next(ca for ca in local.inkanctl("ca", "list") if ca["role"] == "root" and ca["active"])
    root_pem = tmp / "root.pem"
    root_pem.write_text(local.inkanctl("ca", "cert", "--role", "root"))
    key, csr, pem, ext = (tmp / f"p256-ca.{n}" for n in ("key", "csr", "pem", "ext"))
    run = lambda *a: subprocess.run([str(x) for x in a], check=True, capture_output=True)  # noqa: E731
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    run("openssl", "req", "-new", "-key", key, "-subj", "/C=JP/O=inkan bench/CN=Bench Server CA P-256", "-out", csr)
    ext.write_text("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
                   "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                   "certificatePolicies=2.23.140.1.2.2\n")
    run("openssl", "x509", "-req", "-in", csr, "-CA", root_pem, "-CAkey", keys / root["key_ref"], "-CAcreateserial",
        "-days", "365", "-sha256", "-extfile", ext, "-out", pem)
    local.inkanctl("ca", "import", "--role", "server-ecc", "--cert", pem, "--key", key, "--key-dir", keys,
                   "--name", "Bench Server CA P-256", "--parent", root["name"])


def timed_upload(local, client, cert, csrf, content):
    start = time.perf_counter()
    r = client.post(local.url("nginx", "/ra/api/v1/batches"), cert=cert, headers={"X-CSRF-Token": csrf},
                    files={"file": ("bench.tsv", content)}, fields={"applyType": "1", "errorFlg": "1"})
    elapsed = time.perf_counter() - start
    assert r.status == 200 and r.json["accepted"] == r.json["lines"].__len__(), r.text[:500]
    return elapsed, r.json["batch_id"]


def ocsp_get_url(local, client, cert, tmp):
    """The paths of the RFC 6960 GET asking for the status of one issued certificate and of its CA's CRL."""
    listing = client.get(local.url("nginx", "/ra/api/v1/certificates?status=4&limit=1"), cert=cert).json
    cid = listing["certificates"][0]["certificate_id"]
    for fmt in ("pem", "chain"):
        body = client.get(local.url("nginx", f"/ra/api/v1/certificates/{cid}/download?format={fmt}"), cert=cert).text
        (tmp / f"ocsp-{fmt}.pem").write_text(body)
    subprocess.run(["openssl", "ocsp", "-issuer", tmp / "ocsp-chain.pem", "-cert", tmp / "ocsp-pem.pem", "-no_nonce",
                    "-reqout", tmp / "ocsp.req"], check=True, capture_output=True)
    encoded = urllib.parse.quote(base64.b64encode((tmp / "ocsp.req").read_bytes()).decode(), safe="")
    ca_id = local.psql(f"SELECT ca_id FROM certificates WHERE id = {cid}")
    return f"/ocsp/{encoded}", f"/crl/{ca_id}.crl"


def relying_parties(local, ocsp_path, crl_path):
    """wrk on each server's plain-http listener: a static file, the OCSP GET and the CRL GET."""
    out = {}
    for server in ("nginx", "apache"):
        static = wrk(add_static_file(local, server))
        ocsp = wrk(local.plain_url(server, ocsp_path))
        crl = wrk(local.plain_url(server, crl_path))
        out[server] = {"static": static, "ocsp": ocsp, "crl": crl}
    return out


def officer_latency(local, cert, tmp):
    """p50/p99 of the officer API at 50 clients with the officer certificate, and of a static file
    on the same TLS listener with the same certificate."""
    pem = tmp / "officer.pem"
    pem.write_bytes(subprocess.run(["openssl", "pkcs12", "-in", cert[0], "-passin", f"pass:{cert[1]}", "-nodes"],
                                   capture_output=True, check=True).stdout)
    return {"static": ab_latency(local.url("nginx", "/ra/index.html"), pem),
            "me": ab_latency(local.url("nginx", "/ra/api/v1/me"), pem),
            "list": ab_latency(local.url("nginx", "/ra/api/v1/certificates?status=4&limit=50"), pem)}


def report(result, name):
    """Prints the figures and keeps them in bench/results/<name>."""
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / name).write_text(json.dumps(result, indent=2) + "\n")


def ratio(a, b):
    return round(a / b, 3) if b else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5, help="99-line uploads to time")
    ap.add_argument("--certs", type=int, default=990, help="certificates the worker issues for the throughput run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="inkan-bench-"))
    tmp.chmod(0o755)  # PostgreSQL runs as its own user below it
    local = Local(tmp / "state")
    try:
        local.up(servers=("nginx", "apache"))
        client = Client(local.ca_cert)
        cert, csrf = setup(local, client, tmp)
        sign_s, verify_s = openssl_speed("rsa2048")
        _, _, sample_csr = openssl_csr(tmp, f"cfssl.{DOMAIN}", O, L, ST, name="cfssl")
        cfssl = cfssl_sign_rate(tmp, sample_csr, f"cfssl.{DOMAIN}")

        # 1. Upload: validate + record 99 lines; the worker is stopped so only the RA works.
        local.stop_worker()
        content = make_file(tmp, 99, "u")
        times = []
        for _ in range(args.rounds):
            elapsed, batch = timed_upload(local, client, cert, csrf, content)
            times.append(elapsed)
            local.psql(f"UPDATE applications SET state = 'cancelled' WHERE batch_id = {batch}")  # frees the DNs
        upload = sorted(times)[len(times) // 2]

        # 2. Issuance: queue --certs applications, start the worker, time until all are issued.
        files = [make_file(tmp, 99, f"i{k}") for k in range((args.certs + 98) // 99)]
        per_sec, queued, failed = timed_issuance(local, client, cert, csrf, files)
        ceiling = sign_s / SIGNATURES_PER_CERTIFICATE
        # ... and with a P-256 CA (profile 11, P-384 subscriber keys), next to cfssl with a P-256 CA.
        p256_sign_s, _ = openssl_speed("ecdsap256")
        cfssl_p256 = cfssl_sign_rate(tmp, sample_csr, f"cfssl.{DOMAIN}", key="ec")
        use_p256_server_ca(local, tmp)
        ecc_files = [make_file(tmp, 99, f"e{k}", profile="11", key="p384") for k in range((args.certs + 98) // 99)]
        p256_per_sec, p256_queued, p256_failed = timed_issuance(local, client, cert, csrf, ecc_files)
        p256_ceiling = p256_sign_s / SIGNATURES_PER_CERTIFICATE

        # 3. Relying parties: OCSP GET and CRL GET next to a static file on the same listener.
        served = relying_parties(local, *ocsp_get_url(local, client, cert, tmp))
        static, ocsp, crl = (served["nginx"][k] for k in ("static", "ocsp", "crl"))
        apache = served["apache"]
        officer = officer_latency(local, cert, tmp)

        result = {
            "upload_99_lines_seconds": round(upload, 3),
            "upload_lines_per_second": round(99 / upload, 1),
            "ceiling_rsa2048_verify_per_second": verify_s,
            "upload_vs_verify_ceiling": ratio(99 / upload, verify_s),
            "issued": queued,
            "issue_failures": failed,
            "issuance_per_second": round(per_sec, 1),
            "cfssl_sign_per_second": round(cfssl, 1),
            "issuance_vs_cfssl": ratio(per_sec, cfssl),
            "ceiling_rsa2048_sign_per_second": sign_s,
            "signatures_per_certificate": SIGNATURES_PER_CERTIFICATE,
            "issuance_ceiling_per_second": round(ceiling, 1),
            "issuance_vs_ceiling": ratio(per_sec, ceiling),
            "p256_issued": p256_queued,
            "p256_issue_failures": p256_failed,
            "issuance_p256_per_second": round(p256_per_sec, 1),
            "cfssl_p256_sign_per_second": round(cfssl_p256, 1),
            "issuance_p256_vs_cfssl": ratio(p256_per_sec, cfssl_p256),
            "ceiling_p256_sign_per_second": p256_sign_s,
            "issuance_p256_vs_ceiling": ratio(p256_per_sec, p256_ceiling),
            "static_per_second": static["per_second"],
            "static_p99_ms": static["p99_ms"],
            "ocsp_per_second": ocsp["per_second"],
            "ocsp_p99_ms": ocsp["p99_ms"],
            "ocsp_vs_static": ratio(ocsp["per_second"], static["per_second"]),
            "crl_per_second": crl["per_second"],
            "crl_p99_ms": crl["p99_ms"],
            "crl_vs_static": ratio(crl["per_second"], static["per_second"]),
            "apache_static_per_second": apache["static"]["per_second"],
            "apache_ocsp_per_second": apache["ocsp"]["per_second"],
            "apache_ocsp_p99_ms": apache["ocsp"]["p99_ms"],
            "apache_ocsp_vs_static": ratio(apache["ocsp"]["per_second"], apache["static"]["per_second"]),
            "apache_crl_per_second": apache["crl"]["per_second"],
            "apache_crl_vs_static": ratio(apache["crl"]["per_second"], apache["static"]["per_second"]),
            "officer_clients": 50,
            "tls_static_p99_ms": officer["static"]["p99_ms"],
            "officer_me_p50_ms": officer["me"]["p50_ms"],
            "officer_me_p99_ms": officer["me"]["p99_ms"],
            "officer_list_p50_ms": officer["list"]["p50_ms"],
            "officer_list_p99_ms": officer["list"]["p99_ms"],
            "officer_me_per_second": officer["me"]["per_second"],
            "officer_list_per_second": officer["list"]["per_second"],
        }
        report(result, "latest.json")
    finally:
        local.down()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
