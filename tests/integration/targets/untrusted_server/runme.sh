#!/usr/bin/env bash
# A server the collection must not trust, and option values it must not use, end to end:
# - every redirect kind (301, 302, 303, 307, 308; GET, POST, PUT, DELETE; https to http; a long
#   Location with user-info; a relative one; none) fails in its sentence, and the other origin's
#   request log stays empty;
# - a url with user-info, a timeout out of range and a ca_path that cannot be used fail before any
#   request;
# - http:// to an HTTPS port says to use https://, and validate_certs false gives one Ansible
#   warning and nothing from urllib3 on standard error; a certificate that expired, or that names
#   another host, says so (not to set ca_path).
# - a server that quotes the credential it was sent (from NODEUM_API_KEY) in its error answer.
# No secret of these runs shows in their output, even at -vvv.
set -euo pipefail
source ../setup_emulator/emulator.sh

work="$(mktemp -d)"
servers_pid=""
cleanup() {
    if [ -n "${servers_pid}" ]; then
        kill "${servers_pid}" 2>/dev/null || true
        wait "${servers_pid}" 2>/dev/null || true
    fi
    rm -rf "${work}"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "${work}/key.pem" -out "${work}/cert.pem" 2>/dev/null
start_emulator --tls-cert "${work}/cert.pem" --tls-key "${work}/key.pem"
TLS_EMULATOR_URL="${EMULATOR_URL}"
"${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" expired_certificate.py "${work}/expired.pem" "${work}/expired-key.pem"
start_emulator --tls-cert "${work}/expired.pem" --tls-key "${work}/expired-key.pem"
EXPIRED_EMULATOR_URL="${EMULATOR_URL}"
"${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" servers.py --work "${work}" --tls-cert "${work}/cert.pem" --tls-key "${work}/key.pem" \
    --lifetime "${EMULATOR_LIFETIME}" > "${work}/ports.json" &
servers_pid=$!
for _try in $(seq 1 100); do
    [ -s "${work}/ports.json" ] && break
    kill -0 "${servers_pid}" 2>/dev/null || { echo "untrusted_server: the servers did not start" >&2; exit 1; }
    sleep 0.1
done
touch "${work}/other.log" "${work}/redirector.log" "${work}/echo.log"

export NODEUM_USERNAME=admin NODEUM_PASSWORD=untrusted-server-password
unset NODEUM_URL NODEUM_API_KEY NODEUM_TOKEN
# Each playbook's whole output, at -vvv, must hold none of these.
secrets=(untrusted-server-password echoed-environment-key leak-user leak-pass pa/ss-secret token-secret-user colon-secret port-secret nodeum-demo-password)

run() {
    local name="$1"; shift
    if ! ansible-playbook "$@" -vvv -e "work=${work}" -e "@${work}/ports.json" -e "tls_emulator_url=${TLS_EMULATOR_URL}" \
            -e "expired_emulator_url=${EXPIRED_EMULATOR_URL}" \
            > "${work}/${name}.log" 2>&1; then
        cat "${work}/${name}.log"
        echo "untrusted_server: ${name} failed" >&2
        exit 1
    fi
    grep -E 'ok=[0-9]+' "${work}/${name}.log"
    for secret in "${secrets[@]}"; do
        if grep -q -F -- "${secret}" "${work}/${name}.log"; then
            echo "untrusted_server: ${name} shows a secret (${secret}) in its output, in these lines:" >&2
            grep -n -F -- "${secret}" "${work}/${name}.log" | cut -c1-300 | head -n 5 >&2
            exit 1
        fi
    done
}

echo "== redirects: none is followed"
run redirects redirects.yml "$@"
echo "== option values that cannot be used: refused before any request"
run options options.yml "$@"
echo "== messages that point at the fix"
export NODEUM_PASSWORD=nodeum-demo-password
run messages messages.yml "$@"
for stray in InsecureRequestWarning 'errantly sent data'; do
    if grep -q -F -- "${stray}" "${work}/messages.log"; then
        echo "untrusted_server: urllib3's warning reached the output (${stray})" >&2
        exit 1
    fi
done
echo "== a server that quotes the credential from the environment: masked in the output"
unset NODEUM_USERNAME NODEUM_PASSWORD
export NODEUM_API_KEY=echoed-environment-key
run echo echo.yml "$@"
