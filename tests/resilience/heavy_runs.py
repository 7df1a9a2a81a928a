# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The long playbook runs of the resilience tests, each on an emulator of its own: the fault
scenarios (DR setup, switchover drill, DR setup again), the bad input corpus and the secrets
playbook. All go through ansible-runner with -vvv and --diff, so test_secret_leaks.py can search
everything they left behind. conftest.py starts the ones a session needs in the background at
once and the tests wait for their results."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from fault_scenarios import SCENARIOS
from resilience_lib import HERE, ROOT, Emulator, EmulatorClient, in_parallel, run_with_runner, secrets_of

CASES = yaml.safe_load((HERE / "bad_input.yml").read_text())["cases"]


class FaultRun:
    """One fault scenario: its emulator's state, request log and fault hits after the three runs."""

    def __init__(self, name: str, emulator: Emulator, rules: list, results: dict, reports: Path):
        self.name = name
        self.reports = reports
        self.emulator = emulator
        self.rules = rules
        self.results = results
        self.state = emulator.state()
        self.requests = emulator.requests()
        self.hits = emulator.fault_hits()
        self.secrets = secrets_of(self.state)


def fault_runs(build_dir: Path, start_emulator, tmp_path_factory) -> dict:
    """Every scenario of fault_scenarios.py, side by side: {name: FaultRun}."""
    def run(name: str, scenario: dict) -> FaultRun:
        emulator = start_emulator()
        emulator.job_durations(**scenario["job_durations"])
        rules = emulator.faults(*scenario["rules"])
        where = tmp_path_factory.mktemp(f"faults-{name}")
        results = {}
        for step, playbook in (("setup", "dr_setup.yml"), ("drill", "failover_drill.yml"),
                               ("setup_again", "dr_setup.yml")):
            results[step] = run_with_runner(build_dir, emulator, ROOT / "playbooks" / playbook, where / "runner",
                                            step, "-vvv", "--diff",
                                            extra={"failover_drill_report_dir": str(where / "reports")})
        return FaultRun(name, emulator, rules, results, where / "reports")
    runs = in_parallel(*[lambda n=n, s=s: run(n, s) for n, s in SCENARIOS.items()])
    return {run.name: run for run in runs}


# -- bad input ----------------------------------------------------------------------------------
def case_id(index: int) -> str:
    case = CASES[index]
    return f"{index:03d}-{case['module']}-{'-'.join(sorted(case['params']))}"


def cases_playbook(results_file: Path) -> list:
    """One task per case (ignore_errors, registered), then the results written as JSON."""
    tasks = []
    for index, case in enumerate(CASES):
        tasks.append({"name": f"case {case_id(index)}", f"cloud_dr.sdrs.{case['module']}": case["params"],
                      "register": f"case_{index}", "ignore_errors": True})
    results = "{" + ", ".join(f"'{i}': case_{i}" for i in range(len(CASES))) + "}"
    tasks.append({"name": "Write the results", "ansible.builtin.copy": {
        "content": "{{ " + results + " | to_json }}", "dest": str(results_file), "mode": "0600"}})
    return [{"name": "Bad input", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/cloud_dr.sdrs.sdrs": "{{ sdrs_auth_token }}"}, "tasks": tasks}]


class BadInputRun:
    """The corpus run: results by case index, the requests after the fixtures, the runner Result."""

    def __init__(self, results: dict, requests: list, run, secrets: set):
        self.results = results
        self.requests = requests
        self.run = run
        self.secrets = secrets


def bad_input_run(build_dir: Path, start_emulator, tmp_path_factory) -> BadInputRun:
    emulator = start_emulator()
    where = tmp_path_factory.mktemp("bad-input")
    setup = run_with_runner(build_dir, emulator, HERE / "playbooks" / "bad_input_setup.yml", where / "runner", "setup",
                            vars_files=())
    assert setup.rc == 0, setup
    playbook = where / "cases.yml"
    results_file = where / "results.json"
    playbook.write_text(yaml.safe_dump(cases_playbook(results_file), sort_keys=False))
    mark = emulator.mark()
    result = run_with_runner(build_dir, emulator, playbook, where / "runner", "cases", "-vvv", "--diff", vars_files=())
    assert result.rc == 0, result
    return BadInputRun(json.loads(results_file.read_text()), emulator.requests(mark), result,
                       secrets_of(emulator.state()))


# -- secrets ------------------------------------------------------------------------------------
def secrets_run(build_dir: Path, start_emulator, tmp_path_factory):
    """playbooks/secrets.yml: (runner Result, the secrets of its emulator)."""
    emulator = start_emulator()
    where = tmp_path_factory.mktemp("secrets")
    token_file = where / "token.json"
    # A token issued by the emulator's IAM, as another tool would get one for the `token` option.
    token_file.write_text(json.dumps({"issued_token": EmulatorClient(emulator.info).token()}))
    result = run_with_runner(build_dir, emulator, HERE / "playbooks" / "secrets.yml", where / "runner", "secrets",
                             "-vvv", "--diff", vars_files=(token_file,))
    return result, secrets_of(emulator.state())


HEAVY = {"fault_runs": fault_runs, "bad_input_run": bad_input_run, "secrets_run": secrets_run}
