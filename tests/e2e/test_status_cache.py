"""OCSP and CRL answers come from each server process's memory once fetched (nginx answers them
on its event loop; bench/run.py measures the effect).  This test proves what matters for
correctness: after warming the caches of both servers, a revocation still shows at once in OCSP
and in the CRL, because the change is announced (NOTIFY inkan_status) and drops those entries."""

import base64
import subprocess
import urllib.parse

from upki import dn, revoke_line, tsv
from test_api_contract import issued_certificate


def ocsp_get(world, local, server, tmp_path, cert_id, officer):
    api = local.url(server, f"/ra/api/v1/certificates/{cert_id}/download")
    for fmt in ("pem", "chain"):
        (tmp_path / f"{cert_id}.{fmt}").write_text(world.client.get(f"{api}?format={fmt}", cert=officer.cert).text)
    req = tmp_path / f"{cert_id}.req"
    subprocess.run(["openssl", "ocsp", "-issuer", tmp_path / f"{cert_id}.chain", "-cert", tmp_path / f"{cert_id}.pem",
                    "-no_nonce", "-reqout", req], check=True, capture_output=True)
    path = "/ocsp/" + urllib.parse.quote(base64.b64encode(req.read_bytes()).decode(), safe="")

    def status():
        r = world.client.get(local.plain_url(server, path))
        assert r.status == 200 and r.headers["content-type"] == "application/ocsp-response"
        (tmp_path / "resp.der").write_bytes(r.raw)
        text = subprocess.run(["openssl", "ocsp", "-respin", tmp_path / "resp.der", "-resp_text", "-noverify"],
                              capture_output=True, text=True).stdout
        return "Cert Status: revoked" if "Cert Status: revoked" in text else "good" if "Cert Status: good" in text else text
    return status


def test_cached_answers_follow_a_revocation_at_once(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    cert_id, serial, _, (o, l, st, domain) = issued_certificate(world, officer, tmp_path, "cache")
    status = ocsp_get(world, local, server, tmp_path, cert_id, officer)
    ca_id = local.psql(f"SELECT ca_id FROM certificates WHERE id = {cert_id}")
    crl_url = local.plain_url(server, f"/crl/{ca_id}.crl")
    # Warm the caches (several fetches reach every server process): the same answer each time.
    assert [status() for _ in range(5)] == ["good"] * 5
    first_crl = world.client.get(crl_url).raw
    assert all(world.client.get(crl_url).raw == first_crl for _ in range(3))

    rv = world.upload(officer, tsv([revoke_line(dn(f"cache.{domain}", o, l, st), f"0x{serial}", reason="1")]),
                      apply_type="3")
    assert rv.json["accepted"] == 1, rv.text
    assert world.wait_for_batch(rv.json["batch_id"])[1][0] == "completed"
    # At once: no cached "good" survives the revocation, nor the old CRL.
    assert status() == "Cert Status: revoked"
    (tmp_path / "crl.der").write_bytes(world.client.get(crl_url).raw)
    listed = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-text"],
                            capture_output=True, text=True).stdout
    assert serial.upper().lstrip("0") in listed.replace(":", "").upper()
