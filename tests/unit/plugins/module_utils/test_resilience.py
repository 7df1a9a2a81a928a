# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base's resilience mechanisms as pure logic: lost answers (change(recover=...)), settling
transient statuses, races between runs (keep_oldest, ranked, pick_exact), failure refresh, the
client's idempotent override and the ECS power recovery. tests/resilience proves them end to end."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _sdrs
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import NOT_APPLIED, SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._ecs import power_recovery, power_started
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import ApiError, JobFailedError
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import Reply, token_params

LOST = ApiError("the connection was lost before an answer", status=None, method="POST", path="/v1/p/server-groups")
REFUSED = ApiError("Operation not allowed", status=400, code="SDRS.1002", method="POST", path="/v1/p/x")


class FakeClient:
    """What the base asks of the client: attempts, pause; plus a script of reads."""

    attempts = 3

    def __init__(self, reads=()):
        self.reads = list(reads)
        self.pauses = []

    def pause(self, attempt):
        self.pauses.append(attempt)

    def read(self, *_args):
        return self.reads.pop(0)


class Probe(SdrsModule):
    """A module whose verb is given by the test: ``Probe.scenario(self)``."""

    module_options = dict(state=dict(type="str", default="present"))
    result_key = "thing"
    default_timeout = 5
    scenario = None
    fake = None

    def present(self):
        self._client = Probe.fake
        type(self).scenario(self)


def run(capsys, scenario, fake=None, **args) -> dict:
    Probe.scenario = staticmethod(scenario)
    Probe.fake = fake or FakeClient()
    credentials = {k: v for k, v in token_params().items() if v is not None}
    with patch_module_args(dict(credentials, **args)):
        with pytest.raises(SystemExit):
            Probe.execute()
    return json.loads(capsys.readouterr().out)


def warnings(result: dict) -> list:
    """The warning texts (ansible 2.19 returns them as structured summaries)."""
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]


def sends(*outcomes):
    """An ``apply`` that raises or returns the outcomes in turn, counting its calls."""
    calls = []

    def apply():
        calls.append(1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return apply, calls


# -- lost answers ----------------------------------------------------------------------------
def test_a_lost_answer_of_a_request_that_acted_is_adopted_not_sent_again(capsys):
    apply, calls = sends(LOST, {"id": "dup"})

    def scenario(self):
        self.change("create thing 'a'", apply, recover=lambda: {"id": "g1", "status": "available"})
    result = run(capsys, scenario)
    assert len(calls) == 1
    assert result["changed"] is True and result["actions"] == ["create thing 'a'"]
    assert result["thing"] == {"id": "g1", "status": "available"}
    assert "The request to create thing 'a' got no answer (POST /v1/p/server-groups)" in warnings(result)[0]
    assert Probe.fake.pauses == []


def test_a_lost_answer_of_a_request_that_did_not_act_is_sent_once_more(capsys):
    apply, calls = sends(LOST, {"id": "g2"})

    def scenario(self):
        self.change("create thing 'a'", apply, recover=lambda: NOT_APPLIED)
    result = run(capsys, scenario)
    assert len(calls) == 2 and result["thing"] == {"id": "g2"}
    assert Probe.fake.pauses == [1]
    assert "warnings" not in result


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_count_as_unknown_outcomes(capsys, status):
    apply, calls = sends(ApiError("gateway", status=status, method="POST", path="/x"), {"id": "g3"})
    looked = []

    def scenario(self):
        self.change("act", apply, recover=lambda: looked.append(1) or NOT_APPLIED)
    result = run(capsys, scenario)
    assert (len(calls), len(looked), result["changed"]) == (2, 1, True)


def test_resending_stops_after_api_retries_attempts(capsys):
    apply, calls = sends(LOST, LOST, LOST, {"id": "never"})
    looked = []

    def scenario(self):
        self.change("act", apply, recover=lambda: looked.append(1) or NOT_APPLIED)
    result = run(capsys, scenario)
    assert len(calls) == 3 and len(looked) == 3 and result["failed"] is True and result["changed"] is False
    assert result["error"]["status"] is None


def test_with_a_single_attempt_a_lost_answer_is_still_found_out(capsys):
    apply, calls = sends(LOST)
    FakeClient.attempts = 1
    try:
        def scenario(self):
            self.change("act", apply, recover=lambda: {"id": "found"})
        result = run(capsys, scenario)
    finally:
        FakeClient.attempts = 3
    assert len(calls) == 1 and result["thing"] == {"id": "found"} and result["changed"] is True


def test_a_refusal_is_not_recovered_and_without_recover_nothing_is_read(capsys):
    for error, recover in ((REFUSED, lambda: pytest.fail("a refusal needs no reading")), (LOST, None)):
        apply, calls = sends(error)

        def scenario(self, apply=apply, recover=recover):
            self.change("act", apply, recover=recover)
        result = run(capsys, scenario)
        assert len(calls) == 1 and result["failed"] is True and result["changed"] is False


def test_a_failed_job_reports_the_resource_as_refresh_reads_it(capsys):
    job = {"job_id": "j1", "job_type": "startProtectionGroupNoCG", "status": "FAIL", "error_code": "SDRS.1027",
           "fail_reason": "storage link down",
           "entities": {"sub_jobs": [{"job_id": "s1", "status": "FAIL", "error_code": "SDRS.1027"},
                                     {"job_id": "s2", "status": "SUCCESS"}]}}
    apply, _calls = sends(JobFailedError(job, what="enable protection"))

    def scenario(self):
        self.before = self.after = {"status": "available"}
        self.change("enable protection", apply, refresh=lambda: {"status": "error-starting"})
    result = run(capsys, scenario)
    assert result["failed"] is True and result["changed"] is True
    assert (result["error_code"], result["fail_reason"]) == ("SDRS.1027", "storage link down")
    assert [s["job_id"] for s in result["failed_sub_jobs"]] == ["s1"]
    assert result["thing"] == {"status": "error-starting"}


def test_a_failing_refresh_keeps_the_job_failure_as_the_message(capsys):
    apply, _calls = sends(JobFailedError({"job_id": "j1", "status": "FAIL", "error_code": "X.1"}, what="act"))

    def refresh():
        raise LOST

    def scenario(self):
        self.after = {"status": "available"}
        self.change("act", apply, refresh=refresh)
    result = run(capsys, scenario)
    assert result["msg"].startswith("act failed: job j1") and result["thing"] == {"status": "available"}


# -- settling and adopting ---------------------------------------------------------------------
def test_settle_waits_until_the_transient_status_ends(capsys):
    fake = FakeClient(reads=[{"id": "g", "name": "a", "status": "creating"}, {"id": "g", "name": "a", "status": "available"}])

    def scenario(self):
        self.after = self.settle({"id": "g", "name": "a", "status": "creating"}, frozenset({"creating"}),
                                 lambda client, _id: client.read(), "Protection group")
    result = run(capsys, scenario, fake)
    assert result["thing"]["status"] == "available" and fake.reads == []


def test_settle_without_wait_warns_and_marks_busy(capsys):
    def scenario(self):
        self.after = self.settle({"id": "g", "name": "a", "status": "reversing"}, frozenset({"reversing"}),
                                 lambda client, _id: pytest.fail("no read with wait: false"), "Protection group",
                                 busy_note="not triggered again")
        self.extra["busy"] = self.busy
    result = run(capsys, scenario, wait=False)
    assert result["busy"] is True
    assert warnings(result) == ["Protection group 'a' is reversing: not triggered again. Re-run with wait: true "
                                "(or later) to continue once that operation has ended."]


def test_adopt_does_not_warn_and_does_not_wait_without_wait(capsys):
    def scenario(self):
        self.after = self.adopt({"id": "d", "name": "x", "status": "creating"}, frozenset({"creating"}),
                                lambda client, _id: pytest.fail("no read"), "DR drill")
        self.extra["busy"] = self.busy
    result = run(capsys, scenario, wait=False)
    assert result["thing"]["status"] == "creating" and result["busy"] is False and "warnings" not in result


def test_recovery_reads_decides_and_adopts(capsys):
    fake = FakeClient(reads=[{"id": "g", "name": "a", "status": "starting"}, {"id": "g", "name": "a", "status": "protected"}])
    apply, calls = sends(LOST)

    def scenario(self):
        recover = self.recovery(self.client.read, lambda g: g["status"] != "available",
                                frozenset({"starting"}), lambda client, _id: client.read(), "Protection group",
                                view=lambda g: dict(g, viewed=True))
        self.change("enable protection", apply, recover=recover)
    result = run(capsys, scenario, fake)
    assert len(calls) == 1 and result["thing"] == {"id": "g", "name": "a", "status": "protected", "viewed": True}


# -- races between runs ---------------------------------------------------------------------------
GROUPS = [{"id": "b", "name": "pg", "created_at": "2026-01-01 10:00:00.200", "status": "available"},
          {"id": "a", "name": "pg", "created_at": "2026-01-01 10:00:00.100", "status": "creating"},
          {"id": "c", "name": "pg", "created_at": "2026-01-01 10:00:00.100", "status": "available"}]


def test_ranked_oldest_first_then_smallest_id_or_list_order():
    assert [g["id"] for g in _sdrs.ranked(GROUPS)] == ["a", "c", "b"]
    assert _sdrs.oldest(GROUPS)["id"] == "a"
    policies = [{"id": "z", "name": "p"}, {"id": "y", "name": "p"}]  # VBS: no created_at, creation order
    assert _sdrs.oldest(policies)["id"] == "z"


def test_keep_oldest_deletes_only_the_own_resource_when_it_lost(capsys):
    removed = []

    def scenario(self):
        self.after = self.keep_oldest(GROUPS[0], GROUPS, "Protection group", lambda: removed.append("b"))
    result = run(capsys, scenario)
    assert removed == ["b"] and result["thing"]["id"] == "a"
    assert result["actions"] == ["delete duplicate protection group 'pg' (b): a, created by another run at the same "
                                 "time, is kept"]


def test_keep_oldest_keeps_the_own_resource_when_it_won(capsys):
    def scenario(self):
        self.after = self.keep_oldest(GROUPS[1], GROUPS, "Protection group", lambda: pytest.fail("kept"))
    result = run(capsys, scenario)
    assert result["thing"]["id"] == "a" and result["changed"] is False
    assert "the one of this task (a) is the oldest and is kept" in warnings(result)[0]


def test_pick_exact_ignores_a_racing_duplicate_but_refuses_real_ones():
    settled, creating = dict(GROUPS[0]), dict(GROUPS[1])
    assert _sdrs.pick_exact([creating, settled], "pg", "protection group") is settled
    assert _sdrs.pick_exact([dict(settled, status="deleting"), creating], "pg", "group") is creating
    going = dict(settled, status="deleting")
    assert _sdrs.pick_exact([going], "pg", "group") is going  # settle() waits for it to go
    with pytest.raises(_sdrs.AmbiguousNameError, match="2 protection groups are named 'pg' \\(b, c\\)"):
        _sdrs.pick_exact([settled, dict(GROUPS[2])], "pg", "protection group")


class ListingClient:
    def __init__(self, *pages):
        self.pages = list(pages)

    def list_all(self, *_args, **_kwargs):
        return self.pages.pop(0)


def test_a_name_lookup_reads_again_while_a_race_resolves():
    client, pauses = ListingClient([GROUPS[0], GROUPS[2]], [GROUPS[0], GROUPS[2]], [GROUPS[2]]), []
    assert _sdrs.find_protection_group(client, name="pg", sleep=pauses.append)["id"] == "c"
    assert pauses == list(_sdrs.RACE_PAUSES)
    client = ListingClient(*[[GROUPS[0], GROUPS[2]]] * 3)
    with pytest.raises(_sdrs.AmbiguousNameError):
        _sdrs.find_protection_group(client, name="pg", sleep=lambda _s: None)


# -- error classes, client, ECS --------------------------------------------------------------------
def test_outcome_unknown():
    assert LOST.outcome_unknown and not REFUSED.outcome_unknown
    assert ApiError("x", status=504).outcome_unknown and not ApiError("x", status=429).outcome_unknown


def test_idempotent_overrides_the_retry_class_of_a_request(make_client, transport):
    transport.queue(Reply(502, json={}), Reply(200, json={"ok": 1}))
    assert make_client().post("sdrs", "/x/tags/action", body={}, idempotent=True) == {"ok": 1}
    transport.queue(Reply(502, json={}), Reply(200, json={"ok": 2}))
    with pytest.raises(ApiError) as caught:
        make_client().delete("sdrs", "/server-groups/{}", "g1", idempotent=False)
    assert caught.value.status == 502 and caught.value.outcome_unknown


def test_power_recovery_waits_when_the_action_shows_and_resends_otherwise():
    class Module:
        def __init__(self, servers):
            self.client = None
            self.servers = servers
            self.waited = []

        def wait_for(self, fetch, done, what):
            self.waited.append(what)
            assert done([{"status": "SHUTOFF"}])
            return fetch()
    stopping = {"status": "ACTIVE", "OS-EXT-STS:task_state": "powering-off"}
    assert power_started([stopping, {"status": "SHUTOFF"}], "os-stop")
    assert not power_started([stopping, {"status": "ACTIVE", "OS-EXT-STS:task_state": None}], "os-stop")
    assert not power_started([None], "os-start")

    import ansible_collections.cloud_dr.sdrs.plugins.module_utils._ecs as ecs
    original = ecs.get_server
    try:
        ecs.get_server = lambda _client, server_id: {"s1": stopping}[server_id]
        module = Module([stopping])
        assert power_recovery(module, ["s1"], "os-stop", lambda: "done")() == "done"
        assert module.waited == ["servers s1 to be SHUTOFF"]
        ecs.get_server = lambda _client, server_id: {"status": "ACTIVE"}
        assert power_recovery(Module([]), ["s1"], "os-stop", lambda: "done")() is NOT_APPLIED
    finally:
        ecs.get_server = original
