"""SDRS protected-instance operations (PI6-PI10): attach/detach pairs, NICs, resize."""

from flask import Blueprint, jsonify

from . import infra
from .errors import bad
from .sdrs_common import body_obj, emu, owned, store
from .sdrs_replications import rp_failure
from .util import new_id, rp_time, sdrs_time

bp = Blueprint("sdrs_pi_ops", __name__)
P = "/v1/<pid>/protected-instances/<iid>"
NORMAL = ("available", "protected")
DETACH_PG = {"available", "protected", "failed-over", "error-starting", "error-stopping",
             "error-reversing", "error-failing-over"}
DETACH_PI = DETACH_PG | {"error-deleting", "error-reprotecting", "error-resizing", "invalid", "fault"}
MAX_NICS = 12


def _pi_pg(iid: str, pg_ok=NORMAL, pi_ok=NORMAL, pg_code="SDRS.1024", pi_code="SDRS.1328"):
    pi = owned("protected_instances", iid)
    pg = owned("server_groups", pi["server_group_id"])
    if pg["status"] not in pg_ok:
        raise bad(pg_code, f"Operation not allowed because the protection group status is {pg['status']}")
    if pi["status"] not in pi_ok:
        raise bad(pi_code, f"Operation not allowed because the protected instance status is {pi['status']}")
    return pi, pg


def _pi_failure(pi, fstatus):
    return {"resource_type": "protected_instances", "resource_id": pi["id"], "resource_name": pi["name"],
            "server_group_id": pi["server_group_id"], "failure_status": fstatus}


@bp.route(P + "/attachreplication", methods=["POST"])
def attach(pid, iid):
    b = body_obj("replicationAttachment")
    if not b.get("replication_id") or not isinstance(b.get("device"), str):
        raise bad("SDRS.0201", "Invalid request parameters: replication_id and device are required")
    pi, pg = _pi_pg(iid)
    rp = owned("replications", b["replication_id"])
    if rp["server_group_id"] != pi["server_group_id"]:
        raise bad("SDRS.1611", "Replication pair not in the protection group")
    if rp["status"] not in NORMAL:
        raise bad("SDRS.1601", f"Replication pair status not available: {rp['status']}")
    if any(a["protected_instance"] == iid for a in rp["attachment"]):
        raise bad("SDRS.1603", "Replication pair already attached to this protected instance")
    if rp["attachment"] and not rp["record_metadata"]["multiattach"]:
        raise bad("SDRS.1605", "Replication pair attached to another protected instance")
    src = store().get("servers", pi["source_server"])
    devices = infra.server_devices(store(), src) if src else {}
    device = infra.normalize_device(devices, b["device"])
    tgt = store().get("servers", pi["target_server"])
    if device in devices or (tgt and device in infra.server_devices(store(), tgt)):
        raise bad("SDRS.1603", f"Device name {device} already used on the servers")
    rp["_prev_status"], rp["status"] = rp["status"], "attaching"
    job = emu().engine.submit(pid, "attachReplicationPairNew", "rp_attach",
                              {"pi": iid, "rp": rp["id"], "device": device},
                              entities={"protected_instance_id": iid, "replication_pair_id": rp["id"]},
                              failure=rp_failure(rp, "attachFail"))
    return jsonify({"job_id": job})


@bp.route(P + "/detachreplication/<rid>", methods=["DELETE"])
def detach(pid, iid, rid):
    pi, pg = _pi_pg(iid, DETACH_PG, DETACH_PI, pg_code="SDRS.1002")
    rp = owned("replications", rid)
    att = next((a for a in pi["attachment"] if a["replication"] == rid), None)
    if att is None:
        raise bad("SDRS.1604", "Replication pair not attached to this protected instance")
    src = store().get("servers", pi["source_server"])
    if rp["record_metadata"]["bootable"] and att["device"].endswith("da") and src and src["status"] != "SHUTOFF":
        raise bad("SDRS.1316", f"Server not stopped: detaching the system disk needs {src['name']} SHUTOFF")
    rp["_prev_status"], rp["status"] = rp["status"], "detaching"
    job = emu().engine.submit(pid, "detachReplicationPairNew", "rp_detach", {"pi": iid, "rp": rid},
                              entities={"protected_instance_id": iid, "replication_pair_id": rid},
                              failure=rp_failure(rp, "detachFail"))
    return jsonify({"job_id": job})


@bp.route(P + "/nic", methods=["POST"])
def add_nic(pid, iid):
    b = body_obj()
    pi, pg = _pi_pg(iid, pi_code="SDRS.1327")
    subnet = store().get("subnets", b.get("subnet_id"))
    if subnet is None or subnet["_project"] != pid or subnet["vpc_id"] != pg["source_vpc_id"]:
        raise bad("SDRS.1335", f"Subnet not found in the protection group VPC: {b.get('subnet_id')}")
    ip = b.get("ip_address")
    if ip is not None:
        if not infra.ip_in_subnet(ip, subnet):
            raise bad("SDRS.0219", f"Invalid IP address {ip} for subnet {subnet['cidr']}")
        if ip in infra.ips_in_use(store(), subnet["id"]):
            raise bad("SDRS.1334", f"Private IP address {ip} in the subnet is in use")
    src = store().get("servers", pi["source_server"])
    if src and len(src["nics"]) >= MAX_NICS:
        raise bad("SDRS.1340", "Number of NICs for one protected instance reaches the upper limit")
    nic_id = new_id()
    pi["_prev_status"], pi["status"] = pi["status"], "nic-creating"
    job = emu().engine.submit(pid, "addNicNew", "nic_add",
                              {"pi": iid, "subnet": subnet["id"], "ip": ip, "nic_id": nic_id},
                              entities={"protected_instance_id": iid, "nic_id": nic_id},
                              failure=_pi_failure(pi, "createFail"))
    return jsonify({"job_id": job})


@bp.route(P + "/nic/delete", methods=["POST"])
def delete_nic(pid, iid):
    b = body_obj()
    pi, pg = _pi_pg(iid, pi_code="SDRS.1327")
    src = store().get("servers", pi["source_server"])
    nic = next((n for n in (src or {}).get("nics", []) if n["port_id"] == b.get("nic_id")), None)
    if nic is None:
        raise bad("SDRS.1310", f"NIC not exist: {b.get('nic_id')}")
    if nic["primary"]:
        raise bad("SDRS.1311", "Deleting the primary NIC not allowed")
    pi["_prev_status"], pi["status"] = pi["status"], "nic-deleting"
    job = emu().engine.submit(pid, "deleteNicNew", "nic_delete", {"pi": iid, "nic_id": nic["port_id"]},
                              entities={"protected_instance_id": iid, "nic_id": nic["port_id"]},
                              failure=_pi_failure(pi, "deleteFail"))
    return jsonify({"job_id": job})


@bp.route(P + "/resize", methods=["POST"])
def resize(pid, iid):
    r = body_obj("resize")
    pi, pg = _pi_pg(iid, pi_ok=NORMAL + ("error-resizing",))
    both, prod, dr = r.get("flavorRef"), r.get("production_flavorRef"), r.get("dr_flavorRef")
    if not (both or prod or dr):
        raise bad("SDRS.0201", "Invalid request parameters: one of flavorRef, production_flavorRef, dr_flavorRef")
    src, tgt = store().get("servers", pi["source_server"]), store().get("servers", pi["target_server"])
    if src is None or tgt is None:
        raise bad("SDRS.1314", "Abnormal protected instance: a server is missing")
    wanted = {src["id"]: both, tgt["id"]: both} if both else {src["id"]: prod, tgt["id"]: dr}
    for sid, flavor in wanted.items():
        if flavor is None:
            continue
        fl = store().flavor(flavor)
        if fl is None:
            raise bad("SDRS.0201", f"Invalid request parameters: flavor {flavor} not found")
        if not fl["sdrs_supported"]:
            raise bad("SDRS.1356" if sid == src["id"] else "SDRS.1353",
                      f"Flavor {flavor} does not support protected instances")
    current = {src["id"]: src["flavor_id"], tgt["id"]: tgt["flavor_id"]}
    if both:
        changes = {sid: f for sid, f in wanted.items() if current[sid] != f}
        if not changes:
            raise bad("SDRS.1341", f"Another flavor must be used for resizing: both servers are {both}")
    else:
        changes = {sid: f for sid, f in wanted.items() if f is not None}
        for sid, f in changes.items():
            if current[sid] == f:
                raise bad("SDRS.1341", f"Another flavor must be used for resizing: server {sid} is already {f}")
    for sid in changes:
        srv = src if sid == src["id"] else tgt
        if srv["status"] != "SHUTOFF":
            code, site = ("SDRS.1352", "production") if srv is src else ("SDRS.1342", "DR")
            raise bad(code, f"Current {site} site server not stopped: {srv['name']} ({srv['id']}) is {srv['status']}")
    if pi["status"] != "error-resizing":
        pi["_prev_status"] = pi["status"]
    pi["status"] = "resizing"
    job = emu().engine.submit(pid, "resizeProtectedInstanceNew", "pi_resize", {"pi": iid, "changes": changes},
                              entities={"protected_instance_id": iid},
                              failure=_pi_failure(pi, "resizeFail"))
    return jsonify({"job_id": job})


def register(emulator) -> None:
    st = emulator.store

    def restore(pi, pg_status=None):
        prev = pi.pop("_prev_status", None)
        pi["status"] = prev or ("protected" if pg_status == "protected" else "available")
        pi["updated_at"] = sdrs_time()

    def attach_done(job, a, ok):
        pi, rp = st.get("protected_instances", a["pi"]), st.get("replications", a["rp"])
        if rp is None:
            return
        rp["updated_at"] = rp_time()
        if not ok or pi is None:
            rp["status"] = "error-attaching"
            return
        rp["status"] = rp.pop("_prev_status", "available")
        rp["attachment"].append({"device": a["device"], "protected_instance": pi["id"]})
        pi["attachment"].append({"replication": rp["id"], "device": a["device"]})
        for vid, sid in ((rp["_prod_volume"], pi["source_server"]), (rp["_dr_volume"], pi["target_server"])):
            vol, srv = st.get("volumes", vid), st.get("servers", sid)
            if vol and srv:
                infra.attach(st, vol, srv, a["device"])

    def detach_done(job, a, ok):
        pi, rp = st.get("protected_instances", a["pi"]), st.get("replications", a["rp"])
        if rp is None:
            return
        rp["updated_at"] = rp_time()
        if not ok or pi is None:
            rp["status"] = "error-detaching"
            return
        rp["status"] = rp.pop("_prev_status", "available")
        rp["attachment"] = [x for x in rp["attachment"] if x["protected_instance"] != pi["id"]]
        pi["attachment"] = [x for x in pi["attachment"] if x["replication"] != rp["id"]]
        for vid, sid in ((rp["_prod_volume"], pi["source_server"]), (rp["_dr_volume"], pi["target_server"])):
            vol = st.get("volumes", vid)
            if vol:
                infra.detach(st, vol, sid)

    def nic_add_done(job, a, ok):
        pi = st.get("protected_instances", a["pi"])
        if pi is None:
            return
        src, tgt = st.get("servers", pi["source_server"]), st.get("servers", pi["target_server"])
        subnet = st.get("subnets", a["subnet"])
        if ok and src and tgt and subnet:
            ip = a["ip"] or infra.alloc_ip(st, subnet)
            src["nics"].append({"port_id": a["nic_id"], "subnet_id": subnet["id"], "ip": ip,
                                "mac": infra.random_mac(), "primary": False})
            dr_port = new_id()
            tgt["nics"].append({"port_id": dr_port, "subnet_id": subnet["id"],
                                "ip": infra.alloc_ip(st, subnet), "mac": infra.random_mac(), "primary": False})
            pi.setdefault("_nic_pairs", {})[a["nic_id"]] = dr_port
        restore(pi)

    def nic_delete_done(job, a, ok):
        pi = st.get("protected_instances", a["pi"])
        if pi is None:
            return
        if ok:
            dr_port = pi.get("_nic_pairs", {}).pop(a["nic_id"], None)
            for sid, port in ((pi["source_server"], a["nic_id"]), (pi["target_server"], dr_port)):
                srv = st.get("servers", sid)
                if srv:
                    srv["nics"] = [n for n in srv["nics"] if n["port_id"] != port]
        restore(pi)

    def resize_done(job, a, ok):
        pi = st.get("protected_instances", a["pi"])
        if pi is None:
            return
        if not ok:
            pi["status"] = "error-resizing"
            return
        for sid, flavor in a["changes"].items():
            srv = st.get("servers", sid)
            if srv:
                srv["flavor_id"], srv["updated"] = flavor, job["begin"] + job["duration"]
        pg = st.get("server_groups", pi["server_group_id"])
        restore(pi, pg and pg["status"])

    for name, fn in (("rp_attach", attach_done), ("rp_detach", detach_done), ("nic_add", nic_add_done),
                     ("nic_delete", nic_delete_done), ("pi_resize", resize_done)):
        emulator.engine.register(name, _bind(fn, True), _bind(fn, False))


def _bind(done, ok):
    """A job completion callback for the success (ok=True) or failure path of ``done``."""
    return lambda job, args: done(job, args, ok)
