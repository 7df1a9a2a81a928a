"""Protection-group state machine: enable, planned failover, failover, reprotect, disable, refusals."""

import json
import time

from sdrs_emulator.testclient import EmulatorClient
from sdrs_emulator.testclient import error_of as err
from sdrs_emulator.testing import running_emulator


def _pg(c, gid):
    return c.sdrs("GET", f"/server-groups/{gid}").json()["server_group"]


def _pi(c, iid):
    return c.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]


def _srv(c, sid):
    return c.ecs("GET", f"/{sid}").json()["server"]


def test_enable_empty_group_refused(client):
    gid = client.create_group()
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action",
                           json={"start-server-group": {}})) == (400, "SDRS.1002")


def test_wrong_status_refusals_are_synchronous(client):
    gid = client.create_group()
    for action in ({"stop-server-group": {}}, {"failover-server-group": {}},
                   {"reverse-server-group": {"priority_station": "target"}}):
        assert err(client.sdrs("POST", f"/server-groups/{gid}/action", json=action)) == (400, "SDRS.1002")
    assert client.sdrs("GET", "/task-center/failure-jobs").json()["count"] == 0


def test_transient_status_while_job_runs(client):
    gid = client.create_group()
    client.protect(gid, "web-01")
    client.admin("PUT", "/config", json={"job_durations": {"startProtectionGroupNoCG": 30}})
    r = client.sdrs("POST", f"/server-groups/{gid}/action", json={"start-server-group": {}})
    job = client.sdrs("GET", f"/jobs/{r.json()['job_id']}").json()
    assert job["status"] in ("INIT", "RUNNING") and job["end_time"] is None
    assert _pg(client, gid)["status"] == "starting"
    assert {p["status"] for p in client.sdrs("GET", "/protected-instances").json()["protected_instances"]} == {"starting"}
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action", json={"stop-server-group": {}})) == (400, "SDRS.1002")
    assert err(client.sdrs("DELETE", f"/server-groups/{gid}")) == (400, "SDRS.1002")


def test_full_dr_cycle(client, seed):
    web = seed["servers"]["web-01"]
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    pi = _pi(client, iid)
    dr_server = pi["target_server"]
    assert pi["source_server"] == web and pi["status"] == "available"
    # enable
    job = client.group_action(gid, "start-server-group")
    assert job["job_type"] == "startProtectionGroupNoCG"
    subs = job["entities"]["sub_jobs"]
    assert len(subs) == 2 and {s["job_type"] for s in subs} == {"startProtectionGroupRepNoCG"}
    assert all(s["entities"] == {"server_group_id": gid} and s["status"] == "SUCCESS" for s in subs)
    pg = _pg(client, gid)
    assert (pg["status"], pg["protected_status"], pg["replication_status"]) == ("protected", "started", "active")
    assert _pi(client, iid)["status"] == "protected"
    # planned failover needs every production server stopped, named in the message
    r = client.sdrs("POST", f"/server-groups/{gid}/action", json={"reverse-server-group": {"priority_station": "target"}})
    assert err(r) == (400, "SDRS.1319") and "web-01" in r.json()["error"]["message"]
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action",
                           json={"reverse-server-group": {"priority_station": "source"}})) == (400, "SDRS.1002")
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action",
                           json={"reverse-server-group": {"priority_station": "sideways"}})) == (400, "SDRS.0201")
    client.set_server_status(web, "SHUTOFF")
    job = client.group_action(gid, "reverse-server-group", priority_station="target")
    assert job["job_type"] == "reverseProtectionGroupNoCG"
    pg, pi = _pg(client, gid), _pi(client, iid)
    assert pg["status"] == "protected" and pg["priority_station"] == "target"
    assert pg["source_availability_zone"] == "eu-de-01"  # configured AZs never change
    assert (pi["source_server"], pi["target_server"], pi["priority_station"]) == (dr_server, web, "target")
    assert _srv(client, dr_server)["addresses"][seed["vpcs"]["vpc-prod"]][0]["addr"] == "192.168.1.11"
    rp = client.sdrs("GET", "/replications").json()["replications"][0]
    assert rp["priority_station"] == "target"
    # production is now eu-de-02: the AZ filter follows the current production site
    assert client.sdrs("GET", "/server-groups", params={"availability_zone": "eu-de-02"}).json()["count"] == 1
    # unplanned failover flips back and stops the old production servers
    client.set_server_status(dr_server, "ACTIVE")
    job = client.group_action(gid, "failover-server-group")
    assert job["job_type"] == "failoverProtectionGroupNoCG"
    pg, pi = _pg(client, gid), _pi(client, iid)
    assert (pg["status"], pg["priority_station"]) == ("failed-over", "source")
    assert pi["status"] == "failed-over" and pi["source_server"] == web
    assert _srv(client, dr_server)["status"] == "SHUTOFF"
    # start from failed-over = reprotect, needs the DR-site servers stopped
    client.set_server_status(dr_server, "ACTIVE")
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action",
                           json={"start-server-group": {}})) == (400, "SDRS.1342")
    client.set_server_status(dr_server, "SHUTOFF")
    job = client.group_action(gid, "start-server-group")
    assert job["job_type"] == "reprotectProtectionGroupNoCG"
    assert _pg(client, gid)["status"] == "protected" and _pg(client, gid)["priority_station"] == "source"
    # disable
    job = client.group_action(gid, "stop-server-group")
    assert job["job_type"] == "stopProtectionGroupNoCG"
    assert {s["job_type"] for s in job["entities"]["sub_jobs"]} == {"stopProtectionGroupRepNoCG"}
    pg = _pg(client, gid)
    assert (pg["status"], pg["protected_status"]) == ("available", "stopped")
    # clean up in order: instance (with its DR server), then the group
    client.run_job(client.sdrs("DELETE", f"/protected-instances/{iid}", json={"delete_target_server": True}))
    assert client.ecs("GET", f"/{dr_server}").status_code == 404
    assert client.sdrs("GET", "/replications").json()["count"] == 0
    client.run_job(client.sdrs("DELETE", f"/server-groups/{gid}"))


def test_failed_job_leaves_error_status_and_task_center_entry(client):
    gid = client.create_group()
    client.protect(gid, "web-01")
    client.admin("POST", "/faults", json={"action": "job_fail", "job_type": "startProtectionGroupNoCG",
                                          "error_code": "SDRS.1027", "fail_reason": "boom", "times": 1})
    job = client.group_action(gid, "start-server-group", expect="FAIL")
    assert (job["error_code"], job["fail_reason"]) == ("SDRS.1027", "boom")
    assert job["entities"]["sub_jobs"][-1]["status"] == "FAIL"
    assert _pg(client, gid)["status"] == "error-starting"
    fj = client.sdrs("GET", "/task-center/failure-jobs").json()
    assert fj["count"] == 1
    entry = fj["failure_jobs"][0]
    assert entry["job_status"] == "FAIL" and entry["failure_status"] == "startFail"
    assert entry["resource_type"] == "server_groups" and entry["resource_id"] == gid
    assert entry["job_id"] == job["job_id"] and entry["error_code"] == "SDRS.1027"
    # retry from error-starting works (rule was times=1)
    client.group_action(gid, "start-server-group")
    assert _pg(client, gid)["status"] == "protected"
    # task center deletes
    assert client.sdrs("DELETE", f"/task-center/failure-jobs/{job['job_id']}").status_code == 204
    assert client.sdrs("GET", "/task-center/failure-jobs").json()["count"] == 0


def test_task_center_group_scoped_listing_and_batches(client):
    gid = client.create_group()
    client.admin("POST", "/faults", json={"action": "job_fail", "job_type": "createProtectedInstanceNoCG"})
    r = client.sdrs("POST", "/protected-instances", json={"protected_instance": {
        "server_group_id": gid, "server_id": client.seed["servers"]["web-02"], "name": "pi"}})
    job = client.run_job(r, expect="FAIL")
    assert job["error_code"] == "SDRS.1350"
    assert client.sdrs("GET", "/task-center/failure-jobs").json()["count"] == 0  # not group-level
    scoped = client.sdrs("GET", "/task-center/failure-jobs", params={"server_group_id": gid}).json()
    assert scoped["count"] == 1 and scoped["failure_jobs"][0]["resource_type"] == "protected_instances"
    pi = client.sdrs("GET", "/protected-instances").json()["protected_instances"][0]
    assert pi["status"] == "error"
    assert client.sdrs("DELETE", f"/task-center/{gid}/failure-jobs/batch").status_code == 204
    assert client.sdrs("GET", "/task-center/failure-jobs", params={"server_group_id": gid}).json()["count"] == 0
    assert client.sdrs("DELETE", "/task-center/failure-jobs/batch").status_code == 204
    # a PI in error is still listed and can be deleted
    client.run_job(client.sdrs("DELETE", f"/protected-instances/{pi['id']}"))


def test_invalid_instance_blocks_group_operations(client, seed):
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    client.admin("POST", f"/servers/{seed['servers']['web-01']}/delete").raise_for_status()
    assert _pi(client, iid)["status"] == "invalid"
    r = client.sdrs("POST", f"/server-groups/{gid}/action", json={"start-server-group": {}})
    assert err(r) == (400, "SDRS.1314")
    client.run_job(client.sdrs("DELETE", f"/protected-instances/{iid}"))
    client.run_job(client.sdrs("DELETE", f"/server-groups/{gid}"))


def test_unknown_job(client):
    r = client.sdrs("GET", "/jobs/00000000000000000000000000000000")
    assert err(r) == (404, "SDRS.0408")
    client.admin("PUT", "/config", json={"job_not_found_status": 400})
    assert err(client.sdrs("GET", "/jobs/00000000000000000000000000000000")) == (400, "SDRS.0408")


def test_effects_apply_without_polling(tmp_path):
    """The ticker finishes jobs and saves the state file although nobody polls anything."""
    state_file = tmp_path / "state.json"
    with running_emulator(tmp_path, job_duration=0.05, state_file=state_file) as info:
        c = EmulatorClient(info)
        gid = c.create_group()
        c.protect(gid, "web-01")
        c.sdrs("POST", f"/server-groups/{gid}/action", json={"start-server-group": {}})
        deadline = time.monotonic() + 10
        while json.loads(state_file.read_text())["server_groups"][gid]["status"] != "protected":
            assert time.monotonic() < deadline
            time.sleep(0.05)
