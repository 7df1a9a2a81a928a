# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the suites that run the repository's playbooks against the emulator share (tests/system,
tests/resilience): a private copy of the collection, the emulator's admin API, and playbook runs
with ansible-playbook or ansible-runner together with what they did.

One module so that a fix (a new admin call, a new environment variable that must not leak into a
run) reaches every suite. What differs between the suites (default vars files, timeouts, whether
the run keeps the caller's environment) is a parameter without a default: each suite's helper
module (system_helpers.py, resilience_lib.py) binds its own. Imported by this unique name, never
through a conftest.py: several conftest.py files end up in one pytest run (`make test`), and
`import conftest` is ambiguous there.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import ssl
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests" / "emulator") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "emulator"))

# pylint: disable=wrong-import-position
from sdrs_emulator.testclient import EmulatorClient  # noqa: E402
from sdrs_emulator.testing import running_emulator  # noqa: E402,F401 pylint: disable=unused-import
# (running_emulator is re-exported for the suites' conftest.py files)

BIN = Path(sys.executable).parent
# Every job of the tests' emulators takes this long (seconds) unless a test asks for longer ones.
JOB_DURATION = 0.1
# Environment variables that would change how the modules authenticate or verify certificates.
FOREIGN_ENV = re.compile(r"^(OS_|CLOUD_DR_SDRS_|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$|SSL_CERT_)")


def build_collection(build: Path) -> Path:
    """Copy the collection to BUILD/ansible_collections/cloud_dr/sdrs (tests/ci/collection_tree.py), for
    ANSIBLE_COLLECTIONS_PATH: the runs use the collection as it is installed, and each session its own copy,
    so that sessions side by side do not share a tree. Returns BUILD."""
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "ci" / "collection_tree.py")], check=False,
                          env=dict(os.environ, SDRS_BUILD_DIR=str(build)), capture_output=True, text=True)
    if done.returncode != 0 or not (build / "ansible_collections" / "cloud_dr" / "sdrs" / "roles" / "dr_setup").is_dir():
        raise RuntimeError(f"collection_tree.py did not build the collection in {build} (exit code {done.returncode}):\n"
                           f"{done.stdout}{done.stderr}")
    return build


class Emulator:
    """A running emulator: its connection file and its admin API (state, request log, faults, config),
    spoken through the emulator's own test client."""

    def __init__(self, info: dict):
        self.info = info
        self.connection_file = info["emulator_connection_file"]
        self.project_id = info["emulator_project"]["id"]
        self.client = EmulatorClient(info)

    @functools.cached_property
    def context(self) -> ssl.SSLContext:
        """An SSL context that trusts the emulator's CA, for a test that calls its APIs with urllib."""
        return ssl.create_default_context(cafile=self.info["emulator_ca_path"])

    def admin(self, method: str, path: str, body=None):
        answer = self.client.admin(method, path, json=body)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def reset(self) -> None:
        """Back to the seed: no groups, empty request log, no faults, jobs of JOB_DURATION seconds."""
        self.admin("POST", "/reset")
        self.job_durations(default=JOB_DURATION)

    def job_durations(self, **durations) -> None:
        """Seconds a job runs, by job type (``default`` for the others)."""
        self.admin("PUT", "/config", {"job_durations": durations})

    def state(self) -> dict:
        return self.admin("GET", "/state")

    def mark(self) -> int:
        """The sequence number of the last request so far: ``requests(mark)`` are the ones after it."""
        return self.admin("GET", f"/requests?since={2 ** 62}")["last_seq"]

    def requests(self, since: int = 0) -> list:
        return self.admin("GET", f"/requests?since={since}")["requests"]

    def mutations(self, since: int = 0) -> list:
        """``METHOD PATH`` of every request after ``since`` that changes something."""
        return [f"{r['method']} {r['path']}" for r in self.requests(since) if r["mutating"]]

    def faults(self, *rules: dict) -> list:
        """Add fault rules; returns them with their ids."""
        return self.admin("POST", "/faults", list(rules))["faults"]

    def fault(self, **rule) -> dict:
        """Add one fault rule; returns it with its id."""
        return self.faults(rule)[0]

    def fault_hits(self) -> dict:
        return {rule["id"]: rule["hits"] for rule in self.admin("GET", "/faults")["faults"]}

    def mine(self, collection: str) -> list:
        """The objects of a state collection that belong to the main project."""
        return [item for item in self.state()[collection].values() if item.get("_project") == self.project_id]

    def groups(self) -> dict:
        """Protection groups of the main project by name."""
        return {group["name"]: group for group in self.mine("server_groups")}

    def instances(self, group_name: str) -> dict:
        """Protected instances of the main project's group GROUP_NAME by name."""
        group = self.groups()[group_name]
        return {i["name"]: i for i in self.state()["protected_instances"].values() if i["server_group_id"] == group["id"]}

    def tokens(self) -> list:
        """Every IAM token the emulator issued so far (the secrets a module must never print)."""
        tokens = self.state().get("tokens") or {}
        return list(tokens) if isinstance(tokens, dict) else [t.get("id") for t in tokens]


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


def ansible_env(build_dir: Path, extra: dict | None = None, *, strip_foreign: bool) -> dict:
    """The environment of an ansible run: this process's, with the collection copy in BUILD_DIR, plain
    output, this virtualenv's commands first, and EXTRA on top. STRIP_FOREIGN leaves out the variables
    that would change how the modules authenticate or verify certificates (FOREIGN_ENV), so that only
    what the test gives counts; without it the run sees the caller's environment, as a user's run does."""
    env = {k: v for k, v in os.environ.items() if not (strip_foreign and FOREIGN_ENV.match(k))}
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


def playbook_command(playbook: str | Path, emulator: Emulator, *args: str, vars_files, extra: dict | None = None) -> list:
    """PLAYBOOK (relative to the repository, or absolute) -e @connection -e @vars... -e JSON(extra) ARGS."""
    command = [str(ROOT / playbook), "-e", f"@{emulator.connection_file}"]
    for path in vars_files:
        command += ["-e", f"@{path}"]
    if extra:
        command += ["-e", json.dumps(extra)]
    return command + list(args)


def run_playbook(build_dir: Path, emulator: Emulator, playbook: str | Path, *args: str, vars_files, timeout: int,
                 strip_foreign: bool, extra: dict | None = None, env: dict | None = None) -> Result:
    """ansible-playbook PLAYBOOK -e @connection -e @vars... -e JSON(extra) ARGS, with ENV on top of ansible_env."""
    command = [str(BIN / "ansible-playbook")]
    command += playbook_command(playbook, emulator, *args, vars_files=vars_files, extra=extra)
    completed = subprocess.run(command, cwd=ROOT, env=ansible_env(build_dir, env, strip_foreign=strip_foreign), text=True,
                               check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return Result(completed.returncode, completed.stdout)


def run_with_runner(build_dir: Path, emulator: Emulator, playbook: str | Path, data_dir: Path, ident: str, *args: str,
                    vars_files, timeout: int, strip_foreign: bool, extra: dict | None = None) -> Result:
    """The same through ansible-runner (artifacts in DATA_DIR/artifacts/IDENT): how AWX runs it."""
    import ansible_runner  # pylint: disable=import-outside-toplevel
    data_dir.mkdir(parents=True, exist_ok=True)
    command = playbook_command(playbook, emulator, *args, vars_files=vars_files, extra=extra)
    runner = ansible_runner.run(private_data_dir=str(data_dir), ident=ident, playbook=command[0],
                                cmdline=" ".join(shlex.quote(part) for part in command[1:]),
                                envvars=ansible_env(build_dir, strip_foreign=strip_foreign), quiet=True, timeout=timeout,
                                project_dir=str(ROOT), suppress_env_files=True)
    artifacts = Path(runner.config.artifact_dir)
    stdout = (artifacts / "stdout").read_text() if (artifacts / "stdout").exists() else ""
    return Result(runner.rc, stdout, artifacts)
