"""SDRS versions, jobs (shared with ECS), active-active domains, quotas and the task center."""

from flask import Blueprint, g, jsonify, request

from .errors import ApiError, bad
from .sdrs_common import emu, fuzzy, newest_first, paginate, paging, store
from .util import public

bp = Blueprint("sdrs_other", __name__)


def sdrs_version() -> dict:
    return {"id": "v1", "links": [{"href": request.host_url.rstrip("/") + "/v1", "rel": "self"}],
            "status": "CURRENT", "updated": "2018-05-30T15:00:00Z", "version": "", "min_version": ""}


@bp.route("/v1", methods=["GET"])
def version():
    return jsonify({"version": sdrs_version()})


@bp.route("/v1/<pid>/jobs/<jid>", methods=["GET"])
def job(pid, jid):
    rec = store().get("jobs", jid)
    if rec is None:
        status = int(emu().config["job_not_found_status"])
        raise ApiError(status, "SDRS.0408", f"Null job: job {jid} not found")
    if rec["_project"] != g.project_id:
        raise ApiError(403, "SDRS.0005", "No permission for the operation: job belongs to another project")
    return jsonify(emu().engine.render(rec))


@bp.route("/v1/<pid>/active-domains", methods=["GET"])
def domains(pid):
    return jsonify({"domains": [dict(d) for d in store().active_domains()]})


@bp.route("/v1/<pid>/sdrs/quotas", methods=["GET"])
def quotas(pid):
    quota = emu().config["quotas"]
    used = {coll: sum(1 for r in store().coll(coll).values() if r["_project"] == pid)
            for coll in ("server_groups", "replications")}
    return jsonify({"quotas": {"resources": [
        {"type": t, "used": used[t], "quota": int(quota[t]), "min": 0, "max": -1}
        for t in ("server_groups", "replications")]}})


@bp.route("/v1/<pid>/task-center/failure-jobs", methods=["GET"])
def failure_jobs(pid):
    limit, offset, marker = paging()
    args = request.args
    gid = args.get("server_group_id")
    items = []
    for fj in store().coll("failure_jobs").values():
        if fj["_project"] != pid:
            continue
        if gid is not None:
            if fj["_server_group_id"] != gid:
                continue
        elif fj["resource_type"] != "server_groups":
            continue  # without server_group_id only group-level failures are listed
        if any(args.get(k) and fj[k] != args[k] for k in ("failure_status", "resource_type")):
            continue
        if fuzzy(args.get("resource_name"), fj["resource_name"]):
            items.append(fj)
    items = newest_first(items)
    page = paginate(items, "failure_jobs", limit, offset, marker)
    return jsonify({"failure_jobs": [public(fj) for fj in page], "count": len(items)})


@bp.route("/v1/<pid>/task-center/failure-jobs/batch", methods=["DELETE"])
def delete_group_level(pid):
    _delete(lambda fj: fj["resource_type"] == "server_groups", pid)
    return "", 204


@bp.route("/v1/<pid>/task-center/<gid>/failure-jobs/batch", methods=["DELETE"])
def delete_of_group(pid, gid):
    _delete(lambda fj: fj["_server_group_id"] == gid, pid)
    return "", 204


@bp.route("/v1/<pid>/task-center/failure-jobs/<fid>", methods=["DELETE"])
def delete_one(pid, fid):
    fj = store().get("failure_jobs", fid)
    if fj is None:
        raise bad("SDRS.0201", f"Invalid request parameters: failure job {fid} not found")
    if fj["_project"] != pid:
        raise ApiError(403, "SDRS.0005", "No permission for the operation")
    store().remove("failure_jobs", fid)
    return "", 204


def _delete(pred, pid) -> None:
    for fid, fj in list(store().coll("failure_jobs").items()):
        if fj["_project"] == pid and pred(fj):
            store().remove("failure_jobs", fid)
