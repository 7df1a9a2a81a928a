"""Put the get-pip stand-in where ansible-test looks before it tries to download one.

ansible-test sanity builds a venv per test and bootstraps pip with a script it downloads from
a host these machines cannot reach; it first looks in ~/.ansible/test/cache/get_pip_<ver>.py.
"""
import os
import re
import shutil

import ansible_test

reqs = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
with open(reqs, encoding="utf-8") as handle:
    version = re.search(r"pip='([0-9.]+)'", handle.read()).group(1)
target = os.path.expanduser(f"~/.ansible/test/cache/get_pip_{version.replace('.', '_')}.py")
os.makedirs(os.path.dirname(target), exist_ok=True)
shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "get_pip_standin.py"), target)
print(f"get-pip stand-in for pip {version}: {target}")
