#!/usr/bin/env bash
# Start or stop a background emulator for the demo, integration tests and benchmarks.
#   tests/ci/emulator.sh start DIR [emulator options...]   -> DIR/connection.json, DIR/emulator.pid
#   tests/ci/emulator.sh stop DIR
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?state directory}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON_VENV:-$root/.venv/bin/python}

case "$cmd" in
  start)
    mkdir -p "$dir"
    rm -f "$dir/connection.json"
    PYTHONPATH="$root/tests/emulator" nohup "$python" -m sdrs_emulator --port 0 \
      --workdir "$dir" --connection-file "$dir/connection.json" --state-file "$dir/state.json" \
      --quiet "$@" >"$dir/emulator.log" 2>&1 &
    echo $! >"$dir/emulator.pid"
    for _ in $(seq 1 150); do
      if [ -s "$dir/connection.json" ]; then
        echo "emulator: running (pid $(cat "$dir/emulator.pid")), connection file $dir/connection.json"
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null; then
        echo "emulator: failed to start; its log:" >&2
        cat "$dir/emulator.log" >&2
        exit 1
      fi
      sleep 0.2
    done
    echo "emulator: no connection file after 30 s; its log:" >&2
    cat "$dir/emulator.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/emulator.pid" ]; then
      kill "$(cat "$dir/emulator.pid")" 2>/dev/null || true
      rm -f "$dir/emulator.pid"
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR [options]" >&2
    exit 2
    ;;
esac
