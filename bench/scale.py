"""inkan at scale (not a test): one institution with a million certificates.

    /usr/bin/python3 bench/scale.py [--count 1000000]     # as root, after scripts/build; ~15 min

Starts a private stack (PostgreSQL, worker, nginx), issues 99 real server
certificates, copies them up to --count with bench/generate.py (5% revoked),
then measures:
- the officer's certificate list API, one client at a time (ab -c1, keep-alive,
  100 requests each, 10 where one takes seconds), p50/p99 for the newest page,
  with filters (revoked, replaced, failed, host name part, serial) and sorted
  by expiry;
- the serverAll.tsv export: time, size, and the peak memory of the nginx
  worker that streamed it (VmHWM), next to the worker's before;
- the CRL of the server CA: how long the signer takes to re-sign it after a
  revocation, its size and its entries.

Writes bench/results/scale.json.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402
from references import ab_latency  # noqa: E402
from run import L, O, ST, Client, Local, make_file, report, setup, timed_issuance  # noqa: E402
from upki import dn, revoke_line, tsv  # noqa: E402

LIST = "/ra/api/v1/certificates?limit=50"


def officer_pem(cert, tmp):
    pem = tmp / "officer.pem"
    pem.write_bytes(subprocess.run(["openssl", "pkcs12", "-in", cert[0], "-passin", f"pass:{cert[1]}", "-nodes"],
                                   capture_output=True, check=True).stdout)
    return pem


def nginx_workers(local):
    out = subprocess.run(["pgrep", "-P", str(local.procs["nginx"].pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def peak_rss_mb(pids):
    """The largest VmHWM (peak resident memory) among the processes, in MB."""
    peak = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        peak = max(peak, int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)))
    return round(peak / 1024, 1)


def list_latency(local, pem, serial):
    """p50/p99 (ms) of one client listing, per filter."""
    filters = {"newest": "", "status_revoked": "&status=7", "status_replaced": "&status=6",
               "state_failed": "&status=failed", "host_part": "&fqdn=g4242", "serial": f"&serial={serial}",
               "expiring": "&sort=expiring"}
    out = {}
    for name, query in filters.items():
        url = local.url("nginx", LIST + query)
        # 100 requests each, or 10 where one takes seconds (so the run ends).
        probe = float(subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{time_total}", "--cacert",
                                      local.ca_cert, "--cert", pem, url], capture_output=True, text=True,
                                     check=True).stdout)
        requests = 100 if probe < 0.5 else 10
        r = ab_latency(url, pem, clients=1, requests=requests)
        out[name] = {"p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "requests": requests}
    return out


def export(local, pem, tmp):
    """Streams serverAll.tsv with fresh nginx workers: seconds, bytes, rows, peak worker memory before and after."""
    subprocess.run(["kill", "-HUP", str(local.procs["nginx"].pid)], check=True)
    time.sleep(2)  # the new workers, with their own memory peaks
    workers = nginx_workers(local)
    before = peak_rss_mb(workers)
    target = tmp / "serverAll.tsv"
    start = time.perf_counter()
    subprocess.run(["curl", "-sf", "--cacert", local.ca_cert, "--cert", pem, "-o", target,
                    local.url("nginx", "/ra/api/v1/exports/serverAll.tsv")], check=True)
    seconds = time.perf_counter() - start
    size = target.stat().st_size
    with open(target, "rb") as f:
        rows = sum(1 for _ in f) - 1
    return {"seconds": round(seconds, 1), "megabytes": round(size / 1e6, 1), "rows": rows,
            "worker_peak_rss_mb_before": before, "worker_peak_rss_mb_after": peak_rss_mb(workers)}


def crl_after_revocation(local, client, cert, csrf, tmp):
    """Revokes one real certificate and times until the signer has stored the server CA's next CRL."""
    row = local.psql("SELECT c.serial, a.fqdn, c.ca_id FROM certificates c JOIN applications a "
                     "ON a.certificate_id = c.id WHERE a.fqdn LIKE 'hi0-%' AND c.revoked_at IS NULL LIMIT 1")
    serial, host, ca_id = row.split("|")
    number = int(local.psql(f"SELECT coalesce(max(number), 0) FROM crls WHERE ca_id = {ca_id}"))
    content = tsv([revoke_line(dn(host, O, L, ST), f"0x{serial}", reason="1")])
    start = time.perf_counter()
    r = client.post(local.url("nginx", "/ra/api/v1/batches"), cert=cert, headers={"X-CSRF-Token": csrf},
                    files={"file": ("revoke.tsv", content)}, fields={"applyType": "3", "errorFlg": "1"})
    assert r.status == 200 and r.json["accepted"] == 1, r.text[:500]
    while int(local.psql(f"SELECT coalesce(max(number), 0) FROM crls WHERE ca_id = {ca_id}")) == number:
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    der = tmp / "server.crl"
    subprocess.run(["curl", "-sf", "-o", der, local.plain_url("nginx", f"/crl/{ca_id}.crl")], check=True)
    text = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", der, "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    return {"seconds": round(seconds, 2), "megabytes": round(der.stat().st_size / 1e6, 2),
            "entries": text.count("Serial Number:")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1_000_000, help="certificates to add")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="inkan-scale-"))
    tmp.chmod(0o755)
    local = Local(tmp / "state")
    try:
        local.up(servers=("nginx",))
        client = Client(local.ca_cert)
        cert, csrf = setup(local, client, tmp)
        timed_issuance(local, client, cert, csrf, [make_file(tmp, 99, "i0")])
        institution = int(local.psql(f"SELECT id FROM institutions WHERE name_en = '{O}'"))
        print(f"generating {args.count:,} certificates", file=sys.stderr)
        seconds = generate(local.admin_db, institution, args.count)
        pem = officer_pem(cert, tmp)
        serial = local.psql("SELECT serial FROM certificates WHERE revoked_at IS NULL ORDER BY id DESC LIMIT 1")
        result = {
            "certificates": int(local.psql(f"SELECT count(*) FROM certificates WHERE institution_id = {institution}")),
            "generation_seconds": round(seconds),
            "list": list_latency(local, pem, serial),
            "export": export(local, pem, tmp),
            "crl": crl_after_revocation(local, client, cert, csrf, tmp),
        }
        result["list_filters_p99_ms_max"] = max(v["p99_ms"] for k, v in result["list"].items() if k != "expiring")
        report(result, "scale.json")
    finally:
        local.down()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
