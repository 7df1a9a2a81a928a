# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base runs a trivial module end to end: result, diff, check mode, failures."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import ApiError, JobFailedError

APPLIED: list = []


class Thing(SdrsModule):
    """A module that renames a thing: present changes it, 'boom' fails like the API would."""

    module_options = dict(name=dict(type="str", required=True),
                          state=dict(type="str", default="present",
                                     choices=["present", "boom", "job_fail", "no_credentials"]))
    result_key = "thing"
    default_timeout = 60

    def present(self) -> None:
        self.before = {"name": "old"}
        desired = {"name": self.params["name"]}
        if desired != self.before:
            self.change("rename", lambda: self._apply(desired), predicted=desired)

    def _apply(self, desired: dict) -> dict:
        APPLIED.append(desired)
        return dict(desired, id="t1")

    def boom(self) -> None:
        raise ApiError("Operation not allowed in the current state", status=400, code="SDRS.1002",
                       method="POST", path="/v1/p/server-groups/g1/action", request_id="req-1")

    def job_fail(self) -> None:
        raise JobFailedError({"job_id": "j1", "job_type": "t", "status": "FAIL", "error_code": "SDRS.1820",
                              "fail_reason": "volume is error"}, what="renaming thing")

    def no_credentials(self) -> None:
        self.client.get("sdrs", "/x")


def run(capsys, **args) -> dict:
    APPLIED.clear()
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            Thing.execute()
    return json.loads(capsys.readouterr().out)


def test_check_mode_predicts_through_change(capsys):
    result = run(capsys, name="new", _ansible_check_mode=True)
    assert APPLIED == []
    assert result["changed"] is True
    assert result["actions"] == ["rename"]
    assert result["thing"] == {"name": "new"}
    assert result["jobs"] == [] and "diff" not in result


def test_apply_and_diff_only_with_diff_mode(capsys):
    result = run(capsys, name="new", _ansible_diff=True)
    assert APPLIED == [{"name": "new"}]
    assert result["thing"] == {"name": "new", "id": "t1"}
    assert result["diff"] == {"before": {"name": "old"}, "after": {"name": "new", "id": "t1"}}


def test_unchanged(capsys):
    result = run(capsys, name="old", _ansible_diff=True)
    assert (result["changed"], result["actions"], result["thing"]) == (False, [], {"name": "old"})
    assert result["diff"] == {"before": {"name": "old"}, "after": {"name": "old"}}


def test_api_failure_carries_error(capsys):
    result = run(capsys, name="x", state="boom")
    assert result["failed"] is True
    assert result["msg"].startswith("POST /v1/p/server-groups/g1/action failed (HTTP 400 SDRS.1002)")
    assert result["error"] == {"status": 400, "code": "SDRS.1002",
                               "message": "Operation not allowed in the current state",
                               "method": "POST", "path": "/v1/p/server-groups/g1/action", "request_id": "req-1"}
    assert result["changed"] is False


def test_job_failure_carries_job(capsys):
    result = run(capsys, name="x", state="job_fail")
    assert result["failed"] is True
    assert (result["error_code"], result["fail_reason"]) == ("SDRS.1820", "volume is error")
    assert result["job"]["job_id"] == "j1"


def test_missing_credentials_fail_cleanly(capsys, monkeypatch):
    for var in ("OS_CLOUD", "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_AUTH_TOKEN", "OS_TOKEN",
                "OS_ACCESS_KEY", "OS_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    result = run(capsys, name="x", state="no_credentials")
    assert result["failed"] is True
    assert result["msg"].startswith("No credentials given")
