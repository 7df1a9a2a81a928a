"""VBS backup policies: create validation, list shape, merge semantics, associate/disassociate, tags."""

from sdrs_emulator.testclient import error_of as err

SCHED = {"start_time": "12:00", "frequency": 1, "rentention_num": 10,
         "remain_first_backup_of_curMonth": "Y", "status": "ON"}


def _create(c, name="plan01", **sched):
    body = {"backup_policy_name": name, "scheduled_policy": {**SCHED, **sched}}
    return c.vbs("POST", "/backuppolicy", json=body)


def _get(c, pid):
    return next(p for p in c.vbs("GET", "/backuppolicy").json()["backup_policies"] if p["backup_policy_id"] == pid)


def test_create_and_list_shape(client):
    r = _create(client)
    assert r.status_code == 200 and set(r.json()) == {"backup_policy_id"}
    pid = r.json()["backup_policy_id"]
    lst = client.vbs("GET", "/backuppolicy").json()
    assert set(lst) == {"backup_policies"}
    assert lst["backup_policies"] == [{"backup_policy_id": pid, "backup_policy_name": "plan01",
                                       "scheduled_policy": SCHED, "policy_resource_count": 0}]
    assert client.vbs("GET", f"/backuppolicy/{pid}").status_code == 404  # no GET-one endpoint


def test_create_validation(client):
    cases = [
        ({"backup_policy_name": ""}, "AutoBackup.0101"),
        ({"backup_policy_name": "default-x"}, "AutoBackup.0102"),
        ({"backup_policy_name": "a b"}, "AutoBackup.0102"),
        ({"start_time": "12:30"}, "AutoBackup.0103"),
        ({"frequency": 15}, "AutoBackup.0106"),
        ({"frequency": None, "week_frequency": ["XYZ"]}, "AutoBackup.0106"),
        ({"frequency": None}, "AutoBackup.0106"),
        ({"rentention_num": 1}, "AutoBackup.0107"),
        ({"rentention_num": None}, "AutoBackup.0107"),
        ({"remain_first_backup_of_curMonth": "maybe"}, "AutoBackup.0105"),
        ({"status": "MAYBE"}, "AutoBackup.0104"),
    ]
    for over, code in cases:
        name = over.pop("backup_policy_name", "p1")
        body = {"backup_policy_name": name, "scheduled_policy": {
            k: v for k, v in {**SCHED, **over}.items() if v is not None}}
        assert err(client.vbs("POST", "/backuppolicy", json=body)) == (400, code), over
    tz = {"backup_policy_name": "p", "scheduled_policy": SCHED, "time_zone": "CET"}
    assert err(client.vbs("POST", "/backuppolicy", json=tz)) == (400, "AutoBackup.0226")
    assert err(client.vbs("POST", "/backuppolicy", data="{", headers={"Content-Type": "application/json"})) == (
        400, "AutoBackup.0008")


def test_quota_of_ten(client):
    for i in range(10):
        assert _create(client, f"p{i}").status_code == 200
    assert err(_create(client, "p10")) == (400, "AutoBackup.0203")


def test_modify_merges_with_exclusive_pairs(client):
    pid = _create(client).json()["backup_policy_id"]
    r = client.vbs("PUT", f"/backuppolicy/{pid}", json={"scheduled_policy": {"status": "OFF"}})
    assert r.json() == {"backup_policy_id": pid}
    assert _get(client, pid)["scheduled_policy"] == {**SCHED, "status": "OFF"}
    client.vbs("PUT", f"/backuppolicy/{pid}", json={"scheduled_policy": {"week_frequency": ["MON", "FRI"]}})
    sp = _get(client, pid)["scheduled_policy"]
    assert "frequency" not in sp and sp["week_frequency"] == ["MON", "FRI"]
    client.vbs("PUT", f"/backuppolicy/{pid}", json={"scheduled_policy": {"rentention_day": 30.9}})
    sp = _get(client, pid)["scheduled_policy"]
    assert "rentention_num" not in sp and sp["rentention_day"] == 30
    client.vbs("PUT", f"/backuppolicy/{pid}", json={"scheduled_policy": {"frequency": 3, "week_frequency": ["SUN"]}})
    sp = _get(client, pid)["scheduled_policy"]
    assert sp["frequency"] == 3 and "week_frequency" not in sp
    client.vbs("PUT", f"/backuppolicy/{pid}", json={"backup_policy_name": "renamed", "time_zone": "UTC+02:00"})
    p = _get(client, pid)
    assert p["backup_policy_name"] == "renamed" and p["time_zone"] == "UTC+02:00"
    assert err(client.vbs("PUT", f"/backuppolicy/{pid}", json={"scheduled_policy": {"frequency": 0}})) == (
        400, "AutoBackup.0106")


def test_unknown_policy_is_404(client):
    assert err(client.vbs("PUT", "/backuppolicy/nope", json={"backup_policy_name": "x"})) == (404, "AutoBackup.0205")
    assert err(client.vbs("DELETE", "/backuppolicy/nope")) == (404, "AutoBackup.0205")
    assert err(client.vbs("POST", "/backuppolicy/nope/action")) == (404, "AutoBackup.0205")


def test_associate_disassociate_and_move(client, seed):
    p1 = _create(client, "p1").json()["backup_policy_id"]
    p2 = _create(client, "p2").json()["backup_policy_id"]
    v1, v2 = seed["volumes"]["backup-vol-01"], seed["volumes"]["web-01-data"]
    r = client.vbs("POST", "/backuppolicyresources", json={"backup_policy_id": p1, "resources": [
        {"resource_id": v1, "resource_type": "volume"}, {"resource_id": v2, "resource_type": "volume"},
        {"resource_id": "nope", "resource_type": "volume"}, {"resource_id": v1, "resource_type": "disk"}]}).json()
    assert [s["resource_id"] for s in r["success_resources"]] == [v1, v2]
    assert r["success_resources"][0] == {"resource_id": v1, "resource_type": "volume",
                                         "availability_zone": "eu-de-01", "os_vol_host_attr": "pod01.eu-de-01"}
    assert [(f["resource_id"], f["code"]) for f in r["fail_resources"]] == [
        ("nope", "AutoBackup.1400"), (v1, "AutoBackup.0211")]
    assert _get(client, p1)["policy_resource_count"] == 2
    again = client.vbs("POST", "/backuppolicyresources", json={"backup_policy_id": p1, "resources": [
        {"resource_id": v1, "resource_type": "volume"}]}).json()
    # already in this policy: reported as a success that changes nothing
    assert [x["resource_id"] for x in again["success_resources"]] == [v1] and again["fail_resources"] == []
    assert _get(client, p1)["policy_resource_count"] == 2
    moved = client.vbs("POST", "/backuppolicyresources", json={"backup_policy_id": p2, "resources": [
        {"resource_id": v1, "resource_type": "volume"}]}).json()
    assert len(moved["success_resources"]) == 1
    assert (_get(client, p1)["policy_resource_count"], _get(client, p2)["policy_resource_count"]) == (1, 1)
    d = client.vbs("POST", f"/backuppolicyresources/{p1}/deleted_resources",
                   json={"resources": [{"resource_id": v2}, {"resource_id": v1}]}).json()
    assert d["success_resources"] == [{"resource_id": v2}] and d["fail_resources"][0]["resource_id"] == v1
    assert _get(client, p1)["policy_resource_count"] == 0
    assert err(client.vbs("POST", "/backuppolicyresources", json={"backup_policy_id": p1, "resources": []})) == (
        400, "AutoBackup.0207")


def test_execute_and_delete(client, seed):
    pid = _create(client).json()["backup_policy_id"]
    client.vbs("POST", "/backuppolicyresources", json={"backup_policy_id": pid, "resources": [
        {"resource_id": seed["volumes"]["backup-vol-01"], "resource_type": "volume"}]})
    client.admin("PUT", "/config", json={"job_durations": {"vbsExecutePolicy": 30}})
    r = client.vbs("POST", f"/backuppolicy/{pid}/action")
    assert r.status_code == 204 and r.content == b""
    assert err(client.vbs("POST", f"/backuppolicy/{pid}/action")) == (400, "AutoBackup.0225")
    tasks = client.vbs("GET", f"/backuppolicy/{pid}/backuptasks").json()
    assert tasks["count"] == 1 and tasks["tasks"][0]["status"] == "RUNNING"
    r = client.vbs("DELETE", f"/backuppolicy/{pid}")
    assert r.status_code == 204 and r.content == b""
    assert client.vbs("GET", "/backuppolicy").json() == {"backup_policies": []}


def test_policy_tags(client):
    pid = _create(client, tags=None).json()["backup_policy_id"]
    p = f"/backuppolicy/{pid}/tags"
    assert client.vbs("POST", p, json={"tag": {"key": "env", "value": "prod"}}).status_code == 204
    assert client.vbs("POST", p + "/action", json={"action": "create", "tags": [{"key": "team", "value": "dr"}]}).status_code == 204
    assert client.vbs("GET", p).json() == {"tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "dr"}]}
    assert client.vbs("POST", p + "/action", json={"action": "delete", "tags": [{"key": "team"}]}).status_code == 204
    assert client.vbs("DELETE", p + "/env").status_code == 204
    assert err(client.vbs("DELETE", p + "/env")) == (404, "AutoBackup.0216")
    assert err(client.vbs("POST", p + "/action", json={"action": "explode", "tags": []})) == (400, "AutoBackup.0222")
    body = {"backup_policy_name": "tagged", "scheduled_policy": SCHED, "tags": [{"key": "k", "value": "v"}]}
    tagged = client.vbs("POST", "/backuppolicy", json=body).json()["backup_policy_id"]
    assert client.vbs("GET", "/backuppolicy/tags").json() == {"tags": [{"key": "k", "values": ["v"]}]}
    q = client.vbs("POST", "/backuppolicy/resource_instances/action",
                   json={"action": "filter", "tags": [{"key": "k", "values": []}]}).json()
    assert q["total_count"] == 1 and q["resources"][0]["resource_id"] == tagged
    assert q["resources"][0]["resource_detail"] is None
