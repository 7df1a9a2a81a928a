# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No password, secret key, security token or IAM token appears in anything a run leaves behind.

Searched: every playbook run of the resilience tests that went through ansible-runner with -vvv
and --diff (the DR setup and drill roles under faults, every bad input case, and secrets.yml,
which runs every module with password, AK/SK, temporary AK/SK and token credentials, failures
included): the stdout, every artifact file (job events with the return values, the command) and
the files the roles wrote. The secrets are read from the emulators' state: every user password,
every secret key and security token, and every token IAM issued during the runs.
"""

from __future__ import annotations

from pathlib import Path

WRONG = ("Wr0ng-Passw0rd-4-test", "wr0ngSecretKey0000000000000000000000009", "bogus-Token-0000-for-the-test")


def test_every_module_ran_and_failed_where_it_should(secrets_run):
    result, _secrets = secrets_run
    assert result.rc == 0, result
    assert result.failed == 0 and "ignored=5" in result.stdout, result
    modules = {e["event_data"].get("resolved_action") for e in result.events() if e["event"] == "runner_on_ok"}
    assert {f"cloud_dr.sdrs.{m}" for m in (
        "protection_group", "protection_group_info", "protected_instance", "protected_instance_info",
        "protected_instance_resize", "failover", "dr_drill", "dr_drill_info", "job_info", "backup_policy",
        "backup_policy_info", "active_domain_info")} <= modules


def searched_files(*artifact_dirs) -> list:
    files = []
    for directory in artifact_dirs:
        files += [p for p in Path(directory).rglob("*") if p.is_file()]
    return files


def test_no_secret_in_any_output(secrets_run, fault_runs, bad_input_run):
    result, secrets = secrets_run
    secrets = set(secrets) | set(WRONG)
    dirs = [result.artifacts]
    for run in fault_runs.values():
        secrets |= run.secrets
        dirs += [r.artifacts for r in run.results.values()] + [run.reports]
    secrets |= bad_input_run.secrets
    dirs.append(bad_input_run.run.artifacts)
    secrets = {s for s in secrets if s and len(s) >= 8}
    assert len(secrets) > 10  # passwords, keys, security token and the tokens of every run
    files = searched_files(*dirs)
    assert len(files) > 100
    leaks = []
    for path in files:
        text = path.read_text(errors="replace")
        leaks += [f"{path}: ...{text[max(0, text.index(s) - 80):text.index(s) + 20]}..." for s in secrets if s in text]
    assert not leaks, "\n".join(leaks[:20])


def test_no_secret_in_the_failure_results(secrets_run):
    """The failures of secrets.yml say what went wrong without echoing what was wrong."""
    result, _secrets = secrets_run
    failed = [e["event_data"] for e in result.events() if e["event"] == "runner_on_failed"]
    assert len(failed) == 5
    by_task = {data["task"]: data["res"] for data in failed}
    assert "HTTP 401" in by_task["Fail with a wrong password"]["msg"]
    assert "APIGW.0301" in by_task["Fail with a wrong secret key"]["msg"]
    assert "HTTP 401" in by_task["Fail with a token that does not exist"]["msg"]
    assert "SDRS.1356" in by_task["Fail in the API (SDRS refuses a GPU server)"]["msg"]
    args = by_task["Fail with a wrong password"]["invocation"]["module_args"]
    assert args["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
