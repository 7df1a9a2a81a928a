# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the module_utils tests (the fakes themselves are in fakes.py)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._client import Client
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    FakeClock, FakeTransport, token_params)


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def session(transport: FakeTransport) -> requests.Session:
    sess = requests.Session()
    sess.trust_env = False  # no proxies or CA bundles from the developer's environment
    sess.mount("https://", transport)
    sess.mount("http://", transport)
    return sess


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def warnings() -> list:
    return []


@pytest.fixture
def make_client(session, clock, warnings):
    def build(params: dict | None = None, **kwargs: Any) -> Client:
        kwargs.setdefault("session", session)
        kwargs.setdefault("sleep", clock.sleep)
        kwargs.setdefault("warn", warnings.append)
        return Client(token_params() if params is None else params, **kwargs)
    return build
