# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of the cloud_dr.sdrs collection against the emulator (``make bench``).

- :mod:`.analysis`: pure functions (statistics, task timelines, request-log splitting);
- :mod:`.report`: goals, the JSON document, the Markdown table, comparisons;
- :mod:`.harness`: the emulator, the collection tree and ``ansible-playbook`` runs;
- :mod:`.figures`: the six measured figures of issue 10.
"""
