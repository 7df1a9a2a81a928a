# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The switch plan (status x priority_station x desired -> action or refusal), preconditions, jobs."""

from __future__ import annotations

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import WaitTimeoutError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._failover import (
    FAILOVER, REPROTECT, REVERSE, Refusal, job_view, plan_switch, poll_jobs, site_of, step_body,
    step_text, stop_refusal, unusable_refusal)
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._jobs import PollPolicy

P, U = "planned", "unplanned"
S, T = "source", "target"

# (status, priority_station, production_site, type, reprotect) -> (steps, final status, final station)
DONE = [
    # planned switchover / failback
    ("protected", S, T, P, False, (REVERSE,), "protected", T),
    ("protected", T, S, P, False, (REVERSE,), "protected", S),
    ("protected", S, S, P, False, (), "protected", S),
    ("protected", T, T, P, True, (), "protected", T),
    ("error-reversing", S, T, P, False, (REVERSE,), "protected", T),
    # re-protect after a failover, alone or followed by the failback
    ("failed-over", T, T, P, True, (REPROTECT,), "protected", T),
    ("failed-over", T, T, U, True, (REPROTECT,), "protected", T),
    ("error-reprotecting", T, T, U, True, (REPROTECT,), "protected", T),
    ("failed-over", T, S, P, True, (REPROTECT, REVERSE), "protected", S),
    ("error-reprotecting", T, S, P, True, (REPROTECT, REVERSE), "protected", S),
    # already there: nothing to do (a note where replication is stopped)
    ("failed-over", T, T, U, False, (), "failed-over", T),
    ("failed-over", T, T, P, False, (), "failed-over", T),
    ("error-reprotecting", S, S, P, False, (), "error-reprotecting", S),
    ("available", S, S, P, False, (), "available", S),
    ("error-stopping", T, T, U, False, (), "error-stopping", T),
    # unplanned failover
    ("protected", S, T, U, False, (FAILOVER,), "failed-over", T),
    ("protected", T, S, U, False, (FAILOVER,), "failed-over", S),
    ("protected", S, T, U, True, (FAILOVER, REPROTECT), "protected", T),
    ("error-failing-over", S, T, U, False, (FAILOVER,), "failed-over", T),
    ("error-reversing", S, T, U, False, (FAILOVER,), "failed-over", T),
    ("protected", T, T, U, False, (), "protected", T),
    ("protected", T, T, U, True, (), "protected", T),
]

REFUSED = [
    # (status, station, site, type, reprotect, words the message must contain)
    ("available", S, T, P, False, ["is available", "Enable protection"]),
    ("available", S, T, U, False, ["is available", "Enable protection"]),
    ("available", S, S, P, True, ["reprotect re-enables protection after a failover"]),
    ("error-starting", S, T, P, False, ["is error-starting"]),
    ("failed-over", T, S, P, False, ["is failed-over", "reprotect: true"]),
    ("failed-over", T, S, U, True, ["is failed-over", "type: planned, reprotect: true"]),
    ("failed-over", T, S, U, False, ["is failed-over"]),
    ("error-reversing", T, T, P, False, ["is error-reversing", "production_site: source"]),
    ("error-failing-over", S, T, P, False, ["is error-failing-over", "type: unplanned, production_site: target"]),
    ("error-failing-over", T, T, U, False, ["is error-failing-over", "production_site: source"]),
    ("error-reversing", T, T, U, False, ["is error-reversing"]),
    ("error", S, T, P, False, ["is error", "protected or error-reversing"]),
    ("error", S, T, U, False, ["is error", "protected, error-failing-over or error-reversing"]),
    ("creating", S, T, P, False, ["is creating"]),
    ("error-deleting", S, S, U, False, ["is error-deleting"]),
]


@pytest.mark.parametrize("status, station, site, kind, reprotect, steps, final, final_station", DONE)
def test_plan(status, station, site, kind, reprotect, steps, final, final_station):
    plan = plan_switch("pg1", status, station, site, kind, reprotect)
    assert plan.steps == steps
    assert (plan.status, plan.priority_station) == (final, final_station)


@pytest.mark.parametrize("status, station, site, kind, reprotect, words", REFUSED)
def test_refusal_names_group_status_and_remedy(status, station, site, kind, reprotect, words):
    with pytest.raises(Refusal) as caught:
        plan_switch("pg1", status, station, site, kind, reprotect)
    message = str(caught.value)
    assert "Protection group 'pg1'" in message
    for word in words:
        assert word in message


def test_every_status_is_decided():
    """No combination of the 17 group statuses falls through without a decision."""
    statuses = ["creating", "available", "protected", "deleting", "error", "error-deleting", "starting",
                "error-starting", "stopping", "error-stopping", "reversing", "error-reversing", "failing-over",
                "failed-over", "error-failing-over", "reprotecting", "error-reprotecting"]
    for status in statuses:
        for station in (S, T):
            for site in (S, T):
                for kind in (P, U):
                    for reprotect in (False, True):
                        try:
                            plan = plan_switch("g", status, station, site, kind, reprotect)
                        except Refusal:
                            continue
                        # whatever is planned ends with production where it was asked for
                        assert plan.priority_station == site
                        assert len(plan.steps) <= 2


def test_stop_sites_follow_the_steps():
    assert plan_switch("g", "protected", S, T).stop_sites == (
        (S, "a planned failover to the target site"), (T, "a planned failover to the target site"))
    assert plan_switch("g", "protected", S, T, U).stop_sites == ()
    # failover then re-protect: the old production site becomes the DR site
    assert [site for site, why in plan_switch("g", "protected", S, T, U, True).stop_sites] == [S]
    # re-protect (DR site = source) then failback (production site target stops): both sites
    assert [site for site, why in plan_switch("g", "failed-over", T, S, P, True).stop_sites] == [S, T]


def test_notes_say_replication_is_stopped():
    plan = plan_switch("g", "failed-over", T, T, U)
    assert plan.steps == ()
    assert "replication is stopped" in plan.notes[0] and "reprotect: true" in plan.notes[0]
    assert "protection is off" in plan_switch("g", "available", S, S).notes[0]
    assert plan_switch("g", "protected", S, S).notes == ()


def test_step_bodies_and_texts():
    assert step_body(REVERSE, S) == {"reverse-server-group": {"priority_station": "target"}}
    assert step_body(REVERSE, T) == {"reverse-server-group": {"priority_station": "source"}}
    assert step_body(FAILOVER, S) == {"failover-server-group": {}}
    assert step_body(REPROTECT, T) == {"start-server-group": {}}
    assert step_text(REVERSE, "pg", S) == "planned failover of protection group 'pg' to the target site"
    assert step_text(FAILOVER, "pg", T) == "failover of protection group 'pg' to the source site"
    assert step_text(REPROTECT, "pg", T) == "re-protect protection group 'pg' (replication target -> source)"


GROUP = {"id": "g1", "name": "pg", "status": "protected", "priority_station": "source",
         "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02"}


def test_site_by_availability_zone_then_role():
    instance = {"priority_station": "target"}
    assert site_of({"OS-EXT-AZ:availability_zone": "eu-de-02"}, "source_server", GROUP, instance) == "target"
    assert site_of({"OS-EXT-AZ:availability_zone": "eu-de-01"}, "target_server", GROUP, instance) == "source"
    # no server (deleted) or no AZ: the role relative to the current production site
    assert site_of(None, "source_server", GROUP, instance) == "target"
    assert site_of(None, "target_server", GROUP, instance) == "source"
    same = dict(GROUP, target_availability_zone="eu-de-01")
    assert site_of({"OS-EXT-AZ:availability_zone": "eu-de-01"}, "source_server", same, {}) == "source"


def _server(name, site, status="ACTIVE", missing=False, pi="pi1"):
    return {"protected_instance_id": pi, "protected_instance_name": "web", "id": f"id-{name}", "name": name,
            "status": None if missing else status, "site": site, "missing": missing}


def test_stop_refusal_names_running_servers():
    plan = plan_switch("pg", "protected", S, T)
    servers = [_server("web-a", S), _server("web-b", T, "SHUTOFF"), _server("db-a", S, "SHUTOFF")]
    refusal = stop_refusal(GROUP, plan, servers)
    text = str(refusal)
    assert "'web-a' (id-web-a, ACTIVE)" in text and "db-a" not in text and "web-b" not in text
    assert "is protected with production at the source site" in text
    assert "stop_servers: true" in text
    # SDRS also refuses a planned failover while a DR server runs
    assert "'web-b' (id-web-b, ACTIVE)" in str(stop_refusal(GROUP, plan, [_server("web-a", S, "SHUTOFF"), _server("web-b", T)]))
    assert stop_refusal(GROUP, plan, [_server("web-a", S, "SHUTOFF"), _server("web-b", T, "SHUTOFF")]) is None


def test_unusable_refusal_names_invalid_instances():
    instances = [{"id": "pi1", "name": "web", "status": "invalid"}, {"id": "pi2", "name": "db", "status": "protected"}]
    servers = [_server("web", S, missing=True), _server("web", T), _server("db", S, pi="pi2"), _server("db", T, pi="pi2")]
    text = str(unusable_refusal(GROUP, instances, servers))
    assert "'web' (pi1, status invalid; server id-web at the source site is gone)" in text
    assert "'db'" not in text
    assert "refuses every operation" in text
    # the status alone is enough (drills do not read servers)
    assert "'web' (pi1, status invalid)" in str(unusable_refusal(GROUP, instances, []))
    assert unusable_refusal(GROUP, instances[1:], servers[2:]) is None


def test_job_view_duration_and_sub_jobs():
    view = job_view({"job_id": "j", "job_type": "stopProtectionGroupNoCG", "status": "SUCCESS",
                     "begin_time": "2019-06-13T09:40:53.930Z", "end_time": "2019-06-13T09:41:01.946Z",
                     "entities": {"sub_jobs": [{"job_id": "s1"}]}})
    assert view["duration"] == 8.016
    assert view["sub_jobs"] == [{"job_id": "s1"}]
    running = job_view({"job_id": "j", "status": "RUNNING", "begin_time": "2019-06-13T09:40:53.930Z",
                        "end_time": None, "entities": None})
    assert running["duration"] is None and running["entities"] == {} and running["sub_jobs"] == []


class Jobs:
    """Fake jobs that end after a given number of reads, and a fake clock."""

    def __init__(self, reads_to_end):
        self.left = dict(reads_to_end)
        self.reads = []
        self.now = 0.0

    def fetch(self, job_id):
        self.reads.append(job_id)
        self.left[job_id] -= 1
        status = "RUNNING" if self.left[job_id] > 0 else ("FAIL" if job_id.startswith("bad") else "SUCCESS")
        return {"job_id": job_id, "job_type": "failoverProtectionGroupNoCG", "status": status}

    def sleep(self, seconds):
        self.now += seconds

    def clock(self):
        return self.now


def test_poll_jobs_waits_on_all_together():
    jobs = Jobs({"a": 1, "b": 3, "bad": 2})
    done = poll_jobs(jobs.fetch, ["a", "b", "bad", "a"], 60, sleep=jobs.sleep, clock=jobs.clock,
                     policy=PollPolicy(1, 1, 1))
    assert {k: v["status"] for k, v in done.items()} == {"a": "SUCCESS", "b": "SUCCESS", "bad": "FAIL"}
    # round 1 reads all three, round 2 the two unfinished, round 3 only b: finished jobs are not re-read
    assert jobs.reads == ["a", "b", "bad", "b", "bad", "b"]
    assert jobs.now == 2.0


def test_poll_jobs_without_wait_reads_once():
    jobs = Jobs({"a": 5})
    assert poll_jobs(jobs.fetch, ["a"], 60, wait=False, sleep=jobs.sleep, clock=jobs.clock)["a"]["status"] == "RUNNING"
    assert jobs.reads == ["a"] and jobs.now == 0.0


def test_poll_jobs_timeout_names_unfinished_jobs():
    jobs = Jobs({"a": 1, "slow": 100})
    with pytest.raises(WaitTimeoutError) as caught:
        poll_jobs(jobs.fetch, ["a", "slow"], 10, sleep=jobs.sleep, clock=jobs.clock, policy=PollPolicy(1, 2, 4))
    assert "1 of 2 jobs did not end within 10 s: slow (failoverProtectionGroupNoCG, RUNNING)" in str(caught.value)
    assert caught.value.jobs["a"]["status"] == "SUCCESS"
    assert jobs.now == 10.0  # never sleeps past the deadline, reads once more at it
