"""scripts/demo: a running inkan with a demo institution and officer."""

import base64
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from inkan_local import Local, stop_recorded  # noqa: E402

import urllib.parse  # noqa: E402


def curl(local, *args):
    return subprocess.run(["curl", "-sS", "--fail-with-body", "--cacert", str(local.ca_cert), *args],
                          capture_output=True, text=True, check=True).stdout


def collect(local, queued, timeout=60):
    """The PKCS#12 of a queued officer certificate, once the signer has issued it."""
    deadline = time.time() + timeout
    while True:
        reply = json.loads(curl(local, "-H", "Accept: application/json", "--data-urlencode",
                                f"a={queued['application']}", "--data-urlencode", f"resume={queued['resume']}",
                                local.url("nginx", "/enroll/collect")))
        if reply.get("status") != "issuing":
            return reply
        if time.time() > deadline:
            raise SystemExit("demo: the officer certificate was not issued in time (see worker.log)")
        time.sleep(0.2)


def register_acme(local, p12, password, csrf, names):
    """The officer's ACME registration for `names` (CN first), through the officer API; returns the EAB."""
    fields = {"cn": names[0], "names": " ".join(names[1:]), "profile": "3", "subscriber_name": "Demo Admin",
              "subscriber_affiliation": "Computing Center", "subscriber_email": "admin@demo.ac.jp",
              "server_software": "nginx 1.22"}
    args = ["--cert-type", "P12", "--cert", f"{p12}:{password}", "-H", f"X-CSRF-Token: {csrf}"]
    for k, v in fields.items():
        args += ["--data-urlencode", f"{k}={v}"]
    reply = json.loads(curl(local, *args, local.url("nginx", "/ra/api/v1/acme/registrations")))
    line = reply["lines"][0]
    if line["result"] != "OK":
        raise SystemExit(f"demo: the ACME registration was refused: {line['errors']}")
    return line["acme"]


def start(state):
    state = Path(state)
    if state.exists():
        stop_recorded(state)
        shutil.rmtree(state)
    local = Local(state)
    local.up(servers=("nginx", "apache"), fast_pg=False)

    inst = local.inkanctl("institution", "add", "--name-en", "Demo University", "--name-ja", "デモ大学",
                          "--st", "Tokyo", "--l", "Chiyoda-ku")
    local.inkanctl("domain", "add", "demo.ac.jp", "--institution", inst["id"])
    # S/MIME certificates name the institution's registration (a made-up corporate number here).
    local.inkanctl("institution", "set-org-id", inst["id"], "NTRJP-0000000000000")
    off = local.inkanctl("officer", "add", "--institution", inst["id"], "--name", "Demo Officer",
                         "--email", "officer@demo.ac.jp")
    local.inkanctl("grant", "add", "--officer", off["officer_id"], "--domain", "demo.ac.jp",
                   "--kinds", "server,client,smime,acme",
                   "--actions", "issue,renew,revoke,export,stats,allowlist,subscriber")

    # The officer's first steps, as a person would take them: the link from
    # the mail, the PIN from the service desk.
    mail = local.wait_for_mail(lambda m: m["to"] == "officer@demo.ac.jp")
    # The link opens the console's pickup page (https://host/ra/#/pickup?t=…), which calls /enroll/.
    link = re.search(r"https://\S+", mail["body"]).group(0)
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).fragment.split("?", 1)[1])["t"][0]
    queued = json.loads(curl(local, "-H", "Accept: application/json", "--data-urlencode", f"t={token}",
                             "--data-urlencode", f"pin={off['pin']}", local.url("nginx", "/enroll/pickup")))
    issued = collect(local, queued)
    p12 = state / "officer.p12"
    p12.write_bytes(base64.b64decode(issued["pkcs12"]))
    officer_url = local.url("nginx", "/ra/")
    me = json.loads(curl(local, "--cert-type", "P12", "--cert", f"{p12}:{issued['password']}",
                         officer_url + "api/v1/me"))
    assert me["officer"]["email"] == "officer@demo.ac.jp"
    acme_names = ["www.demo.ac.jp", "api.demo.ac.jp"]
    eab = register_acme(local, p12, issued["password"], me["csrf_token"], acme_names)

    env = {
        "INKAN_OFFICER_URL": officer_url,
        "INKAN_CONSOLE_URL": officer_url,
        "INKAN_OFFICER_URL_APACHE": local.url("apache", "/ra/"),
        "INKAN_OFFICER_P12": str(p12),
        "INKAN_OFFICER_P12_PASSWORD": issued["password"],
        "INKAN_CA_CERT": str(local.ca_cert),
        "INKAN_STATE_DIR": str(state),
        "INKAN_DB": local.admin_db,
        "INKAN_MAILDIR": str(state / "mail"),
        "INKAN_CRL_URL": local.plain_url("nginx", "/crl/"),
        "INKAN_OCSP_URL": local.plain_url("nginx", "/ocsp/"),
        "INKAN_ACME_DIRECTORY": local.url("nginx", "/acme/directory"),
        "INKAN_ACME_ACCOUNT_ID": eab["account_id"],
        "INKAN_ACME_EAB_KID": eab["eab_kid"],
        "INKAN_ACME_EAB_HMAC": eab["eab_hmac_key"],
        "INKAN_ACME_NAMES": " ".join(acme_names),
    }
    # Sourced by a shell: quote every value (the database conninfo has spaces).
    (state / "demo.env").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
    print(f"""
inkan is running.

  Officer console (nginx):   {officer_url}
  Officer console (Apache):  {env['INKAN_OFFICER_URL_APACHE']}
  Officer PKCS#12:        {p12}
  PKCS#12 password:       {issued['password']}
  CA certificate:         {local.ca_cert}
  CRLs and OCSP (http):   {env['INKAN_CRL_URL']}<CA id>.crl, {env['INKAN_OCSP_URL']}
  ACME directory:         {env['INKAN_ACME_DIRECTORY']} (EAB for {env['INKAN_ACME_NAMES']} in demo.env)
  Mails (Maildir):        {state / 'mail'}
  Settings written to:    {state / 'demo.env'}

Try it:
  . {state / 'demo.env'}
  curl --cert-type P12 --cert "$INKAN_OFFICER_P12:$INKAN_OFFICER_P12_PASSWORD" \\
       --cacert "$INKAN_CA_CERT" "$INKAN_OFFICER_URL"api/v1/me

In a browser: import {p12} (password above) as your certificate and
{local.ca_cert} as a trusted authority, then open the console at {officer_url}.
Server certificates: upload a UPKI TSV file (13 columns, CP932 or UTF-8; the upload page has a
template) for names under demo.ac.jp with O=Demo University, L=Chiyoda-ku, ST=Tokyo, C=JP; the
download link goes to the subscriber's mail in {state / 'mail'}.
Client and S/MIME certificates: choose "client and S/MIME" on the upload page (15 columns; template
there) with end-user mails under demo.ac.jp; the subscriber's PIN file link and the end users'
certificate links arrive in the same Maildir. Every mail is S/MIME-signed by inkan.

ACME (the registration above; names need no DNS, the officer registered them):
  REQUESTS_CA_BUNDLE="$INKAN_CA_CERT" certbot certonly --server "$INKAN_ACME_DIRECTORY" \\
    --eab-kid "$INKAN_ACME_EAB_KID" --eab-hmac-key "$INKAN_ACME_EAB_HMAC" -m admin@demo.ac.jp \\
    --agree-tos --key-type rsa --manual --manual-auth-hook /bin/true \\
    --config-dir {state / 'certbot'} --work-dir {state / 'certbot'} --logs-dir {state / 'certbot'} \\
    -d www.demo.ac.jp -d api.demo.ac.jp

Service desk:  INKAN_DB='{local.admin_db}' build/bin/inkanctl --help
Stop:          scripts/demo stop
""")


def stop(state):
    if Path(state).exists():
        stop_recorded(state)
        print(f"stopped the demo in {state}")


if __name__ == "__main__":
    {"start": start, "stop": stop}[sys.argv[1]](sys.argv[2])
