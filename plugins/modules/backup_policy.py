#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_policy
short_description: Create, change, run or delete a VBS backup policy and associate volumes with it
version_added: 0.1.0
author:
  - cloud_dr.sdrs contributors (!UNKNOWN)
description:
  - Manages a backup policy of the Volume Backup Service (VBS v2) on Open Telekom Cloud, that is
    when backups of the associated EVS volumes run, how long they are kept, and which volumes the
    policy covers.
  - The schedule is given in plain words (O(start_times), O(frequency) or O(week_days),
    O(retention_count) or O(retention_days)); the module translates them to the API's fields,
    including the two the API misspells on the wire (C(rentention_num), C(rentention_day)).
  - Every rule of the API reference is checked before any request, with the allowed values in
    the message.
  - An existing policy is changed with one request that carries only what differs; options that
    are not given keep their current value.
  - VBS has no endpoint to read one policy, so the module lists the policies and picks the one
    with the O(id) or exactly the O(name).
  - VBS allows duplicate names, so two runs that create the same policy at the same moment create two.
    After creating a policy the module lists the policies of that name; every run keeps the first one
    VBS lists (the oldest), and a run whose own policy lost deletes it and goes on with that one.
options:
  state:
    description:
      - V(present) creates the policy or brings it to the given settings.
      - V(absent) deletes it; nothing happens when it does not exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the policy, 1 to 64 letters, digits, underscores (V(_)) and hyphens (V(-)); it must
        not start with V(default) (in any case), which is reserved for the cloud's default policy.
      - Identifies the policy when O(id) is not given (exact match; two policies with this name
        fail the task and ask for the O(id)).
      - With O(id), the policy is renamed to O(name).
      - One of O(name) and O(id) is required.
    type: str
  id:
    description:
      - ID of the policy. The module never creates a policy for an O(id) that does not exist.
    type: str
  start_times:
    description:
      - Times of day, in UTC, at which backups start, as V(HH:MM) on the hour (V(02:00), not V(02:30)).
      - Several times must be listed in ascending order of B(local) time, as the API requires. For
        example with O(time_zone=UTC+02:00), local 00:00, 02:00 and 04:00 are V([22:00, 00:00, 02:00]).
      - When the times fall on different days in UTC, O(time_zone) and O(week_days) must be used.
      - Required to create a policy.
    type: list
    elements: str
  frequency:
    description:
      - Back up every this many days, from 1 to 14.
      - Mutually exclusive with O(week_days); to create a policy, one of them is required.
      - Setting it on a policy that uses O(week_days) switches the policy to a frequency.
    type: int
  week_days:
    description:
      - Back up on these days of the week; order and repetitions do not matter.
      - Setting it on a policy that uses O(frequency) switches the policy to week days.
    type: list
    elements: str
    choices: [MON, TUE, WED, THU, FRI, SAT, SUN]
  retention_count:
    description:
      - Keep this many backups per volume, from 2 to 14 (the API reference's range for a policy
        that can be modified later).
      - Mutually exclusive with O(retention_days); to create a policy, one of them is required.
      - Setting it on a policy that uses O(retention_days) switches the policy to a count.
    type: int
  retention_days:
    description:
      - Keep backups for this many days, from 2 to 99999.
    type: int
  keep_first_backup_of_month:
    description:
      - Keep the first backup of each month beyond the retention rule.
      - A new policy gets V(false) when this is not given.
    type: bool
  enabled:
    description:
      - Whether the schedule runs (API status V(ON)) or is paused (V(OFF)).
      - A new policy is enabled when this is not given.
    type: bool
  time_zone:
    description:
      - Your local time zone with its daylight saving offset, as V(UTC+HH:MM) or V(UTC-HH:MM), for
        example V(UTC+02:00). It decides the order of O(start_times) and the days of O(week_days).
      - Once set it cannot be removed with this module, only changed.
    type: str
  tags:
    description:
      - Tags of the policy as a dictionary; keys of 1 to 36 and values of 0 to 43 letters, digits,
        underscores and hyphens.
      - When given, the policy ends with exactly these tags (V({}) removes all); when not given,
        the tags are left alone.
    type: dict
  volumes:
    description:
      - IDs of EVS volumes that the policy must cover. They are associated when needed.
      - The API does not tell which volumes are associated with a policy, only how many
        (RV(backup_policy.volume_count)); see O(purge_volumes) for what the module can and cannot
        detect.
      - A volume associated with another policy may be moved to this one by the API.
    type: list
    elements: str
  purge_volumes:
    description:
      - V(true) declares O(volumes) the complete list of the policy's volumes, and the module trusts
        the policy's volume count to match it.
      - With as many volumes as listed, the module takes them to be the listed ones and sends nothing.
        With fewer, it associates the listed volumes. With more, it disassociates the ones named in
        O(disassociate_volumes), and fails if volumes remain that it cannot name (the API does not
        list them).
      - A volume swapped for another one outside this module, which leaves the count unchanged, is
        not detected.
      - V(false) only adds O(volumes). As the API cannot tell whether they are already associated,
        every run sends one associate request and reports a change only when the policy's volume
        count grows; in check mode it warns instead of guessing.
    type: bool
    default: false
  disassociate_volumes:
    description:
      - IDs of volumes to remove from the policy. The API cannot list the volumes of a policy, so
        volumes are removed only when named here.
      - Nothing is sent when the policy has no volumes, or with O(purge_volumes=true) when its count
        already matches O(volumes).
    type: list
    elements: str
  run_now:
    description:
      - Start a backup of all the policy's volumes right now, once the policy is as described.
      - Never idempotent; every run with V(true) starts backups and reports a change.
      - The backups run on their own; the task does not wait for them.
    type: bool
    default: false
extends_documentation_fragment:
  - cloud_dr.sdrs.connection
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: partial
    details:
      - Reads the policies and the policy's tags, validates everything and predicts the result; sends
        no create, update, tag, association, run or delete request.
      - With O(purge_volumes=false) and a policy that already has at least as many volumes as listed,
        check mode cannot tell whether O(volumes) are associated; it then reports no change for them
        and warns.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff shows the RV(backup_policy) view before and after.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation
      indicates no change.
    support: partial
    details:
      - A re-run with the same settings, tags and (with O(purge_volumes=true)) volumes sends only two
        reads and reports no change.
      - With O(volumes) and O(purge_volumes=false) every run sends one associate request, reported as
        a change only when the volume count grows.
      - O(run_now=true) is never idempotent.
notes:
  - At most 10 backup policies can exist in a project; creating one more fails with the API's
    C(AutoBackup.0203) and a hint.
  - Volumes are given by ID only; the API has no way to resolve volume names.
  - An update sends only the changed fields; the API merges them into the policy, and switching
    between O(frequency) and O(week_days) (or O(retention_count) and O(retention_days)) replaces
    the other one.
seealso:
  - module: cloud_dr.sdrs.backup_policy_info
  - name: Modifying a Backup Policy (VBS API reference)
    description: The fields, their rules and the error codes.
    link: https://docs.otc.t-systems.com/volume-backup-service/api-ref/
"""

EXAMPLES = r"""
- name: Daily backups at 01:00 UTC, keep seven, for two volumes (and only those)
  cloud_dr.sdrs.backup_policy:
    cloud: otc-dr
    name: nightly
    start_times: ["01:00"]
    frequency: 1
    retention_count: 7
    volumes:
      - 0e3c3a9e-3f43-4b4e-9d4a-0f7f4f2bb001
      - 6a2b9b52-2f6c-4a5b-8a53-6a1b1c5f2e02
    purge_volumes: true

- name: Manage policies with the group's connection defaults
  module_defaults:
    group/cloud_dr.sdrs.sdrs:
      cloud: otc-dr
  block:
    - name: Weekend backups at local midnight and 02:00 in Berlin summer time, kept 30 days
      cloud_dr.sdrs.backup_policy:
        name: weekend
        time_zone: "UTC+02:00"
        start_times: ["22:00", "00:00"]
        week_days: [SAT, SUN]
        retention_days: 30
        keep_first_backup_of_month: true
        tags:
          team: dr

    - name: Pause the schedule during a migration
      cloud_dr.sdrs.backup_policy:
        name: weekend
        enabled: false

    - name: Take a volume out of the nightly policy
      cloud_dr.sdrs.backup_policy:
        name: nightly
        volumes:
          - 0e3c3a9e-3f43-4b4e-9d4a-0f7f4f2bb001
        disassociate_volumes:
          - 6a2b9b52-2f6c-4a5b-8a53-6a1b1c5f2e02
        purge_volumes: true

    - name: Back up the nightly volumes right now (starts backups on every run)
      cloud_dr.sdrs.backup_policy:
        name: nightly
        run_now: true

    - name: Delete the weekend policy
      cloud_dr.sdrs.backup_policy:
        name: weekend
        state: absent
"""

RETURN = r"""
actions:
  description: What the task did (or would do in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: ["create backup policy 'nightly'", "associate 2 volume(s) with backup policy 'nightly'"]
backup_policy:
  description:
    - The policy after the task (predicted in check mode), in the options' words; V(null) after a
      delete or when it does not exist. The same view is the diff's before and after.
  returned: always
  type: dict
  contains:
    id:
      description: Policy ID (V(null) for a policy that check mode would create).
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
      sample: ["22:00", "00:00"]
    frequency:
      description: Days between backups; V(null) when the policy uses week days.
      type: int
      sample: 1
    week_days:
      description: Days of the week, Monday first; V(null) when the policy uses a frequency.
      type: list
      elements: str
      sample: [SAT, SUN]
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
      sample: "UTC+02:00"
    tags:
      description: Tags of the policy.
      type: dict
      sample: {team: dr}
    volume_count:
      description:
        - Number of volumes associated with the policy (the API's C(policy_resource_count)); the
          API does not list their IDs.
      type: int
      sample: 2
"""

from typing import Any, Callable

from ansible_collections.cloud_dr.sdrs.plugins.module_utils._base import NOT_APPLIED, SdrsModule
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors import ApiError, CloudDrError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._sdrs import NotFoundError
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._vbs import (
    ALREADY_ASSOCIATED_CODES, AMBIGUOUS_ASSOCIATE_CODES, MAX_POLICIES, NOT_ASSOCIATED_CODES, WEEK_DAYS,
    backup_task_count, changed_keys, check_desired, check_params, create_body, desired_view, failure_message,
    namesakes, read_view, require_view, resource_failures, tag_changes, tags_list, update_body)

ADVICE = {
    "AutoBackup.0203": f"A project can hold at most {MAX_POLICIES} backup policies: delete one you no longer "
                       "need (state: absent) or add the volumes to an existing policy.",
    "AutoBackup.0204": "The policy cannot take more volumes: spread them over several policies.",
    "AutoBackup.0100": "The cloud's default backup policy cannot be changed: manage a policy of your own.",
    "AutoBackup.0225": "The policy is running a backup right now: re-run the task when it has finished.",
    "AutoBackup.0226": "Give time_zone as UTC+HH:MM or UTC-HH:MM.",
}


class BackupPolicy(SdrsModule):
    module_options = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str"),
        id=dict(type="str"),
        start_times=dict(type="list", elements="str"),
        frequency=dict(type="int"),
        week_days=dict(type="list", elements="str", choices=list(WEEK_DAYS)),
        retention_count=dict(type="int"),
        retention_days=dict(type="int"),
        keep_first_backup_of_month=dict(type="bool"),
        enabled=dict(type="bool"),
        time_zone=dict(type="str"),
        tags=dict(type="dict"),
        volumes=dict(type="list", elements="str"),
        purge_volumes=dict(type="bool", default=False),
        disassociate_volumes=dict(type="list", elements="str"),
        run_now=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_one_of=[("name", "id")])
    uses_wait = False
    result_key = "backup_policy"

    def validate(self) -> None:
        p = self.params
        errors = check_params(p)
        if p["state"] == "absent":
            used = [o for o in ("volumes", "disassociate_volumes") if p[o] is not None] + (
                ["run_now"] if p["run_now"] else [])
            if used:
                errors.append(f"{', '.join(used)} cannot be used with state: absent (deleting the policy "
                              "releases all its volumes).")
        if p["purge_volumes"] and p["volumes"] is None:
            errors.append("purge_volumes: true needs volumes, the complete list of the policy's volumes "
                          "(an empty list for none).")
        if errors:
            self.fail(" ".join(errors))

    def explain(self, exc: ApiError) -> str:
        advice = ADVICE.get(exc.code or "")
        return f"{exc} {advice}" if advice else str(exc)

    @property
    def label(self) -> str:
        return f"'{self.params['name']}'" if self.params["name"] else self.params["id"]

    def lookup(self) -> dict | None:
        if self.params["id"]:
            return read_view(self.client, policy_id=self.params["id"])
        return read_view(self.client, name=self.params["name"])

    # -- verbs ----------------------------------------------------------------------------
    def present(self) -> None:
        p = self.params
        current = self.before = self.lookup()
        if current is None and p["id"]:
            raise NotFoundError(f"Backup policy {p['id']} does not exist; this module never creates a policy "
                                "for an id. Give only name to create one.")
        desired = desired_view(current, p)
        errors = check_desired(desired, current is None, self.label)
        if errors:
            self.fail(" ".join(errors))
        view = self.create(desired) if current is None else self.update(current, desired)
        view = self.sync_volumes(view)
        if p["run_now"]:
            self.run_now(view)
        if self.changed:
            self.after = view  # each step returned the policy read again (or predicted in check mode)

    def absent(self) -> None:
        current = self.before = self.lookup()
        if current is not None:
            self.delete(current, f"delete backup policy {self.label}")

    # -- steps ----------------------------------------------------------------------------
    def mutate(self, action: str, predicted: Any, send: Callable[[], Any],
               reread: Callable[[Any], Any] | None = None,
               confirm: Callable[[Any], bool] | None = None, recover: Callable[[], Any] | None = None) -> Any:
        """One mutating request through change(); returns the policy read again (``reread``) or
        ``predicted``."""
        def apply() -> Any:
            answer = send()
            return reread(answer) if reread else predicted
        return self.change(action, apply, predicted=predicted, confirm=confirm, recover=recover)

    def reread(self, policy_id: str) -> Callable[[Any], dict]:
        return lambda _answer: require_view(self.client, policy_id)

    def create(self, desired: dict) -> dict:
        body = create_body(desired)

        def newest() -> Any:  # after a lost answer: the policy this task created is the last of its name
            twins = namesakes(self.client, desired["name"])
            return require_view(self.client, twins[-1]["id"]) if twins else NOT_APPLIED
        view = self.mutate(f"create backup policy {self.label}", desired,
                           lambda: self.client.post("vbs", "/backuppolicy", body=body),
                           lambda answer: require_view(self.client, (answer or {}).get("backup_policy_id")),
                           recover=newest)
        if self.check_mode:
            return view
        # Runs that created the policy at the same time keep the oldest (see keep_oldest).
        winner = self.keep_oldest(view, namesakes(self.client, desired["name"]) or [view], "Backup policy",
                                  lambda: self.delete_request(view), recover=self.gone(view))
        return view if winner is view else require_view(self.client, winner["id"])

    def delete(self, current: dict, action: str) -> None:
        self.mutate(action, None, lambda: self.delete_request(current), recover=self.gone(current))

    def delete_request(self, current: dict) -> None:
        self.client.delete("vbs", "/backuppolicy/{}", current["id"], idempotent=False)  # 204

    def gone(self, current: dict) -> Callable[[], Any]:
        """The ``recover`` of a delete (VBS deletes at once): gone means done."""
        return self.delete_recovery(current, frozenset(),
                                    lambda client, policy_id: read_view(client, policy_id=policy_id), "Backup policy")

    def run_now(self, view: dict) -> None:
        """Execute the policy; after a lost answer, a new backup task proves it ran (VBS refuses a
        second execution while one runs)."""
        tasks = None if self.check_mode or not view.get("id") else backup_task_count(self.client, view["id"])
        self.mutate(f"run backup policy {self.label} now", view,
                    lambda: self.client.post("vbs", "/backuppolicy/{}/action", view["id"]),  # 204
                    recover=lambda: view if backup_task_count(self.client, view["id"]) != tasks else NOT_APPLIED)

    def update(self, current: dict, desired: dict) -> dict:
        view, policy_id = current, current["id"]
        body = update_body(current, desired)
        if body:
            fields = ", ".join(changed_keys(current, desired))
            view = self.mutate(f"update backup policy {self.label} ({fields})", dict(desired, tags=view["tags"]),
                               lambda: self.client.put("vbs", "/backuppolicy/{}", policy_id, body=body),
                               self.reread(policy_id))
        if self.params["tags"] is not None:
            to_set, to_delete = tag_changes(view["tags"], desired["tags"])
            for verb, action, tags in (("remove", "delete", to_delete), ("set", "create", to_set)):
                if tags:
                    new_tags = {k: v for k, v in view["tags"].items() if k not in to_delete}
                    new_tags.update(to_set if action == "create" else {})
                    tag_body = {"action": action, "tags": tags_list(tags)}
                    view = self.mutate(
                        f"{verb} tag(s) {', '.join(sorted(tags))} of backup policy {self.label}",
                        dict(view, tags=new_tags),
                        lambda tag_body=tag_body: self.client.post("vbs", "/backuppolicy/{}/tags/action",
                                                                   policy_id, body=tag_body, idempotent=True),
                        self.reread(policy_id))
        return view

    def sync_volumes(self, view: dict) -> dict:
        """Associate/disassociate with what the count can prove (see purge_volumes)."""
        p = self.params
        wanted = list(dict.fromkeys(p["volumes"] or []))
        drop = [v for v in dict.fromkeys(p["disassociate_volumes"] or []) if v not in wanted]
        purge, listed = p["purge_volumes"], len(wanted)
        count = view["volume_count"]
        if drop and count and not (purge and count == listed):
            if purge and count - len(drop) > listed:
                self.fail_surplus(count - len(drop), listed)
            view = self.volume_step(f"disassociate {len(drop)} volume(s) from backup policy {self.label}",
                                    view, False, drop, certain=purge and count > listed,
                                    predicted=max(count - len(drop), listed if purge else 0))
            count = view["volume_count"]
        if purge and count > listed:
            self.fail_surplus(count, listed)
        if wanted and not (purge and count == listed):
            view = self.volume_step(f"associate {len(wanted)} volume(s) with backup policy {self.label}",
                                    view, True, wanted, certain=count < listed,
                                    predicted=listed if purge else max(count, listed))
            if purge and not self.check_mode and view["volume_count"] > listed:
                self.fail_surplus(view["volume_count"], listed)
        return view

    def volume_step(self, action: str, view: dict, associate: bool, ids: list, certain: bool,
                    predicted: int) -> dict:
        """One associate/disassociate request; a change only if the policy's count moves.

        The API cannot tell beforehand whether a volume is associated, so a step the count cannot
        prove is sent (in check mode: warned about) and judged by the count afterwards.
        """
        if self.check_mode and not certain:
            self.module.warn(f"Check mode cannot tell whether this would change anything: {action}. The API "
                             "does not list the volumes of a policy; a real run sends the request and reports a "
                             "change only if the policy's volume count moves.")
            return view
        answers: list = []

        def send() -> None:
            if associate:
                # Associating (or disassociating) the same volumes twice has the same effect: retried.
                answers.append(self.client.post("vbs", "/backuppolicyresources", body={
                    "backup_policy_id": view["id"],
                    "resources": [{"resource_id": v, "resource_type": "volume"} for v in ids]}, idempotent=True))
            else:
                answers.append(self.client.post("vbs", "/backuppolicyresources/{}/deleted_resources", view["id"],
                                                body={"resources": [{"resource_id": v} for v in ids]},
                                                idempotent=True))
        # Only a moved count proves a change: the volumes may already have been where they should be.
        new = self.mutate(action, dict(view, volume_count=predicted), send, self.reread(view["id"]),
                          confirm=lambda policy: policy["volume_count"] != view["volume_count"])
        failures = resource_failures(answers[0] if answers else None,
                                     ALREADY_ASSOCIATED_CODES if associate else NOT_ASSOCIATED_CODES)
        if (associate and self.params["purge_volumes"] and new["volume_count"] == predicted
                and all(f.get("code") in AMBIGUOUS_ASSOCIATE_CODES for f in failures)):
            # The count now equals the complete list: the "invalid" answers were for volumes
            # that were already associated (the trust purge_volumes puts in the count).
            failures = []
        if failures:
            done = [v for v in ids if v not in {f.get("resource_id") for f in failures}]
            raise CloudDrError(failure_message("associate" if associate else "disassociate", self.label,
                                               failures, done))
        return new

    def fail_surplus(self, count: int, listed: int) -> None:
        raise CloudDrError(
            f"Backup policy {self.label} has {count} associated volume(s) but volumes lists {listed} and "
            "purge_volumes is true. The VBS API does not tell which volumes are associated, so the others "
            "cannot be found: list their IDs in disassociate_volumes, or set purge_volumes: false.")


def main() -> None:
    BackupPolicy.execute()


if __name__ == "__main__":
    main()
