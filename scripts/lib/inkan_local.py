"""A complete local inkan on 127.0.0.1: PostgreSQL, SMTP sink, CA, worker,
nginx and Apache, all private to one state directory.

Used by the end-to-end tests (tests/e2e) and by scripts/demo.  Every process
it starts is recorded in STATE/pids and stopped by PID, never by name.
"""

import email
import email.policy
import json
import mailbox
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has python3-aiosmtpd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc=None, timeout=20, log=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s; see {log}")


def run(cmd, **kw):
    """Runs a command, raising with its output when it fails."""
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stdout}{res.stderr}")
    return res.stdout



# The service's own mailbox: mails come from it and are signed with its S/MIME certificate.
MAIL_FROM = "inkan@localhost.localdomain"

class Local:
    def __init__(self, state, build=None):
        self.state = Path(state).resolve()
        # $INKAN_BUILD_DIR as in scripts/build: tests can run a copied build.
        self.build = Path(build or os.environ.get("INKAN_BUILD_DIR") or ROOT / "build").resolve()
        self.bin = self.build / "bin"
        self.modules = self.build / "lib"
        # The console as a package installs it: a copy the servers' users can read.
        self.console = self.state / "console"
        self.procs = {}
        self.as_root = os.geteuid() == 0
        self.pg_user = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        self.ports = {}

    # ---------------------------------------------------------------- paths
    @property
    def pg_sock(self):
        return self.state / "pg" / "sock"

    def conninfo(self, user, dbname="inkan"):
        return f"host={self.pg_sock} port=5432 dbname={dbname} user={user}"

    @property
    def admin_db(self):
        return self.conninfo(self.pg_user)

    @property
    def ca_cert(self):
        return self.state / "tls" / "root-ca.pem"

    def url(self, server, path=""):
        return f"https://127.0.0.1:{self.ports[server]}{path}"

    def plain_url(self, server, path=""):
        """The plain-HTTP listener that serves CRLs, CA certificates and OCSP."""
        return f"http://127.0.0.1:{self.port(server + '_plain')}{path}"

    def port(self, name):
        """The port of a listener, chosen once (CA certificates name it before the server starts)."""
        return self.ports.setdefault(name, free_port())

    # ------------------------------------------------------------- helpers
    def _as_pg(self, cmd):
        return (["runuser", "-u", self.pg_user, "--"] if self.as_root else []) + [str(c) for c in cmd]

    def _spawn(self, name, cmd, log, env=None):
        out = open(self.state / log, "ab")
        proc = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        out.close()
        self.procs[name] = proc
        (self.state / "pids").mkdir(exist_ok=True)
        (self.state / "pids" / f"{name}.pid").write_text(str(proc.pid))
        return proc

    def _stop(self, name, sig=signal.SIGTERM, timeout=15):
        proc = self.procs.pop(name, None)
        pidfile = self.state / "pids" / f"{name}.pid"
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        pidfile.unlink(missing_ok=True)
        return proc.returncode

    def inkanctl(self, *args, db=None, check=True):
        """Runs inkanctl --json; returns the parsed output (or the raw result with check=False)."""
        cmd = [str(self.bin / "inkanctl"), "--db", db or self.admin_db, "--json", *map(str, args)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if not check:
            return res
        if res.returncode != 0:
            raise RuntimeError(f"inkanctl {' '.join(map(str, args))} failed:\n{res.stdout}{res.stderr}")
        return json.loads(res.stdout)

    def psql(self, sql, user=None, check=True, dbname="inkan"):
        cmd = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo(user or self.pg_user, dbname),
               "-c", sql]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if check and res.returncode != 0:
            raise RuntimeError(f"psql failed: {res.stderr}")
        return res if not check else res.stdout.strip()

    # ------------------------------------------------------------ services
    def start_postgres(self, fast=True):
        pg = self.state / "pg"
        pg.mkdir(parents=True, exist_ok=True)
        self.pg_sock.mkdir(exist_ok=True)
        if self.as_root:
            shutil.chown(pg, self.pg_user)
            shutil.chown(self.pg_sock, self.pg_user)
        os.chmod(pg, 0o755)
        os.chmod(self.pg_sock, 0o755)
        data = pg / "data"
        if not data.exists():
            run(self._as_pg([PG_BIN / "initdb", "-D", data, "-U", self.pg_user, "--auth=trust", "-E", "UTF8",
                             "--locale=C.UTF-8"]))
            with open(data / "postgresql.conf", "a") as f:
                f.write(f"listen_addresses = ''\nunix_socket_directories = '{self.pg_sock}'\nport = 5432\n")
                if fast:
                    f.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self._pg_ctl("start")
        if self.psql("SELECT 1 FROM pg_database WHERE datname = 'inkan'", dbname="postgres") != "1":
            run(self._as_pg(["createdb", "-h", self.pg_sock, "-p", "5432", "-U", self.pg_user, "inkan"]))

    def _pg_ctl(self, action):
        data = self.state / "pg" / "data"
        log = self.state / "pg" / "postgres.log"
        run(self._as_pg([PG_BIN / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "-m", "fast", action]))

    def stop_postgres(self):
        self._pg_ctl("stop")

    def restart_postgres(self):
        self._pg_ctl("restart")

    def start_smtp(self):
        self.start_smtp_on(free_port())

    def start_smtp_on(self, port):
        self.ports["smtp"] = port
        maildir = self.state / "mail"
        mailbox.Maildir(maildir, create=True)
        proc = self._spawn("smtp", [SYSTEM_PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                    "-c", "aiosmtpd.handlers.Mailbox", maildir], "smtp.log")
        wait_for_port(port, proc, log=self.state / "smtp.log")

    def stop_smtp(self):
        self._stop("smtp")

    def mails(self):
        """All mails the sink received: dicts with to, subject, kind, body (of the signed text part when
        the mail is S/MIME-signed), signed, and the raw bytes."""
        out = []
        for key, msg in sorted(mailbox.Maildir(self.state / "mail", create=False).items(),
                               key=lambda kv: kv[1].get_date() if hasattr(kv[1], "get_date") else 0):
            raw = msg.as_bytes()
            parsed = email.message_from_bytes(raw, policy=email.policy.default)
            signed = parsed.get_content_type() == "multipart/signed"
            text = parsed.get_payload(0) if signed else parsed
            out.append({"to": str(parsed["To"]), "subject": str(parsed["Subject"]),
                        "kind": str(parsed["X-Inkan-Kind"]), "body": text.get_content(), "signed": signed,
                        "raw": raw})
        return out

    def wait_for_mail(self, predicate, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.mails() if predicate(m)]
            if found:
                return found[-1]
            time.sleep(0.2)
        raise AssertionError(f"no matching mail within {timeout}s; have {[m['subject'] for m in self.mails()]}")

    def init_database(self):
        self.inkanctl("migrate")

    def set_status_urls(self, server):
        """The plain-HTTP URLs that certificates (the CAs' own included) carry."""
        self.inkanctl("setting", "set", "crl_url", self.plain_url(server, "/crl/"))
        self.inkanctl("setting", "set", "ca_issuers_url", self.plain_url(server, "/crl/"))
        self.inkanctl("setting", "set", "ocsp_url", self.plain_url(server, "/ocsp/"))

    def init_ca(self):
        keys = self.state / "worker-keys"
        if not self.inkanctl("ca", "list"):
            self.inkanctl("ca", "init", "--key-dir", keys, "--name", "inkan Local")
        tls = self.state / "tls"
        tls.mkdir(exist_ok=True)
        os.chmod(tls, 0o755)
        (tls / "root-ca.pem").write_text(self.inkanctl("ca", "cert", "--role", "root"))
        (tls / "officer-ca-chain.pem").write_text(self.inkanctl("ca", "cert", "--role", "officer", "--chain", "yes"))
        if not (tls / "server.key").exists():
            self._issue_tls_server_cert(keys, tls)
        self.mail_signer = self._issue_mail_signer(keys)

    def _issue_mail_signer(self, keys):
        """inkan's own S/MIME certificate, with which the mailer signs every mail: (cert chain, key)."""
        out = self.state / "mail-signer"
        found = sorted(out.glob("mail-signer-*.pem")) if out.exists() else []
        if found:
            return found[-1], found[-1].with_suffix(".key")
        issued = self.inkanctl("mail-signer", "issue", "--email", MAIL_FROM, "--key-dir", keys, "--out", out)
        return Path(issued["cert_file"]), Path(issued["key_file"])

    def _issue_tls_server_cert(self, keys, tls):
        """The web servers' own TLS certificate, from the local server CA (the operator's job, not inkan's RA)."""
        server_ca = tls / "server-ca.pem"
        server_ca.write_text(self.inkanctl("ca", "cert", "--role", "server-rsa"))
        ca_key = next(keys.glob("*server-ca-rsa.key"))
        run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", tls / "server.key",
             "-subj", "/CN=localhost", "-out", tls / "server.csr"])
        ext = tls / "server.ext"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
                       "keyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=critical,CA:FALSE\n")
        run(["openssl", "x509", "-req", "-in", tls / "server.csr", "-CA", server_ca, "-CAkey", ca_key,
             "-CAcreateserial", "-days", "90", "-sha256", "-extfile", ext, "-out", tls / "server.pem"])
        (tls / "server-chain.pem").write_text((tls / "server.pem").read_text() + server_ca.read_text())
        os.chmod(tls / "server.key", 0o600)

    def start_worker(self, name="worker"):
        """The signer: the only process with the CA keys; it speaks no SMTP."""
        return self._spawn(name, [self.bin / "inkan-worker", "--role", "signer", "--db", self.conninfo("inkan_ca"),
                                  "--key-dir", self.state / "worker-keys"], f"{name}.log")

    def stop_worker(self, name="worker"):
        return self._stop(name)

    def start_mailer(self):
        """Mail delivery, reminders and session expiry, with no key and its own database role."""
        cert, key = self.mail_signer
        return self._spawn("mailer", [self.bin / "inkan-worker", "--role", "mailer", "--db",
                                      self.conninfo("inkan_mail"), "--smtp",
                                      f"smtp://127.0.0.1:{self.ports['smtp']}", "--sign-cert", cert, "--sign-key", key],
                           "mailer.log")

    def stop_mailer(self):
        return self._stop("mailer")

    def _render(self, template, dest, extra):
        text = (ROOT / "conf-examples" / template).read_text()
        values = {"STATE": str(self.state), "MODULE_DIR": str(self.modules), "CONSOLE_DIR": str(self.console),
                  "RA_CONNINFO": self.conninfo("inkan_ra"), **extra}
        for k, v in values.items():
            text = text.replace(f"@{k}@", str(v))
        left = re.findall(r"@[A-Z_]+@", text)
        if left:
            raise RuntimeError(f"{template}: no value for {sorted(set(left))}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
        return dest

    def start_nginx(self):
        port = self.port("nginx")
        d = self.state / "nginx"
        d.mkdir(exist_ok=True)
        conf = self._render("nginx-inkan.conf", d / "nginx.conf",
                            {"NGINX_PORT": port, "NGINX_PLAIN_PORT": self.port("nginx_plain")})
        run(["nginx", "-t", "-p", f"{d}/", "-c", conf, "-e", d / "error.log"])
        proc = self._spawn("nginx", ["nginx", "-p", f"{d}/", "-c", conf, "-e", d / "error.log"], "nginx/stderr.log")
        wait_for_port(port, proc, log=d / "error.log")

    def start_apache(self):
        port = self.port("apache")
        d = self.state / "apache"
        (d / "run").mkdir(parents=True, exist_ok=True)
        user_lines = "User www-data\nGroup www-data" if self.as_root else ""
        conf = self._render("apache-inkan.conf", d / "apache.conf",
                            {"APACHE_PORT": port, "APACHE_PLAIN_PORT": self.port("apache_plain"), "USER_LINES": user_lines})
        if self.as_root:
            # Children run as www-data: they must reach the database socket.
            for p in [self.state, self.state / "pg"]:
                os.chmod(p, 0o755)
        run(["apache2", "-t", "-f", conf])
        proc = self._spawn("apache", ["apache2", "-f", conf, "-DFOREGROUND"], "apache/stderr.log")
        wait_for_port(port, proc, log=d / "error.log")

    def install_console(self):
        built = self.build / "console"
        if not (built / "index.html").exists():
            raise RuntimeError(f"{built}: the console is not built (scripts/build builds it)")
        shutil.rmtree(self.console, ignore_errors=True)
        shutil.copytree(built, self.console)
        for d, _, files in os.walk(self.console):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)

    def configure(self, server="nginx"):
        base = self.url(server)
        self.inkanctl("setting", "set", "officer_url", f"{base}/ra/")
        self.inkanctl("setting", "set", "mail_from", f"inkan <{MAIL_FROM}>")

    def up(self, servers=("nginx", "apache"), fast_pg=True):
        self.state.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o755)
        self.install_console()
        self.start_postgres(fast=fast_pg)
        self.init_database()
        self.set_status_urls(servers[0])
        self.init_ca()
        self.start_smtp()
        self.start_worker()
        self.start_mailer()
        for s in servers:
            getattr(self, f"start_{s}")()
        self.configure(servers[0])

    def down(self):
        for name in list(self.procs):
            self._stop(name)
        if (self.state / "pg" / "data" / "postmaster.pid").exists():
            try:
                self.stop_postgres()
            except RuntimeError:
                pass


def stop_recorded(state):
    """Stops the processes a previous 'up' recorded (scripts/demo stop)."""
    state = Path(state)
    for pidfile in sorted((state / "pids").glob("*.pid")):
        try:
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass
        pidfile.unlink()
    data = state / "pg" / "data"
    if (data / "postmaster.pid").exists():
        local = Local(state)
        local.stop_postgres()
