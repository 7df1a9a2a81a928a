"""Copy the collection's files into .build/ansible_collections/cloud_dr/sdrs.

ansible-test needs the collection under an ``ansible_collections/<ns>/<name>`` path and
rejects a symlink, so tests run on a fresh copy of the files git tracks or would track.
"""
import os
import shutil
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# SDRS_BUILD_DIR lets several checkouts or people test side by side without sharing a tree.
build = os.environ.get("SDRS_BUILD_DIR") or os.path.join(root, ".build")
dest = os.path.join(build, "ansible_collections", "cloud_dr", "sdrs")
files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root, check=True,
                       capture_output=True).stdout.decode().split("\0")
# Keep ansible-test's output (its caches) but replace everything else.
if os.path.isdir(dest):
    for entry in os.listdir(dest):
        if entry == "tests":
            for sub in os.listdir(os.path.join(dest, "tests")):
                if sub != "output":
                    path = os.path.join(dest, "tests", sub)
                    shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
        else:
            path = os.path.join(dest, entry)
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
copied = 0
for rel in files:
    src = os.path.join(root, rel)
    if not rel or not os.path.isfile(src):
        continue  # deleted in the work tree but still in the index
    target = os.path.join(dest, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(src, target)
    copied += 1
# ansible-test lists a collection's files with git when the tree is inside a git work tree;
# the default tree (.build/) lies inside this repository, where git ignores it, so ansible-test
# would see no files at all. The copy therefore becomes a git repository of its own.
if not os.path.isdir(os.path.join(dest, ".git")):
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
subprocess.run(["git", "add", "-A"], cwd=dest, check=True)  # the copied .gitignore keeps tests/output out
print(f"collection tree: {copied} files in {dest}", file=sys.stderr)
