# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark callback: when each task starts and ends, and the emulator's request-log position.

Used only by tests/bench (enabled with ANSIBLE_CALLBACKS_ENABLED=bench_timer and
ANSIBLE_CALLBACK_PLUGINS=tests/bench/callback_plugins). Writes one JSON object per line to
``$BENCH_TIMER_OUT``:

- ``task_start``: task name, uuid, wall clock ``t``, and ``seq`` (the emulator's last request-log
  sequence number, read from ``$BENCH_ADMIN_URL/requests``) when ``$BENCH_ADMIN_URL`` is set.
  Requests logged after one task's ``seq`` and up to the next one's belong to that task
  (the linear strategy starts a task only when every host has finished the previous one).
- ``item``: one loop item finished (``t`` and a few result keys).
- ``result``: a host finished the task (``t``, status and a few result keys).
- ``end``: the play is over (``t`` and the final ``seq``).

The admin calls are not logged by the emulator, and each is made before ``t`` is taken, so they
do not count in any task's time.
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.request

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Task timings and emulator request-log marks for the cloud_dr.sdrs benchmarks
description:
  - Internal to the benchmarks of the cloud_dr.sdrs collection (tests/bench).
options: {}
"""

#: result keys worth keeping for the benchmark reports (the rest is noise)
KEEP = ("changed", "failed", "skipped", "msg", "job_id", "elapsed_seconds", "attempts", "status", "actions")


def _jobs(result: dict) -> list:
    out = []
    for job in result.get("jobs") or []:
        if isinstance(job, dict):
            out.append({k: job.get(k) for k in ("job_id", "job_type", "status", "duration")})
    return out


def summarise(result: dict) -> dict:
    """The part of a task result the benchmarks read."""
    out = {k: result.get(k) for k in KEEP if k in result}
    jobs = _jobs(result)
    if jobs:
        out["jobs"] = jobs
    if isinstance(result.get("json"), dict):  # ansible.builtin.uri: the job id and status it saw
        body = result["json"]
        out["json"] = {k: body.get(k) for k in ("job_id", "status") if k in body}
    return out


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._out_path = os.environ.get("BENCH_TIMER_OUT")
        self._admin = os.environ.get("BENCH_ADMIN_URL")
        ca_path = os.environ.get("BENCH_CA_PATH")
        self._context = ssl.create_default_context(cafile=ca_path) if ca_path else None
        self._task = None

    def _write(self, record: dict) -> None:
        if not self._out_path:
            return
        with open(self._out_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=str) + "\n")

    def _seq(self):
        if not self._admin:
            return None
        # since=2**62: an empty list, just the position.
        url = f"{self._admin}/requests?since={2 ** 62}"
        with urllib.request.urlopen(url, context=self._context, timeout=10) as response:  # nosec - 127.0.0.1
            return json.load(response)["last_seq"]

    def v2_playbook_on_task_start(self, task, is_conditional):
        seq = self._seq()
        self._task = task._uuid
        self._write({"event": "task_start", "name": task.get_name(), "uuid": task._uuid, "t": time.time(),
                     "seq": seq})

    def _result(self, result, status: str) -> None:
        self._write({"event": "result", "uuid": result.task._uuid, "host": result.host.get_name(),
                     "status": status, "t": time.time(), "result": summarise(result.result)})

    def v2_runner_on_ok(self, result):
        self._result(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._result(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._result(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        self._write({"event": "item", "uuid": result.task._uuid, "host": result.host.get_name(), "status": "ok",
                     "t": time.time(), "result": summarise(result.result)})

    def v2_runner_item_on_failed(self, result):
        self._write({"event": "item", "uuid": result.task._uuid, "host": result.host.get_name(),
                     "status": "failed", "t": time.time(), "result": summarise(result.result)})

    def v2_playbook_on_stats(self, stats):
        seq = self._seq()
        self._write({"event": "end", "t": time.time(), "seq": seq})
