"""Officer pickup without an RA thread waiting for the signer: the PIN is
accepted at once (202), the private key waits sealed with a key only the
requester holds, and the PKCS#12 is collected once, when the signer is done."""

import base64
import time

import pytest

ME = "/ra/api/v1/me"
JSON = {"Accept": "application/json"}


class Signer:
    """Stops and restarts the signing worker; a test that ends with it stopped restarts it."""

    def __init__(self, local):
        self.local, self.running = local, True

    def stop(self):
        self.local.stop_worker()
        self.running = False

    def start(self):
        if not self.running:
            self.local.start_worker()
            self.running = True


@pytest.fixture
def signer(local):
    s = Signer(local)
    yield s
    s.start()


def claimed_with_signer_stopped(local, world, server, signer, accept=JSON):
    """A new officer whose PIN is accepted while the signer is stopped: (officer, token, 202 reply)."""
    inst = world.institution()
    off = world.officer(inst)
    token = world.pickup_token(off["mailed_to"])
    signer.stop()
    started = time.time()
    queued = world.client.post(local.url(server, "/enroll/pickup"), form={"t": token, "pin": off["pin"]},
                               headers=accept)
    assert queued.status == 202, queued.text
    assert time.time() - started < 5  # nobody waited for the stopped signer
    return off, token, queued


def pending(local, application):
    return local.psql(f"SELECT encode(sealed_key, 'hex') FROM pending_keys WHERE application_id = {application}")


def test_pickup_is_accepted_at_once_and_collected_once(local, world, server, signer, tmp_path):
    off, token, queued = claimed_with_signer_stopped(local, world, server, signer)
    assert queued.json["status"] == "issuing"
    application = queued.json["application"]
    # The key waits sealed: the row holds no readable private key.
    sealed = bytes.fromhex(pending(local, application))
    assert len(sealed) > 1000 and b"PRIVATE KEY" not in sealed and b"\x30\x82" != sealed[:2]

    collect = local.url(server, "/enroll/collect")
    still = world.client.post(collect, form={"a": application, "resume": queued.json["resume"]}, headers=JSON)
    assert still.status == 202 and still.headers["retry-after"] == "1" and still.json["status"] == "issuing"
    wrong_key = base64.urlsafe_b64encode(bytes(32)).rstrip(b"=").decode()
    forged = world.client.post(collect, form={"a": application, "resume": wrong_key}, headers=JSON)
    assert forged.status == 404 and forged.json["error"]["code"] == "516"  # the same answer as no request at all
    unknown = world.client.post(collect, form={"a": 999999999, "resume": wrong_key}, headers=JSON)
    assert unknown.status == 404 and unknown.json["error"]["code"] == "516"
    no_key = world.client.post(collect, form={"a": application}, headers=JSON)
    assert no_key.status == 400 and no_key.json["error"]["field"] == "resume"
    # A mail scanner or a second submission with the PIN gets nothing while it is issuing.
    again = world.client.post(local.url(server, "/enroll/pickup"), form={"t": token, "pin": off["pin"]},
                              headers=JSON)
    assert again.status == 409 and again.json["error"]["code"] == "515"
    signer.start()

    done = world.collect(server, queued)
    p12 = tmp_path / "officer.p12"
    p12.write_bytes(base64.b64decode(done.json["pkcs12"]))
    assert world.client.get(local.url(server, ME), cert=(p12, done.json["password"])).status == 200
    assert local.psql(f"SELECT state FROM officer_pickups WHERE id = {off['pickup_id']}") == "completed"
    # A lost page can be fetched again for two minutes with the same key (a new password) ...
    form = {"a": application, "resume": queued.json["resume"]}
    again = world.client.post(local.url(server, "/enroll/collect"), form=form, headers=JSON)
    assert again.status == 200 and again.json["serial"] == done.json["serial"]
    assert again.json["password"] != done.json["password"]
    assert local.psql(f"SELECT expires_at <= now() + interval '2 minutes' FROM pending_keys "
                      f"WHERE application_id = {application}") == "t"
    # ... then the sealed key expires and is gone.
    local.psql(f"UPDATE pending_keys SET expires_at = now() WHERE application_id = {application}")
    late = world.client.post(local.url(server, "/enroll/collect"), form=form, headers=JSON)
    assert late.status == 404 and late.json["error"]["code"] == "516"
    picked = local.psql(f"SELECT count(*) FROM audit_log WHERE action = 'officer.certificate_picked_up' "
                        f"AND object = 'officer_pickup:{off['pickup_id']}'")
    assert picked == "1"


def test_the_sealing_key_travels_only_in_a_post_body(local, world, server, signer):
    _, token, queued = claimed_with_signer_stopped(local, world, server, signer)
    assert "set-cookie" not in queued.headers and queued.headers["cache-control"] == "no-store"
    assert queued.json["collect"] == "/enroll/collect"
    # No URL carries it: collection is a POST; a link prefetch (GET) collects nothing.
    r = world.client.get(local.url(server, f"/enroll/collect?a={queued.json['application']}"))
    assert r.status == 405 and r.headers["allow"] == "POST"
    signer.start()
    assert world.collect(server, queued).json["password"]


def test_a_failed_issuance_opens_the_pickup_again(local, world, server, signer, tmp_path):
    off, _, queued = claimed_with_signer_stopped(local, world, server, signer)
    application = queued.json["application"]
    local.psql(f"UPDATE applications SET state = 'failed', error = 'test' WHERE id = {application}")
    failed = world.client.post(local.url(server, "/enroll/collect"),
                               form={"a": application, "resume": queued.json["resume"]}, headers=JSON)
    assert failed.status == 503 and failed.json["error"]["code"] == "514"
    assert pending(local, application) == ""
    assert local.psql(f"SELECT state FROM officer_pickups WHERE id = {off['pickup_id']}") == "open"
    signer.start()
    # The same link and PIN work again.
    p12, password, _ = world.pickup(server, off, tmp_path)
    assert world.client.get(local.url(server, ME), cert=(p12, password)).status == 200
