"""User documentation: `make docs` generates the module and role reference from the plugins' own
documentation (antsibull-docs), and the hand-written pages link to pages that exist."""
import re
import subprocess

from system_helpers import ROOT

PAGES = ["README.md", "install.md", "authentication.md", "dr-setup.md", "drills.md", "troubleshooting.md",
         "emulator.md", "awx.md"]


def test_make_docs_generates_the_reference(tmp_path):
    # -o .venv/.installed: use the virtualenv as it is, never rebuild it from a test.
    done = subprocess.run(["make", "-s", "-o", ".venv/.installed", "docs", f"SDRS_BUILD_DIR={tmp_path}"], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    docs = tmp_path / "docs"
    modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
    for module in modules:
        page = (docs / f"{module}_module.rst").read_text()
        assert f"cloud_dr.sdrs.{module} module" in page
        assert "Parameters" in page and "Examples" in page
    for role in ("dr_setup", "failover_drill"):
        page = (docs / f"{role}_role.rst").read_text()
        assert f"cloud_dr.sdrs.{role} role" in page and "Entry point ``main``" in page
    index = (docs / "index.rst").read_text()
    assert "dr_setup_role" in index and "failover_module" in index
    assert f"Module and role reference: {docs}/index.rst" in done.stdout
    assert not (ROOT / "docs" / "index.rst").exists(), "generated files stay out of the repository"


def test_the_pages_exist_and_their_links_resolve():
    index = (ROOT / "docs" / "README.md").read_text()
    for page in PAGES[1:] + ["protection.md", "failover-runbook.md", "resize.md", "backup-policies.md"]:
        assert f"]({page})" in index, f"docs/README.md does not link {page}"
    for page in PAGES:
        text = (ROOT / "docs" / page).read_text()
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http", "mailto")):
                continue
            assert (ROOT / "docs" / target).resolve().exists(), f"docs/{page} links to missing {target}"
