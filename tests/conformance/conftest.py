"""Conformance fixtures: a real emulator subprocess, clients configured only from its connection file."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulator"))

from sdrs_emulator.testclient import EmulatorClient  # noqa: E402
from sdrs_emulator.testing import running_emulator  # noqa: E402


@pytest.fixture(scope="session")
def conformance_emulator(tmp_path_factory):
    with running_emulator(tmp_path_factory.mktemp("conformance-emulator"), job_duration=0.05) as info:
        yield info


@pytest.fixture
def emu(conformance_emulator) -> EmulatorClient:
    """Admin/test helper on a freshly reset emulator."""
    c = EmulatorClient(conformance_emulator)
    c.admin("POST", "/reset").raise_for_status()
    return c


@pytest.fixture
def isolated_env(monkeypatch, tmp_path):
    """Keep openstacksdk/keystoneauth away from the developer's clouds.yaml and OS_* variables."""
    import os
    for key in list(os.environ):
        if key.startswith(("OS_", "HUAWEICLOUD_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "no-clouds.yaml"))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(tmp_path / "no-secure.yaml"))
    monkeypatch.setenv("HOME", str(tmp_path))
