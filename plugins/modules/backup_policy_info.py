#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_policy_info
short_description: List VBS backup policies, or read one by name or ID
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Returns the backup policies of the Volume Backup Service (VBS v2) in the project, or the one
    with a given O(name) or O(id), in the same view as M(cloud_dr.sdrs.backup_policy) returns.
  - VBS has no endpoint to read one policy, so the module lists them all and filters; the tags of
    each returned policy are read with one more request per policy.
options:
  name:
    description:
      - Return only the policy with exactly this name (an empty list when there is none).
      - Mutually exclusive with O(id).
    type: str
  id:
    description:
      - Return only the policy with this ID (an empty list when there is none).
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
notes:
  - The API tells how many volumes a policy covers (RV(backup_policies[].volume_count)) but not
    which ones.
seealso:
  - module: cloud_dr.sdrs.backup_policy
"""

EXAMPLES = r"""
- name: List every backup policy of the project
  cloud_dr.sdrs.backup_policy_info:
    cloud: otc-dr
  register: policies

- name: Show the names and how many volumes each covers
  ansible.builtin.debug:
    msg: "{{ policies.backup_policies | items2dict(key_name='name', value_name='volume_count') }}"

- name: Read one policy, with the group's connection defaults
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Read the nightly policy
      cloud_dr.sdrs.backup_policy_info:
        name: nightly
      register: nightly

    - name: Fail when it is paused
      ansible.builtin.assert:
        that:
          - nightly.backup_policies | length == 1
          - nightly.backup_policies[0].enabled
"""

RETURN = r"""
backup_policies:
  description:
    - The policies, in the order the API lists them; each in the view that
      M(cloud_dr.sdrs.backup_policy) returns as C(backup_policy).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Policy ID.
      type: str
      sample: af8a20b0-117d-4fc3-ae53-aa3968a4f870
    name:
      description: Policy name.
      type: str
      sample: nightly
    start_times:
      description: Start times in UTC, in ascending order of local time.
      type: list
      elements: str
      sample: ["01:00"]
    frequency:
      description: Days between backups; V(null) when the policy uses week days.
      type: int
      sample: 1
    week_days:
      description: Days of the week, Monday first; V(null) when the policy uses a frequency.
      type: list
      elements: str
      sample: null
    retention_count:
      description: Number of backups kept; V(null) when the policy keeps backups by days.
      type: int
      sample: 7
    retention_days:
      description: Days backups are kept; V(null) when the policy keeps a number of backups.
      type: int
      sample: null
    keep_first_backup_of_month:
      description: Whether the first backup of each month is kept beyond the retention rule.
      type: bool
      sample: false
    enabled:
      description: Whether the schedule runs (API status C(ON)).
      type: bool
      sample: true
    time_zone:
      description: The policy's time zone, V(null) when none is set.
      type: str
      sample: null
    tags:
      description: Tags of the policy.
      type: dict
      sample: {team: dr}
    volume_count:
      description: Number of volumes associated with the policy (the API does not list their IDs).
      type: int
      sample: 2
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsInfoModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._vbs import get_tags, list_policies, policy_view


class BackupPolicyInfo(SdrsInfoModule):
    module_options = dict(
        name=dict(type="str"),
        id=dict(type="str"),
    )
    module_kwargs = dict(mutually_exclusive=[("name", "id")])

    def gather(self) -> dict:
        name, policy_id = self.params["name"], self.params["id"]
        items = [item for item in list_policies(self.client)
                 if (policy_id is None or item.get("backup_policy_id") == policy_id)
                 and (name is None or item.get("backup_policy_name") == name)]
        return {"backup_policies": [policy_view(item, get_tags(self.client, item["backup_policy_id"]))
                                    for item in items]}


def main() -> None:
    BackupPolicyInfo.execute()


if __name__ == "__main__":
    main()
