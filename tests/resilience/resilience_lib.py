# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the resilience tests: the emulator's admin API, playbook runs (ansible-playbook and
ansible-runner) and what the request log says was carried out."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

from sdrs_emulator.testclient import EmulatorClient  # noqa: E402  pylint: disable=wrong-import-position

BIN = Path(sys.executable).parent
SMALL_VARS = HERE / "vars" / "small.yml"
JOB_DURATION = 0.1
# Environment variables that would change how the modules authenticate or verify certificates.
_FOREIGN_ENV = re.compile(r"^(OS_|CLOUD_DR_SDRS_|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$|SSL_CERT_)")


class Emulator:
    """A running emulator: its connection file and its admin API (state, request log, faults),
    spoken through the emulator's own test client."""

    def __init__(self, info: dict):
        self.info = info
        self.connection_file = info["emulator_connection_file"]
        self.project_id = info["emulator_project"]["id"]
        self.client = EmulatorClient(info)

    def admin(self, method: str, path: str, body=None):
        answer = self.client.admin(method, path, json=body)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def reset(self) -> None:
        self.admin("POST", "/reset")
        self.job_durations(default=JOB_DURATION)

    def job_durations(self, **durations) -> None:
        self.admin("PUT", "/config", {"job_durations": durations})

    def state(self) -> dict:
        return self.admin("GET", "/state")

    def mark(self) -> int:
        return self.admin("GET", f"/requests?since={2 ** 62}")["last_seq"]

    def requests(self, since: int = 0) -> list:
        return self.admin("GET", f"/requests?since={since}")["requests"]

    def faults(self, *rules: dict) -> list:
        """Add fault rules; returns them with their ids."""
        answer = self.admin("POST", "/faults", list(rules))
        return answer["faults"]

    def fault_hits(self) -> dict:
        return {rule["id"]: rule["hits"] for rule in self.admin("GET", "/faults")["faults"]}

    def mine(self, collection: str) -> list:
        """The objects of a state collection that belong to the main project."""
        return [item for item in self.state()[collection].values() if item.get("_project") == self.project_id]

    def tokens(self) -> list:
        """Every IAM token the emulator issued so far (the secrets a module must never print)."""
        tokens = self.state().get("tokens") or {}
        return list(tokens) if isinstance(tokens, dict) else [t.get("id") for t in tokens]


def secrets_of(state: dict) -> set:
    """Every secret an emulator knows: user passwords, secret keys, security tokens, issued tokens."""
    found = {user["password"] for user in state["users"].values()}
    for cred in state["credentials"].values():
        found.update(value for value in (cred.get("secret"), cred.get("security_token")) if value)
    found.update(state.get("tokens") or {})
    return found


def acted(requests: list, method: str, path: str, dropped_after: frozenset = frozenset()) -> list:
    """The requests matching ``method`` and the ``path`` regex that the service carried out: answered
    with 2xx, or dropped after processing by one of the ``drop_after`` rules ``dropped_after``."""
    return [r for r in requests if r["method"] == method and re.search(path, r["path"])
            and (r["status"] is not None and 200 <= r["status"] < 300
                 or r["status"] is None and r["fault"] in dropped_after)]


class Result:
    """What one playbook run did: exit code, output, PLAY RECAP counts (and runner artifacts)."""

    def __init__(self, rc: int, stdout: str, artifacts: Path | None = None):
        self.rc = rc
        self.stdout = stdout
        self.artifacts = artifacts
        recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", stdout)
        counts = [int(x) for x in recap.groups()] if recap else [0, 0, 0, 0]
        self.ok, self.changed, self.failed = counts[0], counts[1], counts[3]

    def events(self) -> list:
        """The ansible-runner job events (empty for an ansible-playbook run)."""
        if self.artifacts is None:
            return []
        return [json.loads(p.read_text()) for p in sorted((self.artifacts / "job_events").glob("*.json"))]

    def task_results(self) -> dict:
        """Task name -> its result (the last one for loops), from the runner events."""
        out = {}
        for event in self.events():
            data = event.get("event_data") or {}
            if event.get("event") in ("runner_on_ok", "runner_on_failed") and data.get("task"):
                out[data["task"]] = data.get("res") or {}
        return out

    def __repr__(self) -> str:
        return f"Result(rc={self.rc}, changed={self.changed}, failed={self.failed})\n{self.stdout[-8000:]}"


def ansible_env(build_dir: Path, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not _FOREIGN_ENV.match(k)}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(build_dir),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_LOCALHOST_WARNING="False",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
        ANSIBLE_DEPRECATION_WARNINGS="False",
        ANSIBLE_RETRY_FILES_ENABLED="False",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.update(extra or {})
    return env


def playbook_command(playbook: Path, emulator: Emulator, *args: str, vars_files=(SMALL_VARS,),
                     extra: dict | None = None) -> list:
    command = ["-e", f"@{emulator.connection_file}"]
    for path in vars_files:
        command += ["-e", f"@{path}"]
    if extra:
        command += ["-e", json.dumps(extra)]
    return [str(playbook)] + command + list(args)


def run_playbook(build_dir: Path, emulator: Emulator, playbook: Path, *args: str, vars_files=(SMALL_VARS,),
                 extra: dict | None = None, env: dict | None = None, timeout: int = 600) -> Result:
    """ansible-playbook PLAYBOOK -e @connection -e @vars... -e JSON(extra) ARGS."""
    command = [str(BIN / "ansible-playbook")]
    command += playbook_command(playbook, emulator, *args, vars_files=vars_files, extra=extra)
    completed = subprocess.run(command, cwd=ROOT, env=ansible_env(build_dir, env), text=True, check=False,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return Result(completed.returncode, completed.stdout)


def run_with_runner(build_dir: Path, emulator: Emulator, playbook: Path, data_dir: Path, ident: str, *args: str,
                    vars_files=(SMALL_VARS,), extra: dict | None = None, timeout: int = 600) -> Result:
    """The same through ansible-runner (artifacts in DATA_DIR/artifacts/IDENT): how AWX runs it."""
    import ansible_runner  # pylint: disable=import-outside-toplevel
    data_dir.mkdir(parents=True, exist_ok=True)
    command = playbook_command(playbook, emulator, *args, vars_files=vars_files, extra=extra)
    runner = ansible_runner.run(private_data_dir=str(data_dir), ident=ident, playbook=command[0],
                                cmdline=" ".join(shlex.quote(part) for part in command[1:]),
                                envvars=ansible_env(build_dir), quiet=True, timeout=timeout,
                                project_dir=str(ROOT), suppress_env_files=True)
    artifacts = Path(runner.config.artifact_dir)
    stdout = (artifacts / "stdout").read_text() if (artifacts / "stdout").exists() else ""
    return Result(runner.rc, stdout, artifacts)


def in_parallel(*calls):
    """Run the callables at the same time (threads; each starts its own process); their results."""
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            results[index] = call()
        except BaseException as exc:  # pylint: disable=broad-except
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


class ModuleRun:
    """One ad-hoc module run: exit code, the module's result and the whole output (warnings)."""

    def __init__(self, rc: int, output: str):
        self.rc = rc
        self.output = output
        match = re.search(r"^localhost \| (\S+)!? => (\{.*)", output, re.S | re.M)
        self.outcome = match.group(1) if match else None
        self.result = json.loads(match.group(2)) if match else {}

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    def __repr__(self) -> str:
        return f"ModuleRun(rc={self.rc})\n{self.output[-6000:]}"


def module_command(module: str, params: dict, emulator: Emulator, auth: str | None = "sdrs_auth_token") -> list:
    args = dict(emulator.info[auth]) if auth else {}
    args.update(params)
    return [str(BIN / "ansible"), "localhost", "-m", f"cloud_dr.sdrs.{module}", "-a", json.dumps(args)]


def run_module(build_dir: Path, emulator: Emulator, module: str, params: dict, *, auth: str | None = "sdrs_auth_token",
               env: dict | None = None, timeout: int = 300) -> ModuleRun:
    """``ansible localhost -m cloud_dr.sdrs.MODULE -a JSON`` with the emulator's credentials ``auth``
    (a key of the connection file) under the module's own options."""
    completed = subprocess.run(module_command(module, params, emulator, auth), cwd=ROOT, text=True, check=False,
                               env=ansible_env(build_dir, env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout)
    return ModuleRun(completed.returncode, completed.stdout)
