# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The few ECS calls SDRS work needs: read servers, stop and start them. Internal to this collection."""

from __future__ import annotations

from typing import Any, Callable

from ._base import NOT_APPLIED
from ._sdrs import AmbiguousNameError, looks_like_id, production_zone


def get_server(client: Any, server_id: str) -> dict | None:
    body = client.get_or_none("ecs", "/cloudservers/{}", server_id)
    return body["server"] if body else None


def pick_server(candidates: list, ref: str, group: dict, instance: dict | None = None) -> dict | None:
    """The server a user's ``server`` name means, among the ECS servers with exactly that name.

    SDRS gives the DR server the name of the production server, so a protected server's name
    matches two servers (and a DR server kept after deleting its instance stays behind). The
    instance's own servers win; otherwise the one server in the group's production zone.
    """
    matches = [s for s in candidates if s.get("name") == ref]
    if len(matches) <= 1:
        return matches[0] if matches else None
    if instance is not None:
        own = [s for s in matches if s.get("id") in (instance.get("source_server"), instance.get("target_server"))]
        if own:
            return own[0]
    production_az = production_zone(group)
    local = [s for s in matches if s.get("OS-EXT-AZ:availability_zone") == production_az]
    if len(local) == 1:
        return local[0]
    pool = local or matches
    ids = ", ".join(f"{s.get('id')} ({s.get('OS-EXT-AZ:availability_zone')})" for s in pool)
    raise AmbiguousNameError(f"{len(pool)} servers are named '{ref}' ({ids}); give the id of the production server "
                             "as server instead of the name.")


def find_server(client: Any, ref: str, group: dict, instance: dict | None = None) -> dict | None:
    """A server by id, or by exact name (see :func:`pick_server`); ``None`` when there is none."""
    if looks_like_id(ref):
        server = get_server(client, ref)
        if server is not None:
            return server
    listing = client.get("ecs", "/cloudservers/detail", query={"name": ref, "limit": 1000}) or {}
    return pick_server(listing.get("servers") or [], ref, group, instance)


def server_view(server: dict) -> dict:
    """The fields of an ECS server the modules compare and return."""
    flavor = server.get("flavor") or {}
    return {
        "id": server.get("id"),
        "name": server.get("name"),
        "status": server.get("status"),
        "availability_zone": server.get("OS-EXT-AZ:availability_zone"),
        "flavor": flavor.get("id"),
        "vcpus": _int(flavor.get("vcpus")),
        "ram": _int(flavor.get("ram")),
    }


def is_running(server: dict) -> bool:
    """Anything but SHUTOFF counts as running for SDRS preconditions (stop it first)."""
    return server.get("status") != "SHUTOFF"


# What os-stop / os-start lead to: the status at the end, and the task state on the way there.
POWER_STATUS = {"os-stop": "SHUTOFF", "os-start": "ACTIVE"}
POWER_TASK = {"os-stop": "powering-off", "os-start": "powering-on"}


def power_started(servers: list, action: str) -> bool:
    """Whether ``action`` shows on every server: at its end status, or on its way there."""
    return all(server is not None and (server.get("status") == POWER_STATUS[action]
                                       or server.get("OS-EXT-STS:task_state") == POWER_TASK[action])
               for server in servers)


def power_recovery(module: Any, server_ids: list[str], action: str, result: Callable[[], Any]) -> Callable[[], Any]:
    """The ``recover`` of a power action whose answer was lost (see ``SdrsModule.change``): when
    every server shows the action, wait until they reach its end status and return ``result()``;
    otherwise the action was not carried out (``NOT_APPLIED``) and is sent once more."""
    def read() -> list:
        return [get_server(module.client, server_id) for server_id in server_ids]

    def recover() -> Any:
        if not power_started(read(), action):
            return NOT_APPLIED
        module.wait_for(read, lambda servers: all(s is not None and s.get("status") == POWER_STATUS[action]
                                                  for s in servers),
                        f"servers {', '.join(server_ids)} to be {POWER_STATUS[action]}")
        return result()
    return recover


def power_action(client: Any, server_ids: list[str], action: str) -> str:
    """Submit ``os-start`` or ``os-stop`` for servers; returns the ECS job id."""
    servers = [{"id": sid} for sid in server_ids]
    body: dict = {"servers": servers}
    if action == "os-stop":
        body["type"] = "SOFT"
    response = client.post("ecs", "/cloudservers/action", body={action: body})
    return response["job_id"]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
