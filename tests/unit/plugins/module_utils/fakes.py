# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes for the client tests: a requests adapter that records every prepared request (so tests
see the exact wire URL, headers and body) and answers from a script; a fake clock; params."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._arguments import connection_argument_spec

SDRS = "https://sdrs.example.test:8443"
PROJECT = "0123456789abcdef0123456789abcdef"
TOKEN = "tok-SECRET-gAAAAABk"
PASSWORD = "pa$$w0rd-SECRET"
SECRET_KEY = "sk-SECRET-5f0e7a"
SECURITY_TOKEN = "sts-SECRET-99"


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict = field(default_factory=dict)
    reason: str = ""


@dataclass
class Call:
    method: str
    url: str
    headers: Any
    body: bytes | None
    timeout: Any
    verify: Any

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def path(self) -> str:
        return requests.utils.urlparse(self.url).path


class FakeTransport(BaseAdapter):
    """Answers each request with the next scripted item: a Reply, an exception to raise, or a
    callable taking the Call and returning either. ``default`` answers when the script is empty."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.script: deque = deque()
        self.default: Any = None

    def queue(self, *items: Any) -> "FakeTransport":
        self.script.extend(items)
        return self

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # noqa: D401
        body = request.body.encode() if isinstance(request.body, str) else request.body
        call = Call(request.method, request.url, request.headers, body, timeout, verify)
        self.calls.append(call)
        item = self.script.popleft() if self.script else self.default
        if item is None:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if callable(item) and not isinstance(item, (Reply, BaseException)):
            item = item(call)
        if isinstance(item, BaseException):
            raise item
        return self._response(request, item)

    @staticmethod
    def _response(request, reply: Reply) -> requests.Response:
        response = requests.Response()
        response.status_code = reply.status
        response.reason = reply.reason
        headers = dict(reply.headers)
        if reply.json is not None:
            content = json.dumps(reply.json).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(reply.body, str):
            content = reply.body.encode()
        else:
            content = reply.body or b""
        response._content = content
        response.headers = CaseInsensitiveDict(headers)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


class FakeClock:
    """A monotonic clock that only moves when the code sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def make_params(**overrides: Any) -> dict:
    """Module params as AnsibleModule gives them: every connection option, None when unset."""
    params = {name: spec.get("default") for name, spec in connection_argument_spec().items()}
    params.update(overrides)
    return params


def token_params(**overrides: Any) -> dict:
    base = dict(token=TOKEN, project_id=PROJECT,
                endpoints={"sdrs": SDRS, "vbs": SDRS + "/v2", "ecs": SDRS + "/v1/" + PROJECT})
    base.update(overrides)
    return make_params(**base)


def password_params(**overrides: Any) -> dict:
    base = dict(auth_url="https://iam.example.test/v3", username="alice", password=PASSWORD,
                user_domain_name="OTC-EU-DE-000", project_name="eu-de_dr")
    base.update(overrides)
    return make_params(**base)


def token_reply(token: str = TOKEN, project_id: str = PROJECT, name: str = "eu-de_dr",
                catalog: list | None = None, status: int = 201) -> Reply:
    if catalog is None:
        catalog = [{"type": "sdrs", "name": "sdrs", "endpoints": [
            {"interface": "public", "region": "eu-de", "region_id": "eu-de",
             "url": f"https://sdrs.catalog.test/v1/{project_id}"}]}]
    return Reply(status, json={"token": {"project": {"id": project_id, "name": name}, "catalog": catalog}},
                 headers={"X-Subject-Token": token})
