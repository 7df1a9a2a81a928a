# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The doc fragments mirror the argument specs (habit 2): names, types, defaults, choices, secrets."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.cloud_dr.sdrs.plugins.doc_fragments import connection, wait
from ansible_collections.cloud_dr.sdrs.plugins.module_utils._arguments import (
    connection_argument_spec, wait_argument_spec)


def _options(fragment) -> dict:
    return yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"]


@pytest.mark.parametrize("fragment, spec, module_specific", [
    (connection, connection_argument_spec(), set()),
    (wait, wait_argument_spec(123), {"timeout"}),
])
def test_fragment_mirrors_spec(fragment, spec, module_specific):
    docs = _options(fragment)
    assert list(docs) == list(spec)
    for name, option in spec.items():
        doc = docs[name]
        assert doc["type"] == option.get("type", "str"), name
        if name not in module_specific:
            assert doc.get("default") == option.get("default"), name
        assert doc.get("choices") == option.get("choices"), name
        secret = option.get("no_log", False)
        assert ("This is a secret." in " ".join(doc["description"])) is secret, name
        for env in (option.get("fallback") or (None, []))[1]:
            assert f"E({env})" in " ".join(doc["description"]), (name, env)
    for name in module_specific:
        assert "default" not in docs[name]
        assert "The default depends on the module." in docs[name]["description"]
