# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke tests of the benchmark driver's parsing and aggregation (no emulator, no playbook)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bench")
sys.path.insert(0, BENCH)

# pylint: disable=wrong-import-position
from sdrs_bench import analysis, report  # noqa: E402
from sdrs_bench.figures import first_poll, poll_times  # noqa: E402

PID = "0" * 32
JOB = "a" * 32


def entry(seq, method, path, t, duration=0.01, mutating=None):
    if mutating is None:
        mutating = method in ("POST", "PUT", "DELETE") and path != "/v3/auth/tokens"
    return {"seq": seq, "method": method, "path": path, "time": t, "duration": duration, "mutating": mutating,
            "query": "", "status": 200}


def timeline(*records):
    return [json.dumps(r) for r in records]


# -- statistics -----------------------------------------------------------------------------------
def test_percentiles_interpolate_like_numpy():
    assert analysis.median([3, 1, 2]) == 2
    assert analysis.median([1, 2, 3, 4]) == 2.5
    assert analysis.percentile([1, 2, 3, 4, 5], 99) == pytest.approx(4.96)
    assert analysis.percentile([], 50) is None
    with pytest.raises(ValueError):
        analysis.percentile([1], 101)


def test_summary_and_ratio():
    assert analysis.summary([1.0, 2.0, 4.0]) == {"n": 3, "median": 2.0, "min": 1.0, "max": 4.0}
    assert analysis.summary([])["median"] is None
    assert analysis.ratio(3, 2) == 1.5
    assert analysis.ratio(None, 2) is None
    assert analysis.ratio(1, 0) is None


# -- the callback's timeline ----------------------------------------------------------------------
def test_timeline_gives_task_windows_walls_and_items():
    lines = timeline(
        {"event": "task_start", "name": "Budget | protection_group | create", "uuid": "u1", "t": 100.0, "seq": 10},
        {"event": "result", "uuid": "u1", "host": "localhost", "status": "ok", "t": 103.5,
         "result": {"changed": True, "jobs": [{"job_id": JOB, "status": "SUCCESS", "duration": 2.6}]}},
        {"event": "task_start", "name": "Wait | switch", "uuid": "u2", "t": 103.6, "seq": 17},
        {"event": "item", "uuid": "u2", "host": "localhost", "status": "ok", "t": 105.6, "result": {}},
        {"event": "item", "uuid": "u2", "host": "localhost", "status": "ok", "t": 108.6, "result": {}},
        {"event": "result", "uuid": "u2", "host": "localhost", "status": "ok", "t": 108.7, "result": {}},
        {"event": "task_start", "name": "no result", "uuid": "u3", "t": 109.0, "seq": 30},
        {"event": "end", "t": 110.0, "seq": 31},
    ) + [""]
    first, second, third = analysis.parse_timeline(lines)
    assert (first.seq_start, first.seq_end, first.wall, first.status) == (10, 17, 3.5, "ok")
    assert first.result["jobs"][0]["duration"] == 2.6
    assert second.seq_end == 30
    assert second.item_walls() == pytest.approx([2.0, 3.0])
    assert second.wall == pytest.approx(5.1)
    assert (third.end, third.seq_end, third.result, third.status) == (110.0, 31, {}, None)
    assert analysis.find_tasks([first, second, third], "Budget | ") == [first]
    assert analysis.find_task([first, second, third], "Wait | switch") is second
    with pytest.raises(LookupError):
        analysis.find_task([first, second, third], "missing")


def test_requests_are_split_by_marks_and_classified():
    log = [
        entry(11, "POST", "/v3/auth/tokens", 100.1),
        entry(12, "GET", f"/v1/{PID}/server-groups", 100.2),
        entry(13, "POST", f"/v1/{PID}/server-groups", 100.3),
        entry(14, "GET", f"/v1/{PID}/jobs/{JOB}", 101.3),
        entry(15, "GET", f"/v1/{PID}/jobs/{JOB}", 102.8),
        entry(16, "POST", f"/v1/{PID}/server-groups/x/tags/resource_instances/action", 102.9, mutating=False),
        entry(17, "GET", f"/v1/{PID}/server-groups/x", 103.0),
        entry(18, "GET", f"/v1/{PID}/server-groups", 104.0),
    ]
    task = analysis.Task(name="t", uuid="u", start=100.0, seq_start=10, end=103.5, seq_end=17)
    mine = analysis.requests_of(task, log)
    assert [r["seq"] for r in mine] == [11, 12, 13, 14, 15, 16, 17]
    assert analysis.classify(mine) == {"total": 7, "auth": 1, "reads": 3, "job_polls": 2, "mutating": 1}
    assert sum(analysis.is_job_poll(r, JOB) for r in mine) == 2
    assert sum(analysis.is_job_poll(r, "b" * 32) for r in mine) == 0
    assert analysis.requests_between(log, None, 11) == log[:1]
    assert analysis.active_span(mine) == pytest.approx(103.0 - (100.1 - 0.01))
    assert analysis.active_span([]) is None


# -- poll schedules -----------------------------------------------------------------------------------
def test_poll_schedule_of_the_collection_defaults():
    def policy():
        interval = 1.0
        while True:
            yield interval
            interval = min(5.0, interval * 1.5)
    times = poll_times(policy(), 70)
    assert times[:5] == pytest.approx([1, 2.5, 4.75, 8.125, 13.125])
    assert first_poll(times, 2) == pytest.approx((0.5, 2))
    assert first_poll(times, 10) == pytest.approx((3.125, 5))
    assert first_poll(times, 60) == pytest.approx((3.125, 15))
    assert first_poll(times, 1000) == (None, None)


# -- the report ---------------------------------------------------------------------------------------
def sample_doc(value=2, ratio_value=0.76):
    fig1 = report.figure("request_budget", "1. Request budget", "setup text",
                         [report.metric("pg_rerun_token", "re-run, token", value, "requests", "1 read + 1 token",
                                        value == 2),
                          report.metric("pg_create_token", "create, token", 7, "requests")],
                         ["Module", "Requests"], [["protection_group", value], ["a|b", None]], ["a note"])
    fig4 = report.figure("handwritten", "4. Against uri", "setup",
                         [report.metric("wall", "ours / uri, wall", ratio_value, "×", "≤ 0.5×",
                                        report.at_most(ratio_value, 0.5))], ["x"], [[1.23456]])
    meta = {"version": "0.1.0", "commit": "abc1234", "dirty": False, "date": "2026-01-01T00:00Z",
            "machine": "2 cores", "duration_seconds": 300.0}
    return report.document(meta, [fig1, fig4], ["noisy machine"])


def test_markdown_has_the_summary_verdicts_and_tables():
    doc = sample_doc()
    text = report.render_markdown(doc)
    assert report.goals(doc) == (1, 1, 1)
    assert "Goals: 1 met, 1 missed (1 figures without a goal)." in text
    assert "| 1. Request budget | re-run, token | 2 requests | 1 read + 1 token | met |" in text
    assert "| 4. Against uri | ours / uri, wall | 0.76× | ≤ 0.5× | **missed** |" in text
    assert "| 1. Request budget | create, token | 7 requests | – | – |" in text
    assert "| a\\|b | – |" in text  # pipes in cells are escaped, None shows as a dash
    assert "| 1.235 |" in text
    assert "- a note" in text and "> noisy machine" in text
    assert "took 300 s" in text or "took 300.0 s" in text
    assert json.loads(report.dumps(doc)) == doc


def test_figure_rejects_ragged_rows():
    with pytest.raises(ValueError):
        report.figure("x", "x", "", [], ["a", "b"], [[1]])


def test_compare_shows_old_new_and_change():
    old, new = sample_doc(value=4), sample_doc(value=2, ratio_value=0.4)
    text = report.compare(old, new)
    assert "| 1. Request budget | re-run, token | 4 requests | 2 requests | -50 % | **missed** | met |" in text
    assert "| 4. Against uri | ours / uri, wall | 0.76× | 0.4× | -47 % | **missed** | met |" in text


def test_fmt():
    assert report.fmt(None) == "–"
    assert report.fmt(True) == "yes"
    assert report.fmt(0.5, "s") == "0.5 s"
    assert report.fmt(61.25, "s") == "61.2 s"
    assert report.fmt(3, "×") == "3×"


# -- the callback's result summary ---------------------------------------------------------------------
def test_callback_keeps_the_keys_the_figures_read():
    spec = importlib.util.spec_from_file_location("bench_timer", os.path.join(BENCH, "callback_plugins",
                                                                              "bench_timer.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = {"changed": True, "job_id": JOB, "protection_group": {"id": "x"}, "attempts": 2,
              "jobs": [{"job_id": JOB, "status": "SUCCESS", "duration": 2.5, "entities": {}}],
              "json": {"job_id": JOB, "status": "RUNNING", "entities": {}}}
    assert module.summarise(result) == {
        "changed": True, "job_id": JOB, "attempts": 2,
        "jobs": [{"job_id": JOB, "job_type": None, "status": "SUCCESS", "duration": 2.5}],
        "json": {"job_id": JOB, "status": "RUNNING"}}


def test_fmt_singular():
    assert report.fmt(1, "requests") == "1 request"
    assert report.fmt(2, "requests") == "2 requests"
