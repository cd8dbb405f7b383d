"""Offline stand-in for get-pip.py, which ansible-test downloads to bootstrap pip into each sanity venv.

noxfile.py writes it into ansible-test's cache (~/.ansible/test/cache/get_pip_<version>.py) with UV
set to the uv of the nox runner. It installs what ansible-test asks for (pip==<version>) with uv,
from uv's cache after the first venv: a fraction of a second, where ensurepip and pip took six.
"""

import subprocess
import sys

UV = 'uv'  # noxfile.py writes the full path of uv here
# Options of get-pip.py and pip that uv does not know. --system-certs: ansible-test runs this
# script without SSL_CERT_FILE, and uv then trusts only its own roots.
PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel', '--disable-pip-version-check'))

if __name__ == '__main__':
    packages = [arg for arg in sys.argv[1:] if arg not in PIP_ONLY_OPTIONS]
    sys.exit(subprocess.run([UV, 'pip', 'install', '--quiet', '--system-certs',
             '--python', sys.executable, *packages], check=False).returncode)
