"""AWX material: the credential type injects what the modules read, the job templates and the
schedule fit the playbooks, and the drill playbook runs through ansible-runner (the engine AWX
uses) with the credentials injected as AWX would, leaving no secret in its artifacts."""
import datetime
import json
import shutil
from pathlib import Path

import ansible_runner
import jinja2.meta
import jinja2.sandbox
import pytest
import yaml

from system_helpers import ROOT, ansible_env

AWX = ROOT / "awx"
CREDENTIAL_TYPE = yaml.safe_load((AWX / "credential_type.yml").read_text())
CONNECTION_DOC = (ROOT / "plugins" / "doc_fragments" / "connection.py").read_text()


def inject(inputs: dict, workdir: Path) -> dict:
    """Render the credential type's injectors the way AWX does: a sandboxed Jinja2 environment,
    inputs not given are undefined (rendered empty), file templates written to files whose paths
    are in tower.filename."""
    env = jinja2.sandbox.ImmutableSandboxedEnvironment()
    files = {}
    for key, template in CREDENTIAL_TYPE["injectors"].get("file", {}).items():
        name = key.split(".", 1)[1]
        path = workdir / f"credential_{name}"
        path.write_text(env.from_string(template).render(**inputs))
        files[name] = str(path)
    namespace = dict(inputs, tower={"filename": files})
    return {var: env.from_string(template).render(**namespace)
            for var, template in CREDENTIAL_TYPE["injectors"]["env"].items()}


def test_the_credential_type_injects_the_variables_the_modules_read():
    fields = {f["id"]: f for f in CREDENTIAL_TYPE["inputs"]["fields"]}
    assert {f for f, spec in fields.items() if spec.get("secret")} == {"password", "secret_key", "token"}
    for var in CREDENTIAL_TYPE["injectors"]["env"]:
        assert var in CONNECTION_DOC, f"{var} is not an environment variable the modules read"
    for var in ("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_USER_DOMAIN_NAME", "OS_PROJECT_NAME", "OS_PROJECT_ID",
                "OS_REGION_NAME", "OS_ACCESS_KEY", "OS_SECRET_KEY", "OS_CACERT", "CLOUD_DR_SDRS_ENDPOINTS"):
        assert var in CREDENTIAL_TYPE["injectors"]["env"]
    for template in CREDENTIAL_TYPE["injectors"]["env"].values():
        for name in jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(template)) - {"tower"}:
            assert name in fields, f"injector uses unknown input {name}"


def test_empty_inputs_are_harmless(tmp_path):
    env = inject({"username": "u"}, tmp_path)
    assert env["OS_CACERT"] == "", "no CA given: no empty CA file"
    assert json.loads(env["CLOUD_DR_SDRS_ENDPOINTS"]) == {}
    assert env["OS_PASSWORD"] == ""


def survey_variables(template: dict) -> dict:
    return {q["variable"]: q for q in template["survey_spec"]["spec"]}


def role_options(role: str) -> dict:
    spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    return spec["argument_specs"]["main"]["options"]


@pytest.mark.parametrize("name, role", [("dr_setup", "dr_setup"), ("failover_drill", "failover_drill"),
                                        ("emergency_failover", None)])
def test_job_templates_fit_the_playbooks(name, role):
    template = yaml.safe_load((AWX / "job_templates" / f"{name}.yml").read_text())
    assert (ROOT / template["playbook"]).is_file()
    assert template["allow_simultaneous"] is False, "a second job of a DR template must wait for the first"
    playbook_text = (ROOT / template["playbook"]).read_text()
    assert "group/cloud_dr.sdrs.sdrs" in playbook_text and "sdrs_auth | default({})" in playbook_text
    for variable, question in survey_variables(template).items():
        assert question["type"] in ("text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect")
        assert question["question_name"]
        if role:
            assert variable in role_options(role), f"survey variable {variable} is not an option of role {role}"
        else:
            assert variable in playbook_text
        if question["type"] == "multiplechoice":
            assert question["default"] in question["choices"]
    if role:
        options = role_options(role)
        for variable in template.get("extra_vars") or {}:
            assert variable in options


def test_the_emergency_template_asks_for_the_confirmation():
    template = yaml.safe_load((AWX / "job_templates" / "emergency_failover.yml").read_text())
    confirm = survey_variables(template)["emergency_failover_confirm"]
    assert confirm["required"] is True and "default" not in confirm
    assert "FAILOVER" in confirm["question_name"]


def test_the_weekly_schedule_runs_the_drill_template():
    schedule = yaml.safe_load((AWX / "schedules" / "weekly_drill.yml").read_text())
    template = yaml.safe_load((AWX / "job_templates" / "failover_drill.yml").read_text())
    assert schedule["unified_job_template"] == template["name"]
    assert "FREQ=WEEKLY" in schedule["rrule"] and schedule["rrule"].startswith("DTSTART")
    assert set(schedule["extra_data"]) <= set(survey_variables(template))
    start, rule = schedule["rrule"].split(" ")
    zone, when = start.split(";TZID=")[1].split(":")
    assert zone == "Europe/Berlin"
    assert datetime.datetime.strptime(when, "%Y%m%dT%H%M%S").weekday() == 6, "DTSTART is a Sunday"
    parts = dict(item.split("=") for item in rule.removeprefix("RRULE:").split(";"))
    assert parts == {"FREQ": "WEEKLY", "INTERVAL": "1", "BYDAY": "SU"}


def run_with_credential(protected, build_dir, tmp_path, inputs: dict, ident: str, extravars: dict, cmdline: str = ""):
    """ansible-runner as AWX runs a job: project copy, localhost inventory, injected environment."""
    data = tmp_path / "runner"
    shutil.copytree(ROOT / "playbooks", data / "project" / "playbooks", dirs_exist_ok=True)
    (data / "inventory").mkdir(exist_ok=True)
    shutil.copy(AWX / "inventory.yml", data / "inventory" / "hosts.yml")
    env = ansible_env(build_dir)
    env.update(inject(inputs, tmp_path))
    runner = ansible_runner.run(private_data_dir=str(data), playbook="playbooks/failover_drill.yml", ident=ident,
                                envvars=env, extravars=extravars, cmdline=cmdline or None, quiet=True,
                                suppress_env_files=True)
    return runner, data


SECRET_VARIABLES = {"OS_PASSWORD", "OS_SECRET_KEY", "OS_AUTH_TOKEN"}


def secrets_in(directory: Path, secrets: list) -> list:
    """Every file under DIRECTORY that holds one of SECRETS. ansible-runner records the environment it
    started ansible-playbook with in artifacts/<ident>/command (mode 0600; AWX keeps it only in the
    job's private directory, which it deletes, and stores the environment redacted): there, a secret
    may appear only as the value of a variable the credential type injects, nowhere else."""
    secrets = [s for s in secrets if s]
    found = []
    for path in directory.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        if path.name == "command" and path.parent.parent.name == "artifacts":
            assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
            record = json.loads(text)
            holders = {k for k, v in record["env"].items() if any(s in str(v) for s in secrets)}
            assert holders <= SECRET_VARIABLES, f"secrets in other environment variables: {holders}"
            text = json.dumps({k: v for k, v in record.items() if k != "env"})
        found += [f"{path.relative_to(directory)}: {secret[:6]}..." for secret in secrets if secret in text]
    return found


def test_the_drill_runs_through_ansible_runner_with_injected_credentials(protected, build_dir, tmp_path):
    auth = protected.info["sdrs_auth_token"]
    inputs = {"auth_url": auth["auth_url"], "username": auth["username"], "password": auth["password"],
              "user_domain_name": auth["user_domain_name"], "project_name": auth["project_name"],
              "ca_cert": Path(auth["ca_path"]).read_text()}
    report_dir = tmp_path / "runner" / "artifacts" / "reports"
    runner, data = run_with_credential(protected, build_dir, tmp_path, inputs, "weekly-drill",
                                       {"failover_drill_groups": "web-tier,db-tier",
                                        "failover_drill_report_dir": str(report_dir)})
    assert runner.status == "successful" and runner.rc == 0, runner.stdout.read()
    events = list(runner.events)
    stats = [e for e in events if e["event"] == "playbook_on_stats"][0]["event_data"]
    report = stats["artifact_data"]["failover_drill_report"]
    assert [(g["name"], g["result"]) for g in report["groups"]] == [("web-tier", "passed"), ("db-tier", "passed")]
    assert stats["failures"] == {} and stats["ok"]["localhost"] > 20
    waits = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"]["task_action"] == "cloud_dr.sdrs.job_info"]
    assert waits and all(e["event_data"]["res"]["failed_job_ids"] == [] for e in waits)
    drills = [e for e in events if e["event"] == "runner_item_on_ok" and e["event_data"]["task_action"] == "cloud_dr.sdrs.dr_drill"]
    assert len(drills) == 4, "two drills created and two deleted"
    artifacts = data / "artifacts" / "weekly-drill"
    assert (artifacts / "status").read_text() == "successful"
    assert list((artifacts / "job_events").glob("*.json"))
    assert sorted(p.suffix for p in report_dir.iterdir()) == [".html", ".json", ".md"]
    secrets = [auth["password"]] + list(protected.state()["tokens"])
    assert secrets_in(data, secrets) == []
    assert protected.state()["drills"] == {}


@pytest.mark.parametrize("kind", ["aksk", "token"])
def test_check_mode_through_ansible_runner_with_the_other_credential_kinds(protected, build_dir, tmp_path, kind):
    aksk = protected.info["sdrs_auth_aksk"]
    inputs = {"project_id": aksk["project_id"], "region": aksk["region"], "ca_cert": Path(aksk["ca_path"]).read_text(),
              "endpoints": json.dumps(aksk["endpoints"])}
    if kind == "aksk":
        inputs.update(access_key=aksk["access_key"], secret_key=aksk["secret_key"])
        secrets = [aksk["secret_key"]]
    else:
        auth = protected.info["sdrs_auth_token"]
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": auth["username"], "password": auth["password"], "domain": {"name": auth["user_domain_name"]}}}},
            "scope": {"project": {"id": aksk["project_id"]}}}}
        import urllib.request  # pylint: disable=import-outside-toplevel
        request = urllib.request.Request(auth["auth_url"] + "/auth/tokens", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, context=protected.context) as answer:
            inputs["token"] = answer.headers["X-Subject-Token"]
        secrets = [inputs["token"], auth["password"]]
    mark = protected.mark()
    runner, data = run_with_credential(protected, build_dir, tmp_path, inputs, f"check-{kind}",
                                       {"failover_drill_groups": ["app-tier"]}, cmdline="--check")
    assert runner.status == "successful", runner.stdout.read()
    requests = protected.requests(mark)
    assert {r["auth"] for r in requests} == {kind if kind == "aksk" else "token"}
    assert not [r for r in requests if r["mutating"]]
    assert secrets_in(data, secrets) == []
