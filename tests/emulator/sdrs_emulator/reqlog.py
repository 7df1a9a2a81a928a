"""Request log served by `GET /_emulator/requests` (bounded, thread-safe)."""

import collections
import threading

MUTATING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def is_mutating(method: str, path: str) -> bool:
    """Contract §2: every POST/PUT/PATCH/DELETE except token issue and read-only tag queries."""
    if method.upper() not in MUTATING_METHODS:
        return False
    if method.upper() == "POST" and path.rstrip("/") == "/v3/auth/tokens":
        return False
    if path.rstrip("/").endswith("/resource_instances/action"):
        return False
    return True


class RequestLog:
    def __init__(self, maxlen: int = 100_000):
        self.lock = threading.Lock()
        self.entries: collections.deque = collections.deque(maxlen=maxlen)
        self.seq = 0

    def append(self, entry: dict) -> None:
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.entries.append(entry)

    def since(self, seq: int) -> dict:
        with self.lock:
            return {"requests": [dict(e) for e in self.entries if e["seq"] > seq],
                    "last_seq": self.seq}

    def clear(self) -> None:
        # Sequence numbers keep growing so a client's `since` cursor stays meaningful.
        with self.lock:
            self.entries.clear()
