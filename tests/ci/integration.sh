#!/usr/bin/env bash
# Run integration targets against a fresh emulator: tests/ci/integration.sh [target ...]
# (no target: all of them). Used by `make test`; handy alone while working on one module.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$root/.venv/bin:$PATH"
export PYTHON_VENV="$root/.venv/bin/python"
build=${SDRS_BUILD_DIR:-$root/.build}
export ANSIBLE_COLLECTIONS_PATH="$build"
tree="$build/ansible_collections/cloud_dr/sdrs"
state="$build/emulator-integration-$$"
python "$root/tests/ci/collection_tree.py" || exit 1
"$root/tests/ci/emulator.sh" start "$state" --job-duration 0.2 || exit 1
trap '"$root/tests/ci/emulator.sh" stop "$state"' EXIT
python "$root/tests/ci/integration_config.py" "$state/connection.json" \
  "$tree/tests/integration/integration_config.yml"
cd "$tree" && ansible-test integration --python 3.11 --local --color no --continue-on-error "$@"
