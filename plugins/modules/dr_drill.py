#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dr_drill
short_description: Create or delete a DR drill of an SDRS protection group
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Creates or deletes a disaster recovery drill of a protection group of the Storage Disaster Recovery
    Service (SDRS).
  - A drill creates drill servers from the DR-site data in a separate drill VPC. Production servers,
    replication and the group's production site are not touched, so drills can run on a schedule.
  - A drill is identified by its O(name) within O(protection_group).
options:
  protection_group:
    description:
      - The protection group, by id or by exact name.
    type: str
    required: true
  name:
    description:
      - The name of the drill within the group (at most 64 bytes).
    type: str
    required: true
  drill_vpc_id:
    description:
      - The VPC to run the drill servers in. It must not be the VPC of the protection group and needs
        subnets like the production ones.
      - Leave it out to let SDRS create a drill VPC. SDRS keeps that VPC when the drill is deleted.
      - A drill's VPC cannot be changed; for an existing drill in another VPC the task fails and asks you to
        delete it first.
    type: str
  state:
    description:
      - V(present) creates the drill when the group has no drill of that name, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  timeout:
    default: 1200
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
  - cloud_dr.sdrs.wait
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Sends only reads and returns the predicted drill (without ids of servers not created yet).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - Before and after of the returned RV(dr_drill).
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details:
      - An existing drill of that name is kept; a drill being created or deleted is waited on, not requested again
        (with O(wait=false) the task leaves it alone and warns).
notes:
  - SDRS allows a drill when the group is C(available), C(protected), C(failed-over) or in one of the
    C(error-starting), C(error-stopping), C(error-reversing), C(error-failing-over) or
    C(error-reprotecting) states. The module checks this and the drill VPC before it sends a request.
  - Drill servers run Cloud-Init or Cloudbase-Init on their first boot like the DR servers of a first
    failover, which may change their login password or key pair.
seealso:
  - module: cloud_dr.sdrs.dr_drill_info
  - module: cloud_dr.sdrs.failover
"""

EXAMPLES = r"""
- name: Run this quarter's DR drill of the ERP group
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Create the drill in the isolated drill VPC
      cloud_dr.sdrs.dr_drill:
        protection_group: erp-prod
        name: drill-2024-q3
        drill_vpc_id: 3b9a5a3c-64c3-4d4c-a6a2-1bd44f5df1b4
      register: drill

    - name: Show the drill servers to test
      ansible.builtin.debug:
        msg: "{{ drill.dr_drill.drill_servers | map(attribute='drill_server_id') | list }}"

    - name: Remove the drill when the tests are done
      cloud_dr.sdrs.dr_drill:
        protection_group: erp-prod
        name: drill-2024-q3
        state: absent
"""

RETURN = r"""
dr_drill:
  description:
    - The drill as the API returns it (predicted in check mode). Empty after V(absent).
  returned: success
  type: dict
  contains:
    id:
      description: The drill id.
      type: str
      sample: 4a4fd0a5-6a8f-4b79-a4cc-b0a8a8e8ab33
    name:
      description: The drill name.
      type: str
      sample: drill-2024-q3
    status:
      description: C(available) when the drill servers exist, C(creating), C(deleting) or C(error).
      type: str
      sample: available
    server_group_id:
      description: The protection group of the drill.
      type: str
      sample: decf224d-87fe-403a-8721-037a1a45c287
    drill_vpc_id:
      description: The VPC the drill servers run in.
      type: str
      sample: 3b9a5a3c-64c3-4d4c-a6a2-1bd44f5df1b4
    drill_servers:
      description: One entry per protected instance with the server SDRS created for the drill.
      type: list
      elements: dict
      sample:
        - protected_instance: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
          drill_server_id: 9f1b9c0c-0e4e-4a84-9a53-6d4ad34a0a7e
    created_at:
      description: When the drill was created.
      type: str
      sample: "2018-07-18 06:41:58.681"
    updated_at:
      description: When the drill last changed.
      type: str
      sample: "2018-07-18 06:43:12.002"
actions:
  description: What the task did (under check mode, what it would do).
  returned: always
  type: list
  elements: str
  sample: ["create DR drill 'drill-2024-q3' of protection group 'erp-prod'"]
jobs:
  description: The SDRS jobs of the task, each with the seconds the task waited for it.
  returned: always
  type: list
  elements: dict
  sample:
    - job_id: ff8080826b45d4a5016b5036242c0025
      job_type: createDisasterRecoveryDrill
      status: SUCCESS
      duration: 12.1
      what: create DR drill 'drill-2024-q3' of protection group 'erp-prod'
job_id:
  description: The id of the last job.
  returned: when a job was started
  type: str
  sample: ff8080826b45d4a5016b5036242c0025
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._failover import advice_for, unusable_refusal
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import (
    DRILL_FROM, DRILL_TRANSIENT, find_drill, get_drill, list_instances, lookup_protection_group,
    require_protection_group)


class DrDrill(SdrsModule):
    module_options = dict(
        protection_group=dict(type="str", required=True),
        name=dict(type="str", required=True),
        drill_vpc_id=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    default_timeout = 1200
    result_key = "dr_drill"
    kind = "DR drill"

    def __init__(self, module):
        super().__init__(module)
        self.predicted = None

    def validate(self):
        name = self.params["name"]
        if not name.strip() or len(name.encode("utf-8")) > 64:
            self.fail(f"name '{name}' is not a valid DR drill name: give 1 to 64 bytes.")

    def explain(self, exc):
        advice = advice_for(exc.code)
        return f"{exc} {advice}" if advice else str(exc)

    def present(self):
        group = require_protection_group(self.client, self.params["protection_group"])
        drill = self.settled(find_drill(self.client, group["id"], self.params["name"]))
        self.before = drill
        if drill is not None:
            self.check_existing(group, drill)
            return
        self.check_create(group)
        body = {"server_group_id": group["id"], "name": self.params["name"]}
        if self.params["drill_vpc_id"]:
            body["drill_vpc_id"] = self.params["drill_vpc_id"]
        text = f"create DR drill '{self.params['name']}' of protection group '{group['name']}'"

        def apply():
            response = self.client.post("sdrs", "/disaster-recovery-drills", body={"disaster_recovery_drill": body})
            job = self.run_job(response["job_id"], text)
            drill_id = (job.get("entities") or {}).get("disaster_recovery_drill_id")
            created = get_drill(self.client, drill_id) if drill_id else None
            return created or find_drill(self.client, group["id"], self.params["name"]) or self.predicted

        def find():  # the drill SDRS made (status error after a failed job, so the user sees what to delete)
            return find_drill(self.client, group["id"], self.params["name"])
        self.change(text, apply, self.predicted, refresh=find, recover=self.recovery(
            find, lambda d: d is not None, DRILL_TRANSIENT, get_drill, self.kind))

    def absent(self):
        group = lookup_protection_group(self.client, self.params["protection_group"])
        if group is None:
            return  # no group, no drill
        drill = self.settled(find_drill(self.client, group["id"], self.params["name"]))
        self.before = drill
        if drill is None or self.busy:
            return  # gone, or being created or deleted (with wait: false)
        text = f"delete DR drill '{drill['name']}' ({drill['id']}) of protection group '{group['name']}'"

        def apply():
            response = self.client.delete("sdrs", "/disaster-recovery-drills/{}", drill["id"], idempotent=False)
            job = self.run_job(response["job_id"], text)
            return get_drill(self.client, drill["id"]) if job.get("status") == "SUBMITTED" else None

        self.change(text, apply, None, refresh=lambda: get_drill(self.client, drill["id"]),
                    recover=self.delete_recovery(drill, DRILL_TRANSIENT, get_drill, self.kind))

    def settled(self, drill):
        """Wait out a drill being created or deleted rather than asking again."""
        return self.settle(drill, DRILL_TRANSIENT, get_drill, self.kind)

    def check_existing(self, group, drill):
        vpc = self.params["drill_vpc_id"]
        where = f"DR drill '{drill['name']}' ({drill['id']}) of protection group '{group['name']}'"
        if vpc and drill.get("drill_vpc_id") != vpc:
            self.fail(f"{where} exists in VPC {drill.get('drill_vpc_id')}, not {vpc}. The VPC of a drill cannot "
                      f"be changed: delete the drill (state: absent) and create it again.")
        if drill.get("status") == "deleting":
            self.fail(f"{where} is being deleted. Re-run with wait: true to wait for that and create it again.")
        if drill.get("status") == "error":
            self.fail(f"{where} is in status error (its creation failed). Delete it (state: absent) and "
                      f"create it again.")

    def check_create(self, group):
        where = f"Protection group '{group['name']}' ({group['id']})"
        if group["status"] not in DRILL_FROM:
            self.fail(f"{where} is {group['status']}: a DR drill can be created when it is "
                      f"{', '.join(sorted(DRILL_FROM))}. Wait for the running operation or fix the group first.")
        vpc = self.params["drill_vpc_id"]
        if vpc and vpc in (group.get("source_vpc_id"), group.get("target_vpc_id")):
            self.fail(f"drill_vpc_id {vpc} is the VPC of protection group '{group['name']}' ({group['id']}): "
                      f"a drill must run in another VPC so it "
                      f"cannot reach production. Give another VPC or leave drill_vpc_id out.")
        instances = list_instances(self.client, group_id=group["id"])
        refusal = unusable_refusal(group, instances, [])
        if refusal:
            self.fail(str(refusal))
        self.predicted = {
            "id": None, "name": self.params["name"], "status": "available", "server_group_id": group["id"],
            "drill_vpc_id": vpc, "created_at": None, "updated_at": None,
            "drill_servers": [{"protected_instance": i.get("id"), "drill_server_id": None} for i in instances],
        }


def main():
    DrDrill.execute()


if __name__ == "__main__":
    main()
