# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificates are verified by default: against the emulator's HTTPS (its own CA) a run without
ca_path fails with a message that says what to set, and ca_path makes it pass. The environment of
these runs has no OS_CACERT, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE (see resilience_lib.ansible_env)."""

from __future__ import annotations

import pytest

from resilience_lib import in_parallel, run_module


def without_ca(credentials: dict) -> dict:
    return {k: v for k, v in credentials.items() if k != "ca_path"}


@pytest.mark.parametrize("auth, service", [("sdrs_auth_token", "IAM"), ("sdrs_auth_aksk", "sdrs")])
def test_default_verifies_and_ca_path_passes(build_dir, emulator, auth, service):
    credentials = emulator.info[auth]
    no_ca, system_ca, with_ca, unverified = in_parallel(
        lambda: run_module(build_dir, emulator, "protection_group_info", without_ca(credentials), auth=None),
        lambda: run_module(build_dir, emulator, "protection_group_info", without_ca(credentials), auth=None,
                           env={"REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}),
        lambda: run_module(build_dir, emulator, "protection_group_info", credentials, auth=None),
        lambda: run_module(build_dir, emulator, "protection_group_info",
                           dict(without_ca(credentials), validate_certs=False), auth=None))
    host = emulator.info["emulator_url"]
    for failed in (no_ca, system_ca):
        assert failed.rc != 0, failed
        assert failed.result["msg"].startswith("POST" if service == "IAM" else "GET"), failed.result["msg"]
        assert f"TLS connection to the {service} endpoint {host} failed" in failed.result["msg"]
        assert "CERTIFICATE_VERIFY_FAILED" in failed.result["msg"]
        assert "Set 'ca_path' (env OS_CACERT) to the CA bundle that signed the server certificate" in failed.result["msg"]
        assert failed.result["error"]["status"] is None
    assert with_ca.rc == 0 and with_ca.result["protection_groups"] == [], with_ca
    assert unverified.rc == 0, unverified
    assert "TLS certificate validation is disabled (validate_certs: false)" in unverified.output
    assert "certificate validation is disabled" not in with_ca.output
