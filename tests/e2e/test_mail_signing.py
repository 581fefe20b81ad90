"""Every mail inkan sends is S/MIME-signed (multipart/signed, RFC 8551) with
inkan's own mailbox-validated S/MIME certificate from its client CA, as UPKI
signs its mails; the service desk issues and revokes that certificate with
inkanctl, and the CRL lists a revoked one."""

import re
import subprocess
import time

from cryptography import x509


def run(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, **kw)


def test_mails_are_signed_by_inkan(world, tmp_path):
    local = world.local
    inst = world.institution()
    off = world.officer(inst)
    mail = local.wait_for_mail(lambda m: m["to"] == off["mailed_to"] and m["kind"] == "officer-pickup")
    assert mail["signed"], "an unsigned mail"
    raw = tmp_path / "mail.eml"
    raw.write_bytes(mail["raw"])
    signer = tmp_path / "signer.pem"
    verified = run("openssl", "smime", "-verify", "-in", raw, "-CAfile", local.ca_cert, "-purpose", "smimesign",
                   "-signer", signer)
    assert b"Content-Transfer-Encoding: base64" in verified.stdout, verified
    cert = x509.load_pem_x509_certificate(signer.read_bytes())
    mails = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.RFC822Name)
    assert mails == ["inkan@localhost.localdomain"]
    policies = [p.policy_identifier.dotted_string for p in cert.extensions.get_extension_for_class(x509.CertificatePolicies).value]
    assert policies == ["2.23.140.1.5.1.2"]  # S/MIME BR mailbox-validated multipurpose
    # A changed body (its first base64 quantum) no longer verifies.
    at = re.search(rb"Content-Transfer-Encoding: base64\r?\n\r?\n", mail["raw"]).end()
    tampered = tmp_path / "tampered.eml"
    tampered.write_bytes(mail["raw"][:at] + b"QUFB" + mail["raw"][at + 4:])
    assert subprocess.run(["openssl", "smime", "-verify", "-in", str(tampered), "-CAfile", str(local.ca_cert)],
                          capture_output=True).returncode != 0


def test_service_desk_revokes_a_mail_signer(world, tmp_path):
    local = world.local
    issued = local.inkanctl("mail-signer", "issue", "--email", "notices@localhost.localdomain", "--key-dir",
                            local.state / "worker-keys", "--out", tmp_path / "signer")
    assert (tmp_path / "signer").stat().st_mode & 0o077 == 0
    revoked = local.inkanctl("mail-signer", "revoke", "0x" + issued["serial"], "--reason", "1")
    assert revoked["revoked"]
    again = local.inkanctl("mail-signer", "revoke", "0x" + issued["serial"], check=False)
    assert again.returncode != 0
    client_ca = local.psql("SELECT id FROM cas WHERE role = 'client' AND active")
    deadline = time.time() + 60
    while time.time() < deadline:
        r = world.client.get(local.plain_url("nginx", f"/crl/{client_ca}.crl"))
        crl = x509.load_der_x509_crl(r.raw)
        if crl.get_revoked_certificate_by_serial_number(int(issued["serial"], 16)):
            break
        time.sleep(1)
    else:
        raise AssertionError("the revoked mail signer is not on the client CA's CRL")
