# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VBS v2 backup policies: validation, the user's view, wire bodies. Internal to this collection.

The options speak the user's words (``retention_count``, ``week_days``, ``enabled``); the wire
speaks the API's, misspellings included (``rentention_num``, ``rentention_day``,
``remain_first_backup_of_curMonth``). This file is the only place that knows both, so the
modules never see a wire key. Rules come from the API reference "Modifying a Backup Policy"
and API doc §6.2 (Appendix B for the error codes).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ._errors import CloudDrError
from ._sdrs import NotFoundError, exact_matches, pick_exact

# Ranges of the API reference "Modifying a Backup Policy". The create page allows more
# (frequency 1-30, rentention_num 2-99); the stricter modify ranges are used so that a policy
# this module creates can also be modified later with the same values.
FREQUENCY_RANGE = (1, 14)
RETENTION_COUNT_RANGE = (2, 14)
RETENTION_DAYS_RANGE = (2, 99999)
NAME_MAX = 64
TAG_KEY_MAX = 36
TAG_VALUE_MAX = 43
MAX_POLICIES = 10  # per project (API doc §6.2, AutoBackup.0203)

# The user's order (Monday first); the wire takes the same three-letter upper-case names.
WEEK_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_TIME_ZONE_RE = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")

# fail_resources codes of associate/disassociate answers (API doc §6.1 VP5/VP6, Appendix B).
# Disassociating a volume that is not associated (or does not exist) leaves it where the task
# wants it, so AutoBackup.1400 ("resource is invalid") on a disassociation is no failure.
NOT_ASSOCIATED_CODES = frozenset({"AutoBackup.1400"})
# No public code says "already associated with this policy". Some services answer
# AutoBackup.1400 for that as well as for an unknown volume; with purge_volumes the count after
# the call settles it (see backup_policy.volume_step), otherwise it is reported as a failure.
ALREADY_ASSOCIATED_CODES: frozenset = frozenset()
AMBIGUOUS_ASSOCIATE_CODES = frozenset({"AutoBackup.1400"})

# The keys of the view that describe the schedule (compared field by field).
SCHEDULE_KEYS = ("start_times", "frequency", "week_days", "retention_count", "retention_days",
                 "keep_first_backup_of_month", "enabled", "time_zone")


class PolicyInputError(CloudDrError):
    """The options cannot make a valid policy; raised before any mutating request."""


# -- small parsers -------------------------------------------------------------------------
def parse_time(value: str) -> int | None:
    """``HH:MM`` to minutes after midnight, ``None`` when it is not a time of day."""
    match = _TIME_RE.match(str(value).strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def parse_time_zone(value: str | None) -> int | None:
    """``UTC+HH:MM`` / ``UTC-HH:MM`` to an offset in minutes; ``None`` when malformed."""
    if value is None:
        return None
    match = _TIME_ZONE_RE.match(str(value).strip())
    if not match:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        return None
    offset = hours * 60 + minutes
    return -offset if match.group(1) == "-" else offset


def split_start_times(value: Any) -> list[str]:
    """The wire's comma list (``"22:00, 0:00"``) or a list, as zero-padded ``HH:MM`` strings."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    times = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        minutes = parse_time(text)
        times.append(format_time(minutes) if minutes is not None else text)
    return times


def local_order(times: list[str], offset: int | None) -> list[str]:
    """UTC ``times`` sorted by the local time of day they stand for (the API's required order)."""
    shift = offset or 0

    def key(text: str) -> tuple:
        minutes = parse_time(text)
        return (0, (minutes + shift) % 1440) if minutes is not None else (1, text)
    return sorted(dict.fromkeys(times), key=key)


def utc_days(times: list[str], offset: int) -> list[int]:
    """For UTC ``times`` listed in local order, the UTC day of each relative to the local day
    (-1 the day before, 0 the same day, 1 the day after)."""
    days = []
    for text in times:
        minutes = parse_time(text)
        local = (minutes + offset) % 1440
        days.append((local - offset) // 1440)
    return days


def sort_week_days(days: Any) -> list[str] | None:
    """Week days as a duplicate-free list in ``MON``..``SUN`` order (the API treats it as a set)."""
    if not days:
        return None
    wanted = {str(day).strip().upper() for day in days}
    return [day for day in WEEK_DAYS if day in wanted] + sorted(wanted - set(WEEK_DAYS))


def _yes(value: Any) -> bool | None:
    """``Y``/``N`` (or a bool, which some SDKs send) to a bool."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().upper() in ("Y", "YES", "TRUE")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def tags_dict(tags: Any) -> dict:
    """``[{"key", "value"}]`` (wire) to ``{key: value}``."""
    return {str(t.get("key")): "" if t.get("value") is None else str(t.get("value"))
            for t in tags or [] if isinstance(t, Mapping)}


def tags_list(tags: Mapping) -> list[dict]:
    return [{"key": key, "value": "" if value is None else str(value)} for key, value in sorted(tags.items())]


# -- validation ----------------------------------------------------------------------------
def check_name(name: str | None, option: str = "name") -> list[str]:
    if name is None:
        return []
    errors = []
    if not 1 <= len(name) <= NAME_MAX or not _NAME_RE.match(name):
        errors.append(f"{option} '{name}' is not a valid backup policy name: use 1 to {NAME_MAX} letters, "
                      "digits, underscores (_) and hyphens (-).")
    if name.lower().startswith("default"):
        errors.append(f"{option} '{name}' must not start with 'default': that prefix is reserved for the "
                      "cloud's default backup policy, which cannot be created, renamed or changed.")
    return errors


def _check_range(params: Mapping, option: str, bounds: tuple, unit: str) -> list[str]:
    value = params.get(option)
    if value is None or bounds[0] <= value <= bounds[1]:
        return []
    return [f"{option} {value} is out of range: the API allows {bounds[0]} to {bounds[1]} {unit}."]


def check_start_times(times: list | None) -> list[str]:
    """Each item ``HH:MM`` (UTC) on the hour, no duplicates."""
    if times is None:
        return []
    if not times:
        return ["start_times must list at least one time (HH:MM, UTC)."]
    errors = []
    for item in times:
        minutes = parse_time(str(item))
        if minutes is None:
            errors.append(f"start_times item '{item}' is not a time of day: use HH:MM in UTC, "
                          "for example 02:00.")
        elif minutes % 60:
            errors.append(f"start_times item '{item}' is not on the hour: the API runs backups at whole "
                          "hours only (HH:00, UTC).")
    normalised = split_start_times(times)
    duplicates = sorted({t for t in normalised if normalised.count(t) > 1})
    if duplicates:
        errors.append(f"start_times lists {', '.join(duplicates)} more than once.")
    return errors


def check_schedule(times: list[str], offset: int | None, time_zone: str | None, uses_week_days: bool,
                   option_hint: str = "") -> list[str]:
    """The cross-field rules of ``start_time``: several times in ascending *local* order, and
    times on different UTC days only with ``time_zone`` and week days (API reference)."""
    if len(times) < 2 or any(parse_time(t) is None for t in times):
        return []
    expected = local_order(times, offset)
    if list(times) != expected:
        zone = f"time_zone {time_zone}" if time_zone else "UTC (no time_zone set)"
        return [f"start_times must be listed in ascending order of local time ({zone}): "
                f"{', '.join(expected)}, not {', '.join(times)}. When your local day crosses midnight UTC, "
                f"set time_zone (UTC+HH:MM or UTC-HH:MM) and week_days.{option_hint}"]
    if offset and len(set(utc_days(times, offset))) > 1 and not uses_week_days:
        local = ", ".join(format_time(parse_time(t) + offset) for t in times)
        return [f"start_times {', '.join(times)} (local {local} in {time_zone}) fall on different days in UTC: "
                "the API then requires week_days instead of frequency."]
    return []


def check_tags(tags: Mapping | None) -> list[str]:
    errors = []
    for key, value in (tags or {}).items():
        value = "" if value is None else str(value)
        if not 1 <= len(str(key)) <= TAG_KEY_MAX or not _TAG_RE.match(str(key)):
            errors.append(f"tags key '{key}' is invalid: use 1 to {TAG_KEY_MAX} letters, digits, underscores (_) "
                          "and hyphens (-).")
        if len(value) > TAG_VALUE_MAX or not _TAG_RE.match(value):
            errors.append(f"tags value '{value}' of key '{key}' is invalid: use 0 to {TAG_VALUE_MAX} letters, "
                          "digits, underscores (_) and hyphens (-).")
    return errors


def check_params(params: Mapping) -> list[str]:
    """Every rule that needs no request; messages name the option and what is allowed."""
    errors = check_name(params.get("name"))
    if params.get("frequency") is not None and params.get("week_days"):
        errors.append("Give either frequency (every N days) or week_days (on these days), not both: the API "
                      "would silently ignore week_days.")
    if params.get("retention_count") is not None and params.get("retention_days") is not None:
        errors.append("Give either retention_count (keep N backups) or retention_days (keep backups N days), "
                      "not both: the API would silently ignore retention_days.")
    if params.get("week_days") is not None and not params.get("week_days"):
        errors.append(f"week_days must list at least one of {', '.join(WEEK_DAYS)}.")
    errors += _check_range(params, "frequency", FREQUENCY_RANGE, "days")
    errors += _check_range(params, "retention_count", RETENTION_COUNT_RANGE, "backups")
    errors += _check_range(params, "retention_days", RETENTION_DAYS_RANGE, "days")
    errors += check_start_times(params.get("start_times"))
    time_zone = params.get("time_zone")
    offset = parse_time_zone(time_zone)
    if time_zone is not None and offset is None:
        errors.append(f"time_zone '{time_zone}' is invalid: use UTC+HH:MM or UTC-HH:MM (at most UTC+14:00), "
                      "for example UTC+02:00.")
    elif time_zone is not None and params.get("start_times") and not errors:
        # Without time_zone here the policy's own zone counts: checked once it is read.
        errors += check_schedule(split_start_times(params["start_times"]), offset, time_zone,
                                 bool(params.get("week_days")))
    errors += check_tags(params.get("tags"))
    errors += check_volumes(params)
    return errors


def check_volumes(params: Mapping) -> list[str]:
    errors = []
    for option in ("volumes", "disassociate_volumes"):
        for item in params.get(option) or []:
            if not str(item or "").strip():
                errors.append(f"{option} contains an empty volume ID.")
    both = set(params.get("volumes") or []) & set(params.get("disassociate_volumes") or [])
    if both:
        errors.append(f"Volume(s) {', '.join(sorted(both))} are listed in both volumes and disassociate_volumes.")
    return errors


def check_desired(view: Mapping, creating: bool, label: str) -> list[str]:
    """Rules on the merged result (the policy after the change), checked before any mutation."""
    errors = []
    if creating:
        missing = []
        if not view.get("start_times"):
            missing.append("start_times")
        if view.get("frequency") is None and not view.get("week_days"):
            missing.append("frequency or week_days")
        if view.get("retention_count") is None and view.get("retention_days") is None:
            missing.append("retention_count or retention_days")
        if missing:
            errors.append(f"Backup policy {label} does not exist; to create it, also give {', '.join(missing)}.")
            return errors
    offset = parse_time_zone(view.get("time_zone")) if view.get("time_zone") else None
    errors += check_schedule(view.get("start_times") or [], offset, view.get("time_zone"),
                             bool(view.get("week_days")),
                             "" if creating else " The policy's current time_zone and start_times count "
                                                 "where the task does not set them.")
    return errors


# -- views -----------------------------------------------------------------------------------
def policy_view(item: Mapping, tags: Mapping | None = None) -> dict:
    """The API's list item in the user's words; equal policies give equal views.

    Where the API lets one field win over another (``frequency`` over ``week_frequency``,
    ``rentention_num`` over ``rentention_day``), only the winner is kept.
    """
    schedule = item.get("scheduled_policy") or {}
    # time_zone is a top-level request field; its place in the response is undocumented.
    time_zone = item.get("time_zone") or schedule.get("time_zone") or None
    offset = parse_time_zone(time_zone)
    frequency = _int(schedule.get("frequency"))
    retention_count = _int(schedule.get("rentention_num"))
    status = schedule.get("status")
    return {
        "id": item.get("backup_policy_id"),
        "name": item.get("backup_policy_name"),
        "start_times": local_order(split_start_times(schedule.get("start_time")), offset),
        "frequency": frequency,
        "week_days": None if frequency is not None else sort_week_days(schedule.get("week_frequency")),
        "retention_count": retention_count,
        "retention_days": None if retention_count is not None else _int(schedule.get("rentention_day")),
        "keep_first_backup_of_month": bool(_yes(schedule.get("remain_first_backup_of_curMonth"))),
        "enabled": None if status is None else str(status).upper() == "ON",
        "time_zone": time_zone,
        "tags": dict(tags or {}),
        "volume_count": _int(item.get("policy_resource_count")) or 0,
    }


def desired_view(current: Mapping | None, params: Mapping) -> dict:
    """The policy as it will be: ``current`` (or defaults for a new one) with the options set.

    Omitted options keep the current value; setting ``frequency`` clears ``week_days`` and
    ``retention_count`` clears ``retention_days`` (and the reverse), as the API merges them.
    """
    view = dict(current) if current else {
        "id": None, "name": None, "start_times": [], "frequency": None, "week_days": None,
        "retention_count": None, "retention_days": None, "keep_first_backup_of_month": False,
        "enabled": True, "time_zone": None, "tags": {}, "volume_count": 0,
    }
    if params.get("name") is not None:
        view["name"] = params["name"]
    if params.get("time_zone") is not None:
        view["time_zone"] = params["time_zone"]
    offset = parse_time_zone(view.get("time_zone"))
    if params.get("start_times") is not None:
        # Kept in the user's order so check_desired() can hold it to the API's ordering rule.
        view["start_times"] = split_start_times(params["start_times"])
    else:
        view["start_times"] = local_order(view.get("start_times") or [], offset)
    if params.get("frequency") is not None:
        view["frequency"], view["week_days"] = params["frequency"], None
    elif params.get("week_days"):
        view["frequency"], view["week_days"] = None, sort_week_days(params["week_days"])
    if params.get("retention_count") is not None:
        view["retention_count"], view["retention_days"] = params["retention_count"], None
    elif params.get("retention_days") is not None:
        view["retention_count"], view["retention_days"] = None, params["retention_days"]
    if params.get("keep_first_backup_of_month") is not None:
        view["keep_first_backup_of_month"] = params["keep_first_backup_of_month"]
    if params.get("enabled") is not None:
        view["enabled"] = params["enabled"]
    if params.get("tags") is not None:
        view["tags"] = {str(k): "" if v is None else str(v) for k, v in params["tags"].items()}
    return view


# -- wire bodies -------------------------------------------------------------------------------
def _schedule_field(view: Mapping, key: str) -> dict:
    """One key of the view as its ``scheduled_policy`` wire field(s)."""
    value = view.get(key)
    if key == "start_times":
        return {"start_time": ",".join(value or [])}
    if key == "frequency":
        return {"frequency": value} if value is not None else {}
    if key == "week_days":
        return {"week_frequency": list(value)} if value else {}
    if key == "retention_count":
        return {"rentention_num": value} if value is not None else {}
    if key == "retention_days":
        return {"rentention_day": value} if value is not None else {}
    if key == "keep_first_backup_of_month":
        return {"remain_first_backup_of_curMonth": "Y" if value else "N"}
    if key == "enabled":
        return {"status": "ON" if value else "OFF"}
    return {}


def create_body(view: Mapping) -> dict:
    """The VP1 body for a new policy from its desired view (API doc §6.2)."""
    schedule: dict = {}
    for key in ("start_times", "frequency", "week_days", "retention_count", "retention_days",
                "keep_first_backup_of_month", "enabled"):
        schedule.update(_schedule_field(view, key))
    body: dict = {"backup_policy_name": view["name"], "scheduled_policy": schedule}
    if view.get("time_zone"):
        body["time_zone"] = view["time_zone"]
    if view.get("tags"):
        body["tags"] = tags_list(view["tags"])
    return body


def changed_keys(current: Mapping, desired: Mapping) -> list[str]:
    """The view keys (name and schedule) whose values differ; tags and volumes are separate."""
    keys = [key for key in ("name",) + SCHEDULE_KEYS if current.get(key) != desired.get(key)]
    # start_times compare as a set: their order follows from the time zone (API reference).
    if "start_times" in keys and set(current.get("start_times") or []) == set(desired.get("start_times") or []):
        keys.remove("start_times")
    return keys


def update_body(current: Mapping, desired: Mapping) -> dict:
    """The VP3 body with only what changed (the API merges partial bodies)."""
    keys = changed_keys(current, desired)
    body: dict = {}
    if "name" in keys:
        body["backup_policy_name"] = desired["name"]
    schedule: dict = {}
    for key in keys:
        schedule.update(_schedule_field(desired, key))
    # A new time zone changes which order is "ascending local": send the times again in that order.
    if "time_zone" in keys and len(desired.get("start_times") or []) > 1:
        schedule.update(_schedule_field(desired, "start_times"))
    if schedule:
        body["scheduled_policy"] = schedule
    if "time_zone" in keys and desired.get("time_zone"):
        body["time_zone"] = desired["time_zone"]
    return body


def tag_changes(current: Mapping, desired: Mapping) -> tuple[dict, dict]:
    """``(to_set, to_delete)`` turning the ``current`` tags into exactly the ``desired`` ones."""
    to_set = {k: v for k, v in desired.items() if current.get(k) != v}
    to_delete = {k: v for k, v in current.items() if k not in desired}
    return to_set, to_delete


# -- requests ----------------------------------------------------------------------------------
def list_policies(client: Any) -> list[dict]:
    """Every backup policy of the project (VP2: one unpaginated list)."""
    body = client.get("vbs", "/backuppolicy") or {}
    return list(body.get("backup_policies") or [])


def get_tags(client: Any, policy_id: str) -> dict:
    body = client.get_or_none("vbs", "/backuppolicy/{}/tags", policy_id) or {}
    return tags_dict(body.get("tags"))


def find_policy(client: Any, *, policy_id: str | None = None, name: str | None = None) -> dict | None:
    """The list item with this id, or with exactly this name (VBS has no read-one endpoint)."""
    policies = list_policies(client)
    if policy_id:
        return next((p for p in policies if p.get("backup_policy_id") == policy_id), None)
    return pick_exact(policies, name, "backup policy", name_key="backup_policy_name", id_key="backup_policy_id")


def namesakes(client: Any, name: str) -> list[dict]:
    """``{"id", "name"}`` of every policy named exactly ``name``, in the API's (creation) order."""
    return [{"id": item.get("backup_policy_id"), "name": item.get("backup_policy_name")}
            for item in exact_matches(list_policies(client), name, name_key="backup_policy_name")]


def backup_task_count(client: Any, policy_id: str) -> int:
    """How many backup tasks the policy has run (VP9)."""
    body = client.get("vbs", "/backuppolicy/{}/backuptasks", policy_id, query={"limit": 1}) or {}
    return int(body.get("count") or 0)


def read_view(client: Any, *, policy_id: str | None = None, name: str | None = None) -> dict | None:
    item = find_policy(client, policy_id=policy_id, name=name)
    if item is None:
        return None
    return policy_view(item, get_tags(client, item["backup_policy_id"]))


def require_view(client: Any, policy_id: str) -> dict:
    view = read_view(client, policy_id=policy_id)
    if view is None:
        raise NotFoundError(f"Backup policy {policy_id} disappeared while the task was changing it.")
    return view


def resource_failures(response: Any, ignore: frozenset = frozenset()) -> list[dict]:
    """The ``fail_resources`` of an associate/disassociate answer, minus the no-op codes."""
    return [item for item in (response or {}).get("fail_resources") or []
            if isinstance(item, Mapping) and item.get("code") not in ignore]


def failure_message(verb: str, label: str, failures: list[dict], done: list[str]) -> str:
    """``could not associate ...: vol (code: message), ...``, naming each volume and its code."""
    parts = []
    for item in failures:
        code = item.get("code") or "no code"
        text = f"{item.get('resource_id')} ({code}"
        text += f": {item['message']})" if item.get("message") else ")"
        parts.append(text)
    msg = f"Could not {verb} {len(failures)} volume(s) with backup policy {label}: {', '.join(parts)}."
    if done:
        msg += f" These succeeded: {', '.join(done)}."
    return msg
