"""otcextensions + openstacksdk + keystoneauth (password auth, catalog, CA) against the emulator."""

import time

import openstack
import pytest
from openstack import exceptions
from otcextensions import sdk as otc_sdk


@pytest.fixture
def conn(emu, isolated_env):
    a = emu.info["sdrs_auth_token"]
    c = openstack.connection.Connection(
        auth_type="password", auth_url=a["auth_url"], username=a["username"], password=a["password"],
        user_domain_name=a["user_domain_name"], project_name=a["project_name"],
        project_domain_name=a["user_domain_name"], region_name=a["region"], cacert=a["ca_path"],
        identity_api_version="3")  # cloud=None: no clouds.yaml, no OS_* variables
    otc_sdk.register_otc_extensions(c)
    yield c
    c.close()


def _wait(conn, job_id, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        job = conn.sdrs.get_job(job_id)
        if job.status in ("SUCCESS", "FAIL"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_protection_group_workflow(conn, emu):
    seed = emu.seed
    pg = conn.sdrs.create_protection_group(
        name="otce-pg", description="created by otcextensions", source_availability_zone="eu-de-01",
        target_availability_zone="eu-de-02", domain_id=seed["domains"]["ActiveactiveDomain"],
        source_vpc_id=seed["vpcs"]["vpc-prod"])
    job = _wait(conn, pg.job_id)
    assert job.status == "SUCCESS" and job.job_type == "createProtectionGroupNoCG"
    gid = job.entities.server_group_id
    assert [g.id for g in conn.sdrs.protection_groups()] == [gid]
    found = conn.sdrs.find_protection_group("otce-pg")
    assert found.id == gid and found.status == "available" and found.priority_station == "source"
    assert conn.sdrs.get_protection_group(gid).protected_instance_num == 0
    renamed = conn.sdrs.update_protection_group(gid, name="otce-pg-2")
    assert renamed.name == "otce-pg-2"

    pi = conn.sdrs.create_protected_instance(server_group_id=gid, server_id=seed["servers"]["web-01"],
                                             name="otce-web-01")
    assert _wait(conn, pi.job_id).status == "SUCCESS"
    inst = conn.sdrs.find_protected_instance("otce-web-01")
    assert inst.source_server == seed["servers"]["web-01"] and len(inst.attachment) == 2

    resp = conn.sdrs.enable_protection(gid)
    job = _wait(conn, resp.json()["job_id"])
    assert job.job_type == "startProtectionGroupNoCG" and len(job.entities.sub_jobs) == 2
    assert job.entities.sub_jobs[0].job_type == "startProtectionGroupRepNoCG"
    assert conn.sdrs.get_protection_group(gid).status == "protected"

    refused = conn.sdrs.perform_planned_failover(gid, priority_station="target")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "SDRS.1319"
    emu.set_server_status(seed["servers"]["web-01"], "SHUTOFF")
    resp = conn.sdrs.perform_planned_failover(gid, priority_station="target")
    job = _wait(conn, resp.json()["job_id"])
    assert job.status == "SUCCESS" and job.job_type == "reverseProtectionGroupNoCG"
    pg = conn.sdrs.get_protection_group(gid)
    assert (pg.status, pg.priority_station) == ("protected", "target")
    assert conn.sdrs.get_protected_instance(inst.id).priority_station == "target"


def test_pagination_with_marker_and_not_found(conn, emu):
    emu.admin("POST", "/bulk/server-groups", json={"count": 5, "name_prefix": "page-"}).raise_for_status()
    names = [g.name for g in conn.sdrs.protection_groups(limit=2)]
    assert names == [f"page-{i:06d}" for i in (4, 3, 2, 1, 0)]  # marker-based pages, no endless loop
    with pytest.raises(exceptions.BadRequestException) as info:
        conn.sdrs.get_protection_group("00000000-0000-0000-0000-000000000000")
    assert "Protection group not found" in str(info.value)
    assert conn.sdrs.find_protection_group("no-such-group") is None


def test_other_sdrs_resources(conn, emu):
    quota = list(conn.sdrs.quotas())[0]
    assert {r.type for r in quota.resources} == {"server_groups", "replications"}
    domains = list(conn.sdrs.get_domains())[0].domains
    assert domains[0].local_replication_cluster.availability_zone == "eu-de-01"
    assert list(conn.sdrs.failed_tasks()) == []


def test_volume_backup_policies(conn, emu):
    pol = conn.volume_backup.create_backup_policy(
        name="otce-plan", scheduled_policy={"start_time": "03:00", "frequency": 1, "rentention_num": 7,
                                            "remain_first_backup_of_curMonth": "N", "status": "ON"})
    policies = list(conn.volume_backup.backup_policies())
    assert [p.id for p in policies] == [pol.id]
    assert policies[0].scheduled_policy.rentention_num == 7
    conn.volume_backup.disable_policy(pol)
    assert list(conn.volume_backup.backup_policies())[0].scheduled_policy.status == "OFF"
    conn.volume_backup.link_resources_to_policy(pol, [emu.seed["volumes"]["backup-vol-01"]])
    assert list(conn.volume_backup.backup_policies())[0].policy_resource_count == 1
    conn.volume_backup.execute_policy(pol)
    conn.volume_backup.unlink_resources_of_policy(pol, [emu.seed["volumes"]["backup-vol-01"]])
    conn.volume_backup.delete_backup_policy(pol)
    assert list(conn.volume_backup.backup_policies()) == []
