# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the resilience tests: the shared harness (tests/harness/playbook_harness.py) with this
suite's defaults, ad-hoc module runs, and what the request log says was carried out.

The runs use tests/resilience/vars/small.yml and an environment without the caller's OS_*,
CLOUD_DR_SDRS_* and CA bundle variables (playbook_harness.FOREIGN_ENV): what a test proves about
authentication and certificate checks must not depend on the machine it runs on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(ROOT / "tests" / "harness") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "harness"))

# pylint: disable=wrong-import-position,unused-import
# (re-exported for conftest.py, heavy_runs.py and the tests)
import playbook_harness  # noqa: E402
from playbook_harness import (BIN, JOB_DURATION, Emulator, EmulatorClient, Result,  # noqa: E402,F401
                              build_collection, running_emulator)

SMALL_VARS = HERE / "vars" / "small.yml"


def ansible_env(build_dir: Path, extra: dict | None = None) -> dict:
    """playbook_harness.ansible_env without the caller's foreign variables."""
    return playbook_harness.ansible_env(build_dir, extra, strip_foreign=True)


def playbook_command(playbook: Path, emulator: Emulator, *args: str, vars_files=(SMALL_VARS,), **kwargs) -> list:
    """playbook_harness.playbook_command, with small.yml unless VARS_FILES say otherwise."""
    return playbook_harness.playbook_command(playbook, emulator, *args, vars_files=vars_files, **kwargs)


def run_playbook(build_dir: Path, emulator: Emulator, playbook: Path, *args: str, vars_files=(SMALL_VARS,),
                 timeout: int = 600, **kwargs) -> Result:
    """playbook_harness.run_playbook: small.yml unless VARS_FILES say otherwise, foreign variables stripped."""
    return playbook_harness.run_playbook(build_dir, emulator, playbook, *args, vars_files=vars_files, timeout=timeout,
                                         strip_foreign=True, **kwargs)


def run_with_runner(build_dir: Path, emulator: Emulator, playbook: Path, data_dir: Path, ident: str, *args: str,
                    vars_files=(SMALL_VARS,), timeout: int = 600, **kwargs) -> Result:
    """playbook_harness.run_with_runner: small.yml unless VARS_FILES say otherwise, foreign variables stripped."""
    return playbook_harness.run_with_runner(build_dir, emulator, playbook, data_dir, ident, *args, vars_files=vars_files,
                                            timeout=timeout, strip_foreign=True, **kwargs)


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
