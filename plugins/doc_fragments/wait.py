# -*- coding: utf-8 -*-
# Copyright: contributors to the cloud_dr.sdrs collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait options of the modules that start asynchronous jobs (mirrors ``wait_argument_spec``)."""

from __future__ import annotations


class ModuleDocFragment:
    # The timeout default is module-specific: a module sets it in its own DOCUMENTATION with
    # ``options: {timeout: {default: 600}}``; the rest of this entry is merged in.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to wait until the asynchronous jobs the task starts have finished.
      - With V(false) the task returns as soon as the jobs are submitted, with their job IDs, so that
        many operations can be started at once and waited for by a later task.
    type: bool
    default: true
  timeout:
    description:
      - How many seconds to wait in all for the jobs and status changes of the task when O(wait=true).
      - The default depends on the module.
      - When the time runs out the task fails, but the operation may still be running in the cloud;
        running the task again resumes waiting instead of starting the operation a second time.
    type: int
"""
