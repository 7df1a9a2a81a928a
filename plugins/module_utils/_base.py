# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base: one place for the result, diff, check mode, jobs and errors.

Internal to this collection: may change without notice.

A module subclasses :class:`SdrsModule`, declares its own options and implements verbs
named after ``state`` (``present``, ``absent``, ...) or overrides :meth:`run`. Verbs never
call ``exit_json``: they set ``self.before`` / ``self.after`` (normalised views) and go
through :meth:`change`, which is the only place a mutation happens and which, in check
mode, records the predicted state instead of calling the API.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._arguments import connection_argument_spec, wait_argument_spec
from ._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, Client
from ._errors import ApiError, CloudDrError, JobFailedError, WaitTimeoutError
from ._jobs import wait_for_job, wait_until
from ._sdrs import oldest


def _lower(kind: str) -> str:
    """``Protection group`` -> ``protection group`` for the middle of a sentence; ``DR drill`` stays."""
    return kind if kind[1:2].isupper() else kind[:1].lower() + kind[1:]


class _NotApplied:
    """The answer of a ``recover`` callable when reading proves the request did not act."""

    def __repr__(self) -> str:
        return "NOT_APPLIED"


#: what ``recover`` returns when the resource shows that the request was not carried out
NOT_APPLIED = _NotApplied()


class SdrsModule:
    """Base of every module of the collection."""

    #: the module's own options (connection and wait options are added by the base)
    module_options: dict = {}
    #: extra ``AnsibleModule`` keyword arguments (``mutually_exclusive``, ``required_if`` ...)
    module_kwargs: dict = {}
    #: whether the module takes ``wait``/``timeout`` and its default timeout in seconds
    uses_wait: bool = True
    default_timeout: int = 600
    #: the key under which the resource view is returned (``protection_group`` ...)
    result_key: str = ""

    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.params: dict = module.params
        self.check_mode: bool = module.check_mode
        self.before: Any = None
        self.after: Any = None
        self.changed = False
        self.actions: list[str] = []
        self.jobs: list[dict] = []
        self.extra: dict = {}
        #: set by :meth:`settle` when ``wait: false`` left a resource in a transient status
        self.busy = False
        self._client: Client | None = None
        timeout = self.params.get("timeout") if self.uses_wait else None
        # One deadline for the whole run: several waits in one task share the user's timeout.
        self.deadline = time.monotonic() + timeout if timeout is not None else None

    # -- construction -------------------------------------------------------------------
    @classmethod
    def argument_spec(cls) -> dict:
        spec = connection_argument_spec()
        if cls.uses_wait:
            spec.update(wait_argument_spec(cls.default_timeout))
        spec.update(cls.module_options)
        return spec

    @classmethod
    def execute(cls) -> None:
        """Entry point for ``main()``: build, validate, run, exit or fail once."""
        module = AnsibleModule(argument_spec=cls.argument_spec(), supports_check_mode=True,
                               **cls.module_kwargs)
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self = cls(module)
        try:
            self.validate()
            self.run()
        except ApiError as exc:
            self.fail(self.explain(exc), error=exc.to_dict())
        except JobFailedError as exc:
            self.fail(str(exc), job=exc.job, error_code=exc.error_code, fail_reason=exc.fail_reason,
                      failed_sub_jobs=exc.failed_sub_jobs)
        except WaitTimeoutError as exc:
            # The wait got what was left of the task's timeout; name the user's number.
            self.fail(f"{exc} The task's timeout of {self.params.get('timeout')} s ran out; the operation "
                      "goes on in the cloud. Re-run the task to resume waiting, or raise 'timeout'.",
                      job_id=exc.job_id, last_status=exc.last_status)
        except CloudDrError as exc:
            self.fail(str(exc))
        module.exit_json(**self.result())

    # -- hooks for modules --------------------------------------------------------------
    def validate(self) -> None:
        """Check the parameters before any request; call :meth:`fail` with a clear message."""

    def run(self) -> None:
        """Dispatch to the verb named by ``state``."""
        state = self.params.get("state") or "present"
        getattr(self, state.replace("-", "_"))()

    def explain(self, exc: ApiError) -> str:
        """The failure message for an API error; modules may add what to do for known codes."""
        return str(exc)

    def prepare_result(self) -> dict:
        """Extra keys for the result (besides the resource view, actions and jobs)."""
        return {}

    # -- services for verbs -------------------------------------------------------------
    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.params, check_mode=self.check_mode, warn=self.module.warn)
        return self._client

    def fail(self, msg: str, **extra: Any) -> None:
        """Fail the task; keeps what was already done in the result so the user can act."""
        result = self.result()
        result.update(extra)
        result.pop("msg", None)
        self.module.fail_json(msg=msg, **result)

    def change(self, action: str, apply: Callable[[], Any], predicted: Any = None,
               confirm: Callable[[Any], bool] | None = None, recover: Callable[[], Any] | None = None,
               refresh: Callable[[], Any] | None = None) -> Any:
        """Record one change. In check mode ``apply`` is not called and ``predicted`` is the
        new state; otherwise ``apply()`` performs the requests and returns the new state.

        ``confirm(new_state)`` is for requests whose effect is only known afterwards (e.g. VBS
        associate, which may find the volumes already there): when it returns false the step
        is not recorded as a change.

        ``recover()`` is for a mutating request whose answer may be lost (see
        :attr:`ApiError.outcome_unknown`): it reads the resource and returns its new state when
        the request was carried out (waiting for the job's transient status to end, see
        :meth:`adopt`), or :data:`NOT_APPLIED` when the resource shows it was not, and only then
        is ``apply()`` called once more. So a lost answer never makes a module send a create or an
        action twice. Every create, action and job-starting delete passes one.

        ``refresh()`` reads the resource after a job failed or the wait timed out, so the result
        reports where the resource was left (``error-...`` or still running) instead of the state
        before the task.
        """
        if self.check_mode:
            self.after = predicted
        else:
            try:
                self.after = self._carry_out(action, apply, recover)
            except (JobFailedError, WaitTimeoutError):
                # The request was accepted and a job ran (or runs): the cloud did change.
                self._record(action)
                if refresh is not None:
                    self.after = self._quietly(refresh, self.after)
                raise
            # A refused request (ApiError) leaves nothing changed, so it is recorded only now.
            if confirm is not None and not confirm(self.after):
                return self.after
        self._record(action)
        return self.after

    def _carry_out(self, action: str, apply: Callable[[], Any], recover: Callable[[], Any] | None) -> Any:
        """``apply()``; when its outcome is unknown, ``recover()`` decides between adopting what the
        request did and sending it again (at most ``api_retries`` attempts in all, with the client's
        backoff between them)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return apply()
            except ApiError as exc:
                if recover is None or not exc.outcome_unknown:
                    raise
                outcome = recover()
                if outcome is not NOT_APPLIED:
                    answer = "no answer" if exc.status is None else f"HTTP {exc.status}"
                    self.module.warn(f"The request to {action} got {answer} ({exc.method} {exc.path}); reading "
                                     "again showed that it had been carried out, so it was not sent again.")
                    return outcome
                if attempt >= self.client.attempts:
                    raise
            self.client.pause(attempt)

    @staticmethod
    def _quietly(read: Callable[[], Any], default: Any) -> Any:
        """``read()`` for a result that is about to report a failure: a second error must not hide it."""
        try:
            return read()
        except CloudDrError:
            return default

    def _record(self, action: str) -> None:
        self.changed = True
        self.actions.append(action)

    def remaining(self) -> float | None:
        """Seconds left of the user's ``timeout`` (``None``: no bound)."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def run_job(self, job_id: str, what: str, *, service: str = "sdrs", force: bool = False) -> dict:
        """Wait for a job when ``wait`` is true (or ``force``); record it either way and return it.

        With ``wait: false`` the job is recorded as submitted and returned unfinished, so a
        playbook can start many operations and wait on them with ``job_info``. ``force`` is for
        a step the next one depends on (servers must be stopped before a switchover).
        """
        if not (force or self.params.get("wait", True)):
            job = {"job_id": job_id, "status": "SUBMITTED", "what": what}
            self.jobs.append(job)
            return job
        started = time.monotonic()
        try:
            job = wait_for_job(self.client, job_id, timeout=self.remaining(), what=what, service=service)
        except JobFailedError as exc:
            self.jobs.append(self._job_record(exc.job, what, started))
            raise
        except WaitTimeoutError as exc:
            # Keep the unfinished job in the result: the user resumes by re-running or job_info.
            self.jobs.append(self._job_record({"job_id": job_id, "status": exc.last_status}, what, started))
            raise
        self.jobs.append(self._job_record(job, what, started))
        return job

    def wait_for(self, fetch: Callable[[], Any], done: Callable[[Any], bool], what: str) -> Any:
        """Poll ``fetch()`` until ``done(value)``; used to wait out transient statuses."""
        return wait_until(fetch, done, timeout=self.remaining(), what=what)

    def settle(self, record: dict | None, transient: frozenset, fetch: Callable[[Any, str], Any], kind: str,
               *, busy_note: str = "nothing was done") -> dict | None:
        """The resource once the operation running on it has ended, read again (``None`` when it
        is gone): a module decides only on a settled resource, so a task re-run after a timeout (or
        started while another run's job runs) resumes instead of acting twice or failing.

        ``fetch(client, id)`` reads the resource, ``kind`` names it (``Protection group``). With
        ``wait: false`` nothing is waited for: :attr:`busy` is set, the user is warned that
        ``busy_note`` and ``record`` is returned as it is.
        """
        if record is None or record.get("status") not in transient:
            return record
        if not self.params.get("wait", True):
            self.busy = True
            self.module.warn(f"{kind} '{record.get('name')}' is {record['status']}: {busy_note}. Re-run with "
                             "wait: true (or later) to continue once that operation has ended.")
            return record
        return self._wait_out(record, transient, fetch, kind)

    def adopt(self, record: dict | None, transient: frozenset, fetch: Callable[[Any, str], Any],
              kind: str) -> dict | None:
        """For ``recover``: a resource a request with a lost answer created or changed, waited for like
        :meth:`run_job` would have waited for its job (not at all with ``wait: false``)."""
        if record is None or record.get("status") not in transient or not self.params.get("wait", True):
            return record
        return self._wait_out(record, transient, fetch, kind)

    def recovery(self, read: Callable[[], Any], acted: Callable[[Any], bool], transient: frozenset,
                 fetch: Callable[[Any, str], Any], kind: str, view: Callable[[Any], Any] | None = None
                 ) -> Callable[[], Any]:
        """A ``recover`` for :meth:`change`: ``read()`` the resource; unless ``acted(current)`` shows
        the request's effect, :data:`NOT_APPLIED`; else the resource, :meth:`adopt` ed (through
        ``view``). For a create ``read`` finds it by name and ``acted`` is "found"; for an action
        ``acted`` compares the status with the one before; for a delete it is "gone or deleting"."""
        def recover() -> Any:
            current = read()
            if not acted(current):
                return NOT_APPLIED
            current = self.adopt(current, transient, fetch, kind)
            return view(current) if view is not None else current
        return recover

    def delete_recovery(self, record: dict, transient: frozenset, fetch: Callable[[Any, str], Any],
                        kind: str) -> Callable[[], Any]:
        """The ``recover`` of a delete that starts a job: the resource gone or ``deleting`` shows it
        was carried out (waited for until it is gone); otherwise it is sent again."""
        return self.recovery(lambda: fetch(self.client, record["id"]),
                             lambda current: current is None or current.get("status") == "deleting",
                             transient, fetch, kind, lambda _current: None)

    def keep_oldest(self, mine: dict, twins: list[dict], kind: str, remove: Callable[[], Any],
                    recover: Callable[[], Any] | None = None) -> dict:
        """After this task created ``mine``: resolve a race with runs that created the same resource
        at the same moment (the API allows duplicate names). ``twins`` are all resources with its
        exact name that are not being deleted. Every run keeps the oldest
        (:func:`~._sdrs.oldest`); a run whose own resource lost deletes it with ``remove()`` (a
        recorded change) and returns the winner, which the module adopts."""
        winner = oldest(twins)
        others = ", ".join(t["id"] for t in twins if t["id"] != mine["id"])
        if winner["id"] == mine["id"]:
            if others:
                self.module.warn(f"Another run created {_lower(kind)} '{mine.get('name')}' at the same time "
                                 f"({others}); the one of this task ({mine['id']}) is the oldest and is kept, the "
                                 "other runs delete theirs.")
            return mine
        self.change(f"delete duplicate {_lower(kind)} '{mine.get('name')}' ({mine['id']}): {winner['id']}, created "
                    "by another run at the same time, is kept", remove, None, recover=recover)
        return winner

    def _wait_out(self, record: dict, transient: frozenset, fetch: Callable[[Any, str], Any], kind: str) -> Any:
        return self.wait_for(lambda: fetch(self.client, record["id"]),
                             lambda current: current is None or current.get("status") not in transient,
                             what=f"{_lower(kind)} '{record.get('name')}' to finish {record['status']}")

    @staticmethod
    def _job_record(job: dict, what: str, started: float) -> dict:
        record = {k: job.get(k) for k in ("job_id", "job_type", "status", "begin_time", "end_time",
                                          "error_code", "fail_reason", "entities")}
        record["what"] = what
        record["duration"] = round(time.monotonic() - started, 3)
        return record

    # -- the result ---------------------------------------------------------------------
    def result(self) -> dict:
        after = self.after if self.changed else (self.after if self.after is not None else self.before)
        result: dict = {"changed": self.changed, "actions": list(self.actions)}
        if self.result_key:
            result[self.result_key] = after
        if self.uses_wait:
            result["jobs"] = list(self.jobs)
            if self.jobs:
                result["job_id"] = self.jobs[-1].get("job_id")
        if self.module._diff:
            result["diff"] = {"before": self.before or {}, "after": after or {}}
        result.update(self.extra)
        result.update(self.prepare_result())
        return result


class SdrsInfoModule(SdrsModule):
    """Base of the ``*_info`` modules: read-only, no wait options, never changed."""

    uses_wait = False

    def run(self) -> None:
        self.extra.update(self.gather())

    def gather(self) -> dict:
        """Return the keys of the result (e.g. ``{"protection_groups": [...]}``)."""
        raise NotImplementedError
