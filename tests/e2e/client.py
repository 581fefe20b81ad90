"""HTTP client for the e2e suite: real curl, so certificates travel exactly
as they do for an officer (PKCS#12 with a password)."""

import json
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Reply:
    status: int
    headers: dict
    text: str
    raw: bytes = b""

    @property
    def json(self):
        return json.loads(self.text)


class Client:
    def __init__(self, ca_cert):
        self.ca_cert = str(ca_cert)

    def request(self, method, url, cert=None, form=None, headers=None, body=None, files=None, fields=None):
        with tempfile.TemporaryDirectory() as d:
            out, hdr = Path(d) / "body", Path(d) / "headers"
            cmd = ["curl", "-sS", "--cacert", self.ca_cert, "-X", method, "-o", str(out), "-D", str(hdr),
                   "-w", "%{http_code}", "--max-time", "60"]
            if cert:
                cmd += ["--cert-type", "P12", "--cert", f"{cert[0]}:{cert[1]}"]
            for k, v in (headers or {}).items():
                cmd += ["-H", f"{k}: {v}"]
            if form is not None:
                cmd += ["-H", "Content-Type: application/x-www-form-urlencoded",
                        "--data-binary", urllib.parse.urlencode(form)]
            elif body is not None:
                cmd += ["--data-binary", body]
            elif files is not None or fields is not None:
                # multipart/form-data, as a browser sends the upload form
                for k, v in (fields or {}).items():
                    cmd += ["--form-string", f"{k}={v}"]
                for k, (filename, content) in (files or {}).items():
                    path = Path(d) / "upload"
                    path.write_bytes(content)
                    cmd += ["-F", f"{k}=@{path};filename={filename}"]
            cmd.append(url)
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode != 0:
                raise ConnectionError(f"curl failed ({res.returncode}): {res.stderr}")
            parsed = {}
            for line in hdr.read_text(errors="replace").splitlines()[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    parsed[k.strip().lower()] = v.strip()
            raw = out.read_bytes() if out.exists() else b""  # curl writes no file for an empty body (304)
            return Reply(int(res.stdout), parsed, raw.decode("utf-8", errors="replace"), raw)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)
