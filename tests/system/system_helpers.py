# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the system tests (tests/system): the shared harness (tests/harness/playbook_harness.py)
with this suite's defaults, and what only this suite needs (facts_of).

The system tests run the playbooks as `make demo` and a user do: with playbooks/vars/demo.yml and in
the caller's environment (nothing stripped, unlike the resilience tests).

A module of its own, not conftest.py, so that the tests can import it: several conftest.py files
of the repository end up in one pytest run (`make test`), and `import conftest` is ambiguous there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests" / "harness") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "harness"))

# pylint: disable=wrong-import-position,unused-import
# (re-exported for conftest.py and the tests)
import playbook_harness  # noqa: E402
from playbook_harness import BIN, JOB_DURATION, Emulator, Result, build_collection, running_emulator  # noqa: E402,F401

DEMO_VARS = ROOT / "playbooks" / "vars" / "demo.yml"


def ansible_env(build_dir: Path, extra: dict | None = None) -> dict:
    """playbook_harness.ansible_env in the caller's environment."""
    return playbook_harness.ansible_env(build_dir, extra, strip_foreign=False)


def run_playbook(build_dir: Path, emulator: Emulator, playbook: str, *args: str, vars_files=(DEMO_VARS,),
                 timeout: int = 900, **kwargs) -> Result:
    """playbook_harness.run_playbook: PLAYBOOK relative to the repository, demo.yml unless VARS_FILES say
    otherwise, in the caller's environment."""
    return playbook_harness.run_playbook(build_dir, emulator, playbook, *args, vars_files=vars_files, timeout=timeout,
                                         strip_foreign=False, **kwargs)


def facts_of(run, tmp_path: Path, playbook: str, *args: str, **kwargs):
    """Run PLAYBOOK through playbooks/with_facts.yml; returns (Result, facts dict or None)."""
    facts_file = tmp_path / f"facts-{len(list(tmp_path.glob('facts-*')))}.json"
    extra = dict(kwargs.pop("extra", None) or {}, playbook_under_test=str(ROOT / playbook), facts_file=str(facts_file))
    result = run("tests/system/playbooks/with_facts.yml", *args, extra=extra, **kwargs)
    facts = json.loads(facts_file.read_text()) if facts_file.exists() else None
    return result, facts
