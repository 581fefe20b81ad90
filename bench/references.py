"""The references every inkan figure is measured against, in the same run:
`openssl speed`, cfssl's sign API (Debian golang-cfssl), and nginx serving a
static file on the listener inkan answers on, all loaded with wrk."""

import json
import re
import socket
import subprocess
import time
from pathlib import Path


def openssl_speed(alg):
    """(sign/s, verify/s) of `openssl speed` for rsa2048 or ecdsap256."""
    out = subprocess.run(["openssl", "speed", "-seconds", "3", alg], capture_output=True, text=True).stdout
    if alg == "rsa2048":
        m = re.search(r"rsa 2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", out)
    else:
        m = re.search(r"256 bits ecdsa \(nistp256\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", out)
    return float(m.group(1)), float(m.group(2))


def wrk(url, connections=16, seconds=5, script=None):
    """Requests per second over keep-alive connections; fails on any non-2xx answer."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} failed answers\n{out}")
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    return {"per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p99_ms": round(float(p99.group(1)) * scale[p99.group(2)], 2) if p99 else None}


def ab_latency(url, pem, clients=50, requests=2000):
    """ApacheBench with a client certificate (`pem`: certificate and key), `clients` at once with
    keep-alive: {per_second, p50_ms, p99_ms}; fails on any non-2xx answer."""
    out = subprocess.run(["ab", "-q", "-k", "-c", str(clients), "-n", str(requests), "-E", str(pem), url],
                         capture_output=True, text=True, check=True).stdout
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    if failed or non_2xx:
        raise RuntimeError(f"{url}: failed answers\n{out}")
    pct = lambda p: float(re.search(rf"^\s*{p}%\s+(\d+)", out, re.M).group(1))  # noqa: E731
    return {"per_second": float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1)),
            "p50_ms": pct(50), "p99_ms": pct(99)}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cfssl_sign_rate(tmp: Path, csr_pem: str, host: str, key="rsa"):
    """cfssl 1.2's HTTP sign API with a CA of the given key type: signatures per second (no database)."""
    ca_key, ca_cert = tmp / f"cfssl-{key}.key", tmp / f"cfssl-{key}.pem"
    newkey = ["-newkey", "rsa:2048"] if key == "rsa" else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-keyout", ca_key, "-out", ca_cert, "-days", "30",
                    "-subj", "/CN=cfssl bench CA", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(["cfssl", "serve", "-address", "127.0.0.1", "-port", str(port), "-ca", ca_cert,
                             "-ca-key", ca_key, "-loglevel", "5"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/cfssl/sign"
        body = json.dumps({"certificate_request": csr_pem, "hosts": [host]})
        for _ in range(100):  # until it listens
            try:
                probe = subprocess.run(["curl", "-sf", "-d", body, url], capture_output=True, text=True)
                if probe.returncode == 0:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        assert json.loads(probe.stdout)["success"], probe.stdout
        script = tmp / "cfssl-post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                          'wrk.headers["Content-Type"] = "application/json"\n')
        return wrk(url, connections=8, seconds=5, script=script)["per_second"]
    finally:
        proc.terminate()
        proc.wait()


def add_static_file(local, server="nginx", size=1500):
    """A static file of `size` bytes beside /crl/ and /ocsp/ on the server's plain-http listener."""
    static = local.state / server / "static.bin"
    static.write_bytes(b"x" * size)
    if server == "nginx":
        conf, anchor = local.state / "nginx" / "nginx.conf", "        location /crl/ {"
        served = f"        location = /static.bin {{ alias {static}; }}\n\n"
        reload = "-HUP"
    else:
        conf, anchor = local.state / "apache" / "apache.conf", "    <Location /crl>"
        served = (f"    Alias /static.bin {static}\n    <Directory {static.parent}>\n        Require all granted\n"
                  f"    </Directory>\n\n")
        reload = "-USR1"  # graceful restart
    text = conf.read_text()
    if "static.bin" not in text:
        conf.write_text(text.replace(anchor, served + anchor, 1))
        subprocess.run(["kill", reload, str(local.procs[server].pid)], check=True)
        time.sleep(2)
    return local.plain_url(server, "/static.bin")
