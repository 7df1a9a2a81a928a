#!/usr/bin/env bash
# `make demo`: start the emulator, run the DR setup and a failover drill against it, and say
# what happened and where the report is. Everything lands in the directory given (demo-output).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-demo-output}" && cd "${1:-demo-output}" && pwd)
export PATH="$root/.venv/bin:$PATH"
export PYTHON_VENV="$root/.venv/bin/python"
export SDRS_BUILD_DIR="$out/build"
export ANSIBLE_COLLECTIONS_PATH="$SDRS_BUILD_DIR"
export ANSIBLE_NOCOLOR=1
export ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_LOCALHOST_WARNING=False
export ANSIBLE_INVENTORY_UNPARSED_WARNING=False

python "$root/tests/ci/collection_tree.py"
# SDRS_DEMO_JOB_DURATION shortens the emulator's jobs (seconds each; default 2), e.g. for tests.
"$root/tests/ci/emulator.sh" start "$out/emulator" --seed "$root/tests/emulator/seeds/demo.json" \
  ${SDRS_DEMO_JOB_DURATION:+--job-duration "$SDRS_DEMO_JOB_DURATION"}
trap '"$root/tests/ci/emulator.sh" stop "$out/emulator"' EXIT
connection="$out/emulator/connection.json"

echo
echo "== 1. DR setup (playbooks/dr_setup.yml with playbooks/vars/demo.yml)"
ansible-playbook "$root/playbooks/dr_setup.yml" -e "@$connection" -e "@$root/playbooks/vars/demo.yml" \
| tee "$out/dr_setup.log"

echo
echo "== 2. The same DR setup again: nothing changes"
ansible-playbook "$root/playbooks/dr_setup.yml" -e "@$connection" -e "@$root/playbooks/vars/demo.yml" \
| tee "$out/dr_setup_rerun.log"

if [ -f "$root/playbooks/failover_drill.yml" ]; then
  echo
  echo "== 3. A failover drill (playbooks/failover_drill.yml)"
  ansible-playbook "$root/playbooks/failover_drill.yml" -e "@$connection" -e "@$root/playbooks/vars/demo.yml" \
    -e "failover_drill_report_dir=$out/report" | tee "$out/failover_drill.log"
fi

python "$root/tests/ci/demo_summary.py" "$out" "$connection"
