# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark harness: a private emulator, the collection tree and ``ansible-playbook`` runs.

Traffic goes to 127.0.0.1 only (the emulator listens there); every run is bounded by a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .analysis import parse_timeline

BENCH_DIR = Path(__file__).resolve().parent.parent          # tests/bench
ROOT = BENCH_DIR.parent.parent                               # the collection checkout
EMULATOR_DIR = ROOT / "tests" / "emulator"
PLAYBOOKS = BENCH_DIR / "playbooks"
DEMO_SEED = EMULATOR_DIR / "seeds" / "demo.json"

if str(EMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(EMULATOR_DIR))

# Imported after the path is set: the emulator package lives in tests/emulator.
from sdrs_emulator.testclient import EmulatorClient  # noqa: E402  pylint: disable=wrong-import-position
from sdrs_emulator.testing import running_emulator  # noqa: E402  pylint: disable=wrong-import-position

#: servers added to the demo seed for the parallel failover (one protection group each)
BENCH_SERVERS = 60


def bench_seed(path: Path, servers: int = BENCH_SERVERS) -> Path:
    """The demo seed plus ``servers`` small stopped servers ``bench-000`` ... in vpc-prod, on a
    subnet of their own. Stopped, so a planned failover needs no server stop first."""
    seed = json.loads(DEMO_SEED.read_text(encoding="utf-8"))
    vpc = next(n for n in seed["networks"] if n["name"] == "vpc-prod")
    vpc["subnets"].append({"name": "subnet-bench", "cidr": "192.168.10.0/24", "gateway_ip": "192.168.10.1"})
    for index in range(servers):
        name = f"bench-{index:03d}"
        seed["servers"].append({
            "project": "eu-de_dr", "name": name, "flavor": "s3.medium.2", "status": "SHUTOFF",
            "az": "eu-de-01", "vpc": "vpc-prod", "nics": [{"subnet": "subnet-bench", "ip": f"192.168.10.{10 + index}"}],
            "volumes": [{"name": f"{name}-sys", "size": 10, "type": "SSD", "device": "/dev/vda", "bootable": True}]})
    path.write_text(json.dumps(seed, indent=1), encoding="utf-8")
    return path


@dataclass
class PlayRun:
    """One ``ansible-playbook`` run: its wall time, exit code, tasks and the requests it caused."""

    name: str
    wall: float
    rc: int
    tasks: list
    requests: list
    log: Path

    def check(self) -> "PlayRun":
        if self.rc != 0:
            tail = "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])
            raise RuntimeError(f"playbook {self.name} failed (exit {self.rc}); end of {self.log}:\n{tail}")
        return self


class Bench:
    """A running emulator plus the means to run the bench playbooks against it."""

    def __init__(self, workdir: Path, build_dir: Path, log=print) -> None:
        self.workdir = workdir
        self.build_dir = build_dir
        self.log = log
        self.info: dict = {}
        self.client: EmulatorClient | None = None
        self._stack = contextlib.ExitStack()
        self._runs = 0
        self.python = sys.executable
        self.ansible_playbook = str(Path(sys.executable).parent / "ansible-playbook")

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "Bench":
        self.workdir.mkdir(parents=True, exist_ok=True)
        for old in self.workdir.glob("[0-9][0-9]-*"):  # logs and timelines of an earlier run
            old.unlink()
        seed = bench_seed(self.workdir / "bench-seed.json")
        self.info = self._stack.enter_context(running_emulator(self.workdir / "emulator", job_duration=2.0,
                                                               seed=seed))
        self.connection_file = self.workdir / "emulator" / "emulator-connection.json"
        self.client = EmulatorClient(self.info)
        self.inventory = self.workdir / "inventory.ini"
        self.inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={self.python}\n",
                                  encoding="utf-8")
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    # -- the emulator's admin API -------------------------------------------------------------
    def admin(self, method: str, path: str, body=None) -> dict:
        response = self.client.admin(method, path, json=body, timeout=120)
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self, job_durations: dict | None = None, **config) -> None:
        """Seed state, no faults, empty log; then the given config (quotas raised for the bench)."""
        self.admin("POST", "/reset")
        patch = {"quotas": {"server_groups": 500, "replications": 500}}
        patch.update(config)
        if job_durations is not None:
            patch["job_durations"] = job_durations
        self.admin("PUT", "/config", patch)
        self.client.forget_token()

    def mark(self) -> int:
        return self.admin("GET", f"/requests?since={2 ** 62}")["last_seq"]

    def requests_since(self, seq: int) -> list:
        return self.admin("GET", f"/requests?since={seq}")["requests"]

    # -- playbooks ----------------------------------------------------------------------------
    def env(self, timeline: Path | None, marks: bool) -> dict:
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(self.build_dir),
            "ANSIBLE_CALLBACK_PLUGINS": str(BENCH_DIR / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "BENCH_TIMER_OUT": str(timeline) if timeline else "",
            "BENCH_CA_PATH": self.info.get("emulator_ca_path") or "",
        })
        env["BENCH_ADMIN_URL"] = self.info["emulator_admin_url"] if marks else ""
        for key in ("OS_CLOUD", "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_AUTH_TOKEN", "OS_TOKEN",
                    "OS_ACCESS_KEY", "OS_SECRET_KEY", "OS_PROJECT_ID", "OS_PROJECT_NAME", "REQUESTS_CA_BUNDLE"):
            env.pop(key, None)  # the bench decides the credentials, not the caller's shell
        return env

    def play(self, playbook: str, extra_vars: dict | None = None, *, marks: bool = True,
             timeout: float = 600, name: str | None = None, args: tuple = ()) -> PlayRun:
        """Run ``tests/bench/playbooks/<playbook>`` with the connection file and ``extra_vars``."""
        self._runs += 1
        label = name or Path(playbook).stem
        stem = self.workdir / f"{self._runs:02d}-{label}"
        timeline, log, vars_file = Path(f"{stem}.timeline.jsonl"), Path(f"{stem}.log"), Path(f"{stem}.vars.json")
        vars_file.write_text(json.dumps(extra_vars or {}), encoding="utf-8")
        timeline.unlink(missing_ok=True)  # the callback appends
        command = [self.ansible_playbook, "-i", str(self.inventory), str(PLAYBOOKS / playbook),
                   "-e", f"@{self.connection_file}", "-e", f"@{vars_file}", *args]
        seq = self.mark()
        started = time.monotonic()
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=self.env(timeline, marks),
                                  cwd=str(self.workdir), timeout=timeout, check=False)
        wall = time.monotonic() - started
        tasks = parse_timeline(timeline.read_text(encoding="utf-8").splitlines()) if timeline.exists() else []
        requests = self.requests_since(seq)
        self.log(f"  {label}: {wall:.1f} s, {len(requests)} requests, exit {proc.returncode}")
        return PlayRun(label, wall, proc.returncode, tasks, requests, log)

    # -- fast setup through the API (jobs of 0 s) -------------------------------------------------
    def protected_groups(self, names: list, servers: list) -> dict:
        """Create one protection group per name with one protected instance (the server of the same
        index) and enable protection, all with instant jobs. Returns name -> group id."""
        self.admin("PUT", "/config", {"job_durations": {"default": 0}})
        ids = {}
        for name, server in zip(names, servers):
            group_id = self.client.create_group(name)
            self.client.protect(group_id, server, name=server)
            self.client.group_action(group_id, "start-server-group")
            ids[name] = group_id
        return ids
