"""SDRS protected-instance tags (PI11-PI16), including the tag query action."""

from flask import Blueprint, jsonify, request

from .errors import ApiError, bad
from .sdrs_common import TRANSIENT, body_obj, newest_first, owned, pi_view, store
from .tags import SDRS_CODES, aggregate, check_tag, check_tag_list, matches, parse_query, set_tags

bp = Blueprint("sdrs_pi_tags", __name__)
P = "/v1/<pid>/protected-instances"
MAX_TAGS = 20  # via the tag APIs; create accepts 10 (sources disagree, see README)


def _taggable(iid: str, code: str) -> dict:
    pi = owned("protected_instances", iid)
    if pi["status"] in TRANSIENT or pi["status"] == "invalid":
        raise bad(code, f"Tag operation not allowed in protected instance status {pi['status']}")
    return pi


@bp.route(P + "/<iid>/tags", methods=["GET"])
def list_tags(pid, iid):
    return jsonify({"tags": [dict(t) for t in owned("protected_instances", iid)["tags"]]})


@bp.route(P + "/<iid>/tags", methods=["POST"])
def add_tag(pid, iid):
    tag = check_tag(body_obj("tag"), SDRS_CODES)
    pi = _taggable(iid, "SDRS.2221")
    new = set_tags(pi["tags"], [tag])
    if len(new) > MAX_TAGS:
        raise bad("SDRS.2203", f"Number of tags exceeds the upper limit ({MAX_TAGS})")
    pi["tags"] = new
    return "", 204


@bp.route(P + "/<iid>/tags/action", methods=["POST"])
def batch_tags(pid, iid):
    b = body_obj()
    action = b.get("action")
    if action not in ("create", "delete"):
        raise bad("SDRS.2201", "action only create or delete")
    tags = check_tag_list(b.get("tags"), SDRS_CODES, MAX_TAGS, need_value=action == "create")
    pi = _taggable(iid, "SDRS.2221" if action == "create" else "SDRS.2222")
    if action == "create":
        new = set_tags(pi["tags"], tags)
        if len(new) > MAX_TAGS:
            raise bad("SDRS.2203", f"Number of tags exceeds the upper limit ({MAX_TAGS})")
        pi["tags"] = new
    else:
        # a given non-empty value must match; missing keys are ignored (idempotent delete)
        drop = {t["key"]: t["value"] for t in tags}
        pi["tags"] = [t for t in pi["tags"]
                      if not (t["key"] in drop and drop[t["key"]] in ("", t["value"]))]
    return "", 204


@bp.route(P + "/<iid>/tags/<path:key>", methods=["DELETE"])
def delete_tag(pid, iid, key):
    pi = _taggable(iid, "SDRS.2222")
    if not any(t["key"] == key for t in pi["tags"]):
        raise ApiError(404, "SDRS.2206", f"Specified tag key is not found: {key}")
    pi["tags"] = [t for t in pi["tags"] if t["key"] != key]
    return "", 204


@bp.route(P + "/tags", methods=["GET"])
def project_tags(pid):
    pis = [pi for pi in store().coll("protected_instances").values() if pi["_project"] == pid]
    return jsonify({"tags": aggregate(pi["tags"] for pi in pis)})


@bp.route(P + "/resource_instances/action", methods=["POST"])
def query(pid):
    q = parse_query(request.get_json(force=True, silent=True), SDRS_CODES)
    pis = newest_first([pi for pi in store().coll("protected_instances").values()
                        if pi["_project"] == pid and matches(q, pi["name"], pi["tags"])])
    if q["action"] == "count":
        return jsonify({"total_count": len(pis)})
    page = pis[q["offset"]:q["offset"] + q["limit"]]
    return jsonify({"resources": [{"resource_id": pi["id"], "resource_name": pi["name"],
                                   "resource_detail": pi_view(pi), "tags": [dict(t) for t in pi["tags"]]}
                                  for pi in page],
                    "total_count": len(pis)})
