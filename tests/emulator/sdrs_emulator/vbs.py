"""VBS v2 backup policies (VP1-VP15): CRUD, volume association, execute, tags, tag query."""

from flask import Blueprint, g, jsonify, request

from .errors import ApiError, bad
from .tags import VBS_CODES, aggregate, check_tag, check_tag_list, matches, parse_query, set_tags
from .util import job_time, new_id, new_job_id, now
from .vbs_policy import check_name, check_schedule, check_tags, check_time_zone, merge_schedule

bp = Blueprint("vbs", __name__)
P = "/v2/<pid>/backuppolicy"
MAX_VOLUMES = 200  # AutoBackup.0204; the real limit is not documented


def _emu():
    from flask import current_app
    return current_app.config["EMU"]


def _body(required: bool = True):
    raw = request.get_data(cache=True)
    body = request.get_json(force=True, silent=True) if raw else None
    if raw and body is None:
        raise bad("AutoBackup.0008", "Failed to convert the request into a JSON object")
    if body is None and required:
        raise bad("AutoBackup.0000", "Request is empty")
    if body is not None and not isinstance(body, dict):
        raise bad("AutoBackup.0008", "Request body must be a JSON object")
    return body or {}


def _policy(policy_id: str) -> dict:
    pol = _emu().store.get("backup_policies", policy_id)
    if pol is None:
        raise ApiError(404, "AutoBackup.0205", f"Policy does not exist: {policy_id}")
    if pol["_project"] != g.project_id:
        raise ApiError(403, "AutoBackup.0213", "Request is not authorized: policy of another project")
    return pol


def view(pol: dict) -> dict:
    out = {"backup_policy_id": pol["id"], "backup_policy_name": pol["backup_policy_name"],
           "scheduled_policy": dict(pol["scheduled_policy"]),
           "policy_resource_count": len(pol["_volumes"])}
    if pol.get("time_zone"):
        out["time_zone"] = pol["time_zone"]
    return out


def _policies(pid: str) -> list:
    return sorted((p for p in _emu().store.coll("backup_policies").values() if p["_project"] == pid),
                  key=lambda p: p["_seq"])


@bp.route(P, methods=["POST"])
def create(pid):
    b = _body()
    name = check_name(b.get("backup_policy_name"))
    sched = check_schedule(b.get("scheduled_policy"), create=True)
    tz = check_time_zone(b["time_zone"]) if b.get("time_zone") is not None else None
    tags = check_tags(b.get("tags"))
    if len(_policies(pid)) >= int(_emu().config["vbs_policy_quota"]):
        raise bad("AutoBackup.0203", "Number of existing backup policies has reached the upper limit")
    pol = {"id": new_id(), "backup_policy_name": name, "scheduled_policy": merge_schedule({}, sched),
           "time_zone": tz, "tags": tags, "_project": pid, "_volumes": [], "_executing_until": 0}
    _emu().store.add("backup_policies", pol)
    return jsonify({"backup_policy_id": pol["id"]})


@bp.route(P, methods=["GET"])
def list_policies(pid):
    return jsonify({"backup_policies": [view(p) for p in _policies(pid)]})


@bp.route(P + "/<policy_id>", methods=["PUT"])
def modify(pid, policy_id):
    pol = _policy(policy_id)
    b = _body()
    if "backup_policy_name" in b:
        pol["backup_policy_name"] = check_name(b["backup_policy_name"])
    if "scheduled_policy" in b:
        patch = check_schedule(b["scheduled_policy"], create=False)
        pol["scheduled_policy"] = merge_schedule(pol["scheduled_policy"], patch)
    if "time_zone" in b:
        pol["time_zone"] = check_time_zone(b["time_zone"]) if b["time_zone"] is not None else None
    return jsonify({"backup_policy_id": pol["id"]})


@bp.route(P + "/<policy_id>", methods=["DELETE"])
def delete(pid, policy_id):
    _policy(policy_id)
    _emu().store.remove("backup_policies", policy_id)
    return "", 204


@bp.route("/v2/<pid>/backuppolicyresources", methods=["POST"])
def associate(pid):
    b = _body()
    pol = _policy(b.get("backup_policy_id") or "")
    resources = b.get("resources")
    if not isinstance(resources, list) or not resources:
        raise bad("AutoBackup.0207", "Resource to be associated is empty")
    st, ok, failed = _emu().store, [], []
    for r in resources:
        rid = r.get("resource_id") if isinstance(r, dict) else None
        rtype = r.get("resource_type") if isinstance(r, dict) else None
        vol = st.get("volumes", rid) if rid else None
        entry = {"resource_id": rid, "resource_type": rtype}
        if vol is not None and vol["_project"] == pid:
            entry.update(availability_zone=vol["az"], os_vol_host_attr=f"pod01.{vol['az']}")
        code = msg = None
        if not rid:
            code, msg = "AutoBackup.0209", "Resource ID or name is empty"
        elif rtype != "volume":
            code, msg = "AutoBackup.0211", "Resource type is invalid (only volume)"
        elif vol is None or vol["_project"] != pid:
            code, msg = "AutoBackup.1400", f"Resource to be associated is invalid: volume {rid} not found"
        elif vol["status"] not in ("available", "in-use"):
            code, msg = "AutoBackup.0206", f"Status of the disk to be associated is invalid: {vol['status']}"
        elif rid in pol["_volumes"]:
            # Already associated with this policy: the outcome asked for, so a success that
            # changes nothing. Associating moves a volume from another policy (below), and
            # answering AutoBackup.1400 here made "already here" indistinguishable from an
            # unknown volume, which has the same code (API doc §6.1 leaves this open).
            ok.append(entry)
            continue
        elif len(pol["_volumes"]) >= MAX_VOLUMES:
            code, msg = "AutoBackup.0204", "Number of associated volumes has reached the upper limit"
        if code:
            failed.append({**entry, "code": code, "message": msg})
            continue
        for other in _policies(pid):  # a volume belongs to at most one policy: move it
            if rid in other["_volumes"]:
                other["_volumes"].remove(rid)
        pol["_volumes"].append(rid)
        ok.append(entry)
    return jsonify({"success_resources": ok, "fail_resources": failed})


@bp.route("/v2/<pid>/backuppolicyresources/<policy_id>/deleted_resources", methods=["POST"])
def disassociate(pid, policy_id):
    pol = _policy(policy_id)
    resources = _body().get("resources")
    if not isinstance(resources, list) or not resources:
        raise bad("AutoBackup.0207", "Resource to be disassociated is empty")
    ok, failed = [], []
    for r in resources:
        rid = r.get("resource_id") if isinstance(r, dict) else None
        if rid and rid in pol["_volumes"]:
            pol["_volumes"].remove(rid)
            ok.append({"resource_id": rid})
        else:
            failed.append({"resource_id": rid, "code": "AutoBackup.1400",
                           "message": f"Volume {rid} is not associated with this policy"})
    return jsonify({"success_resources": ok, "fail_resources": failed})


@bp.route(P + "/<policy_id>/action", methods=["POST"])
def execute(pid, policy_id):
    pol = _policy(policy_id)
    t = now()
    if t < pol["_executing_until"]:
        raise bad("AutoBackup.0225", "Policy is being executed")
    duration = _emu().config.job_duration("vbsExecutePolicy")
    pol["_executing_until"] = t + duration
    st = _emu().store
    for vid in pol["_volumes"]:
        st.add("backup_tasks", {"id": new_job_id(), "_project": pid, "_policy": pol["id"], "resource_id": vid,
                                "begin": t, "duration": duration,
                                "backup_name": "autobk_" + new_id()[:4]})
    return "", 204


@bp.route(P + "/<policy_id>/backuptasks", methods=["GET"])
def tasks(pid, policy_id):
    pol = _policy(policy_id)
    a, t = request.args, now()
    items = []
    for task in _emu().store.coll("backup_tasks").values():
        if task["_policy"] != pol["id"]:
            continue
        done = t >= task["begin"] + task["duration"]
        item = {"job_id": task["id"], "status": "EXECUTE_SUCCESS" if done else "RUNNING",
                "created_at": job_time(task["begin"])[:-1], "backup_name": task["backup_name"],
                "resource_id": task["resource_id"], "resource_type": "volume"}
        if done:
            item["finished_at"] = job_time(task["begin"] + task["duration"])[:-1]
        if all(not a.get(k) or item[k] == a[k] for k in ("status", "job_id")):
            items.append(item)
    items.sort(key=lambda i: i["created_at"], reverse=a.get("sort_dir", "desc") == "desc")
    offset, limit = int(a.get("offset", 0)), int(a.get("limit", 1000))
    return jsonify({"tasks": items[offset:offset + limit], "count": len(items)})


@bp.route(P + "/<policy_id>/tags", methods=["GET"])
def list_tags(pid, policy_id):
    return jsonify({"tags": [dict(t) for t in _policy(policy_id)["tags"]]})


@bp.route(P + "/<policy_id>/tags", methods=["POST"])
def add_tag(pid, policy_id):
    pol = _policy(policy_id)
    tag = check_tag(_body().get("tag"), VBS_CODES)
    new = set_tags(pol["tags"], [tag])
    if len(new) > 10:
        raise bad("AutoBackup.0215", "Number of tags has reached the upper limit (10)")
    pol["tags"] = new
    return "", 204


@bp.route(P + "/<policy_id>/tags/<path:key>", methods=["DELETE"])
def delete_tag(pid, policy_id, key):
    pol = _policy(policy_id)
    if not any(t["key"] == key for t in pol["tags"]):
        raise ApiError(404, "AutoBackup.0216", f"Tag does not exist: {key}")
    pol["tags"] = [t for t in pol["tags"] if t["key"] != key]
    return "", 204


@bp.route(P + "/<policy_id>/tags/action", methods=["POST"])
def batch_tags(pid, policy_id):
    pol = _policy(policy_id)
    b = _body()
    action = b.get("action")
    if action not in ("create", "update", "delete"):
        raise bad("AutoBackup.0222", "Only the create, update and delete actions are supported")
    tags = check_tag_list(b.get("tags"), VBS_CODES, 10, need_value=action != "delete")
    if action == "delete":
        keys = {t["key"] for t in tags}
        pol["tags"] = [t for t in pol["tags"] if t["key"] not in keys]
    else:
        new = set_tags(pol["tags"], tags)
        if len(new) > 10:
            raise bad("AutoBackup.0215", "Number of tags has reached the upper limit (10)")
        pol["tags"] = new
    return "", 204


@bp.route(P + "/tags", methods=["GET"])
def project_tags(pid):
    return jsonify({"tags": aggregate(p["tags"] for p in _policies(pid))})


@bp.route(P + "/resource_instances/action", methods=["POST"])
def query(pid):
    q = parse_query(request.get_json(force=True, silent=True), VBS_CODES)
    found = [p for p in _policies(pid) if matches(q, p["backup_policy_name"], p["tags"])]
    if q["action"] == "count":
        return jsonify({"total_count": len(found)})
    page = found[q["offset"]:q["offset"] + q["limit"]]
    return jsonify({"total_count": len(found), "resources": [
        {"resource_id": p["id"], "resource_name": p["backup_policy_name"], "resource_detail": None,
         "tags": [dict(t) for t in p["tags"]]} for p in page]})
