# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR setup and a switchover drill converge through throttling, gateway errors, lost connections,
slow answers and expiring tokens: no duplicate, no lost change, and a second run changes nothing.

Each scenario (scenarios.py) runs on an emulator of its own; see the fault_runs fixture.
"""

from __future__ import annotations

import json

import pytest

from fault_scenarios import GROUP_ACTION, GROUPS, INSTANCES, POLICIES, POWER, SCENARIOS
from resilience_lib import acted

# What the small DR description (vars/small.yml) sends on a clean run: 1 group, 2 instances,
# enable + switch out + switch back, 1 policy; stop and start around each switch.
EXPECTED_ACTED = {("POST", GROUPS): 1, ("POST", INSTANCES): 2, ("POST", GROUP_ACTION): 3,
                  ("POST", POLICIES): 1, ("POST", POWER): 4}


@pytest.fixture(params=sorted(SCENARIOS))
def run(request, fault_runs):
    return fault_runs[request.param]


def test_every_playbook_run_converges(run):
    for step in ("setup", "drill", "setup_again"):
        assert run.results[step].rc == 0, (run.name, step, run.results[step])
    assert run.results["setup"].changed > 0


def test_a_second_dr_setup_changes_nothing(run):
    again = run.results["setup_again"]
    assert (again.rc, again.changed, again.failed) == (0, 0, 0), again


def test_every_fault_was_injected(run):
    missed = [r for r in run.rules if run.hits[r["id"]] == 0]
    assert not missed, f"{run.name}: rules never hit, the scenario did not test them: {missed}"


def test_no_duplicate_and_no_lost_change(run):
    project = run.emulator.project_id
    groups = [g for g in run.state["server_groups"].values() if g["_project"] == project]
    assert [(g["name"], g["status"], g["priority_station"]) for g in groups] == [("web-tier", "protected", "source")]
    instances = sorted((i for i in run.state["protected_instances"].values() if i["_project"] == project),
                       key=lambda i: i["name"])
    assert [(i["name"], i["server_group_id"], i["status"]) for i in instances] == [
        ("web-01", groups[0]["id"], "protected"), ("web-02", groups[0]["id"], "protected")]
    assert instances[1]["tags"] == [{"key": "tier", "value": "web"}]
    policies = [p for p in run.state["backup_policies"].values() if p["_project"] == project]
    assert [(p["backup_policy_name"], len(p["_volumes"])) for p in policies] == [("nightly", 1)]
    servers = {s["name"]: s["status"] for s in run.state["servers"].values()
               if s["_project"] == project and s["name"] in ("web-01", "web-02")
               and s["az"] == "eu-de-01"}
    assert servers == {"web-01": "ACTIVE", "web-02": "ACTIVE"}


def test_lost_answers_were_found_out_not_repeated(run):
    """Each create and action reached the service exactly as often as on a clean run: a request
    whose answer was lost after the service acted was never sent again."""
    dropped_after = frozenset(r["id"] for r in run.rules if r["action"] == "drop_after")
    counts = {key: len(acted(run.requests, key[0], key[1], dropped_after)) for key in EXPECTED_ACTED}
    assert counts == EXPECTED_ACTED, run.name


def test_the_drill_report_says_ok(run):
    reports = sorted(run.reports.glob("*.json"))
    assert len(reports) == 1, reports
    groups = json.loads(reports[0].read_text())["groups"]
    assert [(g["name"], g["result"], g["final"]["status"]) for g in groups] == [("web-tier", "passed", "protected")], \
        json.dumps(groups)[:3000]
