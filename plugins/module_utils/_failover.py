# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failover, DR drills and jobs: the switch plan, its preconditions, servers by site.

Internal to this collection: may change without notice.

The pure part (:func:`plan_switch`, :func:`stop_refusal`, :func:`job_view`,
:func:`poll_jobs`) takes plain values and is unit tested; the rest reads the API through the
shared client and is exercised by the integration targets.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ._ecs import get_server, is_running
from ._errors import CloudDrError, WaitTimeoutError
from ._jobs import PollPolicy

SITES = ("source", "target")

# The SDRS actions of a switch, in the API's words (body key of POST .../server-groups/{id}/action).
REVERSE = "reverse-server-group"  # planned failover (switchover) and failback
FAILOVER = "failover-server-group"  # unplanned failover: the production site is lost
REPROTECT = "start-server-group"  # from failed-over: protect again, replicating the other way

# Groups whose protection is off (or failed to change) but whose production site is known.
UNPROTECTED = frozenset({"available", "error-starting", "error-stopping"})
# Groups after a failover: production moved, replication stopped.
FAILED_OVER = frozenset({"failed-over", "error-reprotecting"})
# Where an unplanned failover may start (API reference: Performing a Failover ...).
FAILOVER_FROM = frozenset({"protected", "error-failing-over", "error-reversing"})
JOB_DONE = frozenset({"SUCCESS", "FAIL"})

CLOUD_INIT_WARNING = (
    "If this was the first planned failover or failover of protection group '{name}': servers with "
    "Cloud-Init or Cloudbase-Init run it again on their first boot at the new site, which can reset "
    "the login password or key pair of the production and DR servers (and of DR drill servers). "
    "Servers without it keep the credentials of the original production server. Check logins before "
    "handing over; see docs/failover-runbook.md.")

# Advice for API error codes a switch can meet (API doc §5.3, Appendix A).
ADVICE = {
    "SDRS.1002": "The group's status does not allow this operation now; read it with "
                 "cloud_dr.sdrs.protection_group_info and re-run (the module waits out running operations).",
    "SDRS.1316": "Servers that must be stopped are still running: stop them or set stop_servers: true.",
    "SDRS.1319": "Servers that must be stopped are still running: stop them or set stop_servers: true.",
    "SDRS.1342": "Servers that must be stopped are still running: stop them or set stop_servers: true.",
    "SDRS.1352": "Servers that must be stopped are still running: stop them or set stop_servers: true.",
    "SDRS.1830": "The replication pairs of the group are still synchronising: wait until the group's "
                 "progress reaches 100 and re-run.",
    "SDRS.1907": "The drill VPC must not be the VPC of the protection group: give another drill_vpc_id "
                 "or leave it out so SDRS creates one.",
    "SDRS.1908": "The drill VPC has no subnet: add one that matches the production subnets.",
    "SDRS.1921": "That VPC is already used by another DR drill: give another drill_vpc_id.",
}


class Refusal(CloudDrError):
    """The desired state cannot be reached from where the group is; the text says what to do."""


def other_site(site: str) -> str:
    return "target" if site == "source" else "source"


def advice_for(code: str | None) -> str | None:
    return ADVICE.get(code or "")


# -- the switch plan (pure) ------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """What a switch does: SDRS actions in order, and where the group ends up."""

    steps: tuple = ()
    #: the group's ``status`` and ``priority_station`` once every step succeeded
    status: str = ""
    priority_station: str = ""
    #: ``(site, why)`` for every site whose servers must be stopped before the first step
    stop_sites: tuple = ()
    #: things the user should know although nothing is done about them
    notes: tuple = field(default_factory=tuple)


def plan_switch(name: str, status: str, station: str, site: str, kind: str = "planned",
                reprotect: bool = False) -> Plan:
    """Decide what brings group ``name`` (``status``, production at ``station``) to production
    at ``site``, by a ``planned`` switch or an ``unplanned`` failover, protected again after a
    failover when ``reprotect``. Raises :class:`Refusal` when that is not possible from here.
    """
    there = station == site
    group = f"Protection group '{name}'"
    where = f"with production at the {station} site"
    notes: tuple = ()
    if status in UNPROTECTED:
        if reprotect:
            raise Refusal(f"{group} is {status} {where}: reprotect re-enables protection after a failover; "
                          f"enable protection of this group with cloud_dr.sdrs.protection_group instead.")
        if there:
            return _finish([], status, station, (f"{group} already has production at the {site} site, but "
                                                 f"its protection is off (status {status}).",))
        action = "a planned failover" if kind == "planned" else "a failover"
        raise Refusal(f"{group} is {status} {where}: {action} to production_site {site} needs the group protected. "
                      "Enable protection "
                      f"first (cloud_dr.sdrs.protection_group), wait for the first synchronisation, then re-run.")
    if status in FAILED_OVER:
        if there:
            if reprotect:
                return _finish([REPROTECT], status, station)
            if status == "failed-over":
                notes = (f"{group} is failed-over {where}: replication is stopped. Set reprotect: true to "
                         f"protect it again (replication {site} -> {other_site(site)}).",)
            else:
                notes = (f"{group} is error-reprotecting {where}: the last re-protect failed and replication "
                         f"is stopped. Set reprotect: true to retry it.",)
            return _finish([], status, station, notes)
        if kind == "planned" and reprotect:
            return _finish([REPROTECT, REVERSE], status, station)
        if kind == "planned":
            raise Refusal(f"{group} is {status} {where}: a planned failover to the {site} site needs the group "
                          f"protected. Set reprotect: true to re-protect it (replication {station} -> {site}) "
                          f"and then switch back in the same task.")
        raise Refusal(f"{group} is {status} {where}: a failover cannot move it to the {site} site from this "
                      f"status. Re-protect it and switch back with type: planned, reprotect: true, "
                      f"production_site: {site}.")
    if kind == "planned":
        if status == "protected":
            return _finish([] if there else [REVERSE], status, station)
        if status == "error-reversing" and not there:
            return _finish([REVERSE], status, station)  # retry of the failed switchover
        if status == "error-reversing":
            raise Refusal(f"{group} is error-reversing {where}: the last planned failover away from the "
                          f"{site} site failed. From this status it can only be switched (or failed over) "
                          f"to the {other_site(site)} site: retry with production_site: {other_site(site)}.")
        if status == "error-failing-over":
            raise Refusal(f"{group} is error-failing-over {where}: the last failover failed and a planned "
                          f"failover is not possible from this status. Retry the failover with type: "
                          f"unplanned, production_site: {other_site(station)}.")
    elif status in FAILOVER_FROM:
        if there and status == "protected":
            return _finish([], status, station)
        if not there:
            return _finish([FAILOVER, REPROTECT] if reprotect else [FAILOVER], status, station)
        raise Refusal(f"{group} is {status} {where} already; a failover from this status would move "
                      f"production to the {other_site(site)} site. Retry the interrupted operation with "
                      f"production_site: {other_site(site)}.")
    allowed = "protected or error-reversing" if kind == "planned" else "protected, error-failing-over or error-reversing"
    raise Refusal(f"{group} is {status} {where}: a {'planned failover' if kind == 'planned' else 'failover'} "
                  f"needs the status {allowed}. Resolve the group's status first (see the SDRS console's "
                  f"task center for the failed job).")


def _finish(steps: list, status: str, station: str, notes: tuple = ()) -> Plan:
    """Walk the steps to find the end state and which servers must be stopped first."""
    stops: list = []
    for step in steps:
        if step == REVERSE:
            # The production servers must be stopped; SDRS also refuses while a DR server runs
            # (SDRS.1319 / SDRS.1342), so both sites are checked.
            why = f"a planned failover to the {other_site(station)} site"
            stops.extend([(station, why), (other_site(station), why)])
            station, status = other_site(station), "protected"
        elif step == FAILOVER:
            station, status = other_site(station), "failed-over"
        elif step == REPROTECT:
            dr_site = other_site(station)
            stops.append((dr_site, f"re-protecting (the {dr_site} site becomes the DR site)"))
            status = "protected"
    first: dict = {}
    for stop_site, why in stops:
        first.setdefault(stop_site, why)  # each site once, with the first step that needs it
    return Plan(steps=tuple(steps), status=status, priority_station=station, stop_sites=tuple(first.items()),
                notes=notes)


def step_text(step: str, name: str, station: str) -> str:
    """The ``actions`` entry of one step, ``station`` being the production site before it."""
    if step == REVERSE:
        return f"planned failover of protection group '{name}' to the {other_site(station)} site"
    if step == FAILOVER:
        return f"failover of protection group '{name}' to the {other_site(station)} site"
    return f"re-protect protection group '{name}' (replication {station} -> {other_site(station)})"


def step_body(step: str, station: str) -> dict:
    """The action body of one step, ``station`` being the production site before it."""
    if step == REVERSE:
        return {REVERSE: {"priority_station": other_site(station)}}
    return {step: {}}


def predict_group(group: dict, status: str, station: str) -> dict:
    """The group as check mode predicts it after the switch (instances follow the group)."""
    predicted = dict(group)
    predicted.update(status=status, priority_station=station)
    return predicted


# -- servers by site ----------------------------------------------------------------------------
def site_of(server: dict | None, role: str, group: dict, instance: dict) -> str:
    """The site a server is at: by its availability zone (never changes), else by its role.

    SDRS may swap ``source_server``/``target_server`` after a switch (API doc §3.4, uncertain),
    so the AZ decides; only when it cannot (server gone, or both sites in one AZ) the role is
    read as "production server" / "DR server" of the current production site.
    """
    zone = (server or {}).get("OS-EXT-AZ:availability_zone")
    source_az, target_az = group.get("source_availability_zone"), group.get("target_availability_zone")
    if zone and source_az != target_az:
        if zone == source_az:
            return "source"
        if zone == target_az:
            return "target"
    station = instance.get("priority_station") or group.get("priority_station") or "source"
    return station if role == "source_server" else other_site(station)


def read_servers(client: Any, group: dict, instances: list) -> list:
    """Both servers of every protected instance, each with its site; ``status`` is ``None``
    (and ``missing`` true) when the server no longer exists in ECS."""
    servers = []
    for instance in instances:
        for role in ("source_server", "target_server"):
            server_id = instance.get(role)
            server = get_server(client, server_id) if server_id else None
            servers.append({
                "protected_instance_id": instance.get("id"),
                "protected_instance_name": instance.get("name"),
                "id": server_id,
                "name": (server or {}).get("name"),
                "status": (server or {}).get("status"),
                "site": site_of(server, role, group, instance),
                "missing": server is None,
            })
    return servers


def unusable_refusal(group: dict, instances: list, servers: list) -> Refusal | None:
    """SDRS refuses every operation on a group with a protected instance whose server was
    deleted outside SDRS (status ``invalid``): name them before any request."""
    gone: dict = {}
    for server in servers:
        if server["missing"]:
            gone.setdefault(server["protected_instance_id"], []).append(server)
    broken = [i for i in instances if i.get("status") == "invalid" or i.get("id") in gone]
    if not broken:
        return None
    parts = []
    for instance in broken:
        lost = ", ".join(f"server {s['id']} at the {s['site']} site is gone" for s in gone.get(instance.get("id"), []))
        parts.append(f"'{instance.get('name')}' ({instance.get('id')}, status {instance.get('status')}"
                     f"{'; ' + lost if lost else ''})")
    return Refusal(f"Protection group '{group.get('name')}' ({group.get('id')}) has protected instances whose "
                   f"servers were deleted outside SDRS: {'; '.join(parts)}. SDRS refuses every operation on "
                   f"such a group: delete these protected instances (cloud_dr.sdrs.protected_instance, "
                   f"state: absent) and protect the servers again, then re-run.")


def describe(servers: list) -> str:
    return ", ".join(f"'{s['name']}' ({s['id']}, {s['status']})" for s in servers)


def running_at(servers: list, site: str) -> list:
    return [s for s in servers if s["site"] == site and not s["missing"] and is_running(s)]


def stopped_at(servers: list, site: str) -> list:
    return [s for s in servers if s["site"] == site and not s["missing"] and not is_running(s)]


def stop_refusal(group: dict, plan: Plan, servers: list) -> Refusal | None:
    """Servers still running where the plan needs them stopped (the user did not ask to stop them)."""
    problems = []
    for site, why in plan.stop_sites:
        running = running_at(servers, site)
        if running:
            problems.append(f"{why} needs every server at the {site} site stopped, but these are running: "
                            f"{describe(running)}")
    if not problems:
        return None
    return Refusal(f"Protection group '{group.get('name')}' is {group.get('status')} with production at the "
                   f"{group.get('priority_station')} site: {'; '.join(problems)}. Stop them, or set "
                   f"stop_servers: true to let this task stop them (and wait) first.")


def public_servers(servers: list) -> list:
    return [{k: v for k, v in s.items() if k != "missing"} for s in servers]


# -- jobs -----------------------------------------------------------------------------------------
_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f")


def parse_time(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    for fmt in _TIME_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def job_view(job: dict) -> dict:
    """What ``job_info`` returns for a job: the API fields plus ``duration`` (begin to end,
    seconds, ``None`` while it runs) and the ``sub_jobs`` lifted out of ``entities``."""
    begin, end = parse_time(job.get("begin_time")), parse_time(job.get("end_time"))
    entities = job.get("entities") or {}
    return {
        "job_id": job.get("job_id"),
        "job_type": job.get("job_type"),
        "status": job.get("status"),
        "begin_time": job.get("begin_time"),
        "end_time": job.get("end_time"),
        "duration": round((end - begin).total_seconds(), 3) if begin and end else None,
        "error_code": job.get("error_code"),
        "fail_reason": job.get("fail_reason"),
        "entities": entities,
        "sub_jobs": list(entities.get("sub_jobs") or []),
    }


def poll_jobs(fetch: Callable[[str], dict], job_ids: list, timeout: float | None, *,
              wait: bool = True, policy: PollPolicy | None = None,
              sleep: Callable[[float], Any] = time.sleep,
              clock: Callable[[], float] = time.monotonic) -> dict:
    """Read every job; with ``wait``, poll the unfinished ones round by round until all are
    ``SUCCESS``/``FAIL``, at the collection's one poll cadence (:class:`PollPolicy`).

    Total bound: ``timeout`` seconds for all jobs together, never sleeping past it and reading
    once more at the deadline; then :class:`WaitTimeoutError` names the unfinished jobs and
    carries the last reads in ``.jobs``. Polling round by round means N jobs that run side by
    side are done in about the time of the longest, at N requests per round.
    """
    deadline = None if timeout is None else clock() + max(0.0, timeout)
    intervals = (policy or PollPolicy()).intervals()
    jobs: dict = {}
    pending = list(dict.fromkeys(job_ids))
    while True:
        for job_id in pending:
            jobs[job_id] = fetch(job_id)
        pending = [j for j in pending if str(jobs[j].get("status") or "").upper() not in JOB_DONE]
        if not pending or not wait:
            return jobs
        if deadline is not None and clock() >= deadline:
            error = WaitTimeoutError(
                f"{len(pending)} of {len(jobs)} jobs did not end within {timeout:g} s: "
                + ", ".join(f"{j} ({jobs[j].get('job_type')}, {jobs[j].get('status')})" for j in pending) + ".",
                job_id=pending[0], last_status=jobs[pending[0]].get("status"))
            error.jobs = jobs  # type: ignore[attr-defined]
            raise error
        delay = next(intervals)
        if deadline is not None:
            delay = min(delay, max(0.0, deadline - clock()))
        if delay > 0:
            sleep(delay)
