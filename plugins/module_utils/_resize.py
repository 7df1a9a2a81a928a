# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resizing a protected instance: current flavors, the plan, the preconditions.

Internal to this collection: may change without notice.

The SDRS API returns no flavor on a protected instance and refuses a resize to the current
flavor (SDRS.1341), so the current flavors come from ECS and the plan is built here, as pure
functions over plain dicts (unit-tested without a cloud). Which server is "production" is
decided from the group's ``priority_station`` and the servers' availability zones (API doc
§8, §3.4), so the answer stays right after a failover whether or not the API swaps
``source_server``/``target_server``.
"""

from __future__ import annotations

import copy
from typing import Any

from ._ecs import get_server, server_view
from ._errors import CloudDrError
from ._sdrs import production_zone

ROLES = ("production", "dr")
LABELS = {"production": "production", "dr": "DR"}
#: resize body key for a role when only that side changes (API reference, resize PI)
BODY_KEYS = {"production": "production_flavorRef", "dr": "dr_flavorRef"}

#: statuses the API accepts a resize from (API reference: Modifying the Specifications ...)
GROUP_STATUSES = ("available", "protected")
INSTANCE_STATUSES = ("available", "protected", "error-resizing")

_GROUP_ADVICE = {
    "failed-over": "After a failover, re-enable protection (reprotect) first; then resize.",
    "error-starting": "Enabling protection failed; enable it again (or disable it) first.",
    "error-stopping": "Disabling protection failed; disable it again first.",
    "error-reversing": "A switchover failed; repeat the switchover first.",
    "error-failing-over": "A failover failed; repeat the failover first.",
    "error-reprotecting": "Re-enabling protection failed; re-enable it again first.",
}
_INSTANCE_ADVICE = {
    "invalid": "One of its servers was deleted outside SDRS; the protected instance must be recreated.",
    "fault": "Replication of one of its disks is abnormal; repair it first.",
    "error": "It was never created completely; delete and recreate it.",
}


class ResizeError(CloudDrError):
    """A precondition of the resize is not met; the message says what to do."""


# -- reading -------------------------------------------------------------------------------
def assign_roles(instance: dict, group: dict, servers: dict[str, dict]) -> dict[str, dict]:
    """``{"production": view, "dr": view}`` from the two server views keyed by id.

    Production is the server in the zone ``priority_station`` names; the other one is DR.
    The names ``source_server``/``target_server`` are not trusted for the role, because it is
    not documented whether the API swaps them after a failover.
    """
    source = servers[instance["source_server"]]
    target = servers[instance["target_server"]]
    zone = production_zone(group)
    in_zone = [view for view in (source, target) if view.get("availability_zone") == zone]
    if len(in_zone) != 1:
        raise ResizeError(
            f"Cannot tell which server of protected instance '{instance.get('name')}' is production: "
            f"the group's priority_station is '{group.get('priority_station')}' (zone {zone}), and "
            f"server {source.get('id')} is in zone {source.get('availability_zone')}, server "
            f"{target.get('id')} in zone {target.get('availability_zone')}. Check both servers in ECS.")
    production = in_zone[0]
    return {"production": production, "dr": target if production is source else source}


def read_servers(client: Any, instance: dict, group: dict) -> dict[str, dict]:
    """Read both servers of a protected instance from ECS and return them by role."""
    views = {}
    for key in ("source_server", "target_server"):
        server_id = instance.get(key)
        server = get_server(client, server_id) if server_id else None
        if server is None:
            raise ResizeError(
                f"Server {server_id} ({key}) of protected instance '{instance.get('name')}' does not exist "
                f"in ECS; the protected instance is broken and must be recreated.")
        views[server_id] = server_view(server)
    return assign_roles(instance, group, views)


def allowed_flavors(client: Any, server_id: str) -> list[dict]:
    """The flavors ECS lets this server be resized to (v1 answers ``data``, v2.1 ``flavors``)."""
    body = client.get("ecs", "/cloudservers/resize_flavors", query={"instance_uuid": server_id}) or {}
    items = body.get("data")
    if items is None:
        items = body.get("flavors") or []
    return [item for item in items if isinstance(item, dict)]


# -- the plan ------------------------------------------------------------------------------
def desired_flavors(params: dict) -> dict[str, str | None]:
    """The flavor wanted per role; ``None`` leaves that server as it is."""
    both = params.get("flavor")
    return {"production": both or params.get("production_flavor"), "dr": both or params.get("dr_flavor")}


def option_for(params: dict, role: str) -> str:
    """The option the user set for a role, to name it in messages."""
    return "flavor" if params.get("flavor") else f"{role}_flavor"


def plan_changes(views: dict[str, dict], desired: dict[str, str | None]) -> dict[str, str]:
    """``{role: new flavor}`` for each role whose current flavor differs from the wanted one."""
    return {role: desired[role] for role in ROLES
            if desired.get(role) is not None and desired[role] != views[role].get("flavor")}


def resize_body(changes: dict[str, str]) -> dict | None:
    """The request body for the changes, or ``None`` when nothing is to change.

    Both sides to the same flavor use ``flavorRef`` (the API's "both servers" form); otherwise
    only the sides that differ are sent, as SDRS refuses a resize to the current flavor.
    """
    if not changes:
        return None
    if len(changes) == 2 and changes["production"] == changes["dr"]:
        return {"resize": {"flavorRef": changes["production"]}}
    return {"resize": {BODY_KEYS[role]: flavor for role, flavor in changes.items()}}


def describe(views: dict[str, dict], changes: dict[str, str]) -> str:
    """``production web-1 s3.large.2 -> s3.xlarge.2, DR web-1 ...`` for the action line."""
    return ", ".join(f"{LABELS[role]} server '{views[role].get('name')}' {views[role].get('flavor')} -> {flavor}"
                     for role, flavor in changes.items())


def predict(views: dict[str, dict], changes: dict[str, str], allowed: dict[str, list[dict]]) -> dict[str, dict]:
    """The views after the resize: new flavor ids, and CPU/memory from the ECS flavor list."""
    after = copy.deepcopy(views)
    for role, flavor in changes.items():
        entry = find_flavor(allowed.get(role) or [], flavor) or {}
        after[role].update(flavor=flavor, vcpus=_int(entry.get("vcpus")), ram=_int(entry.get("ram")))
    return after


def with_status(views: dict[str, dict], roles: list[str], status: str) -> dict[str, dict]:
    """A copy of the views with the servers of ``roles`` in ``status`` (check-mode prediction)."""
    after = copy.deepcopy(views)
    for role in roles:
        after[role]["status"] = status
    return after


def flavors_report(before: dict | None, after: dict | None) -> dict:
    """``{role: {"before": id, "after": id}}`` for the result."""
    report = {}
    for role in ROLES:
        report[role] = {"before": ((before or {}).get(role) or {}).get("flavor"),
                        "after": ((after or {}).get(role) or {}).get("flavor")}
    return report


# -- preconditions -------------------------------------------------------------------------
def check_group(group: dict) -> None:
    status = group.get("status")
    if status not in GROUP_STATUSES:
        advice = _GROUP_ADVICE.get(status, "Wait until it is 'available' or 'protected' and re-run the task.")
        raise ResizeError(f"Protection group '{group.get('name')}' ({group.get('id')}) is '{status}'; a resize "
                          f"needs it 'available' or 'protected'. {advice}")


def check_instance(instance: dict) -> None:
    status = instance.get("status")
    if status not in INSTANCE_STATUSES:
        advice = _INSTANCE_ADVICE.get(status, "Wait until it is 'available' or 'protected' and re-run the task.")
        raise ResizeError(f"Protected instance '{instance.get('name')}' ({instance.get('id')}) is '{status}'; a "
                          f"resize needs it 'available', 'protected' or 'error-resizing'. {advice}")


def find_flavor(items: list[dict], flavor: str) -> dict | None:
    for item in items:
        if item.get("id") == flavor:
            return item
    return None


def check_allowed(role: str, view: dict, flavor: str, items: list[dict], option: str) -> None:
    """Fail unless ECS lists ``flavor`` among the targets for this server."""
    if find_flavor(items, flavor) is not None:
        return
    ids = sorted({str(item.get("id")) for item in items if item.get("id")})
    shown = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
    raise ResizeError(f"{option}: ECS does not allow resizing the {LABELS[role]} server '{view.get('name')}' "
                      f"({view.get('id')}, now {view.get('flavor')}) to '{flavor}'. "
                      + (f"Allowed flavors: {shown}." if ids else "ECS lists no flavor it could be resized to."))


def servers_to_stop(views: dict[str, dict], changes: dict[str, str], stop_servers: bool) -> list[str]:
    """Roles whose server must be stopped before the resize; fails when that is not allowed.

    Only the servers being resized must be stopped (API reference). Without ``stop_servers``
    a running one fails the task naming it; with it, ACTIVE servers are returned to be stopped.
    A server in any other status (ERROR, RESIZE ...) is never touched.
    """
    roles = []
    for role in changes:
        view = views[role]
        status = view.get("status")
        if status == "SHUTOFF":
            continue
        what = f"The {LABELS[role]} server '{view.get('name')}' ({view.get('id')})"
        if status != "ACTIVE":
            raise ResizeError(f"{what} is '{status}'; SDRS resizes only stopped (SHUTOFF) servers and this "
                              f"module stops only ACTIVE ones. Bring it to ACTIVE or SHUTOFF first.")
        if not stop_servers:
            raise ResizeError(f"{what} is running (ACTIVE); SDRS resizes only stopped servers. Stop it first, "
                              f"or set stop_servers=true to stop it here and start it again after the resize.")
        roles.append(role)
    return roles


def dr_smaller_warning(views: dict[str, dict]) -> str | None:
    """A warning when the DR server has fewer vCPUs or less memory than production."""
    prod, dr = views["production"], views["dr"]
    short = []
    if None not in (prod.get("vcpus"), dr.get("vcpus")) and dr["vcpus"] < prod["vcpus"]:
        short.append(f"{dr['vcpus']} vCPUs against {prod['vcpus']}")
    if None not in (prod.get("ram"), dr.get("ram")) and dr["ram"] < prod["ram"]:
        short.append(f"{dr['ram']} MB memory against {prod['ram']} MB")
    if not short:
        return None
    return (f"The DR server '{dr.get('name')}' ({dr.get('flavor')}) has {' and '.join(short)} of the production "
            f"server ({prod.get('flavor')}): after a failover the application would run slower. The API "
            f"reference recommends a DR flavor at least as large as the production one.")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
