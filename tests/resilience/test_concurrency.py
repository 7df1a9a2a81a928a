# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs that converge the same resources at the same moment end with one of each.

The API allows duplicate names, so two runs that both find no group both create one. Slow
creates (a `latency` fault longer than the runs' start-up skew) make both runs send their create
before either is carried out, so every test here really races; each asserts that it did (two
creates reached the service) before it asserts that one resource is left.
"""

from __future__ import annotations

from resilience_lib import ROOT, acted, in_parallel, run_module, run_playbook

GROUP = {"name": "race-pg", "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02"}


def vpc(emulator) -> str:
    return emulator.info["emulator_seed"]["vpcs"]["vpc-prod"]


def test_two_dr_setups_at_once_end_with_one_group(build_dir, emulator):
    emulator.job_durations(default=0.5)
    emulator.faults({"action": "latency", "method": "POST", "path": "/server-groups$", "latency": 6, "times": 2})
    first, second = in_parallel(*[lambda: run_playbook(build_dir, emulator, ROOT / "playbooks" / "dr_setup.yml")] * 2)
    assert (first.rc, second.rc) == (0, 0), (first, second)
    requests = emulator.requests()
    assert len(acted(requests, "POST", "/server-groups$")) == 2, "the two runs did not race"
    assert len(acted(requests, "DELETE", "/server-groups/[^/]+$")) == 1  # the run that lost deleted its group
    groups = emulator.mine("server_groups")
    assert [(g["name"], g["status"]) for g in groups] == [("web-tier", "protected")]
    instances = emulator.mine("protected_instances")
    assert sorted((i["name"], i["server_group_id"], i["status"]) for i in instances) == [
        ("web-01", groups[0]["id"], "protected"), ("web-02", groups[0]["id"], "protected")]
    assert [(p["backup_policy_name"], len(p["_volumes"])) for p in emulator.mine("backup_policies")] == [("nightly", 1)]
    third = run_playbook(build_dir, emulator, ROOT / "playbooks" / "dr_setup.yml")
    assert (third.rc, third.changed) == (0, 0), third


def test_two_group_creations_at_once_keep_the_oldest(build_dir, emulator):
    emulator.faults({"action": "latency", "method": "POST", "path": "/server-groups$", "latency": 5, "times": 2})
    params = dict(GROUP, source_vpc_id=vpc(emulator))
    runs = in_parallel(*[lambda: run_module(build_dir, emulator, "protection_group", params)] * 2)
    assert [r.rc for r in runs] == [0, 0], runs
    groups = emulator.mine("server_groups")
    assert len(acted(emulator.requests(), "POST", "/server-groups$")) == 2, "the two runs did not race"
    assert [g["name"] for g in groups] == ["race-pg"]
    assert {r.result["protection_group"]["id"] for r in runs} == {groups[0]["id"]}
    loser = [r for r in runs if len(r.result["actions"]) == 2]
    assert len(loser) == 1, runs
    assert loser[0].result["actions"][1].startswith("delete duplicate protection group 'race-pg'")
    assert "created by another run at the same time, is kept" in loser[0].result["actions"][1]


def test_two_policy_creations_at_once_keep_the_oldest(build_dir, emulator):
    emulator.faults({"action": "latency", "method": "POST", "path": "/backuppolicy$", "latency": 5, "times": 2})
    params = {"name": "race-policy", "start_times": ["01:00"], "frequency": 1, "retention_count": 7,
              "volumes": [emulator.info["emulator_seed"]["volumes"]["backup-vol-01"]]}
    runs = in_parallel(*[lambda: run_module(build_dir, emulator, "backup_policy", params)] * 2)
    assert [r.rc for r in runs] == [0, 0], runs
    assert len(acted(emulator.requests(), "POST", "/backuppolicy$")) == 2, "the two runs did not race"
    policies = emulator.mine("backup_policies")
    assert [(p["backup_policy_name"], len(p["_volumes"])) for p in policies] == [("race-policy", 1)]
    assert {r.result["backup_policy"]["id"] for r in runs} == {policies[0]["id"]}
    deleted = [a for r in runs for a in r.result["actions"] if a.startswith("delete duplicate backup policy")]
    assert len(deleted) == 1, runs  # the run that lost deleted its own policy


def test_two_protections_of_one_server_at_once_adopt_one_instance(build_dir, emulator):
    group = run_module(build_dir, emulator, "protection_group", dict(GROUP, source_vpc_id=vpc(emulator)))
    assert group.rc == 0, group
    emulator.faults({"action": "latency", "method": "POST", "path": "/protected-instances$", "latency": 5, "times": 2})
    params = {"protection_group": "race-pg", "name": "web-01", "server": "web-01"}
    runs = in_parallel(*[lambda: run_module(build_dir, emulator, "protected_instance", params)] * 2)
    assert [r.rc for r in runs] == [0, 0], runs
    posts = [r for r in emulator.requests() if r["method"] == "POST" and r["path"].endswith("/protected-instances")]
    assert sorted(r["status"] for r in posts) == [200, 400], "the two runs did not race"  # SDRS.1305 for one
    instances = emulator.mine("protected_instances")
    assert [i["name"] for i in instances] == ["web-01"]
    assert {r.result["protected_instance"]["id"] for r in runs} == {instances[0]["id"]}
    assert sorted(r.changed for r in runs) == [False, True]
    adopter = [r for r in runs if not r.changed][0]
    assert "was created by another run at the same time: this task adopted it" in adopter.output


def test_a_run_that_starts_while_a_job_runs_waits_for_it(build_dir, emulator):
    emulator.job_durations(default=0.1, createProtectionGroupNoCG=3)
    params = dict(GROUP, source_vpc_id=vpc(emulator))
    started = run_module(build_dir, emulator, "protection_group", dict(params, wait=False))
    assert started.rc == 0 and started.result["protection_group"]["status"] == "creating", started
    again = run_module(build_dir, emulator, "protection_group", params)
    assert again.rc == 0, again
    assert (again.changed, again.result["protection_group"]["status"]) == (False, "available")
    assert again.result["protection_group"]["id"] == started.result["protection_group"]["id"]
    assert len(acted(emulator.requests(), "POST", "/server-groups$")) == 1
