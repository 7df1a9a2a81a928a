"""ECS/EVS/VPC primitives (servers, volumes, NICs, IPs) used by SDRS, ECS and admin code."""

import ipaddress
import random

from .util import new_id, now


def create_server(store, project_id: str, name: str, flavor_id: str, az: str, vpc_id: str,
                  nics: list, status: str = "SHUTOFF", metadata: dict | None = None) -> dict:
    """`nics` = [{"subnet_id", "ip"}]; the first is primary."""
    t = now()
    rec = {"id": new_id(), "name": name, "flavor_id": flavor_id, "status": status, "az": az,
           "vpc_id": vpc_id, "volume_ids": [], "image_name": "Standard_Ubuntu_22.04_latest",
           "key_name": None, "metadata": metadata or {}, "created": t, "updated": t,
           "_project": project_id,
           "nics": [{"port_id": new_id(), "subnet_id": n["subnet_id"], "ip": n["ip"],
                     "mac": random_mac(), "primary": i == 0} for i, n in enumerate(nics)]}
    return store.add("servers", rec)


def create_volume(store, project_id: str, name: str, size: int, volume_type: str, az: str,
                  bootable: bool = False, multiattach: bool = False) -> dict:
    rec = {"id": new_id(), "name": name, "size": size, "volume_type": volume_type, "az": az,
           "status": "available", "bootable": bootable, "multiattach": multiattach,
           "encrypted": False, "attachments": [], "created_at": now(), "_project": project_id}
    return store.add("volumes", rec)


def attach(store, volume: dict, server: dict, device: str) -> None:
    if not any(a["server_id"] == server["id"] for a in volume["attachments"]):
        volume["attachments"].append({"server_id": server["id"], "device": device})
    volume["status"] = "in-use"
    if volume["id"] not in server["volume_ids"]:
        server["volume_ids"].append(volume["id"])
    server["updated"] = now()


def detach(store, volume: dict, server_id: str) -> None:
    volume["attachments"] = [a for a in volume["attachments"] if a["server_id"] != server_id]
    if not volume["attachments"]:
        volume["status"] = "available"
    server = store.get("servers", server_id)
    if server and volume["id"] in server["volume_ids"]:
        server["volume_ids"].remove(volume["id"])
        server["updated"] = now()


def delete_server(store, server: dict, delete_volumes: bool = False) -> None:
    for vid in list(server["volume_ids"]):
        vol = store.get("volumes", vid)
        if vol is None:
            continue
        detach(store, vol, server["id"])
        if delete_volumes and not vol["attachments"]:
            store.remove("volumes", vid)
    store.remove("servers", server["id"])


def device_of(volume: dict, server_id: str) -> str | None:
    for a in volume["attachments"]:
        if a["server_id"] == server_id:
            return a["device"]
    return None


def server_devices(store, server: dict) -> dict:
    """device -> volume id for the server's attached volumes."""
    out = {}
    for vid in server["volume_ids"]:
        vol = store.get("volumes", vid)
        if vol:
            dev = device_of(vol, server["id"])
            if dev:
                out[dev] = vid
    return out


def normalize_device(server_devs: dict, device: str) -> str:
    """SDRS rewrites /dev/vdX <-> /dev/sdX to the server's style (API doc §1.4)."""
    style = "/dev/sd" if any(d.startswith("/dev/sd") for d in server_devs) else "/dev/vd"
    if device.startswith(("/dev/vd", "/dev/sd")):
        return style + device[len("/dev/vd"):]
    return device


def ips_in_use(store, subnet_id: str) -> set:
    used = set()
    for srv in store.coll("servers").values():
        for nic in srv["nics"]:
            if nic["subnet_id"] == subnet_id:
                used.add(nic["ip"])
    return used


def alloc_ip(store, subnet: dict) -> str:
    net = ipaddress.ip_network(subnet["cidr"], strict=False)
    used = ips_in_use(store, subnet["id"]) | {subnet.get("gateway_ip")}
    for i, host in enumerate(net.hosts()):
        if i < 9:  # keep .1-.9 for gateway/DHCP/DNS like a real VPC subnet
            continue
        if str(host) not in used:
            return str(host)
    raise ValueError(f"subnet {subnet['id']} has no free IP address")


def ip_in_subnet(ip: str, subnet: dict) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(subnet["cidr"], strict=False)
    except ValueError:
        return False


def random_mac() -> str:
    return "fa:16:3e:" + ":".join(f"{random.randint(0, 255):02x}" for _byte in range(3))


def set_power(server: dict, status: str) -> None:
    server["status"] = status
    server["updated"] = now()


def invalidate_protected_instances(store, server_id: str) -> list:
    """A server deleted outside SDRS makes its protected instance `invalid` (API doc §3.3)."""
    hit = []
    for pi in store.coll("protected_instances").values():
        if server_id in (pi.get("source_server"), pi.get("target_server")):
            pi["status"] = "invalid"
            hit.append(pi["id"])
    return hit
