"""Protected instances: creation side effects, validation codes, resize, NICs, attach/detach, tags."""

from sdrs_emulator.testclient import error_of as err

PI_FIELDS = {"id", "name", "description", "server_group_id", "status", "progress", "source_server",
             "target_server", "created_at", "updated_at", "priority_station", "attachment", "tags", "metadata"}


def _create(c, gid, server, **over):
    body = {"server_group_id": gid, "server_id": c.seed["servers"].get(server, server), "name": "pi1"}
    body.update(over)
    return c.sdrs("POST", "/protected-instances", json={"protected_instance": body})


def test_create_makes_dr_server_and_pairs(client, seed):
    gid = client.create_group()
    job = client.run_job(_create(client, gid, "db-01", flavorRef="c4.2xlarge.2",
                                 tags=[{"key": "app", "value": "db"}]))
    assert job["job_type"] == "createProtectedInstanceNoCG"
    ent = job["entities"]
    pi = client.sdrs("GET", f"/protected-instances/{ent['protected_instance_id']}").json()["protected_instance"]
    assert set(pi) == PI_FIELDS and pi["status"] == "available" and pi["metadata"] == {}
    assert pi["source_server"] == seed["servers"]["db-01"] and pi["target_server"] == ent["native_server_id"]
    assert sorted(a["device"] for a in pi["attachment"]) == ["/dev/vda", "/dev/vdb", "/dev/vdc"]
    assert pi["tags"] == [{"key": "app", "value": "db"}]
    dr = client.ecs("GET", f"/{pi['target_server']}").json()["server"]
    assert (dr["name"], dr["status"], dr["OS-EXT-AZ:availability_zone"]) == ("db-01", "SHUTOFF", "eu-de-02")
    assert dr["flavor"]["id"] == "c4.2xlarge.2" and len(dr["os-extended-volumes:volumes_attached"]) == 3
    rps = client.sdrs("GET", "/replications", params={"protected_instance_id": pi["id"]}).json()
    assert rps["count"] == 3
    for rp in rps["replications"]:
        prod, drv = rp["volume_ids"].split(",")
        assert prod in seed["volumes"].values() and drv not in seed["volumes"].values()
        assert rp["attachment"][0]["protected_instance"] == pi["id"]
        assert rp["replication_model"] == "hypermetro" and "T" in rp["created_at"]
    pg = client.sdrs("GET", f"/server-groups/{gid}").json()["server_group"]
    assert (pg["protected_instance_num"], pg["replication_num"]) == (1, 3)


def test_create_in_protected_group_ends_protected(client):
    gid = client.create_group()
    client.protect(gid, "web-01")
    client.group_action(gid, "start-server-group")
    iid = client.protect(gid, "web-02")
    assert client.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]["status"] == "protected"


def test_create_validation_codes(client, seed):
    gid = client.create_group()
    client.protect(gid, "web-01")
    cases = [
        (dict(server="nope"), "SDRS.1326"),
        (dict(server="edge-01"), "SDRS.1303"),
        (dict(server="gpu-01"), "SDRS.1356"),
        (dict(server="web-01"), "SDRS.1305"),
        (dict(server="web-02", flavorRef="p2.2xlarge.8"), "SDRS.1353"),
        (dict(server="web-02", flavorRef="zz.nope"), "SDRS.0201"),
        (dict(server="web-02", name="bad name"), "SDRS.0202"),
        (dict(server="web-02", primary_subnet_id=seed["subnets"]["subnet-drill"]), "SDRS.1335"),
        (dict(server="web-02", primary_subnet_id=seed["subnets"]["subnet-app"],
              primary_ip_address="192.168.1.11"), "SDRS.1334"),
        (dict(server="web-02", primary_subnet_id=seed["subnets"]["subnet-app"],
              primary_ip_address="10.0.0.5"), "SDRS.0219"),
        (dict(server="web-02", tags=[{"key": f"k{i}", "value": "v"} for i in range(11)]), "SDRS.2203"),
        (dict(server="web-02", tags=[{"key": "a/b", "value": "v"}]), "SDRS.2204"),
    ]
    for kw, code in cases:
        server = kw.pop("server")
        assert err(_create(client, gid, server, **kw)) == (400, code), (server, kw)
    assert err(_create(client, "nope", "web-02")) == (400, "SDRS.1013")
    client.set_server_status(seed["servers"]["web-02"], "ERROR")
    assert err(_create(client, gid, "web-02")) == (400, "SDRS.1333")
    # dr server of a protected instance cannot be protected again
    dr = client.sdrs("GET", "/protected-instances").json()["protected_instances"][0]["target_server"]
    assert err(_create(client, gid, dr)) == (400, "SDRS.1305")


def test_primary_ip_is_used_for_dr_nic(client, seed):
    gid = client.create_group()
    job = client.run_job(_create(client, gid, "app-01", primary_subnet_id=seed["subnets"]["subnet-db"],
                                 primary_ip_address="192.168.2.77"))
    dr = client.ecs("GET", f"/{job['entities']['native_server_id']}").json()["server"]
    assert dr["addresses"][seed["vpcs"]["vpc-prod"]][0]["addr"] == "192.168.2.77"


def test_not_found_codes(client):
    assert err(client.sdrs("GET", "/protected-instances/nope")) == (400, "SDRS.1320")
    assert err(client.sdrs("DELETE", "/protected-instances/nope")) == (400, "SDRS.1320")
    assert err(client.sdrs("GET", "/replications/nope")) == (400, "SDRS.1608")
    assert err(client.sdrs("GET", "/disaster-recovery-drills/nope")) == (400, "SDRS.1902")


def test_rename_and_delete_keeps_dr_server_by_default(client):
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    r = client.sdrs("PUT", f"/protected-instances/{iid}", json={"protected_instance": {"name": "renamed"}})
    assert r.json()["protected_instance"]["name"] == "renamed"
    dr = r.json()["protected_instance"]["target_server"]
    job = client.run_job(client.sdrs("DELETE", f"/protected-instances/{iid}"))
    assert job["job_type"] == "deleteProtectedInstanceNoCG"
    assert err(client.sdrs("GET", f"/protected-instances/{iid}")) == (400, "SDRS.1320")
    assert client.ecs("GET", f"/{dr}").status_code == 200
    assert client.sdrs("GET", "/replications").json()["count"] == 0


def test_resize(client, seed):
    web = seed["servers"]["web-01"]
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    dr = client.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]["target_server"]
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                           json={"resize": {"flavorRef": "s3.large.2"}})) == (400, "SDRS.1341")
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                           json={"resize": {"production_flavorRef": "s3.large.2"}})) == (400, "SDRS.1341")
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                           json={"resize": {"flavorRef": "s3.xlarge.2"}})) == (400, "SDRS.1352")
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/resize", json={"resize": {}})) == (400, "SDRS.0201")
    # DR only: the DR server is stopped already
    job = client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                                     json={"resize": {"dr_flavorRef": "s3.xlarge.2"}}))
    assert job["job_type"] == "resizeProtectedInstanceNew"
    assert client.ecs("GET", f"/{dr}").json()["server"]["flavor"]["id"] == "s3.xlarge.2"
    assert client.ecs("GET", f"/{web}").json()["server"]["flavor"]["id"] == "s3.large.2"
    client.set_server_status(dr, "ACTIVE")
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                           json={"resize": {"dr_flavorRef": "s3.large.2"}})) == (400, "SDRS.1342")
    client.set_server_status(dr, "SHUTOFF")
    client.set_server_status(web, "SHUTOFF")
    client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                               json={"resize": {"flavorRef": "c4.xlarge.2"}}))
    flavors = {client.request("GET", f"/v2.1/{client.pid}/servers/{s}").json()["server"]["flavor"]["id"]
               for s in (web, dr)}
    assert flavors == {"c4.xlarge.2"}
    # failed resize leaves error-resizing; resizing again from there is allowed
    client.admin("POST", "/faults", json={"action": "job_fail", "job_type": "resizeProtectedInstanceNew", "times": 1})
    client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                               json={"resize": {"flavorRef": "s3.large.2"}}), expect="FAIL")
    assert client.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]["status"] == "error-resizing"
    fj = client.sdrs("GET", "/task-center/failure-jobs", params={"server_group_id": gid}).json()
    assert fj["failure_jobs"][0]["failure_status"] == "resizeFail"
    client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/resize",
                               json={"resize": {"flavorRef": "s3.large.2"}}))
    assert client.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]["status"] == "available"


def test_nics(client, seed):
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    job = client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/nic",
                                     json={"subnet_id": seed["subnets"]["subnet-db"], "ip_address": "192.168.2.50"}))
    nic_id = job["entities"]["nic_id"]
    addrs = client.ecs("GET", f"/{seed['servers']['web-01']}").json()["server"]["addresses"]
    assert "192.168.2.50" in [a["addr"] for a in addrs[seed["vpcs"]["vpc-prod"]]]
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/nic",
                           json={"subnet_id": seed["subnets"]["subnet-db"], "ip_address": "192.168.2.50"})) == (400, "SDRS.1334")
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/nic",
                           json={"subnet_id": seed["subnets"]["subnet-drill"]})) == (400, "SDRS.1335")
    primary = client.ecs("GET", f"/{seed['servers']['web-01']}").json()["server"]["addresses"][
        seed["vpcs"]["vpc-prod"]][0]["OS-EXT-IPS:port_id"]
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/nic/delete", json={"nic_id": primary})) == (400, "SDRS.1311")
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/nic/delete", json={"nic_id": "nope"})) == (400, "SDRS.1310")
    client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/nic/delete", json={"nic_id": nic_id}))
    addrs = client.ecs("GET", f"/{seed['servers']['web-01']}").json()["server"]["addresses"]
    assert len(addrs[seed["vpcs"]["vpc-prod"]]) == 1


def test_attach_detach_shared_pair(client, seed):
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    rid = client.run_job(client.sdrs("POST", "/replications", json={"replication": {
        "server_group_id": gid, "volume_id": seed["volumes"]["shared-vol-01"], "name": "shared"}}))[
        "entities"]["replication_pair_id"]
    assert err(client.sdrs("POST", f"/protected-instances/{iid}/attachreplication",
                           json={"replicationAttachment": {"replication_id": rid, "device": "/dev/vdb"}})) == (400, "SDRS.1603")
    job = client.run_job(client.sdrs("POST", f"/protected-instances/{iid}/attachreplication",
                                     json={"replicationAttachment": {"replication_id": rid, "device": "/dev/sdc"}}))
    assert job["job_type"] == "attachReplicationPairNew"
    pi = client.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]
    assert {"replication": rid, "device": "/dev/vdc"} in pi["attachment"]  # rewritten to the KVM style
    assert err(client.sdrs("DELETE", f"/replications/{rid}")) == (400, "SDRS.1605")
    sys_rp = next(a["replication"] for a in pi["attachment"] if a["device"] == "/dev/vda")
    assert err(client.sdrs("DELETE", f"/protected-instances/{iid}/detachreplication/{sys_rp}")) == (400, "SDRS.1316")
    job = client.run_job(client.sdrs("DELETE", f"/protected-instances/{iid}/detachreplication/{rid}"))
    assert job["job_type"] == "detachReplicationPairNew"
    assert err(client.sdrs("DELETE", f"/protected-instances/{iid}/detachreplication/{rid}")) == (400, "SDRS.1604")


def test_tags(client):
    gid = client.create_group()
    iid = client.protect(gid, "web-01")
    p = f"/protected-instances/{iid}/tags"
    assert client.sdrs("POST", p, json={"tag": {"key": "env", "value": "prod"}}).status_code == 204
    assert client.sdrs("POST", p, json={"tag": {"key": "env", "value": "test"}}).status_code == 204
    assert client.sdrs("GET", p).json() == {"tags": [{"key": "env", "value": "test"}]}
    assert client.sdrs("POST", p + "/action", json={"action": "create", "tags": [
        {"key": "team", "value": "dr"}, {"key": "tier", "value": "1"}]}).status_code == 204
    assert err(client.sdrs("POST", p + "/action", json={"action": "nope", "tags": []})) == (400, "SDRS.2201")
    assert err(client.sdrs("POST", p + "/action", json={"action": "create", "tags": []})) == (400, "SDRS.2202")
    assert err(client.sdrs("POST", p + "/action", json={"action": "create", "tags": [
        {"key": "a", "value": "1"}, {"key": "a", "value": "2"}]})) == (400, "SDRS.2209")
    assert client.sdrs("POST", p + "/action", json={"action": "delete", "tags": [{"key": "tier"}]}).status_code == 204
    assert client.sdrs("DELETE", p + "/team").status_code == 204
    assert err(client.sdrs("DELETE", p + "/team")) == (404, "SDRS.2206")
    assert client.sdrs("GET", "/protected-instances/tags").json() == {"tags": [{"key": "env", "values": ["test"]}]}
    q = client.sdrs("POST", "/protected-instances/resource_instances/action", json={
        "action": "filter", "limit": "10", "offset": "0", "tags": [{"key": "env", "values": ["test"]}]}).json()
    assert q["total_count"] == 1 and q["resources"][0]["resource_id"] == iid
    assert q["resources"][0]["resource_detail"]["id"] == iid
    assert client.sdrs("POST", "/protected-instances/resource_instances/action", json={
        "action": "count", "not_tags": [{"key": "env", "values": []}]}).json() == {"total_count": 0}
    assert err(client.sdrs("POST", "/protected-instances/resource_instances/action", json={
        "action": "count", "limit": "1"})) == (400, "SDRS.2211")
    assert err(client.sdrs("POST", "/protected-instances/resource_instances/action", json={
        "action": "x"})) == (400, "SDRS.2210")
    log = client.admin("GET", "/requests").json()["requests"]
    assert not [e for e in log if e["path"].endswith("resource_instances/action") and e["mutating"]]
