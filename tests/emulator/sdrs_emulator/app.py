"""Flask app factory: routing glue, auth, fault injection, request log, error rendering."""

import re
import socket
import time
import traceback
import uuid

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from . import (admin, aksk, ecs, iam, sdrs_drills, sdrs_groups, sdrs_instances, sdrs_other,
               sdrs_pi_ops, sdrs_pi_tags, sdrs_replications, vbs)
from .config import Config
from .errors import ApiError, gateway, render
from .faults import Faults
from .jobs import JobEngine
from .reqlog import RequestLog, is_mutating
from .state import Store
from .util import now

JOB_MODULES = (sdrs_groups, sdrs_instances, sdrs_pi_ops, sdrs_replications, sdrs_drills, ecs)
BLUEPRINT_MODULES = (iam, sdrs_groups, sdrs_instances, sdrs_pi_ops, sdrs_pi_tags, sdrs_replications,
                     sdrs_drills, sdrs_other, ecs, vbs, admin)
_PID_RE = re.compile(r"^/(v1|v2|v2\.1)/([^/]+)(/.*)?$")


class Emulator:
    """Everything one running emulator owns; stored in `app.config["EMU"]`."""

    def __init__(self, seed_path: str, state_file: str | None = None, job_duration: float = 2.0,
                 token_lifetime: float = 86400, clock_skew: float = 900,
                 fault_seed: int | None = None, error_shape: str = "nested"):
        self.store = Store(seed_path, state_file)
        self.config = Config(job_durations={"default": job_duration}, token_lifetime=token_lifetime,
                             clock_skew=clock_skew, error_shape=error_shape)
        self.faults = Faults(fault_seed)
        self.engine = JobEngine(self.store, self.config, self.faults)
        self.log = RequestLog()
        for module in JOB_MODULES:
            module.register(self)

    def reset(self) -> None:
        with self.store.lock:
            self.store.reset()
            self.engine.rebuild()
            self.faults.reset()
            self.log.clear()
            self.config.reset()
            self.store.dirty = True
            self.store.flush()


def classify(path: str) -> str:
    """Service by path prefix (contract §2: one port, routing by path)."""
    if path.startswith("/_emulator"):
        return "admin"
    if path == "/" or path.startswith("/v3"):
        return "iam"
    if path.startswith("/v2.1"):
        return "nova"
    m = _PID_RE.match(path)
    if m and m.group(1) == "v1" and (m.group(3) or "").startswith("/cloudservers"):
        return "ecs"
    if path.startswith("/v1"):
        return "sdrs"
    if path.startswith("/v2/") or path == "/v2":
        return "vbs"
    return "unknown"


def log_service(service: str) -> str:
    return "ecs" if service == "nova" else service


def drop_connection() -> None:
    """Close the TCP connection under the request so the client sees a connection error."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def create_app(emu: Emulator) -> Flask:
    app = Flask("sdrs_emulator")
    app.config["EMU"] = emu
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(module.bp)

    @app.before_request
    def _before():
        g.t0 = time.monotonic()
        g.service = classify(request.path)
        g.auth, g.fault, g.drop_after, g.dropped, g.locked = "none", None, False, False, False
        m = _PID_RE.match(request.path)
        g.project_id = m.group(2) if m and g.service != "iam" else None
        if g.service == "admin":
            emu.store.lock.acquire()
            g.locked = True
            if emu.engine.settle_due():  # /state shows what a service call would see now
                emu.store.save()
            return None
        rule = emu.faults.match_request(request.method, request.path, log_service(g.service))
        expire = False
        if rule:
            g.fault = rule["id"]
            action = rule["action"]
            if action == "latency":
                time.sleep(float(rule["latency"]))  # outside the state lock on purpose
            elif action == "drop_before":
                g.dropped = True
                drop_connection()
                return app.response_class(b"", status=502)
            elif action == "status":
                raise _fault_error(rule)
            elif action == "drop_after":
                g.drop_after = True
            elif action == "expire_token":
                expire = True
        emu.store.lock.acquire()
        g.locked = True
        if expire:
            tok = emu.store.data["tokens"].get(request.headers.get("X-Auth-Token") or "")
            if tok:
                tok["expires"] = min(tok["expires"], now() - 1)
        if request.url_rule is not None and g.project_id is not None:
            _authenticate(emu)
        g.changed = emu.engine.settle_due()
        return None

    @app.after_request
    def _after(resp):
        resp.headers["X-Request-Id"] = uuid.uuid4().hex
        if g.get("service") == "admin":
            return resp
        mutating = is_mutating(request.method, request.path)
        if (mutating or g.get("changed")) and not g.get("dropped"):
            emu.store.save()
        emu.log.append({
            "time": now(), "method": request.method, "path": request.path,
            "query": request.query_string.decode("latin-1"),
            "status": None if (g.get("dropped") or g.get("drop_after")) else resp.status_code,
            "service": log_service(g.get("service", "unknown")), "auth": g.get("auth", "none"),
            "project_id": g.get("project_id"), "mutating": mutating, "fault": g.get("fault"),
            "duration": round(time.monotonic() - g.get("t0", time.monotonic()), 6)})
        if g.get("drop_after"):
            drop_connection()
        return resp

    @app.teardown_request
    def _teardown(_exc):
        if g.get("locked"):
            g.locked = False
            emu.store.lock.release()

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return render(err, emu.config["error_shape"])

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if err.code in (404, 405):
            msg = "The API does not exist or has not been published in the environment"
            if err.code == 405:
                msg += f" (method {request.method} not allowed on {request.path})"
            return render(gateway(404, "APIGW.0101", msg))
        return render(ApiError(err.code or 500, "HTTP", err.description or str(err), style="gateway"))

    @app.errorhandler(Exception)
    def _crash(exc: Exception):
        traceback.print_exc()
        return render(ApiError(500, _internal_code(), f"Internal error: {exc!r}"),
                      emu.config["error_shape"])

    @app.route("/", methods=["GET"])
    def _root():
        # One port, two "GET /": the HW SDK's list_api_versions (signed) gets the SDRS document,
        # everything else (keystoneauth discovery) the keystone one.
        if request.headers.get("Authorization", "").startswith("SDK-") or \
                request.headers.get("X-Project-Id"):
            g.service = "sdrs"
            return jsonify({"versions": [sdrs_other.sdrs_version()]})
        return iam.keystone_versions()

    return app


def _internal_code() -> str:
    return {"sdrs": "SDRS.0013", "vbs": "AutoBackup.0009", "ecs": "Ecs.0000"}.get(
        g.get("service"), "APIGW.0103")


def _fault_error(rule: dict) -> ApiError:
    status = rule["status"]
    headers = {}
    if rule.get("retry_after") is not None:
        headers["Retry-After"] = str(rule["retry_after"])
    if status == 429:
        return gateway(429, rule.get("error_code") or "APIGW.0308",
                       rule.get("error_message") or "The throttling threshold has been reached",
                       headers)
    if status in (502, 503, 504):
        return gateway(status, rule.get("error_code") or "APIGW.0201",
                       rule.get("error_message") or "Backend unavailable (injected fault)", headers)
    return ApiError(status, rule.get("error_code") or _internal_code(),
                    rule.get("error_message") or "Injected fault", headers=headers)


def _authenticate(emu: Emulator) -> None:
    """X-Auth-Token or SDK-HMAC-SHA256; then the path project must be the caller's (403)."""
    data = emu.store.data
    token = request.headers.get("X-Auth-Token")
    authz = request.headers.get("Authorization", "")
    if token:
        tok = iam.check_token(token)
        g.auth = "token"
        allowed = [tok["project_id"]] if tok.get("project_id") else []
    elif authz.startswith("SDK-"):
        cred = aksk.verify(request, data["credentials"], float(emu.config["clock_skew"]), now())
        g.auth = "aksk"
        allowed = data["users"][cred["user_id"]]["projects"]
        header_pid = request.headers.get("X-Project-Id")
        if header_pid and header_pid != g.project_id:
            raise gateway(403, "APIGW.0302",
                          f"X-Project-Id {header_pid} does not match the project in the URL")
    else:
        raise gateway(401, "APIGW.0301",
                      "Incorrect IAM authentication information: no X-Auth-Token or AK/SK signature")
    if g.project_id not in allowed:
        raise gateway(403, "APIGW.0302",
                      f"The credentials are not authorized for project {g.project_id}")
