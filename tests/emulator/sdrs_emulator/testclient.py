"""Small requests-based client for tests and benchmarks that talk to a running emulator."""

import time
from urllib.parse import urlsplit

import requests


class EmulatorClient:
    """Token (or AK/SK) client for one project of a running emulator.

    `info` is the parsed connection file. Paths passed to `sdrs()`/`vbs()`/`ecs()` are relative
    to the project root (`/v1/{pid}`, `/v2/{pid}`). Note: a plain `requests.Session` lets
    REQUESTS_CA_BUNDLE override `session.verify`; `trust_env=False` avoids that.
    """

    def __init__(self, info: dict, auth: str = "token", project: str = "main"):
        self.info = info
        self.base = info["emulator_url"]
        self.verify = info.get("emulator_ca_path") or True
        self.session = requests.Session()
        self.session.trust_env = False
        self.auth = auth
        creds = info["sdrs_auth_token"] if project == "main" else info["sdrs_auth_other_project"]
        self.creds = creds
        self.pid = (info["emulator_project"] if project == "main" else info["emulator_other_project"])["id"]
        self.seed = info["emulator_seed"] if project == "main" else info["emulator_seed"]["other_project"]
        self._token = None

    # -- auth -----------------------------------------------------------------------
    def token(self, refresh: bool = False) -> str:
        if self._token is None or refresh:
            r = self.session.post(self.base + "/v3/auth/tokens", json=password_body(self.creds),
                                  verify=self.verify)
            r.raise_for_status()
            self._token = r.headers["X-Subject-Token"]
        return self._token

    def forget_token(self) -> None:
        self._token = None

    # -- requests --------------------------------------------------------------------
    def request(self, method: str, path: str, *, auth: str | None = None, **kw) -> requests.Response:
        auth = self.auth if auth is None else auth
        url = path if path.startswith("http") else self.base + path
        headers = dict(kw.pop("headers", {}) or {})
        if auth == "token":
            headers.setdefault("X-Auth-Token", self.token())
        elif auth == "aksk":
            body = kw.pop("json", None)
            data = b"" if body is None else requests.models.complexjson.dumps(body).encode()
            if body is not None:
                headers.setdefault("Content-Type", "application/json")
            headers.update(sign(method, url, self.info["sdrs_auth_aksk"], kw.pop("params", None),
                                data, headers))
            kw["data"] = data or None
            url = headers.pop("_url")
        return self.session.request(method, url, headers=headers, verify=self.verify, **kw)

    def sdrs(self, method: str, path: str = "", **kw) -> requests.Response:
        return self.request(method, f"/v1/{self.pid}{path}", **kw)

    def vbs(self, method: str, path: str = "", **kw) -> requests.Response:
        return self.request(method, f"/v2/{self.pid}{path}", **kw)

    def ecs(self, method: str, path: str = "", **kw) -> requests.Response:
        return self.request(method, f"/v1/{self.pid}/cloudservers{path}", **kw)

    def admin(self, method: str, path: str = "", **kw) -> requests.Response:
        return self.session.request(method, f"{self.base}/_emulator{path}", verify=self.verify, **kw)

    # -- conveniences ------------------------------------------------------------------
    def wait_job(self, job_id: str, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.sdrs("GET", f"/jobs/{job_id}").json()
            if job.get("status") in ("SUCCESS", "FAIL"):
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job.get('status')}")
            time.sleep(0.02)

    def run_job(self, resp: requests.Response, expect: str = "SUCCESS") -> dict:
        assert resp.status_code == 200, resp.text
        job = self.wait_job(resp.json()["job_id"])
        assert job["status"] == expect, job
        return job

    def create_group(self, name: str = "pg-test", **over) -> str:
        body = {"name": name, "source_availability_zone": "eu-de-01",
                "target_availability_zone": "eu-de-02",
                "domain_id": self.seed["domains"]["ActiveactiveDomain"],
                "source_vpc_id": self.seed["vpcs"].get("vpc-prod") or next(iter(self.seed["vpcs"].values()))}
        body.update(over)
        job = self.run_job(self.sdrs("POST", "/server-groups", json={"server_group": body}))
        return job["entities"]["server_group_id"]

    def protect(self, group_id: str, server: str, name: str | None = None, **over) -> str:
        body = {"server_group_id": group_id, "server_id": self.seed["servers"][server],
                "name": name or f"{server}-pi"}
        body.update(over)
        job = self.run_job(self.sdrs("POST", "/protected-instances", json={"protected_instance": body}))
        return job["entities"]["protected_instance_id"]

    def group_action(self, group_id: str, action: str, expect: str = "SUCCESS", **params) -> dict:
        return self.run_job(self.sdrs("POST", f"/server-groups/{group_id}/action",
                                      json={action: params}), expect)

    def set_server_status(self, server_id: str, status: str) -> None:
        self.admin("POST", f"/servers/{server_id}/status", json={"status": status}).raise_for_status()


def password_body(creds: dict) -> dict:
    dom = {"name": creds["user_domain_name"]}
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": creds["username"], "password": creds["password"], "domain": dom}}},
        "scope": {"project": {"name": creds["project_name"], "domain": dom}}}}


def sign(method: str, url: str, aksk: dict, params, body: bytes, headers: dict,
         sdk_date: str | None = None, secret: str | None = None) -> dict:
    """Sign with huaweicloudsdkcore's own signer (an independent implementation of §7.2).

    Returns the headers to send plus `_url` (the URL with the signer's canonical query)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    parts = urlsplit(url)
    query = list((params or {}).items()) if isinstance(params, dict) else list(params or [])
    hdrs = {"X-Project-Id": aksk["project_id"], **dict(headers.items())}
    if sdk_date:
        hdrs["X-Sdk-Date"] = sdk_date
    req = SdkRequest(method=method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
                     query_params=query, header_params=hdrs, body=body or "")
    creds = BasicCredentials(ak=aksk["access_key"], sk=secret or aksk["secret_key"],
                             project_id=aksk["project_id"])
    signed = Signer(creds).sign(req)
    out = dict(signed.header_params)
    out["_url"] = f"{parts.scheme}://{parts.netloc}{signed.uri}"
    return out


def error_of(resp: requests.Response) -> tuple:
    """(HTTP status, error code) from a nested (`error.code`) or flat (`error_code`) body."""
    body = resp.json()
    if isinstance(body.get("error"), dict):
        return resp.status_code, body["error"].get("code")
    return resp.status_code, body.get("error_code")
