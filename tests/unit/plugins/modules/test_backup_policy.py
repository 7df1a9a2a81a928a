# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_policy and backup_policy_info end to end against a small in-memory VBS at the HTTP
boundary: which requests each run sends, and what the count lets the module prove about volumes."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _base
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._client import Client
from ansible_collections.cloud_dr.sdrs.plugins.modules import backup_policy, backup_policy_info
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PROJECT, FakeTransport, Reply, token_params)

BASE = f"/v2/{PROJECT}"


class FakeVbs:
    """Just enough of VBS v2 (API doc §6.1): list, create, merge-PUT, delete, tags, association."""

    def __init__(self) -> None:
        self.policies: dict = {}
        self.bound: dict = {}  # policy id -> set of volume ids
        self.tags: dict = {}
        self.calls: list = []
        self.fail_volumes: dict = {}  # volume id -> code answered on associate
        self.reject_reassociation = False  # answer AutoBackup.1400 for an already associated volume

    def add(self, name, bound=(), tags=None, **schedule) -> str:
        pid = str(uuid.uuid4())
        sp = dict({"start_time": "01:00", "frequency": 1, "rentention_num": 7,
                   "remain_first_backup_of_curMonth": "N", "status": "ON"}, **schedule)
        self.policies[pid] = {"backup_policy_id": pid, "backup_policy_name": name, "scheduled_policy": sp}
        self.bound[pid] = set(bound)
        self.tags[pid] = dict(tags or {})
        return pid

    def __call__(self, call) -> Reply:
        path = call.path[len(BASE):]
        body = call.json
        self.calls.append((call.method, path, body))
        if call.method == "GET" and path == "/backuppolicy":
            items = [dict(p, policy_resource_count=len(self.bound[pid])) for pid, p in self.policies.items()]
            return Reply(json={"backup_policies": items})
        if call.method == "POST" and path == "/backuppolicy":
            if len(self.policies) >= 10:
                return Reply(400, json={"error": {"code": "AutoBackup.0203", "message": "quota"}})
            pid = self.add(body["backup_policy_name"], tags={t["key"]: t["value"] for t in body.get("tags", [])},
                           **body["scheduled_policy"])
            self.policies[pid]["scheduled_policy"] = dict(body["scheduled_policy"])
            if body.get("time_zone"):
                self.policies[pid]["time_zone"] = body["time_zone"]
            return Reply(json={"backup_policy_id": pid})
        match = re.fullmatch(r"/backuppolicy/([^/]+)(/.*)?", path)
        if match:
            pid, rest = match.group(1), match.group(2) or ""
            if pid not in self.policies:
                return Reply(400, json={"error": {"code": "AutoBackup.0205", "message": "no such policy"}})
            policy = self.policies[pid]
            if call.method == "PUT" and not rest:
                sp = policy["scheduled_policy"]
                new = body.get("scheduled_policy", {})
                for a, b in (("frequency", "week_frequency"), ("rentention_num", "rentention_day")):
                    if a in new:
                        sp.pop(b, None)
                    if b in new:
                        sp.pop(a, None)
                sp.update(new)
                if "backup_policy_name" in body:
                    policy["backup_policy_name"] = body["backup_policy_name"]
                if "time_zone" in body:
                    policy["time_zone"] = body["time_zone"]
                return Reply(json={"backup_policy_id": pid})
            if call.method == "DELETE" and not rest:
                del self.policies[pid]
                return Reply(204)
            if call.method == "GET" and rest == "/tags":
                return Reply(json={"tags": [{"key": k, "value": v} for k, v in self.tags[pid].items()]})
            if call.method == "POST" and rest == "/tags/action":
                for tag in body["tags"]:
                    if body["action"] == "delete":
                        self.tags[pid].pop(tag["key"], None)
                    else:
                        self.tags[pid][tag["key"]] = tag["value"]
                return Reply(204)
            if call.method == "POST" and rest == "/action":
                return Reply(204)
            if call.method == "GET" and rest == "/backuptasks":
                return Reply(json={"tasks": [], "count": 0})
        if call.method == "POST" and path == "/backuppolicyresources":
            pid = body["backup_policy_id"]
            ok, bad = [], []
            for res in body["resources"]:
                vid = res["resource_id"]
                if vid in self.fail_volumes:
                    bad.append({"resource_id": vid, "resource_type": "volume", "code": self.fail_volumes[vid],
                                "message": "volume status is invalid"})
                    continue
                if self.reject_reassociation and vid in self.bound[pid]:
                    bad.append({"resource_id": vid, "code": "AutoBackup.1400", "message": "already associated"})
                    continue
                for other in self.bound.values():
                    other.discard(vid)
                self.bound[pid].add(vid)
                ok.append({"resource_id": vid, "resource_type": "volume"})
            return Reply(json={"success_resources": ok, "fail_resources": bad})
        match = re.fullmatch(r"/backuppolicyresources/([^/]+)/deleted_resources", path)
        if call.method == "POST" and match:
            pid = match.group(1)
            ok, bad = [], []
            for res in body["resources"]:
                vid = res["resource_id"]
                if vid in self.bound[pid]:
                    self.bound[pid].discard(vid)
                    ok.append({"resource_id": vid})
                else:
                    bad.append({"resource_id": vid, "code": "AutoBackup.1400", "message": "not associated"})
            return Reply(json={"success_resources": ok, "fail_resources": bad})
        raise AssertionError(f"unexpected {call.method} {call.path}")

    def mutations(self) -> list:
        return [c for c in self.calls if c[0] != "GET"]


@pytest.fixture
def vbs(monkeypatch) -> FakeVbs:
    fake = FakeVbs()
    transport = FakeTransport()
    transport.default = fake
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", transport)

    def client(params, **kwargs):
        return Client(params, session=session, **kwargs)
    monkeypatch.setattr(_base, "Client", client)
    return fake


def run(capsys, module=backup_policy.BackupPolicy, check=False, **args) -> dict:
    params = {k: v for k, v in token_params().items() if v is not None}
    params.update(args, _ansible_check_mode=check, _ansible_diff=True)
    with patch_module_args(params):
        with pytest.raises(SystemExit):
            module.execute()
    return json.loads(capsys.readouterr().out)


SCHEDULE = dict(name="nightly", start_times=["01:00"], frequency=1, retention_count=7)


# -- create, idempotence, update -----------------------------------------------------------------
def test_create_check_mode_sends_nothing_and_predicts(vbs, capsys):
    result = run(capsys, check=True, **SCHEDULE, tags={"team": "dr"}, volumes=["v1", "v2"], purge_volumes=True)
    assert result["changed"] is True
    assert vbs.mutations() == []
    assert result["actions"] == ["create backup policy 'nightly'",
                                 "associate 2 volume(s) with backup policy 'nightly'"]
    assert result["backup_policy"]["volume_count"] == 2
    assert result["backup_policy"]["tags"] == {"team": "dr"}
    assert result["diff"]["before"] == {}


def test_create_then_rerun_is_two_reads(vbs, capsys):
    first = run(capsys, **SCHEDULE, volumes=["v1"], purge_volumes=True)
    assert first["changed"] is True
    assert first["backup_policy"]["volume_count"] == 1
    assert [c[:2] for c in vbs.mutations()] == [("POST", "/backuppolicy"), ("POST", "/backuppolicyresources")]
    vbs.calls.clear()
    again = run(capsys, **SCHEDULE, volumes=["v1"], purge_volumes=True)
    assert again["changed"] is False
    assert again["actions"] == []
    assert [c[:2] for c in vbs.calls] == [("GET", "/backuppolicy"),
                                          ("GET", f"/backuppolicy/{first['backup_policy']['id']}/tags")]


def test_update_sends_only_the_changed_fields(vbs, capsys):
    pid = vbs.add("nightly")
    result = run(capsys, name="nightly", week_days=["SUN", "MON"], retention_days=30, enabled=False)
    assert result["changed"] is True
    puts = [c for c in vbs.calls if c[0] == "PUT"]
    assert puts == [("PUT", f"/backuppolicy/{pid}", {"scheduled_policy": {
        "week_frequency": ["MON", "SUN"], "rentention_day": 30, "status": "OFF"}})]
    assert result["diff"]["before"]["frequency"] == 1
    assert result["backup_policy"]["week_days"] == ["MON", "SUN"]
    assert result["backup_policy"]["frequency"] is None
    assert result["backup_policy"]["enabled"] is False


def test_create_without_schedule_fails_before_any_mutation(vbs, capsys):
    result = run(capsys, name="nightly", frequency=1)
    assert result["failed"] is True
    assert "to create it, also give start_times, retention_count or retention_days" in result["msg"]
    assert vbs.mutations() == []


def test_validation_fails_before_any_request(vbs, capsys):
    result = run(capsys, name="nightly", start_times=["01:30"], frequency=1, retention_count=7)
    assert "not on the hour" in result["msg"]
    assert vbs.calls == []


def test_unknown_id_is_never_created(vbs, capsys):
    result = run(capsys, id="3f0c2b8e-0000-4000-8000-000000000000", **SCHEDULE)
    assert "does not exist; this module never creates a policy for an id" in result["msg"]
    assert vbs.mutations() == []


def test_rename_by_id(vbs, capsys):
    pid = vbs.add("old-name")
    result = run(capsys, id=pid, name="new-name")
    assert [c for c in vbs.calls if c[0] == "PUT"] == [("PUT", f"/backuppolicy/{pid}",
                                                       {"backup_policy_name": "new-name"})]
    assert result["backup_policy"]["name"] == "new-name"


def test_tags_become_exactly_the_given_ones(vbs, capsys):
    pid = vbs.add("nightly", tags={"a": "1", "b": "2"})
    result = run(capsys, name="nightly", tags={"a": "1", "c": "3"})
    assert vbs.mutations() == [
        ("POST", f"/backuppolicy/{pid}/tags/action", {"action": "delete", "tags": [{"key": "b", "value": "2"}]}),
        ("POST", f"/backuppolicy/{pid}/tags/action", {"action": "create", "tags": [{"key": "c", "value": "3"}]})]
    assert result["backup_policy"]["tags"] == {"a": "1", "c": "3"}


def test_quota_error_is_explained(vbs, capsys):
    for n in range(10):
        vbs.add(f"p{n}")
    result = run(capsys, **SCHEDULE)
    assert "AutoBackup.0203" in result["msg"]
    assert "at most 10 backup policies" in result["msg"]
    assert result["changed"] is False and result["actions"] == []
    assert result["error"]["code"] == "AutoBackup.0203"


def test_absent(vbs, capsys):
    pid = vbs.add("nightly")
    check = run(capsys, check=True, name="nightly", state="absent")
    assert check["changed"] is True and vbs.mutations() == []
    result = run(capsys, name="nightly", state="absent")
    assert result["changed"] is True and result["backup_policy"] is None
    assert vbs.mutations() == [("DELETE", f"/backuppolicy/{pid}", None)]
    again = run(capsys, name="nightly", state="absent")
    assert again["changed"] is False


def test_run_now_is_always_a_change_and_never_sent_in_check_mode(vbs, capsys):
    pid = vbs.add("nightly")
    check = run(capsys, check=True, name="nightly", run_now=True)
    assert check["changed"] is True and vbs.mutations() == []
    for _attempt in range(2):
        result = run(capsys, name="nightly", run_now=True)
        assert result["changed"] is True
        assert result["actions"] == ["run backup policy 'nightly' now"]
    assert vbs.mutations() == [("POST", f"/backuppolicy/{pid}/action", None)] * 2


# -- volumes: what the count proves ----------------------------------------------------------------
def test_purge_with_matching_count_sends_nothing(vbs, capsys):
    vbs.add("nightly", bound={"v1", "v2"})
    result = run(capsys, name="nightly", volumes=["v2", "v1"], purge_volumes=True)
    assert result["changed"] is False and vbs.mutations() == []


def test_purge_with_fewer_associates(vbs, capsys):
    pid = vbs.add("nightly", bound={"v1"})
    check = run(capsys, check=True, name="nightly", volumes=["v1", "v2"], purge_volumes=True)
    assert check["changed"] is True and vbs.mutations() == []
    assert check["backup_policy"]["volume_count"] == 2
    result = run(capsys, name="nightly", volumes=["v1", "v2"], purge_volumes=True)
    assert result["changed"] is True and vbs.bound[pid] == {"v1", "v2"}


def test_purge_with_surplus_and_no_names_fails_before_any_mutation(vbs, capsys):
    vbs.add("nightly", bound={"v1", "v2", "v3"})
    result = run(capsys, name="nightly", volumes=["v1"], purge_volumes=True)
    assert result["failed"] is True
    assert "has 3 associated volume(s) but volumes lists 1" in result["msg"]
    assert "list their IDs in disassociate_volumes" in result["msg"]
    assert vbs.mutations() == []


def test_purge_disassociates_the_named_surplus(vbs, capsys):
    pid = vbs.add("nightly", bound={"v1", "v2"})
    check = run(capsys, check=True, name="nightly", volumes=["v1"], disassociate_volumes=["v2"], purge_volumes=True)
    assert check["changed"] is True and vbs.mutations() == []
    assert check["actions"] == ["disassociate 1 volume(s) from backup policy 'nightly'"]
    result = run(capsys, name="nightly", volumes=["v1"], disassociate_volumes=["v2"], purge_volumes=True)
    assert result["changed"] is True and vbs.bound[pid] == {"v1"}
    assert result["backup_policy"]["volume_count"] == 1
    vbs.calls.clear()
    again = run(capsys, name="nightly", volumes=["v1"], disassociate_volumes=["v2"], purge_volumes=True)
    assert again["changed"] is False and vbs.mutations() == []


def test_without_purge_a_rerun_sends_one_associate_and_reports_no_change(vbs, capsys):
    pid = vbs.add("nightly", bound={"other", "v1"})
    result = run(capsys, name="nightly", volumes=["v1"])
    assert result["changed"] is False and result["actions"] == []
    assert [c[:2] for c in vbs.mutations()] == [("POST", "/backuppolicyresources")]
    vbs.calls.clear()
    added = run(capsys, name="nightly", volumes=["v1", "v9"])
    assert added["changed"] is True and vbs.bound[pid] == {"other", "v1", "v9"}


def test_without_purge_check_mode_warns_when_it_cannot_tell(vbs, capsys):
    vbs.add("nightly", bound={"other"})
    result = run(capsys, check=True, name="nightly", volumes=["v1"])
    assert result["changed"] is False
    assert "Check mode cannot tell whether this would change anything: associate 1 volume(s)" in json.dumps(
        result["warnings"])
    assert vbs.mutations() == []


def test_disassociate_without_purge_of_an_unbound_volume_is_no_change(vbs, capsys):
    vbs.add("nightly", bound={"v1"})
    result = run(capsys, name="nightly", disassociate_volumes=["v7"])
    assert result["changed"] is False


def test_partial_association_failure_names_each_volume_and_code(vbs, capsys):
    pid = vbs.add("nightly")
    vbs.fail_volumes = {"v2": "AutoBackup.0206"}
    result = run(capsys, name="nightly", volumes=["v1", "v2"], purge_volumes=True)
    assert result["failed"] is True
    assert ("Could not associate 1 volume(s) with backup policy 'nightly': v2 (AutoBackup.0206: volume status "
            "is invalid). These succeeded: v1.") in result["msg"]
    assert result["changed"] is True  # v1 was associated before the failure
    assert vbs.bound[pid] == {"v1"}


def test_absent_refuses_volume_options(vbs, capsys):
    result = run(capsys, name="nightly", state="absent", volumes=["v1"], run_now=True)
    assert "volumes, run_now cannot be used with state: absent" in result["msg"]
    assert vbs.calls == []


def test_purge_needs_volumes(vbs, capsys):
    result = run(capsys, name="nightly", purge_volumes=True)
    assert "purge_volumes: true needs volumes" in result["msg"]


# -- info ------------------------------------------------------------------------------------------
def test_info_lists_all_or_one_in_the_same_view(vbs, capsys):
    pid = vbs.add("nightly", bound={"v1"}, tags={"team": "dr"})
    vbs.add("weekly", frequency=None, week_frequency=["SUN"])
    everything = run(capsys, module=backup_policy_info.BackupPolicyInfo)
    assert [p["name"] for p in everything["backup_policies"]] == ["nightly", "weekly"]
    one = run(capsys, module=backup_policy_info.BackupPolicyInfo, name="nightly")
    by_id = run(capsys, module=backup_policy_info.BackupPolicyInfo, id=pid)
    assert one["backup_policies"] == by_id["backup_policies"] == [everything["backup_policies"][0]]
    assert one["backup_policies"][0]["tags"] == {"team": "dr"}
    assert one["backup_policies"][0]["volume_count"] == 1
    mod = run(capsys, **SCHEDULE)
    assert mod["backup_policy"] == one["backup_policies"][0]
    none = run(capsys, module=backup_policy_info.BackupPolicyInfo, name="missing")
    assert none["backup_policies"] == [] and none["changed"] is False


def test_purge_trusts_the_count_when_the_api_refuses_a_reassociation(vbs, capsys):
    vbs.reject_reassociation = True
    pid = vbs.add("nightly", bound={"v1"})
    result = run(capsys, name="nightly", volumes=["v1", "v2"], purge_volumes=True)
    assert result.get("failed") is None and result["changed"] is True
    assert vbs.bound[pid] == {"v1", "v2"}


def test_without_purge_a_refused_reassociation_is_reported(vbs, capsys):
    vbs.reject_reassociation = True
    vbs.add("nightly", bound={"v1"})
    result = run(capsys, name="nightly", volumes=["v1"])
    assert result["failed"] is True
    assert "v1 (AutoBackup.1400: already associated)" in result["msg"]
    assert result["changed"] is False
