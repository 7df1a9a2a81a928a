# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The few ECS calls SDRS work needs: read servers, stop and start them. Internal to this collection."""

from __future__ import annotations

from typing import Any

from ._sdrs import NotFoundError, looks_like_id, pick_exact


def get_server(client: Any, server_id: str) -> dict | None:
    body = client.get_or_none("ecs", "/cloudservers/{}", server_id)
    return body["server"] if body else None


def require_server(client: Any, ref: str) -> dict:
    """Resolve a server given by id or exact name, or fail naming it."""
    server = get_server(client, ref) if looks_like_id(ref) else None
    if server is None:
        listing = client.get("ecs", "/cloudservers/detail", query={"name": ref}) or {}
        server = pick_exact(listing.get("servers") or [], ref, "server")
    if server is None:
        raise NotFoundError(f"Server '{ref}' does not exist (looked up by id and by name in ECS).")
    return server


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
