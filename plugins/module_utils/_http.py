# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error bodies, transport failures, request ids and redaction of the client. Internal to this collection."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping
from urllib.parse import quote, urlsplit

from ._auth import option_hint
from ._retry import not_sent

try:
    from requests import exceptions as rexc
except ImportError:  # the client reports the missing library
    rexc = None

MASK = "********"
EXCERPT_LENGTH = 200

# (code key, message key) pairs seen on SDRS, VBS, ECS, IAM and the API gateway (API doc §5.1).
_FIELD_PAIRS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))
_USERINFO = re.compile(r"(?<=://)[^/\s@]+@")
_REQUEST_ID_HEADERS = ("X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id")


def redact(text: Any, secrets: Iterable[str]) -> str:
    """``text`` with every secret (also JSON-escaped or URL-encoded) and any credentials in a
    URL (``https://user:pass@proxy``) replaced by a mask."""
    text = _USERINFO.sub(MASK + "@", "" if text is None else str(text))
    variants = set()
    for secret in secrets:
        if secret:
            variants.update({secret, json.dumps(secret)[1:-1], quote(secret, safe="")})
    for variant in sorted(variants, key=len, reverse=True):
        if variant:
            text = text.replace(variant, MASK)
    return text


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """A short one-line excerpt of a non-JSON body (HTML tags dropped)."""
    flat = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."


def _pick(data: Mapping) -> tuple[Any, Any] | None:
    for code_key, message_key in _FIELD_PAIRS:
        code, message = data.get(code_key), data.get(message_key)
        if isinstance(code, (dict, list)) or isinstance(message, (dict, list)):
            continue
        if code is not None or message is not None:
            return code, message
    return None


def error_fields(data: Any) -> tuple[str | None, str | None]:
    """``(code, message)`` from any error body shape: flat ``error_code/error_msg``,
    ``errorCode/errorMsg`` or ``code/message``; or one of those nested one level down under
    ``error``, ``badrequest``, ``badRequest``, ``itemNotFound`` or any other key."""
    if not isinstance(data, Mapping):
        return None, None
    found = _pick(data)
    if found is None:
        nested = sorted((v for v in data.values() if isinstance(v, Mapping)),
                        key=lambda v: v is not data.get("error"))
        for value in nested:
            found = _pick(value)
            if found is not None:
                break
    if found is None and isinstance(data.get("error"), str):
        found = (None, data["error"])
    if found is None:
        return None, None
    code, message = found
    # A numeric "code" (keystone, nova) only repeats the HTTP status: it is not an API code.
    if isinstance(code, bool) or isinstance(code, (int, float)) or (isinstance(code, str) and code.isdigit()):
        code = None
    return (str(code) if code not in (None, "") else None,
            str(message) if message not in (None, "") else None)


def parse_error(status: int, content: bytes, reason: str | None = None) -> tuple[str | None, str, Any]:
    """``(code, message, parsed body)`` of an error response; the message is never empty."""
    text = content.decode("utf-8", "replace") if content else ""
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        data = None
    code, message = error_fields(data)
    if not message:
        if data is None and text.strip():
            message = excerpt(text)
        else:
            message = f"HTTP {status} {reason or ''}".strip()
    return code, message, data


def request_id(headers: Mapping[str, str], data: Any = None) -> str | None:
    """The request id the service assigned (header first, then an error body's ``request_id``)."""
    for name in _REQUEST_ID_HEADERS:
        if headers.get(name):
            return str(headers[name])
    if isinstance(data, Mapping) and isinstance(data.get("request_id"), str):
        return data["request_id"]
    return None


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests exception, without object reprs or URLs."""
    cause: Any = exc
    for _depth in range(4):
        args = getattr(cause, "args", None) or (None,)
        # ProtocolError("Connection aborted.", RemoteDisconnected(...)): the cause comes second.
        inner = args[1] if len(args) == 2 and isinstance(args[1], BaseException) else args[0]
        inner = getattr(inner, "reason", inner)  # MaxRetryError wraps the real cause
        if not isinstance(inner, BaseException):
            break
        cause = inner
    # urllib3 prefixes the connection ("HTTPSConnection(host=..., port=...): ", "<... object at 0x..>: ").
    text = re.sub(r"^(<[^>]*>|\w*Connection(Pool)?\([^)]*\)|None):\s*", "", str(cause)) or type(cause).__name__
    return excerpt(text)


def transport_failure(exc: BaseException, method: str, url: str, service: str,
                      timeout: int) -> tuple[str, str | None]:
    """``(message, hint)`` for a request that got no HTTP response: which endpoint, and what to do."""
    parts = urlsplit(url)
    where = f"{parts.scheme}://{parts.netloc}"
    reason = _reason(exc)
    if rexc is not None and isinstance(exc, rexc.SSLError):
        return (f"TLS connection to the {service} endpoint {where} failed: {reason}",
                f"Set {option_hint('ca_path')} to the CA bundle that signed the server certificate, "
                "or check the endpoint's certificate and host name.")
    if rexc is not None and isinstance(exc, rexc.ReadTimeout):
        hint = f"Raise {option_hint('api_timeout')}."
        if method.upper() not in ("GET", "HEAD"):
            hint += " The request may have been executed: check the resource before re-running."
        return f"no response from the {service} endpoint {where} within {timeout} s", hint
    if rexc is not None and isinstance(exc, rexc.ConnectionError):
        if not_sent(exc):
            return (f"could not reach the {service} endpoint {where}: {reason}",
                    "Check the endpoint URL ('endpoints', 'auth_url', 'region'), DNS, proxy settings and firewalls.")
        hint = None
        if method.upper() not in ("GET", "HEAD"):
            hint = "The request may have been executed: check the resource before re-running."
        return f"the connection to the {service} endpoint {where} was lost before an answer: {reason}", hint
    return f"request to the {service} endpoint {where} failed: {reason}", None
