"""Tag validation and the tag-query (`resource_instances/action`) filter shared by SDRS and VBS."""

import re

from .errors import ApiError

_FORBIDDEN = re.compile(r"[\x00-\x1f*<>\\=,|/]")

# Error codes per service: SDRS tag appendix vs VBS AutoBackup codes.
SDRS_CODES = {"action": "SDRS.2201", "empty": "SDRS.2202", "too_many": "SDRS.2203",
              "key": "SDRS.2204", "blank_key": "SDRS.2205", "value": "SDRS.2207",
              "null_value": "SDRS.2208", "dup": "SDRS.2209", "query_action": "SDRS.2210",
              "count_paging": "SDRS.2211", "matches_empty": "SDRS.2212",
              "matches_blank": "SDRS.2213", "matches_key": "SDRS.2214", "matches_dup": "SDRS.2215",
              "matches_null": "SDRS.2216", "matches_value": "SDRS.2217", "values_many": "SDRS.2218",
              "values_dup": "SDRS.2219", "limit": "SDRS.2220", "generic": "SDRS.0201"}
VBS_CODES = {k: "AutoBackup.0214" for k in SDRS_CODES}
VBS_CODES.update(too_many="AutoBackup.0215", action="AutoBackup.0222", query_action="AutoBackup.0222")


def _bad(codes: dict, kind: str, msg: str) -> ApiError:
    return ApiError(400, codes[kind], msg)


def check_tag(tag, codes: dict, need_value: bool = True) -> dict:
    """Validate one {"key","value"}; key <=36 chars, value <=43, no control/`*<>\\=,|/` chars."""
    if not isinstance(tag, dict):
        raise _bad(codes, "key", "Invalid tag: must be an object with key and value")
    key, value = tag.get("key"), tag.get("value")
    if key is None or (isinstance(key, str) and not key.strip()):
        raise _bad(codes, "blank_key", "Tag key is blank or an empty string")
    if not isinstance(key, str) or len(key) > 36 or _FORBIDDEN.search(key):
        raise _bad(codes, "key", f"Invalid tag key: {key!r}")
    if value is None:
        if need_value:
            raise _bad(codes, "null_value", f"Null tag value for key {key!r}")
    elif not isinstance(value, str) or len(value) > 43 or _FORBIDDEN.search(value):
        raise _bad(codes, "value", f"Invalid tag value for key {key!r}")
    return {"key": key, "value": value if value is not None else ""}


def check_tag_list(tags, codes: dict, limit: int, need_value: bool = True) -> list:
    if not isinstance(tags, list) or not tags:
        raise _bad(codes, "empty", "Empty tag list")
    out = [check_tag(t, codes, need_value) for t in tags]
    keys = [t["key"] for t in out]
    if len(set(keys)) != len(keys):
        raise _bad(codes, "dup", "Tag parameter contains duplicate keys")
    if len(out) > limit:
        raise _bad(codes, "too_many", f"Number of tags exceeds the upper limit ({limit})")
    return out


def set_tags(current: list, new: list) -> list:
    """Add or overwrite by key, keeping the order of first appearance."""
    merged = {t["key"]: t["value"] for t in current}
    for t in new:
        merged[t["key"]] = t["value"]
    return [{"key": k, "value": v} for k, v in merged.items()]


def aggregate(tag_lists) -> list:
    """[{"key", "values": [...]}] over many resources (PI16 / VP14)."""
    acc: dict = {}
    for tags in tag_lists:
        for t in tags:
            values = acc.setdefault(t["key"], [])
            if t["value"] not in values:
                values.append(t["value"])
    return [{"key": k, "values": v} for k, v in acc.items()]


def parse_query(body, codes: dict) -> dict:
    """Validate a tag query body; returns normalised filters plus paging."""
    if not isinstance(body, dict):
        raise _bad(codes, "generic", "Invalid request parameters: body must be a JSON object")
    action = body.get("action")
    if action not in ("filter", "count"):
        raise _bad(codes, "query_action", "action can be set to only filter or count")
    if action == "count" and ("limit" in body or "offset" in body):
        raise _bad(codes, "count_paging", "limit and offset are not supported when action is count")
    try:
        limit = int(body.get("limit", "1000"))
        offset = int(body.get("offset", "0"))
    except (TypeError, ValueError):
        raise _bad(codes, "limit", "limit and offset must be integer strings") from None
    if not 1 <= limit <= 1000:
        raise _bad(codes, "limit", "Minimum and maximum values of limit are 1 and 1000")
    if offset < 0:
        raise _bad(codes, "generic", "offset cannot be negative")
    q = {"action": action, "limit": limit, "offset": offset}
    for key in ("tags", "tags_any", "not_tags", "not_tags_any"):
        q[key] = [_tag_filter(f, codes) for f in (body.get(key) or [])]
    matches = body.get("matches")
    q["matches"] = []
    if matches is not None:
        if not isinstance(matches, list) or not matches:
            raise _bad(codes, "matches_empty", "Empty matches parameter")
        seen = set()
        for m in matches:
            k = m.get("key") if isinstance(m, dict) else None
            if not k:
                raise _bad(codes, "matches_blank", "Empty key in the matches parameter")
            if k != "resource_name":
                raise _bad(codes, "matches_key", f"Invalid key in the matches parameter: {k}")
            if k in seen:
                raise _bad(codes, "matches_dup", "Duplicate keys in the matches parameter")
            seen.add(k)
            if m.get("value") is None:
                raise _bad(codes, "matches_null", "Null value in the matches parameter")
            if not isinstance(m["value"], str) or len(m["value"]) > 255:
                raise _bad(codes, "matches_value", "Invalid value in the matches parameter")
            q["matches"].append(m["value"])
    return q


def _tag_filter(f, codes: dict) -> dict:
    if not isinstance(f, dict) or not f.get("key"):
        raise _bad(codes, "blank_key", "Tag key is blank or an empty string")
    values = f.get("values") or []
    if not isinstance(values, list):
        raise _bad(codes, "value", "values must be a list")
    if len(values) > 10:
        raise _bad(codes, "values_many", "Number of values exceeds the upper limit (10)")
    if len(set(values)) != len(values):
        raise _bad(codes, "values_dup", "Value list of the same key has duplicate values")
    return {"key": f["key"], "values": values}


def _has(tags: dict, f: dict) -> bool:
    return f["key"] in tags and (not f["values"] or tags[f["key"]] in f["values"])


def matches(q: dict, name: str, tag_list: list) -> bool:
    tags = {t["key"]: t["value"] for t in tag_list}
    if q["tags"] and not all(_has(tags, f) for f in q["tags"]):
        return False
    if q["tags_any"] and not any(_has(tags, f) for f in q["tags_any"]):
        return False
    if q["not_tags"] and all(_has(tags, f) for f in q["not_tags"]):
        return False
    if q["not_tags_any"] and any(_has(tags, f) for f in q["not_tags_any"]):
        return False
    return all(m.lower() in (name or "").lower() for m in q["matches"])
