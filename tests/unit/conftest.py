# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.cloud_dr.sdrs`` importable under plain pytest.

``ansible-test units`` runs the tests from a real ``ansible_collections/cloud_dr/sdrs`` tree, so
the first import succeeds and nothing happens. A plain ``pytest tests/unit`` from a checkout
gets a symlink tree ``<repo>/.pytest-collections/ansible_collections/cloud_dr/sdrs -> <repo>``
(git-ignored) on ``sys.path``.
"""

from __future__ import annotations

import importlib
import os
import sys

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _importable() -> bool:
    try:
        importlib.import_module("ansible_collections.cloud_dr.sdrs.plugins.module_utils._errors")
    except ImportError:
        return False
    return True


def _add_symlink_tree() -> None:
    root = os.path.join(_REPO, ".pytest-collections")
    link = os.path.join(root, "ansible_collections", "cloud_dr", "sdrs")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(_REPO, link, target_is_directory=True)
    if root not in sys.path:
        sys.path.insert(0, root)
    # Forget the failed lookup so the namespace package is searched again.
    for name in [n for n in sys.modules if n == "ansible_collections" or n.startswith("ansible_collections.")]:
        del sys.modules[name]
    importlib.invalidate_caches()


if not _importable():
    _add_symlink_tree()
    if not _importable():
        raise ImportError(f"cannot make ansible_collections.cloud_dr.sdrs importable from {_REPO}")


import pytest  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils import _internal  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils.common import warnings as _warnings  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(autouse=True)
def _module_side_warnings(monkeypatch):
    """Module warnings go into the result only on the module side: once a test imports a controller
    plugin (tests/unit/bench loads a callback), ansible marks the process as the controller and
    sends warnings to the display instead. Every test runs modules on the module side, with no
    warning left over from another test (the dict deduplicates them)."""
    monkeypatch.setattr(_internal, "is_controller", False)
    _warnings._global_warnings.clear()  # pylint: disable=protected-access
