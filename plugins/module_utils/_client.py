# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The REST client: one session, auth, URLs, retries, check mode, errors. Internal to this collection."""

from __future__ import annotations

import json
import time
import traceback
from typing import Any, Callable, Mapping
from urllib.parse import quote, urlsplit

from ._auth import (SERVICES, catalog_url, check_url, normalise_root, option_hint, pattern_root,
                    region_from_project, resolve, service_base, token_request, tokens_url)
from ._errors import ApiError, CheckModeError, CloudDrError
from ._http import excerpt, parse_error, redact, request_id, transport_failure
from ._retry import RetryPolicy, send_with_retries
from ._signer import canonical_query, sign

try:
    import requests
    import urllib3
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = urllib3 = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

USER_AGENT = "cloud_dr.sdrs-ansible-collection"
READ_METHODS = frozenset({"GET", "HEAD"})


class Client:
    """One client (and one ``requests.Session``) per module run.

    Authentication is lazy: nothing is sent before the first request. ``request_count`` counts
    every HTTP attempt sent, the IAM token request and retries included.
    """

    def __init__(self, params: Mapping[str, Any], *, check_mode: bool = False,
                 warn: Callable[[str], Any] | None = None, session: Any = None,
                 sleep: Callable[[float], Any] = time.sleep) -> None:
        self.creds = resolve(params)
        self.check_mode = check_mode
        self._warn_callback = warn
        self._sleep = sleep
        self._session = session if session is not None else requests.Session()
        self._timeout = (self.creds.timeout, self.creds.timeout)
        self._policy = RetryPolicy(self.creds.retries)
        self._token = self.creds.token
        self._project_id = self.creds.project_id
        self._catalog: Any = None
        self._authenticated = self.creds.kind != "password"
        self._bases: dict = {}
        self._count = 0
        if self.creds.verify is False:
            self.warn("TLS certificate validation is disabled (validate_certs: false): use this only "
                      "against a test endpoint.")
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    # -- what modules read -----------------------------------------------------------------
    @property
    def project_id(self) -> str:
        self._ensure_auth()
        return str(self._project_id)

    @property
    def request_count(self) -> int:
        return self._count

    def endpoint(self, service: str) -> str:
        """Base URL of ``service`` (``sdrs``, ``vbs``, ``ecs``, ``vbs_jobs``): explicit
        ``endpoints`` > token catalog > region pattern, normalised to ``root/vN/{project_id}``."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        if service not in self._bases:
            self._ensure_auth()
            name = SERVICES[service][0]
            url = self.creds.endpoints.get(name)
            if not url and self._catalog is not None:
                url = catalog_url(self._catalog, name, self.creds.region)
            if not url:
                url = pattern_root(self.creds.cloud_provider, name, self.creds.region)
            root = check_url(normalise_root(url, self._project_id), f"The {name} endpoint")
            self._bases[service] = service_base(root, service, str(self._project_id))
        return self._bases[service]

    @property
    def attempts(self) -> int:
        """How many times in all a request may be sent (``api_retries``)."""
        return self._policy.attempts

    def pause(self, attempt: int) -> None:
        """Wait the retry policy's backoff after failed attempt number ``attempt`` (1-based)."""
        self._sleep(self._policy.backoff(attempt))

    def warn(self, message: str) -> None:
        if self._warn_callback is not None:
            self._warn_callback(self._redact(message))

    # -- requests ----------------------------------------------------------------------------
    def request(self, method: str, service: str, template: str, *args: Any, query: Any = None,
                body: Any = None, read_only: bool | None = None, headers: Mapping[str, str] | None = None,
                idempotent: bool | None = None) -> Any:
        """Send one API request; return the parsed JSON (``None`` for an empty body).

        ``template`` is relative to the service base, with one ``{}`` per positional argument;
        each argument is percent-quoted into its place. ``read_only=True`` marks a POST that
        changes nothing (tag queries), so it may run in check mode. ``idempotent`` overrides the
        method's retry class (see ``_retry.py``): ``True`` for a POST whose repetition has the same
        effect (tag and volume associations), ``False`` for a DELETE that starts a job (a second
        one is refused while the first runs, so a lost answer must be found out by reading).
        """
        method = method.upper()
        relative = self._path(template, args)
        if self.check_mode and method not in READ_METHODS and not read_only:
            raise CheckModeError(f"Check mode: refused to send {method} {relative} to {service}; a module "
                                 "must not change anything in check mode (this is a bug, please report it).")
        url = self.endpoint(service) + relative
        path = urlsplit(url).path
        wire_query = canonical_query(query)  # signed and sent byte for byte as built here
        if wire_query:
            url += "?" + wire_query
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        response = self._send(method, url, path, data, headers, service, idempotent)
        if response.status_code == 401 and self.creds.kind == "password":
            # The token expired during a long run: authenticate once more and replay once.
            self._authenticate()
            response = self._send(method, url, path, data, headers, service, idempotent)
        return self._result(method, path, response)

    def get(self, service: str, template: str, *args: Any, query: Any = None,
            headers: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", service, template, *args, query=query, headers=headers)

    def get_or_none(self, service: str, template: str, *args: Any, query: Any = None,
                    headers: Mapping[str, str] | None = None) -> Any:
        """GET, or ``None`` when the API says the resource does not exist (habit 9)."""
        try:
            return self.get(service, template, *args, query=query, headers=headers)
        except ApiError as exc:
            if exc.not_found:
                return None
            raise

    def post(self, service: str, template: str, *args: Any, body: Any = None, query: Any = None,
             read_only: bool | None = None, headers: Mapping[str, str] | None = None,
             idempotent: bool | None = None) -> Any:
        return self.request("POST", service, template, *args, query=query, body=body,
                            read_only=read_only, headers=headers, idempotent=idempotent)

    def put(self, service: str, template: str, *args: Any, body: Any = None, query: Any = None,
            headers: Mapping[str, str] | None = None) -> Any:
        return self.request("PUT", service, template, *args, query=query, body=body, headers=headers)

    def delete(self, service: str, template: str, *args: Any, body: Any = None, query: Any = None,
               headers: Mapping[str, str] | None = None, idempotent: bool | None = None) -> Any:
        """DELETE; SDRS takes a JSON body on some deletes (protected instances)."""
        return self.request("DELETE", service, template, *args, query=query, body=body, headers=headers,
                            idempotent=idempotent)

    def list_all(self, service: str, template: str, list_key: str, query: Any = None,
                 page_size: int = 1000) -> list:
        """Every item of an offset/limit-paginated list, reading pages until a short one."""
        items: list = []
        previous = None
        while True:
            page_query = dict(query or {}, offset=len(items), limit=page_size)
            page = self.get(service, template, query=page_query) or {}
            chunk = page.get(list_key) or []
            if chunk and chunk == previous:
                raise CloudDrError(f"Listing {template} did not advance past offset {len(items)}: the "
                                   "service ignores 'offset'; refusing to loop.")
            items.extend(chunk)
            count = page.get("count")
            if len(chunk) < page_size or (isinstance(count, int) and len(items) >= count):
                return items
            previous = chunk

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _path(template: str, args: tuple) -> str:
        pieces = template.split("{}")
        if len(pieces) != len(args) + 1:
            raise ValueError(f"path template {template!r} takes {len(pieces) - 1} argument(s), got {len(args)}")
        out = pieces[0]
        for arg, piece in zip(args, pieces[1:]):
            if arg is None or str(arg) == "":
                raise CloudDrError(f"Cannot address {template}: an identifier is empty.")
            out += quote(str(arg), safe="") + piece
        return out

    def _secrets(self) -> list:
        return self.creds.secrets() + ([self._token] if self._token else [])

    def _redact(self, text: Any) -> str:
        return redact(text, self._secrets())

    def _ensure_auth(self) -> None:
        if not self._authenticated:
            self._authenticate()

    def _authenticate(self) -> None:
        """Password auth: ``POST {auth_url}/auth/tokens`` (auth, not a mutation: allowed in check
        mode, and retried like a GET since a second token harms nothing)."""
        url = tokens_url(str(self.creds.auth_url))
        path = urlsplit(url).path
        data = json.dumps(token_request(self.creds)).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": USER_AGENT}
        response = self._attempts("POST", url, path, lambda: headers, data, "IAM", idempotent=True)
        token = response.headers.get("X-Subject-Token")
        if response.status_code not in (200, 201) or not token:
            if 200 <= response.status_code < 300:
                raise self._error("IAM answered without an X-Subject-Token header", status=response.status_code,
                                  method="POST", path=path, request_id=request_id(response.headers))
            self._result("POST", path, response, hint=(
                "Check 'auth_url', 'username', 'password', 'user_domain_name' and the project "
                "('project_id' or 'project_name')." if response.status_code in (400, 401, 403, 404) else None))
        self._token = token
        try:
            body = response.json().get("token") or {}
        except (ValueError, AttributeError):
            body = {}
        project = body.get("project") or {}
        if project.get("id"):
            self._project_id = project["id"]
        if not self._project_id:
            raise self._error("the IAM token is not scoped to a project", status=response.status_code,
                              method="POST", path=path, hint="Set 'project_id' or 'project_name'.")
        if not self.creds.region_explicit:
            self.creds.region = region_from_project(project.get("name")) or self.creds.region
        self._catalog = body.get("catalog")
        self._authenticated = True

    def _auth_headers(self, method: str, url: str, headers: dict, data: bytes | None) -> dict:
        if self.creds.kind == "aksk":
            return sign(method, url, headers, data, str(self.creds.access_key), str(self.creds.secret_key),
                        project_id=self._project_id, security_token=self.creds.security_token)
        return {"X-Auth-Token": str(self._token)}

    def _send(self, method: str, url: str, path: str, data: bytes | None,
              extra: Mapping[str, str] | None, service: str, idempotent: bool | None = None) -> Any:
        def headers() -> dict:
            base = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": USER_AGENT}
            base.update(extra or {})
            base.update(self._auth_headers(method, url, base, data))  # re-signed on every attempt
            return base
        return self._attempts(method, url, path, headers, data, service, idempotent)

    def _attempts(self, method: str, url: str, path: str, headers: Callable[[], dict], data: bytes | None,
                  service: str, idempotent: bool | None = None) -> Any:
        def attempt() -> Any:
            self._count += 1
            # No redirects: a signature covers one URL, and a token must not follow to another host.
            return self._session.request(method, url, data=data, headers=headers(), timeout=self._timeout,
                                         verify=self.creds.verify, allow_redirects=False)
        try:
            return send_with_retries(attempt, method, self._policy, idempotent=idempotent, sleep=self._sleep)
        except requests.RequestException as exc:
            raise self._transport_error(exc, method, path, url, service) from None

    def _result(self, method: str, path: str, response: Any, hint: str | None = None) -> Any:
        status = response.status_code
        content = response.content or b""
        if 200 <= status < 300:
            if not content.strip():
                return None
            try:
                return json.loads(content)
            except ValueError:
                raise self._error(f"the response is not JSON: {excerpt(content.decode('utf-8', 'replace'))}",
                                  status=status, method=method, path=path,
                                  request_id=request_id(response.headers)) from None
        code, message, data = parse_error(status, content, response.reason)
        raise self._error(message, status=status, code=code, method=method, path=path,
                          request_id=request_id(response.headers, data),
                          hint=hint or self._hint(status, response))

    def _hint(self, status: int, response: Any) -> str | None:
        if status == 401:
            return {"password": "The IAM token was refused even after re-authenticating: check the user's "
                                "access to the project.",
                    "token": f"The token may have expired or belong to another project: set a new {option_hint('token')}.",
                    "aksk": "Check 'access_key', 'secret_key', 'project_id' and the clock of the managed host "
                            "(signatures are valid for about 15 minutes)."}[self.creds.kind]
        if status == 403:
            return "The user lacks the permission for this operation in the project: check its IAM roles."
        if status == 429:
            return "The API throttled the requests: try again later or run fewer tasks in parallel."
        if 300 <= status < 400:
            return f"The endpoint redirects to {response.headers.get('Location')}: put the final URL in 'endpoints'."
        return None

    def _error(self, message: str, **kwargs: Any) -> ApiError:
        """Every ApiError of the client goes through here, so no secret reaches its text."""
        for key in ("path", "hint", "request_id", "code"):
            if kwargs.get(key) is not None:
                kwargs[key] = self._redact(kwargs[key])
        return ApiError(self._redact(message), **kwargs)

    def _transport_error(self, exc: Exception, method: str, path: str, url: str, service: str) -> ApiError:
        message, hint = transport_failure(exc, method, url, service, self.creds.timeout)
        return self._error(message, status=None, method=method, path=path, hint=hint)
