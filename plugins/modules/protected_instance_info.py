#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: protected_instance_info
short_description: List SDRS protected instances
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Reads the protected instances of the Storage Disaster Recovery Service (SDRS) in the project, all of
    them or those matching the filters, in the same view as M(cloud_dr.sdrs.protected_instance) returns
    (with the production and DR server of each).
  - Reads every page of the list, so the result holds all matching instances.
options:
  protection_group:
    description:
      - Only instances of these protection groups, by name or ID. One group or a list.
      - A group that does not exist has no instances.
    type: list
    elements: str
    aliases: [protection_groups]
  id:
    description:
      - Only the protected instances with these IDs. One ID or a list.
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only instances with exactly this name. The API matches names by substring; the module keeps the
        exact matches only.
    type: str
  status:
    description:
      - Only instances in this status, for example V(available), V(protected), V(error).
    type: str
  query_type:
    description:
      - V(status_abnormal) lists instances in an error status, V(stop_protected) those whose protection is
        disabled, V(period_no_dr_drill) those of groups without a DR drill in the last three months.
        V(general) applies no such filter.
    type: str
    choices: [general, status_abnormal, stop_protected, period_no_dr_drill]
  availability_zone:
    description:
      - Only instances whose current production site is in this availability zone.
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
  - SDRS takes at most 30 IDs in one list request; longer lists of groups or IDs are read in several requests.
  - The module also reads the protection groups of the instances (one list request) to return the production
    and DR availability zones.
seealso:
  - module: cloud_dr.sdrs.protected_instance
  - module: cloud_dr.sdrs.protection_group_info
"""

EXAMPLES = r"""
- name: All protected instances of two groups
  cloud_dr.sdrs.protected_instance_info:
    cloud: otc-dr
    protection_group: [web-tier, db-tier]
  register: instances

- name: DR servers to check, with the connection given once
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Instances whose replication is abnormal
      cloud_dr.sdrs.protected_instance_info:
        query_type: status_abnormal
      register: abnormal

    - name: Show them
      ansible.builtin.debug:
        msg: "{{ item.name }} is {{ item.status }} (DR server {{ item.dr_server_id }})"
      loop: "{{ abnormal.protected_instances }}"
"""

RETURN = r"""
protected_instances:
  description:
    - The matching protected instances in the order the API lists them, in the same view as
      RV(cloud_dr.sdrs.protected_instance#module:protected_instance).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: 'ID of the protected instance.'
      type: str
      sample: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
    name:
      description: 'Name.'
      type: str
      sample: web-01
    description:
      description: 'Description.'
      type: str
      sample: null
    server_group_id:
      description: 'ID of its protection group.'
      type: str
      sample: 943c7d15-0371-4b89-b1a6-db1ef35c9263
    status:
      description: 'Status, for example C(available), C(protected).'
      type: str
      sample: protected
    progress:
      description: 'Replication progress in percent.'
      type: int
      sample: 100
    source_server:
      description: 'The production server as SDRS reports it.'
      type: str
      sample: 5fb92d6c-b0cb-46c9-824b-b90ec5500ae6
    target_server:
      description: 'The DR server as SDRS reports it.'
      type: str
      sample: c6c0ff54-fa1f-43ef-9ccc-1774e40c8745
    priority_station:
      description: 'The current production site of the group.'
      type: str
      sample: source
    production_server_id:
      description:
        - ID of the server at the current production site, the zone the group's current C(priority_station) names.
        - SDRS reports it as C(source_server) and swaps C(source_server) and C(target_server) after a failover or
          planned failover, so this is always the server that runs production now.
      type: str
      sample: 5fb92d6c-b0cb-46c9-824b-b90ec5500ae6
    dr_server_id:
      description: 'ID of the server at the current DR site.'
      type: str
      sample: c6c0ff54-fa1f-43ef-9ccc-1774e40c8745
    production_availability_zone:
      description: Zone of the current production site, derived from the group's AZs and C(priority_station).
      type: str
      sample: eu-de-01
    dr_availability_zone:
      description: 'Zone of the current DR site.'
      type: str
      sample: eu-de-02
    attachment:
      description: The replication pairs attached to the instance, one per disk.
      type: list
      elements: dict
      sample: [{replication: 6568f7c4-0510-4f39-929d-8ffccbd4fd47, device: /dev/vda}]
    tags:
      description: Tags as a list of C(key)/C(value) pairs.
      type: list
      elements: dict
      sample: [{key: app, value: shop}]
    metadata:
      description: 'System metadata.'
      type: dict
      sample: {}
    created_at:
      description: 'Creation time (UTC).'
      type: str
      sample: "2018-11-06 09:27:52.258"
    updated_at:
      description: 'Last update time (UTC).'
      type: str
      sample: "2018-11-06 09:44:59.853"
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsInfoModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._protection import chunks, id_list_query, instance_view
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import NotFoundError, list_groups, list_instances, require_protection_group


class ProtectedInstanceInfo(SdrsInfoModule):
    module_options = dict(
        protection_group=dict(type="list", elements="str", aliases=["protection_groups"]),
        id=dict(type="list", elements="str", aliases=["ids"]),
        name=dict(type="str"),
        status=dict(type="str"),
        query_type=dict(type="str", choices=["general", "status_abnormal", "stop_protected", "period_no_dr_drill"]),
        availability_zone=dict(type="str"),
    )

    def gather(self):
        p = self.params
        groups = {}
        base = {key: p[key] for key in ("name", "status", "query_type", "availability_zone") if p[key]}
        if p["protection_group"]:
            for ref in p["protection_group"]:
                try:
                    group = require_protection_group(self.client, ref)
                except NotFoundError:
                    continue  # a group that does not exist has no instances
                groups[group["id"]] = group
            items = self.read(base, "server_group_ids", list(groups))
        elif p["id"]:
            items = self.read(base, "protected_instance_ids", unique(p["id"]))
        else:
            items = list_instances(self.client, base)
        ids = set(p["id"] or [])
        seen = set()
        selected = []
        for item in items:
            if item["id"] in seen or (p["name"] and item.get("name") != p["name"]) or (ids and item["id"] not in ids):
                continue
            seen.add(item["id"])
            selected.append(item)
        if any(item["server_group_id"] not in groups for item in selected):
            groups.update((g["id"], g) for g in list_groups(self.client))
        return {"protected_instances": [instance_view(i, groups.get(i["server_group_id"])) for i in selected]}

    def read(self, base, key, values):
        """The list filtered by an id list, 30 ids per request (SDRS.0226)."""
        if not values:
            return []
        items = []
        for chunk in chunks(values):
            items.extend(list_instances(self.client, dict(base, **{key: id_list_query(chunk)})))
        return items


def unique(values):
    return list(dict.fromkeys(values))


def main():
    ProtectedInstanceInfo.execute()


if __name__ == "__main__":
    main()
