#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: job_info
short_description: Read SDRS jobs and optionally wait for them, many at once
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Reads asynchronous jobs of the Storage Disaster Recovery Service (SDRS), or of ECS, by id
    (status, entities, sub-jobs, error).
  - With O(wait=true) it polls every unfinished job round by round until all of them end in C(SUCCESS)
    or C(FAIL), all within one O(timeout). Start operations on many protection groups with O(wait=false)
    (for example M(cloud_dr.sdrs.failover)), then wait for all their jobs here. N groups then switch in
    about the time of one.
options:
  job_id:
    description:
      - One job id.
    type: str
  job_ids:
    description:
      - Several job ids; duplicates are read once.
    type: list
    elements: str
  service:
    description:
      - The service that runs the jobs. V(ecs) for the server stop and start jobs of ECS.
    type: str
    default: sdrs
    choices: [sdrs, ecs]
  wait:
    description:
      - Wait until every job has ended.
      - Unlike the other modules of the collection this defaults to V(false), so that the module only reads
        the jobs as they are now.
    default: false
  timeout:
    description:
      - Seconds to wait for all jobs together when O(wait=true).
    default: 1800
  fail_on_job_failure:
    description:
      - Fail the task when a job it returns has ended in C(FAIL), with the job's C(error_code) and
        C(fail_reason) in the message. This applies with and without O(wait).
      - V(false) returns failed jobs like any other so the playbook can decide, for example to collect the
        result of every group of a parallel failover first.
    type: bool
    default: true
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
  - cloud_dr.sdrs.wait
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Read-only; reads and waits the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details:
      - Nothing changes, so there is no diff.
notes:
  - Exactly one of O(job_id) and O(job_ids) is required.
  - A job id that the service does not know fails the task, naming the id.
  - When the wait times out, the task fails and returns the last state of every job in RV(jobs); re-run it
    to keep waiting.
seealso:
  - module: cloud_dr.sdrs.failover
"""

EXAMPLES = r"""
- name: Start failovers of five groups without waiting
  cloud_dr.sdrs.failover:
    cloud: otc-dr
    protection_group: "{{ item }}"
    production_site: target
    type: unplanned
    wait: false
  loop: "{{ dr_groups }}"
  register: failovers

- name: Wait for all of them together
  cloud_dr.sdrs.job_info:
    cloud: otc-dr
    job_ids: "{{ failovers.results | map(attribute='job_id') | list }}"
    wait: true
    timeout: 1800
    fail_on_job_failure: false
  register: done

- name: List the groups whose failover failed
  ansible.builtin.debug:
    msg: "{{ done.jobs | selectattr('status', 'equalto', 'FAIL') | map(attribute='fail_reason') | list }}"

- name: Read one job as it is now
  cloud_dr.sdrs.job_info:
    cloud: otc-dr
    job_id: ff8080826b45d4a5016b5036242c0025
"""

RETURN = r"""
jobs:
  description: Every job asked for, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    job_id:
      description: The job id.
      type: str
      sample: ff8080826b45d4a5016b5036242c0025
    job_type:
      description: The job type, for example C(failoverProtectionGroupNoCG).
      type: str
      sample: failoverProtectionGroupNoCG
    status:
      description: C(INIT), C(RUNNING), C(SUCCESS) or C(FAIL).
      type: str
      sample: SUCCESS
    begin_time:
      description: When the job began (UTC).
      type: str
      sample: "2019-06-13T09:40:53.930Z"
    end_time:
      description: When the job ended (UTC); null while it runs.
      type: str
      sample: "2019-06-13T09:41:01.946Z"
    duration:
      description: Seconds from C(begin_time) to C(end_time); null while the job runs.
      type: float
      sample: 8.016
    error_code:
      description: The error code of a failed job.
      type: str
      sample: SDRS.1830
    fail_reason:
      description: Why the job failed.
      type: str
      sample: replication pairs are synchronising
    entities:
      description: The ids the job reports (C(server_group_id), C(protected_instance_id) ...) and its C(sub_jobs).
      type: dict
      sample: {"server_group_id": "1fd6903c-48f9-4772-8974-112dfbd74427"}
    sub_jobs:
      description: The sub-jobs from RV(jobs[].entities), each shaped like a job.
      type: list
      elements: dict
      sample: []
job:
  description: The job when O(job_id) was given; same fields as an element of RV(jobs).
  returned: when O(job_id) was given
  type: dict
  sample:
    job_id: ff8080826b45d4a5016b5036242c0025
    job_type: reverseProtectionGroupNoCG
    status: RUNNING
failed_job_ids:
  description: The ids of the jobs that ended in C(FAIL).
  returned: always
  type: list
  elements: str
  sample: []
elapsed_seconds:
  description: Seconds the task spent reading and waiting.
  returned: always
  type: float
  sample: 42.7
actions:
  description: Always empty; the module changes nothing.
  returned: always
  type: list
  elements: str
  sample: []
"""

import time

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import WaitTimeoutError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._failover import job_view, poll_jobs
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import NotFoundError


class JobInfo(SdrsModule):
    module_options = dict(
        job_id=dict(type="str"),
        job_ids=dict(type="list", elements="str"),
        service=dict(type="str", default="sdrs", choices=["sdrs", "ecs"]),
        wait=dict(type="bool", default=False),
        fail_on_job_failure=dict(type="bool", default=True),
    )
    module_kwargs = dict(mutually_exclusive=[("job_id", "job_ids")], required_one_of=[("job_id", "job_ids")])
    default_timeout = 1800

    def __init__(self, module):
        super().__init__(module)
        self.started = time.monotonic()
        self.views = []

    def validate(self):
        ids = self.ids()
        if not ids or any(not i for i in ids):
            self.fail("job_ids must list at least one job id, and no empty ones.")
        if self.params["timeout"] < 0:
            self.fail(f"timeout must be 0 or more seconds, not {self.params['timeout']}.")

    def ids(self):
        return [self.params["job_id"]] if self.params["job_id"] else list(self.params["job_ids"] or [])

    def fetch(self, job_id):
        job = self.client.get_or_none(self.params["service"], "/jobs/{}", job_id)
        if job is None:
            option = "job_id" if self.params["job_id"] else "job_ids"
            raise NotFoundError(f"Job {job_id} does not exist in {self.params['service'].upper()} "
                                f"(or belongs to another project): check {option} and service.")
        return job

    def run(self):
        ids = list(dict.fromkeys(self.ids()))
        try:
            jobs = poll_jobs(self.fetch, ids, self.params["timeout"], wait=self.params["wait"])
        except WaitTimeoutError as exc:
            self.views = [job_view(exc.jobs[i]) for i in ids if i in exc.jobs]
            self.fail(f"{exc} Re-run the task to keep waiting, or raise timeout.")
        self.views = [job_view(jobs[i]) for i in ids]
        failed = [v for v in self.views if v["status"] == "FAIL"]
        if failed and self.params["fail_on_job_failure"]:
            first = failed[0]
            self.fail(f"{len(failed)} of {len(self.views)} jobs ended in FAIL: "
                      + "; ".join(f"job {v['job_id']} ({v['job_type']}) with {v['error_code']}: {v['fail_reason']}"
                                  for v in failed)
                      + ". Set fail_on_job_failure: false to get the jobs without failing.",
                      error_code=first["error_code"], fail_reason=first["fail_reason"])

    def prepare_result(self):
        result = {"jobs": self.views, "failed_job_ids": [v["job_id"] for v in self.views if v["status"] == "FAIL"],
                  "elapsed_seconds": round(time.monotonic() - self.started, 3)}
        if self.params["job_id"] and self.views:
            result["job"] = self.views[0]
        return result


def main():
    JobInfo.execute()


if __name__ == "__main__":
    main()
