#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: failover
short_description: Switch the production site of an SDRS protection group (switchover, failback, failover)
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Makes O(production_site) the production site of a protection group of the Storage Disaster Recovery
    Service (SDRS), comparing it with the group's current C(status) and C(priority_station).
  - With O(type=planned) (switchover and failback) it runs a planned failover (C(reverse-server-group))
    when the production site differs; replication continues in the new direction. The servers at the
    current production site must be stopped; O(stop_servers=true) stops them first.
  - With O(type=unplanned) (the production site is lost) it runs a failover (C(failover-server-group));
    replication stops until the group is re-protected with O(reprotect=true).
  - A group already at the desired site is left alone. A group in the middle of a switch (C(reversing),
    C(failing-over), C(reprotecting)) is waited on and reported, never triggered a second time, so a
    re-run after a timeout resumes the wait.
  - Every precondition (group status, running servers, servers deleted outside SDRS) is checked before
    the first request that changes anything, and a refusal names the group, its status, the servers and
    what to do.
options:
  protection_group:
    description:
      - The protection group, by id or by exact name.
    type: str
    required: true
  production_site:
    description:
      - The site that runs production when the task is done, in the group's own terms.
      - V(source) is the group's configured source availability zone, V(target) its configured DR
        availability zone. V(target) is a switchover or failover, V(source) the failback.
      - Required for both types so a re-run (for example after a re-protect) never switches back by accident.
    type: str
    required: true
    choices: [source, target]
  type:
    description:
      - V(planned) moves production with both sites working and keeps replication (switchover, failback).
        The group must be C(protected) (or C(error-reversing) to retry a failed switch), or
        C(failed-over) with O(reprotect=true).
      - V(unplanned) is the failover for a lost production site. The group must be C(protected),
        C(error-failing-over) or C(error-reversing). Replication stops; this cannot be undone, only
        followed by a re-protect and a planned failback.
    type: str
    default: planned
    choices: [planned, unplanned]
  reprotect:
    description:
      - After a failover, enable protection again so replication resumes from the new production site
        to the other one. Also re-protects a group that is already C(failed-over) (or C(error-reprotecting))
        at O(production_site).
      - With O(type=planned) and a C(failed-over) group whose production is at the other site, the group is
        re-protected and then switched back (failback).
      - The servers at the site that becomes the DR site must be stopped (see O(stop_servers)).
    type: bool
    default: false
  stop_servers:
    description:
      - Stop (and wait for) the servers that the switch needs stopped, instead of refusing while they run.
      - These are the servers at the current production site for a planned failover and the servers at the
        new DR site for a re-protect. Their stop is waited on even with O(wait=false).
    type: bool
    default: false
  start_servers:
    description:
      - Start (and wait for) the servers at O(production_site) that are not running once the switch is done.
      - Also starts them when no switch was needed, so a re-run completes an interrupted task.
      - Needs O(wait=true).
    type: bool
    default: false
  timeout:
    default: 1800
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
  - cloud_dr.sdrs.wait
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Sends only reads, checks every precondition and returns the predicted group and the RV(actions)
        it would take.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - Before and after of the returned RV(protection_group).
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: partial
    details:
      - Idempotent in the desired-state sense. A group whose production is already at O(production_site)
        is not touched again, and a running switch is waited on instead of being started twice.
      - A switch is not reversible by this task; an unplanned failover in particular stops replication,
        and going back needs a re-protect and a planned failover that copy data again.
notes:
  - SDRS does not record whether a group was ever switched, so the module warns about Cloud-Init and
    Cloudbase-Init after every switch it performs. On the first planned failover or failover of a group,
    they may reset the login password or key pair of the servers.
  - A server's site is its availability zone compared with the group's source and target availability
    zones.
  - With O(wait=false) the module returns once the first SDRS job is submitted; wait for it with
    M(cloud_dr.sdrs.job_info). Plans of more than one SDRS job (failover and re-protect) need O(wait=true).
seealso:
  - module: cloud_dr.sdrs.job_info
  - module: cloud_dr.sdrs.dr_drill
  - module: cloud_dr.sdrs.protection_group_info
"""

EXAMPLES = r"""
- name: Switch over a protection group to the DR site, stopping its production servers first
  cloud_dr.sdrs.failover:
    cloud: otc-dr
    protection_group: erp-prod
    production_site: target
    stop_servers: true
    start_servers: true
  register: switchover

- name: Show the recovery time of the switchover
  ansible.builtin.debug:
    msg: "Switched in {{ switchover.elapsed_seconds }} s"

- name: Production site lost, fail over and start the DR servers
  cloud_dr.sdrs.failover:
    protection_group: erp-prod
    production_site: target
    type: unplanned
    start_servers: true

- name: Once the old site is back, protect the group again (replication target -> source)
  cloud_dr.sdrs.failover:
    protection_group: erp-prod
    production_site: target
    type: unplanned
    reprotect: true
    stop_servers: true

- name: Fail over many groups at once and wait for all of them
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Start the failovers without waiting
      cloud_dr.sdrs.failover:
        protection_group: "{{ item }}"
        production_site: target
        type: unplanned
        wait: false
      loop: [erp-prod, crm-prod, web-prod]
      register: started

    - name: Wait for every failover job
      cloud_dr.sdrs.job_info:
        job_ids: "{{ started.results | map(attribute='jobs') | flatten | map(attribute='job_id') | list }}"
        wait: true
        timeout: 1800
"""

RETURN = r"""
protection_group:
  description: The protection group after the task (predicted in check mode), as the API returns it.
  returned: success
  type: dict
  sample:
    id: decf224d-87fe-403a-8721-037a1a45c287
    name: erp-prod
    status: protected
    priority_station: target
    source_availability_zone: eu-de-01
    target_availability_zone: eu-de-02
    protected_instance_num: 2
protection_group_before:
  description: The protection group as the task found it.
  returned: success
  type: dict
  sample:
    id: decf224d-87fe-403a-8721-037a1a45c287
    name: erp-prod
    status: protected
    priority_station: source
actions:
  description: What the task did, in order (under check mode, what it would do).
  returned: always
  type: list
  elements: str
  sample:
    - "stop servers at the source site: 'erp-app' (5fb92d6c-b0cb-46c9-824b-b90ec5500ae6, ACTIVE)"
    - planned failover of protection group 'erp-prod' to the target site
    - "start servers at the target site: 'erp-app' (c6c0ff54-fa1f-43ef-9ccc-1774e40c8745, SHUTOFF)"
jobs:
  description:
    - Every job of the task (ECS stop and start jobs included) with the seconds the task waited for it.
    - With O(wait=false) the SDRS job is C(SUBMITTED) and has only RV(jobs[].job_id), RV(jobs[].status) and
      RV(jobs[].what).
  returned: always
  type: list
  elements: dict
  contains:
    job_id:
      description: The job id.
      type: str
      sample: ff8080826b45d4a5016b5036242c0025
    job_type:
      description: The job type, for example C(reverseProtectionGroupNoCG).
      type: str
      sample: reverseProtectionGroupNoCG
    status:
      description: C(SUCCESS), or C(SUBMITTED) when the task did not wait.
      type: str
      sample: SUCCESS
    what:
      description: What the job does, in words.
      type: str
      sample: planned failover of protection group 'erp-prod' to the target site
    duration:
      description: Seconds the task waited for the job.
      type: float
      sample: 41.2
    begin_time:
      description: When the job began (UTC).
      type: str
      sample: "2019-06-13T09:40:53.930Z"
    end_time:
      description: When the job ended (UTC).
      type: str
      sample: "2019-06-13T09:41:01.946Z"
    error_code:
      description: The error code of a failed job.
      type: str
      sample: null
    fail_reason:
      description: Why a job failed.
      type: str
      sample: null
    entities:
      description: The ids the job reports, with its C(sub_jobs).
      type: dict
      sample: {}
job_id:
  description: The id of the last job.
  returned: when a job was started
  type: str
  sample: ff8080826b45d4a5016b5036242c0025
elapsed_seconds:
  description:
    - Seconds from the first request that changed something to the end of the last wait, stops and starts of
      servers included. This is the recovery time a drill report uses.
    - C(0) when nothing was done, and in check mode.
  returned: success
  type: float
  sample: 58.3
servers:
  description:
    - Both servers of every protected instance of the group with their site, as read after the task. In check
      mode, as read before it, with the statuses the predicted stops and starts would give them.
    - Empty when the task did not need to look at the servers (nothing to switch and O(start_servers=false)).
  returned: success
  type: list
  elements: dict
  contains:
    protected_instance_id:
      description: The protected instance the server belongs to.
      type: str
    protected_instance_name:
      description: Its name.
      type: str
    id:
      description: The ECS server id.
      type: str
    name:
      description: The server name (the same at both sites).
      type: str
    status:
      description: The ECS status, for example C(ACTIVE) or C(SHUTOFF).
      type: str
    site:
      description: C(source) or C(target).
      type: str
  sample:
    - protected_instance_id: 50f5091e-9e9e-473c-a932-2a2cbcbeb1ff
      protected_instance_name: erp-app
      id: c6c0ff54-fa1f-43ef-9ccc-1774e40c8745
      name: erp-app
      status: ACTIVE
      site: target
waited_for:
  description: The running operation (C(reversing), C(failing-over) ...) the task found and waited for, if any.
  returned: success
  type: str
  sample: reversing
"""

import time

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._ecs import power_action, power_recovery
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._failover import (
    CLOUD_INIT_WARNING, FAILOVER, REVERSE, Refusal, advice_for, describe,
    plan_switch, predict_group, public_servers, read_servers, running_at, step_body, step_text,
    stop_refusal, stopped_at, unusable_refusal)
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import (
    GROUP_TRANSIENT, NotFoundError, get_protection_group, list_instances, require_protection_group)


class Failover(SdrsModule):
    module_options = dict(
        protection_group=dict(type="str", required=True),
        production_site=dict(type="str", required=True, choices=["source", "target"]),
        type=dict(type="str", default="planned", choices=["planned", "unplanned"]),
        reprotect=dict(type="bool", default=False),
        stop_servers=dict(type="bool", default=False),
        start_servers=dict(type="bool", default=False),
    )
    default_timeout = 1800
    result_key = "protection_group"

    def __init__(self, module):
        super().__init__(module)
        self.started_at = None
        self.ended_at = None
        self.servers = []
        self.waited_for = None

    def validate(self):
        if self.params["start_servers"] and not self.params["wait"]:
            self.fail("start_servers: true starts the servers once the switch is done, so it needs wait: true. "
                      "With wait: false, wait for the job with cloud_dr.sdrs.job_info and start them afterwards.")

    def explain(self, exc):
        advice = advice_for(exc.code)
        return f"{exc} {advice}" if advice else str(exc)

    def run(self):
        group = require_protection_group(self.client, self.params["protection_group"])
        self.before = self.after = group
        if group["status"] in GROUP_TRANSIENT:
            self.waited_for = group["status"]
        group = self.settle(group, GROUP_TRANSIENT, get_protection_group, "Protection group",
                            busy_note="not triggered again")
        if self.busy:
            return
        if group is None:
            raise NotFoundError(f"Protection group '{self.before['name']}' ({self.before['id']}) disappeared while "
                                f"the task waited for it to finish {self.before['status']}.")
        self.after = group
        site, kind = self.params["production_site"], self.params["type"]
        plan = plan_switch(group["name"], group["status"], group["priority_station"], site, kind,
                           self.params["reprotect"])
        for note in plan.notes:
            self.module.warn(note)
        if not plan.steps and not self.params["start_servers"]:
            return
        if len(plan.steps) > 1 and not self.params["wait"]:
            raise Refusal(f"Protection group '{group['name']}' needs {len(plan.steps)} jobs one after the other ("
                          + "; ".join(step_text(s, group["name"], st) for s, st in self._stations(plan, group))
                          + "), so the task needs wait: true.")
        instances = list_instances(self.client, group_id=group["id"])
        self.servers = read_servers(self.client, group, instances)
        refusal = unusable_refusal(group, instances, self.servers)
        if refusal is None and not self.params["stop_servers"]:
            refusal = stop_refusal(group, plan, self.servers)
        if refusal:
            raise refusal
        for stop_site, dummy in plan.stop_sites:
            self.power(running_at(self.servers, stop_site), stop_site, "os-stop", group)
        for step, station in self._stations(plan, group):
            self.act(step, station, group, plan)
        if self.params["start_servers"]:
            self.power(stopped_at(self.servers, site), site, "os-start", group)
        switched = any(s in (REVERSE, FAILOVER) for s in plan.steps)
        if self.changed and not self.check_mode:
            if self.params["wait"]:  # read again: SDRS may have swapped the instances' server roles
                self.servers = read_servers(self.client, self.after, list_instances(self.client, group_id=group["id"]))
            if switched:
                self.module.warn(CLOUD_INIT_WARNING.format(name=group["name"]))
            idle = stopped_at(self.servers, site) if self.params["wait"] else []
            if switched and idle and not self.params["start_servers"]:
                self.module.warn(f"These servers at the new production site ({site}) are not running: "
                                 f"{describe(idle)}. Start them, or re-run with start_servers: true.")

    @staticmethod
    def _stations(plan, group):
        """Each step with the production site before it."""
        station = group["priority_station"]
        for step in plan.steps:
            yield step, station
            if step in (REVERSE, FAILOVER):
                station = "target" if station == "source" else "source"

    def act(self, step, station, group, plan):
        text = step_text(step, group["name"], station)
        after_station = station if step not in (REVERSE, FAILOVER) else ("target" if station == "source" else "source")
        status = {REVERSE: "protected", FAILOVER: "failed-over"}.get(step, "protected")

        before = (self.after["status"], self.after["priority_station"])

        def apply():
            self.begin()
            response = self.client.post("sdrs", "/server-groups/{}/action", group["id"], body=step_body(step, station))
            self.run_job(response["job_id"], text)
            self.ended_at = time.monotonic()
            return get_protection_group(self.client, group["id"])

        def fetch():  # the group as it is now (error-... or still running), not as it was
            return get_protection_group(self.client, group["id"]) or self.after
        self.change(text, apply, predict_group(self.after, status, after_station), refresh=fetch,
                    recover=self.recovery(fetch, lambda g: (g["status"], g["priority_station"]) != before,
                                          GROUP_TRANSIENT, get_protection_group, "Protection group"))

    def power(self, servers, site, action, group):
        """Stop or start servers and wait for the ECS job, whatever ``wait`` says: the next step needs it."""
        if not servers:
            return
        verb = "stop" if action == "os-stop" else "start"
        text = f"{verb} servers at the {site} site: {describe(servers)}"
        current = self.after

        ids = [s["id"] for s in servers]

        def apply():
            self.begin()
            self.run_job(power_action(self.client, ids, action), text, service="ecs", force=True)
            self.ended_at = time.monotonic()
            return current
        self.change(text, apply, current, recover=power_recovery(self, ids, action, lambda: current))
        for server in servers:
            server["status"] = "SHUTOFF" if verb == "stop" else "ACTIVE"

    def begin(self):
        if self.started_at is None:
            self.started_at = time.monotonic()

    def prepare_result(self):
        if self.started_at is None:
            elapsed = 0.0
        else:
            elapsed = round((self.ended_at or time.monotonic()) - self.started_at, 3)
        return {"protection_group_before": self.before, "elapsed_seconds": elapsed,
                "servers": public_servers(self.servers), "waited_for": self.waited_for}


def main():
    Failover.execute()


if __name__ == "__main__":
    main()
