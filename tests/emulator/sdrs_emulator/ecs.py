"""ECS v1 (cloudservers: show, list, start/stop jobs, resize flavors) and nova v2.1 server show."""

from flask import Blueprint, g, jsonify, request

from . import infra
from .errors import ApiError, bad
from .util import ecs_time

bp = Blueprint("ecs", __name__)
P = "/v1/<pid>/cloudservers"
NOT_FOUND, FORBIDDEN = "Ecs.0114", "Ecs.0013"
VM_STATE = {"ACTIVE": "active", "SHUTOFF": "stopped", "BUILD": "building", "ERROR": "error"}
POWER = {"ACTIVE": 1, "SHUTOFF": 4}
ACTIONS = {"os-start": ("startServer", "ACTIVE", "powering-on"),
           "os-stop": ("stopServer", "SHUTOFF", "powering-off"),
           "reboot": ("rebootServer", "ACTIVE", "rebooting")}


def _emu():
    from flask import current_app
    return current_app.config["EMU"]


def _server(sid: str, nova: bool = False) -> dict:
    srv = _emu().store.get("servers", sid)
    if srv is None:
        if nova:
            raise ApiError(404, "404", f"Instance {sid} could not be found.")
        raise ApiError(404, NOT_FOUND, f"Instance[{sid}] could not be found.")
    if srv["_project"] != g.project_id:
        if nova:
            raise ApiError(403, "403", "Policy doesn't allow this operation on another project's server.")
        raise ApiError(403, FORBIDDEN, "The server belongs to another project.")
    return srv


def _flavor_view(fid: str) -> dict:
    fl = _emu().store.flavor(fid) or {"id": fid, "name": fid, "vcpus": 0, "ram": 0, "disk": 0, "gpus": []}
    return {"id": fl["id"], "name": fl["name"], "vcpus": str(fl["vcpus"]), "ram": str(fl["ram"]),
            "disk": str(fl["disk"]), "gpus": fl.get("gpus", []), "asic_accelerators": []}


def _common(srv: dict) -> dict:
    st = _emu().store
    addresses: dict = {}
    for nic in srv["nics"]:
        addresses.setdefault(srv["vpc_id"], []).append({
            "version": 4, "addr": nic["ip"], "OS-EXT-IPS:type": "fixed",
            "OS-EXT-IPS-MAC:mac_addr": nic["mac"], "OS-EXT-IPS:port_id": nic["port_id"]})
    vols = []
    for vid in srv["volume_ids"]:
        vol = st.get("volumes", vid)
        dev = vol and infra.device_of(vol, srv["id"])
        if dev:
            vols.append({"id": vid, "delete_on_termination": "false", "device": dev,
                         "bootIndex": "0" if vol["bootable"] and dev.endswith("da") else None})
    return {
        "id": srv["id"], "name": srv["name"], "status": srv["status"], "addresses": addresses,
        "tenant_id": srv["_project"], "metadata": {"vpc_id": srv["vpc_id"], "image_name": srv["image_name"],
                                                   **srv.get("metadata", {})},
        "key_name": srv.get("key_name"), "created": ecs_time(srv["created"]),
        "updated": ecs_time(srv["updated"]), "OS-EXT-AZ:availability_zone": srv["az"],
        "OS-EXT-STS:vm_state": VM_STATE.get(srv["status"], "error"),
        "OS-EXT-STS:power_state": POWER.get(srv["status"], 0),
        "OS-EXT-STS:task_state": srv.get("_task"), "OS-DCF:diskConfig": "MANUAL",
        "os-extended-volumes:volumes_attached": vols, "security_groups": [{"name": "default"}],
        "OS-SRV-USG:launched_at": ecs_time(srv["created"]), "OS-SRV-USG:terminated_at": None,
        "accessIPv4": "", "accessIPv6": "", "hostId": srv["id"].replace("-", "")[:24],
        "image": {"id": "emulator-image-" + srv["image_name"]}, "locked": False, "tags": [],
        "description": "", "host_status": "UP"}


def ecs_view(srv: dict) -> dict:
    out = _common(srv)
    out["flavor"] = _flavor_view(srv["flavor_id"])
    return out


def nova_view(srv: dict) -> dict:
    out = _common(srv)
    base = request.host_url.rstrip("/")
    out["flavor"] = {"id": srv["flavor_id"], "links": [
        {"rel": "bookmark", "href": f"{base}/v2.1/{srv['_project']}/flavors/{srv['flavor_id']}"}]}
    out["os-extended-volumes:volumes_attached"] = [
        {"id": v["id"], "delete_on_termination": False} for v in out["os-extended-volumes:volumes_attached"]]
    out["links"] = [{"rel": "self", "href": f"{base}/v2.1/{srv['_project']}/servers/{srv['id']}"}]
    return out


@bp.route(P + "/<sid>", methods=["GET"])
def show(pid, sid):
    return jsonify({"server": ecs_view(_server(sid))})


@bp.route(P + "/detail", methods=["GET"])
def list_servers(pid):
    a = request.args
    try:
        limit = int(a.get("limit", 25))
        page = max(1, int(a.get("offset", 1)))  # ECS `offset` is a 1-based page number
    except ValueError:
        raise bad("Ecs.0005", "Invalid limit or offset") from None
    if not 1 <= limit <= 1000:
        raise bad("Ecs.0005", "limit must be 1..1000")
    name = (a.get("name") or "").lower()
    items = sorted((s for s in _emu().store.coll("servers").values()
                    if s["_project"] == pid and name in s["name"].lower()
                    and (not a.get("status") or s["status"] == a["status"])
                    and (not a.get("flavor") or s["flavor_id"] == a["flavor"])),
                   key=lambda s: s["_seq"], reverse=True)
    chunk = items[(page - 1) * limit: page * limit]
    return jsonify({"count": len(items), "servers": [ecs_view(s) for s in chunk]})


@bp.route(P + "/action", methods=["POST"])
def action(pid):
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ACTIONS:
        raise bad("Ecs.0005", f"Request body must hold one of {sorted(ACTIONS)}")
    key = next(iter(body))
    spec = body[key] if isinstance(body[key], dict) else {}
    refs = spec.get("servers")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, dict) and r.get("id") for r in refs):
        raise bad("Ecs.0005", f"{key}.servers must be a non-empty list of {{'id': ...}}")
    if key != "os-start" and spec.get("type", "SOFT") not in ("SOFT", "HARD"):
        raise bad("Ecs.0005", "type must be SOFT or HARD")
    servers = [_server(r["id"]) for r in refs]
    job_type, final, task = ACTIONS[key]
    for srv in servers:
        srv["_task"] = task
    ids = [s["id"] for s in servers]
    job = _emu().engine.submit(pid, job_type, "ecs_power", {"servers": ids, "status": final},
                               entities={"sub_jobs_total": len(ids)},
                               sub_jobs=[{"job_type": job_type, "server_id": i} for i in ids],
                               service="ecs")
    return jsonify({"job_id": job})


@bp.route(P + "/resize_flavors", methods=["GET"])
def resize_flavors(pid):
    st = _emu().store
    current = request.args.get("source_flavor_id")
    if request.args.get("instance_uuid"):
        current = _server(request.args["instance_uuid"])["flavor_id"]
    if not current:
        raise bad("Ecs.0005", "instance_uuid or source_flavor_id is required")
    out = []
    for fl in st.coll("flavors").values():
        if fl["id"] == current or not fl["sdrs_supported"]:
            continue
        out.append({"id": fl["id"], "name": fl["name"], "vcpus": str(fl["vcpus"]), "ram": fl["ram"],
                    "disk": str(fl["disk"]), "swap": "", "OS-FLV-EXT-DATA:ephemeral": 0,
                    "OS-FLV-DISABLED:disabled": False, "rxtx_factor": 1, "rxtx_quota": None,
                    "rxtx_cap": None, "os-flavor-access:is_public": True, "links": [],
                    "extra_specs": {"ecs:performancetype": "computingv3" if fl["id"].startswith("c")
                                    else "normal", "cond:operation:status": "normal"}})
    return jsonify({"flavors": out})


@bp.route("/v2.1", methods=["GET"])
def nova_version():
    base = request.host_url.rstrip("/")
    return jsonify({"version": {"id": "v2.1", "status": "CURRENT", "version": "2.60", "min_version": "2.1",
                                "updated": "2013-07-23T11:33:21Z",
                                "links": [{"rel": "self", "href": f"{base}/v2.1/"}],
                                "media-types": [{"base": "application/json",
                                                 "type": "application/vnd.openstack.compute+json;version=2.1"}]}})


@bp.route("/v2.1/<pid>/servers/<sid>", methods=["GET"])
def nova_show(pid, sid):
    return jsonify({"server": nova_view(_server(sid, nova=True))})


@bp.route("/v2.1/<pid>/servers/detail", methods=["GET"])
def nova_list(pid):
    servers = sorted((s for s in _emu().store.coll("servers").values() if s["_project"] == pid),
                     key=lambda s: s["_seq"], reverse=True)
    return jsonify({"servers": [nova_view(s) for s in servers]})


def register(emulator) -> None:
    st = emulator.store

    def done(job, args, ok):
        for sid in args["servers"]:
            srv = st.get("servers", sid)
            if srv is None:
                continue
            srv.pop("_task", None)
            if ok:
                infra.set_power(srv, args["status"])

    emulator.engine.register("ecs_power", lambda j, a: done(j, a, True), lambda j, a: done(j, a, False))
