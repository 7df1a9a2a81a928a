"""`running_emulator()`: start the emulator as a subprocess for tests and benchmarks."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # tests/emulator (goes on PYTHONPATH)


def _cli_args(opts: dict) -> list:
    out = []
    for key, value in opts.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            out.append(flag)
        elif value not in (None, False):
            out += [flag, str(value)]
    return out


@contextlib.contextmanager
def running_emulator(tmp_path, *, job_duration: float = 0.1, startup_timeout: float = 30.0,
                     python: str | None = None, env: dict | None = None, **opts):
    """Start `python -m sdrs_emulator --port 0` and yield the parsed connection file.

    Extra keyword options map to CLI flags (`state_file=...` -> `--state-file ...`,
    `http=True` -> `--http`). The dict also gets `"_process"` (the Popen) and `"_log"`
    (path of the emulator's stdout/stderr). The emulator is stopped on exit.
    """
    tmp_path = Path(tmp_path)
    tmp_path.mkdir(parents=True, exist_ok=True)
    conn = Path(opts.pop("connection_file", tmp_path / "emulator-connection.json"))
    workdir = opts.pop("workdir", tmp_path / "emulator-work")
    with contextlib.suppress(FileNotFoundError):
        conn.unlink()
    log_path = tmp_path / "emulator.log"
    cmd = [python or sys.executable, "-m", "sdrs_emulator", "--port", str(opts.pop("port", 0)),
           "--connection-file", str(conn), "--workdir", str(workdir), "--quiet",
           "--job-duration", str(job_duration)] + _cli_args(opts)
    run_env = dict(os.environ if env is None else env)
    run_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), run_env.get("PYTHONPATH")]))
    log = open(log_path, "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=run_env)
    try:
        deadline = time.monotonic() + startup_timeout
        while not conn.exists():
            if proc.poll() is not None:
                raise RuntimeError(f"emulator exited with {proc.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"emulator did not start within {startup_timeout}s:\n{log_path.read_text()}")
            time.sleep(0.02)
        info = json.loads(conn.read_text())
        info["_process"], info["_log"] = proc, str(log_path)
        yield info
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM (the emulator saves its state), then SIGKILL if it does not exit in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
