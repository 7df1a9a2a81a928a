# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy: backoff, Retry-After, and which failures prove a request was not sent."""

from __future__ import annotations

import datetime
import socket
import threading

import pytest
import requests

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _retry

NOW = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("value, seconds", [
    ("0", 0.0), ("7", 7.0), (" 120 ", 120.0), (None, None), ("", None), ("soon", None), ("-5", None),
    ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0), ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),
])
def test_retry_after(value, seconds):
    assert _retry.retry_after(value, now=NOW) == seconds


def test_full_jitter_backoff_bounds():
    top = _retry.RetryPolicy(rng=lambda: 1.0)
    assert [top.backoff(n) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert _retry.RetryPolicy(rng=lambda: 0.0).backoff(5) == 0.0
    assert _retry.RetryPolicy(0).attempts == 1


@pytest.mark.parametrize("method, status, retried", [
    ("GET", 429, True), ("GET", 502, True), ("GET", 503, True), ("GET", 504, True), ("GET", 500, False),
    ("PUT", 503, True), ("DELETE", 504, True), ("HEAD", 502, True),
    ("POST", 429, True), ("POST", 502, False), ("POST", 503, False), ("POST", 504, False), ("PATCH", 503, False),
])
def test_retryable_status(method, status, retried):
    assert _retry.retryable_status(method, status) is retried


def test_idempotent_override_for_the_token_post():
    assert _retry.retryable_status("POST", 503, idempotent=True)
    assert _retry.retryable_error("POST", requests.exceptions.ReadTimeout("x"), idempotent=True)


def test_send_with_retries_reraises_last_error():
    sleeps = []
    calls = []

    def send():
        calls.append(1)
        raise requests.exceptions.ConnectTimeout("connect timeout")

    with pytest.raises(requests.exceptions.ConnectTimeout):
        _retry.send_with_retries(send, "POST", _retry.RetryPolicy(3, rng=lambda: 1.0), sleep=sleeps.append)
    assert len(calls) == 3 and sleeps == [0.5, 1.0]


def test_budget_counts_elapsed_time_too():
    """A slow service (each attempt takes 25 s) stops being retried by the 60 s budget."""
    now = [0.0]

    class Slow:
        status_code = 502
        headers: dict = {}

    calls = []

    def send():
        calls.append(now[0])
        now[0] += 25.0
        return Slow()

    sleeps = []
    _retry.send_with_retries(send, "GET", _retry.RetryPolicy(10, rng=lambda: 1.0), sleep=sleeps.append,
                             clock=lambda: now[0])
    # attempts start at 0 and 25 and 50 s; after the third, 75 s have passed: no fourth
    assert calls == [0.0, 25.0, 50.0] and sleeps == [0.5, 1.0]


# -- real sockets: what requests raises for each kind of failure -------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dropping_server():
    """Accepts a connection, reads the request, and closes without answering (a lost response)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1/p/server-groups"
    stop.set()
    thread.join(2)
    server.close()


def _raise(method: str, url: str) -> BaseException:
    with requests.Session() as session:
        session.trust_env = False
        try:
            session.request(method, url, data=b"{}", timeout=(2, 2))
        except requests.RequestException as exc:
            return exc
    raise AssertionError("no exception")


def test_refused_connection_was_not_sent():
    exc = _raise("POST", f"http://127.0.0.1:{_free_port()}/x")
    assert _retry.not_sent(exc)
    assert _retry.retryable_error("POST", exc)


def test_dropped_connection_after_sending_may_have_arrived(dropping_server):
    exc = _raise("POST", dropping_server)
    assert isinstance(exc, requests.exceptions.ConnectionError)
    assert not _retry.not_sent(exc)
    assert not _retry.retryable_error("POST", exc)
    assert _retry.retryable_error("GET", exc)


def test_read_timeout_may_have_arrived():
    exc = requests.exceptions.ReadTimeout("read timed out")
    assert not _retry.not_sent(exc)
    assert not _retry.retryable_error("POST", exc)
    assert _retry.retryable_error("DELETE", exc)
