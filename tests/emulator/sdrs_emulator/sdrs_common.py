"""SDRS helpers shared by the group/instance/other modules: bodies, lookups, lists, views."""

import ast
import json
import re

from flask import current_app, g, request

from .errors import ApiError, bad
from .util import now, public

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
TRANSIENT = {"creating", "deleting", "starting", "stopping", "reversing", "failing-over",
             "reprotecting", "resizing", "nic-creating", "nic-deleting", "extending",
             "attaching", "detaching"}
ABNORMAL = {"error", "error-deleting", "error-starting", "error-stopping", "error-reversing",
            "error-failing-over", "error-reprotecting", "error-resizing", "error-extending",
            "error-attaching", "error-detaching", "invalid", "fault"}
NOT_FOUND = {"server_groups": ("SDRS.1013", "Protection group not found"),
             "protected_instances": ("SDRS.1320", "Protected instance not found"),
             "replications": ("SDRS.1608", "Replication pair not found"),
             "drills": ("SDRS.1902", "DR drill not found")}
DRILL_PERIOD = 90 * 86400  # "no DR drill within ~3 months" (query_type=period_no_dr_drill)


def emu():
    return current_app.config["EMU"]


def store():
    return current_app.config["EMU"].store


def body_obj(key: str | None = None, required: bool = True) -> dict:
    """The JSON body (or its single wrapper object); SDRS.0201 when missing or malformed."""
    raw = request.get_data(cache=True)
    body = request.get_json(force=True, silent=True) if raw else None
    if raw and body is None:
        raise bad("SDRS.0201", "Invalid request parameters: body is not valid JSON")
    if body is None:
        if required:
            raise bad("SDRS.0201", "Invalid request parameters: request body is required")
        return {}
    if not isinstance(body, dict):
        raise bad("SDRS.0201", "Invalid request parameters: body must be a JSON object")
    if key is None:
        return body
    inner = body.get(key)
    if not isinstance(inner, dict):
        raise bad("SDRS.0201", f"Invalid request parameters: '{key}' object is required")
    return inner


def check_name(name, code: str = "SDRS.0202") -> str:
    if not isinstance(name, str) or not NAME_RE.match(name) or len(name.encode()) > 64:
        raise bad(code, "Invalid name: 1-64 characters from A-Z a-z 0-9 . _ - are allowed")
    return name


def check_description(desc) -> str | None:
    if desc is None:
        return None
    if not isinstance(desc, str) or len(desc.encode()) > 64 or "<" in desc or ">" in desc:
        raise bad("SDRS.0212", "Invalid description: at most 64 bytes, no '<' or '>'")
    return desc


def owned(coll: str, rid: str) -> dict:
    """Look a resource up; not found = HTTP 400 with the documented code, other project = 403."""
    rec = store().get(coll, rid)
    if rec is None:
        code, msg = NOT_FOUND[coll]
        raise bad(code, f"{msg}: {rid}")
    if rec["_project"] != g.project_id:
        raise ApiError(403, "SDRS.0005", "No permission for the operation: resource belongs to another project")
    return rec


def production_az(pg: dict) -> str:
    return pg["source_availability_zone"] if pg["priority_station"] == "source" else pg["target_availability_zone"]


def dr_az(pg: dict) -> str:
    return pg["target_availability_zone"] if pg["priority_station"] == "source" else pg["source_availability_zone"]


# -- list helpers --------------------------------------------------------------------
def paging() -> tuple:
    """(limit, offset, marker) with SDRS.0221 / SDRS.0222 on bad values."""
    args = request.args
    try:
        limit = int(args.get("limit", 1000))
    except ValueError:
        limit = -1
    if not 0 <= limit <= 1000:
        raise bad("SDRS.0221", "limit value must be an integer from 0 to 1000")
    try:
        offset = int(args.get("offset", 0))
    except ValueError:
        offset = -1
    if offset < 0:
        raise bad("SDRS.0222", "offset value cannot be negative, and must be an integer")
    return limit, offset, args.get("marker")


def id_list(key: str) -> list | None:
    """Accept `["a","b"]`, `['a','b']`, repeated keys and `a,b` (API doc §1.4)."""
    values = request.args.getlist(key)
    if not values:
        return None
    out: list = []
    for raw in values:
        raw = raw.strip()
        if raw.startswith("["):
            try:
                parsed = json.loads(raw)
            except ValueError:
                try:
                    parsed = ast.literal_eval(raw)
                except (ValueError, SyntaxError):
                    raise bad("SDRS.0201", f"Invalid request parameters: {key}") from None
            if not isinstance(parsed, (list, tuple)):
                raise bad("SDRS.0201", f"Invalid request parameters: {key}")
            out.extend(str(x) for x in parsed)
        else:
            out.extend(x.strip() for x in raw.split(",") if x.strip())
    if len(out) > 30:
        raise bad("SDRS.0226", f"IDs exceed the upper limit (30) in {key}")
    return out


def fuzzy(needle: str | None, name: str | None) -> bool:
    return not needle or needle.lower() in (name or "").lower()


def paginate(items: list, coll: str, limit: int, offset: int, marker: str | None) -> list:
    """Items sorted newest first; a marker (openstacksdk) takes precedence over offset."""
    if marker:
        ref = store().get(coll, marker)
        if ref is None or ref["_project"] != g.project_id:
            raise bad("SDRS.0201", f"Invalid request parameters: marker {marker} not found")
        items = [r for r in items if r["_seq"] < ref["_seq"]]
        offset = 0
    return items[offset:offset + limit]


def newest_first(items: list) -> list:
    return sorted(items, key=lambda r: r["_seq"], reverse=True)


QUERY_TYPES = {None, "", "general", "status_abnormal", "stop_protected", "period_no_dr_drill"}


def check_query_type() -> str | None:
    qt = request.args.get("query_type")
    if qt not in QUERY_TYPES:
        raise bad("SDRS.0201", f"Invalid request parameters: query_type {qt}")
    return qt


def query_type_ok(qt: str | None, rec: dict, pg: dict | None) -> bool:
    if qt in (None, "", "general"):
        return True
    if qt == "status_abnormal":
        return rec["status"] in ABNORMAL
    if qt == "stop_protected":
        return rec["status"] == "available"
    if qt == "period_no_dr_drill":
        last = (pg or rec).get("_last_drill")
        return last is None or now() - last > DRILL_PERIOD
    return True


# -- views -------------------------------------------------------------------------------
def child_counts(project_id: str) -> dict:
    counts: dict = {}
    for coll, idx in (("protected_instances", 0), ("replications", 1), ("drills", 2)):
        for rec in store().coll(coll).values():
            if rec["_project"] == project_id:
                counts.setdefault(rec["server_group_id"], [0, 0, 0])[idx] += 1
    return counts


def pg_view(pg: dict, counts: dict | None = None) -> dict:
    if counts is None:
        counts = child_counts(pg["_project"])
    out = public(pg)
    c = counts.get(pg["id"], (0, 0, 0))
    out["protected_instance_num"], out["replication_num"], out["disaster_recovery_drill_num"] = c
    return out


def pi_view(pi: dict) -> dict:
    out = public(pi)
    pg = store().get("server_groups", pi["server_group_id"])
    out["priority_station"] = pg["priority_station"] if pg else out.get("priority_station")
    out["attachment"] = [dict(a) for a in pi["attachment"]]
    out["tags"] = [dict(t) for t in pi["tags"]]
    return out


def rp_view(rp: dict) -> dict:
    out = public(rp)
    pg = store().get("server_groups", rp["server_group_id"])
    out["priority_station"] = pg["priority_station"] if pg else out.get("priority_station")
    # replication_status follows the group (null for groups never enabled, like new real groups)
    out["replication_status"] = pg.get("replication_status") if pg else None
    out["attachment"] = [dict(a) for a in rp["attachment"]]
    return out


def children(coll: str, pg_id: str) -> list:
    return [r for r in store().coll(coll).values() if r["server_group_id"] == pg_id]
