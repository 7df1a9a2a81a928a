# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""protection_group and protected_instance at the HTTP boundary: which requests a run sends (none
that mutate in check mode, only reads on a re-run), the bodies, and the refusals."""

from __future__ import annotations

import functools
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _base
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._client import Client
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._jobs import wait_for_job
from ansible_collections.cloud_dr.sdrs.plugins.modules import protected_instance, protection_group
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PROJECT, FakeTransport, Reply, token_params)

BASE = f"/v1/{PROJECT}"
DOMAIN = {"id": "fb4bb8e3-a574-4437-a156-78c916aeea4d", "name": "ActiveactiveDomain", "sold_out": False,
          "local_replication_cluster": {"availability_zone": "eu-de-01"},
          "remote_replication_cluster": {"availability_zone": "eu-de-02"}}
GROUP_ID = "943c7d15-0371-4b89-b1a6-db1ef35c9263"
SERVER_ID = "5fb92d6c-b0cb-46c9-824b-b90ec5500ae6"


def group(**kw):
    base = {"id": GROUP_ID, "name": "web", "description": None, "status": "available",
            "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02",
            "domain_id": DOMAIN["id"], "domain_name": DOMAIN["name"], "source_vpc_id": "vpc1",
            "target_vpc_id": "vpc1", "dr_type": "migration", "priority_station": "source",
            "protected_instance_num": 0, "replication_num": 0, "disaster_recovery_drill_num": 0}
    base.update(kw)
    return base


class FakeSdrs:
    """A scripted SDRS/ECS: answers by (method, path); records every call."""

    def __init__(self) -> None:
        self.groups: list = []
        self.instances: list = []
        self.servers: list = []
        self.refuse: dict = {}  # (method, path) -> (status, code)
        self.calls: list = []

    def __call__(self, call) -> Reply:
        path = call.path
        if path.startswith(BASE):
            path = path[len(BASE):]
        query = {k: v[0] for k, v in parse_qs(urlsplit(call.url).query).items()}
        self.calls.append((call.method, path, call.json))
        if (call.method, path) in self.refuse:
            status, code = self.refuse[(call.method, path)]
            return Reply(status, json={"error": {"code": code, "message": "refused"}})
        if call.method == "GET" and path == "/active-domains":
            return Reply(json={"domains": [DOMAIN]})
        if call.method == "GET" and path in ("/server-groups", "/protected-instances"):
            items = [i for i in (self.groups if path == "/server-groups" else self.instances)
                     if query.get("name", "") in i["name"]
                     and query.get("server_group_id", i.get("server_group_id")) == i.get("server_group_id")]
            key = "server_groups" if path == "/server-groups" else "protected_instances"
            return Reply(json={key: items, "count": len(items)})
        if call.method == "GET" and path.startswith("/server-groups/"):
            found = [g for g in self.groups if g["id"] == path.rsplit("/", 1)[1]]
            if not found:
                return Reply(400, json={"error": {"code": "SDRS.1013", "message": "not found"}})
            return Reply(json={"server_group": found[0]})
        if call.method == "GET" and path.startswith("/protected-instances/"):
            return Reply(json={"protected_instance": self.instances[0]})
        if call.method == "GET" and path == "/replications":
            return Reply(json={"replications": [{"id": "r1", "name": "web-01-sys-rep"}], "count": 1})
        if call.method == "GET" and path == "/cloudservers/detail":
            return Reply(json={"servers": self.servers, "count": len(self.servers)})
        if call.method == "GET" and path.startswith("/jobs/"):
            return Reply(json={"job_id": "j1", "job_type": "t", "status": "SUCCESS",
                               "entities": {"server_group_id": GROUP_ID}})
        if call.method == "POST" and path.endswith("/tags/action"):
            return Reply(204)
        if call.method == "POST" and path == "/server-groups":
            self.groups.append(group(name=call.json["server_group"]["name"]))
        if call.method in ("POST", "DELETE"):
            return Reply(json={"job_id": "j1"})
        raise AssertionError(f"unexpected {call.method} {path}")

    def mutations(self) -> list:
        return [c for c in self.calls if c[0] != "GET"]


@pytest.fixture
def sdrs(monkeypatch) -> FakeSdrs:
    fake = FakeSdrs()
    transport = FakeTransport()
    transport.default = fake
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", transport)

    def client(params, **kwargs):
        return Client(params, session=session, **kwargs)
    monkeypatch.setattr(_base, "Client", client)
    monkeypatch.setattr(_base, "wait_for_job", functools.partial(wait_for_job, sleep=lambda s: None))
    return fake


def run(capsys, module, check=False, **args) -> dict:
    params = {k: v for k, v in token_params().items() if v is not None}
    params.update(args, _ansible_check_mode=check, _ansible_diff=True)
    with patch_module_args(params):
        with pytest.raises(SystemExit):
            module.execute()
    return json.loads(capsys.readouterr().out)


CREATE = dict(name="web", source_availability_zone="eu-de-01", target_availability_zone="eu-de-02",
              source_vpc_id="vpc1")


# -- protection_group ---------------------------------------------------------------------------------
def test_group_create_check_mode_reads_only(sdrs, capsys):
    result = run(capsys, protection_group.ProtectionGroup, check=True, **CREATE)
    assert sdrs.mutations() == []
    assert [c[1] for c in sdrs.calls] == ["/server-groups", "/active-domains"]
    assert result["changed"] is True
    assert result["protection_group"]["domain_id"] == DOMAIN["id"]
    assert result["protection_group"]["id"] is None
    assert result["diff"]["before"] == {}


def test_group_create_sends_the_documented_body(sdrs, capsys):
    result = run(capsys, protection_group.ProtectionGroup, description="web tier", **CREATE)
    posts = sdrs.mutations()
    assert posts == [("POST", "/server-groups", {"server_group": {
        "name": "web", "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02",
        "domain_id": DOMAIN["id"], "source_vpc_id": "vpc1", "dr_type": "migration", "description": "web tier"}})]
    assert result["protection_group"]["id"] == GROUP_ID
    assert result["jobs"][0]["status"] == "SUCCESS"
    assert result["actions"] == ["create protection group 'web'"]


def test_group_rerun_sends_one_list(sdrs, capsys):
    sdrs.groups = [group(), group(id="other", name="web-2")]
    result = run(capsys, protection_group.ProtectionGroup, domain="ActiveactiveDomain", **CREATE)
    assert result["changed"] is False
    assert sdrs.calls == [("GET", "/server-groups", None)]


def test_group_enable_refused_by_api_is_explained(sdrs, capsys):
    sdrs.groups = [group(replication_num=2, protected_instance_num=1)]
    sdrs.refuse = {("POST", f"/server-groups/{GROUP_ID}/action"): (400, "SDRS.1002")}
    result = run(capsys, protection_group.ProtectionGroup, name="web", protection="enabled")
    assert result["failed"] is True
    assert "SDRS.1002" in result["msg"]
    assert "SDRS enables protection only for a group with replication pairs" in result["msg"]
    assert sdrs.mutations()[0][2] == {"start-server-group": {}}


def test_group_enable_empty_group_sends_nothing(sdrs, capsys):
    sdrs.groups = [group()]
    result = run(capsys, protection_group.ProtectionGroup, name="web", protection="enabled")
    assert result["failed"] is True
    assert "add protected instances first" in result["msg"]
    assert sdrs.mutations() == []


def test_group_delete_non_empty_lists_children(sdrs, capsys):
    sdrs.groups = [group(protected_instance_num=1, replication_num=1)]
    sdrs.instances = [{"id": "i1", "name": "web-01", "server_group_id": GROUP_ID}]
    result = run(capsys, protection_group.ProtectionGroup, name="web", state="absent")
    assert result["failed"] is True
    assert "1 protected instances: web-01 (i1); 1 replication pairs: web-01-sys-rep (r1)" in result["msg"]
    assert sdrs.mutations() == []
    assert [c[1] for c in sdrs.calls] == ["/server-groups", "/protected-instances", "/replications"]


def test_group_delete_protected_empty_group_disables_first(sdrs, capsys):
    sdrs.groups = [group(status="protected")]
    result = run(capsys, protection_group.ProtectionGroup, name="web", state="absent")
    assert [(m, p) for m, p, _b in sdrs.mutations()] == [
        ("POST", f"/server-groups/{GROUP_ID}/action"), ("DELETE", f"/server-groups/{GROUP_ID}")]
    assert sdrs.mutations()[0][2] == {"stop-server-group": {}}
    assert result["protection_group"] is None


# -- protected_instance --------------------------------------------------------------------------------
def server(**kw):
    base = {"id": SERVER_ID, "name": "web-01", "status": "ACTIVE", "OS-EXT-AZ:availability_zone": "eu-de-01",
            "metadata": {"vpc_id": "vpc1"}}
    base.update(kw)
    return base


def instance(**kw):
    base = {"id": "50f5091e-9e9e-473c-a932-2a2cbcbeb1ff", "name": "web-01", "server_group_id": GROUP_ID,
            "status": "available", "source_server": SERVER_ID, "target_server": "dr-1", "priority_station": "source",
            "description": None, "attachment": [], "tags": [{"key": "app", "value": "shop"},
                                                            {"key": "tier", "value": "web"}]}
    base.update(kw)
    return base


def test_instance_already_protected_is_refused_before_create(sdrs, capsys):
    sdrs.groups = [group()]
    sdrs.servers = [server()]
    sdrs.instances = [instance(name="other", id="i9")]
    result = run(capsys, protected_instance.ProtectedInstance, protection_group="web", name="web-02", server="web-01")
    assert result["failed"] is True
    assert "is already protected by protected instance 'other' (i9)" in result["msg"]
    assert "'web-02' was not created" in result["msg"]
    assert sdrs.mutations() == []


def test_instance_tags_are_synced_with_two_actions(sdrs, capsys):
    sdrs.groups = [group()]
    sdrs.instances = [instance()]
    result = run(capsys, protected_instance.ProtectedInstance, protection_group="web", name="web-01",
                 server=SERVER_ID, tags={"app": "shop2", "owner": 7})
    path = "/protected-instances/50f5091e-9e9e-473c-a932-2a2cbcbeb1ff/tags/action"
    assert sdrs.mutations() == [
        ("POST", path, {"action": "delete", "tags": [{"key": "tier"}]}),
        ("POST", path, {"action": "create", "tags": [{"key": "app", "value": "shop2"}, {"key": "owner", "value": "7"}]}),
    ]
    assert result["changed"] is True


def test_instance_rerun_by_ids_reads_group_and_instance_only(sdrs, capsys):
    sdrs.groups = [group()]
    sdrs.instances = [instance()]
    result = run(capsys, protected_instance.ProtectedInstance, protection_group=GROUP_ID, name="web-01",
                 server=SERVER_ID, tags={"app": "shop", "tier": "web"})
    assert result["changed"] is False
    assert [(m, p) for m, p, _b in sdrs.calls] == [("GET", f"/server-groups/{GROUP_ID}"), ("GET", "/protected-instances")]
    assert result["protected_instance"]["production_server_id"] == SERVER_ID
    assert result["protected_instance"]["dr_availability_zone"] == "eu-de-02"
