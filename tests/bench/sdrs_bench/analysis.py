# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers of the benchmarks: statistics, task timelines, request-log splitting.

Nothing here starts a process or opens a socket, so tests/unit/bench covers it quickly.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Iterable

TOKEN_PATH = re.compile(r"^/v3/auth/tokens/?$")
JOB_PATH = re.compile(r"/jobs/([^/]+)$")


# -- statistics ------------------------------------------------------------------------------
def percentile(values: Iterable[float], p: float) -> float | None:
    """The ``p``-th percentile (0..100), linear between the closest ranks (numpy's default)."""
    data = sorted(values)
    if not data:
        return None
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    rank = (len(data) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 50)


def summary(values: Iterable[float], digits: int = 3) -> dict:
    """``n``, ``median``, ``min``, ``max`` (rounded); all ``None`` for no values."""
    data = list(values)
    if not data:
        return {"n": 0, "median": None, "min": None, "max": None}
    return {"n": len(data), "median": round(median(data), digits), "min": round(min(data), digits),
            "max": round(max(data), digits)}


def ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


# -- the bench_timer callback's timeline ------------------------------------------------------
@dataclass
class Task:
    """One task of a play as the bench_timer callback saw it."""

    name: str
    uuid: str
    start: float
    seq_start: int | None
    end: float | None = None
    seq_end: int | None = None
    results: list = field(default_factory=list)
    items: list = field(default_factory=list)

    @property
    def wall(self) -> float | None:
        return None if self.end is None else self.end - self.start

    def item_walls(self) -> list:
        """Seconds per loop item: from the task start (or the previous item) to the item's result."""
        walls, previous = [], self.start
        for item in self.items:
            walls.append(item["t"] - previous)
            previous = item["t"]
        return walls

    @property
    def result(self) -> dict:
        """The (first host's) task result, as summarised by the callback."""
        return self.results[0]["result"] if self.results else {}

    @property
    def status(self) -> str | None:
        return self.results[0]["status"] if self.results else None


def parse_timeline(lines: Iterable[str]) -> list:
    """Tasks in play order from the callback's JSON lines. A task ends at its last host result
    (or, without one, where the next task starts); its request-log window ends at the next
    task's mark (or the final one)."""
    tasks: list = []
    by_uuid: dict = {}
    final_seq = None
    final_t = None
    for line in lines:
        line = line.strip()
        if not line:
            continue
        record = json.loads(line)
        event = record.get("event")
        if event == "task_start":
            task = Task(name=record["name"], uuid=record["uuid"], start=record["t"], seq_start=record.get("seq"))
            tasks.append(task)
            by_uuid[task.uuid] = task  # a task name can repeat; the uuid of a block include can too: last wins
        elif event in ("result", "item"):
            task = by_uuid.get(record["uuid"])
            if task is None:
                continue
            (task.results if event == "result" else task.items).append(record)
        elif event == "end":
            final_seq, final_t = record.get("seq"), record.get("t")
    for index, task in enumerate(tasks):
        following = tasks[index + 1] if index + 1 < len(tasks) else None
        ends = [r["t"] for r in task.results] + [i["t"] for i in task.items]
        task.end = max(ends) if ends else (following.start if following else final_t)
        task.seq_end = following.seq_start if following else final_seq
    return tasks


def find_tasks(tasks: list, prefix: str) -> list:
    """Tasks whose name starts with ``prefix`` (the bench playbooks name measured tasks so)."""
    return [t for t in tasks if t.name.startswith(prefix)]


def find_task(tasks: list, name: str) -> Task:
    matches = [t for t in tasks if t.name == name]
    if len(matches) != 1:
        raise LookupError(f"expected one task named {name!r}, found {len(matches)}")
    return matches[0]


# -- the emulator's request log -----------------------------------------------------------------
def requests_between(requests: list, seq_start: int | None, seq_end: int | None) -> list:
    """Log entries with ``seq_start < seq <= seq_end`` (``None`` = open)."""
    return [r for r in requests
            if (seq_start is None or r["seq"] > seq_start) and (seq_end is None or r["seq"] <= seq_end)]


def requests_of(task: Task, requests: list) -> list:
    return requests_between(requests, task.seq_start, task.seq_end)


def requests_in_window(requests: list, start: float, end: float) -> list:
    """Log entries that began after ``start`` and were answered by ``end`` (wall clock): the
    requests of one loop item, or of a task when the log was not marked."""
    return [r for r in requests if start < r["time"] - (r.get("duration") or 0.0) and r["time"] <= end]


def is_auth(entry: dict) -> bool:
    return entry["method"] == "POST" and bool(TOKEN_PATH.match(entry["path"]))


def is_job_poll(entry: dict, job_id: str | None = None) -> bool:
    if entry["method"] != "GET":
        return False
    match = JOB_PATH.search(entry["path"])
    return bool(match) and (job_id is None or match.group(1) == job_id)


def classify(requests: list) -> dict:
    """Counts: ``total``, ``auth`` (IAM token requests), ``mutating``, ``job_polls`` (GET of a
    job) and ``reads`` (every other non-mutating request)."""
    auth = sum(1 for r in requests if is_auth(r))
    mutating = sum(1 for r in requests if r.get("mutating"))
    polls = sum(1 for r in requests if is_job_poll(r))
    return {"total": len(requests), "auth": auth, "reads": len(requests) - auth - mutating - polls,
            "job_polls": polls, "mutating": mutating}


def active_span(requests: list) -> float | None:
    """Seconds from the start of the first request to the end of the last one (the log's
    ``time`` is when a request was answered; ``duration`` how long the emulator took)."""
    if not requests:
        return None
    first = min(r["time"] - (r.get("duration") or 0.0) for r in requests)
    last = max(r["time"] for r in requests)
    return last - first


def latencies(requests: list) -> list:
    return [r.get("duration") or 0.0 for r in requests]
