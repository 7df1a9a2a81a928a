"""Fault rules (admin `/_emulator/faults`): match requests or job submissions, deterministically."""

import random
import re
import threading

from .errors import ApiError

ACTIONS = ("status", "drop_before", "drop_after", "latency", "job_fail", "expire_token")
FIELDS = ("method", "path", "service", "action", "status", "retry_after", "latency", "job_type",
          "error_code", "error_message", "fail_reason", "times", "probability")


class Faults:
    def __init__(self, seed: int | None = None):
        self.seed = seed
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.rules: list[dict] = []
            self.next_id = 1
            # One RNG for every probability draw: same seed + same request order = same faults.
            self.rng = random.Random(self.seed)

    def add(self, spec: dict) -> dict:
        if not isinstance(spec, dict):
            raise _bad("fault rule must be a JSON object")
        unknown = set(spec) - set(FIELDS) - {"id"}
        if unknown:
            raise _bad(f"unknown fault fields: {sorted(unknown)}")
        action = spec.get("action")
        if action not in ACTIONS:
            raise _bad(f"action must be one of {ACTIONS}")
        rule = {k: spec.get(k) for k in FIELDS}
        if action == "status":
            if not isinstance(rule["status"], int) or not 400 <= rule["status"] <= 599:
                raise _bad("status action needs an HTTP status 400..599")
        if action == "latency" and not isinstance(rule["latency"], (int, float)):
            raise _bad("latency action needs a number of seconds in 'latency'")
        if action == "job_fail" and not rule["job_type"]:
            raise _bad("job_fail action needs 'job_type'")
        if rule["path"]:
            try:
                re.compile(rule["path"])
            except re.error as exc:
                raise _bad(f"bad path regex: {exc}") from exc
        if rule["method"]:
            rule["method"] = rule["method"].upper()
        with self.lock:
            rule["id"] = str(self.next_id)
            self.next_id += 1
            rule["hits"] = 0
            self.rules.append(rule)
        return rule

    def remove(self, rule_id: str | None = None) -> bool:
        with self.lock:
            before = len(self.rules)
            self.rules = [r for r in self.rules if rule_id is not None and r["id"] != rule_id]
            return len(self.rules) != before

    def list(self) -> list[dict]:
        with self.lock:
            return [dict(r) for r in self.rules]

    def match_request(self, method: str, path: str, service: str) -> dict | None:
        """First applicable request-level rule (job_fail rules apply at job submission)."""
        return self._take(lambda r: r["action"] != "job_fail" and self._req_ok(r, method, path, service))

    def match_job(self, job_type: str, method: str | None, path: str | None,
                  service: str | None) -> dict | None:
        def ok(r):
            return (r["action"] == "job_fail" and r["job_type"] == job_type
                    and self._req_ok(r, method, path, service))
        return self._take(ok)

    @staticmethod
    def _req_ok(rule, method, path, service) -> bool:
        if rule["method"] and method and rule["method"] != method.upper():
            return False
        if rule["service"] and service and rule["service"] != service:
            return False
        if rule["path"] and path is not None and not re.search(rule["path"], path):
            return False
        return True

    def _take(self, pred) -> dict | None:
        with self.lock:
            for rule in self.rules:
                if rule["times"] is not None and rule["times"] <= 0:
                    continue
                if not pred(rule):
                    continue
                if rule["probability"] is not None and self.rng.random() >= float(rule["probability"]):
                    continue
                if rule["times"] is not None:
                    rule["times"] -= 1
                rule["hits"] += 1
                return dict(rule)
        return None


def _bad(msg: str) -> ApiError:
    return ApiError(400, "fault", msg, style="gateway")
