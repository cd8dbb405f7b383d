# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a resource's logic from validated parameters and return a plain Ansible result.

The module (in a new Python on the target) and the action plugin (in-process on the controller)
both call run(); each only turns the plain result into its own way of answering.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection import (
    client_from_params, connection_warnings, environment_secrets, resolve_credentials, url_secrets,
)


def run(logic, params, check_mode=False, diff_mode=False, environ=None):
    """Return (result, warnings). A NodeumError becomes a failed result whose msg is its sentence.

    environ is where the credentials come from when the task sets none: the module's own
    environment by default; the action plugin passes the task's.
    """
    warnings = []
    client = None
    try:
        credentials = resolve_credentials(params, environ)
        warnings.extend(connection_warnings(params, credentials))
        client = client_from_params(params, credentials)
        result = logic(client, params, check_mode)
    except NodeumError as error:
        result = dict(failed=True, changed=False, msg=error.message)
    finally:
        if client is not None:
            warnings.extend(client.warnings)
            client.close()
    if not diff_mode:
        result.pop('diff', None)
    return result, warnings


def run_ansible_module(module, logic):
    """The whole main() of a module once AnsibleModule has parsed the arguments."""
    from ansible.module_utils.basic import missing_required_lib
    from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import HAS_REQUESTS

    # A password written into the url is refused, and masked wherever Ansible shows the options.
    module.no_log_values.update(url_secrets(module.params.get('url')))
    # Credentials from the NODEUM_* environment are masked too, as Ansible masks no_log options.
    module.no_log_values.update(environment_secrets(module.params))
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'))
    result, warnings = run(logic, module.params, check_mode=module.check_mode, diff_mode=module._diff)
    for warning in warnings:
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
