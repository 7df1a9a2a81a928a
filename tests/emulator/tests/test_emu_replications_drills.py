"""Replication pairs (create/expand/delete) and DR drills (VPC checks, drill servers)."""

from sdrs_emulator.testclient import error_of as err


def _rp(c, gid, vol, name="rp1"):
    return c.sdrs("POST", "/replications", json={"replication": {
        "server_group_id": gid, "volume_id": c.seed["volumes"].get(vol, vol), "name": name}})


def test_replication_lifecycle(client, seed):
    gid = client.create_group()
    job = client.run_job(_rp(client, gid, "backup-vol-01"))
    assert job["job_type"] == "createReplicationPairNoCG"
    rid = job["entities"]["replication_pair_id"]
    assert job["entities"]["volume_ids"].startswith(seed["volumes"]["backup-vol-01"] + ",")
    rp = client.sdrs("GET", f"/replications/{rid}").json()["replication"]
    assert rp["status"] == "available" and rp["record_metadata"]["volume_size"] == 50
    assert rp["fault_level"] == "0" and rp["attachment"] == []
    r = client.sdrs("PUT", f"/replications/{rid}", json={"replication": {"name": "renamed"}})
    assert r.json()["replication"]["name"] == "renamed"
    assert err(client.sdrs("POST", f"/replications/{rid}/action",
                           json={"extend-replication": {"new_size": 40}})) == (400, "SDRS.0201")
    assert err(client.sdrs("POST", f"/replications/{rid}/action", json={"grow": {}})) == (400, "SDRS.0206")
    job = client.run_job(client.sdrs("POST", f"/replications/{rid}/action",
                                     json={"extend-replication": {"new_size": 80.7}}))
    assert job["job_type"] == "expandReplicationPairNew"
    assert client.sdrs("GET", f"/replications/{rid}").json()["replication"]["record_metadata"]["volume_size"] == 80
    job = client.run_job(client.sdrs("DELETE", f"/replications/{rid}",
                                     json={"replication": {"server_group_id": gid, "delete_target_volume": True}}))
    assert job["job_type"] == "deleteReplicationPairNoCG"
    assert err(client.sdrs("GET", f"/replications/{rid}")) == (400, "SDRS.1608")


def test_replication_create_refusals(client, seed):
    gid = client.create_group()
    assert err(_rp(client, gid, "encrypted-vol-01")) == (400, "SDRS.1802")
    assert err(_rp(client, gid, "web-01-data")) == (400, "SDRS.1801")
    assert err(_rp(client, gid, "backup-vol-03")) == (400, "SDRS.1810")
    assert err(_rp(client, gid, "nope")) == (400, "SDRS.0211")
    client.run_job(_rp(client, gid, "backup-vol-01"))
    assert err(_rp(client, gid, "backup-vol-01", "again")) == (400, "SDRS.1811")
    client.admin("PUT", "/config", json={"quotas": {"replications": 1}})
    assert err(_rp(client, gid, "backup-vol-02")) == (400, "SDRS.0306")


def test_expand_failure_then_retry(client):
    gid = client.create_group()
    rid = client.run_job(_rp(client, gid, "backup-vol-01"))["entities"]["replication_pair_id"]
    client.admin("POST", "/faults", json={"action": "job_fail", "job_type": "expandReplicationPairNew", "times": 1})
    job = client.run_job(client.sdrs("POST", f"/replications/{rid}/action",
                                     json={"extend-replication": {"new_size": 60}}), expect="FAIL")
    assert job["error_code"] == "SDRS.1820"
    assert client.sdrs("GET", f"/replications/{rid}").json()["replication"]["status"] == "error-extending"
    fj = client.sdrs("GET", "/task-center/failure-jobs", params={"server_group_id": gid}).json()["failure_jobs"]
    assert (fj[0]["resource_type"], fj[0]["failure_status"], fj[0]["job_type"]) == (
        "replications", "expandFail", "expandReplicationPairNew")
    client.run_job(client.sdrs("POST", f"/replications/{rid}/action", json={"extend-replication": {"new_size": 60}}))
    assert client.sdrs("GET", f"/replications/{rid}").json()["replication"]["status"] == "available"


def test_drill_with_auto_vpc(client):
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    client.group_action(gid, "start-server-group")
    job = client.run_job(client.sdrs("POST", "/disaster-recovery-drills", json={
        "disaster_recovery_drill": {"server_group_id": gid, "name": "drill1"}}))
    assert job["job_type"] == "createDisasterRecoveryDrill"
    did = job["entities"]["disaster_recovery_drill_id"]
    d = client.sdrs("GET", f"/disaster-recovery-drills/{did}").json()["disaster_recovery_drill"]
    assert set(d) == {"id", "name", "status", "server_group_id", "drill_vpc_id", "created_at", "updated_at",
                      "drill_servers"}
    assert d["status"] == "available" and d["drill_servers"][0]["protected_instance"] == iid
    drill_srv = client.ecs("GET", f"/{d['drill_servers'][0]['drill_server_id']}").json()["server"]
    assert drill_srv["status"] == "ACTIVE" and drill_srv["OS-EXT-AZ:availability_zone"] == "eu-de-02"
    assert client.sdrs("GET", f"/server-groups/{gid}").json()["server_group"]["disaster_recovery_drill_num"] == 1
    lst = client.sdrs("GET", "/disaster-recovery-drills", params={"server_group_id": gid}).json()
    assert lst["count"] == 1 and lst["disaster_recovery_drills"][0]["id"] == did
    r = client.sdrs("PUT", f"/disaster-recovery-drills/{did}", json={"disaster_recovery_drill": {"name": "d2"}})
    assert r.json()["disaster_recovery_drill"]["name"] == "d2"
    client.run_job(client.sdrs("DELETE", f"/disaster-recovery-drills/{did}"))
    assert err(client.sdrs("GET", f"/disaster-recovery-drills/{did}")) == (400, "SDRS.1902")
    assert client.ecs("GET", f"/{drill_srv['id']}").status_code == 404


def test_drill_vpc_checks(client, seed):
    gid = client.create_group()
    body = {"server_group_id": gid, "name": "d"}
    assert err(client.sdrs("POST", "/disaster-recovery-drills", json={"disaster_recovery_drill": {
        **body, "drill_vpc_id": seed["vpcs"]["vpc-prod"]}})) == (400, "SDRS.1907")
    assert err(client.sdrs("POST", "/disaster-recovery-drills", json={"disaster_recovery_drill": {
        **body, "drill_vpc_id": "nope"}})) == (400, "SDRS.1928")
    client.run_job(client.sdrs("POST", "/disaster-recovery-drills", json={"disaster_recovery_drill": {
        **body, "drill_vpc_id": seed["vpcs"]["vpc-drill"]}}))
    assert err(client.sdrs("POST", "/disaster-recovery-drills", json={"disaster_recovery_drill": {
        **body, "drill_vpc_id": seed["vpcs"]["vpc-drill"]}})) == (400, "SDRS.1921")
    # query_type=period_no_dr_drill no longer lists the group
    assert client.sdrs("GET", "/server-groups", params={"query_type": "period_no_dr_drill"}).json()["count"] == 0
