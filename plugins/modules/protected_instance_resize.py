#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: protected_instance_resize
short_description: Change the flavors of the production and DR servers of an SDRS protected instance
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Sets the ECS flavor of the production server, the DR server, or both, of a protected instance
    of the Storage Disaster Recovery Service (SDRS), and changes only what differs.
  - The SDRS API reports no flavor on a protected instance and refuses a resize to the current
    flavor, so the module reads the current flavors of both servers from ECS first, sends the
    resize only for the server(s) whose flavor differs, and reports C(changed=false) without any
    resize request when both are already as wanted.
  - Which server is production is decided from the protection group's current C(priority_station)
    and the availability zone of each server, so after a failover or switchover O(production_flavor)
    still addresses the server that runs production now.
  - Before the resize it checks, with a message for each, that the protection group is C(available)
    or C(protected), that the protected instance is C(available), C(protected) or C(error-resizing),
    that the servers to be resized are stopped, and that ECS allows each target flavor for that server.
  - With O(stop_servers=true) it stops the servers that must be stopped, resizes, and starts again
    the ones that were running, so a maintenance window needs only this one task.
  - Warns when the DR server would end up with fewer vCPUs or less memory than the production
    server, as the API reference recommends a DR site at least as large as production.
options:
  name:
    description:
      - Name of the protected instance (exact match).
      - If several protected instances have this name, set O(protection_group) or use O(id).
      - Exactly one of O(name) and O(id) is required.
    type: str
  id:
    description:
      - ID of the protected instance.
    type: str
  protection_group:
    description:
      - Name or ID of the protection group the instance belongs to.
      - Narrows the search for O(name); with O(id) the instance must belong to this group.
    type: str
  flavor:
    description:
      - Flavor ID (for example V(s3.xlarge.2)) for both the production and the DR server.
      - Mutually exclusive with O(production_flavor) and O(dr_flavor).
    type: str
  production_flavor:
    description:
      - Flavor ID for the server that runs production now (after a failover, the original DR server).
      - Leave unset to keep the production server as it is.
    type: str
  dr_flavor:
    description:
      - Flavor ID for the server at the DR site now.
      - Leave unset to keep the DR server as it is.
    type: str
  stop_servers:
    description:
      - Stop the running servers that are to be resized, resize, then start again the servers
        this task stopped.
      - When V(false), a running server to be resized fails the task, naming the server.
      - Servers that need no resize are never stopped. Requires O(wait=true).
    type: bool
    default: false
  timeout:
    description:
      - Seconds to wait in all for the stop, resize and start jobs (see O(wait)).
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
      - Reads the protected instance, its group, both servers and the allowed flavors, checks every
        precondition and predicts the flavors; sends no stop, resize or start request.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff shows the RV(servers) view before and after (flavor, vCPUs, memory, status).
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation
      indicates no change.
    support: full
    details:
      - A re-run with the same flavors compares them with ECS and sends no resize.
notes:
  - Only flavor IDs are compared; the flavor names of ECS on Open Telekom Cloud equal the IDs.
  - With O(wait=false) the task returns once the resize job is submitted; RV(servers) then shows
    the predicted flavors, and the job can be followed with M(cloud_dr.sdrs.job_info). A protected
    instance or group that is busy with another operation is left alone with a warning.
  - If the resize job fails, the protected instance is left C(error-resizing); SDRS allows a new
    resize from that status, so fix the cause and re-run the task. Servers this task stopped are
    started again before it fails.
  - A flavor ECS lists for the server may still be sold out in the DR zone; the job then fails
    and the message gives the reason the API reported.
seealso:
  - module: cloud_dr.sdrs.protected_instance
  - module: cloud_dr.sdrs.protected_instance_info
  - module: cloud_dr.sdrs.failover
  - name: Modifying the Specifications of a Protected Instance (SDRS API reference)
    description: The resize request and its constraints.
    link: https://docs.otc.t-systems.com/storage-disaster-recovery-service/api-ref/
"""

EXAMPLES = r"""
- name: Resize both servers in a maintenance window (stops and restarts them)
  cloud_dr.sdrs.protected_instance_resize:
    cloud: otc-dr
    protection_group: erp
    name: erp-db
    flavor: s3.xlarge.2
    stop_servers: true

- name: Give production and DR their own flavors, with the group's connection defaults
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Make the DR server as large as production, leave production alone
      cloud_dr.sdrs.protected_instance_resize:
        name: erp-app
        dr_flavor: s3.large.4

    - name: Different flavors for the two servers of one instance
      cloud_dr.sdrs.protected_instance_resize:
        id: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
        production_flavor: s3.2xlarge.4
        dr_flavor: s3.2xlarge.4

- name: Preview a resize without touching anything
  cloud_dr.sdrs.protected_instance_resize:
    cloud: otc-dr
    name: erp-db
    production_flavor: s3.xlarge.4
  check_mode: true
  register: preview

- name: Show what would change
  ansible.builtin.debug:
    msg: "production {{ preview.flavors.production.before }} -> {{ preview.flavors.production.after }}"
"""

RETURN = r"""
servers:
  description:
    - The production and DR servers by their current role, after the task (predicted in check mode
      and with O(wait=false)). The same view is the diff's before and after.
  returned: when the protected instance was found
  type: dict
  contains:
    production:
      description: The server that runs production now (in the zone of the group's C(priority_station)).
      type: dict
      contains:
        id: {description: ECS server ID., type: str, sample: 5fb92d6c-b0cb-46c9-824b-b90ec5500ae6}
        name: {description: Server name., type: str, sample: erp-db}
        status: {description: ECS status., type: str, sample: ACTIVE}
        availability_zone: {description: Availability zone of the server., type: str, sample: eu-de-01}
        flavor: {description: Flavor ID., type: str, sample: s3.xlarge.2}
        vcpus: {description: Number of vCPUs of the flavor., type: int, sample: 4}
        ram: {description: Memory of the flavor in MB., type: int, sample: 8192}
    dr:
      description: The server at the DR site now; same keys as RV(servers.production).
      type: dict
      sample:
        id: c6c0ff54-fa1f-43ef-9ccc-1774e40c8745
        name: erp-db
        status: SHUTOFF
        availability_zone: eu-de-02
        flavor: s3.xlarge.2
        vcpus: 4
        ram: 8192
flavors:
  description: The flavor ID of each server before and after the task.
  returned: when the protected instance was found
  type: dict
  sample:
    production: {before: s3.large.2, after: s3.xlarge.2}
    dr: {before: s3.large.2, after: s3.xlarge.2}
protected_instance:
  description:
    - The protected instance as the SDRS API returns it; read again after a resize that was waited for.
  returned: when the protected instance was found
  type: dict
  sample:
    id: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
    name: erp-db
    server_group_id: 943c7d15-0371-4b89-b1a6-db1ef35c9263
    status: protected
    source_server: 5fb92d6c-b0cb-46c9-824b-b90ec5500ae6
    target_server: c6c0ff54-fa1f-43ef-9ccc-1774e40c8745
    priority_station: source
stopped_servers:
  description: IDs of the servers this task stopped (O(stop_servers=true)).
  returned: always
  type: list
  elements: str
  sample: [5fb92d6c-b0cb-46c9-824b-b90ec5500ae6]
started_servers:
  description: IDs of the servers this task started again.
  returned: always
  type: list
  elements: str
  sample: [5fb92d6c-b0cb-46c9-824b-b90ec5500ae6]
actions:
  description: What the task did (or would do in check mode), in order.
  returned: always
  type: list
  elements: str
  sample:
    - "stop production server 'erp-db' (5fb92d6c-b0cb-46c9-824b-b90ec5500ae6)"
    - "resize protected instance 'erp-db': production server 'erp-db' s3.large.2 -> s3.xlarge.2"
    - "start production server 'erp-db' (5fb92d6c-b0cb-46c9-824b-b90ec5500ae6)"
jobs:
  description:
    - The jobs of the task (ECS stop, SDRS resize, ECS start), each with C(job_id), C(job_type),
      C(status), C(begin_time), C(end_time), C(error_code), C(fail_reason), C(entities), C(what),
      C(duration). With O(wait=false) the resize job is C(SUBMITTED).
  returned: always
  type: list
  elements: dict
  sample:
    - job_id: 0000000062db92d70162db9d200f000a
      job_type: resizeProtectedInstanceNew
      status: SUCCESS
      begin_time: "2024-05-02T09:40:53.930Z"
      end_time: "2024-05-02T09:41:12.100Z"
      error_code: null
      fail_reason: null
      entities: {protected_instance_id: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff}
      what: resize of protected instance 'erp-db'
      duration: 18.2
job_id:
  description: ID of the last job (the resize, or the start of the servers afterwards).
  returned: when a job was submitted
  type: str
  sample: 0000000062db92d70162db9d200f000a
"""

from typing import Any

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._ecs import POWER_STATUS, power_action, power_recovery
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import JobFailedError, WaitTimeoutError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._resize import (
    LABELS, allowed_flavors, check_allowed, check_group, check_instance, describe, desired_flavors,
    dr_smaller_warning, flavors_report, option_for, plan_changes, predict, read_servers, resize_body,
    servers_to_stop, with_status)
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import (
    GROUP_TRANSIENT, INSTANCE_TRANSIENT, NotFoundError, find_protected_instance, get_protected_instance,
    get_protection_group, require_protection_group)

_NOT_STOPPED = ("SDRS.1316", "SDRS.1319", "SDRS.1342", "SDRS.1352")
_WRONG_STATUS = ("SDRS.1002", "SDRS.1024", "SDRS.0209")


class ProtectedInstanceResize(SdrsModule):
    module_options = dict(
        name=dict(type="str"),
        id=dict(type="str"),
        protection_group=dict(type="str"),
        flavor=dict(type="str"),
        production_flavor=dict(type="str"),
        dr_flavor=dict(type="str"),
        stop_servers=dict(type="bool", default=False),
    )
    module_kwargs = dict(
        mutually_exclusive=[("name", "id"), ("flavor", "production_flavor"), ("flavor", "dr_flavor")],
        required_one_of=[("name", "id"), ("flavor", "production_flavor", "dr_flavor")],
    )
    default_timeout = 1200
    result_key = "servers"

    def __init__(self, module) -> None:
        super().__init__(module)
        self.instance: dict | None = None
        self.group: dict | None = None
        self.stopped: list[str] = []
        self.started: list[str] = []

    def validate(self) -> None:
        for option in ("name", "id", "protection_group", "flavor", "production_flavor", "dr_flavor"):
            value = self.params.get(option)
            if value is not None and not value.strip():
                self.fail(f"Option '{option}' is empty; give a value or leave the option out.")
        if self.params["stop_servers"] and not self.params["wait"]:
            self.fail("stop_servers=true needs wait=true: the servers it stops can be started again only "
                      "after the resize job has finished.")

    # -- the verb --------------------------------------------------------------------------
    def present(self) -> None:
        instance = self._settled_instance()
        group = self._settled_group(instance["server_group_id"])
        views = read_servers(self.client, instance, group)
        self.before = views
        if self.busy:  # wait: false and an operation runs: nothing is decided on a moving target
            return
        changes = plan_changes(views, desired_flavors(self.params))
        if not changes:
            if instance.get("status") == "error-resizing":
                self.module.warn(f"Protected instance '{instance.get('name')}' is 'error-resizing' although both "
                                 "flavors are already as wanted; SDRS clears that status only with a resize to "
                                 "another flavor.")
            self._warn_if_dr_smaller(views)
            return
        check_group(group)
        check_instance(instance)
        allowed = {role: allowed_flavors(self.client, views[role]["id"]) for role in changes}
        for role, flavor in changes.items():
            check_allowed(role, views[role], flavor, allowed[role], option_for(self.params, role))
        target = predict(views, changes, allowed)
        self._warn_if_dr_smaller(target)
        stop_roles = servers_to_stop(views, changes, self.params["stop_servers"])

        if stop_roles:
            self._change_power("stop", stop_roles, with_status(views, stop_roles, "SHUTOFF"))
        try:
            self.change(f"resize protected instance '{instance.get('name')}': {describe(views, changes)}",
                        lambda: self._resize(resize_body(changes), target, stop_roles),
                        with_status(target, stop_roles, "SHUTOFF"), recover=self._resize_recovery(changes))
        except JobFailedError as exc:
            self._resize_failed(exc, stop_roles)
        except WaitTimeoutError as exc:
            if not stop_roles:
                raise
            names = ", ".join(f"'{self.before[role].get('name')}'" for role in stop_roles)
            raise WaitTimeoutError(f"{exc} The servers this task stopped ({names}) stay stopped; start them "
                                   "once the resize has finished.",
                                   job_id=exc.job_id, last_status=exc.last_status) from exc
        if stop_roles:
            self._change_power("start", stop_roles, target)

    # -- steps -----------------------------------------------------------------------------
    def _settled_instance(self) -> dict:
        """The protected instance, once no operation is running on it (when waiting)."""
        params = self.params
        group_id = None
        if params.get("protection_group"):
            self.group = require_protection_group(self.client, params["protection_group"])
            group_id = self.group["id"]
        if params.get("id"):
            instance = get_protected_instance(self.client, params["id"])
            ref = params["id"]
        else:
            instance = find_protected_instance(self.client, name=params["name"], group_id=group_id)
            ref = params["name"]
        scope = f" in protection group '{params['protection_group']}'" if group_id else ""
        if instance is None:
            raise NotFoundError(f"Protected instance '{ref}' does not exist{scope}.")
        if group_id and instance.get("server_group_id") != group_id:
            raise NotFoundError(f"Protected instance '{ref}' belongs to protection group "
                                f"{instance.get('server_group_id')}, not to '{params['protection_group']}'.")
        instance = self.settle(instance, INSTANCE_TRANSIENT, get_protected_instance, "Protected instance")
        if instance is None:
            raise NotFoundError(f"Protected instance '{ref}' was deleted while this task waited for it.")
        self.instance = instance
        return instance

    def _settled_group(self, group_id: str) -> dict:
        group = self.group if self.group and self.group.get("id") == group_id else None
        group = group or get_protection_group(self.client, group_id)
        if group is None:
            raise NotFoundError(f"Protection group {group_id} of the protected instance does not exist.")
        group = self.settle(group, GROUP_TRANSIENT, get_protection_group, "Protection group")
        if group is None:
            raise NotFoundError(f"Protection group {group_id} was deleted while this task waited for it.")
        self.group = group
        return group

    def _power_action_text(self, verb: str, roles: list[str]) -> str:
        return ", ".join(f"{verb} {LABELS[role]} server '{self.before[role].get('name')}' "
                         f"({self.before[role].get('id')})" for role in roles)

    def _change_power(self, verb: str, roles: list[str], predicted: Any) -> Any:
        """Stop or start the servers of ``roles`` and wait until ECS shows it (a recorded change)."""
        ids = [self.before[role]["id"] for role in roles]
        action = f"os-{verb}"

        def apply() -> dict:
            self.run_job(power_action(self.client, ids, action), f"{verb} of servers {', '.join(ids)}",
                         service="ecs")
            return done()

        def done() -> dict:
            (self.stopped if verb == "stop" else self.started).extend(ids)
            return self.wait_for(lambda: read_servers(self.client, self.instance, self.group),
                                 lambda views: all(views[role].get("status") == POWER_STATUS[action] for role in roles),
                                 f"servers {', '.join(ids)} to be {POWER_STATUS[action]}")
        return self.change(self._power_action_text(verb, roles), apply, predicted,
                           recover=power_recovery(self, ids, action, done))

    def _resize(self, body: dict, predicted: dict, stop_roles: list[str]) -> dict:
        response = self.client.post("sdrs", "/protected-instances/{}/resize", self.instance["id"], body=body)
        job = self.run_job(response["job_id"], f"resize of protected instance '{self.instance.get('name')}'")
        if job.get("status") == "SUBMITTED":
            return with_status(predicted, stop_roles, "SHUTOFF")
        self.instance = get_protected_instance(self.client, self.instance["id"]) or self.instance
        return read_servers(self.client, self.instance, self.group)

    def _resize_recovery(self, changes: dict) -> Any:
        """After a lost answer: the resize took effect when the instance is resizing (or left it) or the
        servers have the new flavors."""
        before = self.instance.get("status")

        def acted(instance: dict | None) -> bool:
            return instance is not None and (instance.get("status") != before or not plan_changes(
                read_servers(self.client, instance, self.group), changes))

        def view(instance: dict) -> dict:
            self.instance = instance
            return read_servers(self.client, instance, self.group)
        return self.recovery(lambda: get_protected_instance(self.client, self.instance["id"]), acted,
                             INSTANCE_TRANSIENT, get_protected_instance, "Protected instance", view)

    def _resize_failed(self, exc: JobFailedError, stop_roles: list[str]) -> None:
        """Start again what this task stopped, read the outcome, and fail with what to do next."""
        notes = []
        if stop_roles:
            try:
                self._change_power("start", stop_roles, None)
                notes.append("The servers this task stopped were started again.")
            except Exception as start_exc:  # the resize failure stays the message; add this one
                notes.append(f"Starting again the servers this task stopped failed too: {start_exc}")
        try:
            self.instance = get_protected_instance(self.client, self.instance["id"]) or self.instance
            self.after = read_servers(self.client, self.instance, self.group)
        except Exception:  # the failure is reported anyway; the views stay as last known
            pass
        status = self.instance.get("status")
        notes.append(f"The protected instance is now '{status}'; SDRS accepts a new resize from "
                     "'error-resizing', so fix the cause and re-run the task.")
        text = str(exc).rstrip()
        text += "" if text.endswith((".", "!", "?")) else "."
        self.fail(f"{text} {' '.join(notes)}", job=exc.job, error_code=exc.error_code,
                  fail_reason=exc.fail_reason, failed_sub_jobs=exc.failed_sub_jobs)

    def _warn_if_dr_smaller(self, views: dict) -> None:
        warning = dr_smaller_warning(views)
        if warning:
            self.module.warn(warning)

    # -- result and errors -----------------------------------------------------------------
    def explain(self, exc) -> str:
        if exc.code in _NOT_STOPPED:
            return f"{exc} A server to be resized is running: stop it, or set stop_servers=true."
        if exc.code == "SDRS.1341":
            return (f"{exc} SDRS says a server already has this flavor: it was probably resized meanwhile; "
                    "re-run the task to compare again.")
        if exc.code in _WRONG_STATUS:
            return (f"{exc} The protected instance or its group is busy or in a status that allows no resize; "
                    "re-run the task when the running operation has finished.")
        return str(exc)

    def prepare_result(self) -> dict:
        result = {"stopped_servers": list(self.stopped), "started_servers": list(self.started)}
        if self.before is not None:
            after = self.after if self.changed and self.after is not None else self.before
            result["flavors"] = flavors_report(self.before, after)
            result[self.result_key] = after
        if self.instance is not None:
            result["protected_instance"] = self.instance
        return result


def main():
    ProtectedInstanceResize.execute()


if __name__ == "__main__":
    main()
