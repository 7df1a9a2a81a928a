"""Stand-in for ansible-test's downloaded get-pip script (the download host is unreachable here).

ansible-test runs this file inside each fresh sanity venv with the pip options and packages it
wants; we bootstrap pip from the interpreter's own ensurepip and install the same packages from
the package registry. ``--no-setuptools``/``--no-wheel`` are get-pip options pip does not know.
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + args)
