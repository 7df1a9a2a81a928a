"""IAM: version documents, token issue by id/name scope, catalog, wrong password, expiry, re-scope."""

import time

from sdrs_emulator.testclient import error_of as err
from sdrs_emulator.testclient import password_body


def test_version_documents(client):
    v3 = client.request("GET", "/v3", auth="none")
    assert v3.status_code == 200
    assert v3.json()["version"]["id"] == "v3.6"
    root = client.request("GET", "/", auth="none")
    assert root.status_code == 300
    assert root.json()["versions"]["values"][0]["status"] == "stable"


def test_token_by_project_name_has_catalog(client):
    r = client.request("POST", "/v3/auth/tokens", auth="none", json=password_body(client.creds))
    assert r.status_code == 201 and r.headers["X-Subject-Token"]
    tok = r.json()["token"]
    assert tok["project"]["id"] == client.pid
    urls = {c["type"]: c["endpoints"][0]["url"] for c in tok["catalog"]}
    base = client.base
    assert urls == {"identity": f"{base}/v3", "sdrs": f"{base}/v1/{client.pid}",
                    "vbs": f"{base}/v2/{client.pid}", "vbsv2": f"{base}/v2/{client.pid}",
                    "ecs": f"{base}/v1/{client.pid}", "compute": f"{base}/v2.1/{client.pid}"}
    assert all(c["endpoints"][0]["region"] == "eu-de" for c in tok["catalog"])


def test_token_by_project_id_and_nocatalog(client):
    body = password_body(client.creds)
    body["auth"]["scope"] = {"project": {"id": client.pid}}
    r = client.request("POST", "/v3/auth/tokens?nocatalog=true", auth="none", json=body)
    assert r.status_code == 201
    assert "catalog" not in r.json()["token"]


def test_wrong_password_is_401(client):
    body = password_body({**client.creds, "password": "wrong"})
    r = client.request("POST", "/v3/auth/tokens", auth="none", json=body)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == 401


def test_token_method_rescopes(client):
    body = {"auth": {"identity": {"methods": ["token"], "token": {"id": client.token()}},
                     "scope": {"project": {"id": client.pid}}}}
    r = client.request("POST", "/v3/auth/tokens", auth="none", json=body)
    assert r.status_code == 201
    assert r.headers["X-Subject-Token"] != client.token()


def test_service_calls_need_a_token(client):
    r = client.sdrs("GET", "/server-groups", auth="none")
    assert err(r) == (401, "APIGW.0301")
    r = client.sdrs("GET", "/server-groups", auth="none", headers={"X-Auth-Token": "bogus"})
    assert err(r) == (401, "APIGW.0301")


def test_token_expires(client):
    client.admin("PUT", "/config", json={"token_lifetime": 0.3}).raise_for_status()
    client.forget_token()
    assert client.sdrs("GET", "/server-groups").status_code == 200
    time.sleep(0.5)
    r = client.sdrs("GET", "/server-groups")
    assert err(r) == (401, "APIGW.0301")
    assert "expired" in r.json()["error_msg"]
    client.token(refresh=True)
    assert client.sdrs("GET", "/server-groups").status_code == 200


def test_projects_listing(client):
    r = client.request("GET", "/v3/auth/projects")
    assert [p["name"] for p in r.json()["projects"]] == ["eu-de_dr"]


def test_token_validation_and_nova_version(client):
    tok = client.token()
    r = client.request("GET", "/v3/auth/tokens", headers={"X-Subject-Token": tok})
    assert r.status_code == 200 and r.headers["X-Subject-Token"] == tok
    assert r.json()["token"]["project"]["name"] == "eu-de_dr"
    assert client.request("GET", "/v3/auth/tokens", headers={"X-Subject-Token": "nope"}).status_code == 404
    assert client.request("GET", "/v2.1", auth="none").json()["version"]["id"] == "v2.1"
