# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every invalid parameter set of bad_input.yml fails with a message naming the option, and none
of them sends a mutating request. All cases run in one playbook (through ansible-runner with -vvv
and --diff, so its output is also searched for secrets by test_secret_leaks.py)."""

from __future__ import annotations

import pytest

from heavy_runs import CASES, case_id


def test_the_corpus_is_large_and_covers_every_module():
    modules = {case["module"] for case in CASES}
    assert len(CASES) >= 60
    assert modules >= {"protection_group", "protection_group_info", "protected_instance", "protected_instance_info",
                       "protected_instance_resize", "failover", "dr_drill", "dr_drill_info", "job_info",
                       "backup_policy", "backup_policy_info", "active_domain_info"}


@pytest.mark.parametrize("index", range(len(CASES)), ids=case_id)
def test_case_fails_naming_the_option(bad_input_run, index):
    case, result = CASES[index], bad_input_run.results[str(index)]
    assert result.get("failed") is True, (case, result)
    missing = [fragment for fragment in case["expect"] if fragment not in result["msg"]]
    assert not missing, f"{case}\nmessage: {result['msg']}"


def test_no_case_sent_a_mutating_request(bad_input_run):
    mutations = [f"{r['method']} {r['path']} -> {r['status']}" for r in bad_input_run.requests if r["mutating"]]
    assert mutations == []
