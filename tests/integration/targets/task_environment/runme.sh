#!/usr/bin/env bash
# The emulator over TLS with a certificate no system store trusts: a task whose environment names it
# in REQUESTS_CA_BUNDLE succeeds, the same task without it fails in the TLS sentence.
set -euo pipefail
source ../setup_emulator/emulator.sh

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "${work}/key.pem" -out "${work}/cert.pem" > /dev/null 2>&1
start_emulator --tls-cert "${work}/cert.pem" --tls-key "${work}/key.pem"
use_demo_admin
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
ansible-playbook playbook.yml -e "ca_bundle=${work}/cert.pem" "$@"
