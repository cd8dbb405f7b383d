# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection does once AnsibleModule has parsed its arguments.

execute() builds the client from the parsed options and the credentials (the task's, else the
NODEUM_* environment's), runs the resource logic and returns a plain result: on a NodeumError a
failed one, whose msg is the error's sentence and whose api_error holds the facts of the failed
API call. run() is the whole rest of a module's main(). Every msg and warning leaves here with its
control characters shown, not obeyed (terminal_safe), whatever part of it the server wrote.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import time

from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import HAS_REQUESTS
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection_options import (
    check_setting_variables,
    client_from_params,
    connection_warnings,
    normalize_base_url,
    resolve_credentials,
    secrets_to_mask,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.terminal_safe import visible, visible_data

try:  # ansible-core 2.22 and later: registered secrets are masked in every output, of core and of any callback
    from ansible.module_utils.secrets import register_secrets
except ImportError:  # before 2.22, AnsibleModule removes its no_log_values from the module's answer
    register_secrets = None

# What the resource logic is given beside the client and the parameters: check_mode, whether to
# change nothing; warn(sentence), where its warnings go; wait(seconds), how it pauses (tests pass their own).
RunContext = namedtuple('RunContext', 'check_mode warn wait')


def execute(logic, params, environ, check_mode=False, diff_mode=False, wait=time.sleep):
    """Run logic(client, params, RunContext(check_mode, warn, wait)); return (result, warnings): the client's and the
    logic's.

    environ is where the settings' and the credentials' variables come from (the module's own os.environ).
    """
    warnings = []
    client = None
    try:
        check_setting_variables(params, environ)
        # The url first: one that holds user-info is refused as such, not as a missing credential.
        normalize_base_url(params.get('url'))
        credentials = resolve_credentials(params, environ)
        warnings.extend(connection_warnings(params, credentials))
        client = client_from_params(params, credentials, warnings.append)
        result = logic(client, params, RunContext(check_mode, warnings.append, wait))
    except NodeumError as error:
        result = failure(error)
    finally:
        if client is not None:
            client.close()
    if not diff_mode:
        result.pop('diff', None)
    if 'msg' in result:
        result['msg'] = visible(result['msg'])
    return result, [visible(warning) for warning in warnings]


def failure(error):
    """The failed result of a NodeumError: its sentence, and the facts of the API call when one failed."""
    result = dict(failed=True, changed=False, msg=visible(error.message))
    if error.method is not None:
        result['api_error'] = dict(
            status=error.status,
            method=error.method,
            path=visible(error.path),
            messages=[visible(message) for message in error.messages],
            details=visible_data(dict(error.details)),
        )
    return result


def mask(module, secrets):
    """Have Ansible mask secrets wherever the run's result is shown: registered as secrets from ansible-core 2.22
    on (the no_log options AnsibleModule parsed are registered by core itself), else as the module's no_log values."""
    if register_secrets is None:
        module.no_log_values.update(secrets)
    else:
        register_secrets(secrets)


def run(module, logic):
    """The whole main() of a module once AnsibleModule has parsed the arguments."""
    # Credentials read from NODEUM_*, and a password in the url, are not no_log options, so core cannot know to mask
    # them.
    mask(module, secrets_to_mask(module.params, os.environ))
    if not HAS_REQUESTS:
        from ansible.module_utils.basic import missing_required_lib
        module.fail_json(msg=missing_required_lib('requests'), changed=False)
    # module._diff is how AnsibleModule exposes diff mode; modules of ansible-core read it the same way.
    result, warnings = execute(logic, module.params, os.environ, check_mode=module.check_mode, diff_mode=module._diff)
    for warning in warnings:
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
