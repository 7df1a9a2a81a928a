# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark driver behind ``make bench`` (see tests/bench/README.md).

    python tests/bench/bench.py run [--only FIGURE,...] [--quick] [--out DIR]
    python tests/bench/bench.py compare OLD.json NEW.json
    python tests/bench/bench.py render RESULTS.json
    python tests/bench/bench.py summary RESULTS.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# pylint: disable=wrong-import-position
from sdrs_bench import figures  # noqa: E402
from sdrs_bench.harness import ROOT, Bench  # noqa: E402
from sdrs_bench.report import compare, document, dumps, figure, goals, render_markdown, render_summary  # noqa: E402

FIGURES = ("request_budget", "job_wait", "parallel_failover", "handwritten", "module_overhead", "emulator")
#: full run and --quick (a smoke run of every code path in about two minutes; not for the record)
SIZES = {
    "full": {"parallel_groups": 50, "parallel_d": 60.0, "durations": (2.0, 10.0, 60.0), "reps": 3, "rounds": 12,
             "pairs": 2, "load_seconds": 5.0, "bulk": 10_000},
    "quick": {"parallel_groups": 5, "parallel_d": 6.0, "durations": (2.0, 6.0), "reps": 1, "rounds": 2,
              "pairs": 1, "load_seconds": 1.0, "bulk": 1_000},
}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _version() -> str:
    for line in (ROOT / "galaxy.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _ansible_version() -> str:
    try:
        from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    except ImportError:
        return "unknown"
    return __version__


def meta(started: float, load_start: tuple, quick: bool) -> dict:
    load_end = os.getloadavg()
    return {
        "version": _version(), "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, Python "
                   f"{platform.python_version()}, ansible-core {_ansible_version()}",
        "load_average": {"start": [round(v, 2) for v in load_start], "end": [round(v, 2) for v in load_end]},
        "duration_seconds": round(time.monotonic() - started, 1),
        "quick": quick,
    }


def run(args: argparse.Namespace) -> int:
    only = [f.strip() for f in args.only.split(",")] if args.only else list(FIGURES)
    unknown = [f for f in only if f not in FIGURES]
    if unknown:
        print(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}", file=sys.stderr)
        return 2
    size = SIZES["quick" if args.quick else "full"]
    out = Path(args.out or (Path(args.workdir) if args.quick else Path(__file__).resolve().parent / "results"))
    started, load_start = time.monotonic(), os.getloadavg()
    done: dict = {}
    failed = False
    with Bench(Path(args.workdir), Path(args.build_dir), log=lambda m: print(m, flush=True)) as bench:
        # Order: the parallel figure's single switchover is job_wait's D = 60 s sample.
        plan = [f for f in ("request_budget", "parallel_failover", "job_wait", "handwritten", "module_overhead",
                            "emulator") if f in only]
        known: dict = {}
        for name in plan:
            print(f"== {name}", flush=True)
            t0 = time.monotonic()
            if t0 - started > args.budget:
                failed = True
                done[name] = figure(name, f"{name} (skipped)", "Not measured.", [], ["Reason"],
                                    [[f"the run had used its budget of {args.budget:g} s before this figure"]])
                print(f"   skipped: over the budget of {args.budget:g} s", flush=True)
                continue
            try:
                if name == "parallel_failover":
                    done[name], sample = figures.parallel_failover(bench, size["parallel_groups"], size["parallel_d"])
                    known[size["parallel_d"]] = [sample]
                elif name == "job_wait":
                    done[name] = figures.job_wait(bench, size["durations"], size["reps"], known,
                                                  figures.import_policy(args.build_dir))
                elif name == "handwritten":
                    done[name] = figures.handwritten(bench, pairs=size["pairs"])
                elif name == "module_overhead":
                    done[name] = figures.module_overhead(bench, size["rounds"])
                elif name == "emulator":
                    done[name] = figures.emulator(bench, size["load_seconds"], bulk=size["bulk"])
                else:
                    done[name] = getattr(figures, name)(bench)
            except Exception as exc:  # pylint: disable=broad-exception-caught
                failed = True
                traceback.print_exc()
                done[name] = figure(name, f"{name} (failed)", "The figure could not be measured.", [], ["Error"],
                                    [[f"{type(exc).__name__}: {exc}".splitlines()[0][:300]]])
            print(f"   {time.monotonic() - t0:.0f} s", flush=True)
    notes = [
        "Measured on a shared machine while colleagues ran tests: absolute times are noisy (see the load average in "
        "the JSON); repeated items report medians, ratios are measured within one run.",
        "All traffic goes to the emulator on 127.0.0.1 over HTTPS.",
    ]
    doc = document(meta(started, load_start, args.quick), [done[f] for f in FIGURES if f in done], notes)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "results.json", dumps(doc))
    _write(out / "results.md", render_markdown(doc))
    met, missed, dummy = goals(doc)
    print(f"bench: {met} goals met, {missed} missed; results in {out}/results.json and results.md "
          f"({doc['meta']['duration_seconds']:.0f} s)")
    return 1 if failed else 0


def _write(path: Path, text: str) -> None:
    """Write next to the target and rename, so a broken run never leaves half a file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as handle:
        handle.write(text)
    os.replace(handle.name, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run the benchmarks against a private emulator")
    p_run.add_argument("--only", help=f"comma-separated figures ({', '.join(FIGURES)})")
    p_run.add_argument("--quick", action="store_true", help="small sizes, results in the work directory")
    p_run.add_argument("--out", help="directory for results.json and results.md (default tests/bench/results)")
    p_run.add_argument("--budget", type=float, default=1200.0,
                       help="seconds after which the remaining figures are skipped (default 1200)")
    p_run.add_argument("--workdir", default=str(ROOT / ".build" / "bench-work"),
                       help="emulator, logs and timelines of this run")
    p_run.add_argument("--build-dir", default=os.environ.get("SDRS_BUILD_DIR") or str(ROOT / ".build" / "bench"),
                       help="directory holding ansible_collections/cloud_dr/sdrs")
    p_cmp = sub.add_parser("compare", help="compare two results.json files")
    p_cmp.add_argument("old")
    p_cmp.add_argument("new")
    p_ren = sub.add_parser("render", help="print the Markdown of a results.json")
    p_ren.add_argument("results")
    p_sum = sub.add_parser("summary", help="print the table of the goals of a results.json (for docs/dev/benchmarks.md)")
    p_sum.add_argument("results")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args)
    if args.command == "compare":
        old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (args.old, args.new))
        print(compare(old, new), end="")
        return 0
    doc = json.loads(Path(args.results).read_text(encoding="utf-8"))
    if args.command == "summary":
        meta = doc["meta"]
        print(f"Measured {meta['date']} at commit {meta['commit']} on {meta['machine']} (load average "
              f"{meta['load_average']['start'][0]} at the start); full tables and notes in tests/bench/results/results.md.")
        print()
        print(render_summary(doc, goals_only=True), end="")
        return 0
    print(render_markdown(doc), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
