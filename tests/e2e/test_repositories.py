"""The store/ repositories against the real database: runs the test_store
binary (cmocka) with the schema owner's and the web role's conninfo."""

import os
import subprocess


def test_repositories_against_postgresql(local):
    env = dict(os.environ, INKAN_TEST_OWNER_DB=local.admin_db, INKAN_TEST_RA_DB=local.conninfo("inkan_ra"))
    res = subprocess.run([str(local.bin / "test_store")], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "[  PASSED  ] 7 test(s)." in res.stdout + res.stderr


def test_service_desk_sees_the_profiles(local):
    profiles = {p["id"]: p for p in local.inkanctl("profile", "list")}
    assert profiles["3"]["keys"] == ["rsa-2048"] and profiles["3"]["issuable"] is True
    assert profiles["11"]["keys"] == ["ec-p384"] and profiles["11"]["issuing_ca"] == "server-ecc"
    assert profiles["5"]["issuable"] is False and profiles["5"]["replaced_by"] == "14"
    assert profiles["officer"]["kind"] == "officer"
