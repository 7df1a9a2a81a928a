"""Fault injection: status (429/5xx), drop before/after, latency, job_fail, expire_token, determinism."""

import time

import pytest
import requests
from sdrs_emulator.testclient import error_of as err


def _fault(c, **rule):
    r = c.admin("POST", "/faults", json=rule)
    assert r.status_code == 201, r.text
    return r.json()


def _pg_body(c, name="pg"):
    return {"server_group": {"name": name, "source_availability_zone": "eu-de-01",
                             "target_availability_zone": "eu-de-02",
                             "domain_id": c.seed["domains"]["ActiveactiveDomain"],
                             "source_vpc_id": c.seed["vpcs"]["vpc-prod"]}}


def test_status_429_with_retry_after(client):
    rule = _fault(client, action="status", status=429, retry_after=7, path="/server-groups$", times=1)
    r = client.sdrs("GET", "/server-groups")
    assert err(r) == (429, "APIGW.0308") and r.headers["Retry-After"] == "7"
    assert client.sdrs("GET", "/server-groups").status_code == 200  # times=1 used up
    log = client.admin("GET", "/requests").json()["requests"]
    assert [e["fault"] for e in log if e["path"].endswith("/server-groups")] == [rule["id"], None]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(client, status):
    _fault(client, action="status", status=status, method="POST", service="sdrs", times=1)
    r = client.sdrs("POST", "/server-groups", json=_pg_body(client))
    assert r.status_code == status
    assert client.sdrs("GET", "/server-groups").json()["count"] == 0  # nothing was processed


def test_drop_before_does_not_process(client):
    _fault(client, action="drop_before", method="POST", path="/server-groups$", times=1)
    with pytest.raises(requests.ConnectionError):
        client.sdrs("POST", "/server-groups", json=_pg_body(client))
    assert client.sdrs("GET", "/server-groups").json()["count"] == 0
    entry = client.admin("GET", "/requests").json()["requests"][-2]
    assert entry["status"] is None and entry["mutating"] is True


def test_drop_after_processes_then_closes(client):
    _fault(client, action="drop_after", method="POST", path="/server-groups$", times=1)
    with pytest.raises(requests.ConnectionError):
        client.sdrs("POST", "/server-groups", json=_pg_body(client))
    groups = client.sdrs("GET", "/server-groups").json()
    assert groups["count"] == 1  # the change was applied although the client saw no response


def test_latency(client):
    _fault(client, action="latency", latency=0.3, path="/active-domains", times=1)
    t0 = time.monotonic()
    assert client.sdrs("GET", "/active-domains").status_code == 200
    assert time.monotonic() - t0 >= 0.3


def test_job_fail_with_custom_code(client):
    _fault(client, action="job_fail", job_type="createProtectionGroupNoCG", error_code="SDRS.0405",
           fail_reason="disk array on fire", times=1)
    job = client.run_job(client.sdrs("POST", "/server-groups", json=_pg_body(client)), expect="FAIL")
    assert (job["error_code"], job["fail_reason"]) == ("SDRS.0405", "disk array on fire")
    pg = client.sdrs("GET", "/server-groups").json()["server_groups"][0]
    assert pg["status"] == "error"
    fj = client.sdrs("GET", "/task-center/failure-jobs").json()["failure_jobs"][0]
    assert (fj["failure_status"], fj["resource_id"]) == ("createFail", pg["id"])


def test_expire_token(client):
    _fault(client, action="expire_token", path="/server-groups$", times=1)
    r = client.sdrs("GET", "/server-groups")
    assert err(r) == (401, "APIGW.0301")
    assert client.sdrs("GET", "/active-domains").status_code == 401  # the token stays dead
    client.token(refresh=True)
    assert client.sdrs("GET", "/server-groups").status_code == 200


def test_probability_is_deterministic(client):
    def run():
        client.admin("POST", "/reset")  # also re-seeds the fault RNG
        client.token(refresh=True)
        _fault(client, action="status", status=503, probability=0.5, path="/active-domains")
        return [client.sdrs("GET", "/active-domains").status_code for _attempt in range(12)]
    first, second = run(), run()
    assert first == second and set(first) == {200, 503}


def test_fault_admin_crud(client):
    a = _fault(client, action="latency", latency=0.01)
    _fault(client, action="status", status=500, method="DELETE")
    assert [f["id"] for f in client.admin("GET", "/faults").json()["faults"]] == [a["id"], str(int(a["id"]) + 1)]
    assert client.admin("DELETE", f"/faults/{a['id']}").status_code == 200
    assert len(client.admin("GET", "/faults").json()["faults"]) == 1
    client.admin("DELETE", "/faults")
    assert client.admin("GET", "/faults").json() == {"faults": []}
    assert client.admin("POST", "/faults", json={"action": "teleport"}).status_code == 400
    assert client.admin("POST", "/faults", json={"action": "status"}).status_code == 400
