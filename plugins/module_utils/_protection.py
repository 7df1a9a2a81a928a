# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR setup: protection groups, protected instances, active-active domains.

Internal to this collection: may change without notice.

The views (one serialiser per resource, shared by a module and its ``_info`` companion),
the input rules, the protection plan, the immutable-field comparison and the tag plan are
pure functions over plain values and are unit tested; the readers at the end use the shared
client and are exercised by the integration targets.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ._errors import CloudDrError
from ._sdrs import pick_exact, production_zone, zones

# -- input rules (API doc §1.3, §1.4; OTC; Huawei Cloud also allows Chinese characters) --------
_NAME_RE = re.compile(r"^[A-Za-z0-9._\-\u4e00-\u9fa5]+$")
_TAG_FORBIDDEN = re.compile(r"[\x00-\x1f*<>\\=,|/]")
MAX_BYTES = 64
MAX_TAGS = 10  # on create (HWSDK and the create API); the tag API docs disagree (20), so stay at 10
TAG_KEY_MAX = 36
TAG_VALUE_MAX = 43


class ProtectionError(CloudDrError):
    """The desired state cannot be reached from where the resource is; the text says what to do."""


def name_problem(option: str, value: str | None) -> str | None:
    """Why ``value`` is not a valid SDRS name, or ``None``."""
    if value is None:
        return None
    if not value or len(value.encode("utf-8")) > MAX_BYTES or not _NAME_RE.match(value):
        return (f"{option} '{value}' is not a valid SDRS name: use 1 to {MAX_BYTES} bytes of letters, "
                f"digits, '.', '_' and '-'.")
    return None


def ip_problem(option: str, value: str | None) -> str | None:
    """Why ``value`` is not an IPv4 address (SDRS primary NICs are IPv4), or ``None``."""
    if value is None:
        return None
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return f"{option} '{value}' is not an IPv4 address: give one of the primary_subnet_id subnet, e.g. 192.168.1.20."
    return None


def description_problem(option: str, value: str | None) -> str | None:
    if value is None:
        return None
    if len(value.encode("utf-8")) > MAX_BYTES or "<" in value or ">" in value:
        return f"{option} must be at most {MAX_BYTES} bytes and must not contain '<' or '>'."
    return None


def normalise_tags(tags: dict | None) -> dict | None:
    """The user's ``tags`` as ``{str: str}`` (YAML may give numbers or booleans as values)."""
    if tags is None:
        return None
    out = {}
    for key, value in tags.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        out[str(key)] = "" if value is None else str(value)
    return out


def tag_problems(tags: dict | None) -> list[str]:
    """Every reason the normalised ``tags`` would be refused by SDRS (API doc §1.4, tag rules)."""
    if not tags:
        return []
    problems = []
    if len(tags) > MAX_TAGS:
        problems.append(f"tags has {len(tags)} entries; a protected instance takes at most {MAX_TAGS}.")
    for key, value in tags.items():
        if not key.strip() or len(key) > TAG_KEY_MAX or _TAG_FORBIDDEN.search(key):
            problems.append(f"tags key '{key}' is not allowed: 1 to {TAG_KEY_MAX} characters, none of "
                            "* < > \\ = , | / or control characters.")
        if len(value) > TAG_VALUE_MAX or _TAG_FORBIDDEN.search(value):
            problems.append(f"tags value of '{key}' is not allowed: at most {TAG_VALUE_MAX} characters, none of "
                            "* < > \\ = , | / or control characters.")
    return problems


# -- views --------------------------------------------------------------------------------------
def group_view(group: dict | None) -> dict | None:
    """A protection group as returned by every module: the API object (a copy)."""
    return None if group is None else dict(group)


def instance_view(instance: dict | None, group: dict | None = None) -> dict | None:
    """A protected instance as returned by every module: the API object plus its servers by role.

    ``priority_station`` (the group's current production site, mirrored on the instance) gives
    the production and DR availability zones. SDRS reports the production server as
    ``source_server`` and the DR server as ``target_server``; it swaps them after a failover or
    planned failover (API doc §3.4, the documented assumption the emulator follows), so the
    roles are read from there and never treated as drift.
    """
    if instance is None:
        return None
    view = dict(instance)
    station = instance.get("priority_station") or (group or {}).get("priority_station")
    production_az, dr_az = zones(group, station)
    view["production_server_id"] = instance.get("source_server")
    view["dr_server_id"] = instance.get("target_server")
    view["production_availability_zone"] = production_az
    view["dr_availability_zone"] = dr_az
    view["tags"] = [dict(tag) for tag in instance.get("tags") or []]
    view["attachment"] = [dict(item) for item in instance.get("attachment") or []]
    return view


def domain_view(domain: dict) -> dict:
    """An active-active domain: the API object plus its two AZs at the top level."""
    view = dict(domain)
    view["local_availability_zone"] = (domain.get("local_replication_cluster") or {}).get("availability_zone")
    view["remote_availability_zone"] = (domain.get("remote_replication_cluster") or {}).get("availability_zone")
    return view


# -- active-active domains --------------------------------------------------------------------
def _domain_text(domain: dict) -> str:
    view = domain_view(domain)
    sold = ", sold out" if domain.get("sold_out") else ""
    return (f"{domain.get('name')} ({domain.get('id')}: {view['local_availability_zone']} <-> "
            f"{view['remote_availability_zone']}{sold})")


def resolve_domain(domains: list, ref: str | None, source_az: str, target_az: str) -> dict:
    """The active-active domain for a new group: by id or exact name, or (``ref`` unset) the one
    domain that joins the two AZs. Checks that both AZs belong to it and that it has capacity."""
    known = "; ".join(_domain_text(d) for d in domains) or "none"
    if ref:
        domain = next((d for d in domains if d.get("id") == ref), None)
        if domain is None:
            domain = pick_exact(domains, ref, "active-active domain")
        if domain is None:
            raise ProtectionError(f"domain '{ref}' is not an active-active domain of this project "
                                  f"(by id or name). Domains: {known}.")
    else:
        pair = {source_az, target_az}
        matches = [d for d in domains if {domain_view(d)["local_availability_zone"],
                                          domain_view(d)["remote_availability_zone"]} == pair]
        if len(matches) > 1:
            raise ProtectionError(f"{len(matches)} active-active domains join {source_az} and {target_az}: "
                                  f"set domain to the one you mean. Domains: {known}.")
        if not matches:
            raise ProtectionError(f"No active-active domain joins source_availability_zone '{source_az}' and "
                                  f"target_availability_zone '{target_az}'. Domains: {known}.")
        domain = matches[0]
    view = domain_view(domain)
    pair = (view["local_availability_zone"], view["remote_availability_zone"])
    for option, zone in (("source_availability_zone", source_az), ("target_availability_zone", target_az)):
        if zone not in pair:
            raise ProtectionError(f"{option} '{zone}' is not an availability zone of active-active domain "
                                  f"{_domain_text(domain)}: use {pair[0]} or {pair[1]} (see "
                                  f"cloud_dr.sdrs.active_domain_info).")
    if domain.get("sold_out"):
        raise ProtectionError(f"Active-active domain {_domain_text(domain)} is sold out: SDRS cannot create "
                              "protection groups in it now. Choose another domain or try later.")
    return domain


# -- what cannot change after creation ------------------------------------------------------------
GROUP_IMMUTABLE = ("source_availability_zone", "target_availability_zone", "source_vpc_id", "dr_type",
                   "description")


def group_differences(group: dict, params: dict) -> list[tuple]:
    """``(option, current, requested)`` for every given option the group differs in and SDRS
    cannot change (only the name can be changed, API doc §1.3 PG4)."""
    diffs = []
    for option in GROUP_IMMUTABLE:
        wanted = params.get(option)
        if wanted is None:
            continue
        current = group.get(option)
        if option == "description":
            if (wanted or None) != (current or None):
                diffs.append((option, current, wanted))
        elif wanted != current:
            diffs.append((option, current, wanted))
    domain = params.get("domain")
    if domain is not None and domain not in (group.get("domain_id"), group.get("domain_name")):
        diffs.append(("domain", f"{group.get('domain_name')} ({group.get('domain_id')})", domain))
    return diffs


def instance_differences(instance: dict, params: dict, server_id: str | None,
                         group: dict | None) -> list[tuple]:
    """Like :func:`group_differences` for a protected instance: its server, group and description."""
    diffs = []
    if server_id is not None and server_id not in (instance.get("source_server"), instance.get("target_server")):
        diffs.append(("server", f"{instance.get('source_server')} (production) / "
                                f"{instance.get('target_server')} (DR)", params.get("server")))
    if group is not None and instance.get("server_group_id") != group.get("id"):
        diffs.append(("protection_group", instance.get("server_group_id"), params.get("protection_group")))
    wanted = params.get("description")
    if wanted is not None and (wanted or None) != (instance.get("description") or None):
        diffs.append(("description", instance.get("description"), wanted))
    return diffs


def immutable_message(kind: str, resource: dict, diffs: list[tuple], how: str) -> str:
    """One sentence per difference, then the two ways out."""
    parts = [f"{option} is {current!r}, the task asks for {wanted!r}" for option, current, wanted in diffs]
    return (f"{kind} '{resource.get('name')}' ({resource.get('id')}) cannot be changed as asked: "
            + "; ".join(parts) + f". SDRS cannot change {'this' if len(diffs) == 1 else 'these'} after "
            f"creation (only the name). Either align the task with the existing {kind.lower()}, or delete it "
            f"({how}) and run the task again to create it with the new values.")


# -- protection (enable/disable) ------------------------------------------------------------------
START = "start-server-group"
STOP = "stop-server-group"
ENABLE_FROM = frozenset({"available", "error-starting"})
REPROTECT_FROM = frozenset({"failed-over", "error-reprotecting"})
STOP_FROM = frozenset({"protected", "error-stopping"})
#: statuses in which protection counts as off (after a failover, replication is stopped)
DISABLED = frozenset({"available", "failed-over", "error-starting"})

_STATUS_ADVICE = {
    "error": "Creating the group failed: delete it (state: absent) and create it again.",
    "error-deleting": "Deleting the group failed: run the task with state: absent again.",
    "error-reversing": "A planned failover failed: repeat it with cloud_dr.sdrs.failover first.",
    "error-failing-over": "A failover failed: repeat it with cloud_dr.sdrs.failover first.",
    "error-stopping": "Disabling protection failed: retry it with protection: disabled first.",
    "error-reprotecting": "Re-protection failed: retry it with protection: enabled first.",
}


def no_pairs_message(group: dict, what: str = "enable protection") -> str:
    ident = f" ({group['id']})" if group.get("id") else ""
    return (f"Protection group '{group.get('name')}'{ident} has no replication pairs, so SDRS cannot "
            f"{what}: add protected instances first (cloud_dr.sdrs.protected_instance, one per server), then "
            "set protection: enabled.")


def plan_protection(group: dict, desired: str | None) -> tuple:
    """``(action body key or None, action text, predicted status)`` that brings ``group`` to
    ``desired`` protection (``enabled``/``disabled``/``None``); raises :class:`ProtectionError`
    when it cannot be done from the group's status or the group has no replication pairs."""
    status = group.get("status")
    name = group.get("name")
    if desired is None:
        return None, None, status
    if desired == "enabled":
        if status == "protected":
            return None, None, status
        if status in ENABLE_FROM | REPROTECT_FROM:
            reprotect = status in REPROTECT_FROM
            if not group.get("replication_num"):
                raise ProtectionError(no_pairs_message(group, "re-protect it" if reprotect else "enable protection"))
            if reprotect:
                return (START, f"re-protect protection group '{name}' (enable protection after a failover, "
                               f"replicating from the {group.get('priority_station')} site)", "protected")
            return START, f"enable protection of protection group '{name}'", "protected"
        allowed = "available, error-starting (enable) or failed-over, error-reprotecting (re-protect)"
    else:
        if status in DISABLED:
            return None, None, status
        if status in STOP_FROM:
            return STOP, f"disable protection of protection group '{name}'", "available"
        allowed = "protected or error-stopping"
    advice = _STATUS_ADVICE.get(status, "Wait for or repair the operation that left it there.")
    verb = "enabled" if desired == "enabled" else "disabled"
    raise ProtectionError(f"Protection of protection group '{name}' cannot be {verb} from status '{status}' "
                          f"(needs {allowed}). {advice}")


# -- deleting a group: what blocks it ---------------------------------------------------------------
BLOCKERS = (
    ("protected_instance_num", "protected instances", "/protected-instances", "protected_instances"),
    ("replication_num", "replication pairs", "/replications", "replications"),
    ("disaster_recovery_drill_num", "DR drills", "/disaster-recovery-drills", "disaster_recovery_drills"),
)


def blockers_message(group: dict, found: dict) -> str | None:
    """The failure for deleting a non-empty group, naming every child, or ``None`` when empty."""
    parts = []
    for _counter, label, _path, key in BLOCKERS:
        items = found.get(key) or []
        if items:
            names = ", ".join(f"{item.get('name')} ({item.get('id')})" for item in items)
            parts.append(f"{len(items)} {label}: {names}")
    if not parts:
        return None
    return (f"Protection group '{group.get('name')}' ({group.get('id')}) is not empty and SDRS deletes only "
            f"empty groups; it still has " + "; ".join(parts) + ". Delete them first: protected instances "
            "with cloud_dr.sdrs.protected_instance state: absent (this also removes the replication pairs "
            "SDRS created for them), DR drills with cloud_dr.sdrs.dr_drill state: absent. Nothing was deleted.")


def list_blockers(client: Any, group: dict) -> dict:
    """The children of a group, read only for the counters that are not zero."""
    found = {}
    for counter, _label, path, key in BLOCKERS:
        if group.get(counter) == 0:
            continue
        found[key] = client.list_all("sdrs", path, key, query={"server_group_id": group["id"]})
    return found


# -- tags of a protected instance --------------------------------------------------------------------
def tags_dict(tags: list | None) -> dict:
    return {tag.get("key"): tag.get("value") or "" for tag in tags or []}


def plan_tags(current: list | None, desired: dict | None, purge: bool) -> tuple:
    """``(to_set, to_delete)``: tag lists for the ``create`` and ``delete`` tag actions."""
    if desired is None:
        return [], []
    have = tags_dict(current)
    to_set = [{"key": k, "value": v} for k, v in sorted(desired.items()) if have.get(k) != v]
    to_delete = [{"key": k} for k in sorted(have) if purge and k not in desired]
    return to_set, to_delete


def apply_tags(current: list | None, to_set: list, to_delete: list) -> list:
    """The instance's tag list after the two actions (the prediction of check mode)."""
    merged = tags_dict(current)
    for tag in to_delete:
        merged.pop(tag["key"], None)
    for tag in to_set:
        merged[tag["key"]] = tag["value"]
    return [{"key": k, "value": v} for k, v in merged.items()]


# -- servers ----------------------------------------------------------------------------------------
SERVER_OK = frozenset({"ACTIVE", "SHUTOFF"})


def server_vpc(server: dict) -> str | None:
    """The VPC of an ECS server: ``metadata.vpc_id``, else the single key of ``addresses``."""
    vpc = (server.get("metadata") or {}).get("vpc_id")
    if vpc:
        return vpc
    addresses = server.get("addresses") or {}
    return next(iter(addresses)) if len(addresses) == 1 else None


def server_problem(server: dict, group: dict) -> str | None:
    """Why SDRS would refuse to protect ``server`` in ``group`` (API doc §3.4), or ``None``."""
    label = f"Server '{server.get('name')}' ({server.get('id')})"
    where = f"protection group '{group.get('name')}'"
    production_az = production_zone(group)
    zone = server.get("OS-EXT-AZ:availability_zone")
    if zone and zone != production_az:
        return (f"{label} is in availability zone {zone}, but the production site of {where} is {production_az}: "
                f"only servers in {production_az} can be protected by this group.")
    status = server.get("status")
    if status not in SERVER_OK:
        return (f"{label} is {status}: SDRS protects only ACTIVE or SHUTOFF servers. Wait until it is running "
                f"or stopped, then re-run ({where}).")
    vpc = server_vpc(server)
    if vpc and group.get("source_vpc_id") and vpc != group.get("source_vpc_id"):
        return (f"{label} is in VPC {vpc}, but {where} protects VPC {group.get('source_vpc_id')}: "
                "use a group of the server's VPC.")
    return None


def protecting_instance(instances: list, server_id: str) -> dict | None:
    """The protected instance that already uses ``server_id`` (as production or DR server)."""
    return next((pi for pi in instances if server_id in (pi.get("source_server"), pi.get("target_server"))), None)


# -- readers ------------------------------------------------------------------------------------------
def list_domains(client: Any) -> list:
    """``GET /active-domains`` (no pagination)."""
    return (client.get("sdrs", "/active-domains") or {}).get("domains") or []


def id_list_query(ids: list) -> str:
    """The documented encoding of ``server_group_ids`` / ``protected_instance_ids``: ``["a","b"]``."""
    return "[" + ",".join(f'"{i}"' for i in ids) + "]"


def chunks(items: list, size: int = 30) -> list:
    """SDRS takes at most 30 ids in one id-list filter (SDRS.0226)."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]
