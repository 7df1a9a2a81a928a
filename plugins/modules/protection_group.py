#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: protection_group
short_description: Create, rename, protect and delete SDRS protection groups
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Manages a protection group of the Storage Disaster Recovery Service (SDRS), the container that
    pairs a production availability zone with a DR availability zone of an active-active domain, and
    holds the protected instances whose disks SDRS replicates.
  - Creates the group when it does not exist, renames it (O(id) with a new O(name)), enables or
    disables its protection (O(protection)), and deletes it when it is empty.
  - A group is found by O(id), or by its exact O(name) (the API filters names by substring, so the
    module compares the names itself). Two groups with the same name make the task fail and ask for
    the id; an O(id) that does not exist never creates a group.
  - SDRS allows duplicate names, so two runs that create the same group at the same moment create two.
    After creating a group (with O(wait=true)) the module lists the groups of that name; every run keeps
    the oldest, and a run whose own group lost deletes it and returns the oldest instead.
  - SDRS cannot change the availability zones, the VPC, the domain, the description or the DR type of
    a group after creation. When the task asks for another value, the task fails and names the option,
    the current and the requested value; nothing is changed.
  - When the group is in a transient status (V(creating), V(starting), V(stopping), V(deleting) ...)
    the module first waits until that operation ends and decides afterwards, so re-running a task that
    timed out resumes instead of failing or starting a second operation.
options:
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  name:
    description:
      - Name of the protection group, 1 to 64 characters from letters, digits, V(.), V(_) and V(-).
      - Identifies the group when O(id) is not set. With O(id), a different name renames the group.
      - Required to create a group.
    type: str
  id:
    description:
      - ID of an existing protection group. The task fails when no group has this ID.
    type: str
  description:
    description:
      - Description of the group, at most 64 bytes, without V(<) and V(>).
      - Set at creation only; SDRS cannot change it later.
    type: str
  source_availability_zone:
    description:
      - Availability zone of the production site, for example V(eu-de-01).
      - Required to create a group; cannot be changed later.
      - This is the zone as configured at creation; it stays the same after a failover (the current
        production site is the group's RV(protection_group.priority_station)).
    type: str
  target_availability_zone:
    description:
      - Availability zone of the DR site, for example V(eu-de-02).
      - Required to create a group; cannot be changed later.
    type: str
  domain:
    description:
      - ID or name of the active-active domain that joins the two availability zones (see
        M(cloud_dr.sdrs.active_domain_info)).
      - When not set at creation, the module takes the one domain that joins O(source_availability_zone)
        and O(target_availability_zone).
      - Cannot be changed later.
    type: str
  source_vpc_id:
    description:
      - ID of the VPC of the production servers. The DR servers are created in the same VPC.
      - Required to create a group; cannot be changed later.
    type: str
  dr_type:
    description:
      - Deployment model of the DR site. SDRS offers V(migration) only.
    type: str
    default: migration
    choices: [migration]
  protection:
    description:
      - V(enabled) starts protection (data replication); V(disabled) stops it. Not set leaves it as it is.
      - Enabling needs replication pairs, so add protected instances (M(cloud_dr.sdrs.protected_instance))
        first; the task fails before any request when the group has none.
      - On a group that is V(failed-over) (or V(error-reprotecting)), V(enabled) re-protects it. Protection
        starts again, replicating from the current production site (the former DR site) to the other one.
        The servers at the new DR site must be stopped.
      - A V(failed-over) group counts as V(disabled), since its replication is stopped.
      - With O(state=absent), a group whose protection is still enabled has it disabled before deletion.
    type: str
    choices: [enabled, disabled]
  timeout:
    description:
      - Seconds to wait in all for the jobs of the task and for a transient status to end.
    type: int
    default: 600
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
  - cloud_dr.sdrs.wait
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reads the group (and, to create one, the active-active domains), checks every precondition and
        predicts the group; sends no create, rename, enable, disable or delete request.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff shows RV(protection_group) before and after the task.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details:
      - A re-run with the same options reads the group once (one list or show request) and reports
        C(changed=false).
notes:
  - With O(wait=false) the task returns once the job is submitted, with RV(job_id); RV(protection_group)
    is then the group as the API shows it right after the request (for example V(creating)). Follow the
    job with M(cloud_dr.sdrs.job_info). A group in a transient status is not waited for either; the task
    warns and changes nothing.
  - Deleting a group that still has protected instances, replication pairs or DR drills fails and lists
    them by name and ID; the module never deletes children on its own.
seealso:
  - module: cloud_dr.sdrs.protection_group_info
  - module: cloud_dr.sdrs.active_domain_info
  - module: cloud_dr.sdrs.protected_instance
  - module: cloud_dr.sdrs.failover
  - name: Creating a Protection Group (SDRS API reference)
    description: The create request and its fields.
    link: https://docs.otc.t-systems.com/storage-disaster-recovery-service/api-ref/
"""

EXAMPLES = r"""
- name: Set up DR for the web tier, with the connection given once for the whole collection
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Create the protection group (protection stays disabled until it has instances)
      cloud_dr.sdrs.protection_group:
        name: web-tier
        description: Web servers eu-de-01 to eu-de-02
        source_availability_zone: eu-de-01
        target_availability_zone: eu-de-02
        domain: ActiveactiveDomain
        source_vpc_id: 046852ef-c49d-409b-8389-546aaaa5701f
      register: group

    - name: Protect the web servers
      cloud_dr.sdrs.protected_instance:
        protection_group: web-tier
        name: "{{ item }}"
        server: "{{ item }}"
      loop: [web-01, web-02]

    - name: Enable protection (starts replication)
      cloud_dr.sdrs.protection_group:
        name: web-tier
        protection: enabled

- name: Rename a group
  cloud_dr.sdrs.protection_group:
    cloud: otc-dr
    id: decf224d-87fe-403a-8721-037a1a45c287
    name: web-tier-prod

- name: Re-protect a group after a failover (replication now runs from the DR site back)
  cloud_dr.sdrs.protection_group:
    cloud: otc-dr
    name: web-tier
    protection: enabled

- name: Start creating a group without waiting, then wait for its job
  cloud_dr.sdrs.protection_group:
    cloud: otc-dr
    name: db-tier
    source_availability_zone: eu-de-01
    target_availability_zone: eu-de-02
    source_vpc_id: 046852ef-c49d-409b-8389-546aaaa5701f
    wait: false
  register: created

- name: Wait for the creation job
  cloud_dr.sdrs.job_info:
    cloud: otc-dr
    job_id: "{{ created.job_id }}"
    wait: true

- name: Delete an empty group (protection is disabled first if needed)
  cloud_dr.sdrs.protection_group:
    cloud: otc-dr
    name: web-tier
    state: absent
"""

RETURN = r"""
protection_group:
  description:
    - The protection group after the task, as the SDRS API returns it (predicted in check mode); the same
      view is the diff's before and after. V(null) when the group does not exist (any more).
    - In check mode a group to be created has RV(protection_group.id) V(null).
  returned: always
  type: dict
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
      sample: Web servers eu-de-01 to eu-de-02
    status:
      description: Status, for example C(available) (protection disabled), C(protected), C(failed-over).
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
      description: The current production site, C(source) or C(target) (changes with failovers).
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
      description: 'VPC of the DR servers (the same VPC).'
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
actions:
  description: What the task did, in order (in check mode, what it would do).
  returned: always
  type: list
  elements: str
  sample: ["create protection group 'web-tier'", "enable protection of protection group 'web-tier'"]
jobs:
  description:
    - The SDRS jobs of the task with the seconds the task waited for each.
    - With O(wait=false) a job is C(SUBMITTED) and has only RV(jobs[].job_id), RV(jobs[].status) and RV(jobs[].what).
  returned: always
  type: list
  elements: dict
  contains:
    job_id:
      description: 'Job ID.'
      type: str
      sample: 0000000062db92d70162db9d200f000a
    job_type:
      description: 'Job type.'
      type: str
      sample: createProtectionGroupNoCG
    status:
      description: 'C(SUCCESS), or C(SUBMITTED) when the task did not wait.'
      type: str
      sample: SUCCESS
    what:
      description: 'What the job does, in words.'
      type: str
      sample: create protection group 'web-tier'
    duration:
      description: 'Seconds the task waited for the job.'
      type: float
      sample: 15.2
    begin_time:
      description: 'When the job began (UTC).'
      type: str
      sample: "2018-04-19T01:55:30.443Z"
    end_time:
      description: 'When the job ended (UTC).'
      type: str
      sample: "2018-04-19T01:55:45.493Z"
    error_code:
      description: 'Error code of a failed job.'
      type: str
      sample: null
    fail_reason:
      description: 'Why the job failed.'
      type: str
      sample: null
    entities:
      description: 'IDs the job reports.'
      type: dict
      sample: {server_group_id: decf224d-87fe-403a-8721-037a1a45c287}
job_id:
  description: ID of the last job the task started.
  returned: when the task started a job
  type: str
  sample: 0000000062db92d70162db9d200f000a
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._protection import (
    START, STOP, STOP_FROM, ProtectionError, blockers_message, description_problem, group_differences,
    group_view, immutable_message, list_blockers, list_domains, name_problem, no_pairs_message,
    plan_protection, resolve_domain)
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import (
    GROUP_TRANSIENT, exact_matches, find_protection_group, get_protection_group, list_groups, ranked)

CREATE_OPTIONS = ("name", "source_availability_zone", "target_availability_zone", "source_vpc_id")

ADVICE = {
    "SDRS.0203": "Check source_availability_zone and target_availability_zone with cloud_dr.sdrs.active_domain_info.",
    "SDRS.0204": "Check source_vpc_id: it must be a VPC of this project.",
    "SDRS.0205": "Check domain with cloud_dr.sdrs.active_domain_info.",
    "SDRS.0305": "The project's protection group quota is used up: delete unused groups or ask for more quota.",
    "SDRS.1001": "The group still has protected instances: delete them first (cloud_dr.sdrs.protected_instance).",
    "SDRS.1003": "The group still has DR drills: delete them first (cloud_dr.sdrs.dr_drill).",
    "SDRS.1010": "The group still has replication pairs: delete its protected instances first.",
}


class ProtectionGroup(SdrsModule):
    module_options = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str"),
        id=dict(type="str"),
        description=dict(type="str"),
        source_availability_zone=dict(type="str"),
        target_availability_zone=dict(type="str"),
        domain=dict(type="str"),
        source_vpc_id=dict(type="str"),
        dr_type=dict(type="str", default="migration", choices=["migration"]),
        protection=dict(type="str", choices=["enabled", "disabled"]),
    )
    module_kwargs = dict(required_one_of=[("name", "id")])
    default_timeout = 600
    result_key = "protection_group"
    kind = "Protection group"

    def __init__(self, module):
        super().__init__(module)
        self.pending = None  # the action body key being sent, for explain()
        self.pending_group = None

    def validate(self):
        p = self.params
        for problem in (name_problem("name", p["name"]), description_problem("description", p["description"])):
            if problem:
                self.fail(problem)
        source, target = p["source_availability_zone"], p["target_availability_zone"]
        if source and source == target:
            self.fail(f"source_availability_zone and target_availability_zone are both '{source}': "
                      "the DR site must be another availability zone of the active-active domain.")

    def explain(self, exc):
        if exc.code == "SDRS.1002" and self.pending == START and self.pending_group is not None:
            group = self.pending_group
            return (f"{exc} SDRS enables protection only for a group with replication pairs: add protected "
                    f"instances to protection group '{group['name']}' first (cloud_dr.sdrs.protected_instance), "
                    "and check that none of them is still being created or deleted.")
        advice = ADVICE.get(exc.code or "")
        return f"{exc} {advice}" if advice else str(exc)

    # -- lookup -------------------------------------------------------------------------------
    def lookup(self):
        if self.params["id"]:
            group = get_protection_group(self.client, self.params["id"])
            if group is None and self.params["state"] == "present":
                self.fail(f"No protection group has the id '{self.params['id']}'. An id never creates a group: "
                          "leave out id and give name (with the zones and VPC) to create one.")
            return group
        return find_protection_group(self.client, name=self.params["name"])

    def settled(self, group):
        return self.settle(group, GROUP_TRANSIENT, get_protection_group, self.kind)

    def namesakes(self, name):
        """The groups named exactly ``name`` that are not being deleted, oldest first."""
        return ranked([g for g in exact_matches(list_groups(self.client, {"name": name}), name)
                       if g.get("status") != "deleting"])

    def reread(self, group_id):
        return lambda: group_view(get_protection_group(self.client, group_id))

    # -- verbs --------------------------------------------------------------------------------
    def present(self):
        found = self.lookup()
        self.before = self.after = group_view(found)
        group = self.settled(found)
        if self.busy:
            return
        if group is None:
            if self.params["id"]:
                self.fail(f"Protection group '{self.params['id']}' was deleted while the task waited for it.")
            self.before = self.after = None
            self.create()
            return
        self.before = self.after = group_view(group)
        self.update(group)

    def create(self):
        p = self.params
        missing = [option for option in CREATE_OPTIONS if not p[option]]
        if missing:
            self.fail(f"Protection group '{p['name']}' does not exist; to create it set "
                      + ", ".join(missing) + ".")
        predicted = {
            "id": None, "name": p["name"], "description": p["description"], "status": "available",
            "source_availability_zone": p["source_availability_zone"],
            "target_availability_zone": p["target_availability_zone"], "priority_station": "source",
            "source_vpc_id": p["source_vpc_id"], "target_vpc_id": p["source_vpc_id"], "dr_type": p["dr_type"],
            "protected_instance_num": 0, "replication_num": 0, "disaster_recovery_drill_num": 0,
        }
        if p["protection"] == "enabled":
            raise ProtectionError(no_pairs_message(predicted) + " Create the group without protection first.")
        domain = resolve_domain(list_domains(self.client), p["domain"], p["source_availability_zone"],
                                p["target_availability_zone"])
        predicted.update(domain_id=domain["id"], domain_name=domain.get("name"))
        body = {key: predicted[key] for key in ("name", "source_availability_zone", "target_availability_zone",
                                                "domain_id", "source_vpc_id", "dr_type")}
        if p["description"]:
            body["description"] = p["description"]
        what = f"create protection group '{p['name']}'"

        def apply():
            response = self.client.post("sdrs", "/server-groups", body={"server_group": body})
            job = self.run_job(response["job_id"], what)
            group_id = (job.get("entities") or {}).get("server_group_id")
            group = get_protection_group(self.client, group_id) if group_id else None
            return group_view(group or find_protection_group(self.client, name=p["name"]))

        def newest():  # after a lost answer: the group this task created is the newest of its name
            namesakes = self.namesakes(p["name"])
            return namesakes[-1] if namesakes else None
        created = self.change(what, apply, predicted, refresh=lambda: group_view(newest()),
                              recover=self.recovery(newest, lambda g: g is not None, GROUP_TRANSIENT,
                                                    get_protection_group, self.kind, group_view))
        if created and created.get("id") and self.params["wait"] and not self.check_mode:
            self.after = group_view(self.keep_group(created))

    def keep_group(self, created):
        """Resolve a race with runs that created the same group (see keep_oldest)."""
        winner = self.keep_oldest(created, self.namesakes(created["name"]) or [created], self.kind,
                                  lambda: self.delete(created),
                                  recover=self.delete_recovery(created, GROUP_TRANSIENT, get_protection_group,
                                                               self.kind))
        return created if winner is created else self.settled(winner)

    def update(self, group):
        p = self.params
        diffs = group_differences(group, p)
        if diffs:
            self.fail(immutable_message("Protection group", group, diffs, "state: absent"))
        if group["status"] == "error" and not p["protection"]:
            self.module.warn(f"Protection group '{group['name']}' is in status error (its creation failed): "
                             "delete it (state: absent) and create it again.")
        if p["id"] and p["name"] and p["name"] != group["name"]:
            group = self.rename(group, p["name"])
        action, text, status = plan_protection(group, p["protection"])
        if action:
            self.act(group, action, text, status)

    def rename(self, group, name):
        def apply():
            return group_view(self.client.put("sdrs", "/server-groups/{}", group["id"],
                                              body={"server_group": {"name": name}})["server_group"])
        return self.change(f"rename protection group '{group['name']}' to '{name}'", apply, dict(group, name=name))

    def act(self, group, action, text, status):
        predicted = dict(group, status=status)
        if action == STOP:
            predicted.update(protected_status="stopped")
        elif action == START:
            predicted.update(protected_status="started")

        def apply():
            self.pending, self.pending_group = action, group
            response = self.client.post("sdrs", "/server-groups/{}/action", group["id"], body={action: {}})
            self.pending = None
            self.run_job(response["job_id"], text)
            return group_view(get_protection_group(self.client, group["id"]))
        fetch = self.reread(group["id"])
        return self.change(text, apply, predicted, refresh=fetch, recover=self.recovery(
            fetch, lambda g: g is not None and g["status"] != group["status"], GROUP_TRANSIENT,
            get_protection_group, self.kind, group_view))

    def absent(self):
        found = self.lookup()
        self.before = self.after = group_view(found)
        group = self.settled(found)
        if group is None or self.busy:
            self.after = None if group is None else self.after
            return
        self.before = self.after = group_view(group)
        message = blockers_message(group, list_blockers(self.client, group))
        if message:
            self.fail(message)
        if group["status"] in STOP_FROM:
            if not self.params["wait"]:
                self.fail(f"Protection group '{group['name']}' is {group['status']}: its protection must be disabled "
                          "(and the task wait for that) before it can be deleted. Re-run with wait: true, or set "
                          "protection: disabled first.")
            self.act(group, STOP, f"disable protection of protection group '{group['name']}'", "available")
        self.change(f"delete protection group '{group['name']}'", lambda: self.delete(group), None,
                    refresh=self.reread(group["id"]),
                    recover=self.delete_recovery(group, GROUP_TRANSIENT, get_protection_group, self.kind))

    def delete(self, group):
        """Delete the group and wait for the job; ``None``, the state afterwards."""
        response = self.client.delete("sdrs", "/server-groups/{}", group["id"], idempotent=False)
        self.run_job(response["job_id"], f"delete protection group '{group['name']}'")


def main():
    ProtectionGroup.execute()


if __name__ == "__main__":
    main()
