"""Check that every module's documentation renders with ansible-doc and is complete.

ansible-doc exits 0 even when it cannot find a plugin (it prints ``{}``), so this reads the
JSON: each module needs a description, attributes (check_mode, diff_mode), EXAMPLES and RETURN.
"""
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
modules = sorted(f[:-3] for f in os.listdir(os.path.join(root, "plugins", "modules"))
                 if f.endswith(".py") and not f.startswith("_"))
if not modules:
    print("check_docs: no modules yet")
    sys.exit(0)
names = [f"cloud_dr.sdrs.{m}" for m in modules]
out = subprocess.run(["ansible-doc", "--json", "-t", "module", *names], check=True,
                     capture_output=True, text=True).stdout
docs = json.loads(out)
problems = []
for name in names:
    entry = docs.get(name)
    if not entry:
        problems.append(f"{name}: ansible-doc found no documentation")
        continue
    doc = entry.get("doc") or {}
    attributes = doc.get("attributes") or {}
    for attr in ("check_mode", "diff_mode"):
        if attr not in attributes:
            problems.append(f"{name}: attributes.{attr} missing")
    if not doc.get("description"):
        problems.append(f"{name}: no description")
    if not (entry.get("examples") or "").strip():
        problems.append(f"{name}: no EXAMPLES")
    if entry.get("return") is None:
        problems.append(f"{name}: no RETURN")
for problem in problems:
    print(problem)
print(f"check_docs: {len(names)} modules, {len(problems)} problems")
sys.exit(1 if problems else 0)
