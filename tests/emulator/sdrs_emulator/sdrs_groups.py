"""SDRS protection groups (PG1-PG9): CRUD, enable/disable/failover/planned failover, job effects."""

from flask import Blueprint, jsonify, request

from . import infra
from .errors import bad
from .sdrs_common import (TRANSIENT, body_obj, check_description, check_name, check_query_type,
                          child_counts, children, emu, fuzzy, newest_first, owned, paginate,
                          paging, pg_view, production_az, query_type_ok, store)
from .util import new_id, sdrs_time

bp = Blueprint("sdrs_groups", __name__)
P = "/v1/<pid>/server-groups"

# Per action: job type, sub-job type, allowed PG statuses, transient/success/failure status.
ACTIONS = {
    "start": ("startProtectionGroupNoCG", {"available", "error-starting"},
              "starting", "protected", "error-starting", "startFail"),
    "reprotect": ("reprotectProtectionGroupNoCG", {"failed-over", "error-reprotecting"},
                  "reprotecting", "protected", "error-reprotecting", "reprotectFail"),
    "stop": ("stopProtectionGroupNoCG", {"protected", "error-stopping"},
             "stopping", "available", "error-stopping", "stopFail"),
    "failover": ("failoverProtectionGroupNoCG", {"protected", "error-failing-over", "error-reversing"},
                 "failing-over", "failed-over", "error-failing-over", "failoverFail"),
    "reverse": ("reverseProtectionGroupNoCG", {"protected", "error-reversing"},
                "reversing", "protected", "error-reversing", "reverseFail"),
}
ACTION_KEYS = {"start-server-group": "start", "stop-server-group": "stop",
               "failover-server-group": "failover", "reverse-server-group": "reverse"}
DELETABLE = {"available", "error", "error-deleting", "error-starting", "error-stopping",
             "error-reversing", "error-failing-over", "error-reprotecting", "failed-over"}
SKIP_CHILD = {"error", "invalid", "error-deleting"}  # children that do not follow PG actions


def new_pg(project_id: str, name: str, description, domain: dict, src_az: str, tgt_az: str,
           vpc_id: str, status: str = "creating") -> dict:
    t = sdrs_time()
    return {"id": new_id(), "name": name, "description": description, "status": status,
            "progress": 0, "source_availability_zone": src_az, "target_availability_zone": tgt_az,
            "domain_id": domain["id"], "domain_name": domain["name"], "priority_station": "source",
            "protected_status": None, "replication_status": None, "health_status": None,
            "source_vpc_id": vpc_id, "target_vpc_id": vpc_id, "test_vpc_id": None,
            "dr_type": "migration", "server_type": "ECS", "created_at": t, "updated_at": t,
            "protection_type": "replication-pair", "replication_model": None,
            "_project": project_id, "_last_drill": None}


@bp.route(P, methods=["POST"])
def create(pid):
    sg = body_obj("server_group")
    name = check_name(sg.get("name"))
    desc = check_description(sg.get("description"))
    domain = next((d for d in store().active_domains() if d["id"] == sg.get("domain_id")), None)
    if domain is None:
        raise bad("SDRS.0205", f"Invalid domain ID: {sg.get('domain_id')}")
    if domain.get("sold_out"):
        raise bad("SDRS.0205", f"Invalid domain ID: active-active domain {domain['name']} is sold out")
    pair = {domain["local_replication_cluster"]["availability_zone"],
            domain["remote_replication_cluster"]["availability_zone"]}
    src, tgt = sg.get("source_availability_zone"), sg.get("target_availability_zone")
    if src not in pair or tgt not in pair or src == tgt:
        raise bad("SDRS.0203", f"Invalid AZ: source/target must be the two AZs of domain {domain['name']}")
    vpc = store().get("vpcs", sg.get("source_vpc_id"))
    if vpc is None or vpc["_project"] != pid:
        raise bad("SDRS.0204", f"Invalid VPC: {sg.get('source_vpc_id')}")
    if sg.get("dr_type", "migration") not in (None, "migration"):
        raise bad("SDRS.0201", "Invalid request parameters: dr_type must be migration")
    used = sum(1 for r in store().coll("server_groups").values() if r["_project"] == pid)
    if used >= int(emu().config["quotas"]["server_groups"]):
        raise bad("SDRS.0305", "Insufficient protection group quota")
    pg = store().add("server_groups", new_pg(pid, name, desc, domain, src, tgt, vpc["id"]))
    job = emu().engine.submit(pid, "createProtectionGroupNoCG", "pg_create", {"pg": pg["id"]},
                              entities={"server_group_id": pg["id"]}, failure=_failure(pg, "createFail"))
    return jsonify({"job_id": job})


@bp.route(P, methods=["GET"])
def list_groups(pid):
    limit, offset, marker = paging()
    qt = check_query_type()
    name, status, az = (request.args.get(k) for k in ("name", "status", "availability_zone"))
    items = [pg for pg in store().coll("server_groups").values()
             if pg["_project"] == pid and (not status or pg["status"] == status)
             and fuzzy(name, pg["name"]) and (not az or production_az(pg) == az)
             and query_type_ok(qt, pg, None)]
    items = newest_first(items)
    page = paginate(items, "server_groups", limit, offset, marker)
    counts = child_counts(pid)
    return jsonify({"server_groups": [pg_view(pg, counts) for pg in page], "count": len(items)})


@bp.route(P + "/<gid>", methods=["GET"])
def show(pid, gid):
    return jsonify({"server_group": pg_view(owned("server_groups", gid))})


@bp.route(P + "/<gid>", methods=["PUT"])
def rename(pid, gid):
    pg = owned("server_groups", gid)
    sg = body_obj("server_group")
    pg["name"] = check_name(sg.get("name"))
    pg["updated_at"] = sdrs_time()
    return jsonify({"server_group": pg_view(pg)})


@bp.route(P + "/<gid>", methods=["DELETE"])
def delete(pid, gid):
    pg = owned("server_groups", gid)
    if pg["status"] not in DELETABLE:
        raise bad("SDRS.1002", f"Operation not allowed for the protection group in status {pg['status']}")
    for coll, code, what in (("protected_instances", "SDRS.1001", "protected instances"),
                             ("replications", "SDRS.1010", "replication pairs"),
                             ("drills", "SDRS.1003", "DR drills")):
        if children(coll, gid):
            raise bad(code, f"Protection group deletion not allowed: it still has {what}")
    pg["status"] = "deleting"
    job = emu().engine.submit(pid, "deleteProtectionGroupNoCG", "pg_delete", {"pg": gid},
                              entities={"server_group_id": gid}, failure=_failure(pg, "deleteFail"))
    return jsonify({"job_id": job})


@bp.route(P + "/<gid>/action", methods=["POST"])
def action(pid, gid):
    body = body_obj()
    if len(body) != 1 or next(iter(body)) not in ACTION_KEYS:
        raise bad("SDRS.0206", f"Invalid action: expected one of {sorted(ACTION_KEYS)}")
    key = next(iter(body))
    params = body[key] if isinstance(body[key], dict) else {}
    pg = owned("server_groups", gid)
    kind = ACTION_KEYS[key]
    if kind == "start" and pg["status"] in ACTIONS["reprotect"][1]:
        kind = "reprotect"
    job_type, allowed, transient, _ok, _fail, fstatus = ACTIONS[kind]
    if pg["status"] not in allowed:
        raise bad("SDRS.1002", f"Operation not allowed for the protection group in status "
                               f"{pg['status']} ({key} needs one of {sorted(allowed)})")
    pis, rps = children("protected_instances", gid), children("replications", gid)
    for pi in pis:
        if pi["status"] == "invalid":
            raise bad("SDRS.1314", f"Abnormal protected instance {pi['id']} ({pi['name']}): one of its "
                                   "servers was deleted outside SDRS; delete the protected instance first")
    busy = [r for r in pis + rps if r["status"] in TRANSIENT]
    if busy:
        raise bad("SDRS.1002", f"Operation not allowed: {busy[0]['id']} is {busy[0]['status']}")
    if kind != "stop" and not any(r["status"] not in SKIP_CHILD for r in rps):
        raise bad("SDRS.1002", "Operation not allowed: the protection group has no replication pairs")
    ps = None
    if kind == "reverse":
        ps = params.get("priority_station")
        if ps not in ("source", "target"):
            raise bad("SDRS.0201", "Invalid request parameters: priority_station must be source or target")
        if ps == pg["priority_station"]:
            raise bad("SDRS.1002", f"Operation not allowed: priority_station is already {ps}")
    _check_servers(kind, pis)
    pg["status"] = transient
    for rec in pis + rps:
        if rec["status"] not in SKIP_CHILD:
            rec["status"] = transient
    # One sub-job per replication pair, e.g. stopProtectionGroupRepNoCG (API doc §4.1 example).
    subs = [{"job_type": job_type.replace("NoCG", "RepNoCG"), "server_group_id": gid}
            for rp in rps if rp["status"] == transient]
    job = emu().engine.submit(pid, job_type, "pg_action",
                              {"pg": gid, "kind": kind, "priority_station": ps},
                              sub_jobs=subs, failure=_failure(pg, fstatus))
    return jsonify({"job_id": job})


def _check_servers(kind: str, pis: list) -> None:
    """Planned failover: all servers stopped (1319 production, 1342 DR); reprotect: DR stopped."""
    for pi in pis:
        if pi["status"] in SKIP_CHILD:
            continue
        src = store().get("servers", pi["source_server"])
        tgt = store().get("servers", pi["target_server"])
        if kind == "reverse" and src and src["status"] != "SHUTOFF":
            raise bad("SDRS.1319", f"Server at the current production site not stopped: "
                                   f"{src['name']} ({src['id']}) is {src['status']}")
        if kind in ("reverse", "reprotect") and tgt and tgt["status"] != "SHUTOFF":
            raise bad("SDRS.1342", f"Current DR site server is not stopped: "
                                   f"{tgt['name']} ({tgt['id']}) is {tgt['status']}")


def _failure(pg: dict, fstatus: str) -> dict:
    return {"resource_type": "server_groups", "resource_id": pg["id"], "resource_name": pg["name"],
            "server_group_id": pg["id"], "failure_status": fstatus}


def swap_roles(st, pi: dict) -> None:
    """Reverse/failover success: production and DR swap (IPs/MACs migrate with the roles)."""
    src, tgt = st.get("servers", pi["source_server"]), st.get("servers", pi["target_server"])
    pi["source_server"], pi["target_server"] = pi["target_server"], pi["source_server"]
    if src and tgt:
        src["nics"], tgt["nics"] = tgt["nics"], src["nics"]


def register(emulator) -> None:
    st = emulator.store

    def create_ok(job, args):
        pg = st.get("server_groups", args["pg"])
        if pg:
            pg["status"], pg["updated_at"] = "available", sdrs_time()

    def create_fail(job, args):
        pg = st.get("server_groups", args["pg"])
        if pg:
            pg["status"] = "error"

    def delete_ok(job, args):
        st.remove("server_groups", args["pg"])

    def delete_fail(job, args):
        pg = st.get("server_groups", args["pg"])
        if pg:
            pg["status"] = "error-deleting"

    def action_done(job, args, success: bool):
        pg = st.get("server_groups", args["pg"])
        if pg is None:
            return
        kind = args["kind"]
        transient, ok, fail = ACTIONS[kind][2:5]
        new = ok if success else fail
        pis = [r for r in st.coll("protected_instances").values() if r["server_group_id"] == pg["id"]]
        rps = [r for r in st.coll("replications").values() if r["server_group_id"] == pg["id"]]
        for rec in pis + rps:
            if rec["status"] == transient:
                rec["status"] = new
        pg["status"], pg["updated_at"] = new, sdrs_time()
        if not success:
            return
        if kind in ("start", "reprotect"):
            pg.update(protected_status="started", replication_status="active",
                      health_status="normal", progress=100)
        elif kind == "stop":
            pg.update(protected_status="stopped", replication_status="active-stopped")
        if kind in ("failover", "reverse"):
            if kind == "failover":  # the old production servers are forcibly stopped
                for pi in pis:
                    srv = st.get("servers", pi["source_server"])
                    if srv:
                        infra.set_power(srv, "SHUTOFF")
                pg.update(protected_status="stopped", replication_status="active-stopped")
            pg["priority_station"] = args["priority_station"] or (
                "target" if pg["priority_station"] == "source" else "source")
            for pi in pis:
                if pi["status"] == new:
                    swap_roles(st, pi)
            for rp in rps:
                if rp["status"] == new:
                    a, _sep, b = rp["volume_ids"].partition(",")
                    rp["volume_ids"] = f"{b},{a}"
                    rp["_prod_volume"], rp["_dr_volume"] = rp["_dr_volume"], rp["_prod_volume"]

    emulator.engine.register("pg_create", create_ok, create_fail)
    emulator.engine.register("pg_delete", delete_ok, delete_fail)
    emulator.engine.register("pg_action", lambda j, a: action_done(j, a, True),
                             lambda j, a: action_done(j, a, False))
