#!/usr/bin/env bash
# `make bench`: benchmarks against a private emulator; results in tests/bench/results/.
# Not part of `make test`. Options for the driver go in BENCH_ARGS, e.g.
#   BENCH_ARGS="--only request_budget,module_overhead" make bench
#   BENCH_ARGS="--quick" make bench        (smoke run, results in .build/bench-work)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$root/.venv/bin:$PATH"
export SDRS_BUILD_DIR=${SDRS_BENCH_BUILD_DIR:-$root/.build/bench}
python "$root/tests/ci/collection_tree.py"
# shellcheck disable=SC2086  # BENCH_ARGS is a list of options on purpose
exec python "$root/tests/bench/bench.py" run --build-dir "$SDRS_BUILD_DIR" ${BENCH_ARGS:-}
