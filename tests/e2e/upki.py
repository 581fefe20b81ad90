"""UPKI application files for the tests, made the way NII's TSV tool and
real applicants make them: CSRs from openssl and keytool, 13 TAB-separated
columns, Shift_JIS (CP932) with CRLF."""

import subprocess
from pathlib import Path


def run(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, **kw).stdout


def openssl_csr(tmp: Path, cn, o, l, st, key="rsa", ou=None, email=None, name="csr", san_email=None):
    """A CSR with subject C, ST, L, O, (OU), CN; returns (one-line body, key path, PEM)."""
    keyfile, csr = tmp / f"{name}.key", tmp / f"{name}.csr"
    if key == "rsa":
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyfile)
    elif key == "rsa3072":
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", keyfile)
    elif key == "rsa-e3":
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
            "-pkeyopt", "rsa_keygen_pubexp:3", "-out", keyfile)
    elif key == "p384":
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", keyfile)
    elif key == "p256":
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyfile)
    elif isinstance(key, Path):
        keyfile = key
    subject = f"/C=JP/ST={st}/L={l}/O={o}" + (f"/OU={ou}" if ou else "") + f"/CN={cn}" + \
        (f"/emailAddress={email}" if email else "")
    args = ["openssl", "req", "-new", "-key", keyfile, "-subj", subject, "-out", csr, "-utf8"]
    if san_email:
        args += ["-addext", f"subjectAltName=email:{san_email}"]
    run(*args)
    pem = csr.read_text()
    return one_line(pem), keyfile, pem


def keytool_csr(tmp: Path, cn, o, l, st):
    """A CSR from Java's keytool: PEM labelled NEW CERTIFICATE REQUEST."""
    store = tmp / "keytool.p12"
    dname = f"CN={cn}, O={o}, L={l}, ST={st}, C=JP"
    run("keytool", "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", dname,
        "-keystore", store, "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
    pem = run("keytool", "-certreq", "-alias", "server", "-keystore", store, "-storepass", "changeit").decode()
    return pem


def one_line(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))


def dn(cn, o, l, st, ou=None):
    return f"CN={cn}" + (f",OU={ou}" if ou else "") + f",O={o},L={l},ST={st},C=JP"


def issue_line(subject_dn, csr, fqdn, mail, profile="3", name="山田 太郎", affiliation="情報基盤センター",
               software="nginx 1.22", sans="", old_serial=""):
    return [subject_dn, profile, "", old_serial, "", "", csr, name, affiliation, mail, fqdn, software, sans]


def revoke_line(subject_dn, serial, reason="4", comment="", mail=""):
    return [subject_dn, "", "", serial, reason, comment, "", "", "", mail, "", "", ""]


def tsv(lines, encoding="cp932", eol="\r\n", final_newline=True) -> bytes:
    text = eol.join("\t".join(fields) for fields in lines) + (eol if final_newline else "")
    return text.encode(encoding)
