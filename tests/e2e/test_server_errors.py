"""Every UPKI upload error code (UPKI-FORMATS §5) and inkan's own codes,
each produced by a line built to trigger it, on nginx and on Apache."""

import base64

import pytest

from upki import dn, issue_line, openssl_csr, revoke_line, tsv
from weakkeys import close_primes_key, csr_body, small_factor_key


def codes_of(reply):
    assert reply.status == 200, reply.text
    return [[e["code"] for e in line["errors"]] for line in reply.json["lines"]]


@pytest.fixture
def officer(world, server, tmp_path):
    return world.logged_in(server, tmp_path)


@pytest.fixture
def good(officer, tmp_path):
    """A factory of valid issue lines for this officer's domain."""
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    counter = iter(range(1000))

    def make(host=None, **kw):
        n = next(counter)
        host = host or f"h{n}.{domain}"
        csr, key, _ = openssl_csr(tmp_path, host, o, l, st, name=f"good{n}")
        return issue_line(dn(host, o, l, st), csr, host, f"admin@{domain}", **kw), key
    make.names = (o, l, st, domain)
    return make


def file_error(reply):
    assert reply.status == 400, reply.text
    return reply.json["error"]["code"]


def test_file_level_codes(world, officer, good):
    line, _ = good()
    assert file_error(world.client.post(world.local.url(officer.server, "/ra/api/v1/batches"), cert=officer.cert,
                                        headers={"X-CSRF-Token": officer.csrf}, fields={"applyType": "1"})) == "208"
    assert file_error(world.upload(officer, tsv([line]), filename="apply.csv")) == "209"
    assert file_error(world.upload(officer, b"")) == "213"
    assert file_error(world.upload(officer, b"\r\n\r\n")) == "213"
    assert file_error(world.upload(officer, tsv([line] * 100))) == "214"
    assert file_error(world.upload(officer, b"\x81\x00\t\r\n")) == "422"
    bad = world.upload(officer, tsv([line]), apply_type="9")
    assert bad.status == 400 and bad.json["error"]["code"] == "530"
    assert world.local.psql(f"SELECT count(*) FROM batches WHERE officer_id = {officer.off['officer_id']}") == "0"


def test_field_codes(world, officer, good):
    o, l, st, domain = good.names
    line, _ = good()
    missing = list(line); missing[7] = ""                                   # 201 subscriber name
    too_long = list(line); too_long[8] = "あ" * 65                          # 202 affiliation > 64
    not_digit = list(line); not_digit[1] = "x3"                             # 204 profile
    bad_dn = list(line); bad_dn[0] = "cn=www." + domain                     # 206 DN format
    bad_mail = list(line); bad_mail[9] = "not-a-mail"                       # 206 mail
    profile = list(line); profile[1] = "5"                                  # 416 profile
    columns = line[:12]                                                     # 421 column count
    reply = world.upload(officer, tsv([missing, too_long, not_digit, bad_dn, bad_mail, profile, columns]), error_flg="0")
    got = codes_of(reply)
    assert got == [["201"], ["202"], ["204"], ["206"], ["206"], ["416"], ["421"]], got
    first = reply.json["lines"][0]["errors"][0]["text"]
    assert first["ja"] == "201:1,利用管理者氏名,必須項目が入力されていません。"
    assert first["en"].startswith("201:1,Subscriber name,")


def test_name_and_csr_codes(world, officer, good, tmp_path):
    o, l, st, domain = good.names
    line, key = good()

    def variant(index, value, base=line):
        v = list(base)
        v[index] = value
        return v
    other_csr, _, _ = openssl_csr(tmp_path, f"other.{domain}", o, l, st, name="other")
    ou_csr, _, _ = openssl_csr(tmp_path, f"ou.{domain}", o, l, st, ou="Lab", name="ou")
    mail_csr, _, _ = openssl_csr(tmp_path, f"em.{domain}", o, l, st, name="em", san_email=f"x@{domain}")
    wrong_o_csr, _, _ = openssl_csr(tmp_path, f"wo.{domain}", "Other University", l, st, name="wo")
    ip_csr, _, _ = openssl_csr(tmp_path, "192.0.2.1", o, l, st, name="ip")
    out_csr, _, _ = openssl_csr(tmp_path, "www.example.org", o, l, st, name="out")
    ec256, _, _ = openssl_csr(tmp_path, f"ec.{domain}", o, l, st, key="p256", name="ec256")
    e3, _, _ = openssl_csr(tmp_path, f"e3.{domain}", o, l, st, key="rsa-e3", name="e3")
    raw = bytearray(base64.b64decode(line[6]))
    raw[-5] ^= 0x01  # break the self-signature
    broken_sig = base64.b64encode(bytes(raw)).decode()
    sans9 = ",".join(f"dNSName=s{i}.{domain}" for i in range(9))

    lines = [
        variant(6, "not base64 at all!"),                                                       # 401
        variant(6, broken_sig),                                                                 # 402
        issue_line(dn(f"ec.{domain}", o, l, st), ec256, f"ec.{domain}", f"a@{domain}", profile="11"),  # 403
        issue_line(dn(f"e3.{domain}", o, l, st), e3, f"e3.{domain}", f"a@{domain}"),            # 404
        variant(6, other_csr),                                                                  # 408
        issue_line(dn(f"wo.{domain}", "Other University", l, st), wrong_o_csr, f"wo.{domain}", f"a@{domain}"),  # 409
        issue_line(dn(f"ou.{domain}", o, l, st, ou="Lab"), ou_csr, f"ou.{domain}", f"a@{domain}"),  # 410
        issue_line(dn(f"em.{domain}", o, l, st), mail_csr, f"em.{domain}", f"a@{domain}"),      # 411
        issue_line(dn("192.0.2.1", o, l, st), ip_csr, "192.0.2.1", f"a@{domain}"),              # 412
        variant(10, f"x.{domain}"),                                                             # 413
        issue_line(dn("www.example.org", o, l, st), out_csr, "www.example.org", f"a@{domain}"),  # 414
        variant(12, sans9),                                                                     # 415
    ]
    got = codes_of(world.upload(officer, tsv(lines), error_flg="0"))
    # An IP address is no host name (412) and so lies outside every grant (414) too.
    assert got == [["401"], ["402"], ["403"], ["404"], ["408"], ["409"], ["410"], ["411"], ["412", "414"], ["413"],
                   ["414"], ["415"]], got


def test_weak_rsa_keys_are_refused(world, officer, good):
    o, l, st, domain = good.names
    lines = [issue_line(dn(f"{n}.{domain}", o, l, st), csr_body(k, f"{n}.{domain}", o, l, st), f"{n}.{domain}",
                        f"a@{domain}") for n, k in (("small", small_factor_key()), ("fermat", close_primes_key()))]
    assert codes_of(world.upload(officer, tsv(lines), error_flg="0")) == [["405"], ["406"]]


def test_duplicate_dn_is_212_and_all_or_nothing(world, officer, good):
    line, _ = good()
    both = world.upload(officer, tsv([line, line]), error_flg="1")
    assert codes_of(both) == [[], ["212"]] and both.json["aborted"] and both.json["accepted"] == 0
    assert both.json["lines"][0]["applied"] is False
    partial = world.upload(officer, tsv([line, line]), error_flg="0")
    assert codes_of(partial) == [[], ["212"]] and partial.json["accepted"] == 1
    world.wait_for_batch(partial.json["batch_id"])
    # Once issued, the same DN again is 212 (renewal must be used).
    assert codes_of(world.upload(officer, tsv([line]))) == [["212"]]


def test_renewal_and_revocation_codes(world, officer, good, tmp_path):
    o, l, st, domain = good.names
    line, key = good()
    first = world.upload(officer, tsv([line]))
    serial = world.wait_for_batch(first.json["batch_id"])[1][1]
    same_key_csr, _, _ = openssl_csr(tmp_path, line[10], o, l, st, key=key, name="samekey")
    renew_same_key = list(line); renew_same_key[6] = same_key_csr; renew_same_key[3] = f"0x{serial}"
    renew_unknown = list(line); renew_unknown[3] = "0x1234"
    got = codes_of(world.upload(officer, tsv([renew_same_key, renew_unknown]), apply_type="2", error_flg="0"))
    assert got == [["418"], ["417"]], got
    # One certificate is renewed once: a second line for it (or a second file) is 417.
    fresh = []
    for n in range(2):
        csr_n, _, _ = openssl_csr(tmp_path, line[10], o, l, st, name=f"twice{n}")
        fresh.append(list(line))
        fresh[-1][6], fresh[-1][3] = csr_n, f"0x{serial}"
    twice = world.upload(officer, tsv(fresh), apply_type="2", error_flg="0")
    assert codes_of(twice) == [[], ["417"]]
    assert codes_of(world.upload(officer, tsv(fresh[:1]), apply_type="2")) == [["417"]]
    world.wait_for_batch(twice.json["batch_id"])

    subject = line[0]
    new_serial = world.local.psql(f"SELECT n.serial FROM certificates o JOIN certificates n ON n.id = o.replaced_by "
                                  f"WHERE o.serial = '{serial}'")
    assert new_serial
    bad_reason = revoke_line(subject, f"0x{serial}", reason="2")
    no_comment = revoke_line(subject, f"0x{serial}", reason="0")
    bad_comment = revoke_line(subject, f"0x{serial}", reason="0", comment="<script>")
    unknown = revoke_line(subject, "999999")
    got = codes_of(world.upload(officer, tsv([bad_reason, no_comment, bad_comment, unknown]), apply_type="3",
                                error_flg="0"))
    assert got == [["420"], ["420"], ["205"], ["419"]], got

    ok = world.upload(officer, tsv([revoke_line(subject, str(int(serial, 16)), reason="0", comment="server retired")]),
                      apply_type="3")
    assert codes_of(ok) == [[]]
    world.wait_for_batch(ok.json["batch_id"])
    again = world.upload(officer, tsv([revoke_line(subject, f"0x{serial}")]), apply_type="3")
    assert codes_of(again) == [["426"]]


def test_inactive_institution_is_215(world, officer, good):
    line, _ = good()
    world.local.inkanctl("institution", "set-status", officer.inst["id"], "inactive")
    try:
        r = world.upload(officer, tsv([line]))
        assert r.status == 403 and r.json["error"]["code"] == "215"
    finally:
        world.local.inkanctl("institution", "set-status", officer.inst["id"], "active")


def test_ou_allow_list_is_371(world, officer, tmp_path):
    o, l, st, domain = officer.inst["name_en"], "Chiyoda-ku", "Tokyo", officer.inst["domain"]
    world.local.inkanctl("allowlist", "add", "Allowed Lab", "--domain", domain)
    world.local.inkanctl("setting", "set", "server_ou_policy", "allowlist")
    try:
        lines = []
        for ou in ("Allowed Lab", "Unknown Lab"):
            host = f"{ou.split()[0].lower()}.{domain}"
            csr, _, _ = openssl_csr(tmp_path, host, o, l, st, ou=ou, name=host)
            lines.append(issue_line(dn(host, o, l, st, ou=ou), csr, host, f"a@{domain}"))
        got = codes_of(world.upload(officer, tsv(lines), error_flg="0"))
        assert got == [[], ["371:1"]], got
    finally:
        world.local.inkanctl("setting", "set", "server_ou_policy", "reject")


def test_subtree_grant_limits_names_and_revocations(local, world, server, tmp_path):
    inst = world.institution()
    lab = world.logged_in(server, tmp_path, inst=inst, subtree=f"lab.{inst['domain']}")
    o, l, st, domain = inst["name_en"], "Chiyoda-ku", "Tokyo", inst["domain"]
    inside, _, _ = openssl_csr(tmp_path, f"a.lab.{domain}", o, l, st, name="in")
    outside, _, _ = openssl_csr(tmp_path, f"www.{domain}", o, l, st, name="out")
    got = codes_of(world.upload(lab, tsv([
        issue_line(dn(f"a.lab.{domain}", o, l, st), inside, f"a.lab.{domain}", f"a@{domain}"),
        issue_line(dn(f"www.{domain}", o, l, st), outside, f"www.{domain}", f"a@{domain}"),
    ]), error_flg="0"))
    assert got == [[], ["414"]]

    # Another institution's certificate cannot be revoked.
    other = world.logged_in(server, tmp_path / "..", inst=None)
    oo, od = other.inst["name_en"], other.inst["domain"]
    csr, _, _ = openssl_csr(tmp_path, f"www.{od}", oo, l, st, name="foreign")
    issued = world.upload(other, tsv([issue_line(dn(f"www.{od}", oo, l, st), csr, f"www.{od}", f"a@{od}")]))
    serial = world.wait_for_batch(issued.json["batch_id"])[1][1]
    attempt = world.upload(lab, tsv([revoke_line(dn(f"www.{od}", oo, l, st), f"0x{serial}")]), apply_type="3")
    assert codes_of(attempt) == [["419"]]
    assert local.psql(f"SELECT revoked_at IS NULL FROM certificates WHERE serial = '{serial}'") == "t"
