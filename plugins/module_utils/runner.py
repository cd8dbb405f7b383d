# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one execution core: validated parameters and an environment in, a plain result out.

Both ways of running a module of this collection end here: the module itself (in a new Python,
with its own process environment) and the controller-side path in plugins/plugin_utils (in the
controller's process, with the task's environment). execute() resolves every connection option
and credential from the environment it is given, runs the resource logic, and returns the result
together with the values the caller must mask. The adapters only validate and format.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client as transport
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection import (
    client_from_params, connection_warnings, resolve_credentials, resolve_settings, secrets_to_mask,
)

# result: the plain Ansible result (failed=True and msg on a failure); warnings: texts to show;
# secrets: values to mask wherever the result, the warnings or the task's options are shown.
Outcome = namedtuple('Outcome', 'result warnings secrets')


def execute(logic, params, environ, check_mode=False, diff_mode=False):
    """Run logic(client, params, check_mode) with the connection that params and environ give.

    A NodeumError becomes a failed result whose msg is its sentence. environ is the environment
    the module would see: its own os.environ, or the task's on the controller-side path.
    """
    secrets = secrets_to_mask(params, environ)
    if not transport.HAS_REQUESTS:
        from ansible.module_utils.basic import missing_required_lib
        return Outcome(dict(failed=True, changed=False, msg=missing_required_lib('requests')), [], secrets)
    warnings = []
    client = None
    try:
        settings = resolve_settings(params, environ)
        credentials = resolve_credentials(params, environ)
        warnings.extend(connection_warnings(settings, credentials))
        client = client_from_params(settings, credentials)
        result = logic(client, params, check_mode)
    except transport.NodeumError as error:
        result = dict(failed=True, changed=False, msg=error.message)
    finally:
        if client is not None:
            warnings.extend(client.warnings)
            client.close()
    if not diff_mode:
        result.pop('diff', None)
    return Outcome(result, warnings, secrets)


def run_ansible_module(module, logic):
    """The whole main() of a module once AnsibleModule has parsed the arguments."""
    # module._diff is how AnsibleModule exposes diff mode; modules of ansible-core read it the same way.
    outcome = execute(logic, module.params, os.environ, check_mode=module.check_mode, diff_mode=module._diff)
    module.no_log_values.update(outcome.secrets)
    for warning in outcome.warnings:
        module.warn(warning)
    result = dict(outcome.result)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
