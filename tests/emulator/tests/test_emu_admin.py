"""Admin API: request log and `mutating`, reset, config, state, out-of-band server ops, restart."""

import json

from sdrs_emulator.testclient import EmulatorClient
from sdrs_emulator.testing import running_emulator


def test_request_log_fields_and_mutating(client):
    client.token()
    gid = client.create_group()
    client.sdrs("POST", "/protected-instances/resource_instances/action", json={"action": "count"})
    client.sdrs("PUT", f"/server-groups/{gid}", json={"server_group": {"name": "x"}})
    log = client.admin("GET", "/requests").json()
    entries = log["requests"]
    assert log["last_seq"] == entries[-1]["seq"]
    first = entries[0]
    assert set(first) >= {"seq", "time", "method", "path", "query", "status", "service", "auth",
                          "project_id", "mutating", "fault"}
    assert (first["path"], first["service"], first["auth"], first["mutating"]) == (
        "/v3/auth/tokens", "iam", "none", False)
    by_path = {(e["method"], e["path"].rsplit("/", 1)[-1]): e for e in entries}
    assert by_path[("POST", "server-groups")]["mutating"] is True
    assert by_path[("POST", "server-groups")]["project_id"] == client.pid
    assert by_path[("POST", "action")]["mutating"] is False
    assert by_path[("PUT", gid)]["mutating"] is True
    assert not any(e["path"].startswith("/_emulator") for e in entries)
    since = client.admin("GET", "/requests", params={"since": entries[-2]["seq"]}).json()["requests"]
    assert [e["seq"] for e in since] == [entries[-1]["seq"]]
    client.admin("DELETE", "/requests")
    assert client.admin("GET", "/requests").json()["requests"] == []


def test_reset_restores_seed_and_config(client):
    client.create_group()
    client.admin("PUT", "/config", json={"token_lifetime": 5, "job_durations": {"stopServer": 9}})
    cfg = client.admin("GET", "/config").json()
    assert cfg["token_lifetime"] == 5 and cfg["job_durations"]["stopServer"] == 9
    assert client.admin("PUT", "/config", json={"bogus": 1}).status_code == 400
    client.admin("POST", "/reset")
    assert client.admin("GET", "/config").json()["token_lifetime"] == 86400
    client.forget_token()
    assert client.sdrs("GET", "/server-groups").json()["count"] == 0


def test_state_dump_and_server_ops(client, seed):
    state = client.admin("GET", "/state").json()
    assert seed["servers"]["web-01"] in state["servers"]
    r = client.admin("POST", f"/servers/{seed['servers']['web-01']}/status", json={"status": "SHUTOFF"})
    assert r.json() == {"id": seed["servers"]["web-01"], "status": "SHUTOFF"}
    assert client.admin("POST", f"/servers/{seed['servers']['web-01']}/status", json={"status": "x"}).status_code == 400
    assert client.admin("POST", "/servers/nope/delete").status_code == 404
    client.admin("POST", f"/servers/{seed['servers']['web-02']}/delete").raise_for_status()
    assert client.ecs("GET", f"/{seed['servers']['web-02']}").status_code == 404


def test_state_survives_restart(tmp_path):
    state_file = tmp_path / "state.json"
    with running_emulator(tmp_path / "run1", job_duration=0.05, state_file=state_file) as info:
        c = EmulatorClient(info)
        gid = c.create_group("persisted")
        iid = c.protect(gid, "web-01")
        token = c.token()
        c.admin("PUT", "/config", json={"job_durations": {"startProtectionGroupNoCG": 1.0}})
        job = c.sdrs("POST", f"/server-groups/{gid}/action", json={"start-server-group": {}}).json()["job_id"]
    assert json.loads(state_file.read_text())["server_groups"][gid]["status"] == "starting"
    with running_emulator(tmp_path / "run2", job_duration=0.05, state_file=state_file) as info:
        c = EmulatorClient(info)
        c._token = token  # tokens survive too
        assert c.sdrs("GET", f"/protected-instances/{iid}").json()["protected_instance"]["name"] == "web-01-pi"
        assert c.wait_job(job)["status"] == "SUCCESS"  # a job in flight finishes after the restart
        assert c.sdrs("GET", f"/server-groups/{gid}").json()["server_group"]["status"] == "protected"


def test_http_mode_and_connection_file(tmp_path):
    with running_emulator(tmp_path, http=True) as info:
        assert info["emulator_url"].startswith("http://") and info["emulator_ca_path"] is None
        assert "ca_path" not in info["sdrs_auth_token"]
        assert set(info["sdrs_auth_aksk"]["endpoints"]) == {"sdrs", "vbs", "ecs"}
        c = EmulatorClient(info)
        assert c.sdrs("GET", "/server-groups").status_code == 200
        assert c.admin("GET", "/connection").json()["emulator_url"] == info["emulator_url"]
