#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: protected_instance
short_description: Protect an ECS server with SDRS (create, rename, tag, delete protected instances)
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Manages a protected instance of the Storage Disaster Recovery Service (SDRS), that is one production ECS
    server in a protection group, for which SDRS creates a stopped DR server in the DR availability
    zone and one replication pair per disk.
  - The instance is found by O(id), or by its exact O(name) within O(protection_group). An O(id) that
    does not exist never creates an instance.
  - Before creating, the module checks the server (it exists in ECS, is in the group's production
    availability zone, is V(ACTIVE) or V(SHUTOFF), is in the group's VPC) and that no other protected
    instance uses it, and fails with a message naming the server and the group.
  - A server can be protected only once. When it is already protected by an instance with another name,
    the task fails and names that instance (SDRS would refuse with C(SDRS.1305)); nothing is created.
  - SDRS cannot change the server, the group or the description of an existing instance; a task that asks
    for another value fails and names the option, the current and the requested value. The name can be
    changed (O(id) with a new O(name)) and the tags are kept in sync.
  - When the instance is in a transient status (V(creating), V(deleting), V(resizing) ...) the module
    first waits until that operation ends, so re-running a task that timed out resumes.
options:
  state:
    description:
      - V(present) creates or updates the protected instance, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
  protection_group:
    description:
      - Name or ID of the protection group.
      - Required unless O(id) is set. With O(id), the instance must belong to this group.
    type: str
  name:
    description:
      - Name of the protected instance, 1 to 64 characters from letters, digits, V(.), V(_) and V(-).
      - Identifies the instance within O(protection_group) when O(id) is not set. With O(id), a different
        name renames the instance. Required to create one.
    type: str
  id:
    description:
      - ID of an existing protected instance. The task fails when no protected instance has this ID.
    type: str
  server:
    description:
      - Name or ID of the production ECS server to protect. Required to create the instance.
      - It must be in the availability zone of the group's current production site and in the group's VPC,
        and be V(ACTIVE) or V(SHUTOFF).
      - For an existing instance it is compared with the instance's servers (production or DR, so a task
        stays valid after a failover) and a different server fails the task.
    type: str
  description:
    description:
      - Description, at most 64 bytes, without V(<) and V(>). Set at creation only.
    type: str
  primary_subnet_id:
    description:
      - Subnet (network ID) of the primary NIC of the DR server. By default the subnet of the production
        server's primary NIC.
      - Used at creation only; SDRS does not report it, so a later change is not detected.
    type: str
  primary_ip_address:
    description:
      - IP address of the primary NIC of the DR server, in O(primary_subnet_id). By default SDRS assigns one.
      - Used at creation only, like O(primary_subnet_id).
    type: str
  dr_flavor:
    description:
      - Flavor ID of the DR server (for example V(s3.large.2)). By default the flavor of the production server.
      - Used at creation only; SDRS does not report it. To change the flavor of an existing DR server use
        M(cloud_dr.sdrs.protected_instance_resize).
    type: str
  tags:
    description:
      - Tags of the protected instance as a dictionary, at most 10. Keys have 1 to 36 characters, values at
        most 43; neither may contain V(*<>\\=,|/) or control characters.
      - Not set leaves the tags as they are. Values are compared as strings.
    type: dict
  purge_tags:
    description:
      - Remove tags that are not in O(tags). Only when O(tags) is set.
    type: bool
    default: true
  delete_target_server:
    description:
      - With O(state=absent), also delete the DR server. By default it is kept (stopped).
    type: bool
    default: false
  delete_target_eip:
    description:
      - With O(state=absent), also release the elastic IP of the DR server.
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait in all for the jobs of the task and for a transient status to end.
    type: int
    default: 1200
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
  - cloud_dr.sdrs.wait
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reads the group, the instance and (to create one) the server and the group's instances, checks
        every precondition and predicts the instance; sends no create, rename, tag or delete request.
      - The DR server of an instance to be created does not exist yet, so its ID is predicted as V(null).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff shows RV(protected_instance) before and after the task.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: partial
    details:
      - A re-run with the same options reads the group and the instance and reports C(changed=false).
      - O(primary_subnet_id), O(primary_ip_address) and O(dr_flavor) are not reported by SDRS, so a change of
        them after creation cannot be detected.
notes:
  - A new instance is V(available) in a group whose protection is disabled, and V(protected) in a protected
    group (replication starts at once). Enable protection of the group with M(cloud_dr.sdrs.protection_group)
    once all its instances exist.
  - With O(wait=false) the task returns once the job is submitted, with RV(job_id); a transient status is not
    waited for either (the task warns and changes nothing).
  - The protection group must exist, also in check mode. A check-mode run of a whole DR setup on an empty
    project therefore stops at the first instance, since the group task before it only predicted the group.
seealso:
  - module: cloud_dr.sdrs.protection_group
  - module: cloud_dr.sdrs.protected_instance_info
  - module: cloud_dr.sdrs.protected_instance_resize
"""

EXAMPLES = r"""
- name: Protect two servers, with the connection given once for the collection
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Protect the web servers in the web-tier group
      cloud_dr.sdrs.protected_instance:
        protection_group: web-tier
        name: "{{ item }}"
        server: "{{ item }}"
        tags:
          app: shop
          tier: web
      loop: [web-01, web-02]

    - name: Protect the database with a larger DR server on a fixed IP
      cloud_dr.sdrs.protected_instance:
        protection_group: web-tier
        name: db-01
        server: db-01
        dr_flavor: c4.2xlarge.2
        primary_subnet_id: 0f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b
        primary_ip_address: 192.168.2.50

- name: Rename a protected instance
  cloud_dr.sdrs.protected_instance:
    cloud: otc-dr
    id: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
    name: web-01-prod

- name: Stop protecting a server and delete its DR server
  cloud_dr.sdrs.protected_instance:
    cloud: otc-dr
    protection_group: web-tier
    name: web-02
    state: absent
    delete_target_server: true
"""

RETURN = r"""
protected_instance:
  description:
    - The protected instance after the task (predicted in check mode) as the SDRS API returns it, plus its
      servers and zones by role; the same view is the diff's before and after. V(null) when it does not
      exist (any more).
  returned: always
  type: dict
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
      description: 'Status, for example C(available), C(protected), C(failed-over).'
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
      description: The current production site of the group, C(source) or C(target).
      type: str
      sample: source
    production_server_id:
      description:
        - ID of the server at the current production site, the zone the group's current C(priority_station) names
          (RV(protected_instance.production_availability_zone)).
        - SDRS reports that server as C(source_server) and swaps C(source_server) and C(target_server) after a
          failover or planned failover, so this is always the server that runs production now.
      type: str
      sample: 5fb92d6c-b0cb-46c9-824b-b90ec5500ae6
    dr_server_id:
      description: ID of the server at the current DR site (C(target_server)).
      type: str
      sample: c6c0ff54-fa1f-43ef-9ccc-1774e40c8745
    production_availability_zone:
      description: Zone of the current production site, derived from the group's AZs and C(priority_station).
      type: str
      sample: eu-de-01
    dr_availability_zone:
      description: Zone of the current DR site.
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
actions:
  description: What the task did, in order (in check mode, what it would do).
  returned: always
  type: list
  elements: str
  sample: ["protect server 'web-01' as protected instance 'web-01' in protection group 'web-tier'"]
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
      sample: ff8080826adfae02016ae2d123fc05ed
    job_type:
      description: 'Job type.'
      type: str
      sample: createProtectedInstanceNoCG
    status:
      description: 'C(SUCCESS), or C(SUBMITTED) when the task did not wait.'
      type: str
      sample: SUCCESS
    what:
      description: 'What the job does, in words.'
      type: str
      sample: delete protected instance 'web-02'
    duration:
      description: 'Seconds the task waited for the job.'
      type: float
      sample: 61.4
    begin_time:
      description: 'When the job began (UTC).'
      type: str
      sample: "2018-04-19T01:55:30.443Z"
    end_time:
      description: 'When the job ended (UTC).'
      type: str
      sample: "2018-04-19T01:56:31.820Z"
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
      sample: {protected_instance_id: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff}
job_id:
  description: ID of the last job the task started.
  returned: when the task started a job
  type: str
  sample: ff8080826adfae02016ae2d123fc05ed
"""

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import ApiError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._protection import (
    ProtectionError, apply_tags, description_problem, ip_problem, immutable_message, instance_differences,
    instance_view, name_problem, normalise_tags, plan_tags, protecting_instance, server_problem,
    tag_problems)
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import (
    GROUP_TRANSIENT, INSTANCE_TRANSIENT, NotFoundError, find_protected_instance, get_protected_instance,
    get_protection_group, list_instances, require_protection_group)
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._ecs import find_server

CREATE_FROM = ("available", "protected")

ADVICE = {
    "SDRS.1303": "The server must be in the availability zone of the group's current production site.",
    "SDRS.1304": "The server must be in the VPC of the protection group.",
    "SDRS.1305": "The server is already protected: find its instance with cloud_dr.sdrs.protected_instance_info.",
    "SDRS.1323": "Protected instances can be added only while the group is available or protected.",
    "SDRS.1324": "The group is busy with another operation: re-run the task once it has ended.",
    "SDRS.1301": "Its status does not allow deletion now: re-run the task once the running operation has ended.",
    "SDRS.1333": "The server must be ACTIVE or SHUTOFF.",
    "SDRS.1339": "The server has no system disk attached.",
    "SDRS.1353": "SDRS does not support that DR flavor: choose another dr_flavor.",
    "SDRS.1356": "SDRS does not support the flavor of the production server (GPU, FPGA, DeH ... flavors).",
    "SDRS.1802": "SDRS cannot replicate encrypted disks.",
    "SDRS.1806": "Detach the shared disks of the server first; protect them with replication pairs afterwards.",
    "SDRS.2221": "Tags can be changed only when the instance is in a normal status: re-run once it is.",
    "SDRS.2222": "Tags can be changed only when the instance is in a normal status: re-run once it is.",
}


class ProtectedInstance(SdrsModule):
    module_options = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        protection_group=dict(type="str"),
        name=dict(type="str"),
        id=dict(type="str"),
        server=dict(type="str"),
        description=dict(type="str"),
        primary_subnet_id=dict(type="str"),
        primary_ip_address=dict(type="str"),
        dr_flavor=dict(type="str"),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=True),
        delete_target_server=dict(type="bool", default=False),
        delete_target_eip=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_one_of=[("name", "id")], required_by={"primary_ip_address": "primary_subnet_id"})
    default_timeout = 1200
    result_key = "protected_instance"
    kind = "Protected instance"

    def __init__(self, module):
        super().__init__(module)
        self.tags = normalise_tags(self.params["tags"])
        self.group = None
        self.adopted = False  # the instance was created by a run racing this one

    def validate(self):
        p = self.params
        problems = [name_problem("name", p["name"]), description_problem("description", p["description"]),
                    ip_problem("primary_ip_address", p["primary_ip_address"])]
        problems += tag_problems(self.tags)
        problems = [problem for problem in problems if problem]
        if problems:
            self.fail(" ".join(problems))
        if not p["id"] and not p["protection_group"]:
            self.fail("name identifies a protected instance within its protection group: set protection_group "
                      "(or give the instance's id).")

    def explain(self, exc):
        advice = ADVICE.get(exc.code or "")
        return f"{exc} {advice}" if advice else str(exc)

    # -- lookup -------------------------------------------------------------------------------
    def lookup(self):
        """(group, instance): the instance by id or by name within the group; ``None`` for what is missing."""
        p = self.params
        group = None
        if p["protection_group"]:
            try:
                group = require_protection_group(self.client, p["protection_group"])
            except NotFoundError:
                if p["state"] == "present" and not self.check_mode:
                    raise
                # In check mode a missing group may be created by an earlier task of the same
                # run (a whole DR setup under --check): present() predicts the creation.
                return None, None
        if p["id"]:
            instance = get_protected_instance(self.client, p["id"])
            if instance is None:
                if p["state"] == "present":
                    self.fail(f"No protected instance has the id '{p['id']}'. An id never creates an instance: leave "
                              "out id and give protection_group, name and server to create one.")
                return group, None
            if group is None:
                group = get_protection_group(self.client, instance["server_group_id"])
            return group, instance
        return group, find_protected_instance(self.client, name=p["name"], group_id=group["id"])

    def settled(self, instance):
        return self.settle(instance, INSTANCE_TRANSIENT, get_protected_instance, self.kind)

    def view(self, instance):
        return instance_view(instance, self.group)

    # -- verbs --------------------------------------------------------------------------------
    def present(self):
        self.group, found = self.lookup()
        if self.group is None:  # check mode only: see lookup()
            self.predict_in_missing_group()
            return
        self.before = self.after = self.view(found)
        instance = self.settled(found)
        if self.busy:
            return
        if instance is None:
            if self.params["id"]:
                self.fail(f"Protected instance '{self.params['id']}' was deleted while the task waited for it.")
            self.before = self.after = None
            self.create()
            return
        self.before = self.after = self.view(instance)
        self.update(instance)

    def predict_in_missing_group(self):
        p = self.params
        self.module.warn(f"Protection group '{p['protection_group']}' does not exist (yet): check mode predicts that "
                         f"protected instance '{p['name']}' would be created once an earlier task creates the group.")
        predicted = {"id": None, "name": p["name"], "description": p["description"], "server_group_id": None,
                     "status": "available", "source_server": p["server"], "target_server": None,
                     "tags": [{"key": k, "value": v} for k, v in sorted((normalise_tags(p["tags"]) or {}).items())],
                     "attachment": []}
        self.change(f"create protected instance '{p['name']}' in protection group '{p['protection_group']}'",
                    lambda: None, instance_view(predicted))

    def create(self):
        p = self.params
        if not p["server"]:
            self.fail(f"Protected instance '{p['name']}' does not exist in protection group '{self.group['name']}'; "
                      "to create it set server (name or ID of the production server).")
        group = self.settle(self.group, GROUP_TRANSIENT, get_protection_group, "Protection group")
        if self.busy:
            return
        if group is None:
            self.fail(f"Protection group '{self.group['name']}' was deleted while the task waited for it.")
        self.group = group
        where = f"protection group '{group['name']}'"
        if group["status"] not in CREATE_FROM:
            raise ProtectionError(f"{where[0].upper()}{where[1:]} is {group['status']}: SDRS adds protected "
                                  "instances only to a group that is available or protected.")
        server = find_server(self.client, p["server"], group)
        if server is None:
            raise NotFoundError(f"Server '{p['server']}' does not exist (looked up by id and by name in ECS); it was "
                                f"to be protected in {where}: check server.")
        problem = server_problem(server, group)
        if problem:
            raise ProtectionError(problem)
        if self.adopt_racing(server):
            return
        body = {"server_group_id": group["id"], "server_id": server["id"], "name": p["name"]}
        for option, key in (("description", "description"), ("primary_subnet_id", "primary_subnet_id"),
                            ("primary_ip_address", "primary_ip_address"), ("dr_flavor", "flavorRef")):
            if p[option]:
                body[key] = p[option]
        if self.tags:
            body["tags"] = [{"key": k, "value": v} for k, v in sorted(self.tags.items())]
        predicted = {
            "id": None, "name": p["name"], "description": p["description"], "server_group_id": group["id"],
            "status": "protected" if group["status"] == "protected" else "available",
            "source_server": server["id"], "target_server": None, "priority_station": group["priority_station"],
            "attachment": [], "tags": body.get("tags", []), "metadata": {},
        }
        what = f"protect server '{server['name']}' as protected instance '{p['name']}' in {where}"

        def apply():
            try:
                response = self.client.post("sdrs", "/protected-instances", body={"protected_instance": body})
            except ApiError as exc:
                # SDRS.1305: another run protected the server since the check above (a lost race).
                if exc.code == "SDRS.1305" and self.adopt_racing(server):
                    return self.after
                raise
            job = self.run_job(response["job_id"], what)
            instance_id = (job.get("entities") or {}).get("protected_instance_id")
            instance = get_protected_instance(self.client, instance_id) if instance_id else None
            return self.view(instance or self.protecting(server))

        def find():  # the instance that uses the server: after a lost answer, the one this task created
            return self.protecting(server)
        self.change(what, apply, self.view(predicted), confirm=lambda _after: not self.adopted,
                    refresh=lambda: self.view(find()), recover=self.recovery(
                        find, lambda pi: pi is not None, INSTANCE_TRANSIENT, get_protected_instance, self.kind,
                        self.view))

    def protecting(self, server):
        """The protected instance of the task's group that uses the server."""
        return protecting_instance(list_instances(self.client, group_id=self.group["id"]), server["id"])

    def adopt_racing(self, server):
        """True when the server is protected already by an instance of the task's name in the task's
        group (created by a run racing this one): adopt it instead of creating a second one. Fail when
        it is protected by another instance: a server can be protected only once (SDRS.1305)."""
        existing = protecting_instance(list_instances(self.client), server["id"])
        if existing is None:
            return False
        p = self.params
        if existing.get("server_group_id") != self.group["id"] or existing.get("name") != p["name"]:
            raise ProtectionError(
                f"Server '{server['name']}' ({server['id']}) is already protected by protected instance "
                f"'{existing['name']}' ({existing['id']}) of protection group {existing['server_group_id']}; a "
                f"server can be protected only once (SDRS.1305), so '{p['name']}' was not created. Use that "
                "instance's name (or id) in the task, or delete it first.")
        self.module.warn(f"Protected instance '{p['name']}' ({existing['id']}) of server '{server['name']}' was "
                         "created by another run at the same time: this task adopted it instead of creating another.")
        self.adopted = True
        self.after = self.view(self.adopt(existing, INSTANCE_TRANSIENT, get_protected_instance, self.kind))
        return True

    def update(self, instance):
        p = self.params
        server_id = self.server_id(instance)
        wanted_group = self.group if p["protection_group"] else None
        diffs = instance_differences(instance, p, server_id, wanted_group)
        if diffs:
            self.fail(immutable_message("Protected instance", instance, diffs, "state: absent"))
        if instance["status"] in ("error", "invalid"):
            self.module.warn(f"Protected instance '{instance['name']}' is {instance['status']}: "
                             + ("its creation failed" if instance["status"] == "error" else
                                "one of its servers was deleted outside SDRS")
                             + ". Delete it (state: absent) and create it again.")
        current = dict(instance)
        if p["id"] and p["name"] and p["name"] != instance["name"]:
            current["name"] = p["name"]
            self.change(f"rename protected instance '{instance['name']}' to '{p['name']}'",
                        lambda: self.client.put("sdrs", "/protected-instances/{}", instance["id"],
                                                body={"protected_instance": {"name": p["name"]}}),
                        self.view(current))
        to_set, to_delete = plan_tags(instance.get("tags"), self.tags, p["purge_tags"])
        if to_delete:
            current["tags"] = apply_tags(current.get("tags"), [], to_delete)
            self.change(self.tag_text("remove", to_delete, current), self.tag_action(instance, "delete", to_delete),
                        self.view(current))
        if to_set:
            current["tags"] = apply_tags(current.get("tags"), to_set, [])
            self.change(self.tag_text("set", to_set, current), self.tag_action(instance, "create", to_set),
                        self.view(current))
        if self.changed and not self.check_mode:
            self.after = self.view(get_protected_instance(self.client, instance["id"]))

    def tag_action(self, instance, action, tags):
        def apply():
            self.client.post("sdrs", "/protected-instances/{}/tags/action", instance["id"],
                             body={"action": action, "tags": tags}, idempotent=True)  # same tags twice: same effect
        return apply

    @staticmethod
    def tag_text(verb, tags, instance):
        keys = ", ".join(tag["key"] for tag in tags)
        return f"{verb} tags {keys} of protected instance '{instance['name']}'"

    def server_id(self, instance):
        """The id of the server the task names (resolved in ECS only when it is not one of the instance's)."""
        ref = self.params["server"]
        if ref is None or ref in (instance.get("source_server"), instance.get("target_server")):
            return ref
        server = find_server(self.client, ref, self.group or {}, instance)
        return server["id"] if server else ref

    def absent(self):
        self.group, found = self.lookup()
        self.before = self.after = self.view(found)
        instance = self.settled(found)
        if instance is None or self.busy:
            self.after = None if instance is None else self.after
            return
        self.before = self.after = self.view(instance)
        if self.group is not None:
            group = self.settle(self.group, GROUP_TRANSIENT, get_protection_group, "Protection group")
            if self.busy:
                return
            self.group = group or self.group
        p = self.params
        what = f"delete protected instance '{instance['name']}'"
        if p["delete_target_server"]:
            what += " and its DR server"

        def apply():
            body = {"delete_target_server": p["delete_target_server"], "delete_target_eip": p["delete_target_eip"]}
            response = self.client.delete("sdrs", "/protected-instances/{}", instance["id"], body=body,
                                          idempotent=False)
            self.run_job(response["job_id"], what)
            return None

        self.change(what, apply, None, refresh=lambda: self.view(get_protected_instance(self.client, instance["id"])),
                    recover=self.delete_recovery(instance, INSTANCE_TRANSIENT, get_protected_instance, self.kind))


def main():
    ProtectedInstance.execute()


if __name__ == "__main__":
    main()
