# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for asynchronous jobs and statuses. Internal to this collection."""

from __future__ import annotations

import time
from typing import Any, Callable

from ._errors import JobFailedError, WaitTimeoutError

#: job services whose jobs live under another base URL (VBS jobs are served under /v1)
_JOB_SERVICE = {"vbs": "vbs_jobs"}


class PollPolicy:
    """How often to poll: ``initial`` seconds, then each interval ``factor`` times the last,
    up to ``maximum``.

    Trade-off: a short interval notices a finished job sooner but spends API calls (the
    gateway throttles a project's calls, and many tasks may poll at once); a long one saves
    calls but adds up to ``maximum`` seconds after the job ends. The defaults (1, 1.5, 2.25,
    3.4, 5, 5 ... s) notice a 2 s emulator job after 2.5 s and a 15 s group creation at most
    5 s late with about 6 requests, instead of the 5-6 s fixed cadence of other clients.
    """

    def __init__(self, initial: float = 1.0, factor: float = 1.5, maximum: float = 5.0) -> None:
        if initial < 0 or factor < 1 or maximum < initial:
            raise ValueError("PollPolicy needs 0 <= initial <= maximum and factor >= 1")
        self.initial = initial
        self.factor = factor
        self.maximum = maximum

    def intervals(self):
        """The endless sequence of poll intervals."""
        interval = self.initial
        while True:
            yield interval
            interval = min(self.maximum, interval * self.factor)


def _status(value: Any) -> str | None:
    return value.get("status") if isinstance(value, dict) else None


def _poll(fetch: Callable[[], Any], classify: Callable[[Any], bool], *, timeout: float | None,
          policy: PollPolicy | None, sleep: Callable[[float], Any], clock: Callable[[], float],
          first_delay: bool) -> tuple[bool, Any]:
    """Call ``fetch`` until ``classify(value)`` is true or the deadline passes.

    Never sleeps past the deadline, and always fetches once more at the deadline, so a job
    that ends during the last sleep is not reported as timed out. Returns (done, last value).
    """
    deadline = None if timeout is None else clock() + max(0.0, timeout)
    intervals = (policy or PollPolicy()).intervals()
    delay = next(intervals) if first_delay else 0.0
    while True:
        if deadline is not None:
            delay = min(delay, max(0.0, deadline - clock()))
        if delay > 0:
            sleep(delay)
        value = fetch()
        if classify(value):
            return True, value
        if deadline is not None and clock() >= deadline:
            return False, value
        delay = next(intervals)


def wait_for_job(client: Any, job_id: str, *, timeout: float | None, what: str, service: str = "sdrs",
                 policy: PollPolicy | None = None, sleep: Callable[[float], Any] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> dict:
    """Poll ``GET /jobs/{job_id}`` of ``service`` until the job ends.

    ``SUCCESS`` returns the job; ``FAIL`` raises :class:`JobFailedError`; ``INIT``,
    ``RUNNING`` and any unknown status keep waiting. ``timeout=None`` waits without bound;
    otherwise :class:`WaitTimeoutError` names the job, its last status and ``what``.
    The first poll comes after ``policy.initial`` seconds: a job just submitted is never done.
    """
    job_service = _JOB_SERVICE.get(service, service)

    def fetch() -> dict:
        return client.get(job_service, "/jobs/{}", job_id) or {}

    def ended(job: dict) -> bool:
        status = str(job.get("status") or "").upper()
        if status == "FAIL":
            raise JobFailedError(job, what=what)
        return status == "SUCCESS"

    done, job = _poll(fetch, ended, timeout=timeout, policy=policy, sleep=sleep, clock=clock,
                      first_delay=True)
    if done:
        return job
    last = _status(job) or "unknown"
    raise WaitTimeoutError(f"Timed out waiting for {what}: job {job_id} is still {last}.",
                           job_id=job_id, last_status=last)


def wait_until(fetch: Callable[[], Any], done: Callable[[Any], bool], *, timeout: float | None, what: str,
               policy: PollPolicy | None = None, sleep: Callable[[float], Any] = time.sleep,
               clock: Callable[[], float] = time.monotonic) -> Any:
    """Poll ``fetch()`` until ``done(value)``; return that value.

    The first fetch is immediate (the state may already be the wanted one). On timeout
    :class:`WaitTimeoutError` carries the last value's ``status`` when it has one.
    """
    finished, value = _poll(fetch, done, timeout=timeout, policy=policy, sleep=sleep, clock=clock,
                            first_delay=False)
    if finished:
        return value
    last = _status(value)
    state = f": the status is still {last}" if last else ""
    raise WaitTimeoutError(f"Timed out waiting for {what}{state}.", last_status=last)
