"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test bootstraps pip into each sanity/units virtual environment with a get-pip.py
script it downloads from the internet, unless it finds one in its cache
(~/.ansible/test/cache/get_pip_<version>.py). noxfile.py copies this file there.

It installs pip from the interpreter's own ensurepip, then runs pip install with the
arguments ansible-test gave get-pip.py (for example pip==24.2). ensurepip runs in a
subprocess: run in-process it hides the system-wide pip configuration (index, CA bundle),
and the second pip install then fails on this kind of machine.
"""

import subprocess
import sys

# Options of get-pip.py itself that pip install does not know.
GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def main():
    """Install pip with ensurepip, then install the requested packages with it."""
    pip_args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.run([sys.executable, '-m', 'ensurepip', '--default-pip'], check=True, stdout=subprocess.DEVNULL)
    result = subprocess.run([sys.executable, '-m', 'pip', 'install', *pip_args], check=False)
    sys.exit(result.returncode)


if __name__ == '__main__':
    main()
