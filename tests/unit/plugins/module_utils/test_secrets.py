# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret (password, secret key, security token, token) in any error text, warning or result."""

from __future__ import annotations

import json
import traceback
from urllib.parse import quote

import pytest
from requests import exceptions as rexc

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import CloudDrError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._http import redact
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PROJECT, SDRS, SECRET_KEY, SECURITY_TOKEN, TOKEN, Reply, make_params, password_params, token_params,
    token_reply)

PASSWORD = 'p"w\\d/ with spaces+&'  # needs JSON escaping and URL encoding to be echoed
ISSUED = "issued-token-SECRET-777"
SECRETS = (PASSWORD, SECRET_KEY, SECURITY_TOKEN, TOKEN, ISSUED)


def echo_everything(status=400):
    """A hostile service that echoes every secret in every form it can."""
    blob = " ".join(f"{s} {json.dumps(s)} {quote(s, safe='')}" for s in SECRETS)
    return Reply(status, json={"error": {"code": "SDRS.0201", "message": f"bad request {blob}"}},
                 headers={"X-Request-Id": f"req-{TOKEN}", "Location": f"https://x.test/?t={ISSUED}"})


def aksk_params():
    return make_params(access_key="AK", secret_key=SECRET_KEY, security_token=SECURITY_TOKEN,
                       project_id=PROJECT, endpoints={"sdrs": SDRS})


SCENARIOS = {
    "token kind, error body echo": (token_params, [echo_everything()]),
    "token kind, 401 echo": (token_params, [echo_everything(401)]),
    "aksk, 401 echo": (aksk_params, [echo_everything(401)]),
    "aksk, 403 echo": (aksk_params, [echo_everything(403)]),
    "password, IAM 401 echo": (lambda: password_params(password=PASSWORD), [echo_everything(401)]),
    "password, IAM 201 without token": (lambda: password_params(password=PASSWORD),
                                        [Reply(201, json={"token": {"note": PASSWORD}})]),
    "password, API echo of the issued token": (
        lambda: password_params(password=PASSWORD), [token_reply(token=ISSUED), echo_everything()]),
    "password, second 401": (
        lambda: password_params(password=PASSWORD),
        [token_reply(token=ISSUED), echo_everything(401), token_reply(token=ISSUED), echo_everything(401)]),
    "non-JSON error echo": (token_params, [Reply(500, body=f"<pre>{TOKEN} {SECRET_KEY}</pre>")]),
    "non-JSON success echo": (token_params, [Reply(200, body=f"token={TOKEN}")]),
    "redirect to a URL with the token": (token_params, [echo_everything(302)]),
    "connection error mentioning secrets": (
        token_params, [rexc.ConnectionError(f"proxy http://user:{PASSWORD}@proxy.test:3128 refused {TOKEN}")] * 5),
    "TLS error": (token_params, [rexc.SSLError(f"bad cert for {TOKEN}")]),
    "read timeout": (token_params, [rexc.ReadTimeout(f"timeout {TOKEN}")] * 5),
}


def _all_text(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]
    if hasattr(exc, "to_dict"):
        parts.append(json.dumps(exc.to_dict()))
    if getattr(exc, "hint", None):
        parts.append(exc.hint)
    return "\n".join(parts)


def _assert_clean(text: str, secrets=SECRETS) -> None:
    for secret in secrets:
        for form in (secret, json.dumps(secret)[1:-1], quote(secret, safe="")):
            assert form not in text, f"secret leaked: {form!r}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_secret_in_errors(make_client, transport, warnings, name, method):
    params, replies = SCENARIOS[name]
    transport.queue(*replies)
    client = make_client(params())
    with pytest.raises(CloudDrError) as info:
        client.request(method, "sdrs", "/server-groups/{}", "g1", body={"x": 1} if method == "POST" else None)
    # The secrets this client holds (a client cannot know, so cannot mask, anyone else's).
    held = client._secrets()  # pylint: disable=protected-access
    assert held
    _assert_clean(_all_text(info.value), held)
    _assert_clean(repr(client.creds), held)
    _assert_clean("\n".join(warnings), held)


def test_warnings_are_redacted(make_client):
    warnings = []
    client = make_client(token_params(validate_certs=False), warn=warnings.append)
    client.warn(f"something about {TOKEN}")
    assert warnings[-1] == "something about ********"


def test_config_errors_carry_no_secret():
    from ansible_collections.cloud_dr.sdrs.plugins.module_utils._auth import resolve
    cases = [make_params(password=PASSWORD), make_params(secret_key=SECRET_KEY),
             make_params(token=TOKEN), make_params(security_token=SECURITY_TOKEN, access_key="AK"),
             password_params(password=PASSWORD, endpoints={"sdrs": "nope"})]
    for params in cases:
        with pytest.raises(CloudDrError) as info:
            resolve(params, env={})
        _assert_clean(_all_text(info.value))


def test_redact_forms():
    text = f"a {PASSWORD} b {json.dumps(PASSWORD)} c {quote(PASSWORD, safe='')} d https://u:p@h/x"
    assert redact(text, [PASSWORD, "", None]) == 'a ******** b "********" c ******** d https://********@h/x'
