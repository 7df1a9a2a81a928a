#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: protection_group_info
short_description: List SDRS protection groups
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Reads the protection groups of the Storage Disaster Recovery Service (SDRS) in the project, all of
    them or those matching the filters, in the same view as M(cloud_dr.sdrs.protection_group) returns.
  - Reads every page of the list, so the result holds all matching groups.
options:
  name:
    description:
      - Only the group with exactly this name. The API matches names by substring; the module keeps the
        exact matches only.
    type: str
  id:
    description:
      - Only the group with this ID (one show request). An unknown ID gives an empty list.
    type: str
  status:
    description:
      - Only groups in this status, for example V(available), V(protected), V(failed-over).
    type: str
  query_type:
    description:
      - V(status_abnormal) lists groups in an error status, V(stop_protected) those whose protection is
        disabled, V(period_no_dr_drill) those without a DR drill in the last three months.
        V(general) applies no such filter.
    type: str
    choices: [general, status_abnormal, stop_protected, period_no_dr_drill]
  availability_zone:
    description:
      - Only groups whose current production site is in this availability zone.
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
notes:
  - With O(id) alone the group is read directly; with O(id) and other filters the filtered list is read and
    the group with that ID kept.
seealso:
  - module: cloud_dr.sdrs.protection_group
  - module: cloud_dr.sdrs.protected_instance_info
"""

EXAMPLES = r"""
- name: All protection groups
  cloud_dr.sdrs.protection_group_info:
    cloud: otc-dr
  register: all_groups

- name: Groups that need attention, with the connection given once
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Groups in an error status
      cloud_dr.sdrs.protection_group_info:
        query_type: status_abnormal
      register: broken

    - name: Fail if any group needs attention
      ansible.builtin.assert:
        that: broken.protection_groups | length == 0
        fail_msg: "{{ broken.protection_groups | map(attribute='name') | join(', ') }} need attention"

- name: One group by name
  cloud_dr.sdrs.protection_group_info:
    cloud: otc-dr
    name: web-tier
  register: web

- name: Show its status
  ansible.builtin.debug:
    msg: "{{ web.protection_groups[0].status }}"
"""

RETURN = r"""
protection_groups:
  description:
    - The matching protection groups as the SDRS API returns them (the same view as RV(cloud_dr.sdrs.protection_group#module:protection_group)),
      in the order the API lists them (newest first).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: 'ID of the group.'
      type: str
      sample: decf224d-87fe-403a-8721-037a1a45c287
    name:
      description: 'Name of the group.'
      type: str
      sample: web-tier
    description:
      description: 'Description.'
      type: str
      sample: null
    status:
      description: 'Status, for example C(available), C(protected), C(failed-over).'
      type: str
      sample: protected
    source_availability_zone:
      description: 'Production AZ as configured at creation.'
      type: str
      sample: eu-de-01
    target_availability_zone:
      description: 'DR AZ as configured at creation.'
      type: str
      sample: eu-de-02
    priority_station:
      description: 'The current production site, C(source) or C(target).'
      type: str
      sample: source
    domain_id:
      description: 'ID of the active-active domain.'
      type: str
      sample: fb4bb8e3-a574-4437-a156-78c916aeea4d
    domain_name:
      description: 'Name of the active-active domain.'
      type: str
      sample: ActiveactiveDomain
    source_vpc_id:
      description: 'VPC of the production servers.'
      type: str
      sample: 046852ef-c49d-409b-8389-546aaaa5701f
    target_vpc_id:
      description: 'VPC of the DR servers.'
      type: str
      sample: 046852ef-c49d-409b-8389-546aaaa5701f
    dr_type:
      description: 'Deployment model.'
      type: str
      sample: migration
    protected_instance_num:
      description: 'Number of protected instances.'
      type: int
      sample: 2
    replication_num:
      description: 'Number of replication pairs.'
      type: int
      sample: 4
    disaster_recovery_drill_num:
      description: 'Number of DR drills.'
      type: int
      sample: 0
    progress:
      description: 'Replication progress in percent.'
      type: int
      sample: 100
    protected_status:
      description: 'C(started) or C(stopped); null for groups never enabled.'
      type: str
      sample: started
    replication_status:
      description: 'Replication status; null for groups never enabled.'
      type: str
      sample: active
    health_status:
      description: 'C(normal) or C(abnormal); null for groups never enabled.'
      type: str
      sample: normal
    created_at:
      description: 'Creation time (UTC).'
      type: str
      sample: "2019-05-22 08:16:54.413"
    updated_at:
      description: 'Last update time (UTC).'
      type: str
      sample: "2019-05-23 09:11:10.856"
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsInfoModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._protection import group_view
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import get_protection_group, list_groups


class ProtectionGroupInfo(SdrsInfoModule):
    module_options = dict(
        name=dict(type="str"),
        id=dict(type="str"),
        status=dict(type="str"),
        query_type=dict(type="str", choices=["general", "status_abnormal", "stop_protected", "period_no_dr_drill"]),
        availability_zone=dict(type="str"),
    )

    def gather(self):
        p = self.params
        query = {key: p[key] for key in ("name", "status", "query_type", "availability_zone") if p[key]}
        if p["id"] and not query:
            group = get_protection_group(self.client, p["id"])
            groups = [group] if group else []
        else:
            # The other filters are the API's own, so with an id the list is filtered by id afterwards.
            groups = [g for g in list_groups(self.client, query)
                      if (not p["name"] or g.get("name") == p["name"]) and (not p["id"] or g.get("id") == p["id"])]
        return {"protection_groups": [group_view(g) for g in groups]}


def main():
    ProtectionGroupInfo.execute()


if __name__ == "__main__":
    main()
