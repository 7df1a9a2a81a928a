# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared argument specs (mirrored by the doc fragments). Internal to this collection."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def connection_argument_spec() -> dict:
    """Options every module takes to reach the cloud; see doc fragment ``cloud_dr.sdrs.connection``."""
    return dict(
        cloud=dict(type="str", fallback=(env_fallback, ["OS_CLOUD"])),
        auth_url=dict(type="str", fallback=(env_fallback, ["OS_AUTH_URL"])),
        username=dict(type="str", fallback=(env_fallback, ["OS_USERNAME"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["OS_PASSWORD"])),
        user_domain_name=dict(type="str", fallback=(env_fallback, ["OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"])),
        project_id=dict(type="str", fallback=(env_fallback, ["OS_PROJECT_ID"])),
        project_name=dict(type="str", fallback=(env_fallback, ["OS_PROJECT_NAME"])),
        region=dict(type="str", fallback=(env_fallback, ["OS_REGION_NAME"])),
        cloud_provider=dict(type="str", choices=["otc", "huaweicloud"],
                            fallback=(env_fallback, ["CLOUD_DR_SDRS_PROVIDER"])),
        access_key=dict(type="str", no_log=False, fallback=(env_fallback, ["OS_ACCESS_KEY"])),
        secret_key=dict(type="str", no_log=True, fallback=(env_fallback, ["OS_SECRET_KEY"])),
        security_token=dict(type="str", no_log=True, fallback=(env_fallback, ["OS_SECURITY_TOKEN"])),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["OS_AUTH_TOKEN", "OS_TOKEN"])),
        endpoints=dict(type="dict", fallback=(env_fallback, ["CLOUD_DR_SDRS_ENDPOINTS"])),
        validate_certs=dict(type="bool", fallback=(env_fallback, ["CLOUD_DR_SDRS_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["OS_CACERT"])),
        api_timeout=dict(type="int", default=30, fallback=(env_fallback, ["CLOUD_DR_SDRS_API_TIMEOUT"])),
        api_retries=dict(type="int", default=5),
    )


def wait_argument_spec(default_timeout: int) -> dict:
    """``wait``/``timeout``; see doc fragment ``cloud_dr.sdrs.wait``."""
    return dict(
        wait=dict(type="bool", default=True),
        timeout=dict(type="int", default=default_timeout),
    )
