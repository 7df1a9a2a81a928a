"""Protection groups: create validation, show/rename/delete, not-found shapes, error_shape switch."""

from sdrs_emulator.testclient import error_of as err

PG_FIELDS = {"id", "name", "description", "status", "progress", "source_availability_zone",
             "target_availability_zone", "domain_id", "domain_name", "priority_station",
             "protected_instance_num", "replication_num", "disaster_recovery_drill_num",
             "protected_status", "replication_status", "health_status", "source_vpc_id",
             "target_vpc_id", "test_vpc_id", "dr_type", "server_type", "created_at", "updated_at",
             "protection_type", "replication_model"}


def _body(seed, **over):
    b = {"name": "pg1", "description": "demo", "source_availability_zone": "eu-de-01",
         "target_availability_zone": "eu-de-02", "domain_id": seed["domains"]["ActiveactiveDomain"],
         "source_vpc_id": seed["vpcs"]["vpc-prod"], "dr_type": "migration"}
    b.update(over)
    return {"server_group": b}


def test_create_job_and_object_shape(client, seed):
    r = client.sdrs("POST", "/server-groups", json=_body(seed))
    assert r.status_code == 200 and set(r.json()) == {"job_id"} and len(r.json()["job_id"]) == 32
    gid_transient = client.sdrs("GET", "/server-groups").json()["server_groups"][0]
    assert gid_transient["status"] in ("creating", "available")
    job = client.wait_job(r.json()["job_id"])
    assert job["job_type"] == "createProtectionGroupNoCG" and job["status"] == "SUCCESS"
    assert job["begin_time"].endswith("Z") and job["end_time"].endswith("Z")
    assert job["error_code"] is None and job["fail_reason"] is None
    pg = client.sdrs("GET", f"/server-groups/{job['entities']['server_group_id']}").json()["server_group"]
    assert set(pg) == PG_FIELDS
    assert pg["status"] == "available" and pg["priority_station"] == "source"
    assert pg["target_vpc_id"] == pg["source_vpc_id"] and pg["protection_type"] == "replication-pair"
    assert pg["protected_status"] is None and pg["domain_name"] == "ActiveactiveDomain"
    assert len(pg["created_at"]) == 23 and pg["created_at"][10] == " "


def test_create_validation_codes(client, seed):
    cases = [
        (_body(seed, name="bad name!"), "SDRS.0202"),
        (_body(seed, name="x" * 65), "SDRS.0202"),
        (_body(seed, description="<b>"), "SDRS.0212"),
        (_body(seed, source_availability_zone="eu-de-03"), "SDRS.0203"),
        (_body(seed, target_availability_zone="eu-de-01"), "SDRS.0203"),
        (_body(seed, domain_id="nope"), "SDRS.0205"),
        (_body(seed, domain_id=seed["domains"]["ActiveactiveDomain-03"],
               source_availability_zone="eu-de-02", target_availability_zone="eu-de-03"), "SDRS.0205"),
        (_body(seed, source_vpc_id="nope"), "SDRS.0204"),
        (_body(seed, dr_type="other"), "SDRS.0201"),
        ({"server_group": "x"}, "SDRS.0201"),
        ({}, "SDRS.0201"),
    ]
    for body, code in cases:
        assert err(client.sdrs("POST", "/server-groups", json=body)) == (400, code), body
    bad_json = client.sdrs("POST", "/server-groups", data="{", headers={"Content-Type": "application/json"})
    assert err(bad_json) == (400, "SDRS.0201")
    assert client.sdrs("GET", "/server-groups").json()["count"] == 0


def test_reverse_az_orientation_allowed(client, seed):
    gid = client.create_group(source_availability_zone="eu-de-02", target_availability_zone="eu-de-01")
    assert client.sdrs("GET", f"/server-groups/{gid}").json()["server_group"]["source_availability_zone"] == "eu-de-02"


def test_quota(client, seed):
    client.admin("PUT", "/config", json={"quotas": {"server_groups": 2}}).raise_for_status()
    client.create_group("a")
    client.create_group("b")
    assert err(client.sdrs("POST", "/server-groups", json=_body(seed, name="c"))) == (400, "SDRS.0305")
    q = client.sdrs("GET", "/sdrs/quotas").json()["quotas"]["resources"]
    assert q[0] == {"type": "server_groups", "used": 2, "quota": 2, "min": 0, "max": -1}
    assert q[1]["type"] == "replications"


def test_rename_returns_full_object(client):
    gid = client.create_group()
    r = client.sdrs("PUT", f"/server-groups/{gid}", json={"server_group": {"name": "renamed"}})
    assert r.status_code == 200 and set(r.json()["server_group"]) == PG_FIELDS
    assert r.json()["server_group"]["name"] == "renamed"
    assert err(client.sdrs("PUT", f"/server-groups/{gid}", json={"server_group": {"name": "a b"}})) == (400, "SDRS.0202")


def test_not_found_is_400_sdrs_1013(client):
    for method, path, body in (("GET", "/server-groups/nope", None),
                               ("PUT", "/server-groups/nope", {"server_group": {"name": "x"}}),
                               ("DELETE", "/server-groups/nope", None),
                               ("POST", "/server-groups/nope/action", {"stop-server-group": {}})):
        r = client.sdrs(method, path, json=body)
        assert err(r) == (400, "SDRS.1013")
        assert r.headers["Content-Type"].startswith("application/json")


def test_flat_error_shape(client):
    client.admin("PUT", "/config", json={"error_shape": "flat"}).raise_for_status()
    r = client.sdrs("GET", "/server-groups/nope")
    assert r.status_code == 400 and set(r.json()) == {"error_code", "error_msg"}
    assert r.json()["error_code"] == "SDRS.1013"


def test_delete_group(client):
    gid = client.create_group()
    job = client.run_job(client.sdrs("DELETE", f"/server-groups/{gid}"))
    assert job["job_type"] == "deleteProtectionGroupNoCG"
    assert job["entities"] == {"server_group_id": gid}
    assert err(client.sdrs("GET", f"/server-groups/{gid}")) == (400, "SDRS.1013")


def test_delete_refused_with_children(client):
    gid = client.create_group()
    client.protect(gid, "web-01")
    assert err(client.sdrs("DELETE", f"/server-groups/{gid}")) == (400, "SDRS.1001")
    g2 = client.create_group("g2")
    client.run_job(client.sdrs("POST", "/replications", json={"replication": {
        "server_group_id": g2, "volume_id": client.seed["volumes"]["backup-vol-01"], "name": "rp"}}))
    assert err(client.sdrs("DELETE", f"/server-groups/{g2}")) == (400, "SDRS.1010")
    g3 = client.create_group("g3")
    client.run_job(client.sdrs("POST", "/disaster-recovery-drills", json={"disaster_recovery_drill": {
        "server_group_id": g3, "name": "d"}}))
    assert err(client.sdrs("DELETE", f"/server-groups/{g3}")) == (400, "SDRS.1003")


def test_unknown_action_and_unknown_url(client):
    gid = client.create_group()
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action", json={"explode": {}})) == (400, "SDRS.0206")
    assert err(client.sdrs("POST", f"/server-groups/{gid}/action",
                           json={"stop-server-group": {}, "start-server-group": {}})) == (400, "SDRS.0206")
    assert err(client.sdrs("GET", "/no-such-thing")) == (404, "APIGW.0101")
    assert err(client.sdrs("PATCH", "/server-groups")) == (404, "APIGW.0101")


def test_domains_and_versions(client):
    d = client.sdrs("GET", "/active-domains").json()
    assert set(d) == {"domains"} and len(d["domains"]) == 2
    assert d["domains"][1]["sold_out"] is True
    assert client.request("GET", "/v1", auth="none").json()["version"]["id"] == "v1"
