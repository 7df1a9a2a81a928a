"""SDRS DR drills (DR1-DR5): drill VPC checks, drill servers, job effects."""

from flask import Blueprint, jsonify, request

from . import infra
from .errors import ApiError, bad
from .sdrs_common import (body_obj, check_name, dr_az, emu, fuzzy, newest_first, owned, paginate,
                          paging, store)
from .util import new_id, now, public, sdrs_time

bp = Blueprint("sdrs_drills", __name__)
P = "/v1/<pid>/disaster-recovery-drills"
PG_OK = {"available", "protected", "failed-over", "error-starting", "error-stopping",
         "error-reversing", "error-reprotecting", "error-failing-over"}


def _failure(d, fstatus):
    return {"resource_type": "disaster_recovery_drills", "resource_id": d["id"],
            "resource_name": d["name"], "server_group_id": d["server_group_id"], "failure_status": fstatus}


def _drill_vpc(pid: str, pg: dict, vpc_id) -> str:
    st = store()
    if vpc_id is None:  # auto-create a drill VPC mirroring the production subnets
        src = st.get("vpcs", pg["source_vpc_id"])
        vpc = st.add("vpcs", {"id": new_id(), "name": f"sdrs-drill-vpc-{pg['name']}"[:64],
                              "cidr": src["cidr"], "status": "OK", "_project": pid})
        for sn in [s for s in st.coll("subnets").values() if s["vpc_id"] == src["id"]]:
            sid = new_id()
            st.add("subnets", {**public(sn), "id": sid, "vpc_id": vpc["id"], "neutron_network_id": sid,
                               "neutron_subnet_id": new_id(), "_project": pid})
        return vpc["id"]
    vpc = st.get("vpcs", vpc_id)
    if vpc is None:
        raise bad("SDRS.1928", f"Failed to find the VPC {vpc_id}")
    if vpc["_project"] != pid:
        raise ApiError(403, "SDRS.0005", "No permission for the operation: VPC belongs to another project")
    if vpc_id == pg["source_vpc_id"]:
        raise bad("SDRS.1907", "Drill VPC conflicts with the VPC of the protection group")
    if not any(s["vpc_id"] == vpc_id for s in st.coll("subnets").values()):
        raise bad("SDRS.1908", "Drill VPC does not have a subnet")
    if any(d["drill_vpc_id"] == vpc_id for d in st.coll("drills").values()):
        raise bad("SDRS.1921", "Drill VPC is already used for creating a DR drill")
    return vpc_id


@bp.route(P, methods=["POST"])
def create(pid):
    b = body_obj("disaster_recovery_drill")
    pg = owned("server_groups", b.get("server_group_id"))
    name = check_name(b.get("name"))
    if pg["status"] not in PG_OK:
        raise bad("SDRS.1002", f"Operation not allowed for the protection group in status {pg['status']}")
    vpc_id = _drill_vpc(pid, pg, b.get("drill_vpc_id"))
    t = sdrs_time()
    drill = store().add("drills", {"id": new_id(), "name": name, "status": "creating",
                                   "server_group_id": pg["id"], "drill_vpc_id": vpc_id,
                                   "created_at": t, "updated_at": t, "drill_servers": [],
                                   "_project": pid})
    job = emu().engine.submit(pid, "createDisasterRecoveryDrill", "drill_create", {"drill": drill["id"]},
                              entities={"disaster_recovery_drill_id": drill["id"]},
                              failure=_failure(drill, "createFail"))
    return jsonify({"job_id": job})


@bp.route(P, methods=["GET"])
def list_drills(pid):
    limit, offset, marker = paging()
    a = request.args
    items = newest_first([d for d in store().coll("drills").values()
                          if d["_project"] == pid and fuzzy(a.get("name"), d["name"])
                          and all(not a.get(k) or d[k] == a[k]
                                  for k in ("server_group_id", "status", "drill_vpc_id"))])
    page = paginate(items, "drills", limit, offset, marker)
    return jsonify({"disaster_recovery_drills": [public(d) for d in page], "count": len(items)})


@bp.route(P + "/<did>", methods=["GET"])
def show(pid, did):
    return jsonify({"disaster_recovery_drill": public(owned("drills", did))})


@bp.route(P + "/<did>", methods=["PUT"])
def rename(pid, did):
    d = owned("drills", did)
    d["name"] = check_name(body_obj("disaster_recovery_drill").get("name"))
    d["updated_at"] = sdrs_time()
    return jsonify({"disaster_recovery_drill": public(d)})


@bp.route(P + "/<did>", methods=["DELETE"])
def delete(pid, did):
    d = owned("drills", did)
    if d["status"] not in ("available", "error", "error-deleting"):
        raise bad("SDRS.1913", f"DR drill deletion not allowed in status {d['status']}")
    d["status"] = "deleting"
    job = emu().engine.submit(pid, "deleteDisasterRecoveryDrill", "drill_delete", {"drill": did},
                              entities={"disaster_recovery_drill_id": did},
                              failure=_failure(d, "deleteFail"))
    return jsonify({"job_id": job})


def register(emulator) -> None:
    st = emulator.store

    def create_ok(job, a):
        d = st.get("drills", a["drill"])
        pg = d and st.get("server_groups", d["server_group_id"])
        if not d or not pg:
            return
        subnets = [s for s in st.coll("subnets").values() if s["vpc_id"] == d["drill_vpc_id"]]
        for pi in st.coll("protected_instances").values():
            src = st.get("servers", pi["source_server"])
            dr = st.get("servers", pi["target_server"])
            if pi["server_group_id"] != pg["id"] or pi["status"] in ("error", "invalid") or not src or not dr:
                continue
            ip = src["nics"][0]["ip"]
            subnet = next((s for s in subnets if infra.ip_in_subnet(ip, s)), subnets[0])
            if not infra.ip_in_subnet(ip, subnet) or ip in infra.ips_in_use(st, subnet["id"]):
                ip = infra.alloc_ip(st, subnet)
            srv = infra.create_server(st, d["_project"], src["name"], dr["flavor_id"], dr_az(pg),
                                      d["drill_vpc_id"], [{"subnet_id": subnet["id"], "ip": ip}],
                                      status="ACTIVE", metadata={"sdrs_drill": d["id"]})
            d["drill_servers"].append({"protected_instance": pi["id"], "drill_server_id": srv["id"]})
        d["status"], d["updated_at"] = "available", sdrs_time()
        pg["_last_drill"] = now()

    def create_fail(job, a):
        d = st.get("drills", a["drill"])
        if d:
            d["status"] = "error"

    def delete_ok(job, a):
        d = st.remove("drills", a["drill"])
        for ds in (d or {}).get("drill_servers", []):
            srv = st.get("servers", ds["drill_server_id"])
            if srv:
                infra.delete_server(st, srv, delete_volumes=True)

    def delete_fail(job, a):
        d = st.get("drills", a["drill"])
        if d:
            d["status"] = "error-deleting"

    emulator.engine.register("drill_create", create_ok, create_fail)
    emulator.engine.register("drill_delete", delete_ok, delete_fail)
