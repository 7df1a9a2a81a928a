"""Helpers of the system tests (tests/system): run playbooks, talk to the emulator's admin API.

A module of its own, not conftest.py, so that the tests can import it: several conftest.py files
of the repository end up in one pytest run (`make test`), and `import conftest` is ambiguous there.
"""
import json
import os
import re
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

from sdrs_emulator.testing import running_emulator  # noqa: E402,F401 pylint: disable=wrong-import-position,unused-import
# (re-exported for conftest.py)

BIN = Path(sys.executable).parent
DEMO_VARS = ROOT / "playbooks" / "vars" / "demo.yml"
JOB_DURATION = 0.1


class Emulator:
    """A running emulator: its connection file and admin API."""

    def __init__(self, info: dict):
        self.info = info
        self.connection_file = info["emulator_connection_file"]
        self.context = ssl.create_default_context(cafile=info["emulator_ca_path"])

    def admin(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.info["emulator_admin_url"] + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def reset(self) -> None:
        self.admin("POST", "/reset")

    def state(self) -> dict:
        return self.admin("GET", "/state")

    def mark(self) -> int:
        return self.admin("GET", f"/requests?since={2 ** 62}")["last_seq"]

    def requests(self, since: int = 0) -> list:
        return self.admin("GET", f"/requests?since={since}")["requests"]

    def mutations(self, since: int = 0) -> list:
        return [f"{r['method']} {r['path']}" for r in self.requests(since) if r["mutating"]]

    def fault(self, **rule) -> dict:
        return self.admin("POST", "/faults", rule)

    def groups(self) -> dict:
        """Protection groups of the main project by name."""
        project = self.info["emulator_project"]["id"]
        return {g["name"]: g for g in self.state()["server_groups"].values() if g.get("_project") == project}

    def instances(self, group_name: str) -> dict:
        group = self.groups()[group_name]
        return {i["name"]: i for i in self.state()["protected_instances"].values()
                if i["server_group_id"] == group["id"]}


class Result:
    """What one ansible-playbook run did: exit code, output and the PLAY RECAP counts."""

    def __init__(self, completed: subprocess.CompletedProcess):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", self.stdout)
        counts = [int(x) for x in recap.groups()] if recap else [0, 0, 0, 0]
        self.ok, self.changed, self.failed = counts[0], counts[1], counts[3]

    def __repr__(self) -> str:
        return f"Result(rc={self.rc}, changed={self.changed}, failed={self.failed})\n{self.stdout[-6000:]}"


def ansible_env(build_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(build_dir),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_LOCALHOST_WARNING="False",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
        ANSIBLE_DEPRECATION_WARNINGS="False",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def run_playbook(build_dir: Path, emulator: Emulator, playbook: str, *args: str, extra: dict | None = None,
                 vars_files=(DEMO_VARS,), env: dict | None = None, timeout: int = 900) -> Result:
    """ansible-playbook PLAYBOOK -e @connection -e @vars... -e JSON(extra) ARGS."""
    command = [str(BIN / "ansible-playbook"), str(ROOT / playbook), "-e", f"@{emulator.connection_file}"]
    for path in vars_files:
        command += ["-e", f"@{path}"]
    if extra:
        command += ["-e", json.dumps(extra)]
    command += list(args)
    completed = subprocess.run(command, cwd=ROOT, env={**ansible_env(build_dir), **(env or {})}, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, check=False)
    return Result(completed)


def facts_of(run, tmp_path: Path, playbook: str, *args: str, **kwargs):
    """Run PLAYBOOK through playbooks/with_facts.yml; returns (Result, facts dict or None)."""
    facts_file = tmp_path / f"facts-{len(list(tmp_path.glob('facts-*')))}.json"
    extra = dict(kwargs.pop("extra", None) or {}, playbook_under_test=str(ROOT / playbook), facts_file=str(facts_file))
    result = run("tests/system/playbooks/with_facts.yml", *args, extra=extra, **kwargs)
    facts = json.loads(facts_file.read_text()) if facts_file.exists() else None
    return result, facts
