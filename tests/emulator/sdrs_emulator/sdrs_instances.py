"""SDRS protected instances (PI1-PI5): create (DR server + replication pairs), list, rename, delete."""

from flask import Blueprint, jsonify, request

from . import infra
from .errors import ApiError, bad
from .sdrs_common import (TRANSIENT, body_obj, check_description, check_name, check_query_type,
                          dr_az, emu, fuzzy, id_list, newest_first, owned, paginate, paging,
                          pi_view, production_az, query_type_ok, store)
from .sdrs_replications import check_rp_quota, new_rp, settled_status
from .tags import SDRS_CODES, check_tag_list
from .util import new_id, sdrs_time

bp = Blueprint("sdrs_instances", __name__)
P = "/v1/<pid>/protected-instances"
DELETE_OK = {"available", "protected", "failed-over", "error", "error-starting", "error-stopping",
             "error-reversing", "error-failing-over", "error-deleting", "error-reprotecting",
             "error-resizing", "invalid", "fault"}
PG_TRANSIENT = {"creating", "deleting", "starting", "stopping", "reversing", "failing-over",
                "reprotecting"}


def _server_checks(pid: str, pg: dict, server_id) -> dict:
    server = store().get("servers", server_id)
    if server is None:
        raise bad("SDRS.1326", f"Server not found: {server_id}")
    if server["_project"] != pid:
        raise ApiError(403, "SDRS.0005", "No permission for the operation: server belongs to another project")
    for pi in store().coll("protected_instances").values():
        if server["id"] in (pi["source_server"], pi["target_server"]):
            raise bad("SDRS.1305", f"Server already used to create a protected instance: {pi['id']}")
    if server["status"] not in ("ACTIVE", "SHUTOFF"):
        raise bad("SDRS.1333", f"Server {server['name']} is {server['status']}, not ACTIVE or SHUTOFF")
    if server["vpc_id"] != pg["source_vpc_id"]:
        raise bad("SDRS.1304", "VPC of the server inconsistent with that of the protection group")
    if server["az"] != production_az(pg):
        raise bad("SDRS.1303", f"Server AZ {server['az']} and production site AZ "
                               f"{production_az(pg)} of the protection group are different")
    flavor = store().flavor(server["flavor_id"])
    if flavor is None or not flavor["sdrs_supported"]:
        raise bad("SDRS.1356", f"Production site server flavor {server['flavor_id']} does not support "
                               "protected instance creation")
    return server


def _volumes(server: dict) -> list:
    vols = []
    for vid in server["volume_ids"]:
        vol = store().get("volumes", vid)
        dev = vol and infra.device_of(vol, server["id"])
        if vol is None or dev is None:
            continue
        if vol["multiattach"]:
            raise bad("SDRS.1806", f"Operation not allowed by disk type: shared disk {vol['id']} attached")
        if vol["encrypted"]:
            raise bad("SDRS.1802", f"Disk encrypted: {vol['id']}")
        if any(vol["id"] in (rp["_prod_volume"], rp["_dr_volume"])
               for rp in store().coll("replications").values()):
            raise bad("SDRS.1811", f"Disk already used by a replication pair: {vol['id']}")
        vols.append((dev, vol))
    if not any(v["bootable"] and d.endswith("da") for d, v in vols):
        raise bad("SDRS.1339", f"No system disk attached to the server {server['name']}")
    return sorted(vols, key=lambda dv: dv[0])


def _dr_nic(pid: str, pg: dict, server: dict, body: dict) -> dict:
    subnet_id = body.get("primary_subnet_id")
    ip = body.get("primary_ip_address") if subnet_id else None
    if subnet_id is None:
        subnet_id = server["nics"][0]["subnet_id"]
    subnet = store().get("subnets", subnet_id)
    if subnet is None or subnet["_project"] != pid or subnet["vpc_id"] != pg["source_vpc_id"]:
        raise bad("SDRS.1335", f"Subnet not found in the protection group VPC: {subnet_id}")
    if ip is not None:
        if not infra.ip_in_subnet(ip, subnet):
            raise bad("SDRS.0219", f"Invalid IP address {ip} for subnet {subnet['cidr']}")
        if ip in infra.ips_in_use(store(), subnet_id):
            raise bad("SDRS.1334", f"Private IP address {ip} in the subnet is in use")
    else:
        ip = infra.alloc_ip(store(), subnet)
    return {"subnet_id": subnet_id, "ip": ip}


@bp.route(P, methods=["POST"])
def create(pid):
    b = body_obj("protected_instance")
    pg = owned("server_groups", b.get("server_group_id"))
    name = check_name(b.get("name"))
    desc = check_description(b.get("description"))
    if pg["status"] not in ("available", "protected"):
        raise bad("SDRS.1323", f"Protected instance creation not allowed: protection group is {pg['status']}")
    server = _server_checks(pid, pg, b.get("server_id"))
    dr_flavor = b.get("flavorRef") or server["flavor_id"]
    fl = store().flavor(dr_flavor)
    if fl is None:
        raise bad("SDRS.0201", f"Invalid request parameters: flavor {dr_flavor} not found")
    if not fl["sdrs_supported"]:
        raise bad("SDRS.1353", f"DR site server flavor {dr_flavor} does not support protected instances")
    vols = _volumes(server)
    tags = check_tag_list(b["tags"], SDRS_CODES, 10) if b.get("tags") else []
    nic = _dr_nic(pid, pg, server, b)
    check_rp_quota(pid, len(vols))
    st = store()
    dr_server = infra.create_server(st, pid, server["name"], dr_flavor, dr_az(pg), server["vpc_id"],
                                    [nic], status="BUILD")
    t = sdrs_time()
    pi = {"id": new_id(), "name": name, "description": desc, "server_group_id": pg["id"],
          "status": "creating", "progress": 0, "source_server": server["id"],
          "target_server": dr_server["id"], "created_at": t, "updated_at": t,
          "priority_station": pg["priority_station"], "attachment": [], "tags": tags,
          "metadata": {}, "_project": pid, "_nic_pairs": {}}
    rp_ids = []
    for dev, vol in vols:
        dr_vol = infra.create_volume(st, pid, vol["name"], vol["size"], vol["volume_type"],
                                     dr_az(pg), vol["bootable"])
        infra.attach(st, dr_vol, dr_server, dev)
        rp = st.add("replications", new_rp(pid, pg, f"{vol['name']}-rep"[:64], None, vol, dr_vol))
        rp["attachment"].append({"device": dev, "protected_instance": pi["id"]})
        pi["attachment"].append({"replication": rp["id"], "device": dev})
        rp_ids.append(rp["id"])
    st.add("protected_instances", pi)
    job = emu().engine.submit(
        pid, "createProtectedInstanceNoCG", "pi_create", {"pi": pi["id"], "rps": rp_ids},
        entities={"protected_instance_id": pi["id"], "server_group_id": pg["id"],
                  "native_server_id": dr_server["id"]},
        failure=pi_failure(pi, "createFail"))
    return jsonify({"job_id": job})


def pi_failure(pi: dict, fstatus: str) -> dict:
    return {"resource_type": "protected_instances", "resource_id": pi["id"],
            "resource_name": pi["name"], "server_group_id": pi["server_group_id"],
            "failure_status": fstatus}


@bp.route(P, methods=["GET"])
def list_pis(pid):
    limit, offset, marker = paging()
    qt = check_query_type()
    args = request.args
    groups = id_list("server_group_ids") or ([args["server_group_id"]] if args.get("server_group_id") else None)
    ids = None if groups is not None else id_list("protected_instance_ids")
    name, status, az = args.get("name"), args.get("status"), args.get("availability_zone")
    items = []
    for pi in store().coll("protected_instances").values():
        if pi["_project"] != pid or (status and pi["status"] != status) or not fuzzy(name, pi["name"]):
            continue
        if (groups is not None and pi["server_group_id"] not in groups) or (ids is not None and pi["id"] not in ids):
            continue
        pg = store().get("server_groups", pi["server_group_id"])
        if az and (pg is None or production_az(pg) != az):
            continue
        if query_type_ok(qt, pi, pg):
            items.append(pi)
    items = newest_first(items)
    page = paginate(items, "protected_instances", limit, offset, marker)
    return jsonify({"protected_instances": [pi_view(pi) for pi in page], "count": len(items)})


@bp.route(P + "/<iid>", methods=["GET"])
def show(pid, iid):
    return jsonify({"protected_instance": pi_view(owned("protected_instances", iid))})


@bp.route(P + "/<iid>", methods=["PUT"])
def rename(pid, iid):
    pi = owned("protected_instances", iid)
    pi["name"] = check_name(body_obj("protected_instance").get("name"))
    pi["updated_at"] = sdrs_time()
    return jsonify({"protected_instance": pi_view(pi)})


@bp.route(P + "/<iid>", methods=["DELETE"])
def delete(pid, iid):
    pi = owned("protected_instances", iid)
    b = body_obj(required=False)  # no wrapper key (API doc §1.4 PI5)
    flags = {k: b.get(k, False) for k in ("delete_target_server", "delete_target_eip")}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise bad("SDRS.0201", "Invalid request parameters: delete_target_server/eip must be booleans")
    if pi["status"] not in DELETE_OK:
        raise bad("SDRS.1301", f"Protected instance deletion not allowed in status {pi['status']}")
    pg = store().get("server_groups", pi["server_group_id"])
    if pg and pg["status"] in PG_TRANSIENT:
        raise bad("SDRS.1324", f"Protected instance deletion not allowed: protection group is {pg['status']}")
    pi["status"] = "deleting"
    for att in pi["attachment"]:
        rp = store().get("replications", att["replication"])
        if rp and len(rp["attachment"]) == 1 and rp["status"] not in TRANSIENT:
            rp["_prev_status"], rp["status"] = rp["status"], "deleting"
    job = emu().engine.submit(pid, "deleteProtectedInstanceNoCG", "pi_delete",
                              {"pi": iid, **flags},
                              entities={"protected_instance_id": iid, "server_group_id": pi["server_group_id"]},
                              failure=pi_failure(pi, "deleteFail"))
    return jsonify({"job_id": job})


def register(emulator) -> None:
    st = emulator.store

    def create_done(job, args, ok):
        pi = st.get("protected_instances", args["pi"])
        pg = pi and st.get("server_groups", pi["server_group_id"])
        if not pi or not pg:
            return
        final = settled_status(pg) if ok else "error"
        pi["status"], pi["progress"], pi["updated_at"] = final, 100 if ok else 0, sdrs_time()
        for rid in args["rps"]:
            rp = st.get("replications", rid)
            if rp:
                rp["status"], rp["progress"] = final, 100 if ok else 0
        dr = st.get("servers", pi["target_server"])
        if dr:
            infra.set_power(dr, "SHUTOFF" if ok else "ERROR")

    def delete_ok(job, args):
        pi = st.remove("protected_instances", args["pi"])
        if pi is None:
            return
        for att in pi["attachment"]:
            rp = st.get("replications", att["replication"])
            if rp is None:
                continue
            rp["attachment"] = [a for a in rp["attachment"] if a["protected_instance"] != pi["id"]]
            dr_vol = st.get("volumes", rp["_dr_volume"])
            if not rp["attachment"]:
                st.remove("replications", rp["id"])  # auto-created pairs go with the instance
            elif dr_vol:
                infra.detach(st, dr_vol, pi["target_server"])
        dr = st.get("servers", pi["target_server"])
        if dr and args["delete_target_server"]:
            infra.delete_server(st, dr, delete_volumes=True)

    def delete_fail(job, args):
        pi = st.get("protected_instances", args["pi"])
        if pi is None:
            return
        pi["status"] = "error-deleting"
        for att in pi["attachment"]:
            rp = st.get("replications", att["replication"])
            if rp and rp["status"] == "deleting":
                rp["status"] = rp.pop("_prev_status", "available")

    emulator.engine.register("pi_create", lambda j, a: create_done(j, a, True),
                             lambda j, a: create_done(j, a, False))
    emulator.engine.register("pi_delete", delete_ok, delete_fail)
