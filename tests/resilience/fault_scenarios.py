# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault scenarios the DR setup and the switchover drill must survive (tests/emulator/README.md
describes the rule fields). Each rule is limited by ``times`` so that the run can converge, and
each must be hit at least once, or the scenario did not test what it claims."""

from __future__ import annotations

GROUPS = "/server-groups$"
GROUP_ACTION = "/server-groups/[^/]+/action$"
INSTANCES = "/protected-instances$"
POLICIES = "/backuppolicy$"
VOLUMES = "/backuppolicyresources$"
POWER = "/cloudservers/action$"
JOBS = "/jobs/"


def rule(action: str, path: str, method: str | None = None, times: int = 1, **fields) -> dict:
    return dict(fields, action=action, path=path, method=method, times=times)


SCENARIOS = {
    # Throttling answered with Retry-After (retried by the client, also for creates: the gateway
    # refused them before the service saw them), and connections closed before the service saw the
    # request (it must be sent again) and after the service acted (the module must find that out by
    # reading, not send it again).
    "throttled_and_lost_connections": {
        "job_durations": {"default": 0.1},
        "rules": [
            rule("status", GROUPS, "POST", status=429, retry_after=1),
            rule("drop_before", GROUPS, "POST"),
            rule("drop_after", GROUPS, "POST"),
            rule("status", "/server-groups$", "GET", times=2, status=429, retry_after=1),
            rule("drop_before", "/server-groups", "GET", times=2),
            rule("drop_after", INSTANCES, "POST"),
            rule("drop_before", INSTANCES, "POST"),
            rule("drop_after", GROUP_ACTION, "POST", times=2),
            rule("drop_after", POLICIES, "POST"),
            rule("drop_after", VOLUMES, "POST"),
            rule("drop_after", POWER, "POST"),
            rule("drop_before", POWER, "POST"),
            rule("drop_after", JOBS, "GET", times=2),
        ],
    },
    # Gateway errors (502/503/504: retried for reads; for creates and actions the module reads first,
    # since the gateway may have passed the request on, then sends again), slow answers everywhere
    # and slow creates, with the IAM token expiring while the modules wait for jobs (they
    # authenticate again and go on).
    "gateway_errors_slow_answers_expiring_tokens": {
        "job_durations": {"default": 1.0},
        "rules": [
            rule("status", GROUP_ACTION, "POST", status=503, retry_after=1),
            rule("status", INSTANCES, "POST", status=502),
            rule("status", "/protected-instances$", "GET", status=504),
            rule("status", POLICIES, "POST", status=504),
            rule("status", VOLUMES, "POST", status=503),
            rule("status", POWER, "POST", status=502),
            rule("status", JOBS, "GET", times=3, status=502),
            # One rule per path and times=1: the replay with the new token must not expire again.
            rule("expire_token", JOBS, "GET"),
            rule("expire_token", "/server-groups/[^/]+$", "GET"),
            rule("expire_token", "/cloudservers/[^/]+$", "GET"),
            rule("latency", INSTANCES, "POST", times=2, latency=1.5),
            rule("latency", GROUP_ACTION, "POST", times=3, latency=1.0),
            rule("latency", JOBS, "GET", times=None, latency=0.2),
        ],
    },
}
