#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dr_drill_info
short_description: Read the DR drills of SDRS protection groups
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Lists the disaster recovery drills of the Storage Disaster Recovery Service (SDRS) in the project,
    of one protection group, by exact name or by id, with their drill servers.
options:
  protection_group:
    description:
      - Only the drills of this protection group, by id or by exact name.
      - A group that does not exist has no drills (an empty list, not a failure).
    type: str
  name:
    description:
      - Only the drills with exactly this name.
    type: str
  id:
    description:
      - Only the drill with this id.
    type: str
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Read-only; runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details:
      - Nothing changes, so there is no diff.
seealso:
  - module: cloud_dr.sdrs.dr_drill
"""

EXAMPLES = r"""
- name: Read the drills of a protection group
  cloud_dr.sdrs.dr_drill_info:
    cloud: otc-dr
    protection_group: erp-prod
  register: drills

- name: Fail when a drill was left behind in error
  ansible.builtin.assert:
    that: drills.dr_drills | selectattr('status', 'equalto', 'error') | list | length == 0

- name: Read one drill by name
  cloud_dr.sdrs.dr_drill_info:
    cloud: otc-dr
    protection_group: erp-prod
    name: drill-2024-q3
"""

RETURN = r"""
dr_drills:
  description: The matching drills as the API returns them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The drill id.
      type: str
    name:
      description: The drill name.
      type: str
    status:
      description: C(creating), C(available), C(deleting), C(error) or C(error-deleting).
      type: str
    server_group_id:
      description: The protection group of the drill.
      type: str
    drill_vpc_id:
      description: The VPC the drill servers run in.
      type: str
    drill_servers:
      description: One entry per protected instance with the server SDRS created for the drill.
      type: list
      elements: dict
    created_at:
      description: When the drill was created.
      type: str
    updated_at:
      description: When the drill last changed.
      type: str
  sample:
    - id: 4a4fd0a5-6a8f-4b79-a4cc-b0a8a8e8ab33
      name: drill-2024-q3
      status: available
      server_group_id: decf224d-87fe-403a-8721-037a1a45c287
      drill_vpc_id: 3b9a5a3c-64c3-4d4c-a6a2-1bd44f5df1b4
      drill_servers:
        - protected_instance: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
          drill_server_id: 9f1b9c0c-0e4e-4a84-9a53-6d4ad34a0a7e
      created_at: "2018-07-18 06:41:58.681"
      updated_at: "2018-07-18 06:43:12.002"
actions:
  description: Always empty; the module changes nothing.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsInfoModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import get_drill, list_drills, lookup_protection_group


class DrDrillInfo(SdrsInfoModule):
    module_options = dict(
        protection_group=dict(type="str"),
        name=dict(type="str"),
        id=dict(type="str"),
    )

    def gather(self):
        group_id = None
        ref = self.params["protection_group"]
        if ref:
            group = lookup_protection_group(self.client, ref)
            if group is None:
                return {"dr_drills": []}
            group_id = group["id"]
        if self.params["id"]:
            drill = get_drill(self.client, self.params["id"])
            drills = [drill] if drill else []
            if group_id:
                drills = [d for d in drills if d.get("server_group_id") == group_id]
            if self.params["name"]:
                drills = [d for d in drills if d.get("name") == self.params["name"]]
            return {"dr_drills": drills}
        return {"dr_drills": list_drills(self.client, group_id=group_id, name=self.params["name"])}


def main():
    DrDrillInfo.execute()


if __name__ == "__main__":
    main()
