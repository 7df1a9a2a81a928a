"""Print the closing line of `make test`: tests and stages passed and failed.

Counts every pytest test from the JUnit file plus every other stage (sanity, lint, docs,
changelog, integration) as one check; exits non-zero when anything failed.
"""
import os
import sys
import xml.etree.ElementTree as ET

results = sys.argv[1]
passed = failed = skipped = 0
junit = os.path.join(results, "pytest.xml")
stages = []
with open(os.path.join(results, "stages.txt"), encoding="utf-8") as handle:
    stages = [line.split() for line in handle if line.strip()]
ran_pytest = any(stage[0] == "pytest" for stage in stages)
if ran_pytest and os.path.exists(junit):
    for suite in ET.parse(junit).getroot().iter("testsuite"):
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        passed += tests - bad - skip
        failed += bad
        skipped += skip
print()
print("stages:")
for name, outcome, seconds in stages:
    print(f"  {name:<12} {outcome:<7} {seconds}")
    if name == "pytest":
        if outcome == "failed" and failed == 0:
            failed += 1  # pytest itself broke (collection error, crash)
        continue
    if outcome == "passed":
        passed += 1
    else:
        failed += 1
print()
print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not stages else 0)
