# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run that timed out or was killed while it waited is completed by the next run, which waits
for the job still running instead of sending its request a second time."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from resilience_lib import BIN, ROOT, acted, ansible_env, playbook_command, run_module, run_playbook

GROUP_ACTION = "/server-groups/[^/]+/action$"


def test_a_timed_out_create_is_resumed_not_repeated(build_dir, emulator):
    emulator.job_durations(default=0.1, createProtectionGroupNoCG=4)
    params = {"name": "slow-pg", "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02",
              "source_vpc_id": emulator.info["emulator_seed"]["vpcs"]["vpc-prod"]}
    timed_out = run_module(build_dir, emulator, "protection_group", dict(params, timeout=1))
    assert timed_out.rc != 0, timed_out
    assert "Timed out waiting for create protection group 'slow-pg'" in timed_out.result["msg"]
    assert "Re-run the task to resume waiting" in timed_out.result["msg"]
    assert timed_out.result["changed"] is True and timed_out.result["jobs"][0]["status"] in ("INIT", "RUNNING")
    resumed = run_module(build_dir, emulator, "protection_group", params)
    assert resumed.rc == 0, resumed
    assert resumed.result["protection_group"]["status"] == "available"
    assert len(acted(emulator.requests(), "POST", "/server-groups$")) == 1


def test_a_timed_out_switchover_is_resumed_not_repeated(build_dir, emulator):
    group = {"name": "web-tier", "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02",
             "source_vpc_id": emulator.info["emulator_seed"]["vpcs"]["vpc-prod"]}
    for module, params in (("protection_group", group), ("protected_instance", {
            "protection_group": "web-tier", "name": "web-01", "server": "web-01"}),
            ("protection_group", {"name": "web-tier", "protection": "enabled"})):
        done = run_module(build_dir, emulator, module, params)
        assert done.rc == 0, done
    emulator.job_durations(default=0.1, reverseProtectionGroupNoCG=8)
    mark = emulator.mark()
    params = {"protection_group": "web-tier", "production_site": "target", "stop_servers": True}
    timed_out = run_module(build_dir, emulator, "failover", dict(params, timeout=3))
    assert timed_out.rc != 0 and "Timed out waiting for planned failover" in timed_out.result["msg"], timed_out
    assert timed_out.result["protection_group"]["status"] == "reversing"
    resumed = run_module(build_dir, emulator, "failover", params)
    assert resumed.rc == 0, resumed
    assert resumed.result["waited_for"] == "reversing"
    assert resumed.result["protection_group"]["priority_station"] == "target"
    assert resumed.result["changed"] is False
    assert len(acted(emulator.requests(mark), "POST", GROUP_ACTION)) == 1


def start_playbook(build_dir, emulator, playbook) -> subprocess.Popen:
    command = [str(BIN / "ansible-playbook")] + playbook_command(playbook, emulator)
    return subprocess.Popen(command, cwd=ROOT, env=ansible_env(build_dir), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def kill_when(process: subprocess.Popen, emulator, method: str, path: str, deadline: float = 120) -> None:
    """Kill the run (its whole process group) once the request was carried out, while it waits."""
    end = time.monotonic() + deadline
    while not acted(emulator.requests(), method, path):
        assert process.poll() is None, "the run ended before it sent the request"
        assert time.monotonic() < end, f"no {method} {path} within {deadline} s"
        time.sleep(0.2)
    time.sleep(1.0)  # the module is polling the job now
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_runs_killed_while_they_wait_are_completed_by_the_next_run(build_dir, emulator):
    emulator.job_durations(default=0.1, createProtectionGroupNoCG=5, startProtectionGroupNoCG=5)
    playbook = ROOT / "playbooks" / "dr_setup.yml"
    kill_when(start_playbook(build_dir, emulator, playbook), emulator, "POST", "/server-groups$")
    assert [g["status"] for g in emulator.mine("server_groups")] == ["creating"]
    kill_when(start_playbook(build_dir, emulator, playbook), emulator, "POST", GROUP_ACTION)
    assert [g["status"] for g in emulator.mine("server_groups")] == ["starting"]
    finished = run_playbook(build_dir, emulator, playbook)
    assert finished.rc == 0, finished
    requests = emulator.requests()
    assert len(acted(requests, "POST", "/server-groups$")) == 1
    assert len(acted(requests, "POST", GROUP_ACTION)) == 1
    assert len(acted(requests, "POST", "/protected-instances$")) == 2
    assert [(g["name"], g["status"]) for g in emulator.mine("server_groups")] == [("web-tier", "protected")]
    again = run_playbook(build_dir, emulator, playbook)
    assert (again.rc, again.changed) == (0, 0), again
