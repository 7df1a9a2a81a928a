# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AK/SK signer against huaweicloudsdkcore's own signer, and on the wire."""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlsplit

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _signer
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PROJECT, SDRS, SECRET_KEY, SECURITY_TOKEN, Reply, make_params)

NOW = datetime.datetime(2026, 11, 22, 10, 17, 13, tzinfo=datetime.timezone.utc)
AK = "MYAKEXAMPLE0001"
JSON = {"Content-Type": "application/json", "User-Agent": "cloud_dr.sdrs-ansible-collection"}

# (method, base url, path as sent (already quoted), query, headers, body)
CASES = [
    ("GET", "https://sdrs.eu-de.otc.t-systems.com", "/v1/proj123/server-groups", {}, JSON, b""),
    ("GET", "http://127.0.0.1:44999", "/v1/proj123/server-groups",
     {"limit": 10, "offset": 0, "name": "a b"}, JSON, b""),
    ("GET", "https://sdrs.example.test:8443", "/v1/p/protected-instances",
     {"name": "名前 ü+&=/?", "server_group_id": "g-1", "availability_zone": "eu-de-01"}, JSON, b""),
    ("GET", "https://sdrs.example.test", "/v1/p/server-groups",
     {"status": ["protected", "available", "error"], "z~tilde": "x*y'(z)!"}, JSON, None),
    ("GET", "https://sdrs.example.test", "/v1/p/replications", {"ids": ["b", "a", "b"]}, JSON, b""),
    ("GET", "https://sdrs.example.test", "/v1/p/server-groups", {"enabled": True, "x": False}, JSON, b""),
    ("POST", "https://sdrs.example.test:443", "/v1/p/server-groups",
     {}, JSON, json.dumps({"server_group": {"name": "pg 1", "description": "DR, ünïcode"}}).encode()),
    ("POST", "https://sdrs.example.test", "/v1/p/server-groups/abc/action",
     {}, JSON, b'{"start-server-group":{}}'),
    ("PUT", "https://sdrs.example.test", "/v1/p/server-groups/a%20b%2Fc%3F%25", {}, JSON, b'{"a":1}'),
    ("DELETE", "https://sdrs.example.test", "/v1/p/protected-instances/x",
     {}, JSON, b'{"delete_target_server":true,"delete_target_eip":false}'),
    ("GET", "https://vbs.example.test", "/v2/p/backuppolicy/%E5%90%8D", {}, {"Content-Type": "text/plain"}, b""),
    ("POST", "https://vbs.example.test", "/v2/p/upload", {}, {"Content-Type": "text/plain"}, b"raw payload"),
    ("GET", "https://sdrs.example.test", "/", {"empty": ""}, {"X_Underscored": "not signed", **JSON}, b""),
]


def _sdk_pairs(query: dict) -> list:
    # What the SDK's client does with query params ('multi' collection format): one pair per value.
    pairs = []
    for key, value in query.items():
        pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return pairs


def _sdk_sign(method, url, path, query, headers, body, security_token=None, date=NOW):
    signer_mod = pytest.importorskip(
        "huaweicloudsdkcore.signer.signer",
        reason="huaweicloudsdkcore is not installed: the reference signer is unavailable")
    sdk_request_mod = pytest.importorskip("huaweicloudsdkcore.sdk_request")

    class Creds:
        ak = AK
        sk = SECRET_KEY

    parts = urlsplit(url)
    header_params = dict(headers)
    header_params["X-Project-Id"] = PROJECT
    if security_token:
        header_params["X-Security-Token"] = security_token
    header_params["X-Sdk-Date"] = date.strftime("%Y%m%dT%H%M%SZ")
    request = sdk_request_mod.SdkRequest(method=method, schema=parts.scheme, host=parts.netloc,
                                         resource_path=path, query_params=_sdk_pairs(query),
                                         header_params=header_params, body=body)
    signer_mod.Signer(Creds).sign(request)
    return request


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]} {c[2]} {sorted(c[3])}" for c in CASES])
@pytest.mark.parametrize("security_token", [None, SECURITY_TOKEN])
def test_signature_matches_huaweicloudsdkcore(case, security_token):
    method, base, path, query, headers, body = case
    query_string = _signer.canonical_query(query)
    url = base + path + ("?" + query_string if query_string else "")
    reference = _sdk_sign(method, base + path, path, query, headers, body, security_token)

    ours = _signer.sign(method, url, headers, body, AK, SECRET_KEY, project_id=PROJECT,
                        security_token=security_token, now=NOW)

    assert ours["Authorization"] == reference.header_params["Authorization"]
    # ... and the URL we send is the one the SDK sends (same canonical query on the wire).
    assert path + ("?" + query_string if query_string else "") == reference.uri
    assert ours["Host"] == urlsplit(base).netloc
    assert ours["X-Sdk-Date"] == "20261122T101713Z"
    assert ours.get("X-Security-Token") == security_token


def test_canonical_parts():
    assert _signer.canonical_uri("/v1/p/server-groups") == "/v1/p/server-groups/"
    assert _signer.canonical_uri("/v1/p/a%20b/") == "/v1/p/a%20b/"
    assert _signer.canonical_uri("") == "/"
    assert _signer.canonical_query({"b": ["2", "1"], "a": "x y", "c": None, "d": True}) == "a=x%20y&b=1&b=2&d=true"
    assert _signer.canonical_query(None) == ""


def test_signed_headers_and_empty_body_hash():
    headers = _signer.sign("GET", "https://h:1/x", {"Content-Type": "application/json", "A_B": "1"}, None,
                           AK, SECRET_KEY, project_id="p", now=NOW)
    assert "SignedHeaders=content-type;host;x-project-id;x-sdk-date," in headers["Authorization"]
    assert headers["Host"] == "h:1"
    assert "X-Sdk-Content-Sha256" not in headers
    with pytest.raises(ValueError):
        _signer.sign("GET", "https://h/x", {}, None, AK, "", now=NOW)


def _signed_wire_request(make_client, transport):
    transport.queue(Reply(json={"server_groups": []}))
    client = make_client(make_params(access_key=AK, secret_key=SECRET_KEY, project_id=PROJECT,
                                     security_token=SECURITY_TOKEN, endpoints={"sdrs": SDRS}))
    client.get("sdrs", "/server-groups", query=WIRE_QUERY)
    call = transport.calls[0]
    auth = call.headers["Authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    received = {k: v for k, v in call.headers.items() if k.lower() in signed}
    return call, auth, signed, received


WIRE_QUERY = {"name": "a b+c ü", "status": ["protected", "available"], "limit": 10}


def test_client_sends_exactly_what_it_signed(make_client, transport):
    """The wire request (after requests prepared it) verifies like a gateway would check it."""
    call, auth, signed, received = _signed_wire_request(make_client, transport)
    wire = urlsplit(call.url)
    assert wire.query == _signer.canonical_query(WIRE_QUERY)
    assert wire.query == "limit=10&name=a%20b%2Bc%20%C3%BC&status=available&status=protected"
    assert signed == ["accept", "content-type", "host", "user-agent", "x-project-id", "x-sdk-date",
                      "x-security-token"]
    assert call.headers["X-Project-Id"] == PROJECT
    assert call.headers["X-Security-Token"] == SECURITY_TOKEN
    assert "X-Auth-Token" not in call.headers
    # Re-sign the received request from its signed headers alone: same signature.
    date = datetime.datetime.strptime(received["X-Sdk-Date"], "%Y%m%dT%H%M%SZ")
    assert _signer.sign("GET", call.url, received, call.body, AK, SECRET_KEY, now=date)["Authorization"] == auth


def test_wire_request_verifies_with_huaweicloudsdkcore(make_client, transport):
    call, auth, _signed, received = _signed_wire_request(make_client, transport)
    wire = urlsplit(call.url)
    date = datetime.datetime.strptime(received["X-Sdk-Date"], "%Y%m%dT%H%M%SZ")
    reference = _sdk_sign("GET", f"{wire.scheme}://{wire.netloc}{wire.path}", wire.path,
                          {"limit": "10", "name": "a b+c ü", "status": ["available", "protected"]},
                          {k: v for k, v in received.items()
                           if k.lower() not in ("x-sdk-date", "x-project-id", "x-security-token")},
                          call.body, SECURITY_TOKEN, date)
    assert reference.header_params["Authorization"] == auth
    assert reference.uri == f"{wire.path}?{wire.query}"
