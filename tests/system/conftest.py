"""Fixtures of the system tests: the collection tree, emulators, and a way to run playbooks.

The tests run the real playbooks (playbooks/*.yml) with ansible-playbook against the emulator,
the same way `make demo` and a user do; the emulator's admin API gives its state and request log
for the assertions. One emulator serves the whole session (reset before each test); tests that
need protected groups get a fresh emulator started from a snapshot taken after one DR setup.
Helpers the tests import live in system_helpers.py (on top of tests/harness/playbook_harness.py).
"""
import shutil
from pathlib import Path

import pytest

from system_helpers import JOB_DURATION, Emulator, Result, build_collection, run_playbook, running_emulator


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """A private copy of the collection (ansible_collections/cloud_dr/sdrs) for ANSIBLE_COLLECTIONS_PATH."""
    return build_collection(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def _session_emulator(tmp_path_factory):
    with running_emulator(tmp_path_factory.mktemp("emulator"), job_duration=JOB_DURATION) as info:
        yield Emulator(info)


@pytest.fixture
def emulator(_session_emulator) -> Emulator:
    """The session's emulator, reset to the demo seed (no groups, empty request log)."""
    _session_emulator.reset()
    return _session_emulator


@pytest.fixture
def playbook(build_dir, emulator):
    """Run a playbook of the repository against the (reset) emulator with playbooks/vars/demo.yml."""
    def run(name: str, *args: str, **kwargs) -> Result:
        return run_playbook(build_dir, emulator, name, *args, **kwargs)
    return run


@pytest.fixture(scope="session")
def protected_snapshot(build_dir, tmp_path_factory) -> Path:
    """Emulator state after playbooks/dr_setup.yml with the demo vars: 3 protected groups, 2 policies."""
    where = tmp_path_factory.mktemp("snapshot")
    state = where / "state.json"
    with running_emulator(where, job_duration=JOB_DURATION, state_file=str(state)) as info:
        result = run_playbook(build_dir, Emulator(info), "playbooks/dr_setup.yml")
        assert result.rc == 0, result
    return state


@pytest.fixture
def protected(protected_snapshot, tmp_path):
    """A fresh emulator whose project holds the demo's three protected groups."""
    state = tmp_path / "state.json"
    shutil.copy(protected_snapshot, state)
    with running_emulator(tmp_path, job_duration=JOB_DURATION, state_file=str(state)) as info:
        emulator = Emulator(info)
        assert sorted(emulator.groups()) == ["app-tier", "db-tier", "web-tier"]
        yield emulator


@pytest.fixture
def protected_playbook(build_dir, protected):
    """Run a playbook against the emulator of the `protected` fixture."""
    def run(name: str, *args: str, **kwargs) -> Result:
        return run_playbook(build_dir, protected, name, *args, **kwargs)
    return run
