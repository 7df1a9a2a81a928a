# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials, clouds.yaml and endpoint rules of the shared client. Internal to this collection."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote, urlsplit

from ._arguments import connection_argument_spec
from ._errors import ConfigError

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

#: endpoint (key of option ``endpoints``) -> catalog types, in order of preference
CATALOG_TYPES: dict = {"sdrs": ("sdrs",), "vbs": ("vbs", "vbsv2", "volume-backup"), "ecs": ("ecs", "compute")}
#: service the client addresses -> (endpoint, API version in the path). VBS serves its jobs
#: under /v1 of the same host (API doc §7.3), hence ``vbs_jobs``.
SERVICES: dict = {"sdrs": ("sdrs", "v1"), "vbs": ("vbs", "v2"), "ecs": ("ecs", "v1"), "vbs_jobs": ("vbs", "v1")}
DEFAULT_REGION = "eu-de"
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")
_VERSION_RE = re.compile(r"/v\d+(\.\d+)?$")
_PROJECT_PLACEHOLDERS = ("{project_id}", "{tenant_id}", "$(tenant_id)s", "$(project_id)s",
                         "%(tenant_id)s", "%(project_id)s")

# clouds.yaml key -> option; "auth." keys live under the cloud's ``auth:`` mapping.
_CLOUDS_KEYS = (
    ("auth.auth_url", "auth_url"), ("auth.username", "username"), ("auth.password", "password"),
    ("auth.project_id", "project_id"), ("auth.project_name", "project_name"),
    ("auth.user_domain_name", "user_domain_name"), ("auth.domain_name", "user_domain_name"),
    ("auth.token", "token"), ("auth.access_key", "access_key"), ("auth.secret_key", "secret_key"),
    ("auth.ak", "access_key"), ("auth.sk", "secret_key"), ("auth.security_token", "security_token"),
    ("access_key", "access_key"), ("secret_key", "secret_key"), ("ak", "access_key"), ("sk", "secret_key"),
    ("region_name", "region"), ("cacert", "ca_path"),
)


def option_hint(name: str) -> str:
    """``'project_id' (env OS_PROJECT_ID)``: how a user sets an option, for messages."""
    fallback = connection_argument_spec().get(name, {}).get("fallback")
    if fallback:
        return f"'{name}' (env {' or '.join(fallback[1])})"
    return f"'{name}'"


@dataclass
class Credentials:
    """The resolved connection settings; secrets are kept out of ``repr()``."""

    kind: str  # "password", "aksk" or "token"
    auth_url: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    user_domain_name: str | None = None
    project_id: str | None = None
    project_name: str | None = None
    region: str = DEFAULT_REGION
    region_explicit: bool = False
    cloud_provider: str = "otc"
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    endpoints: dict = field(default_factory=dict)
    verify: Any = True
    timeout: int = 30
    retries: int = 5

    def secrets(self) -> list[str]:
        """Every secret value, for redaction."""
        return [s for s in (self.password, self.secret_key, self.security_token, self.token) if s]


def clouds_yaml_paths(env: Mapping[str, str]) -> list[str]:
    """Where ``clouds.yaml`` is searched, in order (as openstacksdk)."""
    paths = [env["OS_CLIENT_CONFIG_FILE"]] if env.get("OS_CLIENT_CONFIG_FILE") else []
    paths += [os.path.join(os.getcwd(), "clouds.yaml"),
              os.path.expanduser("~/.config/openstack/clouds.yaml"), "/etc/openstack/clouds.yaml"]
    return paths


def load_cloud(name: str, env: Mapping[str, str] | None = None) -> dict:
    """The options a named cloud of ``clouds.yaml`` sets (first file that defines it wins)."""
    if not HAS_YAML:
        raise ConfigError(f"Option 'cloud' ({name}) needs the PyYAML Python library on the managed host.")
    env = os.environ if env is None else env
    searched = []
    for path in clouds_yaml_paths(env):
        if not os.path.isfile(path):
            continue
        searched.append(path)
        try:
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"Cannot read clouds.yaml file {path}: {type(exc).__name__}.") from None
        cloud = (data.get("clouds") or {}).get(name) if isinstance(data, dict) else None
        if isinstance(cloud, dict):
            return _cloud_options(cloud)
    where = ", ".join(searched) if searched else "no clouds.yaml found (" + ", ".join(clouds_yaml_paths(env)) + ")"
    raise ConfigError(f"Cloud '{name}' (option 'cloud', env OS_CLOUD) is not defined in clouds.yaml: "
                      f"searched {where}. Add it or set OS_CLIENT_CONFIG_FILE.")


def _cloud_options(cloud: dict) -> dict:
    options: dict = {}
    auth = cloud.get("auth") or {}
    for key, option in _CLOUDS_KEYS:
        source, name = (auth, key[5:]) if key.startswith("auth.") else (cloud, key)
        if source.get(name) not in (None, "") and option not in options:
            options[option] = str(source[name])
    if isinstance(cloud.get("verify"), bool):
        options["validate_certs"] = cloud["verify"]
    endpoints = {s: cloud[f"{s}_endpoint_override"] for s in CATALOG_TYPES if cloud.get(f"{s}_endpoint_override")}
    if endpoints:
        options["endpoints"] = endpoints
    return options


def region_from_project(project_name: str | None) -> str | None:
    """OTC project names start with the region: ``eu-de`` or ``eu-de_myproject``."""
    prefix = (project_name or "").split("_", 1)[0]
    return prefix if _REGION_RE.match(prefix) else None


def resolve(params: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Credentials:
    """Turn module parameters (+ ``clouds.yaml``) into :class:`Credentials`; raise
    :class:`ConfigError` naming what is missing."""
    merged = dict(params)
    if params.get("cloud"):
        for key, value in load_cloud(params["cloud"], env).items():
            if merged.get(key) is None:
                merged[key] = value
    get = merged.get
    if get("token"):
        kind, needs = "token", ["project_id"]
    elif get("access_key") or get("secret_key"):
        kind, needs = "aksk", ["access_key", "secret_key", "project_id"]
    elif get("username") or get("password") or get("auth_url"):
        kind, needs = "password", ["auth_url", "username", "password", "user_domain_name"]
    else:
        raise ConfigError("No credentials given: set 'token' (env OS_AUTH_TOKEN) with 'project_id'; or "
                          "'access_key' and 'secret_key' (env OS_ACCESS_KEY, OS_SECRET_KEY) with 'project_id'; "
                          "or 'auth_url', 'username', 'password', 'user_domain_name' and 'project_id' or "
                          "'project_name' (env OS_AUTH_URL ...); or a 'cloud' from clouds.yaml (env OS_CLOUD).")
    label = {"token": "Token", "aksk": "AK/SK", "password": "Password"}[kind]
    missing = [option_hint(n) for n in needs if not get(n)]
    if kind == "password" and not (get("project_id") or get("project_name")):
        missing.append(f"{option_hint('project_id')} or {option_hint('project_name')}")
    if missing:
        raise ConfigError(f"{label} authentication needs {', '.join(missing)}.")
    provider = get("cloud_provider") or "otc"
    if provider not in ("otc", "huaweicloud"):
        raise ConfigError(f"Option 'cloud_provider' must be 'otc' or 'huaweicloud', not '{provider}'.")
    endpoints = get("endpoints") or {}
    if not isinstance(endpoints, Mapping):
        raise ConfigError("Option 'endpoints' must be a mapping of service to URL, e.g. {\"sdrs\": \"https://...\"}.")
    unknown = sorted(set(endpoints) - set(CATALOG_TYPES))
    if unknown:
        raise ConfigError(f"Option 'endpoints' has unknown service(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(CATALOG_TYPES))}.")
    for service, url in endpoints.items():
        check_url(str(url), f"endpoints.{service}")
    for option, least in (("api_timeout", 1), ("api_retries", 1)):
        value = get(option)
        if value is not None and int(value) < least:
            raise ConfigError(f"Option '{option}' must be {least} or more, not {value}"
                              + (" (seconds to wait for each answer)." if option == "api_timeout"
                                 else " (attempts in all for a request that may be retried)."))
    if kind == "password":
        check_url(str(get("auth_url")), f"{option_hint('auth_url')}")
    ca_path = get("ca_path")
    if ca_path and not os.path.isfile(os.path.expanduser(ca_path)):
        raise ConfigError(f"CA bundle {ca_path} (option 'ca_path', env OS_CACERT) does not exist.")
    if get("validate_certs") is False:
        verify: Any = False
    else:
        verify = os.path.expanduser(ca_path) if ca_path else True
    region = get("region") or region_from_project(get("project_name")) or DEFAULT_REGION
    return Credentials(
        kind=kind, auth_url=get("auth_url"), username=get("username"), password=get("password"),
        user_domain_name=get("user_domain_name"), project_id=get("project_id"),
        project_name=get("project_name"), region=region, region_explicit=bool(get("region")),
        cloud_provider=provider, access_key=get("access_key"), secret_key=get("secret_key"),
        security_token=get("security_token"), token=get("token"),
        endpoints={k: str(v) for k, v in endpoints.items()}, verify=verify,
        timeout=int(get("api_timeout") or 30), retries=max(1, int(get("api_retries") or 1)),
    )


def check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{what} must be an http(s) URL such as https://host[:port], not '{url}'.")
    return url


# -- IAM ----------------------------------------------------------------------------------
def tokens_url(auth_url: str) -> str:
    """``{auth_url}/auth/tokens``; ``/v3`` is added when the URL has no version."""
    base = check_url(auth_url.strip(), "auth_url").rstrip("/")
    if not re.search(r"/v3(\.\d+)?$", base):
        base += "/v3"
    return base + "/auth/tokens"


def token_request(creds: Credentials) -> dict:
    """The password-auth body, scoped to the project by id, else by name in the user's domain."""
    domain = {"name": creds.user_domain_name}
    if creds.project_id:
        project: dict = {"id": creds.project_id}
    else:
        project = {"name": creds.project_name, "domain": domain}
    user = {"name": creds.username, "password": creds.password, "domain": domain}
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": {"project": project}}}


def catalog_url(catalog: Any, endpoint: str, region: str) -> str | None:
    """The public URL of ``endpoint`` in ``region`` from a token catalog (``None`` if absent)."""
    entries = catalog if isinstance(catalog, list) else []
    for wanted in CATALOG_TYPES[endpoint]:
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("type") != wanted:
                continue
            public = [e for e in entry.get("endpoints") or []
                      if isinstance(e, dict) and e.get("interface", "public") == "public" and e.get("url")]
            for candidates in ([e for e in public if region in (e.get("region"), e.get("region_id"))],
                               [e for e in public if not (e.get("region") or e.get("region_id"))]):
                if candidates:
                    return str(candidates[0]["url"])
    return None


# -- endpoints ----------------------------------------------------------------------------
def pattern_root(provider: str, endpoint: str, region: str) -> str:
    """The public root URL of a service from the region pattern (API doc §7.3)."""
    if provider == "huaweicloud":
        if endpoint == "vbs":
            raise ConfigError("Huawei Cloud has no VBS endpoint pattern: set 'endpoints' "
                              "(env CLOUD_DR_SDRS_ENDPOINTS) with a 'vbs' URL.")
        if endpoint == "sdrs" and region == "ap-southeast-2":
            region = "ap-southeast-3"  # the SDK maps this region to the ap-southeast-3 host
        return f"https://{endpoint}.{region}.myhuaweicloud.com"
    domain = "sc.otc.t-systems.com" if region == "eu-ch2" else "otc.t-systems.com"
    return f"https://{endpoint}.{region}.{domain}"


def normalise_root(url: str, project_id: str | None) -> str:
    """Strip a trailing ``/<project_id>`` (or placeholder) and ``/vN[.N]`` from a service URL."""
    root = url.strip().rstrip("/")
    for suffix in ([project_id] if project_id else []) + list(_PROJECT_PLACEHOLDERS):
        if root.endswith("/" + suffix):
            root = root[:-len(suffix) - 1]
            break
    return _VERSION_RE.sub("", root)


def service_base(root: str, service: str, project_id: str) -> str:
    """``root/v1/{project_id}`` (sdrs, ecs, vbs_jobs) or ``root/v2/{project_id}`` (vbs)."""
    return f"{root}/{SERVICES[service][1]}/{quote(project_id, safe='')}"
