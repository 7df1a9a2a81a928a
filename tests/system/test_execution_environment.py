"""The execution environment: `ansible-builder create` turns awx/execution-environment.yml into a
build context (no container engine here to build it), and ansible-builder's introspection finds
the collection's Python and system requirements through meta/execution-environment.yml."""
import shutil
import subprocess
from pathlib import Path

import yaml

from system_helpers import BIN, ROOT


def build_collection(build_dir: Path, dist: Path) -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(dist),
                    str(build_dir / "ansible_collections" / "cloud_dr" / "sdrs")], check=True, capture_output=True)
    (tarball,) = dist.glob("cloud_dr-sdrs-*.tar.gz")
    return tarball


def test_ansible_builder_creates_the_build_context(build_dir, tmp_path):
    # The EE file takes the collection from ../.build/dist/ relative to itself, as after `make build`.
    (tmp_path / "awx").mkdir()
    shutil.copy(ROOT / "awx" / "execution-environment.yml", tmp_path / "awx")
    tarball = build_collection(build_dir, tmp_path / ".build" / "dist")
    definition = yaml.safe_load((ROOT / "awx" / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert definition["additional_build_files"][0]["src"].endswith(tarball.name), "update the EE file's version"

    done = subprocess.run([str(BIN / "ansible-builder"), "create", "-f", "awx/execution-environment.yml", "-c", "context",
                           "--output-filename", "Containerfile"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core==2.19.* ansible-runner"' in containerfile
    assert "COPY _build/collections/ /build/collections/" in containerfile
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile, "the collection's requirements are found at build time"
    assert (context / "_build" / "collections" / tarball.name).read_bytes() == tarball.read_bytes()
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements == {"collections": [{"name": f"/build/collections/{tarball.name}", "type": "file"}]}
    assert (context / "_build" / "scripts" / "introspect.py").is_file()


def test_introspection_finds_the_collection_requirements(build_dir, tmp_path):
    tarball = build_collection(build_dir, tmp_path / "dist")
    collections = tmp_path / "collections"
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--force", "-p", str(collections), str(tarball)],
                   check=True, capture_output=True)
    installed = collections / "ansible_collections" / "cloud_dr" / "sdrs"
    assert (installed / "meta" / "execution-environment.yml").is_file()
    assert (installed / "bindep.txt").is_file() and (installed / "requirements.txt").is_file()
    found = subprocess.run([str(BIN / "ansible-builder"), "introspect", "--sanitize", str(collections)],
                           capture_output=True, text=True, check=True).stdout
    data = yaml.safe_load(found)
    assert "requests>=2.25  # from collection cloud_dr.sdrs" in data["python"]
    assert "ca-certificates [platform:rpm platform:dpkg]  # from collection cloud_dr.sdrs" in data["system"]
