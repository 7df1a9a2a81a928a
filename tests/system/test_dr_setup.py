"""playbooks/dr_setup.yml (role cloud_dr.sdrs.dr_setup) against the emulator: check mode on an empty
project, apply, idempotent re-runs, a changed description (removals, purge, protection off), and
bad variables refused before any request."""
import yaml

from system_helpers import DEMO_VARS, facts_of

DEMO_ACTIONS = [
    "create protection group 'web-tier'",
    "create protection group 'app-tier'",
    "create protection group 'db-tier'",
    "enable protection of protection group 'web-tier'",
    "enable protection of protection group 'app-tier'",
    "enable protection of protection group 'db-tier'",
    "create backup policy 'nightly'",
    "associate 2 volume(s) with backup policy 'nightly'",
    "create backup policy 'weekend'",
]
DEMO_INSTANCES = [("web-tier", "web-01"), ("web-tier", "web-02"), ("app-tier", "app-01"), ("app-tier", "app-02"),
                  ("db-tier", "db-01")]

CHANGES = {
    "dr_setup_protection_groups": [
        {"name": "web-tier", "instances": [{"name": "web-01"}, {"name": "web-02", "state": "absent"},
                                           {"name": "batch-01"}]},
        {"name": "app-tier", "state": "absent", "delete_target_servers": True},
        {"name": "db-tier", "purge_instances": True, "protection": "disabled", "instances": []},
    ],
    "dr_setup_backup_policies": [{"name": "weekend", "state": "absent"}],
}


def test_check_mode_on_an_empty_project_predicts_everything_and_sends_nothing(playbook, emulator, tmp_path):
    result, facts = facts_of(playbook, tmp_path, "playbooks/dr_setup.yml", "--check", "--diff")
    assert result.rc == 0, result
    actions = facts["dr_setup_result"]["actions"]
    for action in DEMO_ACTIONS:
        assert action in actions, result
    for group, instance in DEMO_INSTANCES:  # predicted by the module in a group that does not exist yet
        assert f"create protected instance '{instance}' in protection group '{group}'" in actions
    assert len(actions) == len(DEMO_ACTIONS) + len(DEMO_INSTANCES)
    assert facts["dr_setup_result"]["check_mode"] is True
    # The diff of a group check mode would create, and the prediction of what follows it.
    assert '+    "name": "web-tier",' in result.stdout
    assert '+    "name": "web-01",' in result.stdout, "the predicted instance's diff"
    assert "Would change (check mode):" in result.stdout
    assert emulator.mutations() == []
    assert emulator.groups() == {}


def test_apply_then_rerun_and_check_change_nothing(playbook, emulator, tmp_path):
    result, facts = facts_of(playbook, tmp_path, "playbooks/dr_setup.yml")
    assert result.rc == 0, result
    assert facts["dr_setup_result"]["changed"] is True
    actions = facts["dr_setup_result"]["actions"]
    for action in DEMO_ACTIONS:
        assert action in actions
    for group, instance in DEMO_INSTANCES:
        assert any(a.startswith("protect server '") and a.endswith(f"' as protected instance '{instance}' in "
                                                                   f"protection group '{group}'") for a in actions)
    groups = emulator.groups()
    assert sorted(groups) == ["app-tier", "db-tier", "web-tier"]
    for name, members in (("web-tier", ["web-01", "web-02"]), ("app-tier", ["app-01", "app-02"]), ("db-tier", ["db-01"])):
        assert groups[name]["status"] == "protected"
        assert groups[name]["priority_station"] == "source"
        instances = emulator.instances(name)
        assert sorted(instances) == members
        assert all(i["status"] == "protected" for i in instances.values())
    assert [t["key"] for t in emulator.instances("web-tier")["web-02"]["tags"]] == ["app", "tier"]
    assert groups["web-tier"]["description"] == "Web servers eu-de-01 to eu-de-02"
    policies = {p["backup_policy_name"]: p for p in emulator.state()["backup_policies"].values()}
    assert sorted(policies) == ["nightly", "weekend"]
    seed = emulator.info["emulator_seed"]["volumes"]
    assert sorted(policies["nightly"]["_volumes"]) == sorted([seed["backup-vol-01"], seed["backup-vol-02"]])
    assert policies["weekend"]["scheduled_policy"]["week_frequency"] == ["SAT", "SUN"]
    # Protection was enabled only after the instances existed: the order of the mutating requests.
    mutations = emulator.mutations()
    enables = [i for i, m in enumerate(mutations) if m.endswith("/action")]
    creates = [i for i, m in enumerate(mutations) if m.endswith("/protected-instances")]
    assert len(enables) == 3 and len(creates) == 5
    assert max(creates) < min(enables)
    summary = {g["name"]: g["status"] for g in facts["dr_setup_result"]["protection_groups"]}
    assert summary == {"web-tier": "protected", "app-tier": "protected", "db-tier": "protected"}

    mark = emulator.mark()
    again, facts = facts_of(playbook, tmp_path, "playbooks/dr_setup.yml")
    assert again.rc == 0 and again.changed == 0, again
    assert facts["dr_setup_result"]["actions"] == []
    assert "Nothing to change." in again.stdout
    assert emulator.mutations(mark) == []

    mark = emulator.mark()
    check = playbook("playbooks/dr_setup.yml", "--check", "--diff")
    assert check.rc == 0 and check.changed == 0, check
    assert emulator.mutations(mark) == []


def test_a_changed_description_removes_purges_and_disables_in_order(protected_playbook, protected, tmp_path):
    emulator, playbook = protected, protected_playbook  # starts from the demo's setup, already applied
    app_dr_servers = [i["target_server"] for i in emulator.instances("app-tier").values()]

    mark = emulator.mark()
    check, facts = facts_of(playbook, tmp_path, "playbooks/dr_setup.yml", "--check", "--diff", extra=CHANGES)
    assert check.rc == 0, check
    predicted = facts["dr_setup_result"]["actions"]
    assert emulator.mutations(mark) == []
    assert "delete protection group 'app-tier'" in predicted
    assert "delete protected instance 'web-02'" in predicted
    assert "delete protected instance 'db-01'" in predicted
    assert "disable protection of protection group 'db-tier'" in predicted
    assert "protect server 'batch-01' as protected instance 'batch-01' in protection group 'web-tier'" in predicted
    assert "delete backup policy 'weekend'" in predicted

    result, facts = facts_of(playbook, tmp_path, "playbooks/dr_setup.yml", extra=CHANGES)
    assert result.rc == 0, result
    assert sorted(facts["dr_setup_result"]["actions"]) == sorted(predicted)
    groups = emulator.groups()
    assert sorted(groups) == ["db-tier", "web-tier"]
    assert sorted(emulator.instances("web-tier")) == ["batch-01", "web-01"]
    assert groups["web-tier"]["status"] == "protected"
    assert emulator.instances("db-tier") == {}
    assert groups["db-tier"]["status"] == "available"
    servers = emulator.state()["servers"]
    assert all(server not in servers for server in app_dr_servers), "delete_target_servers: the DR servers are gone"
    assert [p["backup_policy_name"] for p in emulator.state()["backup_policies"].values()] == ["nightly"]
    # db-tier: protection off before its instance went.
    mutations = emulator.mutations(mark)
    db_id = groups["db-tier"]["id"]
    stop = mutations.index(f"POST /v1/{emulator.info['emulator_project']['id']}/server-groups/{db_id}/action")
    deletes = [i for i, m in enumerate(mutations) if m.startswith("DELETE") and "/protected-instances/" in m]
    assert stop < max(deletes)

    mark = emulator.mark()
    again = playbook("playbooks/dr_setup.yml", extra=CHANGES)
    assert again.rc == 0 and again.changed == 0, again
    assert emulator.mutations(mark) == []


def test_bad_variables_fail_before_any_request(playbook, emulator):
    bad_choice = {"dr_setup_protection_groups": [{"name": "web-tier", "protection": "on"}]}
    result = playbook("playbooks/dr_setup.yml", extra=bad_choice)
    assert result.rc != 0
    assert "value of protection must be one of: enabled, disabled, got: on" in result.stdout, result

    unknown = {"dr_setup_protection_groups": [{"name": "web-tier", "servers": ["web-01"]}]}
    result = playbook("playbooks/dr_setup.yml", extra=unknown)
    assert result.rc != 0
    assert "dr_setup_protection_groups.servers. Supported parameters include" in result.stdout, result

    missing_name = {"dr_setup_protection_groups": [{"instances": [{"name": "web-01"}]}]}
    result = playbook("playbooks/dr_setup.yml", extra=missing_name)
    assert result.rc != 0
    assert "missing required arguments: name" in result.stdout, result

    twice = {"dr_setup_protection_groups": [{"name": "web-tier"}, {"name": "web-tier"}],
             "dr_setup_backup_policies": []}
    result = playbook("playbooks/dr_setup.yml", extra=twice)
    assert result.rc != 0
    assert "lists protection group 'web-tier' more than once" in result.stdout, result
    assert emulator.requests() == []


def test_demo_description_matches_the_argument_spec():
    spec = yaml.safe_load((DEMO_VARS.parent.parent.parent / "roles/dr_setup/meta/argument_specs.yml").read_text())
    options = spec["argument_specs"]["main"]["options"]
    group_options = set(options["dr_setup_protection_groups"]["options"])
    instance_options = set(options["dr_setup_protection_groups"]["options"]["instances"]["options"])
    demo = yaml.safe_load(DEMO_VARS.read_text())
    for group in demo["dr_setup_protection_groups"]:
        assert set(group) <= group_options
        for instance in group["instances"]:
            assert set(instance) <= instance_options
