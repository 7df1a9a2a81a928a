# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of every module (mirrors ``connection_argument_spec``)."""

from __future__ import annotations


class ModuleDocFragment:
    # Keep in step with plugins/module_utils/_arguments.py (a unit test compares them).
    DOCUMENTATION = r"""
options:
  cloud:
    description:
      - Name of a cloud in a C(clouds.yaml) file to read the connection settings from.
      - The file is searched in the path given by E(OS_CLIENT_CONFIG_FILE), then C(./clouds.yaml),
        C(~/.config/openstack/clouds.yaml) and C(/etc/openstack/clouds.yaml); the first file that defines
        the cloud is used.
      - The cloud's C(auth) keys C(auth_url), C(username), C(password), C(project_id), C(project_name),
        C(user_domain_name) (or C(domain_name)), C(token), C(access_key) and C(secret_key), and its
        C(region_name), C(cacert), C(verify) and C(sdrs_endpoint_override), C(vbs_endpoint_override),
        C(ecs_endpoint_override) keys are used.
      - Options set on the task (or by their environment variables) take precedence over the cloud's values.
      - If not set, the environment variable E(OS_CLOUD) is used.
    type: str
  auth_url:
    description:
      - URL of the IAM (Keystone v3) service, for example V(https://iam.eu-de.otc.t-systems.com/v3).
        C(/v3) is added when the URL has no version.
      - Used for password authentication only.
      - If not set, the environment variable E(OS_AUTH_URL) is used.
    type: str
  username:
    description:
      - Name of the IAM user for password authentication.
      - If not set, the environment variable E(OS_USERNAME) is used.
    type: str
  password:
    description:
      - Password of O(username). This is a secret.
      - If not set, the environment variable E(OS_PASSWORD) is used.
    type: str
  user_domain_name:
    description:
      - Domain (account) name of O(username), for password authentication.
      - When the project is given by O(project_name), the project is looked up in this domain.
      - If not set, the environment variable E(OS_USER_DOMAIN_NAME), then E(OS_DOMAIN_NAME), is used.
    type: str
  project_id:
    description:
      - ID of the project to work in.
      - Required for token and AK/SK authentication; with password authentication either O(project_id)
        or O(project_name) is required.
      - If not set, the environment variable E(OS_PROJECT_ID) is used.
    type: str
  project_name:
    description:
      - Name of the project to work in, for password authentication, for example V(eu-de) or V(eu-de_myproject).
      - If not set, the environment variable E(OS_PROJECT_NAME) is used.
    type: str
  region:
    description:
      - Region of the services, used to pick endpoints from the service catalog and to build them from
        the O(cloud_provider) pattern.
      - If not set, the environment variable E(OS_REGION_NAME) is used; if that is not set either, the part of
        the project name before the first C(_) when it looks like a region (V(eu-de) for V(eu-de_myproject)),
        else V(eu-de).
    type: str
  cloud_provider:
    description:
      - Which public cloud the endpoint pattern is for, when an endpoint is neither in O(endpoints) nor in
        the service catalog.
      - V(otc) builds C(https://<service>.<region>.otc.t-systems.com) (Open Telekom Cloud),
        V(huaweicloud) builds C(https://<service>.<region>.myhuaweicloud.com).
      - If not set, the environment variable E(CLOUD_DR_SDRS_PROVIDER) is used; if that is not set either, V(otc).
    type: str
    choices: [otc, huaweicloud]
  access_key:
    description:
      - Access key (AK) for AK/SK request signing (C(SDK-HMAC-SHA256)). Needs O(secret_key) and O(project_id).
      - If not set, the environment variable E(OS_ACCESS_KEY) is used.
    type: str
  secret_key:
    description:
      - Secret key (SK) of O(access_key). This is a secret.
      - If not set, the environment variable E(OS_SECRET_KEY) is used.
    type: str
  security_token:
    description:
      - Security token of a temporary AK/SK pair. This is a secret.
      - If not set, the environment variable E(OS_SECURITY_TOKEN) is used.
    type: str
  token:
    description:
      - An IAM token issued elsewhere, sent as C(X-Auth-Token). Needs O(project_id). This is a secret.
      - If not set, the environment variable E(OS_AUTH_TOKEN), then E(OS_TOKEN), is used.
      - "Authentication is chosen in this order: O(token), then O(access_key) and O(secret_key),
        then password authentication with O(auth_url), O(username), O(password) and O(user_domain_name)."
    type: str
  endpoints:
    description:
      - 'Service root URLs that override the service catalog and the region pattern, as a dictionary with
        the keys V(sdrs), V(vbs) and V(ecs), for example C({"sdrs": "https://127.0.0.1:8443"}).'
      - A trailing project ID and API version are removed, so V(https://host), V(https://host/v1) and
        C(https://host/v1/<project_id>) all work.
      - If not set, the environment variable E(CLOUD_DR_SDRS_ENDPOINTS) is used, as a JSON object.
    type: dict
  validate_certs:
    description:
      - Whether to validate the TLS certificates of the services. Set V(false) only against a test endpoint.
      - If not set, the environment variable E(CLOUD_DR_SDRS_VALIDATE_CERTS) is used; if that is not set
        either, certificates are validated.
    type: bool
  ca_path:
    description:
      - Path of a PEM file of CA certificates to validate the services' certificates with.
      - If not set, the environment variable E(OS_CACERT) is used.
    type: path
  api_timeout:
    description:
      - Seconds to wait to connect to a service, and again for its answer, in each HTTP request; at least V(1).
      - If not set, the environment variable E(CLOUD_DR_SDRS_API_TIMEOUT) is used.
    type: int
    default: 30
  api_retries:
    description:
      - How many attempts, in all, a request may take when it fails in a way that is safe to retry
        (throttling, an unavailable service, a lost connection; a request that creates something is
        repeated only when it cannot have reached the service); at least V(1).
      - Retries wait with exponential backoff and honour C(Retry-After); retrying stops after about 60 seconds.
      - When a request that creates something or starts an operation gets no answer, or a gateway error, the
        module reads the resource to find out whether the request was carried out, and adopts the result instead
        of sending it again; only when the request provably did nothing is it sent again (at most this many
        attempts in all).
    type: int
    default: 5
requirements:
  - requests
notes:
  - The secrets O(password), O(secret_key), O(security_token) and O(token) are never logged and never
    appear in messages or results.
"""
