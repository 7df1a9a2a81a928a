# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one retry policy of the shared client. Internal to this collection."""

from __future__ import annotations

import datetime
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any, Callable

try:
    from requests import exceptions as rexc
    from urllib3 import exceptions as uexc
except ImportError:  # the client reports the missing library; nothing here runs without it
    rexc = uexc = None

# Requests that may be sent twice with the same effect. A lost response to one of these is
# retried; a POST is not (it may have created a job already).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Statuses retried for idempotent methods, and why:
#   429 throttled by the API gateway: rejected before the service saw it (also retried for POST);
#   502 the gateway got no valid answer from the service: it may be restarting;
#   503 the service is overloaded or in maintenance and says so (often with Retry-After);
#   504 the gateway gave up waiting: the service may still be working, so only idempotent ones.
RETRY_STATUSES_IDEMPOTENT = frozenset({429, 502, 503, 504})
RETRY_STATUSES_ANY = frozenset({429})
RETRY_AFTER_STATUSES = frozenset({429, 503})


class RetryPolicy:
    """Exponential backoff with full jitter.

    Bound: at most ``attempts`` attempts in all, and no new attempt once the time spent
    (waiting, or elapsed since the first attempt) plus the next wait would pass ``budget``
    seconds. Worst case for one request: ``budget`` + one more attempt, i.e. about
    60 s + 2 x ``api_timeout`` with the defaults. The wait before attempt n+1 is uniform in
    [0, min(cap, base * 2**(n-1))] (0.5, 1, 2, 4, 8, 10 ... s), or the server's ``Retry-After``.
    """

    def __init__(self, attempts: int = 5, *, base: float = 0.5, cap: float = 10.0, budget: float = 60.0,
                 rng: Callable[[], float] = random.random) -> None:
        self.attempts = max(1, int(attempts))
        self.base = base
        self.cap = cap
        self.budget = budget
        self.rng = rng

    def backoff(self, attempt: int) -> float:
        """The jittered wait after failed attempt number ``attempt`` (1-based)."""
        return self.rng() * min(self.cap, self.base * 2 ** (attempt - 1))


def retry_after(value: str | None, now: datetime.datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def not_sent(exc: BaseException) -> bool:
    """True when the request provably never reached the service: the TCP/TLS connection was
    never established (connect timeout, refused, DNS failure). A reset or a read timeout
    after sending proves nothing."""
    if rexc is not None and isinstance(exc, rexc.ConnectTimeout):
        return True
    if rexc is None or not isinstance(exc, rexc.ConnectionError) or isinstance(exc, rexc.SSLError):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError wraps the real cause
    return isinstance(reason, (uexc.NewConnectionError, uexc.ConnectTimeoutError))


def _idempotent(method: str, idempotent: bool | None) -> bool:
    return method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent


def retryable_error(method: str, exc: BaseException, idempotent: bool | None = None) -> bool:
    """Whether a request that raised ``exc`` may be sent again."""
    if rexc is None or isinstance(exc, rexc.SSLError):
        return False  # a certificate problem does not heal by retrying
    if not_sent(exc):
        return True
    if not _idempotent(method, idempotent):
        return False  # the request may have been executed: never repeat a POST blindly
    return isinstance(exc, (rexc.ConnectionError, rexc.Timeout, rexc.ChunkedEncodingError))


def retryable_status(method: str, status: int, idempotent: bool | None = None) -> bool:
    if _idempotent(method, idempotent):
        return status in RETRY_STATUSES_IDEMPOTENT
    return status in RETRY_STATUSES_ANY


def send_with_retries(send: Callable[[], Any], method: str, policy: RetryPolicy, *,
                      idempotent: bool | None = None, sleep: Callable[[float], Any] = time.sleep,
                      clock: Callable[[], float] = time.monotonic) -> Any:
    """Call ``send()`` (one HTTP attempt) until it gives a final answer.

    ``idempotent`` overrides the method's classification (the IAM token POST creates nothing
    a user cares about, so it is retried like a GET). Returns the last response (which may be
    an error status the caller turns into an exception) or re-raises the last transport
    exception.
    """
    started = clock()
    waited = 0.0
    attempt = 0
    while True:
        attempt += 1
        error: BaseException | None = None
        response = None
        try:
            response = send()
        except Exception as exc:  # pylint: disable=broad-except
            if not retryable_error(method, exc, idempotent):
                raise
            error = exc
            delay = policy.backoff(attempt)
        else:
            status = response.status_code
            if not retryable_status(method, status, idempotent):
                return response
            delay = None
            if status in RETRY_AFTER_STATUSES:
                delay = retry_after(response.headers.get("Retry-After"))
            if delay is None:
                delay = policy.backoff(attempt)
        spent = max(waited, clock() - started)
        if attempt >= policy.attempts or spent + delay > policy.budget:
            if error is not None:
                raise error
            return response
        sleep(delay)
        waited += delay
