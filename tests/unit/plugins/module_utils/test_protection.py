# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure part of the DR setup helpers: input rules, views, domains, immutable fields, the
protection plan, delete blockers, tags, servers."""

from __future__ import annotations

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _ecs, _protection as p
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import AmbiguousNameError

DOMAINS = [
    {"id": "d1", "name": "ActiveactiveDomain", "sold_out": False,
     "local_replication_cluster": {"availability_zone": "eu-de-01"},
     "remote_replication_cluster": {"availability_zone": "eu-de-02"}},
    {"id": "d3", "name": "ActiveactiveDomain-03", "sold_out": True,
     "local_replication_cluster": {"availability_zone": "eu-de-02"},
     "remote_replication_cluster": {"availability_zone": "eu-de-03"}},
]


def group(**kw):
    base = {"id": "g1", "name": "web", "description": "web tier", "status": "available",
            "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02",
            "domain_id": "d1", "domain_name": "ActiveactiveDomain", "source_vpc_id": "vpc1",
            "dr_type": "migration", "priority_station": "source", "replication_num": 2,
            "protected_instance_num": 1, "disaster_recovery_drill_num": 0}
    base.update(kw)
    return base


# -- input rules ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["web-tier", "a", "web_01.prod", "x" * 64, "保护组"])
def test_valid_names(name):
    assert p.name_problem("name", name) is None


@pytest.mark.parametrize("name", ["", "web tier", "web/tier", "x" * 65, "a<b", "保" * 22])
def test_invalid_names(name):
    assert "is not a valid SDRS name" in p.name_problem("name", name)


def test_description_rules():
    assert p.description_problem("description", None) is None
    assert p.description_problem("description", "") is None
    assert p.description_problem("description", "x" * 64) is None
    assert "at most 64 bytes" in p.description_problem("description", "x" * 65)
    assert "'<' or '>'" in p.description_problem("description", "a <b>")


def test_tags_are_normalised_to_strings():
    assert p.normalise_tags(None) is None
    assert p.normalise_tags({"n": 1, "b": True, "f": False, "e": None, 2: "x"}) == \
        {"n": "1", "b": "true", "f": "false", "e": "", "2": "x"}


def test_tag_problems():
    assert p.tag_problems(None) == []
    assert p.tag_problems({"app": "shop"}) == []
    problems = p.tag_problems({"a=b": "x", "ok": "v|w", " ": "", "k" * 37: "v" * 44})
    assert any("tags key 'a=b' is not allowed" in x for x in problems)
    assert any("tags value of 'ok' is not allowed" in x for x in problems)
    assert any("tags key ' '" in x for x in problems)
    assert any(f"tags value of '{'k' * 37}'" in x for x in problems)
    assert "at most 10" in p.tag_problems({str(i): "v" for i in range(11)})[0]


# -- views ----------------------------------------------------------------------------------
def test_instance_view_roles_follow_priority_station():
    instance = {"id": "i1", "source_server": "s-prod", "target_server": "s-dr", "priority_station": "source",
                "tags": [{"key": "a", "value": "b"}], "attachment": [{"replication": "r1", "device": "/dev/vda"}]}
    view = p.instance_view(instance, group())
    assert view["production_server_id"] == "s-prod"
    assert view["dr_server_id"] == "s-dr"
    assert (view["production_availability_zone"], view["dr_availability_zone"]) == ("eu-de-01", "eu-de-02")
    failed_over = dict(instance, priority_station="target")
    view = p.instance_view(failed_over, group(priority_station="target"))
    assert (view["production_availability_zone"], view["dr_availability_zone"]) == ("eu-de-02", "eu-de-01")
    assert view["tags"] is not instance["tags"]  # a copy: the module may change it freely
    assert p.instance_view(None, group()) is None


def test_instance_view_without_group():
    view = p.instance_view({"id": "i1", "source_server": "a", "target_server": None})
    assert view["production_availability_zone"] is None
    assert view["tags"] == [] and view["attachment"] == []


def test_domain_view():
    view = p.domain_view(DOMAINS[0])
    assert (view["local_availability_zone"], view["remote_availability_zone"]) == ("eu-de-01", "eu-de-02")
    assert view["name"] == "ActiveactiveDomain"


# -- domains --------------------------------------------------------------------------------
def test_resolve_domain_by_name_id_and_zones():
    assert p.resolve_domain(DOMAINS, "ActiveactiveDomain", "eu-de-01", "eu-de-02")["id"] == "d1"
    assert p.resolve_domain(DOMAINS, "d1", "eu-de-02", "eu-de-01")["id"] == "d1"
    assert p.resolve_domain(DOMAINS, None, "eu-de-02", "eu-de-01")["id"] == "d1"


def test_resolve_domain_refusals():
    with pytest.raises(p.ProtectionError, match="source_availability_zone 'eu-de-09' is not an availability zone"):
        p.resolve_domain(DOMAINS, "d1", "eu-de-09", "eu-de-02")
    with pytest.raises(p.ProtectionError, match="target_availability_zone 'eu-de-03' is not"):
        p.resolve_domain(DOMAINS, "d1", "eu-de-01", "eu-de-03")
    with pytest.raises(p.ProtectionError, match="No active-active domain joins"):
        p.resolve_domain(DOMAINS, None, "eu-de-01", "eu-de-03")
    with pytest.raises(p.ProtectionError, match="is sold out"):
        p.resolve_domain(DOMAINS, None, "eu-de-03", "eu-de-02")
    with pytest.raises(p.ProtectionError, match="domain 'nope' is not an active-active domain"):
        p.resolve_domain(DOMAINS, "nope", "eu-de-01", "eu-de-02")
    twins = DOMAINS + [dict(DOMAINS[0], id="d2")]
    with pytest.raises(p.ProtectionError, match="2 active-active domains join eu-de-01 and eu-de-02"):
        p.resolve_domain(twins, None, "eu-de-01", "eu-de-02")
    with pytest.raises(AmbiguousNameError):
        p.resolve_domain(twins, "ActiveactiveDomain", "eu-de-01", "eu-de-02")


# -- immutable fields -------------------------------------------------------------------------
def test_group_differences_only_for_given_options():
    params = {"source_availability_zone": None, "target_availability_zone": None, "source_vpc_id": None,
              "dr_type": "migration", "description": None, "domain": None}
    assert p.group_differences(group(), params) == []
    params.update(description="", domain="ActiveactiveDomain")
    assert p.group_differences(group(description=None), params) == []
    assert p.group_differences(group(), dict(params, domain="d1", description="web tier")) == []


def test_group_differences_and_message():
    params = {"target_availability_zone": "eu-de-03", "description": "other", "domain": "d3",
              "source_vpc_id": "vpc1", "dr_type": "migration"}
    diffs = p.group_differences(group(), params)
    assert [d[0] for d in diffs] == ["target_availability_zone", "description", "domain"]
    text = p.immutable_message("Protection group", group(), diffs, "state: absent")
    assert text.startswith("Protection group 'web' (g1) cannot be changed as asked: ")
    assert "target_availability_zone is 'eu-de-02', the task asks for 'eu-de-03'" in text
    assert "domain is 'ActiveactiveDomain (d1)', the task asks for 'd3'" in text
    assert "SDRS cannot change these after creation" in text
    assert "delete it (state: absent)" in text


def test_instance_differences():
    instance = {"id": "i1", "name": "web-01", "source_server": "s1", "target_server": "s2",
                "server_group_id": "g1", "description": None}
    assert p.instance_differences(instance, {"description": None}, None, None) == []
    assert p.instance_differences(instance, {"description": ""}, "s2", group()) == []  # DR server after failover
    diffs = p.instance_differences(instance, {"server": "app-02", "protection_group": "other",
                                              "description": "x"}, "s9", group(id="g2"))
    assert [d[0] for d in diffs] == ["server", "protection_group", "description"]
    assert diffs[0][2] == "app-02"


# -- protection plan --------------------------------------------------------------------------
@pytest.mark.parametrize("status,desired,action,predicted", [
    ("available", None, None, "available"),
    ("protected", "enabled", None, "protected"),
    ("available", "enabled", p.START, "protected"),
    ("error-starting", "enabled", p.START, "protected"),
    ("failed-over", "enabled", p.START, "protected"),
    ("error-reprotecting", "enabled", p.START, "protected"),
    ("available", "disabled", None, "available"),
    ("failed-over", "disabled", None, "failed-over"),
    ("error-starting", "disabled", None, "error-starting"),
    ("protected", "disabled", p.STOP, "available"),
    ("error-stopping", "disabled", p.STOP, "available"),
])
def test_plan_protection(status, desired, action, predicted):
    planned = p.plan_protection(group(status=status), desired)
    assert planned[0] == action
    assert planned[2] == predicted


def test_plan_protection_texts():
    assert p.plan_protection(group(), "enabled")[1] == "enable protection of protection group 'web'"
    text = p.plan_protection(group(status="failed-over", priority_station="target"), "enabled")[1]
    assert text.startswith("re-protect protection group 'web'") and "from the target site" in text


@pytest.mark.parametrize("status", ["available", "failed-over"])
def test_plan_protection_needs_pairs(status):
    with pytest.raises(p.ProtectionError, match="has no replication pairs.*add protected instances first"):
        p.plan_protection(group(status=status, replication_num=0), "enabled")


@pytest.mark.parametrize("status,desired,advice", [
    ("error-stopping", "enabled", "retry it with protection: disabled first"),
    ("error", "enabled", "delete it (state: absent) and create it again"),
    ("error-reversing", "disabled", "repeat it with cloud_dr.sdrs.failover"),
    ("error-reprotecting", "disabled", "retry it with protection: enabled first"),
    ("error-failing-over", "enabled", "repeat it with cloud_dr.sdrs.failover"),
])
def test_plan_protection_wrong_status(status, desired, advice):
    with pytest.raises(p.ProtectionError) as info:
        p.plan_protection(group(status=status), desired)
    assert f"from status '{status}'" in str(info.value)
    assert advice in str(info.value)


def test_no_pairs_message_without_id():
    assert p.no_pairs_message({"name": "new", "id": None}).startswith("Protection group 'new' has no")


# -- delete blockers ----------------------------------------------------------------------------
def test_blockers_message():
    assert p.blockers_message(group(), {}) is None
    found = {"protected_instances": [{"name": "web-01", "id": "i1"}, {"name": "web-02", "id": "i2"}],
             "replications": [{"name": "r", "id": "r1"}], "disaster_recovery_drills": []}
    text = p.blockers_message(group(), found)
    assert "2 protected instances: web-01 (i1), web-02 (i2)" in text
    assert "1 replication pairs: r (r1)" in text
    assert "DR drills:" not in text
    assert text.endswith("Nothing was deleted.")


class ListingClient:
    def __init__(self):
        self.paths = []

    def list_all(self, service, path, key, query=None):
        self.paths.append((path, query))
        return [{"name": "x", "id": "1"}]


def test_list_blockers_reads_only_non_zero_counters():
    client = ListingClient()
    found = p.list_blockers(client, group(protected_instance_num=1, replication_num=0,
                                          disaster_recovery_drill_num=None))
    assert [path for path, _q in client.paths] == ["/protected-instances", "/disaster-recovery-drills"]
    assert client.paths[0][1] == {"server_group_id": "g1"}
    assert set(found) == {"protected_instances", "disaster_recovery_drills"}


# -- tags -----------------------------------------------------------------------------------------
def test_plan_tags():
    current = [{"key": "app", "value": "shop"}, {"key": "tier", "value": "web"}]
    assert p.plan_tags(current, None, True) == ([], [])
    assert p.plan_tags(current, {"app": "shop", "tier": "web"}, True) == ([], [])
    to_set, to_delete = p.plan_tags(current, {"app": "shop2", "owner": "a"}, True)
    assert to_set == [{"key": "app", "value": "shop2"}, {"key": "owner", "value": "a"}]
    assert to_delete == [{"key": "tier"}]
    assert p.plan_tags(current, {"owner": "a"}, False) == ([{"key": "owner", "value": "a"}], [])
    assert p.plan_tags(current, {}, True) == ([], [{"key": "app"}, {"key": "tier"}])
    assert p.plan_tags([{"key": "e", "value": None}], {"e": ""}, True) == ([], [])


def test_apply_tags_predicts():
    current = [{"key": "app", "value": "shop"}, {"key": "tier", "value": "web"}]
    after = p.apply_tags(current, [{"key": "app", "value": "x"}, {"key": "new", "value": "y"}], [{"key": "tier"}])
    assert after == [{"key": "app", "value": "x"}, {"key": "new", "value": "y"}]


# -- servers -------------------------------------------------------------------------------------
def server(**kw):
    base = {"id": "s1", "name": "web-01", "status": "ACTIVE", "OS-EXT-AZ:availability_zone": "eu-de-01",
            "metadata": {"vpc_id": "vpc1"}}
    base.update(kw)
    return base


def test_server_problem():
    assert p.server_problem(server(), group()) is None
    assert p.server_problem(server(status="SHUTOFF"), group()) is None
    assert "is in availability zone eu-de-02, but the production site of protection group 'web' is eu-de-01" in \
        p.server_problem(server(**{"OS-EXT-AZ:availability_zone": "eu-de-02"}), group())
    # after a failover the production site is the target zone
    assert p.server_problem(server(**{"OS-EXT-AZ:availability_zone": "eu-de-02"}),
                            group(priority_station="target")) is None
    assert "is ERROR: SDRS protects only ACTIVE or SHUTOFF" in p.server_problem(server(status="ERROR"), group())
    assert "is in VPC vpc9" in p.server_problem(server(metadata={"vpc_id": "vpc9"}), group())


def test_server_vpc():
    assert p.server_vpc({"metadata": {}, "addresses": {"vpcA": []}}) == "vpcA"
    assert p.server_vpc({"addresses": {"a": [], "b": []}}) is None


def test_pick_server_prefers_own_then_production_zone():
    prod = server(id="s1")
    dr = server(id="s2", **{"OS-EXT-AZ:availability_zone": "eu-de-02"})
    other = server(id="s3", name="web-011")
    assert _ecs.pick_server([prod, other], "web-01", group()) is prod
    assert _ecs.pick_server([prod, dr], "web-01", group()) is prod
    assert _ecs.pick_server([prod, dr], "web-01", group(), {"source_server": "s2", "target_server": "s9"}) is dr
    assert _ecs.pick_server([other], "web-01", group()) is None
    twin = server(id="s4")
    with pytest.raises(AmbiguousNameError, match="2 servers are named 'web-01'"):
        _ecs.pick_server([prod, twin, dr], "web-01", group())


def test_protecting_instance():
    instances = [{"id": "i1", "source_server": "a", "target_server": "b"}]
    assert p.protecting_instance(instances, "b")["id"] == "i1"
    assert p.protecting_instance(instances, "c") is None


def test_id_lists():
    assert p.id_list_query(["a", "b"]) == '["a","b"]'
    assert p.chunks([]) == [[]]
    assert [len(c) for c in p.chunks(list(range(61)))] == [30, 30, 1]
