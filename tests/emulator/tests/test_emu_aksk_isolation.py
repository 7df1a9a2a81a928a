"""AK/SK (SDK-HMAC-SHA256) verification with the HW SDK signer, and project isolation (403)."""

import time
from datetime import datetime, timedelta, timezone

import requests
from sdrs_emulator.testclient import error_of as err
from sdrs_emulator.testclient import EmulatorClient, sign


def _aksk(emulator):
    return EmulatorClient(emulator, auth="aksk")


def test_signed_get_with_spaces_in_query(client, emulator):
    c = _aksk(emulator)
    r = c.sdrs("GET", "/server-groups", params={"name": "a b", "limit": "10"})
    assert r.status_code == 200, r.text
    assert r.json() == {"server_groups": [], "count": 0}


def test_signed_post_body(client, emulator):
    c = _aksk(emulator)
    gid = c.create_group("signed-pg")
    assert c.sdrs("GET", f"/server-groups/{gid}").json()["server_group"]["name"] == "signed-pg"
    log = client.admin("GET", "/requests").json()["requests"]
    assert {e["auth"] for e in log if e["path"].endswith("/server-groups")} == {"aksk"}


def test_bad_signature_and_unknown_ak(client, emulator):
    info = emulator["sdrs_auth_aksk"]
    url = f"{client.base}/v1/{client.pid}/server-groups"
    for aksk, secret in ((info, "not-the-secret"), ({**info, "access_key": "NOPE"}, None)):
        h = sign("GET", url, aksk, None, b"", {"Content-Type": "application/json"}, secret=secret)
        r = client.session.get(h.pop("_url"), headers=h, verify=client.verify)
        assert err(r) == (401, "APIGW.0301")


def test_tampered_request_fails(client, emulator):
    info = emulator["sdrs_auth_aksk"]
    url = f"{client.base}/v1/{client.pid}/server-groups"
    h = sign("GET", url, info, {"limit": "5"}, b"", {"Content-Type": "application/json"})
    signed_url = h.pop("_url")
    ok = client.session.get(signed_url, headers=h, verify=client.verify)
    assert ok.status_code == 200
    r = client.session.get(signed_url.replace("limit=5", "limit=6"), headers=h, verify=client.verify)
    assert err(r) == (401, "APIGW.0301")


def test_stale_sdk_date_is_rejected(client, emulator):
    info = emulator["sdrs_auth_aksk"]
    url = f"{client.base}/v1/{client.pid}/server-groups"
    stale = (datetime.now(timezone.utc) - timedelta(seconds=1000)).strftime("%Y%m%dT%H%M%SZ")
    h = sign("GET", url, info, None, b"", {"Content-Type": "application/json"}, sdk_date=stale)
    r = client.session.get(h.pop("_url"), headers=h, verify=client.verify)
    assert err(r) == (401, "APIGW.0301")
    assert "skew" in r.json()["error_msg"]
    client.admin("PUT", "/config", json={"clock_skew": 3600}).raise_for_status()
    h = sign("GET", url, info, None, b"", {"Content-Type": "application/json"}, sdk_date=stale)
    assert client.session.get(h.pop("_url"), headers=h, verify=client.verify).status_code == 200


def test_temporary_aksk_needs_security_token(client, emulator):
    temp = {**emulator["sdrs_auth_aksk"], "access_key": "EMUDRTEMPAK000000001",
            "secret_key": "emuDrTempSecret000000000000000000000001"}
    url = f"{client.base}/v1/{client.pid}/server-groups"
    h = sign("GET", url, temp, None, b"", {"Content-Type": "application/json"})
    assert client.session.get(h.pop("_url"), headers=h, verify=client.verify).status_code == 401
    h = sign("GET", url, temp, None, b"", {"Content-Type": "application/json",
                                           "X-Security-Token": "emu-security-token-dr-0001"})
    assert client.session.get(h.pop("_url"), headers=h, verify=client.verify).status_code == 200


def test_token_of_other_project_is_403_on_path(client, other):
    r = other.request("GET", f"/v1/{client.pid}/server-groups")
    assert r.status_code == 403
    r = other.request("GET", f"/v2/{client.pid}/backuppolicy")
    assert r.status_code == 403
    r = other.request("GET", f"/v1/{client.pid}/cloudservers/{client.seed['servers']['web-01']}")
    assert r.status_code == 403


def test_aksk_of_main_project_on_other_project_is_403(client, other, emulator):
    info = emulator["sdrs_auth_aksk"]
    url = f"{client.base}/v1/{other.pid}/server-groups"
    h = sign("GET", url, {**info, "project_id": other.pid}, None, b"", {"Content-Type": "application/json"})
    assert client.session.get(h.pop("_url"), headers=h, verify=client.verify).status_code == 403


def test_resource_of_other_project_is_403(client, other):
    gid = other.create_group("other-pg", source_vpc_id=other.seed["vpcs"]["vpc-other"])
    assert err(client.sdrs("GET", f"/server-groups/{gid}")) == (403, "SDRS.0005")
    assert err(client.sdrs("DELETE", f"/server-groups/{gid}")) == (403, "SDRS.0005")
    srv = other.seed["servers"]["other-web-01"]
    assert client.ecs("GET", f"/{srv}").status_code == 403
    body = {"server_group_id": client.create_group(), "server_id": srv, "name": "steal"}
    assert client.sdrs("POST", "/protected-instances", json={"protected_instance": body}).status_code == 403
    # lists never leak the other project's resources
    assert client.sdrs("GET", "/server-groups").json()["count"] == 1
    assert other.sdrs("GET", "/server-groups").json()["count"] == 1


def test_other_project_jobs_are_403(client, other):
    job = other.sdrs("POST", "/server-groups", json={"server_group": {
        "name": "x", "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02",
        "domain_id": other.seed["domains"]["ActiveactiveDomain"],
        "source_vpc_id": other.seed["vpcs"]["vpc-other"]}}).json()["job_id"]
    assert err(client.sdrs("GET", f"/jobs/{job}")) == (403, "SDRS.0005")
    time.sleep(0.01)


def test_plain_requests_unauthenticated_cannot_reach_admin_bypass(client):
    # the admin API needs no auth, the service API always does
    assert client.admin("GET", "/health").json() == {"status": "ok"}
    assert requests.get(f"{client.base}/v1/{client.pid}/server-groups", verify=client.verify).status_code == 401
