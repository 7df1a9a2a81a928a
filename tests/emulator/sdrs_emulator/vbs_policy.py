"""VBS backup-policy validation and merge rules (API doc §6.2), kept apart from the routes."""

import re

from .errors import bad
from .tags import VBS_CODES, check_tag_list

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):00(,([01]\d|2[0-3]):00)*$")
TZ_RE = re.compile(r"^UTC[+-]([01]\d|2[0-3]):[0-5]\d$")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def _int(value, lo: int, hi: int, code: str, what: str, truncate: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not truncate):
        raise bad(code, f"{what} must be an integer from {lo} to {hi}")
    value = int(value)
    if not lo <= value <= hi:
        raise bad(code, f"{what} must be an integer from {lo} to {hi}")
    return value


def check_name(name) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 64:
        raise bad("AutoBackup.0101", "Length of the backup policy name is invalid (1-64 characters)")
    if not NAME_RE.match(name) or name.lower().startswith("default"):
        raise bad("AutoBackup.0102", "Backup policy name is invalid: letters, digits, _ - . only, "
                                     "and it must not start with 'default'")
    return name


def check_schedule(sp, create: bool) -> dict:
    """Validate a (partial) scheduled_policy; returns the normalised fields that were given."""
    if not isinstance(sp, dict):
        raise bad("AutoBackup.0001", "scheduled_policy must be an object")
    out: dict = {}
    if "start_time" in sp or create:
        st = sp.get("start_time")
        if not isinstance(st, str) or not TIME_RE.match(st.replace(" ", "")):
            raise bad("AutoBackup.0103", "start_time must be whole hours HH:00, comma separated")
        out["start_time"] = st.replace(" ", "")
    if sp.get("frequency") is not None:
        out["frequency"] = _int(sp["frequency"], 1, 14, "AutoBackup.0106", "frequency")
    elif sp.get("week_frequency") is not None:
        wf = sp["week_frequency"]
        if (not isinstance(wf, list) or not 1 <= len(wf) <= 7 or len(set(wf)) != len(wf)
                or any(d not in DAYS for d in wf)):
            raise bad("AutoBackup.0106", f"week_frequency must be a list of distinct {DAYS}")
        out["week_frequency"] = list(wf)
    elif create:
        raise bad("AutoBackup.0106", "Either frequency or week_frequency must be set")
    if sp.get("rentention_num") is not None:
        out["rentention_num"] = _int(sp["rentention_num"], 2, 99, "AutoBackup.0107", "rentention_num")
    elif sp.get("rentention_day") is not None:
        out["rentention_day"] = _int(sp["rentention_day"], 2, 99999, "AutoBackup.0107", "rentention_day",
                                     truncate=True)
    elif create:
        raise bad("AutoBackup.0107", "Either rentention_num or rentention_day must be set")
    if "remain_first_backup_of_curMonth" in sp:
        v = sp["remain_first_backup_of_curMonth"]
        v = {True: "Y", False: "N"}.get(v, v) if isinstance(v, bool) else v
        if v not in ("Y", "N"):
            raise bad("AutoBackup.0105", "remain_first_backup_of_curMonth must be Y or N")
        out["remain_first_backup_of_curMonth"] = v
    elif create:
        out["remain_first_backup_of_curMonth"] = "N"
    if "status" in sp or create:
        if sp.get("status") not in ("ON", "OFF"):
            raise bad("AutoBackup.0104", "status must be ON or OFF")
        out["status"] = sp["status"]
    return out


def merge_schedule(current: dict, patch: dict) -> dict:
    """frequency and week_frequency exclude each other; so do rentention_num and rentention_day."""
    merged = dict(current)
    for a, b in (("frequency", "week_frequency"), ("rentention_num", "rentention_day")):
        if a in patch:
            merged.pop(b, None)
        elif b in patch:
            merged.pop(a, None)
    merged.update(patch)
    order = ("remain_first_backup_of_curMonth", "rentention_num", "rentention_day", "frequency",
             "week_frequency", "start_time", "status")
    return {k: merged[k] for k in order if k in merged}


def check_time_zone(tz) -> str:
    if not isinstance(tz, str) or not TZ_RE.match(tz):
        raise bad("AutoBackup.0226", "time_zone must look like UTC+08:00 or UTC-02:00")
    return tz


def check_tags(tags) -> list:
    if tags in (None, []):
        return []
    return check_tag_list(tags, VBS_CODES, 10)
