"""Keystone v3 subset: version documents, password/token auth with catalog, token checks."""

import secrets

from flask import Blueprint, current_app, jsonify, request

from .errors import ApiError
from .util import iso_z, now, stable_id_hex

bp = Blueprint("iam", __name__)


def _emu():
    return current_app.config["EMU"]


def _kerr(status: int, message: str) -> ApiError:
    return ApiError(status, str(status), message, style="keystone")


def version_doc(base: str) -> dict:
    return {"id": "v3.6", "status": "stable", "updated": "2016-04-04T00:00:00Z",
            "links": [{"rel": "self", "href": f"{base}/v3/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.identity-v3+json"}]}


def base_url() -> str:
    return request.host_url.rstrip("/")


@bp.route("/v3", methods=["GET"], strict_slashes=False)
def v3():
    return jsonify({"version": version_doc(base_url())})


def keystone_versions():
    resp = jsonify({"versions": {"values": [version_doc(base_url())]}})
    resp.status_code = 300  # keystone answers GET / with 300 Multiple Choices
    return resp


@bp.route("/v3/auth/tokens", methods=["POST"])
def issue_token():
    emu = _emu()
    body = request.get_json(force=True, silent=True)
    auth = body.get("auth") if isinstance(body, dict) else None
    if not isinstance(auth, dict) or not isinstance(auth.get("identity"), dict):
        raise _kerr(400, "Expecting to find auth.identity in request body.")
    identity = auth["identity"]
    methods = identity.get("methods") or []
    data = emu.store.data
    if "password" in methods:
        user = _password_user(data, identity.get("password") or {})
    elif "token" in methods:
        tok_id = (identity.get("token") or {}).get("id") or request.headers.get("X-Auth-Token")
        tok = check_token(tok_id, style="keystone")
        user = data["users"][tok["user_id"]]
    else:
        raise _kerr(401, "The request you have made requires authentication.")
    project, domain = _scope(data, user, auth.get("scope"))
    issued = now()
    token = {"id": "MIIEmu" + secrets.token_urlsafe(48), "user_id": user["id"],
             "project_id": project["id"] if project else None,
             "domain_scope": domain["id"] if domain else None, "methods": methods,
             "issued": issued, "expires": issued + float(emu.config["token_lifetime"])}
    data["tokens"][token["id"]] = token
    resp = jsonify({"token": token_body(token, catalog=request.args.get("nocatalog") != "true")})
    resp.status_code = 201
    resp.headers["X-Subject-Token"] = token["id"]
    return resp


@bp.route("/v3/auth/tokens", methods=["GET"])
def validate_token():
    check_token(request.headers.get("X-Auth-Token"), style="keystone")
    tok = check_token(request.headers.get("X-Subject-Token"), style="keystone", missing=404)
    resp = jsonify({"token": token_body(tok, catalog=request.args.get("nocatalog") != "true")})
    resp.headers["X-Subject-Token"] = tok["id"]
    return resp


@bp.route("/v3/auth/projects", methods=["GET"])
@bp.route("/v3/projects", methods=["GET"])
def list_projects():
    tok = check_token(request.headers.get("X-Auth-Token"), style="keystone")
    data = _emu().store.data
    user = data["users"][tok["user_id"]]
    name = request.args.get("name")
    out = []
    for pid in user["projects"]:
        p = data["projects"][pid]
        if name is None or p["name"] == name:
            out.append({"id": p["id"], "name": p["name"], "domain_id": p["domain_id"],
                        "enabled": True, "is_domain": False, "parent_id": p["domain_id"],
                        "description": "", "links": {"self": f"{base_url()}/v3/projects/{p['id']}"}})
    return jsonify({"projects": out, "links": {"self": request.url, "next": None, "previous": None}})


def _find_domain(data, ref: dict | None) -> dict | None:
    if not isinstance(ref, dict):
        return None
    for d in data["iam_domains"].values():
        if d["id"] == ref.get("id") or d["name"] == ref.get("name"):
            return d
    return None


def _password_user(data, password: dict) -> dict:
    u = password.get("user") or {}
    domain = _find_domain(data, u.get("domain"))
    for user in data["users"].values():
        by_id = u.get("id") and user["id"] == u["id"]
        by_name = u.get("name") == user["name"] and domain and domain["id"] == user["domain_id"]
        if (by_id or by_name) and u.get("password") == user["password"]:
            return user
    raise _kerr(401, "The username or password is wrong.")


def _scope(data, user: dict, scope) -> tuple:
    if not scope:
        return None, None
    if "project" in scope:
        ref = scope["project"] or {}
        for pid in user["projects"]:
            p = data["projects"][pid]
            if ref.get("id") == pid:
                return p, None
            if ref.get("name") == p["name"]:
                dom = _find_domain(data, ref.get("domain"))
                if dom is None or dom["id"] == p["domain_id"]:
                    return p, None
        raise _kerr(401, "The request you have made requires authentication (no access to project).")
    if "domain" in scope:
        dom = _find_domain(data, scope["domain"])
        if dom is None or dom["id"] != user["domain_id"]:
            raise _kerr(401, "The request you have made requires authentication (no access to domain).")
        return None, dom
    raise _kerr(400, "Unsupported scope.")


def check_token(token_id: str | None, style: str = "gateway", missing: int = 401) -> dict:
    """Return a valid token record or raise 401 (gateway body for services, keystone for IAM)."""
    tok = _emu().store.data["tokens"].get(token_id) if token_id else None
    if tok is None:
        msg = "The token is invalid or missing."
    elif now() >= tok["expires"]:
        msg = "The token has expired."
    else:
        return tok
    if style == "keystone":
        raise _kerr(missing, msg if missing == 401 else "Could not find token.")
    raise ApiError(401, "APIGW.0301", f"Incorrect IAM authentication information: {msg}",
                   style="gateway")


def token_body(tok: dict, catalog: bool = True) -> dict:
    data = _emu().store.data
    user = data["users"][tok["user_id"]]
    udom = data["iam_domains"][user["domain_id"]]
    body = {"methods": tok["methods"], "issued_at": iso_z(tok["issued"]),
            "expires_at": iso_z(tok["expires"]),
            "user": {"id": user["id"], "name": user["name"], "password_expires_at": "",
                     "domain": {"id": udom["id"], "name": udom["name"]}},
            "roles": [{"id": stable_id_hex("role", "te_admin"), "name": "te_admin"}]}
    if tok.get("project_id"):
        p = data["projects"][tok["project_id"]]
        body["project"] = {"id": p["id"], "name": p["name"],
                           "domain": {"id": udom["id"], "name": udom["name"]}}
        if catalog:
            body["catalog"] = build_catalog(p["id"], data["meta"]["region"])
    elif tok.get("domain_scope"):
        body["domain"] = {"id": udom["id"], "name": udom["name"]}
        if catalog:
            body["catalog"] = [c for c in build_catalog("", data["meta"]["region"])
                               if c["type"] == "identity"]
    return body


def build_catalog(pid: str, region: str) -> list:
    base = base_url()
    services = [("identity", "iam", f"{base}/v3"), ("sdrs", "sdrs", f"{base}/v1/{pid}"),
                ("vbs", "vbs", f"{base}/v2/{pid}"), ("vbsv2", "vbsv2", f"{base}/v2/{pid}"),
                ("ecs", "ecs", f"{base}/v1/{pid}"), ("compute", "nova", f"{base}/v2.1/{pid}")]
    return [{"type": t, "name": n, "id": stable_id_hex("service", t),
             "endpoints": [{"id": stable_id_hex("endpoint", t), "interface": "public",
                            "region": region, "region_id": region, "url": url}]}
            for t, n, url in services]
