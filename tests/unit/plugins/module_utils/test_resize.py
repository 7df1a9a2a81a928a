# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resize plan: roles after a failover, the minimal body, preconditions and warnings."""

from __future__ import annotations

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _resize as r

PROD_ID = "5fb92d6c-b0cb-46c9-824b-b90ec5500ae6"
DR_ID = "c6c0ff54-fa1f-43ef-9ccc-1774e40c8745"


def group(station="source", status="protected"):
    return {"id": "g1", "name": "erp", "status": status, "priority_station": station,
            "source_availability_zone": "eu-de-01", "target_availability_zone": "eu-de-02"}


def instance(source=PROD_ID, target=DR_ID, status="protected"):
    return {"id": "pi1", "name": "erp-db", "status": status, "server_group_id": "g1",
            "source_server": source, "target_server": target}


def view(server_id, zone, flavor="s3.large.2", status="SHUTOFF", vcpus=2, ram=4096):
    return {"id": server_id, "name": "erp-db", "status": status, "availability_zone": zone,
            "flavor": flavor, "vcpus": vcpus, "ram": ram}


def ecs_server(server_id, zone, flavor="s3.large.2", status="SHUTOFF"):
    return {"server": {"id": server_id, "name": "erp-db", "status": status, "OS-EXT-AZ:availability_zone": zone,
                       "flavor": {"id": flavor, "name": flavor, "vcpus": "2", "ram": "4096"}}}


class FakeClient:
    """Answers GETs from a dict keyed by (service, path); records every call."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def get(self, service, template, *args, query=None):
        path = template.format(*args)
        self.calls.append((service, path, query))
        return self.answers.get((service, path))

    def get_or_none(self, service, template, *args, query=None):
        return self.get(service, template, *args, query=query)


# -- which server is production ------------------------------------------------------------
@pytest.mark.parametrize("station, zone", [("source", "eu-de-01"), ("target", "eu-de-02"), (None, "eu-de-01")])
def test_production_zone_follows_priority_station(station, zone):
    assert r.production_zone(group(station)) == zone


def servers_by_id(prod_zone="eu-de-01", dr_zone="eu-de-02"):
    return {PROD_ID: view(PROD_ID, prod_zone, "s3.large.2"), DR_ID: view(DR_ID, dr_zone, "s3.medium.2")}


def test_roles_before_failover():
    roles = r.assign_roles(instance(), group("source"), servers_by_id())
    assert roles["production"]["id"] == PROD_ID and roles["dr"]["id"] == DR_ID


def test_roles_after_switchover_when_api_keeps_ids():
    # source_server still names the original server, now at the DR site (eu-de-01)
    roles = r.assign_roles(instance(), group("target"), servers_by_id())
    assert roles["production"]["id"] == DR_ID
    assert roles["dr"]["id"] == PROD_ID


def test_roles_after_switchover_when_api_swaps_ids():
    roles = r.assign_roles(instance(source=DR_ID, target=PROD_ID), group("target"), servers_by_id())
    assert roles["production"]["id"] == DR_ID
    assert roles["dr"]["id"] == PROD_ID


def test_roles_ambiguous_zone_fails_naming_both_servers():
    with pytest.raises(r.ResizeError) as err:
        r.assign_roles(instance(), group("source"), servers_by_id("eu-de-03", "eu-de-04"))
    assert "Cannot tell which server" in str(err.value)
    assert PROD_ID in str(err.value) and DR_ID in str(err.value)


def test_read_servers_reads_both_from_ecs():
    client = FakeClient({("ecs", f"/cloudservers/{PROD_ID}"): ecs_server(PROD_ID, "eu-de-01"),
                         ("ecs", f"/cloudservers/{DR_ID}"): ecs_server(DR_ID, "eu-de-02", "s3.xlarge.2")})
    roles = r.read_servers(client, instance(), group())
    assert roles["production"] == {"id": PROD_ID, "name": "erp-db", "status": "SHUTOFF",
                                   "availability_zone": "eu-de-01", "flavor": "s3.large.2", "vcpus": 2, "ram": 4096}
    assert roles["dr"]["flavor"] == "s3.xlarge.2"
    assert len(client.calls) == 2


def test_read_servers_missing_server_fails():
    client = FakeClient({("ecs", f"/cloudservers/{PROD_ID}"): ecs_server(PROD_ID, "eu-de-01")})
    with pytest.raises(r.ResizeError, match=f"Server {DR_ID} \\(target_server\\).*does not exist"):
        r.read_servers(client, instance(), group())


# -- the plan ------------------------------------------------------------------------------
def current(prod="s3.large.2", dr="s3.large.2"):
    return {"production": view(PROD_ID, "eu-de-01", prod), "dr": view(DR_ID, "eu-de-02", dr)}


@pytest.mark.parametrize("params, expected", [
    ({"flavor": "a"}, {"production": "a", "dr": "a"}),
    ({"production_flavor": "a"}, {"production": "a", "dr": None}),
    ({"dr_flavor": "b"}, {"production": None, "dr": "b"}),
    ({"production_flavor": "a", "dr_flavor": "b"}, {"production": "a", "dr": "b"}),
])
def test_desired_flavors(params, expected):
    assert r.desired_flavors(params) == expected


@pytest.mark.parametrize("prod, dr, desired, body", [
    # both differ, same target: the API's "both servers" form
    ("s3.large.2", "s3.large.2", {"production": "s3.xlarge.2", "dr": "s3.xlarge.2"},
     {"resize": {"flavorRef": "s3.xlarge.2"}}),
    # both differ, different targets
    ("s3.large.2", "s3.large.2", {"production": "s3.xlarge.2", "dr": "s3.2xlarge.2"},
     {"resize": {"production_flavorRef": "s3.xlarge.2", "dr_flavorRef": "s3.2xlarge.2"}}),
    # `flavor` given but production already has it: only DR is sent (SDRS.1341 otherwise)
    ("s3.xlarge.2", "s3.large.2", {"production": "s3.xlarge.2", "dr": "s3.xlarge.2"},
     {"resize": {"dr_flavorRef": "s3.xlarge.2"}}),
    ("s3.large.2", "s3.xlarge.2", {"production": "s3.xlarge.2", "dr": "s3.xlarge.2"},
     {"resize": {"production_flavorRef": "s3.xlarge.2"}}),
    # one side asked, the other left alone
    ("s3.large.2", "s3.large.2", {"production": "s3.xlarge.2", "dr": None},
     {"resize": {"production_flavorRef": "s3.xlarge.2"}}),
    ("s3.large.2", "s3.large.2", {"production": None, "dr": "s3.xlarge.2"},
     {"resize": {"dr_flavorRef": "s3.xlarge.2"}}),
    # nothing differs: no request at all
    ("s3.xlarge.2", "s3.xlarge.2", {"production": "s3.xlarge.2", "dr": "s3.xlarge.2"}, None),
    ("s3.xlarge.2", "s3.large.2", {"production": "s3.xlarge.2", "dr": None}, None),
])
def test_plan_sends_only_what_differs(prod, dr, desired, body):
    changes = r.plan_changes(current(prod, dr), desired)
    assert r.resize_body(changes) == body


def test_describe_names_roles_and_flavors():
    views = current()
    text = r.describe(views, {"production": "s3.xlarge.2", "dr": "s3.xlarge.4"})
    assert text == ("production server 'erp-db' s3.large.2 -> s3.xlarge.2, "
                    "DR server 'erp-db' s3.large.2 -> s3.xlarge.4")


def test_predict_takes_cpu_and_memory_from_ecs_list():
    views = current()
    allowed = {"dr": [{"id": "s3.xlarge.2", "vcpus": "4", "ram": 8192}]}
    after = r.predict(views, {"dr": "s3.xlarge.2"}, allowed)
    assert after["dr"]["flavor"] == "s3.xlarge.2"
    assert (after["dr"]["vcpus"], after["dr"]["ram"]) == (4, 8192)
    assert after["production"] == views["production"]
    assert views["dr"]["flavor"] == "s3.large.2"  # input untouched


def test_with_status_copies():
    views = current()
    stopped = r.with_status(views, ["production"], "SHUTOFF")
    views["production"]["status"] = "ACTIVE"
    assert stopped["production"]["status"] == "SHUTOFF"


def test_flavors_report():
    before = current()
    after = current("s3.xlarge.2")
    assert r.flavors_report(before, after) == {
        "production": {"before": "s3.large.2", "after": "s3.xlarge.2"},
        "dr": {"before": "s3.large.2", "after": "s3.large.2"}}
    assert r.flavors_report(None, None)["dr"] == {"before": None, "after": None}


def test_option_for():
    assert r.option_for({"flavor": "x"}, "dr") == "flavor"
    assert r.option_for({"dr_flavor": "x"}, "dr") == "dr_flavor"


# -- ECS allowed flavors -------------------------------------------------------------------
@pytest.mark.parametrize("key", ["data", "flavors"])
def test_allowed_flavors_reads_v1_and_v21_shapes(key):
    client = FakeClient({("ecs", "/cloudservers/resize_flavors"): {key: [{"id": "s3.xlarge.2"}, "junk"]}})
    assert r.allowed_flavors(client, PROD_ID) == [{"id": "s3.xlarge.2"}]
    assert client.calls == [("ecs", "/cloudservers/resize_flavors", {"instance_uuid": PROD_ID})]


def test_check_allowed_passes_and_fails_with_the_list():
    items = [{"id": "s3.xlarge.2"}, {"id": "s3.large.4"}]
    r.check_allowed("dr", current()["dr"], "s3.xlarge.2", items, "dr_flavor")
    with pytest.raises(r.ResizeError) as err:
        r.check_allowed("dr", current()["dr"], "x9.huge", items, "dr_flavor")
    text = str(err.value)
    assert text.startswith("dr_flavor: ECS does not allow resizing the DR server 'erp-db'")
    assert "to 'x9.huge'" in text and "Allowed flavors: s3.large.4, s3.xlarge.2." in text


def test_check_allowed_long_list_is_shortened():
    items = [{"id": f"f{i:02d}"} for i in range(25)]
    with pytest.raises(r.ResizeError, match="and 5 more"):
        r.check_allowed("production", current()["production"], "nope", items, "flavor")


# -- preconditions -------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["available", "protected"])
def test_group_status_ok(status):
    r.check_group(group(status=status))


def test_group_failed_over_refused_with_advice():
    with pytest.raises(r.ResizeError) as err:
        r.check_group(group(status="failed-over"))
    assert "Protection group 'erp' (g1) is 'failed-over'" in str(err.value)
    assert "reprotect" in str(err.value)


@pytest.mark.parametrize("status", ["available", "protected", "error-resizing"])
def test_instance_status_ok(status):
    r.check_instance(instance(status=status))


@pytest.mark.parametrize("status, advice", [("invalid", "deleted outside SDRS"), ("fault", "Replication"),
                                            ("nic-creating", "Wait until")])
def test_instance_status_refused(status, advice):
    with pytest.raises(r.ResizeError) as err:
        r.check_instance(instance(status=status))
    assert f"is '{status}'" in str(err.value) and advice in str(err.value)


def test_running_server_refused_naming_it():
    views = current()
    views["production"]["status"] = "ACTIVE"
    views["production"]["name"] = "erp-db-prod"
    with pytest.raises(r.ResizeError) as err:
        r.servers_to_stop(views, {"production": "s3.xlarge.2"}, False)
    assert f"The production server 'erp-db-prod' ({PROD_ID}) is running (ACTIVE)" in str(err.value)
    assert "stop_servers=true" in str(err.value)


def test_running_server_not_resized_is_ignored():
    views = current()
    views["production"]["status"] = "ACTIVE"
    assert r.servers_to_stop(views, {"dr": "s3.xlarge.2"}, False) == []


def test_stop_servers_returns_running_roles_only():
    views = current()
    views["production"]["status"] = "ACTIVE"
    assert r.servers_to_stop(views, {"production": "a", "dr": "a"}, True) == ["production"]


def test_server_in_error_is_never_stopped():
    views = current()
    views["dr"]["status"] = "ERROR"
    with pytest.raises(r.ResizeError, match="is 'ERROR'"):
        r.servers_to_stop(views, {"dr": "a"}, True)


# -- sizing warning ------------------------------------------------------------------------
def test_dr_smaller_warns_on_cpu_and_memory():
    views = current()
    views["production"].update(vcpus=4, ram=8192)
    text = r.dr_smaller_warning(views)
    assert "2 vCPUs against 4" in text and "4096 MB memory against 8192 MB" in text


def test_dr_equal_or_larger_does_not_warn():
    views = current()
    assert r.dr_smaller_warning(views) is None
    views["dr"].update(vcpus=8, ram=16384)
    assert r.dr_smaller_warning(views) is None


def test_unknown_size_does_not_warn():
    views = current()
    views["dr"].update(vcpus=None, ram=None)
    assert r.dr_smaller_warning(views) is None
