# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every create, action and delete of the modules survives losing its answer after the service
carried it out: the module reads, adopts what happened and never sends the request again
(test_faults.py covers the roles; this covers what they do not use: drills, resize, run_now,
tag changes and every delete)."""

from __future__ import annotations

import pytest

from resilience_lib import HERE, acted, run_playbook

# (method, path) of each request whose answer is lost once; each must be carried out exactly once.
LOST = [
    ("POST", "/server-groups$"),
    ("POST", "/protected-instances$"),
    ("POST", "/protected-instances/[^/]+/tags/action$"),
    ("POST", "/server-groups/[^/]+/action$"),
    ("POST", "/disaster-recovery-drills$"),
    ("DELETE", "/disaster-recovery-drills/[^/]+$"),
    ("POST", "/protected-instances/[^/]+/resize$"),
    ("POST", "/backuppolicy$"),
    ("POST", "/backuppolicy/[^/]+/action$"),
    ("DELETE", "/backuppolicy/[^/]+$"),
    ("DELETE", "/protected-instances/[^/]+$"),
    ("DELETE", "/server-groups/[^/]+$"),
]
# Exceptions: a tag change is idempotent, so the client simply sends it again (the same tag set
# twice); the group gets two actions (enable protection, and disable it before the delete).
EXPECTED = {("POST", "/protected-instances/[^/]+/tags/action$"): 2, ("POST", "/server-groups/[^/]+/action$"): 2}


@pytest.fixture(scope="module")
def lost_run(build_dir, _session_emulator):
    emulator = _session_emulator
    emulator.reset()
    emulator.job_durations(default=0.1, vbsExecutePolicy=60)  # a second execution would be refused
    rules = emulator.faults(*[{"action": "drop_after", "method": m, "path": p, "times": 1} for m, p in LOST])
    result = run_playbook(build_dir, emulator, HERE / "playbooks" / "lost_answers.yml", vars_files=())
    return result, rules, emulator.fault_hits(), emulator.requests(), emulator


def test_the_run_converges(lost_run):
    result, rules, hits, _requests, emulator = lost_run
    assert result.rc == 0, result
    assert [r["path"] for r in rules if hits[r["id"]] != 1] == []
    assert not emulator.mine("server_groups") and not emulator.mine("protected_instances")
    assert not emulator.mine("backup_policies") and not emulator.mine("drills")


@pytest.mark.parametrize("method, path", LOST, ids=[f"{m} {p}" for m, p in LOST])
def test_each_request_was_carried_out_once(lost_run, method, path):
    _result, rules, _hits, requests, _emulator = lost_run
    dropped = frozenset(r["id"] for r in rules)
    assert len(acted(requests, method, path, dropped)) == EXPECTED.get((method, path), 1)


def test_the_user_is_told(lost_run):
    result = lost_run[0]
    assert result.stdout.count("got no answer") == len(LOST) - 1, result  # the retried tag change needs none
