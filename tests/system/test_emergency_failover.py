"""playbooks/emergency_failover.yml: refuses without the confirmation, fails the chosen groups over
in parallel and starts their servers at the DR site, and a re-run changes nothing."""
from system_helpers import facts_of


def test_refuses_without_an_explicit_confirmation(protected, protected_playbook):
    for extra in ({"emergency_failover_groups": "web-tier"},
                  {"emergency_failover_groups": "web-tier", "emergency_failover_confirm": "yes"},
                  {"emergency_failover_groups": "web-tier", "emergency_failover_confirm": True},
                  {"emergency_failover_confirm": "FAILOVER"}):
        result = protected_playbook("playbooks/emergency_failover.yml", extra=extra)
        assert result.rc != 0, result
        assert "Refusing the emergency failover" in result.stdout
        assert "set emergency_failover_confirm=FAILOVER (exactly)" in result.stdout
    unknown = protected_playbook("playbooks/emergency_failover.yml",
                                 extra={"emergency_failover_groups": "web-tier,nope", "emergency_failover_confirm": "FAILOVER"})
    assert unknown.rc != 0 and "No protection group is named nope; nothing was failed over" in unknown.stdout, unknown
    assert protected.mutations() == []
    assert all(g["status"] == "protected" for g in protected.groups().values())


def test_fails_the_groups_over_in_parallel_and_a_rerun_changes_nothing(protected, protected_playbook, tmp_path):
    extra = {"emergency_failover_groups": "web-tier db-tier", "emergency_failover_confirm": "FAILOVER"}
    mark = protected.mark()
    result, facts = facts_of(protected_playbook, tmp_path, "playbooks/emergency_failover.yml", extra=extra)
    assert result.rc == 0, result
    done = {g["name"]: g for g in facts["emergency_failover_result"]}
    assert sorted(done) == ["db-tier", "web-tier"]
    for group in done.values():
        assert group["result"] == "done" and group["error"] is None
        assert group["status"] == "failed-over" and group["production_site"] == "target"
        assert group["failover_seconds"] > 0
    groups = protected.groups()
    assert groups["web-tier"]["status"] == groups["db-tier"]["status"] == "failed-over"
    assert groups["app-tier"]["status"] == "protected", "only the chosen groups"
    servers = protected.state()["servers"]
    for name in ("web-tier", "db-tier"):
        for instance in protected.instances(name).values():
            # SDRS reports the server now in production as source_server.
            assert servers[instance["source_server"]]["status"] == "ACTIVE"
            assert servers[instance["source_server"]]["az"] == "eu-de-02"
    requests = protected.requests(mark)
    fired = [r["seq"] for r in requests if r["mutating"] and r["path"].endswith("/action") and "/server-groups/" in r["path"]]
    reads = [r["seq"] for r in requests if r["method"] == "GET" and "/jobs/" in r["path"] and r["service"] == "sdrs"]
    assert len(fired) == 2 and max(fired) < min(reads), "both failovers submitted before any job was waited on"

    mark = protected.mark()
    again = protected_playbook("playbooks/emergency_failover.yml", extra=extra)
    assert again.rc == 0 and again.changed == 0, again
    assert protected.mutations(mark) == []
