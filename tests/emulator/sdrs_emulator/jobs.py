"""Job engine: INIT -> RUNNING -> SUCCESS|FAIL computed from the clock, effects applied once."""

import threading
import time

from flask import has_request_context, request

from .util import job_time, new_job_id, now

# Error code a failed job reports when the job_fail rule does not name one.
DEFAULT_FAIL = {
    "createProtectionGroupNoCG": "SDRS.1014", "deleteProtectionGroupNoCG": "SDRS.1016",
    "startProtectionGroupNoCG": "SDRS.1027", "stopProtectionGroupNoCG": "SDRS.1028",
    "reverseProtectionGroupNoCG": "SDRS.1029", "failoverProtectionGroupNoCG": "SDRS.1030",
    "reprotectProtectionGroupNoCG": "SDRS.1032", "createProtectedInstanceNoCG": "SDRS.1350",
    "deleteProtectedInstanceNoCG": "SDRS.1351", "attachReplicationPairNew": "SDRS.1821",
    "detachReplicationPairNew": "SDRS.1822", "addNicNew": "SDRS.1312", "deleteNicNew": "SDRS.1313",
    "resizeProtectedInstanceNew": "SDRS.1329", "createReplicationPairNoCG": "SDRS.1609",
    "deleteReplicationPairNoCG": "SDRS.1607", "expandReplicationPairNew": "SDRS.1820",
    "createDisasterRecoveryDrill": "SDRS.1922", "deleteDisasterRecoveryDrill": "SDRS.1923",
    "startServer": "Ecs.0001", "stopServer": "Ecs.0001",
}


class JobEngine:
    def __init__(self, store, config, faults):
        self.store = store
        self.config = config
        self.faults = faults
        self.handlers: dict = {}
        self.pending: set = set()
        self.rebuild()

    def rebuild(self) -> None:
        """Recompute the pending set after a load or a reset."""
        self.pending = {jid for jid, j in self.store.coll("jobs").items() if not j["done"]}

    def register(self, effect: str, success, failure=None) -> None:
        """`success(job, args)` / `failure(job, args)` run once, under the store lock."""
        self.handlers[effect] = (success, failure)

    def submit(self, project_id: str, job_type: str, effect: str, args: dict | None = None,
               entities: dict | None = None, sub_jobs: list | None = None,
               service: str = "sdrs", failure: dict | None = None) -> str:
        """Create a job; `failure` describes the task-center entry written if it fails."""
        method = path = svc = None
        if has_request_context():
            method, path, svc = request.method, request.path, service
        rule = self.faults.match_job(job_type, method, path, svc)
        fail = None
        if rule:
            fail = {"error_code": rule.get("error_code") or DEFAULT_FAIL.get(job_type, "SDRS.0405"),
                    "fail_reason": rule.get("fail_reason") or f"{job_type} failed (injected fault)"}
        jid = new_job_id()
        job = {
            "id": jid, "_project": project_id, "job_type": job_type, "service": service,
            "begin": now(), "duration": max(0.0, self.config.job_duration(job_type)),
            "entities": entities or {}, "sub_jobs": [
                {"job_id": new_job_id(), "job_type": s.pop("job_type"), "entities": s}
                for s in (sub_jobs or [])],
            "effect": effect, "args": args or {}, "fail": fail, "failure": failure, "done": False,
        }
        self.store.add("jobs", job)
        self.pending.add(jid)
        if job["duration"] == 0:
            self.finish(job)
        return jid

    # -- progress ---------------------------------------------------------------
    def settle_due(self, t: float | None = None) -> bool:
        """Apply the effects of every job whose end time has passed. Caller holds the lock."""
        t = now() if t is None else t
        changed = False
        for jid in list(self.pending):
            job = self.store.get("jobs", jid)
            if job is None:
                self.pending.discard(jid)
            elif t >= job["begin"] + job["duration"]:
                self.finish(job)
                changed = True
        return changed

    def finish(self, job: dict) -> None:
        if job["done"]:
            return
        success, failure = self.handlers[job["effect"]]
        try:
            if job["fail"]:
                if failure:
                    failure(job, job["args"])
            else:
                success(job, job["args"])
        except Exception as exc:  # a resource vanished meanwhile: report, never crash the ticker
            job["fail"] = {"error_code": "SDRS.0405", "fail_reason": f"job execution failed: {exc}"}
        job["done"] = True
        self.pending.discard(job["id"])
        if job["fail"] and job["failure"]:
            self._task_center(job)

    def _task_center(self, job: dict) -> None:
        f = job["failure"]
        entry = {
            "id": job["id"], "_project": job["_project"], "_server_group_id": f.get("server_group_id"),
            "job_status": "FAIL", "resource_id": f.get("resource_id"),
            "resource_name": f.get("resource_name"), "resource_type": f.get("resource_type"),
            "failure_status": f.get("failure_status"), "job_id": job["id"],
            "job_type": job["job_type"], "begin_time": job_time(job["begin"]),
            "error_code": job["fail"]["error_code"], "fail_reason": job["fail"]["fail_reason"]}
        self.store.add("failure_jobs", entry)

    # -- rendering ----------------------------------------------------------------
    @staticmethod
    def _phase(t, start, end, failed) -> str:
        if t >= end:
            return "FAIL" if failed else "SUCCESS"
        if t < start + min(0.5, (end - start) * 0.2):
            return "INIT"
        return "RUNNING"

    def render(self, job: dict, t: float | None = None) -> dict:
        t = now() if t is None else t
        begin, end = job["begin"], job["begin"] + job["duration"]
        if job["done"]:
            t = max(t, end)
        fail = job["fail"] if job["done"] else None
        status = self._phase(t, begin, end, bool(fail))
        if not job["done"] and status in ("SUCCESS", "FAIL"):
            status = "RUNNING"  # past its end but not settled yet: never report before effects
        entities = dict(job["entities"])
        if job["sub_jobs"]:
            subs = []
            n = len(job["sub_jobs"])
            for i, sub in enumerate(job["sub_jobs"]):
                s_begin, s_end = begin + job["duration"] * 0.1, begin + job["duration"] * 0.9
                s_fail = fail if (fail and i == n - 1) else None
                s_status = self._phase(t if not job["done"] else max(t, s_end), s_begin, s_end, bool(s_fail))
                if not job["done"] and s_status in ("SUCCESS", "FAIL"):
                    s_status = "RUNNING"  # a sub-job never finishes before its parent is settled
                terminal = s_status in ("SUCCESS", "FAIL")
                subs.append({"job_id": sub["job_id"], "job_type": sub["job_type"],
                             "begin_time": job_time(s_begin),
                             "end_time": job_time(s_end) if terminal else None,
                             "status": s_status,
                             "error_code": s_fail["error_code"] if s_fail else None,
                             "fail_reason": s_fail["fail_reason"] if s_fail else None,
                             "entities": dict(sub["entities"])})
            entities["sub_jobs"] = subs
        terminal = status in ("SUCCESS", "FAIL")
        return {"job_id": job["id"], "job_type": job["job_type"], "status": status,
                "entities": entities, "begin_time": job_time(begin),
                "end_time": job_time(end) if terminal else None,
                "error_code": fail["error_code"] if fail else None,
                "fail_reason": fail["fail_reason"] if fail else None}

    # -- background ticker ----------------------------------------------------------
    def start_ticker(self, interval: float = 0.05) -> threading.Thread:
        """Finish jobs even when nobody polls, so resources reach their final status."""
        def loop():
            while True:
                time.sleep(interval)
                try:
                    with self.store.lock:
                        if self.settle_due():
                            self.store.save()
                        self.store.flush()  # write-behind for big states (see Store.save)
                except Exception:  # keep ticking; errors surface through the job status
                    pass
        thread = threading.Thread(target=loop, name="job-ticker", daemon=True)
        thread.start()
        return thread
