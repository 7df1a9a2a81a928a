"""Thread-safe in-memory store with seed loading and JSON persistence to --state-file."""

import copy
import json
import os
import tempfile
import threading
import time

from . import seed as seed_mod

RESOURCE_COLLECTIONS = (
    "vpcs", "subnets", "servers", "volumes", "server_groups", "protected_instances",
    "replications", "drills", "jobs", "failure_jobs", "backup_policies", "backup_tasks",
)


class Store:
    """All emulator state in one dict of collections, guarded by one RLock.

    Every handler runs with `lock` held for its whole duration (see app.py), so the
    helpers below do not lock themselves except `save`/`snapshot` that may be called
    from the ticker thread.
    """

    def __init__(self, seed_path: str, state_file: str | None = None):
        self.lock = threading.RLock()
        self.dirty = False
        self.last_write_seconds = 0.0
        self.seed_path = seed_path
        self.state_file = state_file
        self.seed = seed_mod.load(seed_path)
        self.data: dict = {}
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as fh:
                self.data = json.load(fh)
        else:
            self.reset()

    # -- lifecycle -------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.data = copy.deepcopy(self.seed["state"])
            for name in RESOURCE_COLLECTIONS + ("tokens",):
                self.data.setdefault(name, {})
            self.data.setdefault("meta", {"seq": 0})

    def snapshot(self) -> str:
        with self.lock:
            return json.dumps(self.data, separators=(",", ":"))

    def save(self) -> None:
        """Persist now if the last write was quick, else leave it to the ticker (`flush`).

        Small states are written before the response goes out, so a restart - even a crash -
        loses nothing. A big state (say 10,000 groups, ~0.3 s per write) is written behind
        by the 50 ms job ticker and always on shutdown, so requests stay fast.
        """
        if not self.state_file:
            return
        self.dirty = True
        if self.last_write_seconds < 0.05:
            self.flush()

    def flush(self) -> None:
        """Atomically write the state file if anything changed since the last write.

        Snapshot and write both happen under the store lock, so two writers (a request and
        the job ticker) can never put an older snapshot on disk after a newer one.
        """
        if not self.state_file:
            return
        with self.lock:
            if not self.dirty:
                return
            t0 = time.monotonic()
            text = json.dumps(self.data, separators=(",", ":"))
            directory = os.path.dirname(os.path.abspath(self.state_file))
            fd, tmp = tempfile.mkstemp(prefix=".state-", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.state_file)
            self.dirty = False
            self.last_write_seconds = time.monotonic() - t0

    # -- collections ------------------------------------------------------------
    def coll(self, name: str) -> dict:
        return self.data[name]

    def get(self, name: str, rid: str | None) -> dict | None:
        if rid is None:
            return None
        return self.data[name].get(rid)

    def next_seq(self) -> int:
        meta = self.data["meta"]
        meta["seq"] += 1
        return meta["seq"]

    def add(self, name: str, record: dict) -> dict:
        """Insert a record; `_seq` gives a stable creation order for lists and markers."""
        record.setdefault("_seq", self.next_seq())
        self.data[name][record["id"]] = record
        return record

    def remove(self, name: str, rid: str) -> dict | None:
        return self.data[name].pop(rid, None)

    def project_items(self, name: str, project_id: str) -> list:
        return [r for r in self.data[name].values() if r.get("_project") == project_id]

    # -- static catalogue -------------------------------------------------------
    def flavor(self, flavor_id: str) -> dict | None:
        return self.data["flavors"].get(flavor_id)

    def active_domains(self) -> list:
        return self.data["active_domains"]
