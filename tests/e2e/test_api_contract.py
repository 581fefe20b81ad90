"""The officer API against its OpenAPI document, on both servers: every documented operation is
served, refuses a request without an officer certificate, refuses a state change without the
CSRF token, and answers the officer."""

ME = "/ra/api/v1/me"


def operations(world, server, officer):
    doc = world.client.get(world.local.url(server, "/ra/api/v1/openapi.json"), cert=officer.cert)
    assert doc.status == 200 and doc.json["openapi"] == "3.1.0"
    base = doc.json["servers"][0]["url"]
    for path, item in doc.json["paths"].items():
        for method in item:
            yield method.upper(), base + path.replace("{id}", "999999999")


def test_every_documented_operation_is_served_and_guarded(local, world, server, tmp_path):
    officer = world.logged_in(server, tmp_path)
    ops = list(operations(world, server, officer))
    assert len(ops) >= 10
    for method, path in ops:
        url = local.url(server, path)
        anonymous = world.client.request(method, url, headers={"Accept": "application/json"}, body="")
        assert anonymous.status == 403 and anonymous.json["error"]["code"] == "501", (method, path)
        if method == "POST":
            forged = world.client.request(method, url, cert=officer.cert, headers={"Accept": "application/json"},
                                          body="")
            assert forged.status in (400, 403, 404), (method, path, forged.status)
            assert forged.status != 403 or forged.json["error"]["code"] == "504", (method, path, forged.text)
        else:
            answered = world.client.get(url, cert=officer.cert, headers={"Accept": "application/json"})
            # Served: a result, or 404 for the made-up certificate id; never an unknown route.
            assert answered.status in (200, 404), (method, path, answered.status)
            assert answered.status == 200 or answered.json["error"]["code"] == "531", (method, path)
