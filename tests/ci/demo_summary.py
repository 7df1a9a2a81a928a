"""Print what `make demo` did: tests/ci/demo_summary.py OUT_DIR CONNECTION_FILE.

Reads the emulator's state and request log through its admin API (the emulator is still
running when demo.sh calls this) and the newest drill report under OUT_DIR/report, and prints
the protection groups with their instances, the backup policies, the API requests by service
and verb, and where the report is. Standard library only.
"""
import collections
import glob
import json
import os
import ssl
import sys
import urllib.request


def fetch(connection: dict, path: str) -> dict:
    context = ssl.create_default_context(cafile=connection.get("emulator_ca_path"))
    with urllib.request.urlopen(connection["emulator_admin_url"] + path, context=context, timeout=10) as answer:
        return json.load(answer)


def newest(pattern: str) -> str | None:
    files = sorted(glob.glob(pattern), key=os.path.getmtime)
    return files[-1] if files else None


def site_of(group: dict) -> str:
    station = group.get("priority_station")
    zone = group.get("target_availability_zone") if station == "target" else group.get("source_availability_zone")
    return f"{station} ({zone})"


def summary(out_dir: str, connection: dict) -> list:
    state = fetch(connection, "/state")
    project = (connection.get("emulator_project") or {}).get("id")

    def mine(items: dict) -> list:
        """The items of the demo's project (the state holds a second project too)."""
        return [i for i in items.values() if not project or i.get("_project") == project]
    lines = ["", "== What the demo did"]
    groups = sorted(mine(state.get("server_groups") or {}), key=lambda g: g["name"])
    instances = mine(state.get("protected_instances") or {})
    lines.append(f"Protection groups: {len(groups)}")
    for group in groups:
        lines.append(f"  {group['name']:<12} {group['status']:<12} production at the {site_of(group)} site, "
                     f"{group.get('source_availability_zone')} -> {group.get('target_availability_zone')}")
        for instance in sorted((i for i in instances if i.get("server_group_id") == group["id"]), key=lambda i: i["name"]):
            pairs = len(instance.get("attachment") or [])
            lines.append(f"    instance {instance['name']:<10} {instance['status']:<12} {pairs} replication pair(s)")
    drills = mine(state.get("drills") or {})
    lines.append(f"DR drills left: {len(drills)}" + (" (" + ", ".join(d['name'] for d in drills) + ")" if drills else ""))
    policies = sorted(mine(state.get("backup_policies") or {}), key=lambda p: p["backup_policy_name"])
    lines.append(f"Backup policies: {len(policies)}")
    for policy in policies:
        schedule = policy.get("scheduled_policy") or {}
        when = (f"every {schedule['frequency']} day(s)" if schedule.get("frequency")
                else "on " + ",".join(schedule.get("week_frequency") or []))
        keep = (f"keep {schedule['rentention_num']}" if schedule.get("rentention_num")
                else f"keep {schedule.get('rentention_day')} days")
        lines.append(f"  {policy['backup_policy_name']:<12} {schedule.get('status', '?'):<3} at {schedule.get('start_time')} UTC "
                     f"{when}, {keep}, {len(policy.get('_volumes') or [])} volume(s)")

    requests = fetch(connection, "/requests?since=0").get("requests") or []
    by_service = collections.Counter((r.get("service") or "?") for r in requests)
    by_method = collections.Counter(r.get("method") for r in requests)
    mutating = sum(1 for r in requests if r.get("mutating"))
    failed = sum(1 for r in requests if (r.get("status") or 0) >= 400)
    lines.append(f"API requests: {len(requests)} ({mutating} changing something, {failed} answered with an error), "
                 "by service: " + ", ".join(f"{k} {v}" for k, v in sorted(by_service.items()))
                 + "; by verb: " + ", ".join(f"{k} {v}" for k, v in sorted(by_method.items())))

    report = newest(os.path.join(out_dir, "report", "*.json"))
    if report:
        with open(report, encoding="utf-8") as handle:
            data = json.load(handle)
        lines.append(f"Drill ({data.get('mode')}): {data.get('result')}, {len(data.get('groups') or [])} group(s) in "
                     f"{data.get('wall_clock_seconds')} s")
        for group in data.get("groups") or []:
            failed_at = f", failed at '{group.get('failed_step')}'" if group.get("failed_step") else ""
            lines.append(f"  {group['name']:<12} {group['result']:<7} achieved RTO {group['rto_seconds']} s{failed_at}")
        base = report[:-len(".json")]
        lines.append("Drill report: " + ", ".join(p for p in (base + ".html", base + ".md", report) if os.path.exists(p)))
    else:
        lines.append(f"Drill report: none found in {os.path.join(out_dir, 'report')}")
    lines.append(f"Logs of the playbook runs: {out_dir}/*.log")
    return lines


def main(argv: list) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as handle:
        connection = json.load(handle)
    print("\n".join(summary(argv[1], connection)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
