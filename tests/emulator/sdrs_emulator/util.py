"""Small helpers shared by every service module: ids, clocks and time formats."""

import time
import uuid
from datetime import datetime, timezone


def new_id() -> str:
    """UUID4 for resources (API doc §2 recommendation)."""
    return str(uuid.uuid4())


def new_job_id() -> str:
    """32 lowercase hex characters, like real SDRS job ids."""
    return uuid.uuid4().hex


def now() -> float:
    # Wall clock on purpose: job deadlines must survive a restart with --state-file.
    return time.time()


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def sdrs_time(ts: float | None = None) -> str:
    """`yyyy-MM-dd HH:mm:ss.SSS` (PG, PI, drill created_at/updated_at)."""
    d = _dt(now() if ts is None else ts)
    return d.strftime("%Y-%m-%d %H:%M:%S.") + f"{d.microsecond // 1000:03d}"


def rp_time(ts: float | None = None) -> str:
    """Replication pairs use ISO with microseconds and no zone (API doc §2.3)."""
    return _dt(now() if ts is None else ts).strftime("%Y-%m-%dT%H:%M:%S.%f")


def job_time(ts: float | None) -> str | None:
    """`yyyy-MM-ddTHH:mm:ss.SSSZ` (jobs, task center)."""
    if ts is None:
        return None
    d = _dt(ts)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def iso_z(ts: float) -> str:
    """Keystone/ECS style `2024-01-01T00:00:00.000000Z` / `...Z`."""
    return _dt(ts).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ecs_time(ts: float) -> str:
    return _dt(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def public(record: dict) -> dict:
    """Drop the emulator's private bookkeeping keys (prefixed with `_`)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def stable_id_hex(*parts: str) -> str:
    """Deterministic 32-hex id (catalog entries, roles)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "sdrs-emulator:" + ":".join(parts)).hex
