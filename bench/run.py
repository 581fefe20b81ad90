"""inkan benchmark (not a test): how fast an officer's 99-line upload is
validated and recorded, and how fast the worker issues, each reported next
to a ceiling measured in the same run on the same machine.

    /usr/bin/python3 bench/run.py [--rounds N] [--certs N]

Ceilings: `openssl speed` for the CA key type (issuance signs three times:
the lint signature with a throwaway key, the certificate, and its OCSP
response) and for RSA-2048 verification (the upload verifies every CSR);
nginx serving a static file for the HTTP round trip.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from client import Client  # noqa: E402
from inkan_local import Local  # noqa: E402
from upki import dn, issue_line, openssl_csr, tsv  # noqa: E402

O, L, ST = "Bench University", "Chiyoda-ku", "Tokyo"
DOMAIN = "bench.ac.jp"


def rsa2048():
    out = subprocess.run(["openssl", "speed", "-seconds", "3", "rsa2048"], capture_output=True, text=True).stdout
    m = re.search(r"rsa 2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", out)
    return float(m.group(1)), float(m.group(2))  # sign/s, verify/s


def setup(local, client, tmp):
    inst = local.inkanctl("institution", "add", "--name-en", O, "--st", ST, "--l", L)
    local.inkanctl("domain", "add", DOMAIN, "--institution", inst["id"])
    off = local.inkanctl("officer", "add", "--institution", inst["id"], "--name", "Bench Officer",
                         "--email", f"officer@{DOMAIN}")
    local.inkanctl("grant", "add", "--officer", off["officer_id"], "--domain", DOMAIN, "--kinds", "server",
                   "--actions", "issue,renew,revoke")
    mail = local.wait_for_mail(lambda m: m["to"] == f"officer@{DOMAIN}")
    token = re.search(r"t=([A-Za-z0-9_\-]+)", mail["body"]).group(1)
    r = client.post(local.url("nginx", "/enroll/pickup"), form={"t": token, "pin": off["pin"]},
                    headers={"Accept": "application/json"})
    import base64
    p12 = tmp / "officer.p12"
    p12.write_bytes(base64.b64decode(r.json["pkcs12"]))
    cert = (p12, r.json["password"])
    csrf = client.get(local.url("nginx", "/ra/api/v1/me"), cert=cert).json["csrf_token"]
    return cert, csrf


def make_file(tmp, n, tag):
    lines = []
    for i in range(n):
        host = f"h{tag}-{i}.{DOMAIN}"
        csr, _, _ = openssl_csr(tmp, host, O, L, ST, name=f"b{tag}-{i}")
        lines.append(issue_line(dn(host, O, L, ST), csr, host, f"admin@{DOMAIN}"))
    return tsv(lines)


def timed_upload(local, client, cert, csrf, content):
    start = time.perf_counter()
    r = client.post(local.url("nginx", "/ra/api/v1/batches"), cert=cert, headers={"X-CSRF-Token": csrf},
                    files={"file": ("bench.tsv", content)}, fields={"applyType": "1", "errorFlg": "1"})
    elapsed = time.perf_counter() - start
    assert r.status == 200 and r.json["accepted"] == r.json["lines"].__len__(), r.text[:500]
    return elapsed, r.json["batch_id"]


def static_file_latency(local, tmp, client, n=50):
    # nginx's own static file through the same TLS listener and curl: the HTTP floor.
    (local.state / "nginx" / "html").mkdir(exist_ok=True)
    (local.state / "nginx" / "html" / "static.txt").write_text("x" * 1024)
    conf = local.state / "nginx" / "nginx.conf"
    text = conf.read_text()
    if "static.txt" not in text:
        conf.write_text(text.replace("location /ra/ {", f"location = /static.txt {{ root {local.state}/nginx/html; }}\n"
                                                         "        location /ra/ {", 1))
        subprocess.run(["kill", "-HUP", str(local.procs["nginx"].pid)], check=True)
        time.sleep(1)
    start = time.perf_counter()
    for _ in range(n):
        assert client.get(local.url("nginx", "/static.txt")).status == 200
    return (time.perf_counter() - start) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5, help="99-line uploads to time")
    ap.add_argument("--certs", type=int, default=198, help="certificates the worker issues for the throughput run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="inkan-bench-"))
    tmp.chmod(0o755)  # PostgreSQL runs as its own user below it
    local = Local(tmp / "state")
    try:
        local.up(servers=("nginx",))
        client = Client(local.ca_cert)
        cert, csrf = setup(local, client, tmp)
        sign_s, verify_s = rsa2048()
        floor = static_file_latency(local, tmp, client)

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
        batches = [timed_upload(local, client, cert, csrf, f)[1] for f in files]
        ids = ",".join(map(str, batches))
        queued = int(local.psql(f"SELECT count(*) FROM applications WHERE batch_id IN ({ids})"))
        start = time.perf_counter()
        local.start_worker()
        while local.psql(f"SELECT count(*) FROM applications WHERE batch_id IN ({ids}) AND state = 'queued'") != "0":
            time.sleep(0.05)
        issue_time = time.perf_counter() - start
        failed = local.psql(f"SELECT count(*) FROM applications WHERE batch_id IN ({ids}) AND state <> 'issued'")
        per_sec = queued / issue_time

        result = {
            "upload_99_lines_seconds": round(upload, 3),
            "upload_lines_per_second": round(99 / upload, 1),
            "ceiling_rsa2048_verify_per_second": verify_s,
            "upload_vs_verify_ceiling": round((99 / upload) / verify_s, 4),
            "static_file_round_trip_seconds": round(floor, 4),
            "upload_vs_static_round_trip": round(upload / floor, 1),
            "issued": queued,
            "issue_failures": int(failed),
            "issuance_per_second": round(per_sec, 1),
            "ceiling_rsa2048_sign_per_second": sign_s,
            "issuance_ceiling_three_signs_per_certificate": round(sign_s / 3, 1),
            "issuance_vs_ceiling": round(per_sec / (sign_s / 3), 3),
        }
        print(json.dumps(result, indent=2))
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    finally:
        local.down()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
