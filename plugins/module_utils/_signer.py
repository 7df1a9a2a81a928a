# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AK/SK request signing (SDK-HMAC-SHA256, as huaweicloudsdkcore). Internal to this collection."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any, Iterable, Mapping
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
CONTENT_SHA256 = "X-Sdk-Content-Sha256"


def _encode(text: str) -> str:
    """RFC 3986 percent-encoding as the SDK does it: only ``A-Za-z0-9-._~`` stay literal."""
    return quote(text, safe="~")


def _text(value: Any) -> str:
    # Booleans are lower-case on the wire, as in the SDK; everything else is str().
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query_pairs(query: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> list[tuple[str, str]]:
    """Flatten a query (dict with scalar or list values, or pairs) into sorted ``(key, value)``
    text pairs; ``None`` values are left out (an omitted filter, not an empty one)."""
    items = query.items() if isinstance(query, Mapping) else (query or [])
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((str(key), _text(v)) for v in values if v is not None)
    # Sorted as text, by key then value. The SDK sorts the raw values, which differs only for
    # repeated numeric values of one key; the gateway canonicalises the query it receives as
    # text, so text order is the one that verifies, and it is what we send.
    return sorted(pairs)


def canonical_query(query: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> str:
    """The canonical query string; the client sends exactly this string as the URL query."""
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in query_pairs(query))


def _pairs_from_url_query(raw: str) -> list[tuple[str, str]]:
    # Split by hand: parse_qsl would turn a literal '+' into a space.
    pairs = []
    for part in raw.split("&"):
        if part:
            key, _sep, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def canonical_uri(path: str) -> str:
    """Decode the path, re-encode each segment (RFC 3986) and end it with ``/``."""
    uri = "/".join(_encode(segment) for segment in unquote(path or "/").split("/"))
    return uri if uri.endswith("/") else uri + "/"


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign(method: str, url: str, headers: Mapping[str, str], body: bytes | None,
         access_key: str, secret_key: str, *, project_id: str | None = None,
         security_token: str | None = None, now: datetime.datetime | None = None) -> dict:
    """Sign one request; return the headers to add (``X-Sdk-Date``, ``Host``, ``X-Project-Id``,
    ``X-Security-Token``, ``Authorization`` ...).

    ``url`` must carry the query exactly as it will be sent (see :func:`canonical_query`).
    Every header in ``headers`` whose name has no ``_`` is signed, so pass the headers that will
    really be sent; headers the HTTP library adds later (``Accept-Encoding`` ...) are not signed.
    """
    if not access_key or not secret_key:
        raise ValueError("AK/SK signing needs both an access key and a secret key")
    parts = urlsplit(url)
    all_headers = dict(headers)
    added: dict = {}
    if project_id:
        added["X-Project-Id"] = project_id
    if security_token:
        added["X-Security-Token"] = security_token
    content_type = _get(all_headers, "Content-Type")
    if content_type and not content_type.startswith(("application/json", "application/bson")):
        added[CONTENT_SHA256] = "UNSIGNED-PAYLOAD"
    when = now or datetime.datetime.now(datetime.timezone.utc)
    added["X-Sdk-Date"] = when.strftime(DATE_FORMAT)
    if _get(all_headers, "Host") is None:
        added["Host"] = parts.netloc
    all_headers.update(added)

    # Later duplicates of a name (any case) win, as in the SDK's header map.
    canonical = {name.lower(): str(value).strip() for name, value in all_headers.items()}
    signed = sorted(name.lower() for name in all_headers if "_" not in name)
    canonical_headers = "".join(f"{name}:{canonical[name]}\n" for name in signed)
    if not body:
        payload_hash = EMPTY_HASH
    else:
        payload_hash = _get(all_headers, CONTENT_SHA256) or _sha256_hex(body)
    canonical_request = "\n".join([
        method.upper(), canonical_uri(parts.path),
        canonical_query(_pairs_from_url_query(parts.query)),
        canonical_headers, ";".join(signed), payload_hash,
    ])
    string_to_sign = "\n".join([ALGORITHM, added["X-Sdk-Date"], _sha256_hex(canonical_request.encode("utf-8"))])
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    added["Authorization"] = f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    return added


def _get(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None
