"""ECS stub: show (v1 and nova), fuzzy list with page-number offset, start/stop jobs, resize flavors."""

from sdrs_emulator.testclient import error_of as err


def test_show_shapes(client, seed):
    web = seed["servers"]["web-01"]
    s = client.ecs("GET", f"/{web}").json()["server"]
    assert s["flavor"] == {"id": "s3.large.2", "name": "s3.large.2", "vcpus": "2", "ram": "4096",
                           "disk": "0", "gpus": [], "asic_accelerators": []}
    assert (s["status"], s["OS-EXT-STS:power_state"], s["OS-EXT-AZ:availability_zone"]) == ("ACTIVE", 1, "eu-de-01")
    assert [v["device"] for v in s["os-extended-volumes:volumes_attached"]] == ["/dev/vda", "/dev/vdb"]
    assert s["addresses"][seed["vpcs"]["vpc-prod"]][0]["addr"] == "192.168.1.11"
    n = client.request("GET", f"/v2.1/{client.pid}/servers/{web}").json()["server"]
    assert n["flavor"]["id"] == "s3.large.2" and n["OS-EXT-STS:power_state"] == 1
    assert n["os-extended-volumes:volumes_attached"][0] == {"id": seed["volumes"]["web-01-sys"],
                                                            "delete_on_termination": False}
    assert err(client.ecs("GET", "/nope")) == (404, "Ecs.0114")
    r = client.request("GET", f"/v2.1/{client.pid}/servers/nope")
    assert r.status_code == 404 and "itemNotFound" in r.json()


def test_list_is_fuzzy_and_paged_by_page_number(client):
    r = client.ecs("GET", "/detail", params={"name": "WEB"}).json()
    assert r["count"] == 2 and {s["name"] for s in r["servers"]} == {"web-01", "web-02"}
    page1 = client.ecs("GET", "/detail", params={"limit": 3, "offset": 1}).json()
    page2 = client.ecs("GET", "/detail", params={"limit": 3, "offset": 2}).json()
    assert page1["count"] == 8 and len(page1["servers"]) == 3
    assert not {s["id"] for s in page1["servers"]} & {s["id"] for s in page2["servers"]}
    assert client.ecs("GET", "/detail", params={"status": "SHUTOFF"}).json()["count"] == 3


def test_stop_and_start_jobs(client, seed):
    ids = [seed["servers"]["web-01"], seed["servers"]["web-02"]]
    client.admin("PUT", "/config", json={"job_durations": {"stopServer": 30}})
    r = client.ecs("POST", "/action", json={"os-stop": {"servers": [{"id": i} for i in ids], "type": "SOFT"}})
    assert r.status_code == 200 and set(r.json()) == {"job_id"}
    assert client.ecs("GET", f"/{ids[0]}").json()["server"]["OS-EXT-STS:task_state"] == "powering-off"
    client.admin("POST", "/reset")  # back to short jobs; the reset also drops tokens
    client.forget_token()
    r = client.ecs("POST", "/action", json={"os-stop": {"servers": [{"id": i} for i in ids], "type": "SOFT"}})
    job = client.run_job(r)
    assert job["job_type"] == "stopServer" and job["entities"]["sub_jobs_total"] == 2
    assert [s["entities"]["server_id"] for s in job["entities"]["sub_jobs"]] == ids
    s = client.ecs("GET", f"/{ids[0]}").json()["server"]
    assert (s["status"], s["OS-EXT-STS:power_state"], s["OS-EXT-STS:task_state"]) == ("SHUTOFF", 4, None)
    client.run_job(client.ecs("POST", "/action", json={"os-start": {"servers": [{"id": ids[0]}]}}))
    assert client.ecs("GET", f"/{ids[0]}").json()["server"]["status"] == "ACTIVE"
    assert err(client.ecs("POST", "/action", json={"os-start": {"servers": [{"id": "nope"}]}})) == (404, "Ecs.0114")
    assert err(client.ecs("POST", "/action", json={"os-start": {"servers": []}})) == (400, "Ecs.0005")


def test_ecs_job_failure_has_no_task_center_entry(client, seed):
    client.admin("POST", "/faults", json={"action": "job_fail", "job_type": "startServer"})
    job = client.run_job(client.ecs("POST", "/action", json={"os-start": {"servers": [
        {"id": seed["servers"]["app-02"]}]}}), expect="FAIL")
    assert job["error_code"]
    assert client.ecs("GET", f"/{seed['servers']['app-02']}").json()["server"]["status"] == "SHUTOFF"


def test_resize_flavors(client, seed):
    fl = client.ecs("GET", "/resize_flavors", params={"instance_uuid": seed["servers"]["web-01"]}).json()["flavors"]
    ids = {f["id"] for f in fl}
    assert "s3.xlarge.2" in ids and "s3.large.2" not in ids and "p2.2xlarge.8" not in ids
    assert client.ecs("GET", "/resize_flavors", params={"source_flavor_id": "c4.large.2"}).status_code == 200
