# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions of the shared client. Internal to this collection: may change without notice."""

from __future__ import annotations

# SDRS answers "not found" with HTTP 400 and one of these codes (API doc §5.2); VBS uses
# AutoBackup.0205/1100 for an unknown policy. One set, so modules never check codes themselves.
NOT_FOUND_CODES = frozenset({
    "SDRS.1013",  # protection group not found
    "SDRS.0207",  # invalid protection group id
    "SDRS.0208",  # invalid protected instance id
    "SDRS.1320",  # protected instance not found
    "SDRS.1608",  # replication pair not found
    "SDRS.0213",  # invalid replication pair id
    "SDRS.1902",  # DR drill not found
    "SDRS.0408",  # null job
    "AutoBackup.0205",  # policy does not exist
    "AutoBackup.1100",  # queried policy does not exist
    "Ecs.0114",  # server not found (ECS API)
})

# Gateway answers after which a mutating request may have reached the service anyway.
OUTCOME_UNKNOWN_STATUSES = frozenset({502, 503, 504})


class CloudDrError(Exception):
    """Base of every error the client raises; ``str()`` is a sentence a user can act on."""


class ConfigError(CloudDrError):
    """The connection options cannot work (missing credentials, unknown cloud, bad endpoint)."""


class ApiError(CloudDrError):
    """An HTTP request failed: carries what the API said, never a secret.

    ``status`` is the HTTP status (``None`` when no response arrived), ``code`` the API's
    error code (``SDRS.1002``, ``AutoBackup.0203``, ``APIGW.0301`` ...), ``message`` its text.
    """

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 method: str | None = None, path: str | None = None,
                 request_id: str | None = None, hint: str | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.method = method
        self.path = path
        self.request_id = request_id
        self.hint = hint
        super().__init__(self.describe())

    @property
    def outcome_unknown(self) -> bool:
        """True when the request may or may not have been carried out: no answer arrived (the
        connection was lost after sending, or a read timed out), or an API gateway answered 502,
        503 or 504 (it may have passed the request on before giving up). A module finds out by
        reading (``SdrsModule.change(recover=...)``) instead of repeating a mutating request."""
        return self.status is None or self.status in OUTCOME_UNKNOWN_STATUSES

    @property
    def not_found(self) -> bool:
        """True when the API says the addressed resource does not exist."""
        return self.code in NOT_FOUND_CODES or (self.status == 404 and self.code is None)

    def describe(self) -> str:
        where = f"{self.method} {self.path}" if self.method else "request"
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        code = f" {self.code}" if self.code else ""
        text = f"{where} failed ({status}{code}): {self.message}"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        if self.hint:
            text += f" {self.hint}"
        return text

    def to_dict(self) -> dict:
        """The fields modules return as ``error`` on failure."""
        return {"status": self.status, "code": self.code, "message": self.message,
                "method": self.method, "path": self.path, "request_id": self.request_id}


class JobFailedError(CloudDrError):
    """An asynchronous job ended in ``FAIL``."""

    def __init__(self, job: dict, *, what: str | None = None) -> None:
        self.job = job
        self.error_code = job.get("error_code")
        self.fail_reason = job.get("fail_reason")
        subs = (job.get("entities") or {}).get("sub_jobs") or []
        self.failed_sub_jobs = [s for s in subs if s.get("status") == "FAIL"]
        text = f"{what or 'Job'} failed: job {job.get('job_id')} ({job.get('job_type')}) ended in FAIL"
        if self.error_code:
            text += f" with {self.error_code}"
        if self.fail_reason:
            text += f": {self.fail_reason}"
        for sub in self.failed_sub_jobs:
            text += (f"; sub-job {sub.get('job_id')} ({sub.get('job_type')}) failed"
                     f" with {sub.get('error_code')}: {sub.get('fail_reason')}")
        super().__init__(text)


class WaitTimeoutError(CloudDrError):
    """Waiting for a job or a status ran out of time; the operation may still be running."""

    def __init__(self, message: str, *, job_id: str | None = None, last_status: str | None = None) -> None:
        self.job_id = job_id
        self.last_status = last_status
        super().__init__(message)


class CheckModeError(CloudDrError):
    """A mutating request was about to be sent in check mode: a bug, refused by the client."""
