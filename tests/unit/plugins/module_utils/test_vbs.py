# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VBS backup policies: validation rules, the user's view, comparison and wire bodies."""

from __future__ import annotations

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _vbs
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._vbs import (
    changed_keys, check_desired, check_params, create_body, desired_view, failure_message, local_order,
    parse_time, parse_time_zone, policy_view, resource_failures, sort_week_days, split_start_times,
    tag_changes, tags_dict, update_body, utc_days)

BASE = {
    "name": "nightly", "id": None, "start_times": None, "frequency": None, "week_days": None,
    "retention_count": None, "retention_days": None, "keep_first_backup_of_month": None, "enabled": None,
    "time_zone": None, "tags": None, "volumes": None, "disassociate_volumes": None,
}


def params(**overrides) -> dict:
    return dict(BASE, **overrides)


def errors_of(**overrides) -> str:
    return " | ".join(check_params(params(**overrides)))


def item(**schedule) -> dict:
    """A list item as VBS returns it (API doc §6.3)."""
    extra = schedule.pop("_extra", {})
    body = {"backup_policy_id": "p1", "backup_policy_name": "nightly",
            "scheduled_policy": dict({"start_time": "01:00", "frequency": 1, "rentention_num": 7,
                                      "remain_first_backup_of_curMonth": "N", "status": "ON"}, **schedule),
            "policy_resource_count": 0}
    body.update(extra)
    return body


# -- parsers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,minutes", [("00:00", 0), ("2:00", 120), ("23:00", 1380), ("12:30", 750),
                                          (" 07:00 ", 420), ("24:00", None), ("12:60", None), ("noon", None),
                                          ("12", None), ("12:0", None), ("-1:00", None)])
def test_parse_time(text, minutes):
    assert parse_time(text) == minutes


@pytest.mark.parametrize("text,offset", [("UTC+02:00", 120), ("UTC-05:30", -330), ("UTC+00:00", 0),
                                         ("UTC+14:00", 840), ("UTC+14:30", None), ("UTC+15:00", None),
                                         ("UTC+2:00", None), ("GMT+02:00", None), ("UTC02:00", None),
                                         ("UTC+02:60", None), ("utc+02:00", None), (None, None)])
def test_parse_time_zone(text, offset):
    assert parse_time_zone(text) == offset


def test_split_start_times_normalises_wire_and_lists():
    assert split_start_times("22:00, 0:00,02:00") == ["22:00", "00:00", "02:00"]
    assert split_start_times(["1:00", "13:00"]) == ["01:00", "13:00"]
    assert split_start_times(None) == []
    assert split_start_times("") == []
    assert split_start_times("bad,01:00") == ["bad", "01:00"]


def test_local_order_follows_the_time_zone():
    assert local_order(["00:00", "02:00", "22:00"], 120) == ["22:00", "00:00", "02:00"]
    assert local_order(["22:00", "00:00", "02:00"], None) == ["00:00", "02:00", "22:00"]
    assert local_order(["04:00", "01:00", "01:00"], -300) == ["01:00", "04:00"]


def test_utc_days_relative_to_the_local_day():
    assert utc_days(["22:00", "00:00", "02:00"], 120) == [-1, 0, 0]
    assert utc_days(["20:00", "23:00"], -180) == [0, 0]
    assert utc_days(["20:00", "02:00"], -180) == [0, 1]


def test_sort_week_days_is_a_set_in_monday_order():
    assert sort_week_days(["SUN", "mon", "WED", "MON"]) == ["MON", "WED", "SUN"]
    assert sort_week_days([]) is None
    assert sort_week_days(None) is None


def test_tags_round_trip():
    assert tags_dict([{"key": "b", "value": "2"}, {"key": "a", "value": None}]) == {"a": "", "b": "2"}
    assert _vbs.tags_list({"b": "2", "a": 1}) == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]


# -- validation: every rule once, with its range in the message --------------------------------
def test_valid_params_give_no_error():
    assert check_params(params(start_times=["22:00", "00:00"], week_days=["SAT"], retention_days=30,
                               time_zone="UTC+02:00", tags={"team": "dr"}, volumes=["v1"])) == []


@pytest.mark.parametrize("name,fragment", [
    ("", "use 1 to 64 letters"),
    ("x" * 65, "use 1 to 64 letters"),
    ("with space", "use 1 to 64 letters"),
    ("dot.name", "use 1 to 64 letters"),
    ("default-nightly", "must not start with 'default'"),
    ("DefaultPolicy", "must not start with 'default'"),
])
def test_name_rules(name, fragment):
    assert fragment in errors_of(name=name)


def test_name_of_64_allowed_characters_is_valid():
    assert check_params(params(name="a-" + "B_9" * 20 + "zz")) == []


@pytest.mark.parametrize("option,value,fragment", [
    ("frequency", 0, "frequency 0 is out of range: the API allows 1 to 14 days."),
    ("frequency", 15, "frequency 15 is out of range: the API allows 1 to 14 days."),
    ("retention_count", 1, "retention_count 1 is out of range: the API allows 2 to 14 backups."),
    ("retention_count", 15, "retention_count 15 is out of range: the API allows 2 to 14 backups."),
    ("retention_days", 1, "retention_days 1 is out of range: the API allows 2 to 99999 days."),
    ("retention_days", 100000, "retention_days 100000 is out of range: the API allows 2 to 99999 days."),
])
def test_ranges(option, value, fragment):
    assert fragment in errors_of(**{option: value})


@pytest.mark.parametrize("option,value", [("frequency", 1), ("frequency", 14), ("retention_count", 2),
                                          ("retention_count", 14), ("retention_days", 2),
                                          ("retention_days", 99999)])
def test_range_bounds_are_allowed(option, value):
    assert check_params(params(**{option: value})) == []


def test_frequency_and_week_days_exclude_each_other():
    assert "Give either frequency (every N days) or week_days" in errors_of(frequency=1, week_days=["MON"])


def test_retention_count_and_days_exclude_each_other():
    assert "Give either retention_count (keep N backups) or retention_days" in errors_of(
        retention_count=3, retention_days=30)


def test_empty_week_days():
    assert "week_days must list at least one of MON, TUE" in errors_of(week_days=[])


@pytest.mark.parametrize("times,fragment", [
    ([], "start_times must list at least one time"),
    (["12:30"], "start_times item '12:30' is not on the hour"),
    (["25:00"], "start_times item '25:00' is not a time of day: use HH:MM in UTC"),
    (["noon"], "start_times item 'noon' is not a time of day"),
    (["01:00", "1:00"], "start_times lists 01:00 more than once"),
])
def test_start_time_items(times, fragment):
    assert fragment in errors_of(start_times=times)


def test_time_zone_format():
    assert ("time_zone 'UTC+2' is invalid: use UTC+HH:MM or UTC-HH:MM (at most UTC+14:00)"
            in errors_of(time_zone="UTC+2"))


def test_start_times_in_ascending_local_order():
    message = errors_of(start_times=["00:00", "02:00", "22:00"], time_zone="UTC+02:00", week_days=["MON"])
    assert ("start_times must be listed in ascending order of local time (time_zone UTC+02:00): "
            "22:00, 00:00, 02:00, not 00:00, 02:00, 22:00") in message


def test_start_times_not_ascending_without_time_zone_hint_at_it():
    view = desired_view(None, params(start_times=["22:00", "00:00"], frequency=1, retention_count=3))
    message = " ".join(check_desired(view, True, "'x'"))
    assert "ascending order of local time (UTC (no time_zone set)): 00:00, 22:00, not 22:00, 00:00" in message
    assert "set time_zone (UTC+HH:MM or UTC-HH:MM) and week_days" in message


def test_times_on_different_utc_days_need_week_days():
    message = errors_of(start_times=["22:00", "00:00", "02:00"], time_zone="UTC+02:00", frequency=1)
    assert ("start_times 22:00, 00:00, 02:00 (local 00:00, 02:00, 04:00 in UTC+02:00) fall on different days "
            "in UTC: the API then requires week_days instead of frequency.") in message
    assert check_params(params(start_times=["22:00", "00:00", "02:00"], time_zone="UTC+02:00",
                               week_days=["MON"])) == []


def test_times_on_one_utc_day_may_use_frequency():
    assert check_params(params(start_times=["00:00", "02:00"], time_zone="UTC+02:00", frequency=1)) == []


def test_negative_time_zone_crossing_forward():
    message = errors_of(start_times=["20:00", "02:00"], time_zone="UTC-03:00", frequency=2)
    assert "fall on different days in UTC" in message


@pytest.mark.parametrize("tags,fragment", [
    ({"": "x"}, "tags key '' is invalid: use 1 to 36"),
    ({"k" * 37: "x"}, "use 1 to 36 letters"),
    ({"bad key": "x"}, "tags key 'bad key' is invalid"),
    ({"k": "v" * 44}, "of key 'k' is invalid: use 0 to 43 letters"),
    ({"k": "a/b"}, "tags value 'a/b' of key 'k' is invalid"),
])
def test_tag_rules(tags, fragment):
    assert fragment in errors_of(tags=tags)


def test_empty_tag_value_is_allowed():
    assert check_params(params(tags={"k": ""})) == []


def test_volume_lists():
    assert "volumes contains an empty volume ID" in errors_of(volumes=["v1", ""])
    assert "listed in both volumes and disassociate_volumes" in errors_of(volumes=["v1"],
                                                                          disassociate_volumes=["v1"])


def test_all_errors_are_reported_at_once():
    assert len(check_params(params(name="default", frequency=99, retention_days=1))) == 3


# -- rules on the merged result ------------------------------------------------------------------
def test_create_needs_the_schedule():
    message = " ".join(check_desired(desired_view(None, params()), True, "'nightly'"))
    assert message == ("Backup policy 'nightly' does not exist; to create it, also give start_times, "
                       "frequency or week_days, retention_count or retention_days.")


def test_update_keeps_the_policy_time_zone_for_the_order_rule():
    current = policy_view(item(start_time="22:00,00:00", frequency=None, week_frequency=["MON"],
                               _extra={"time_zone": "UTC+02:00"}))
    good = desired_view(current, params(start_times=["22:00", "00:00", "02:00"]))
    assert check_desired(good, False, "'nightly'") == []
    bad = desired_view(current, params(start_times=["00:00", "22:00"]))
    assert "policy's current time_zone" in " ".join(check_desired(bad, False, "'nightly'"))


def test_switching_to_frequency_with_crossing_times_is_refused():
    current = policy_view(item(start_time="22:00,00:00", frequency=None, week_frequency=["MON"],
                               _extra={"time_zone": "UTC+02:00"}))
    message = " ".join(check_desired(desired_view(current, params(frequency=1)), False, "'nightly'"))
    assert "requires week_days instead of frequency" in message


# -- the view ------------------------------------------------------------------------------------
def test_policy_view_uses_the_users_words():
    view = policy_view(item(start_time="22:00,00:00", frequency=None, week_frequency=["SUN", "SAT"],
                            rentention_num=None, rentention_day=30, remain_first_backup_of_curMonth="Y",
                            status="OFF", _extra={"time_zone": "UTC+02:00", "policy_resource_count": 3}),
                       {"team": "dr"})
    assert view == {"id": "p1", "name": "nightly", "start_times": ["22:00", "00:00"], "frequency": None,
                    "week_days": ["SAT", "SUN"], "retention_count": None, "retention_days": 30,
                    "keep_first_backup_of_month": True, "enabled": False, "time_zone": "UTC+02:00",
                    "tags": {"team": "dr"}, "volume_count": 3}


def test_policy_view_keeps_only_the_field_the_api_lets_win():
    view = policy_view(item(frequency=2, week_frequency=["MON"], rentention_num=5, rentention_day=30))
    assert (view["frequency"], view["week_days"]) == (2, None)
    assert (view["retention_count"], view["retention_days"]) == (5, None)


def test_policy_view_reads_time_zone_inside_the_schedule_too():
    assert policy_view(item(time_zone="UTC-03:00"))["time_zone"] == "UTC-03:00"


def test_policy_view_accepts_a_bool_for_the_monthly_flag():
    assert policy_view(item(remain_first_backup_of_curMonth=True))["keep_first_backup_of_month"] is True


def test_view_orders_times_by_local_time_whatever_the_wire_order():
    a = policy_view(item(start_time="00:00,02:00,22:00", _extra={"time_zone": "UTC+02:00"}))
    b = policy_view(item(start_time="22:00, 0:00, 02:00", _extra={"time_zone": "UTC+02:00"}))
    assert a == b
    assert a["start_times"] == ["22:00", "00:00", "02:00"]


def test_desired_view_defaults_for_a_new_policy():
    view = desired_view(None, params(start_times=["01:00"], frequency=1, retention_count=7))
    assert view == {"id": None, "name": "nightly", "start_times": ["01:00"], "frequency": 1, "week_days": None,
                    "retention_count": 7, "retention_days": None, "keep_first_backup_of_month": False,
                    "enabled": True, "time_zone": None, "tags": {}, "volume_count": 0}


def test_desired_view_switches_schedule_kinds():
    current = policy_view(item())
    weekly = desired_view(current, params(week_days=["FRI", "MON"], retention_days=10))
    assert (weekly["frequency"], weekly["week_days"]) == (None, ["MON", "FRI"])
    assert (weekly["retention_count"], weekly["retention_days"]) == (None, 10)
    back = desired_view(weekly, params(frequency=3, retention_count=4))
    assert (back["frequency"], back["week_days"], back["retention_count"], back["retention_days"]) == (
        3, None, 4, None)


# -- comparison and bodies -----------------------------------------------------------------------
def test_same_settings_in_other_words_are_unchanged():
    current = policy_view(item(start_time="22:00,00:00", frequency=None, week_frequency=["SUN", "MON"],
                               _extra={"time_zone": "UTC+02:00"}))
    desired = desired_view(current, params(start_times=["22:00", "0:00"], week_days=["MON", "SUN", "MON"],
                                           time_zone="UTC+02:00", retention_count=7, enabled=True,
                                           keep_first_backup_of_month=False))
    assert changed_keys(current, desired) == []
    assert update_body(current, desired) == {}


def test_update_sends_only_what_changed():
    current = policy_view(item())
    assert update_body(current, desired_view(current, params(enabled=False))) == {
        "scheduled_policy": {"status": "OFF"}}
    assert update_body(current, desired_view(current, params(name="renamed", retention_days=30))) == {
        "backup_policy_name": "renamed", "scheduled_policy": {"rentention_day": 30}}
    assert update_body(current, desired_view(current, params(week_days=["TUE"]))) == {
        "scheduled_policy": {"week_frequency": ["TUE"]}}
    assert update_body(current, desired_view(current, params(start_times=["03:00", "05:00"],
                                                             keep_first_backup_of_month=True))) == {
        "scheduled_policy": {"start_time": "03:00,05:00", "remain_first_backup_of_curMonth": "Y"}}


def test_new_time_zone_resends_several_times_in_the_new_order():
    current = policy_view(item(start_time="00:00,22:00", frequency=None, week_frequency=["MON"]))
    body = update_body(current, desired_view(current, params(time_zone="UTC+02:00")))
    assert body == {"scheduled_policy": {"start_time": "22:00,00:00"}, "time_zone": "UTC+02:00"}


def test_create_body_uses_the_wire_spelling():
    view = desired_view(None, params(start_times=["22:00", "00:00"], week_days=["SUN", "WED"],
                                     retention_count=10, keep_first_backup_of_month=True,
                                     time_zone="UTC+02:00", tags={"team": "dr"}))
    assert create_body(view) == {
        "backup_policy_name": "nightly",
        "scheduled_policy": {"start_time": "22:00,00:00", "week_frequency": ["WED", "SUN"], "rentention_num": 10,
                             "remain_first_backup_of_curMonth": "Y", "status": "ON"},
        "time_zone": "UTC+02:00",
        "tags": [{"key": "team", "value": "dr"}],
    }
    plain = create_body(desired_view(None, params(start_times=["01:00"], frequency=1, retention_days=30,
                                                  enabled=False)))
    assert plain == {"backup_policy_name": "nightly",
                     "scheduled_policy": {"start_time": "01:00", "frequency": 1, "rentention_day": 30,
                                          "remain_first_backup_of_curMonth": "N", "status": "OFF"}}


def test_tag_changes():
    assert tag_changes({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": ""}) == ({"b": "3", "c": ""}, {})
    assert tag_changes({"a": "1", "b": "2"}, {}) == ({}, {"a": "1", "b": "2"})
    assert tag_changes({"a": "1"}, {"a": "1"}) == ({}, {})


# -- associate / disassociate answers ----------------------------------------------------------
def test_resource_failures_drop_the_no_op_codes():
    answer = {"success_resources": [{"resource_id": "v1"}],
              "fail_resources": [{"resource_id": "v2", "code": "AutoBackup.0206", "message": "bad status"},
                                 {"resource_id": "v3", "code": "AutoBackup.1400"}, "junk"]}
    assert resource_failures(answer, _vbs.NOT_ASSOCIATED_CODES) == [answer["fail_resources"][0]]
    assert resource_failures(answer) == answer["fail_resources"][:2]
    assert resource_failures(None) == []


def test_failure_message_names_each_volume_and_code():
    message = failure_message("associate", "'nightly'",
                              [{"resource_id": "v2", "code": "AutoBackup.0206", "message": "bad status"},
                               {"resource_id": "v3"}], ["v1"])
    assert message == ("Could not associate 2 volume(s) with backup policy 'nightly': "
                       "v2 (AutoBackup.0206: bad status), v3 (no code). These succeeded: v1.")
