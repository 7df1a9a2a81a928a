"""playbooks/failover_drill.yml (role cloud_dr.sdrs.failover_drill) against an emulator holding the
demo's three protected groups: DR drills and switchovers in parallel, the report, failures of one
group (a failed job, a failed check), check mode and refusals before any request."""
import glob
import json
import re
from xml.etree import ElementTree
from pathlib import Path

from system_helpers import facts_of

GROUPS = ["web-tier", "app-tier", "db-tier"]
DRILL_STEPS = ["create drill", "drill servers ready", "check", "delete drill"]


def report_of(report_dir: Path) -> dict:
    files = glob.glob(str(report_dir / "*.json"))
    assert len(files) == 1, files
    return json.loads(Path(files[0]).read_text())


def by_name(report: dict) -> dict:
    return {g["name"]: g for g in report["groups"]}


def test_drill_runs_the_groups_in_parallel_and_reports_the_rto(protected, protected_playbook, tmp_path):
    mark = protected.mark()
    report_dir = tmp_path / "report"
    result, facts = facts_of(protected_playbook, tmp_path, "playbooks/failover_drill.yml",
                             extra={"failover_drill_report_dir": str(report_dir)})
    assert result.rc == 0, result
    report = report_of(report_dir)
    assert report == facts["failover_drill_report"]
    assert report["mode"] == "drill" and report["result"] == "passed"
    assert [g["name"] for g in report["groups"]] == GROUPS
    for group in report["groups"]:
        assert group["result"] == "passed" and group["failed_step"] is None
        assert [s["step"] for s in group["steps"]] == DRILL_STEPS
        assert all(s["status"] == "ok" for s in group["steps"])
        create = group["steps"][0]
        assert create["seconds"] > 0 and len(create["job_ids"]) == 1 and create["started_at"].endswith("Z")
        assert group["rto_seconds"] == round(sum(s["seconds"] for s in group["steps"][:3]), 3)
        assert group["cleanup_seconds"] == group["steps"][3]["seconds"]
        assert group["final"] == {"status": "protected", "priority_station": "source", "drills": []}
        assert "probed " in group["steps"][2]["detail"] and "(HTTP 200)" in group["steps"][2]["detail"]
    assert "2 drill server(s)" in by_name(report)["web-tier"]["steps"][1]["detail"]
    assert "1 drill server(s)" in by_name(report)["db-tier"]["steps"][1]["detail"]

    # The three drills were submitted before the first job was read: the groups ran in parallel.
    requests = protected.requests(mark)
    posts = [r["seq"] for r in requests if r["method"] == "POST" and r["path"].endswith("/disaster-recovery-drills")]
    job_reads = [r["seq"] for r in requests if r["method"] == "GET" and "/jobs/" in r["path"]]
    assert len(posts) == 3 and max(posts) < min(job_reads)
    # Production untouched: no action on a group, no server stopped or started.
    assert not [r for r in requests if r["mutating"] and ("/server-groups/" in r["path"] or "/cloudservers" in r["path"])]
    assert protected.state()["drills"] == {}
    assert all(g["status"] == "protected" for g in protected.groups().values())

    files = facts["failover_drill_report_files"]
    assert sorted(files) == ["html", "json", "markdown"]
    markdown = Path(files["markdown"]).read_text()
    assert "# Failover drill report: drill, PASSED" in markdown
    assert "| web-tier | passed |" in markdown and "```text" in markdown
    html = Path(files["html"]).read_text()
    assert html.count("<svg") == 1 and html.count("<title>create drill:") == 3
    assert "<script" not in html
    chart = ElementTree.fromstring(re.search(r"<svg.*</svg>", html, re.S).group(0))
    bars = chart.findall("{http://www.w3.org/2000/svg}rect")
    assert len(bars) == 3 * len(DRILL_STEPS), "one bar per step and group"
    assert max(float(b.get("x")) + float(b.get("width")) for b in bars) <= float(chart.get("width"))


def test_a_failed_job_fails_its_group_at_that_step_and_the_role(protected, protected_playbook, tmp_path):
    protected.fault(action="job_fail", job_type="createDisasterRecoveryDrill", times=1,
                    error_code="SDRS.1911", fail_reason="no capacity for drill servers")
    report_dir = tmp_path / "report"
    result = protected_playbook("playbooks/failover_drill.yml", extra={"failover_drill_report_dir": str(report_dir)})
    assert result.rc != 0
    assert "The drill failed for 1 of 3 protection group(s): 'web-tier' at step 'create drill'" in result.stdout, result
    assert "SDRS.1911: no capacity for drill servers" in result.stdout
    assert "left protected with production at the source site" in result.stdout
    report = report_of(report_dir)
    assert report["result"] == "failed"
    groups = by_name(report)
    assert groups["web-tier"]["result"] == "failed" and groups["web-tier"]["failed_step"] == "create drill"
    steps = [(s["step"], s["status"]) for s in groups["web-tier"]["steps"]]
    assert steps == [("create drill", "failed"), ("delete drill", "ok")]
    assert groups["app-tier"]["result"] == "passed" and groups["db-tier"]["result"] == "passed"
    assert protected.state()["drills"] == {}, "the failed group's drill is cleaned up too"
    markdown = Path(glob.glob(str(report_dir / "*.md"))[0]).read_text()
    assert '**web-tier failed at step "create drill":**' in markdown


def test_a_failed_check_fails_its_group_at_the_check(protected, protected_playbook, tmp_path):
    check = tmp_path / "check.yml"
    check.write_text(
        "- name: The application answers on every drill server\n"
        "  ansible.builtin.assert:\n"
        "    that:\n"
        "      - failover_drill_site == 'drill'\n"
        "      - failover_drill_servers | map(attribute='drill_server_id') | select | list | length > 0\n"
        "      - failover_drill_group != 'db-tier'\n"
        "    fail_msg: the database of {{ failover_drill_group }} does not answer\n")
    report_dir = tmp_path / "report"
    extra = {"failover_drill_report_dir": str(report_dir), "failover_drill_check_tasks": str(check),
             "failover_drill_name": "weekly-drill", "failover_drill_report_formats": ["json"]}
    result = protected_playbook("playbooks/failover_drill.yml", extra=extra)
    assert result.rc != 0
    assert "'db-tier' at step 'check'" in result.stdout, result
    report = report_of(report_dir)
    assert report["drill_name"] == "weekly-drill"
    assert [p.suffix for p in report_dir.iterdir()] == [".json"]
    groups = by_name(report)
    assert groups["db-tier"]["failed_step"] == "check"
    assert "the database of db-tier does not answer" in groups["db-tier"]["error"]
    assert groups["web-tier"]["result"] == groups["app-tier"]["result"] == "passed"
    assert groups["web-tier"]["steps"][2]["detail"].startswith(f"ran {check}, probed https://")
    assert protected.state()["drills"] == {}


def test_switchover_moves_production_to_the_dr_site_and_back(protected, protected_playbook, tmp_path):
    report_dir = tmp_path / "report"
    before = protected.state()["servers"]
    result, facts = facts_of(protected_playbook, tmp_path, "playbooks/failover_drill.yml",
                             extra={"failover_drill_report_dir": str(report_dir), "failover_drill_mode": "switchover"})
    assert result.rc == 0, result
    report = facts["failover_drill_report"]
    assert report["mode"] == "switchover" and report["result"] == "passed" and report["drill_name"] is None
    for group in report["groups"]:
        steps = [s["step"] for s in group["steps"]]
        assert steps == [
            "stop servers before the switch to the DR site", "planned failover to the DR site",
            "start servers at the DR site", "verify at the DR site", "check at the DR site",
            "stop servers before the switch to the original site", "planned failover to the original site",
            "start servers at the original site", "verify at the original site", "check at the original site"]
        assert group["rto_seconds"] > 0 and group["failback_seconds"] > 0
        assert group["final"]["priority_station"] == "source" and group["final"]["status"] == "protected"
        assert "production at the target site" in group["steps"][3]["detail"]
    groups = protected.groups()
    assert all(g["status"] == "protected" and g["priority_station"] == "source" for g in groups.values())
    servers = protected.state()["servers"]
    web01 = protected.info["emulator_seed"]["servers"]["web-01"]
    assert before[web01]["status"] == servers[web01]["status"] == "ACTIVE"
    mutations = protected.mutations()
    assert sum(1 for m in mutations if m.endswith("/action") and "/server-groups/" in m) == 6


def test_a_failed_switch_leaves_the_group_and_a_failed_check_still_comes_back(protected, protected_playbook, tmp_path):
    app = protected.groups()["app-tier"]["id"]
    protected.fault(action="job_fail", job_type="reverseProtectionGroupNoCG", path=f"/server-groups/{app}/action",
                    times=1, error_code="SDRS.1830", fail_reason="replication pairs are synchronising")
    check = tmp_path / "check.yml"
    check.write_text(
        "- name: The database answers at the DR site\n"
        "  ansible.builtin.assert:\n"
        "    that: not (failover_drill_group == 'db-tier' and failover_drill_site == 'target')\n"
        "    fail_msg: no answer from {{ failover_drill_servers | selectattr('site', 'eq', 'target')"
        " | map(attribute='name') | join(', ') }}\n")
    report_dir = tmp_path / "report"
    result = protected_playbook("playbooks/failover_drill.yml",
                                extra={"failover_drill_report_dir": str(report_dir), "failover_drill_mode": "switchover",
                                       "failover_drill_check_tasks": str(check),
                                       "failover_drill_report_formats": ["json", "html"]})
    assert result.rc != 0
    assert "The switchover failed for 2 of 3 protection group(s)" in result.stdout, result
    assert "'app-tier' at step 'planned failover to the DR site'" in result.stdout
    assert "'db-tier' at step 'check at the DR site'" in result.stdout
    report = report_of(report_dir)
    groups = by_name(report)
    app_report = groups["app-tier"]
    assert app_report["result"] == "failed" and "SDRS.1830" in app_report["error"]
    assert app_report["final"]["status"] == protected.groups()["app-tier"]["status"] != "protected"
    assert [s["step"] for s in app_report["steps"]][-1] == "planned failover to the DR site", "left as it is"
    db_report = groups["db-tier"]
    assert db_report["failed_step"] == "check at the DR site" and "no answer from db-01" in db_report["error"]
    assert db_report["final"] == {"status": "protected", "priority_station": "source", "drills": []}, "switched back"
    assert [s["status"] for s in db_report["steps"] if s["phase"] == "failback"] == ["ok"] * 5
    assert groups["web-tier"]["result"] == "passed"
    assert groups["web-tier"]["final"] == {"status": "protected", "priority_station": "source", "drills": []}
    html = Path(glob.glob(str(report_dir / "*.html"))[0]).read_text()
    assert 'stroke="#cf222e"' in html, "the failed step is outlined in the chart"


def test_check_mode_and_refusals_send_nothing(protected, protected_playbook, tmp_path):
    mark = protected.mark()
    report_dir = tmp_path / "report"
    check = protected_playbook("playbooks/failover_drill.yml", "--check",
                               extra={"failover_drill_report_dir": str(report_dir)})
    assert check.rc == 0, check
    assert "create DR drill 'ansible-drill-" in check.stdout and "of protection group 'db-tier'" in check.stdout
    switch = protected_playbook("playbooks/failover_drill.yml", "--check",
                                extra={"failover_drill_report_dir": str(report_dir), "failover_drill_mode": "switchover"})
    assert switch.rc == 0, switch
    assert "planned failover of protection group 'web-tier' to the target site" in switch.stdout

    missing = protected_playbook("playbooks/failover_drill.yml",
                                 extra={"failover_drill_groups": "web-tier, no-such-group"})
    assert missing.rc != 0
    assert "No protection group has the name or ID no-such-group" in missing.stdout, missing

    one_vpc = protected_playbook("playbooks/failover_drill.yml",
                                 extra={"failover_drill_vpc_id": protected.info["emulator_seed"]["vpcs"]["vpc-drill"],
                                        "failover_drill_vpc_ids": {}})
    assert one_vpc.rc != 0
    assert "A drill VPC holds the drill servers of one DR drill only (SDRS.1921)" in one_vpc.stdout, one_vpc

    bad_mode = protected_playbook("playbooks/failover_drill.yml", extra={"failover_drill_mode": "failover"})
    assert bad_mode.rc != 0
    assert "value of failover_drill_mode must be one of: drill, switchover, got: failover" in bad_mode.stdout
    assert protected.mutations(mark) == []
    assert not report_dir.exists()
