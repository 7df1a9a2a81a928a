# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDRS lookups and views shared by the modules. Internal to this collection."""

from __future__ import annotations

import time
from typing import Any

from ._errors import CloudDrError

# Statuses a job is still working on (API doc §3.1, §3.3); a module waits these out before
# deciding, so a re-run after a timeout resumes instead of acting twice.
GROUP_TRANSIENT = frozenset({"creating", "deleting", "starting", "stopping", "reversing",
                             "failing-over", "reprotecting"})
INSTANCE_TRANSIENT = frozenset({"creating", "deleting", "starting", "stopping", "reversing",
                                "failing-over", "reprotecting", "resizing", "nic-creating",
                                "nic-deleting"})
DRILL_TRANSIENT = frozenset({"creating", "deleting"})
# Where a DR drill may be created (API doc §3.6).
DRILL_FROM = frozenset({"available", "protected", "failed-over", "error-starting", "error-stopping",
                        "error-reversing", "error-reprotecting", "error-failing-over"})


class AmbiguousNameError(CloudDrError):
    """A name matched more than one resource: the user must give the id."""


class NotFoundError(CloudDrError):
    """A resource the user referred to by name or id does not exist."""


# Statuses of a resource that is coming or going: while another resource of the same name is
# settled, such a one is a duplicate a concurrent run is creating or deleting (see oldest()).
COMING_OR_GOING = frozenset({"creating", "deleting"})
# Pauses before a name lookup that found duplicates reads again: a run that lost a creation race
# deletes its duplicate one request after its creation job ends.
RACE_PAUSES = (2.0, 3.0)


def exact_matches(items: list[dict], name: str, *, name_key: str = "name") -> list[dict]:
    """The items named exactly ``name`` (API name filters match substrings), in the API's order."""
    return [item for item in items if item.get(name_key) == name]


def pick_exact(items: list[dict], name: str, kind: str, *, name_key: str = "name",
               id_key: str = "id") -> dict | None:
    """Exact-name match over a fuzzy API filter; two matches fail and ask for the id.

    A match that is being deleted while another one is not, or being created while another one is
    settled, does not count: it is on its way out, or the duplicate of a run that raced this one,
    which that run deletes (:func:`oldest`).
    """
    matches = exact_matches(items, name, name_key=name_key)
    for leaving in ({"deleting"}, COMING_OR_GOING):
        staying = [item for item in matches if item.get("status") not in leaving]
        if staying:
            matches = staying
    if len(matches) > 1:
        ids = ", ".join(sorted(str(m.get(id_key)) for m in matches))
        raise AmbiguousNameError(f"{len(matches)} {kind}s are named '{name}' ({ids}); "
                                 f"give the id of the one you mean instead of the name.")
    return matches[0] if matches else None


def ranked(items: list[dict], *, id_key: str = "id") -> list[dict]:
    """Resources with the same name, oldest first: by ``created_at``, then the smallest id; without
    ``created_at`` (VBS policies) in the order the API lists them (VBS lists policies in creation
    order). Every run that reads the same list ranks it the same way."""
    order = sorted(enumerate(items), key=lambda pair: (str(pair[1].get("created_at") or ""),
                                                       0 if pair[1].get("created_at") else pair[0],
                                                       str(pair[1].get(id_key))))
    return [item for _index, item in order]


def oldest(items: list[dict], *, id_key: str = "id") -> dict:
    """The one of several resources with the same name that every run racing to create it keeps,
    so each run can tell alone whether its own resource lost (see ``SdrsModule.keep_oldest``)."""
    return ranked(items, id_key=id_key)[0]


def get_protection_group(client: Any, group_id: str) -> dict | None:
    body = client.get_or_none("sdrs", "/server-groups/{}", group_id)
    return body["server_group"] if body else None


def find_protection_group(client: Any, *, group_id: str | None = None,
                          name: str | None = None, sleep: Any = time.sleep) -> dict | None:
    """The group with this id, or with exactly this name; ``None`` when there is none.

    Duplicates of a name are read again after short pauses before the lookup fails: two runs that
    created the group at the same time leave one of them for a moment (see :func:`oldest`).
    """
    if group_id:
        return get_protection_group(client, group_id)
    pauses = iter(RACE_PAUSES)
    while True:
        try:
            return pick_exact(list_groups(client, {"name": name}), name, "protection group")
        except AmbiguousNameError:
            pause = next(pauses, None)
            if pause is None:
                raise
            sleep(pause)


def lookup_protection_group(client: Any, ref: str) -> dict | None:
    """A user's ``protection_group`` (id or name); ``None`` when there is none."""
    group = get_protection_group(client, ref) if looks_like_id(ref) else None
    return group if group is not None else find_protection_group(client, name=ref)


def require_protection_group(client: Any, ref: str) -> dict:
    """Resolve a user's ``protection_group`` (id or name) or fail naming it."""
    group = lookup_protection_group(client, ref)
    if group is None:
        raise NotFoundError(f"Protection group '{ref}' does not exist (looked up by id and by name): check "
                            "protection_group.")
    return group


def get_protected_instance(client: Any, instance_id: str) -> dict | None:
    body = client.get_or_none("sdrs", "/protected-instances/{}", instance_id)
    return body["protected_instance"] if body else None


def find_protected_instance(client: Any, *, instance_id: str | None = None, name: str | None = None,
                            group_id: str | None = None) -> dict | None:
    """The protected instance with this id, or with exactly this name (in the group, if given)."""
    if instance_id:
        return get_protected_instance(client, instance_id)
    query = {"name": name}
    if group_id:
        query["server_group_id"] = group_id
    items = client.list_all("sdrs", "/protected-instances", "protected_instances", query=query)
    return pick_exact(items, name, "protected instance")


def looks_like_id(value: str) -> bool:
    """SDRS ids are UUIDs (or 32 hex characters for old objects); names rarely are."""
    compact = value.replace("-", "")
    return len(compact) == 32 and all(c in "0123456789abcdefABCDEF" for c in compact)


def zones(group: dict | None, station: str | None) -> tuple:
    """(production AZ, DR AZ) of a group whose production site is ``station``.

    The one rule for "which site is production": the group's ``priority_station`` names it,
    and its availability zones never change (API doc §2.1). Servers are placed by their AZ.
    """
    if not group:
        return None, None
    source, target = group.get("source_availability_zone"), group.get("target_availability_zone")
    return (target, source) if station == "target" else (source, target)


def production_zone(group: dict) -> str | None:
    """The availability zone that hosts production now."""
    return zones(group, group.get("priority_station"))[0]


def list_groups(client: Any, query: dict | None = None) -> list:
    return client.list_all("sdrs", "/server-groups", "server_groups", query=query or {})


def list_instances(client: Any, query: dict | None = None, *, group_id: str | None = None) -> list:
    """Protected instances matching ``query`` (and of one group when ``group_id`` is given)."""
    query = dict(query or {})
    if group_id:
        query["server_group_id"] = group_id
    return client.list_all("sdrs", "/protected-instances", "protected_instances", query=query)


def get_drill(client: Any, drill_id: str) -> dict | None:
    body = client.get_or_none("sdrs", "/disaster-recovery-drills/{}", drill_id)
    return body["disaster_recovery_drill"] if body else None


def list_drills(client: Any, *, group_id: str | None = None, name: str | None = None) -> list:
    """DR drills of a group (or of the project), with exactly ``name`` when given."""
    query = {}
    if group_id:
        query["server_group_id"] = group_id
    if name:
        query["name"] = name
    drills = client.list_all("sdrs", "/disaster-recovery-drills", "disaster_recovery_drills", query=query)
    return [d for d in drills if d.get("name") == name] if name else drills


def find_drill(client: Any, group_id: str, name: str) -> dict | None:
    """The drill of the group with exactly this name (two such drills: ask for the id)."""
    return pick_exact(list_drills(client, group_id=group_id, name=name), name, "DR drill")
