"""List filters and pagination: fuzzy name, status, query_type, AZ, id lists, offset/limit, marker."""

import time

from sdrs_emulator.testclient import error_of as err


def _names(resp, key="server_groups"):
    return [x["name"] for x in resp.json()[key]]


def _bulk(c, n, prefix="bulk-pg-", status="available"):
    r = c.admin("POST", "/bulk/server-groups", json={"count": n, "name_prefix": prefix, "status": status})
    assert r.status_code == 201
    return r.json()["ids"]


def test_newest_first_offset_limit_count(client):
    _bulk(client, 5)
    r = client.sdrs("GET", "/server-groups", params={"limit": 2, "offset": 1})
    assert r.json()["count"] == 5 and _names(r) == ["bulk-pg-000003", "bulk-pg-000002"]
    assert _names(client.sdrs("GET", "/server-groups", params={"offset": 10})) == []


def test_bad_limit_offset(client):
    for limit in ("-1", "1001", "abc"):
        assert err(client.sdrs("GET", "/server-groups", params={"limit": limit})) == (400, "SDRS.0221")
    for offset in ("-1", "x"):
        assert err(client.sdrs("GET", "/server-groups", params={"offset": offset})) == (400, "SDRS.0222")
    assert err(client.sdrs("GET", "/server-groups", params={"query_type": "weird"})) == (400, "SDRS.0201")


def test_marker_pagination(client):
    ids = _bulk(client, 5)
    r = client.sdrs("GET", "/server-groups", params={"limit": 2, "marker": ids[3]})
    assert _names(r) == ["bulk-pg-000002", "bulk-pg-000001"] and r.json()["count"] == 5
    # marker wins over offset (openstacksdk keeps `offset` when it follows markers)
    r = client.sdrs("GET", "/server-groups", params={"limit": 2, "offset": 1, "marker": ids[3]})
    assert _names(r) == ["bulk-pg-000002", "bulk-pg-000001"]
    assert _names(client.sdrs("GET", "/server-groups", params={"marker": ids[0]})) == []
    assert err(client.sdrs("GET", "/server-groups", params={"marker": "nope"})) == (400, "SDRS.0201")


def test_name_status_filters(client):
    _bulk(client, 3, prefix="web-")
    _bulk(client, 2, prefix="db-", status="protected")
    assert client.sdrs("GET", "/server-groups", params={"name": "WEB"}).json()["count"] == 3
    assert client.sdrs("GET", "/server-groups", params={"status": "protected"}).json()["count"] == 2
    assert client.sdrs("GET", "/server-groups", params={"name": "db", "status": "available"}).json()["count"] == 0
    assert client.sdrs("GET", "/server-groups", params={"query_type": "stop_protected"}).json()["count"] == 3
    assert client.sdrs("GET", "/server-groups", params={"query_type": "general"}).json()["count"] == 5
    assert client.sdrs("GET", "/server-groups", params={"availability_zone": "eu-de-01"}).json()["count"] == 5
    assert client.sdrs("GET", "/server-groups", params={"availability_zone": "eu-de-02"}).json()["count"] == 0


def test_query_type_abnormal(client):
    gid = client.create_group()
    client.admin("POST", "/faults", json={"action": "job_fail", "job_type": "deleteProtectionGroupNoCG"})
    client.run_job(client.sdrs("DELETE", f"/server-groups/{gid}"), expect="FAIL")
    r = client.sdrs("GET", "/server-groups", params={"query_type": "status_abnormal"})
    assert r.json()["count"] == 1 and r.json()["server_groups"][0]["status"] == "error-deleting"


def test_instance_id_list_encodings(client):
    g1, g2 = client.create_group("g1"), client.create_group("g2")
    a, b = client.protect(g1, "web-01"), client.protect(g2, "web-02")
    encodings = [
        {"server_group_ids": f'["{g1}","{g2}"]'},
        {"server_group_ids": f"['{g1}', '{g2}']"},
        [("server_group_ids", g1), ("server_group_ids", g2)],
        {"server_group_ids": f"{g1},{g2}"},
    ]
    for params in encodings:
        assert client.sdrs("GET", "/protected-instances", params=params).json()["count"] == 2, params
    assert client.sdrs("GET", "/protected-instances", params={"server_group_id": g1}).json()["count"] == 1
    # server_group_ids overrides server_group_id; protected_instance_ids ignored next to a group filter
    r = client.sdrs("GET", "/protected-instances", params={"server_group_id": g1, "server_group_ids": f'["{g2}"]'})
    assert [p["id"] for p in r.json()["protected_instances"]] == [b]
    r = client.sdrs("GET", "/protected-instances", params={"server_group_id": g1, "protected_instance_ids": f'["{b}"]'})
    assert [p["id"] for p in r.json()["protected_instances"]] == [a]
    r = client.sdrs("GET", "/protected-instances", params={"protected_instance_ids": f'["{b}"]'})
    assert [p["id"] for p in r.json()["protected_instances"]] == [b]
    too_many = ",".join(f"id{i}" for i in range(31))
    assert err(client.sdrs("GET", "/protected-instances", params={"server_group_ids": too_many})) == (400, "SDRS.0226")
    rps = client.sdrs("GET", "/replications", params={"server_group_ids": f'["{g1}"]'}).json()
    assert rps["count"] == 2


def test_ten_thousand_groups_name_filter_is_fast(client):
    _bulk(client, 10_000)
    client.sdrs("GET", "/server-groups", params={"limit": 1})  # warm the connection
    t0 = time.perf_counter()
    r = client.sdrs("GET", "/server-groups", params={"name": "pg-0099"})
    elapsed = time.perf_counter() - t0
    assert r.json()["count"] == 100
    assert elapsed < 1.0, elapsed
    t0 = time.perf_counter()
    r = client.sdrs("GET", "/server-groups")
    assert r.json()["count"] == 10_000 and len(r.json()["server_groups"]) == 1000
    assert time.perf_counter() - t0 < 2.0
