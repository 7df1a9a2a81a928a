# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential resolution, clouds.yaml and endpoint rules."""

from __future__ import annotations

import pytest

from ansible_collections.cloud_dr.sdrs.plugins.module_utils import _auth
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import ConfigError
from ansible_collections.cloud_dr.sdrs.tests.unit.plugins.module_utils.fakes import (
    PASSWORD, PROJECT, SECRET_KEY, TOKEN, make_params, password_params)

PID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("url, expected", [
    ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
    ("https://127.0.0.1:8443/", "https://127.0.0.1:8443"),
    ("https://127.0.0.1:8443/v1", "https://127.0.0.1:8443"),
    (f"https://127.0.0.1:8443/v1/{PID}", "https://127.0.0.1:8443"),
    (f"https://127.0.0.1:8443/v1/{PID}/", "https://127.0.0.1:8443"),
    ("https://sdrs.eu-de.otc.t-systems.com/v1/{project_id}", "https://sdrs.eu-de.otc.t-systems.com"),
    ("https://vbs.eu-de.otc.t-systems.com/v2/$(tenant_id)s", "https://vbs.eu-de.otc.t-systems.com"),
    ("https://vbs.eu-de.otc.t-systems.com/v2/%(project_id)s", "https://vbs.eu-de.otc.t-systems.com"),
    (f"https://ecs.eu-de.otc.t-systems.com/v2.1/{PID}", "https://ecs.eu-de.otc.t-systems.com"),
    ("https://ecs.eu-de.otc.t-systems.com/v2.1", "https://ecs.eu-de.otc.t-systems.com"),
    ("https://gw.example.test/prefix/sdrs/v1", "https://gw.example.test/prefix/sdrs"),
    ("https://gw.example.test/v1/other-project", "https://gw.example.test/v1/other-project"),
])
def test_normalise_root(url, expected):
    assert _auth.normalise_root(url, PID) == expected


@pytest.mark.parametrize("service, base", [
    ("sdrs", f"https://h/v1/{PID}"), ("ecs", f"https://h/v1/{PID}"),
    ("vbs", f"https://h/v2/{PID}"), ("vbs_jobs", f"https://h/v1/{PID}"),
])
def test_service_base(service, base):
    assert _auth.service_base("https://h", service, PID) == base


@pytest.mark.parametrize("provider, service, region, root", [
    ("otc", "sdrs", "eu-de", "https://sdrs.eu-de.otc.t-systems.com"),
    ("otc", "vbs", "eu-nl", "https://vbs.eu-nl.otc.t-systems.com"),
    ("otc", "ecs", "eu-ch2", "https://ecs.eu-ch2.sc.otc.t-systems.com"),
    ("huaweicloud", "sdrs", "cn-north-4", "https://sdrs.cn-north-4.myhuaweicloud.com"),
    ("huaweicloud", "sdrs", "ap-southeast-2", "https://sdrs.ap-southeast-3.myhuaweicloud.com"),
    ("huaweicloud", "ecs", "ap-southeast-2", "https://ecs.ap-southeast-2.myhuaweicloud.com"),
])
def test_pattern_root(provider, service, region, root):
    assert _auth.pattern_root(provider, service, region) == root


def test_huaweicloud_has_no_vbs_pattern():
    with pytest.raises(ConfigError, match="set 'endpoints'.*CLOUD_DR_SDRS_ENDPOINTS.*'vbs'"):
        _auth.pattern_root("huaweicloud", "vbs", "cn-north-4")


@pytest.mark.parametrize("name, region", [
    ("eu-de", "eu-de"), ("eu-de_dr", "eu-de"), ("eu-nl_my_project", "eu-nl"), ("cn-north-4_x", "cn-north-4"),
    ("myproject", None), ("", None), (None, None), ("MyProj_x", None),
])
def test_region_from_project(name, region):
    assert _auth.region_from_project(name) == region


def test_resolve_kinds_and_priority():
    assert _auth.resolve(make_params(token=TOKEN, project_id=PID, username="u")).kind == "token"
    aksk = _auth.resolve(make_params(access_key="AK", secret_key=SECRET_KEY, project_id=PID, password="p"))
    assert aksk.kind == "aksk"
    creds = _auth.resolve(password_params())
    assert creds.kind == "password"
    assert creds.region == "eu-de" and not creds.region_explicit  # from project name eu-de_dr
    assert _auth.resolve(password_params(project_name="other")).region == "eu-de"
    assert _auth.resolve(password_params(region="eu-nl")).region == "eu-nl"
    assert creds.verify is True and creds.timeout == 30 and creds.retries == 5
    # secrets never show in a repr
    text = repr(creds) + repr(aksk)
    assert PASSWORD not in text and SECRET_KEY not in text


@pytest.mark.parametrize("params, message", [
    (make_params(), "No credentials given"),
    (make_params(token=TOKEN), r"Token authentication needs 'project_id' \(env OS_PROJECT_ID\)"),
    (make_params(access_key="AK", project_id=PID), r"needs 'secret_key' \(env OS_SECRET_KEY\)"),
    (make_params(secret_key=SECRET_KEY), r"AK/SK authentication needs 'access_key' \(env OS_ACCESS_KEY\), "
                                         r"'project_id' \(env OS_PROJECT_ID\)"),
    (make_params(username="u", password=PASSWORD),
     r"needs 'auth_url' \(env OS_AUTH_URL\).*'user_domain_name' \(env OS_USER_DOMAIN_NAME or OS_DOMAIN_NAME\)"
     r".*'project_name'"),
    (password_params(user_domain_name=None), r"Password authentication needs 'user_domain_name'"),
    (password_params(project_name=None), r"needs 'project_id' \(env OS_PROJECT_ID\) or 'project_name'"),
    (password_params(cloud_provider="aws"), "must be 'otc' or 'huaweicloud'"),
    (password_params(endpoints={"sdrs": "ftp://x"}), r"endpoints.sdrs must be an http\(s\) URL"),
    (password_params(endpoints={"evs": "https://x"}), "unknown service.*evs.*known: ecs, sdrs, vbs"),
    (password_params(endpoints="https://x"), "must be a mapping"),
    (password_params(ca_path="/nonexistent/ca.pem"), r"ca.pem \(option 'ca_path', env OS_CACERT\) does not exist"),
])
def test_config_errors(params, message):
    with pytest.raises(ConfigError, match=message) as info:
        _auth.resolve(params, env={})
    for secret in (PASSWORD, SECRET_KEY, TOKEN):
        assert secret not in str(info.value)


def test_tls_options(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert _auth.resolve(password_params(ca_path=str(ca))).verify == str(ca)
    assert _auth.resolve(password_params(ca_path=str(ca), validate_certs=False)).verify is False
    assert _auth.resolve(password_params(validate_certs=True)).verify is True


CLOUDS = """
clouds:
  otc:
    profile: otc
    region_name: eu-nl
    cacert: {ca}
    verify: true
    auth:
      auth_url: https://iam.eu-nl.otc.t-systems.com/v3
      username: bob
      password: {password}
      user_domain_name: OTC-EU-NL-01
      project_name: eu-nl_prod
    sdrs_endpoint_override: https://sdrs.example.test/v1/%(project_id)s
  keys:
    auth:
      project_id: {pid}
      access_key: AKFROMFILE
      secret_key: {sk}
  insecure:
    verify: false
    auth:
      token: tok
      project_id: {pid}
"""


@pytest.fixture
def clouds_file(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    path = tmp_path / "clouds.yaml"
    path.write_text(CLOUDS.format(ca=ca, password=PASSWORD, pid=PID, sk=SECRET_KEY))
    return {"OS_CLIENT_CONFIG_FILE": str(path)}, str(ca)


def test_clouds_yaml(clouds_file):
    env, ca = clouds_file
    creds = _auth.resolve(make_params(cloud="otc"), env=env)
    assert (creds.kind, creds.auth_url, creds.username, creds.password) == (
        "password", "https://iam.eu-nl.otc.t-systems.com/v3", "bob", PASSWORD)
    assert (creds.user_domain_name, creds.project_name, creds.region) == ("OTC-EU-NL-01", "eu-nl_prod", "eu-nl")
    assert creds.verify == ca
    assert creds.endpoints == {"sdrs": "https://sdrs.example.test/v1/%(project_id)s"}
    keys = _auth.resolve(make_params(cloud="keys"), env=env)
    assert (keys.kind, keys.access_key, keys.secret_key, keys.project_id) == ("aksk", "AKFROMFILE", SECRET_KEY, PID)
    assert _auth.resolve(make_params(cloud="insecure"), env=env).verify is False


def test_explicit_params_win_over_clouds_yaml(clouds_file):
    env, _ca = clouds_file
    creds = _auth.resolve(make_params(cloud="otc", username="carol", region="eu-de", validate_certs=False), env=env)
    assert (creds.username, creds.password, creds.region, creds.verify) == ("carol", PASSWORD, "eu-de", False)


def test_unknown_cloud(clouds_file):
    env, _ca = clouds_file
    with pytest.raises(ConfigError, match=r"Cloud 'nope' \(option 'cloud', env OS_CLOUD\) is not defined.*"
                                          + env["OS_CLIENT_CONFIG_FILE"]):
        _auth.resolve(make_params(cloud="nope"), env=env)


def test_clouds_yaml_search_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    paths = _auth.clouds_yaml_paths({"OS_CLIENT_CONFIG_FILE": "/x/c.yaml"})
    assert paths == ["/x/c.yaml", str(tmp_path / "clouds.yaml"),
                     str(tmp_path / "home/.config/openstack/clouds.yaml"), "/etc/openstack/clouds.yaml"]
    # the first file that defines the cloud wins; a file without it is skipped
    (tmp_path / "clouds.yaml").write_text("clouds: {a: {auth: {token: t1, project_id: p}}}")
    home = tmp_path / "home/.config/openstack"
    home.mkdir(parents=True)
    (home / "clouds.yaml").write_text("clouds: {b: {auth: {token: t2, project_id: p}}}")
    assert _auth.resolve(make_params(cloud="b"), env={}).token == "t2"
    assert _auth.resolve(make_params(cloud="a"), env={}).token == "t1"
    (tmp_path / "clouds.yaml").write_text("clouds: [broken")
    with pytest.raises(ConfigError, match="Cannot read clouds.yaml file"):
        _auth.resolve(make_params(cloud="a"), env={})


def test_token_request_scopes():
    by_name = _auth.token_request(_auth.resolve(password_params()))
    assert by_name == {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "alice", "password": PASSWORD, "domain": {"name": "OTC-EU-DE-000"}}}},
        "scope": {"project": {"name": "eu-de_dr", "domain": {"name": "OTC-EU-DE-000"}}}}}
    by_id = _auth.token_request(_auth.resolve(password_params(project_id=PROJECT)))
    assert by_id["auth"]["scope"] == {"project": {"id": PROJECT}}


@pytest.mark.parametrize("auth_url, url", [
    ("https://iam.eu-de.otc.t-systems.com/v3", "https://iam.eu-de.otc.t-systems.com/v3/auth/tokens"),
    ("https://iam.eu-de.otc.t-systems.com/v3/", "https://iam.eu-de.otc.t-systems.com/v3/auth/tokens"),
    ("https://iam.eu-de.otc.t-systems.com", "https://iam.eu-de.otc.t-systems.com/v3/auth/tokens"),
    ("https://127.0.0.1:8443/v3.0", "https://127.0.0.1:8443/v3.0/auth/tokens"),
])
def test_tokens_url(auth_url, url):
    assert _auth.tokens_url(auth_url) == url


def test_catalog_url_matches_type_interface_and_region():
    catalog = [
        {"type": "vbsv2", "endpoints": [{"interface": "public", "region": "eu-de", "url": "https://vbsv2/v2/p"}]},
        {"type": "vbs", "endpoints": [
            {"interface": "internal", "region": "eu-de", "url": "https://internal"},
            {"interface": "public", "region": "eu-nl", "url": "https://nl"},
            {"interface": "public", "region_id": "eu-de", "url": "https://de/v2"}]},
        {"type": "ecs", "endpoints": [{"interface": "public", "url": "https://ecs-any/v1/p"}]},
    ]
    assert _auth.catalog_url(catalog, "vbs", "eu-de") == "https://de/v2"
    assert _auth.catalog_url(catalog, "vbs", "eu-nl") == "https://nl"
    assert _auth.catalog_url(catalog, "vbs", "eu-ch2") is None
    assert _auth.catalog_url(catalog, "ecs", "eu-ch2") == "https://ecs-any/v1/p"
    assert _auth.catalog_url(catalog, "sdrs", "eu-de") is None
    assert _auth.catalog_url(None, "sdrs", "eu-de") is None
