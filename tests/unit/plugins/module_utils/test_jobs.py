# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for SDRS jobs and for statuses."""

from __future__ import annotations

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import JobFailedError, WaitTimeoutError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._jobs import PollPolicy, wait_for_job, wait_until
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PROJECT, SDRS, FakeClock, Reply)

JOB_ID = "0000000062db92d70162db9d200f000a"


def job(status, **extra):
    body = {"job_id": JOB_ID, "job_type": "createProtectionGroupNoCG", "status": status,
            "begin_time": "2018-04-19T01:55:30.443Z", "end_time": None, "error_code": None, "fail_reason": None,
            "entities": {}}
    body.update(extra)
    return body


class FakeJobs:
    """A client double whose job GETs answer from a list (the last answer repeats)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def get(self, service, template, *args, **kwargs):
        self.calls.append((service, template, args))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def test_success_after_pending_statuses(clock):
    client = FakeJobs(job("INIT"), job("RUNNING"), job("QUEUED"), job("SUCCESS", entities={"server_group_id": "g"}))
    result = wait_for_job(client, JOB_ID, timeout=600, what="creating protection group pg",
                          sleep=clock.sleep, clock=clock)
    assert result["entities"] == {"server_group_id": "g"}
    assert client.calls == [("sdrs", "/jobs/{}", (JOB_ID,))] * 4
    assert clock.sleeps == [1.0, 1.5, 2.25, 3.375]


def test_vbs_jobs_use_the_v1_path(clock):
    client = FakeJobs(job("SUCCESS"))
    wait_for_job(client, JOB_ID, timeout=None, what="x", service="vbs", sleep=clock.sleep, clock=clock)
    assert client.calls[0][0] == "vbs_jobs"


def test_failure_with_sub_jobs(clock):
    failed = job("FAIL", job_type="failoverProtectionGroupNoCG", error_code="SDRS.1820",
                 fail_reason="SdrsFailoverTask-fail:volume is error!",
                 entities={"sub_jobs": [
                     {"job_id": "sub-ok", "job_type": "failoverProtectionGroupRepNoCG", "status": "SUCCESS"},
                     {"job_id": "sub-bad", "job_type": "failoverProtectionGroupRepNoCG", "status": "FAIL",
                      "error_code": "EVS.2024", "fail_reason": "volume is error"}]})
    client = FakeJobs(job("RUNNING"), failed)
    with pytest.raises(JobFailedError) as info:
        wait_for_job(client, JOB_ID, timeout=60, what="failover of pg", sleep=clock.sleep, clock=clock)
    text = str(info.value)
    assert text.startswith(f"failover of pg failed: job {JOB_ID} (failoverProtectionGroupNoCG) ended in FAIL")
    assert "with SDRS.1820: SdrsFailoverTask-fail:volume is error!" in text
    assert "sub-job sub-bad (failoverProtectionGroupRepNoCG) failed with EVS.2024: volume is error" in text
    assert "sub-ok" not in text
    assert [s["job_id"] for s in info.value.failed_sub_jobs] == ["sub-bad"]


def test_timeout_names_job_and_last_status(clock):
    client = FakeJobs(job("INIT"), job("RUNNING"))
    with pytest.raises(WaitTimeoutError) as info:
        wait_for_job(client, JOB_ID, timeout=20, what="creating protected instance vm1",
                     sleep=clock.sleep, clock=clock)
    exc = info.value
    assert (exc.job_id, exc.last_status) == (JOB_ID, "RUNNING")
    assert str(exc) == (f"Timed out waiting for creating protected instance vm1: "
                        f"job {JOB_ID} is still RUNNING.")


def test_intervals_grow_to_cap_and_never_overshoot_the_deadline(clock):
    client = FakeJobs(job("RUNNING"))
    start = clock()
    with pytest.raises(WaitTimeoutError):
        wait_for_job(client, JOB_ID, timeout=30, what="x", sleep=clock.sleep, clock=clock)
    assert clock.sleeps[:6] == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0]
    assert max(clock.sleeps) == 5.0
    assert clock() - start == pytest.approx(30.0)  # the last sleep is cut to end at the deadline
    assert clock.sleeps[-1] == pytest.approx(30.0 - sum(clock.sleeps[:-1]))
    assert len(client.calls) == len(clock.sleeps)  # one poll after every sleep, the last at the deadline


def test_job_finishing_during_the_last_sleep_is_not_a_timeout(clock):
    client = FakeJobs(job("RUNNING"), job("SUCCESS"))  # the second poll is cut to the deadline (2 s)
    assert wait_for_job(client, JOB_ID, timeout=2, what="x", sleep=clock.sleep, clock=clock)["status"] == "SUCCESS"
    assert clock.sleeps == [1.0, 1.0]


def test_zero_timeout_polls_once(clock):
    client = FakeJobs(job("RUNNING"))
    with pytest.raises(WaitTimeoutError):
        wait_for_job(client, JOB_ID, timeout=0, what="x", sleep=clock.sleep, clock=clock)
    assert len(client.calls) == 1 and clock.sleeps == []


def test_no_timeout_waits_without_bound(clock):
    client = FakeJobs(*[job("RUNNING")] * 500, job("SUCCESS"))
    wait_for_job(client, JOB_ID, timeout=None, what="x", sleep=clock.sleep, clock=clock)
    assert len(client.calls) == 501 and sum(clock.sleeps) > 2000


def test_custom_policy(clock):
    client = FakeJobs(job("RUNNING"), job("RUNNING"), job("RUNNING"), job("SUCCESS"))
    wait_for_job(client, JOB_ID, timeout=None, what="x", policy=PollPolicy(0.1, 2, 0.3),
                 sleep=clock.sleep, clock=clock)
    assert clock.sleeps == [0.1, 0.2, 0.3, 0.3]
    with pytest.raises(ValueError):
        PollPolicy(5, 1.5, 1)


def test_wait_for_job_through_the_client(make_client, transport):
    clock = FakeClock()
    transport.queue(Reply(json=job("RUNNING")), Reply(json=job("SUCCESS")))
    wait_for_job(make_client(), JOB_ID, timeout=60, what="x", sleep=clock.sleep, clock=clock)
    assert [c.url for c in transport.calls] == [f"{SDRS}/v1/{PROJECT}/jobs/{JOB_ID}"] * 2


def test_wait_until(clock):
    values = iter([{"status": "creating"}, {"status": "creating"}, {"status": "available"}])
    result = wait_until(lambda: next(values), lambda v: v["status"] == "available", timeout=60,
                        what="group pg to become available", sleep=clock.sleep, clock=clock)
    assert result == {"status": "available"}
    assert clock.sleeps == [1.0, 1.5]  # the first fetch is immediate


def test_wait_until_done_at_once_does_not_sleep(clock):
    assert wait_until(lambda: 3, lambda v: v == 3, timeout=5, what="x", sleep=clock.sleep, clock=clock) == 3
    assert clock.sleeps == []


def test_wait_until_timeout(clock):
    with pytest.raises(WaitTimeoutError) as info:
        wait_until(lambda: {"status": "deleting"}, lambda v: False, timeout=10, what="group pg to be deleted",
                   sleep=clock.sleep, clock=clock)
    assert str(info.value) == "Timed out waiting for group pg to be deleted: the status is still deleting."
    assert info.value.last_status == "deleting"
    assert sum(clock.sleeps) == pytest.approx(10.0)
    with pytest.raises(WaitTimeoutError, match=r"^Timed out waiting for y\.$"):
        wait_until(lambda: None, lambda v: False, timeout=1, what="y", sleep=clock.sleep, clock=clock)
