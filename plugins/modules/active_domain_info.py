#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: active_domain_info
short_description: List the SDRS active-active domains (which availability zones can protect which)
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Reads the active-active domains of the Storage Disaster Recovery Service (SDRS). A domain joins two
    availability zones whose storage can replicate to each other; a protection group needs one, with its
    production and DR zones taken from the domain.
  - Use it to find the value of O(cloud_dr.sdrs.protection_group#module:domain) and the zones
    before creating a protection group, and to see whether a domain is sold out.
options:
  name:
    description:
      - Only the domain with this exact name or ID.
    type: str
  availability_zone:
    description:
      - Only the domains that include this availability zone (as either of their two zones).
    type: str
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - The module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details:
      - The module changes nothing.
seealso:
  - module: cloud_dr.sdrs.protection_group
"""

EXAMPLES = r"""
- name: Domains that can protect servers in eu-de-01
  cloud_dr.sdrs.active_domain_info:
    cloud: otc-dr
    availability_zone: eu-de-01
  register: domains

- name: Create the group in the first domain that still has capacity
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  vars:
    domain: "{{ domains.active_domains | rejectattr('sold_out') | first }}"
  cloud_dr.sdrs.protection_group:
    name: web-tier
    domain: "{{ domain.id }}"
    source_availability_zone: eu-de-01
    target_availability_zone: "{{ [domain.local_availability_zone, domain.remote_availability_zone] | reject('eq', 'eu-de-01') | first }}"
    source_vpc_id: 046852ef-c49d-409b-8389-546aaaa5701f
"""

RETURN = r"""
active_domains:
  description: The matching active-active domains, as the API returns them plus their two zones at the top level.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: 'ID of the domain.'
      type: str
      sample: fb4bb8e3-a574-4437-a156-78c916aeea4d
    name:
      description: 'Name of the domain.'
      type: str
      sample: ActiveactiveDomain
    description:
      description: 'Description.'
      type: str
      sample: Active-active domain eu-de-01 <-> eu-de-02
    sold_out:
      description: 'Whether the domain has no capacity left for new protection groups.'
      type: bool
      sample: false
    local_replication_cluster:
      description: The local replication cluster.
      type: dict
      sample: {availability_zone: eu-de-01}
    remote_replication_cluster:
      description: The remote replication cluster.
      type: dict
      sample: {availability_zone: eu-de-02}
    local_availability_zone:
      description: 'Availability zone of the local cluster.'
      type: str
      sample: eu-de-01
    remote_availability_zone:
      description: 'Availability zone of the remote cluster.'
      type: str
      sample: eu-de-02
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsInfoModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._protection import domain_view, list_domains


class ActiveDomainInfo(SdrsInfoModule):
    module_options = dict(
        name=dict(type="str"),
        availability_zone=dict(type="str"),
    )

    def gather(self):
        name, zone = self.params["name"], self.params["availability_zone"]
        views = [domain_view(d) for d in list_domains(self.client)]
        views = [v for v in views
                 if (not name or name in (v.get("id"), v.get("name")))
                 and (not zone or zone in (v["local_availability_zone"], v["remote_availability_zone"]))]
        return {"active_domains": views}


def main():
    ActiveDomainInfo.execute()


if __name__ == "__main__":
    main()
