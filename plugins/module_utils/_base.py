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
               confirm: Callable[[Any], bool] | None = None) -> Any:
        """Record one change. In check mode ``apply`` is not called and ``predicted`` is the
        new state; otherwise ``apply()`` performs the requests and returns the new state.

        ``confirm(new_state)`` is for requests whose effect is only known afterwards (e.g. VBS
        associate, which may find the volumes already there): when it returns false the step
        is not recorded as a change.
        """
        if self.check_mode:
            self.after = predicted
        else:
            try:
                self.after = apply()
            except (JobFailedError, WaitTimeoutError):
                # The request was accepted and a job ran (or runs): the cloud did change.
                self._record(action)
                raise
            # A refused request (ApiError) leaves nothing changed, so it is recorded only now.
            if confirm is not None and not confirm(self.after):
                return self.after
        self._record(action)
        return self.after

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
