#!/usr/bin/env bash
# `make test`: every check the project promises, stage by stage; ends with one summary line.
# Stages keep going after a failure so one run shows everything; the exit code is non-zero
# if any stage failed. Run through `make test`, which bootstraps .venv first.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.venv"
export PATH="$venv/bin:$PATH"
export PYTHON_VENV="$venv/bin/python"
build=${SDRS_BUILD_DIR:-$root/.build}
results="$build/test-results"
tree="$build/ansible_collections/cloud_dr/sdrs"
export ANSIBLE_COLLECTIONS_PATH="$build"
export ANSIBLE_NOCOLOR=1
only=${TEST_STAGES:-pytest sanity lint docs changelog integration}
mkdir -p "$results"
: >"$results/stages.txt"

run_stage() {
  local name=$1
  shift
  case " $only " in *" $name "*) ;; *) return 0 ;; esac
  echo "=== $name: $*"
  local start=$SECONDS
  if "$@"; then
    echo "$name passed $((SECONDS - start))s" >>"$results/stages.txt"
    echo "=== $name: passed in $((SECONDS - start)) s"
  else
    echo "$name failed $((SECONDS - start))s" >>"$results/stages.txt"
    echo "=== $name: FAILED after $((SECONDS - start)) s"
  fi
}

stage_pytest() {
  local suites=()
  for suite in tests/unit tests/emulator/tests tests/conformance tests/system tests/resilience; do
    [ -d "$root/$suite" ] && suites+=("$suite")
  done
  cd "$root" && python -m pytest "${suites[@]}" -q -p no:cacheprovider --junitxml="$results/pytest.xml"
}

stage_sanity() {
  python "$root/tests/ci/install_get_pip.py" &&
    cd "$tree" && ansible-test sanity --python 3.11 --color no
}

stage_lint() {
  cd "$root" && ansible-lint --offline --profile production
}

stage_docs() {
  cd "$tree" && antsibull-docs lint-collection-docs --plugin-docs . &&
    python "$root/tests/ci/check_docs.py"
}

stage_changelog() {
  cd "$root" && antsibull-changelog lint
}

stage_integration() {
  bash "$root/tests/ci/integration.sh"
}

python "$root/tests/ci/collection_tree.py" || exit 1
run_stage pytest stage_pytest
run_stage sanity stage_sanity
run_stage lint stage_lint
run_stage docs stage_docs
run_stage changelog stage_changelog
run_stage integration stage_integration
python "$root/tests/ci/summary.py" "$results"
