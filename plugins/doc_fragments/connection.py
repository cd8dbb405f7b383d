# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment:
    # The connection options of every module; plugins/module_utils/connection_options.py declares the same table.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Root URL of the Nodeum server, for example V(https://nodeum.example.com).
      - The API path C(/api/v2) is appended unless the URL already ends with it.
      - If not set, the value of the E(NODEUM_URL) environment variable is used. One of the two is required.
      - An C(http://) URL works but sends the credentials in clear text, and the module warns about it.
      - A URL with user-info (C(user:password@)) is refused; give O(username) and O(password), O(api_key) or O(token).
      - Redirects are not followed. A C(3xx) answer fails the task and names where it pointed, so that nothing is sent
        to another address; set the URL to the server's address instead.
    type: str
  username:
    description:
      - User name for HTTP Basic authentication. Basic authentication has full access.
      - Give O(password) with it.
      - Exactly one kind of credential is allowed, O(username) and O(password), O(api_key), or O(token).
      - If not set, the value of the E(NODEUM_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(NODEUM_PASSWORD) environment variable is used.
    type: str
  api_key:
    description:
      - An API key of a Nodeum user. It is sent as it is in the C(Authorization) header, as the official
        client sends it; set O(api_key_prefix=Bearer) to send C(Bearer <key>) instead.
      - A key carries scopes such as C(task_callbacks/index); each operation needs its scope, see the
        module's notes.
      - If not set, the value of the E(NODEUM_API_KEY) environment variable is used.
    type: str
  api_key_prefix:
    description:
      - A word sent before O(api_key) in the C(Authorization) header, for example V(Bearer).
      - If not set, the value of the E(NODEUM_API_KEY_PREFIX) environment variable is used.
    type: str
  token:
    description:
      - "A JSON Web Token, sent as C(Authorization: Bearer <token>). The collection does not log in to
        obtain one; give a ready token."
      - If not set, the value of the E(NODEUM_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Set to V(false) only for a lab server; prefer
        O(ca_path) for a certificate signed by a private CA. The module warns when it is V(false).
      - If not set, the value of the E(NODEUM_VALIDATE_CERTS) environment variable is used; if neither is set, V(true).
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates used to verify the server's certificate, on the host
        that runs the module.
      - If not set, the value of the E(NODEUM_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer, above 0 and at most V(3600).
      - If not set, the value of the E(NODEUM_TIMEOUT) environment variable is used; if neither is set, V(30).
    type: float
    default: 30
notes:
  - Each connection option that the task does not set, directly or through C(module_defaults), is read from its
    E(NODEUM_*) environment variable; the credentials are taken as a group, so that a task's own credential always wins
    over one that AWX injects. A request that could not connect or lost its answer is sent again, a create never
    blindly. The user guide (see below) says how.
seealso:
  - name: Connecting and authenticating
    description: The connection options and their environment variables, the credentials as a group, and
      C(module_defaults).
    link:
      https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#connecting-and-authenticating
  - name: Retries and timeouts
    description: Which requests are sent again, how many times, and how long the modules wait.
    link: https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#retries-and-timeouts
requirements:
  - python >= 3.8
  - requests >= 2.25.0
'''

    ATTRIBUTES = r'''
attributes:
  action_group:
    description: Use C(group/nodeum.data_archiving.nodeum) in C(module_defaults) to set the connection options
      of every module of the collection once.
    support: full
    membership:
      - nodeum.data_archiving.nodeum
'''
