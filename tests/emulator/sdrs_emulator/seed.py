"""Turn a readable seed file (names, references by name) into emulator state with stable ids."""

import json
import uuid

_NS = uuid.UUID("6f1c2d1e-8a51-4c1e-9a55-5d7e0c0de5e1")
SEED_TS = 1_700_000_000.0  # fixed creation time so a reset state is byte-identical


def stable_id(*parts: str) -> str:
    """Deterministic UUID so tests and docs can rely on seed ids across runs."""
    return str(uuid.uuid5(_NS, ":".join(parts)))


def _mac(*parts: str) -> str:
    h = uuid.uuid5(_NS, "mac:" + ":".join(parts)).hex
    return "fa:16:3e:" + ":".join(h[i:i + 2] for i in range(0, 6, 2))


def load(path: str) -> dict:
    """Return {"state": initial state dict, "summary": {project name: summary}}."""
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    st: dict = {
        "meta": {"seq": 0, "region": raw.get("region", "eu-de")},
        "availability_zones": raw["availability_zones"],
        "active_domains": raw["active_domains"],
        "flavors": {f["id"]: _flavor(f) for f in raw["flavors"]},
        "iam_domains": {d["id"]: dict(d) for d in raw["iam_domains"]},
        "projects": {}, "users": {}, "credentials": {}, "tokens": {},
        "vpcs": {}, "subnets": {}, "servers": {}, "volumes": {},
    }
    dom_by_name = {d["name"]: d["id"] for d in raw["iam_domains"]}
    pid = {}
    for p in raw["projects"]:
        pid[p["name"]] = p.get("id") or uuid.uuid5(_NS, "project:" + p["name"]).hex
        st["projects"][pid[p["name"]]] = {
            "id": pid[p["name"]], "name": p["name"], "domain_id": dom_by_name[p["domain"]],
            "region": st["meta"]["region"], "main": bool(p.get("main"))}
    for u in raw["users"]:
        uid = u.get("id") or uuid.uuid5(_NS, "user:" + u["name"]).hex
        st["users"][uid] = {"id": uid, "name": u["name"], "password": u["password"],
                            "domain_id": dom_by_name[u["domain"]],
                            "projects": [pid[n] for n in u["projects"]]}
        for cred in u.get("credentials", []):
            st["credentials"][cred["access"]] = {
                "access": cred["access"], "secret": cred["secret"], "user_id": uid,
                "security_token": cred.get("security_token")}
    names: dict = {}
    for net in raw["networks"]:
        p = pid[net["project"]]
        vid = net.get("id") or stable_id("vpc", net["project"], net["name"])
        st["vpcs"][vid] = {"id": vid, "name": net["name"], "cidr": net["cidr"], "status": "OK",
                           "_project": p}
        names[(net["project"], "vpc", net["name"])] = vid
        for sn in net["subnets"]:
            sid = sn.get("id") or stable_id("subnet", net["project"], sn["name"])
            st["subnets"][sid] = {
                "id": sid, "name": sn["name"], "cidr": sn["cidr"], "gateway_ip": sn["gateway_ip"],
                "vpc_id": vid, "neutron_network_id": sid,
                "neutron_subnet_id": stable_id("neutron-subnet", net["project"], sn["name"]),
                "_project": p}
            names[(net["project"], "subnet", sn["name"])] = sid
    for s in raw["servers"]:
        _add_server(st, s, pid, names)
    for v in raw.get("volumes", []):
        _add_volume(st, v, pid[v["project"]], v["project"], v.get("az", "eu-de-01"), None, names)
    seq = 0
    for coll in ("vpcs", "subnets", "servers", "volumes"):  # stable order for lists and markers
        for rec in st[coll].values():
            seq += 1
            rec["_seq"] = seq
    st["meta"]["seq"] = seq
    return {"state": st, "summary": _summaries(st, raw, names, pid)}


def _flavor(f: dict) -> dict:
    rec = {"id": f["id"], "name": f.get("name", f["id"]), "vcpus": f["vcpus"], "ram": f["ram"],
           "disk": f.get("disk", 0), "sdrs_supported": f.get("sdrs_supported", True),
           "gpus": f.get("gpus", [])}
    return rec


def _add_server(st: dict, s: dict, pid: dict, names: dict) -> None:
    proj = s["project"]
    sid = s.get("id") or stable_id("server", proj, s["name"])
    vpc_id = names[(proj, "vpc", s["vpc"])]
    nics = []
    for i, nic in enumerate(s["nics"]):
        nics.append({"port_id": stable_id("port", proj, s["name"], str(i)),
                     "subnet_id": names[(proj, "subnet", nic["subnet"])], "ip": nic["ip"],
                     "mac": _mac(proj, s["name"], str(i)), "primary": i == 0})
    power = s.get("status", "ACTIVE")
    st["servers"][sid] = {
        "id": sid, "name": s["name"], "flavor_id": s["flavor"], "status": power,
        "az": s["az"], "vpc_id": vpc_id, "nics": nics, "volume_ids": [],
        "image_name": s.get("image", "Standard_Ubuntu_22.04_latest"),
        "key_name": s.get("key_name", "dr-keypair"), "metadata": s.get("metadata", {}),
        "created": SEED_TS, "updated": SEED_TS, "_project": pid[proj]}
    names[(proj, "server", s["name"])] = sid
    for vol in s.get("volumes", []):
        vid = _add_volume(st, vol, pid[proj], proj, s["az"], sid, names)
        st["servers"][sid]["volume_ids"].append(vid)


def _add_volume(st, v, project_id, proj_name, az, server_id, names) -> str:
    vid = v.get("id") or stable_id("volume", proj_name, v["name"])
    st["volumes"][vid] = {
        "id": vid, "name": v["name"], "size": v["size"], "volume_type": v.get("type", "SSD"),
        "az": v.get("az", az), "status": "in-use" if server_id else "available",
        "bootable": bool(v.get("bootable")), "multiattach": bool(v.get("multiattach")),
        "encrypted": bool(v.get("encrypted")),
        "attachments": [{"server_id": server_id, "device": v["device"]}] if server_id else [],
        "created_at": SEED_TS, "_project": project_id}
    names[(proj_name, "volume", v["name"])] = vid
    return vid


def _summaries(st: dict, raw: dict, names: dict, pid: dict) -> dict:
    out = {}
    for p in raw["projects"]:
        name = p["name"]

        def pick(kind, _name=name):
            return {n: rid for (proj, k, n), rid in names.items() if proj == _name and k == kind}
        out[name] = {
            "project": {"id": pid[name], "name": name},
            "region": st["meta"]["region"],
            "availability_zones": st["availability_zones"],
            "domains": {d["name"]: d["id"] for d in st["active_domains"]},
            "vpcs": pick("vpc"), "subnets": pick("subnet"), "servers": pick("server"),
            "volumes": pick("volume"),
            "flavors": sorted(st["flavors"]),
            "sdrs_unsupported_flavors": sorted(f for f, r in st["flavors"].items()
                                               if not r["sdrs_supported"]),
        }
    return out
