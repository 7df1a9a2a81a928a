"""huaweicloudsdksdrs with AK/SK (SDK-HMAC-SHA256 signer of huaweicloudsdkcore) against the emulator."""

import time

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdksdrs.v1 import (
    CreateProtectedInstanceRequest, CreateProtectedInstanceRequestBody, CreateProtectedInstanceRequestParams,
    CreateProtectionGroupRequest, CreateProtectionGroupRequestBody, CreateProtectionGroupRequestParams,
    DeleteProtectedInstanceRequest, DeleteProtectedInstanceRequestBody, ListActiveActiveDomainsRequest,
    ListApiVersionsRequest, ListFailureJobsRequest, ListProtectedInstancesByTagsRequest,
    ListProtectedInstancesByTagsRequestBody, ListProtectedInstancesRequest, ListProtectionGroupsRequest,
    ProtectedInstanceAddTagsRequestBody, AddProtectedInstanceTagsRequest, ResizeProtectedInstanceRequest,
    ResizeProtectedInstanceRequestBody, ResizeProtectedInstanceRequestParams, ResourceTag,
    ReverseProtectionGroupRequestBody, ReverseProtectionGroupRequestParams, ShowJobStatusRequest,
    ShowProtectedInstanceRequest, ShowProtectionGroupRequest, ShowQuotaRequest, SdrsClient,
    StartProtectionGroupRequest, StartProtectionGroupRequestBody, StartReverseProtectionGroupRequest,
    TagParams)


@pytest.fixture
def sdk(emu, isolated_env):
    a = emu.info["sdrs_auth_aksk"]
    cfg = HttpConfig.get_default_config()
    cfg.ssl_ca_cert = a["ca_path"]
    return (SdrsClient.new_builder().with_http_config(cfg)
            .with_credentials(BasicCredentials(ak=a["access_key"], sk=a["secret_key"], project_id=a["project_id"]))
            .with_endpoints([a["endpoints"]["sdrs"]]).build())


def _wait(sdk, job_id, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        job = sdk.show_job_status(ShowJobStatusRequest(job_id=job_id))
        if job.status in ("SUCCESS", "FAIL"):
            return job
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _create_group(sdk, seed, name):
    params = CreateProtectionGroupRequestParams(
        name=name, source_availability_zone="eu-de-01", target_availability_zone="eu-de-02",
        domain_id=seed["domains"]["ActiveactiveDomain"], source_vpc_id=seed["vpcs"]["vpc-prod"])
    resp = sdk.create_protection_group(CreateProtectionGroupRequest(
        body=CreateProtectionGroupRequestBody(server_group=params)))
    job = _wait(sdk, resp.job_id)
    assert job.status == "SUCCESS" and job.job_type == "createProtectionGroupNoCG"
    return job.entities.server_group_id


def test_group_instance_enable_planned_failover(sdk, emu):
    seed = emu.seed
    gid = _create_group(sdk, seed, "hw-pg")
    listed = sdk.list_protection_groups(ListProtectionGroupsRequest(name="hw-pg", limit=10))
    assert listed.count == 1 and listed.server_groups[0].id == gid
    assert sdk.show_protection_group(ShowProtectionGroupRequest(server_group_id=gid)).server_group.status == "available"

    body = CreateProtectedInstanceRequestBody(protected_instance=CreateProtectedInstanceRequestParams(
        server_group_id=gid, server_id=seed["servers"]["app-02"], name="hw-app-02"))
    job = _wait(sdk, sdk.create_protected_instance(CreateProtectedInstanceRequest(body=body)).job_id)
    iid = job.entities.protected_instance_id
    pis = sdk.list_protected_instances(ListProtectedInstancesRequest(server_group_ids=f'["{gid}"]'))
    assert pis.count == 1 and pis.protected_instances[0].id == iid

    job = _wait(sdk, sdk.start_protection_group(StartProtectionGroupRequest(
        server_group_id=gid, body=StartProtectionGroupRequestBody(start_server_group={}))).job_id)
    assert job.status == "SUCCESS" and len(job.entities.sub_jobs) == 1
    reverse = ReverseProtectionGroupRequestBody(
        reverse_server_group=ReverseProtectionGroupRequestParams(priority_station="target"))
    job = _wait(sdk, sdk.start_reverse_protection_group(StartReverseProtectionGroupRequest(
        server_group_id=gid, body=reverse)).job_id)  # app-02 is SHUTOFF in the seed
    assert job.status == "SUCCESS" and job.job_type == "reverseProtectionGroupNoCG"
    pg = sdk.show_protection_group(ShowProtectionGroupRequest(server_group_id=gid)).server_group
    assert (pg.status, pg.priority_station) == ("protected", "target")

    resize = ResizeProtectedInstanceRequestBody(resize=ResizeProtectedInstanceRequestParams(dr_flavor_ref="s3.2xlarge.2"))
    job = _wait(sdk, sdk.resize_protected_instance(ResizeProtectedInstanceRequest(
        protected_instance_id=iid, body=resize)).job_id)
    assert job.status == "SUCCESS"
    with pytest.raises(ClientRequestException) as info:
        sdk.resize_protected_instance(ResizeProtectedInstanceRequest(protected_instance_id=iid, body=resize))
    assert (info.value.status_code, info.value.error_code) == (400, "SDRS.1341")

    sdk.add_protected_instance_tags(AddProtectedInstanceTagsRequest(
        protected_instance_id=iid, body=ProtectedInstanceAddTagsRequestBody(tag=ResourceTag(key="env", value="prod"))))
    found = sdk.list_protected_instances_by_tags(ListProtectedInstancesByTagsRequest(
        body=ListProtectedInstancesByTagsRequestBody(action="filter", limit="10", offset="0",
                                                     tags=[TagParams(key="env", values=["prod"])])))
    assert found.total_count == 1 and found.resources[0].resource_id == iid

    job = _wait(sdk, sdk.delete_protected_instance(DeleteProtectedInstanceRequest(
        protected_instance_id=iid, body=DeleteProtectedInstanceRequestBody(delete_target_server=True,
                                                                           delete_target_eip=False))).job_id)
    assert job.status == "SUCCESS"
    with pytest.raises(ClientRequestException) as info:
        sdk.show_protected_instance(ShowProtectedInstanceRequest(protected_instance_id=iid))
    assert (info.value.status_code, info.value.error_code) == (400, "SDRS.1320")


def test_query_string_with_spaces_and_errors(sdk, emu):
    emu.admin("POST", "/bulk/server-groups", json={"count": 2, "name_prefix": "a b "}).raise_for_status()
    assert sdk.list_protection_groups(ListProtectionGroupsRequest(name="a b", limit=10)).count == 2
    assert sdk.list_protection_groups(ListProtectionGroupsRequest(name="a b 000001")).count == 1
    with pytest.raises(ClientRequestException) as info:
        sdk.show_protection_group(ShowProtectionGroupRequest(server_group_id="missing"))
    assert (info.value.status_code, info.value.error_code) == (400, "SDRS.1013")
    assert info.value.request_id
    with pytest.raises(ClientRequestException) as info:
        sdk.list_protection_groups(ListProtectionGroupsRequest(limit=5000))
    assert info.value.error_code == "SDRS.0221"


def test_misc_endpoints(sdk, emu):
    assert sdk.list_api_versions(ListApiVersionsRequest()).versions[0].id == "v1"
    assert len(sdk.list_active_active_domains(ListActiveActiveDomainsRequest()).domains) == 2
    assert {r.type for r in sdk.show_quota(ShowQuotaRequest()).quotas.resources} == {"server_groups", "replications"}
    assert sdk.list_failure_jobs(ListFailureJobsRequest()).count == 0


def test_flat_error_shape_is_parsed(sdk, emu):
    emu.admin("PUT", "/config", json={"error_shape": "flat"}).raise_for_status()
    with pytest.raises(ClientRequestException) as info:
        sdk.show_protection_group(ShowProtectionGroupRequest(server_group_id="missing"))
    assert (info.value.status_code, info.value.error_code) == (400, "SDRS.1013")
