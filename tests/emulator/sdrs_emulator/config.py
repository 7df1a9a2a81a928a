"""Runtime configuration (admin `GET|PUT /_emulator/config`), reset to the CLI start values."""

import copy

from .errors import ApiError

DEFAULTS = {
    "job_durations": {"default": 2.0},
    "token_lifetime": 86400,
    "clock_skew": 900,
    "error_shape": "nested",
    # Emulator extensions (documented in contracts.md §2 and the README):
    "quotas": {"server_groups": 50, "replications": 100},
    "job_not_found_status": 404,
    "vbs_policy_quota": 10,
}


class Config:
    def __init__(self, **start):
        base = copy.deepcopy(DEFAULTS)
        self.start = _merge(base, start)
        self.values = copy.deepcopy(self.start)

    def reset(self) -> None:
        self.values = copy.deepcopy(self.start)

    def update(self, patch: dict) -> dict:
        """Merge a partial config; nested dicts merge, a null value removes a duration key."""
        if not isinstance(patch, dict):
            raise ApiError(400, "config", "body must be a JSON object", style="gateway")
        unknown = set(patch) - set(DEFAULTS)
        if unknown:
            raise ApiError(400, "config", f"unknown config keys: {sorted(unknown)}", style="gateway")
        if "error_shape" in patch and patch["error_shape"] not in ("nested", "flat"):
            raise ApiError(400, "config", "error_shape must be nested or flat", style="gateway")
        if "job_not_found_status" in patch and patch["job_not_found_status"] not in (400, 404):
            raise ApiError(400, "config", "job_not_found_status must be 400 or 404", style="gateway")
        self.values = _merge(self.values, patch)
        return self.values

    def __getitem__(self, key):
        return self.values[key]

    def job_duration(self, job_type: str) -> float:
        durations = self.values["job_durations"]
        return float(durations.get(job_type, durations.get("default", 2.0)))


def _merge(base: dict, patch: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            for k, v in value.items():
                if v is None:
                    merged.pop(k, None)
                else:
                    merged[k] = v
            out[key] = merged
        else:
            out[key] = value
    return out
