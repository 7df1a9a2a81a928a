# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client at its boundary: the exact requests it sends and what it makes of the answers."""

from __future__ import annotations

import pytest
from requests import exceptions as rexc
from urllib3 import exceptions as uexc

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import ApiError, CheckModeError, CloudDrError
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PASSWORD, PROJECT, SDRS, TOKEN, Reply, password_params, token_params, token_reply)

BASE = f"{SDRS}/v1/{PROJECT}"
GROUP = {"server_group": {"id": "g1", "name": "pg", "status": "available"}}


def test_url_builder_quotes_every_argument(make_client, transport):
    transport.default = Reply(json=GROUP)
    client = make_client()
    client.get("sdrs", "/server-groups/{}", "g1")
    client.get("sdrs", "/protected-instances/{}/nic/{}", "a b/../c", "ü?#%")
    assert [c.url for c in transport.calls] == [
        f"{BASE}/server-groups/g1",
        f"{BASE}/protected-instances/a%20b%2F..%2Fc/nic/%C3%BC%3F%23%25",
    ]
    with pytest.raises(ValueError, match="takes 1 argument"):
        client.get("sdrs", "/server-groups/{}")
    with pytest.raises(CloudDrError, match="identifier is empty"):
        client.delete("sdrs", "/server-groups/{}", "")
    with pytest.raises(CloudDrError, match="identifier is empty"):
        client.get("sdrs", "/server-groups/{}", None)
    assert len(transport.calls) == 2


def test_endpoints_per_service(make_client):
    client = make_client()
    assert client.endpoint("sdrs") == BASE
    assert client.endpoint("vbs") == f"{SDRS}/v2/{PROJECT}"
    assert client.endpoint("vbs_jobs") == BASE
    assert client.endpoint("ecs") == BASE
    assert client.project_id == PROJECT
    with pytest.raises(ValueError):
        client.endpoint("evs")


def test_region_pattern_without_endpoints(make_client):
    client = make_client(token_params(endpoints=None, region="eu-nl"))
    assert client.endpoint("vbs") == f"https://vbs.eu-nl.otc.t-systems.com/v2/{PROJECT}"


def test_request_shape_timeouts_and_tls(make_client, transport):
    transport.queue(Reply(json={"server_groups": []}), Reply(204), Reply(json={"job_id": "j1"}))
    client = make_client(token_params(api_timeout=12))
    query = {"name": "pg 1", "limit": 5, "status": None, "ids": ["b", "a"]}
    assert client.get("sdrs", "/server-groups", query=query) == {"server_groups": []}
    assert client.delete("sdrs", "/protected-instances/{}/tags/{}", "i1", "k") is None
    assert client.delete("sdrs", "/protected-instances/{}", "i1",
                         body={"delete_target_server": True}) == {"job_id": "j1"}
    first, second, third = transport.calls
    assert first.url == f"{BASE}/server-groups?ids=a&ids=b&limit=5&name=pg%201"
    assert first.timeout == (12, 12) and first.verify is True
    assert first.headers["X-Auth-Token"] == TOKEN
    assert first.headers["Content-Type"] == "application/json"
    assert first.body is None and second.method == "DELETE"
    assert third.json == {"delete_target_server": True}
    assert client.request_count == 3


def test_ca_path_and_insecure(make_client, transport, warnings, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    transport.default = Reply(json={})
    make_client(token_params(ca_path=str(ca))).get("sdrs", "/x")
    make_client(token_params(validate_certs=False)).get("sdrs", "/x")
    assert [c.verify for c in transport.calls] == [str(ca), False]
    assert any("validate_certs: false" in w for w in warnings)


def test_non_json_success_body_is_an_error(make_client, transport):
    transport.queue(Reply(200, body="<html><body>Welcome to nginx</body></html>"))
    with pytest.raises(ApiError, match="not JSON: Welcome to nginx"):
        make_client().get("sdrs", "/server-groups")


def test_redirect_is_not_followed(make_client, transport):
    transport.queue(Reply(301, headers={"Location": "https://elsewhere.test/v1"}, reason="Moved Permanently"))
    with pytest.raises(ApiError) as info:
        make_client().get("sdrs", "/server-groups")
    assert len(transport.calls) == 1
    assert "redirects to https://elsewhere.test/v1" in str(info.value)


# -- password auth -------------------------------------------------------------------------
def test_password_auth_uses_token_project_and_catalog(make_client, transport):
    transport.queue(token_reply(), Reply(json=GROUP))
    client = make_client(password_params(), check_mode=True)
    assert client.get("sdrs", "/server-groups/{}", "g1") == GROUP
    auth, call = transport.calls
    assert (auth.method, auth.url) == ("POST", "https://iam.example.test/v3/auth/tokens")
    assert auth.json["auth"]["scope"] == {"project": {"name": "eu-de_dr", "domain": {"name": "OTC-EU-DE-000"}}}
    assert "X-Auth-Token" not in auth.headers
    assert call.url == f"https://sdrs.catalog.test/v1/{PROJECT}/server-groups/g1"
    assert call.headers["X-Auth-Token"] == TOKEN
    assert client.project_id == PROJECT
    # endpoints not in the catalog come from the region pattern; explicit ones win
    assert client.endpoint("vbs") == f"https://vbs.eu-de.otc.t-systems.com/v2/{PROJECT}"
    assert len(transport.calls) == 2


def test_explicit_endpoint_beats_catalog(make_client, transport):
    transport.queue(token_reply())
    client = make_client(password_params(endpoints={"sdrs": "https://127.0.0.1:8443"}))
    assert client.endpoint("sdrs") == f"https://127.0.0.1:8443/v1/{PROJECT}"


def test_region_from_token_project_selects_catalog_entry(make_client, transport):
    catalog = [{"type": "sdrs", "endpoints": [
        {"interface": "public", "region": "eu-de", "url": "https://de"},
        {"interface": "public", "region": "eu-nl", "url": "https://nl/v1"}]}]
    transport.queue(token_reply(name="eu-nl_prod", catalog=catalog))
    client = make_client(password_params(project_name=None, project_id=PROJECT))
    assert client.endpoint("sdrs") == f"https://nl/v1/{PROJECT}"


def test_401_reauthenticates_once_and_replays_once(make_client, transport):
    transport.queue(token_reply(token="t-old"), Reply(401, json={"error": {"code": 401, "message": "expired"}}),
                    token_reply(token="t-new"), Reply(json=GROUP))
    client = make_client(password_params())
    assert client.get("sdrs", "/server-groups/{}", "g1") == GROUP
    methods = [(c.method, c.headers.get("X-Auth-Token")) for c in transport.calls]
    assert methods == [("POST", None), ("GET", "t-old"), ("POST", None), ("GET", "t-new")]


def test_second_401_fails(make_client, transport):
    transport.queue(token_reply(), Reply(401, json={"error": {"code": 401, "message": "nope"}}),
                    token_reply(), Reply(401, json={"error_code": "APIGW.0301", "error_msg": "bad token"}))
    with pytest.raises(ApiError) as info:
        make_client(password_params()).post("sdrs", "/server-groups", body={"server_group": {}})
    assert (info.value.status, info.value.code) == (401, "APIGW.0301")
    assert len(transport.calls) == 4
    assert TOKEN not in str(info.value)


def test_token_kind_does_not_reauthenticate(make_client, transport):
    transport.queue(Reply(401, json={"error": {"code": 401, "message": "The request you have made requires "
                                                                       "authentication."}}))
    with pytest.raises(ApiError, match=r"token may have expired.*OS_AUTH_TOKEN"):
        make_client().get("sdrs", "/server-groups")
    assert len(transport.calls) == 1


def test_iam_refusal(make_client, transport):
    transport.queue(Reply(401, json={"error": {"code": 401, "message": "The username or password is wrong.",
                                               "title": "Unauthorized"}}))
    with pytest.raises(ApiError) as info:
        make_client(password_params()).get("sdrs", "/server-groups")
    text = str(info.value)
    assert "POST /v3/auth/tokens failed (HTTP 401): The username or password is wrong." in text
    assert "Check 'auth_url', 'username', 'password'" in text
    assert PASSWORD not in text


def test_iam_without_subject_token(make_client, transport):
    transport.queue(Reply(201, json={"token": {}}))
    with pytest.raises(ApiError, match="without an X-Subject-Token"):
        make_client(password_params()).get("sdrs", "/server-groups")


# -- check mode ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_check_mode_refuses_mutations_without_sending(make_client, transport, method):
    client = make_client(check_mode=True)
    with pytest.raises(CheckModeError, match=f"refused to send {method} /server-groups/g1 to sdrs"):
        client.request(method, "sdrs", "/server-groups/{}", "g1", body={"x": 1})
    assert transport.calls == []
    assert client.request_count == 0


def test_check_mode_allows_reads_and_read_only_posts(make_client, transport):
    transport.default = Reply(json={"resources": []})
    client = make_client(check_mode=True)
    client.get("sdrs", "/server-groups")
    client.request("HEAD", "sdrs", "/server-groups")
    client.post("sdrs", "/protected-instances/resource_instances/action", body={"action": "filter"}, read_only=True)
    assert [c.method for c in transport.calls] == ["GET", "HEAD", "POST"]


# -- retries -------------------------------------------------------------------------------
def _connect_refused():
    return rexc.ConnectionError(uexc.MaxRetryError(None, "/x", reason=uexc.NewConnectionError(
        None, "Failed to establish a new connection: [Errno 111] Connection refused")))


def _reset():
    return rexc.ConnectionError(uexc.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


def test_get_retried_on_503_with_retry_after(make_client, transport, clock):
    transport.queue(Reply(503, headers={"Retry-After": "7"}), Reply(502), Reply(json=GROUP))
    assert make_client().get("sdrs", "/server-groups/{}", "g1") == GROUP
    assert len(transport.calls) == 3
    assert clock.sleeps[0] == 7.0
    assert 0 <= clock.sleeps[1] <= 1.0  # full jitter, second attempt: [0, 1]


def test_retry_after_http_date(make_client, transport, clock):
    transport.queue(Reply(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), Reply(json={}))
    make_client().post("sdrs", "/server-groups", body={})
    assert clock.sleeps == [0.0]  # a date in the past: retry at once
    assert len(transport.calls) == 2


def test_retries_stop_at_attempt_bound(make_client, transport, clock):
    transport.default = Reply(503, json={"error": {"code": "SDRS.0011", "message": "busy"}})
    with pytest.raises(ApiError) as info:
        make_client(token_params(api_retries=3)).get("sdrs", "/server-groups")
    assert len(transport.calls) == 3 and len(clock.sleeps) == 2
    assert (info.value.status, info.value.code) == (503, "SDRS.0011")


def test_retries_stop_at_time_bound(make_client, transport, clock):
    transport.default = Reply(429, headers={"Retry-After": "25"})
    with pytest.raises(ApiError, match="throttled"):
        make_client(token_params(api_retries=10)).get("sdrs", "/server-groups")
    assert clock.sleeps == [25.0, 25.0]  # a third wait would pass the 60 s budget
    assert len(transport.calls) == 3


def test_retry_after_beyond_budget_is_not_waited(make_client, transport, clock):
    transport.default = Reply(503, headers={"Retry-After": "3600"})
    with pytest.raises(ApiError):
        make_client().get("sdrs", "/server-groups")
    assert clock.sleeps == [] and len(transport.calls) == 1


def test_default_bound_total_sleep(make_client, transport, clock):
    transport.default = Reply(504)
    with pytest.raises(ApiError):
        make_client().get("sdrs", "/server-groups")
    assert len(transport.calls) == 5 and sum(clock.sleeps) <= 60


@pytest.mark.parametrize("failure", [
    lambda: rexc.ReadTimeout("read timed out"), _reset, lambda: rexc.ChunkedEncodingError("broken"),
])
def test_get_retried_after_lost_response(make_client, transport, failure):
    transport.queue(failure(), Reply(json=GROUP))
    assert make_client().get("sdrs", "/server-groups/{}", "g1") == GROUP
    assert len(transport.calls) == 2


@pytest.mark.parametrize("failure, status", [
    (lambda: rexc.ReadTimeout("read timed out"), None), (_reset, None),
    (lambda: Reply(502), 502), (lambda: Reply(503), 503), (lambda: Reply(504), 504),
])
def test_post_not_repeated_after_lost_response(make_client, transport, failure, status):
    transport.queue(failure(), Reply(json={"job_id": "j1"}))
    with pytest.raises(ApiError) as info:
        make_client().post("sdrs", "/server-groups", body={"server_group": {"name": "pg"}})
    assert len(transport.calls) == 1
    assert info.value.status == status


def test_post_read_timeout_message(make_client, transport):
    transport.queue(rexc.ReadTimeout("read timed out"))
    with pytest.raises(ApiError, match=r"no response .* within 30 s.*api_timeout.*may have been executed"):
        make_client().post("sdrs", "/server-groups", body={})


@pytest.mark.parametrize("failure", [
    _connect_refused, lambda: rexc.ConnectTimeout("connect timed out"),
    lambda: rexc.ConnectionError(uexc.MaxRetryError(None, "/", reason=uexc.ConnectTimeoutError("timeout"))),
    lambda: Reply(429, headers={"Retry-After": "1"}),
])
def test_post_repeated_when_it_provably_did_not_arrive(make_client, transport, failure):
    transport.queue(failure(), Reply(json={"job_id": "j1"}))
    assert make_client().post("sdrs", "/server-groups", body={}) == {"job_id": "j1"}
    assert len(transport.calls) == 2
    assert transport.calls[0].body == transport.calls[1].body


def test_connection_failure_names_endpoint(make_client, transport):
    transport.default = _connect_refused()
    with pytest.raises(ApiError) as info:
        make_client().get("sdrs", "/server-groups")
    exc = info.value
    assert exc.status is None and len(transport.calls) == 5
    assert "could not reach the sdrs endpoint https://sdrs.example.test:8443: Failed to establish" in str(exc)
    assert "object at 0x" not in str(exc)


def test_tls_failure_is_not_retried_and_names_ca_path(make_client, transport):
    transport.default = rexc.SSLError(uexc.MaxRetryError(None, "/", reason=uexc.SSLError(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate")))
    with pytest.raises(ApiError) as info:
        make_client().get("sdrs", "/server-groups")
    assert len(transport.calls) == 1
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert "'ca_path' (env OS_CACERT)" in str(info.value)


# -- errors --------------------------------------------------------------------------------
@pytest.mark.parametrize("reply, code, message", [
    (Reply(400, json={"error": {"code": "SDRS.1013", "message": "PG not found"}}), "SDRS.1013", "PG not found"),
    (Reply(400, json={"badrequest": {"code": "SDRS.0201", "message": "bad"}}), "SDRS.0201", "bad"),
    (Reply(400, json={"badRequest": {"code": "AutoBackup.0205", "message": "no policy"}}),
     "AutoBackup.0205", "no policy"),
    (Reply(404, json={"itemNotFound": {"code": 404, "message": "Instance could not be found"}}),
     None, "Instance could not be found"),
    (Reply(400, json={"conflictingRequest": {"code": "Ecs.0114", "message": "gone"}}), "Ecs.0114", "gone"),
    (Reply(400, json={"error_code": "SDRS.0208", "error_msg": "invalid PI id", "request_id": "r-9"}),
     "SDRS.0208", "invalid PI id"),
    (Reply(400, json={"errorCode": "SDRS.1608", "errorMsg": "RP not found"}), "SDRS.1608", "RP not found"),
    (Reply(409, json={"code": "SDRS.1002", "message": "wrong state"}), "SDRS.1002", "wrong state"),
    (Reply(500, json={"message": "Internal Server Error"}), None, "Internal Server Error"),
    (Reply(400, json={"error": "plain string"}), None, "plain string"),
    (Reply(502, body="<html><h1>502 Bad Gateway</h1>\n<p>nginx</p></html>"), None, "502 Bad Gateway nginx"),
    (Reply(500, body="x" * 500), None, "x" * 197 + "..."),
    (Reply(418, reason="I'm a teapot"), None, "HTTP 418 I'm a teapot"),
    (Reply(400, json=["unexpected"]), None, "HTTP 400"),
])
def test_error_shapes(make_client, transport, reply, code, message):
    transport.default = reply
    with pytest.raises(ApiError) as info:
        make_client(token_params(api_retries=1)).get("sdrs", "/server-groups/{}", "g1")
    exc = info.value
    assert (exc.status, exc.code, exc.message) == (reply.status, code, message)
    assert (exc.method, exc.path) == ("GET", f"/v1/{PROJECT}/server-groups/g1")


@pytest.mark.parametrize("reply, not_found", [
    (Reply(400, json={"error": {"code": "SDRS.1013", "message": "x"}}), True),
    (Reply(400, json={"error_code": "SDRS.0208", "error_msg": "x"}), True),
    (Reply(400, json={"badRequest": {"code": "AutoBackup.1100", "message": "x"}}), True),
    (Reply(404, json={"itemNotFound": {"code": 404, "message": "x"}}), True),
    (Reply(404), True),
    (Reply(404, json={"error_code": "APIGW.0101", "error_msg": "The API does not exist"}), False),
    (Reply(400, json={"error": {"code": "SDRS.1002", "message": "x"}}), False),
])
def test_not_found_mapping(make_client, transport, reply, not_found):
    transport.default = reply
    client = make_client()
    if not_found:
        assert client.get_or_none("sdrs", "/server-groups/{}", "g1") is None
    else:
        with pytest.raises(ApiError):
            client.get_or_none("sdrs", "/server-groups/{}", "g1")


def test_request_id(make_client, transport):
    transport.queue(Reply(400, json={"error": {"code": "SDRS.0201", "message": "m"}},
                          headers={"X-Openstack-Request-Id": "req-1"}),
                    Reply(400, json={"error_code": "SDRS.0201", "error_msg": "m", "request_id": "req-2"}))
    client = make_client()
    for expected in ("req-1", "req-2"):
        with pytest.raises(ApiError) as info:
            client.get("sdrs", "/x")
        assert info.value.request_id == expected
        assert f"[request id {expected}]" in str(info.value)


# -- pagination ----------------------------------------------------------------------------
def test_list_all_pages_until_short_page(make_client, transport):
    transport.queue(Reply(json={"server_groups": [{"id": 1}, {"id": 2}], "count": 5}),
                    Reply(json={"server_groups": [{"id": 3}, {"id": 4}], "count": 5}),
                    Reply(json={"server_groups": [{"id": 5}], "count": 5}))
    items = make_client().list_all("sdrs", "/server-groups", "server_groups", query={"name": "pg"}, page_size=2)
    assert [i["id"] for i in items] == [1, 2, 3, 4, 5]
    assert [c.url.split("?")[1] for c in transport.calls] == [
        "limit=2&name=pg&offset=0", "limit=2&name=pg&offset=2", "limit=2&name=pg&offset=4"]


def test_list_all_stops_at_count_and_refuses_loops(make_client, transport):
    transport.queue(Reply(json={"server_groups": [{"id": 1}, {"id": 2}], "count": 2}))
    assert len(make_client().list_all("sdrs", "/server-groups", "server_groups", page_size=2)) == 2
    transport.default = Reply(json={"server_groups": [{"id": 1}, {"id": 2}]})
    with pytest.raises(CloudDrError, match="did not advance"):
        make_client().list_all("sdrs", "/server-groups", "server_groups", page_size=2)


def test_lost_connection_message(make_client, transport):
    transport.queue(_reset())
    with pytest.raises(ApiError) as info:
        make_client().post("sdrs", "/server-groups", body={})
    text = str(info.value)
    assert "connection to the sdrs endpoint https://sdrs.example.test:8443 was lost before an answer: [Errno 104] reset" in text
    assert "may have been executed" in text and "could not reach" not in text
