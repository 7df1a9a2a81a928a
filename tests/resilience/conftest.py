# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the resilience tests: the collection tree, emulators, and the fault runs.

The tests run real playbooks (the roles, or module tasks) with ansible-playbook or ansible-runner
against emulators with injected faults, then judge by the emulator's state and request log (what
reached the service), by the task results and by the output. Jobs run 0.1 s unless a test asks
for longer ones, so the whole directory stays within a few minutes. Helpers: resilience_lib.py.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

# pylint: disable=wrong-import-position
from heavy_runs import HEAVY  # noqa: E402
from resilience_lib import JOB_DURATION, Emulator, build_collection, running_emulator  # noqa: E402

HERE = Path(__file__).resolve().parent


def _heavy(item) -> set:
    """The long runs (heavy_runs.HEAVY) a resilience test needs."""
    if HERE not in Path(str(item.path)).resolve().parents:
        return set()
    return set(HEAVY) & set(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config, items):
    """Resilience tests that need a long run go last: the runs start in the background with the
    first resilience test (see _heavy_runs) and the other tests run meanwhile."""
    config.resilience_heavy = set().union(*[_heavy(item) for item in items]) if items else set()
    items.sort(key=lambda item: bool(_heavy(item)))


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """A private copy of the collection (ansible_collections/cloud_dr/sdrs) for ANSIBLE_COLLECTIONS_PATH."""
    return build_collection(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def emulator_factory(tmp_path_factory):
    """Start more emulators (each on its own port, stopped at the end of the session)."""
    stack = []

    def start(**options) -> Emulator:
        manager = running_emulator(tmp_path_factory.mktemp("emulator"), job_duration=JOB_DURATION, **options)
        emulator = Emulator(manager.__enter__())  # pylint: disable=unnecessary-dunder-call
        stack.append(manager)
        emulator.reset()
        return emulator
    yield start
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _session_emulator(emulator_factory) -> Emulator:
    return emulator_factory()


@pytest.fixture
def emulator(_session_emulator) -> Emulator:
    """The session's emulator, reset to the demo seed (no groups, empty request log, 0.1 s jobs)."""
    _session_emulator.reset()
    return _session_emulator


@pytest.fixture(scope="session", autouse=True)
def _heavy_runs(request, build_dir, emulator_factory, tmp_path_factory):
    """Start every long run the session needs, side by side, without waiting for them."""
    needed = sorted(getattr(request.config, "resilience_heavy", set()))
    with ThreadPoolExecutor(max_workers=max(1, len(needed))) as pool:
        yield {name: pool.submit(HEAVY[name], build_dir, emulator_factory, tmp_path_factory) for name in needed}


@pytest.fixture(scope="session")
def fault_runs(_heavy_runs) -> dict:
    """{scenario name: heavy_runs.FaultRun} of every scenario in fault_scenarios.py."""
    return _heavy_runs["fault_runs"].result()


@pytest.fixture(scope="session")
def bad_input_run(_heavy_runs):
    """heavy_runs.BadInputRun: every case of bad_input.yml in one playbook."""
    return _heavy_runs["bad_input_run"].result()


@pytest.fixture(scope="session")
def secrets_run(_heavy_runs):
    """(runner Result, secrets of its emulator) of playbooks/secrets.yml."""
    return _heavy_runs["secrets_run"].result()
