"""Fixtures: one emulator subprocess per test session, state reset before every test."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/emulator

from sdrs_emulator.testclient import EmulatorClient  # noqa: E402
from sdrs_emulator.testing import running_emulator  # noqa: E402


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    with running_emulator(tmp_path_factory.mktemp("emulator"), job_duration=0.05) as info:
        yield info


@pytest.fixture
def client(emulator) -> EmulatorClient:
    """Token client of the main project, on a freshly reset emulator."""
    c = EmulatorClient(emulator)
    c.admin("POST", "/reset").raise_for_status()
    return c


@pytest.fixture
def other(emulator, client) -> EmulatorClient:
    """Token client of the second project (same emulator, already reset by `client`)."""
    return EmulatorClient(emulator, project="other")


@pytest.fixture
def seed(emulator) -> dict:
    return emulator["emulator_seed"]
