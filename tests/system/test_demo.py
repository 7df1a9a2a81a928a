"""`make demo` (tests/ci/demo.sh): emulator, DR setup twice (the second run changes nothing), a
drill, and the summary of what it did with the report's location."""
import json
import os
import subprocess
from pathlib import Path

from system_helpers import BIN, ROOT


def test_the_demo_sets_up_dr_runs_a_drill_and_says_where_the_report_is(tmp_path):
    out = tmp_path / "demo-output"
    env = dict(os.environ, SDRS_DEMO_JOB_DURATION="0.1", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", str(ROOT / "tests" / "ci" / "demo.sh"), str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    text = done.stdout
    first, rerun = (out / "dr_setup.log").read_text(), (out / "dr_setup_rerun.log").read_text()
    assert "changed=4" in first and "failed=0" in first
    assert "changed=0" in rerun and "failed=0" in rerun and "Nothing to change." in rerun
    assert "failed=0" in (out / "failover_drill.log").read_text()
    summary = text[text.index("== What the demo did"):]
    assert "Protection groups: 3" in summary
    for group in ("web-tier", "app-tier", "db-tier"):
        assert f"  {group}" in summary
    assert "protected    production at the source (eu-de-01) site" in summary
    assert "instance web-01     protected" in summary
    assert "Backup policies: 2" in summary and "nightly      ON  at 01:00 UTC every 1 day(s), keep 7, 2 volume(s)" in summary
    assert "DR drills left: 0" in summary
    assert "API requests: " in summary and "by service: ecs" in summary
    assert "Drill (drill): passed, 3 group(s)" in summary
    reports = sorted((out / "report").glob("*.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text())
    assert [g["result"] for g in report["groups"]] == ["passed"] * 3
    html = reports[0].with_suffix(".html")
    assert f"Drill report: {html}" in summary and html.exists()
    assert not Path(out / "emulator" / "emulator.pid").exists(), "the demo stops its emulator"
