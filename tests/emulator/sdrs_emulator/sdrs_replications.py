"""SDRS replication pairs (RP1-RP6) and the RP record shared with protected-instance creation."""

from flask import Blueprint, jsonify, request

from . import infra
from .errors import ApiError, bad
from .sdrs_common import (body_obj, check_description, check_name, check_query_type, dr_az,
                          emu, fuzzy, id_list, newest_first, owned, paginate, paging,
                          production_az, query_type_ok, rp_view, store)
from .util import new_id, rp_time

bp = Blueprint("sdrs_replications", __name__)
P = "/v1/<pid>/replications"
PG_DELETE_OK = {"available", "protected", "failed-over", "error-starting", "error-stopping",
                "error-reversing", "error-failing-over", "error-deleting", "error-reprotecting"}
RP_DELETE_OK = {"available", "protected", "failed-over", "error", "error-starting", "error-stopping",
                "error-reversing", "error-failing-over", "error-deleting", "error-reprotecting",
                "error-attaching", "error-extending", "invalid", "fault"}


def new_rp(project_id: str, pg: dict, name: str, description, prod: dict, dr: dict,
           status: str = "creating") -> dict:
    t = rp_time()
    return {"id": new_id(), "name": name, "description": description,
            "replication_model": "hypermetro", "status": status, "progress": 0,
            "replication_status": None, "attachment": [], "volume_ids": f"{prod['id']},{dr['id']}",
            "server_group_id": pg["id"], "priority_station": pg["priority_station"],
            "fault_level": "0", "created_at": t, "updated_at": t,
            "record_metadata": {"multiattach": prod["multiattach"], "bootable": prod["bootable"],
                                "volume_size": prod["size"], "volume_type": prod["volume_type"]},
            "failure_detail": None, "_project": project_id, "_prod_volume": prod["id"],
            "_dr_volume": dr["id"]}


def settled_status(pg: dict) -> str:
    """A new pair (or instance) ends `protected` in a protected group, else `available`."""
    return "protected" if pg["status"] == "protected" else "available"


def rp_failure(rp: dict, fstatus: str) -> dict:
    return {"resource_type": "replications", "resource_id": rp["id"], "resource_name": rp["name"],
            "server_group_id": rp["server_group_id"], "failure_status": fstatus}


@bp.route(P, methods=["POST"])
def create(pid):
    r = body_obj("replication")
    pg = owned("server_groups", r.get("server_group_id"))
    name = check_name(r.get("name"))
    desc = check_description(r.get("description"))
    if pg["status"] not in ("available", "protected"):
        raise bad("SDRS.1024", f"Operation not allowed because the protection group status is {pg['status']}")
    vol = store().get("volumes", r.get("volume_id"))
    if vol is None:
        raise bad("SDRS.0211", f"Invalid disk ID: {r.get('volume_id')}")
    if vol["_project"] != pid:
        raise ApiError(403, "SDRS.0005", "No permission for the operation: disk belongs to another project")
    if vol["encrypted"]:
        raise bad("SDRS.1802", f"Disk encrypted: {vol['id']}")
    if vol["status"] != "available":
        raise bad("SDRS.1801", f"Disk status not available: {vol['id']} is {vol['status']}")
    if vol["az"] != production_az(pg):
        raise bad("SDRS.1810", "Current production site AZ of the disk different from that of the protection group")
    if any(x["_prod_volume"] == vol["id"] or x["_dr_volume"] == vol["id"]
           for x in store().coll("replications").values()):
        raise bad("SDRS.1811", f"Disk already used by a replication pair: {vol['id']}")
    check_rp_quota(pid, 1)
    dr = infra.create_volume(store(), pid, vol["name"], vol["size"], vol["volume_type"],
                             dr_az(pg), vol["bootable"], vol["multiattach"])
    rp = store().add("replications", new_rp(pid, pg, name, desc, vol, dr))
    job = emu().engine.submit(pid, "createReplicationPairNoCG", "rp_create", {"rp": rp["id"]},
                              entities={"replication_pair_id": rp["id"], "volume_ids": rp["volume_ids"]},
                              failure=rp_failure(rp, "createFail"))
    return jsonify({"job_id": job})


def check_rp_quota(pid: str, adding: int) -> None:
    used = sum(1 for x in store().coll("replications").values() if x["_project"] == pid)
    if used + adding > int(emu().config["quotas"]["replications"]):
        raise bad("SDRS.0306", "Insufficient replication pair quota")


@bp.route(P, methods=["GET"])
def list_rps(pid):
    limit, offset, marker = paging()
    qt = check_query_type()
    args = request.args
    groups = id_list("server_group_ids") or ([args["server_group_id"]] if args.get("server_group_id") else None)
    pis = id_list("protected_instance_ids") or (
        [args["protected_instance_id"]] if args.get("protected_instance_id") else None)
    if groups is not None:
        pis = None  # group filters win (API doc §1.4)
    name, status, az = args.get("name"), args.get("status"), args.get("availability_zone")
    items = []
    for rp in store().coll("replications").values():
        if rp["_project"] != pid or (status and rp["status"] != status) or not fuzzy(name, rp["name"]):
            continue
        if groups is not None and rp["server_group_id"] not in groups:
            continue
        if pis is not None and not any(a["protected_instance"] in pis for a in rp["attachment"]):
            continue
        pg = store().get("server_groups", rp["server_group_id"])
        if az and (pg is None or production_az(pg) != az):
            continue
        if query_type_ok(qt, rp, pg):
            items.append(rp)
    items = newest_first(items)
    page = paginate(items, "replications", limit, offset, marker)
    return jsonify({"replications": [rp_view(rp) for rp in page], "count": len(items)})


@bp.route(P + "/<rid>", methods=["GET"])
def show(pid, rid):
    return jsonify({"replication": rp_view(owned("replications", rid))})


@bp.route(P + "/<rid>", methods=["PUT"])
def rename(pid, rid):
    rp = owned("replications", rid)
    rp["name"] = check_name(body_obj("replication").get("name"))
    rp["updated_at"] = rp_time()
    return jsonify({"replication": rp_view(rp)})


@bp.route(P + "/<rid>", methods=["DELETE"])
def delete(pid, rid):
    rp = owned("replications", rid)
    r = body_obj("replication") if request.get_data(cache=True) else {}
    if r.get("server_group_id") and r["server_group_id"] != rp["server_group_id"]:
        raise bad("SDRS.1611", "Replication pair not in the protection group")
    dtv = r.get("delete_target_volume", False)
    if not isinstance(dtv, bool):
        raise bad("SDRS.0201", "Invalid request parameters: delete_target_volume must be a boolean")
    pg = store().get("server_groups", rp["server_group_id"])
    if pg and pg["status"] not in PG_DELETE_OK:
        raise bad("SDRS.1002", f"Operation not allowed for the protection group in status {pg['status']}")
    if rp["status"] not in RP_DELETE_OK:
        raise bad("SDRS.0214", f"Incorrect replication pair status: {rp['status']}")
    if rp["attachment"]:
        raise bad("SDRS.1605", "Replication pair attached: detach it from its protected instances first")
    rp["_prev_status"], rp["status"] = rp["status"], "deleting"
    job = emu().engine.submit(pid, "deleteReplicationPairNoCG", "rp_delete",
                              {"rp": rid, "delete_target_volume": dtv},
                              entities={"replication_pair_id": rid, "volume_ids": rp["volume_ids"]},
                              failure=rp_failure(rp, "deleteFail"))
    return jsonify({"job_id": job})


@bp.route(P + "/<rid>/action", methods=["POST"])
def action(pid, rid):
    body = body_obj()
    if list(body) != ["extend-replication"] or not isinstance(body["extend-replication"], dict):
        raise bad("SDRS.0206", "Invalid action: expected extend-replication")
    rp = owned("replications", rid)
    new_size = body["extend-replication"].get("new_size")
    if isinstance(new_size, bool) or not isinstance(new_size, (int, float)):
        raise bad("SDRS.0201", "Invalid request parameters: new_size must be an integer (GB)")
    new_size = int(new_size)  # decimals are truncated
    if rp["status"] not in ("available", "protected", "error-extending"):
        raise bad("SDRS.1601", f"Replication pair status not available: {rp['status']}")
    prod, dr = store().get("volumes", rp["_prod_volume"]), store().get("volumes", rp["_dr_volume"])
    for vol in (prod, dr):
        if vol is None or vol["status"] not in ("available", "in-use"):
            raise bad("SDRS.1817", "Disk of the replication pair is not available or in-use")
        if vol["multiattach"] and vol["status"] != "available":
            raise bad("SDRS.1818", "Shared disks of the replication pair are not available")
    if new_size <= prod["size"]:
        raise bad("SDRS.0201", f"Invalid request parameters: new_size must exceed {prod['size']} GB")
    if rp["status"] != "error-extending":
        rp["_prev_status"] = rp["status"]
    rp["status"] = "extending"
    job = emu().engine.submit(pid, "expandReplicationPairNew", "rp_expand",
                              {"rp": rid, "new_size": new_size},
                              entities={"replication_pair_id": rid},
                              failure=rp_failure(rp, "expandFail"))
    return jsonify({"job_id": job})


def register(emulator) -> None:
    st = emulator.store

    def create_done(job, args, ok):
        rp = st.get("replications", args["rp"])
        pg = rp and st.get("server_groups", rp["server_group_id"])
        if rp and pg:
            rp["status"] = settled_status(pg) if ok else "error"
            rp["progress"] = 100 if ok else 0
            rp["failure_detail"] = None if ok else job["fail"]["error_code"]

    def delete_ok(job, args):
        rp = st.remove("replications", args["rp"])
        if rp and args["delete_target_volume"]:
            dr = st.get("volumes", rp["_dr_volume"])
            if dr and not dr["attachments"]:
                st.remove("volumes", dr["id"])

    def delete_fail(job, args):
        rp = st.get("replications", args["rp"])
        if rp:
            rp["status"] = "error-deleting"

    def expand_done(job, args, ok):
        rp = st.get("replications", args["rp"])
        if rp is None:
            return
        if ok:
            for vid in (rp["_prod_volume"], rp["_dr_volume"]):
                vol = st.get("volumes", vid)
                if vol:
                    vol["size"] = args["new_size"]
            rp["record_metadata"]["volume_size"] = args["new_size"]
            rp["status"] = rp.get("_prev_status") or "available"
        else:
            rp["status"] = "error-extending"
        rp["updated_at"] = rp_time()

    emulator.engine.register("rp_create", lambda j, a: create_done(j, a, True),
                             lambda j, a: create_done(j, a, False))
    emulator.engine.register("rp_delete", delete_ok, delete_fail)
    emulator.engine.register("rp_expand", lambda j, a: expand_done(j, a, True),
                             lambda j, a: expand_done(j, a, False))
