"""Admin API under /_emulator (no auth): log, reset, config, faults, state, out-of-band server ops."""

import json

from flask import Blueprint, current_app, jsonify, request

from . import infra
from .errors import ApiError
from .sdrs_groups import new_pg

bp = Blueprint("admin", __name__, url_prefix="/_emulator")


def _emu():
    return current_app.config["EMU"]


def _json() -> dict:
    body = request.get_json(force=True, silent=True)
    if body is None and request.get_data(cache=True):
        raise ApiError(400, "admin", "body is not valid JSON", style="gateway")
    return body if body is not None else {}


@bp.route("/health", methods=["GET"])
def health():
    return jsonify({"status": "ok"})


@bp.route("/requests", methods=["GET"])
def requests_log():
    try:
        since = int(request.args.get("since", 0))
    except ValueError:
        raise ApiError(400, "admin", "since must be an integer", style="gateway") from None
    return jsonify(_emu().log.since(since))


@bp.route("/requests", methods=["DELETE"])
def clear_requests():
    _emu().log.clear()
    return jsonify({"last_seq": _emu().log.seq})


@bp.route("/reset", methods=["POST"])
def reset():
    _emu().reset()
    return jsonify({"status": "reset"})


@bp.route("/config", methods=["GET"])
def get_config():
    return jsonify(_emu().config.values)


@bp.route("/config", methods=["PUT"])
def put_config():
    return jsonify(_emu().config.update(_json()))


@bp.route("/faults", methods=["GET"])
def list_faults():
    return jsonify({"faults": _emu().faults.list()})


@bp.route("/faults", methods=["POST"])
def add_fault():
    body = _json()
    specs = body if isinstance(body, list) else [body]
    rules = [_emu().faults.add(spec) for spec in specs]
    return jsonify(rules[0] if not isinstance(body, list) else {"faults": rules}), 201


@bp.route("/faults", methods=["DELETE"])
def clear_faults():
    _emu().faults.remove(None)
    return jsonify({"faults": []})


@bp.route("/faults/<rule_id>", methods=["DELETE"])
def delete_fault(rule_id):
    if not _emu().faults.remove(rule_id):
        raise ApiError(404, "admin", f"fault {rule_id} not found", style="gateway")
    return jsonify({"deleted": rule_id})


@bp.route("/state", methods=["GET"])
def state():
    return current_app.response_class(_emu().store.snapshot(), mimetype="application/json")


def _server(sid: str) -> dict:
    srv = _emu().store.get("servers", sid)
    if srv is None:
        raise ApiError(404, "admin", f"server {sid} not found", style="gateway")
    return srv


@bp.route("/servers/<sid>/delete", methods=["POST"])
def delete_server(sid):
    st = _emu().store
    infra.delete_server(st, _server(sid))
    hit = infra.invalidate_protected_instances(st, sid)
    st.save()
    return jsonify({"deleted": sid, "invalid_protected_instances": hit})


@bp.route("/servers/<sid>/status", methods=["POST"])
def server_status(sid):
    srv = _server(sid)
    status = _json().get("status")
    if status not in ("ACTIVE", "SHUTOFF", "ERROR"):
        raise ApiError(400, "admin", "status must be ACTIVE, SHUTOFF or ERROR", style="gateway")
    infra.set_power(srv, status)
    srv.pop("_task", None)
    _emu().store.save()
    return jsonify({"id": sid, "status": status})


@bp.route("/bulk/server-groups", methods=["POST"])
def bulk_groups():
    """Emulator extension for benchmarks: create N protection groups directly (no jobs, no quota)."""
    st = _emu().store
    body = _json()
    count = body.get("count", 1)
    if not isinstance(count, int) or not 1 <= count <= 100_000:
        raise ApiError(400, "admin", "count must be an integer 1..100000", style="gateway")
    pid = body.get("project_id") or next(p["id"] for p in st.data["projects"].values() if p.get("main"))
    vpc_id = body.get("vpc_id") or next(v["id"] for v in st.coll("vpcs").values() if v["_project"] == pid)
    domain = next(d for d in st.active_domains() if not d.get("sold_out"))
    prefix, status = body.get("name_prefix", "bulk-pg-"), body.get("status", "available")
    src = domain["local_replication_cluster"]["availability_zone"]
    tgt = domain["remote_replication_cluster"]["availability_zone"]
    ids = []
    for i in range(count):
        pg = st.add("server_groups", new_pg(pid, f"{prefix}{i:06d}", None, domain, src, tgt, vpc_id, status))
        ids.append(pg["id"])
    st.save()
    return jsonify({"ids": ids}), 201


@bp.route("/connection", methods=["GET"])
def connection():
    """The same JSON as the connection file (handy when only the URL is known)."""
    info = current_app.config.get("CONNECTION")
    if info is None:
        raise ApiError(404, "admin", "connection info not available", style="gateway")
    return current_app.response_class(json.dumps(info), mimetype="application/json")
