"""Bad input, literal task names, a byte-exact round trip of a large script, and TLS, end to end.

One playbook holds every scenario as an inventory host:
- bad input: each host fails before any request (the emulator they share logs none);
- literal names: task names that hold '/', '%', '?', '#', spaces, non-ASCII text or start with
  an operator ('>', '!=', '~', '><'); a decoy task makes a lookup that read the operator find
  the wrong task or several; the emulator must see a literal lookup (name==<name>);
- round trip: a 1 MiB script with CRLF line endings, trailing spaces, tabs and non-ASCII text
  comes back byte-exact, and a second run reports no change;
- TLS: an emulator serving HTTPS with a certificate from a CA made here.
"""

import datetime
import ipaddress
import ssl
from urllib.parse import parse_qs

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness import SECRETS, EmulatorFleet, assert_one_sentence, credentials, fixtures, run_playbook

SCRIPT = 'function filter(request) {\n  return true;\n}\n'
MIB = 1024 * 1024

# host: (module, arguments, expected start of the failure message or None for Ansible's own check)
BAD_INPUT = {
    'empty_script': ('task_callback', {'task': '1', 'script': ''}, 'script is empty or only white space'),
    'blank_script': ('task_callback', {'task': '1', 'script': ' \r\n\t '}, 'script is empty or only white space'),
    'empty_task': ('task_callback', {'task': '', 'script': SCRIPT}, 'task is empty'),
    'blank_task': ('task_callback_info', {'task': '   '}, 'task is empty'),
    'zero_timeout': (
        'task_callback',
        {'task': '1', 'script': SCRIPT, 'timeout': 0},
        'timeout must be a number of seconds above 0',
    ),
    'negative_callback_id': (
        'task_callback',
        {'task': '1', 'script': SCRIPT, 'callback_id': -3},
        'callback_id must be a positive number',
    ),
    'ftp_url': (
        'task_callback_info',
        {'task': '1', 'url': 'ftp://127.0.0.1/'},
        "The Nodeum url 'ftp://127.0.0.1/' is not an http",
    ),
    'unclosed_ipv6_url': (
        'task_callback_info',
        {'task': '1', 'url': 'http://[::1:9/'},
        "The Nodeum url 'http://[::1:9/' is not an http",
    ),
    'url_with_credentials': (
        'task_callback_info',
        {'task': '1', 'url': 'http://{{ rel_username }}:{{ rel_password ' '}}@127.0.0.1:9/'},
        'The Nodeum url holds credentials',
    ),
    'password_with_line_break': (
        'task_callback_info',
        {'task': '1', 'username': 'x', 'password': 'abc\ndef'},
        'password holds a line break',
    ),
    'bad_sort_by': ('task_callback_info', {'task': '1', 'sort_by': ['name']}, "sort_by entry 'name' is not one of"),
    'zero_limit': ('task_callback_info', {'task': '1', 'limit': 0}, 'limit must be 1 or more'),
    'negative_offset': ('task_callback_info', {'task': '1', 'offset': -1}, 'offset must be 0 or more'),
    'unknown_type': ('task_callback', {'task': '1', 'script': SCRIPT, 'type': 'bogus'}, None),
    'callback_id_not_a_number': ('task_callback', {'task': '1', 'script': SCRIPT, 'callback_id': 'twelve'}, None),
    'timeout_not_a_number': ('task_callback_info', {'task': '1', 'timeout': 'soon'}, None),
    'present_without_script': ('task_callback', {'task': '1'}, None),
    'username_without_password': ('task_callback_info', {'task': '1', 'username': 'x', 'password': None}, None),
    'two_credentials': (
        'task_callback_info',
        {'task': '1', 'api_key': '{{ rel_api_key }}', 'token': '{{ rel_token }}'},
        None,
    ),
    'callback_id_and_id': ('task_callback_info', {'task': '1', 'callback_id': 5, 'id': '=5'}, None),
}

# Tasks whose names a lookup must take literally; each holds one callback. Decoys follow.
LITERAL_NAMES = [
    '> big files', '!=legacy', 'a/b c?d#e%f', '~pattern%', '><1|2', 'Archivé ☃ 東京', '=exact', ' padded ',
]
DECOYS = ['big files', 'legacy', 'pattern', '1', '2', 'exact', 'padded', 'zzz']


def literal_tasks():
    tasks = [{'id': 200 + number, 'name': name} for number, name in enumerate(LITERAL_NAMES)]
    tasks += [{'id': 300 + number, 'name': name} for number, name in enumerate(DECOYS)]
    callbacks = [{'id': 2000 + number, 'task_id': 200 + number, 'type': 'filter', 'script': SCRIPT}
                 for number in range(len(LITERAL_NAMES))]
    return tasks, callbacks


def large_script():
    """1 MiB (UTF-8) of script with CRLF, trailing spaces, tabs and non-ASCII text, and no Jinja delimiters."""
    lines = ['// filter kept byte for byte: CRLF\r\n', 'function filter(request) {\r\n']
    size = sum(len(line.encode('utf-8')) for line in lines)
    number = 0
    while size < MIB - 200:
        pair = '\tif (request.copy.info.path === "fichier-%06d-été-日本語.txt")  \t \r\n\t\treturn false;   \n' % number
        lines.append(pair)
        size += len(pair.encode('utf-8'))
        number += 1
    lines.append('  return true;\t\r\n}')
    text = ''.join(lines)
    padding = MIB - len(text.encode('utf-8'))
    return text + ' ' * padding


def make_tls_files(directory):
    """A CA and a server certificate for 127.0.0.1 signed by it; returns (ca_path, cert, key)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'Reliability test CA')])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1')), x509.DNSName('localhost')]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = directory / 'ca.pem', directory / 'server.pem', directory / 'server-key.pem'
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    return ca_path, cert_path, key_path


_BATCHES = {}  # the batch's one playbook run; xdist_group keeps its tests on one worker (--dist loadgroup)


def batch(tmp_path_factory):
    if _BATCHES:
        return _BATCHES['batch']
    work = tmp_path_factory.mktemp('inputs')
    ca_path, cert, key = make_tls_files(work)
    context = ssl.create_default_context(cafile=str(ca_path))
    script = large_script()
    with EmulatorFleet(work) as fleet:
        bad, names, roundtrip, tls = fleet.start([
            {'fixtures': fixtures([{'id': 1, 'name': 'Alpha'}], [])},
            {'fixtures': fixtures(*literal_tasks())},
            {'fixtures': fixtures([{'id': 1, 'name': 'Alpha'}], [])},
            {'fixtures': fixtures([{'id': 1, 'name': 'Alpha'}], []), 'tls': (cert, key, context)},
        ])
        hosts = {}
        for number, (host, (module, args, _message)) in enumerate(BAD_INPUT.items()):
            own_credential = any(name in args for name in ('username', 'password', 'api_key', 'token'))
            full = dict({} if own_credential else credentials(number), url=bad.url)
            full.update(args)
            hosts['bad_' + host] = [dict(module=module, args=dict((name, value)
                                         for name, value in full.items() if value is not None))]
        for number, name in enumerate(LITERAL_NAMES):
            hosts['name_%d' % number] = [dict(module='task_callback_info', args=dict(
                credentials(number), url=names.url, task=name))]
        hosts['name_write'] = [
            dict(
                module='task_callback',
                args=dict(
                    credentials(1),
                    url=names.url,
                    task=LITERAL_NAMES[2],
                    script=SCRIPT +
                    '// new\n'))]
        big = dict(credentials(2), url=roundtrip.url, task='Alpha', script=script)
        hosts['roundtrip'] = [dict(module='task_callback', args=big), dict(module='task_callback', args=big)]
        present = dict(task='1', script=SCRIPT)
        hosts['tls_default'] = [dict(module='task_callback', args=dict(present, url=tls.url, **credentials(0)))]
        hosts['tls_ca_path'] = [
            dict(
                module='task_callback',
                args=dict(
                    present,
                    url=tls.url,
                    ca_path=str(ca_path),
                    **credentials(1)))]
        hosts['tls_env_ca_path'] = [
            dict(
                module='task_callback',
                args=dict(
                    present,
                    url=tls.url,
                    **credentials(2)),
                env={
                    'NODEUM_CA_PATH': str(ca_path)})]
        hosts['tls_no_validation'] = [
            dict(
                module='task_callback_info',
                args=dict(
                    task='1',
                    url=tls.url,
                    validate_certs=False,
                    **credentials(3)))]
        run = run_playbook(work / 'run', hosts, forks=len(hosts))
        snapshots = dict(bad=bad.snapshot(), names=names.snapshot(), roundtrip=roundtrip.snapshot(), tls=tls.snapshot())
        result = _BATCHES['batch'] = dict(run=run, snapshots=snapshots, script=script, tls_url=tls.api_url)
    return result


@pytest.mark.xdist_group('inputs')
def test_input_runs_show_no_traceback_and_no_secret(tmp_path_factory, figures):
    run = batch(tmp_path_factory)['run']
    figures.record_run(run)
    assert run.records, run.stderr[-3000:]
    # The password in a URL is refused, and (a password like any other) never shown.
    assert SECRETS['password'] not in run.stdout


@pytest.mark.xdist_group('inputs')
@pytest.mark.parametrize('host', list(BAD_INPUT))
def test_bad_input_fails_before_any_request(host, tmp_path_factory, figures):
    data = batch(tmp_path_factory)
    figures.add(scenarios=1)
    record = data['run'].step('bad_' + host, 0)
    assert record is not None and record['status'] == 'failed', record
    message = record['result']['msg']
    expected = BAD_INPUT[host][2]
    if expected is not None:
        assert_one_sentence(message)
        assert message.startswith(expected) or expected in message, message
    else:
        assert isinstance(message, str) and message and '\n' not in message.strip(), message
    assert data['snapshots']['bad']['requests'] == [
    ], 'invalid input sent requests: %s' % data['snapshots']['bad']['requests']
    figures.add(converged=1)


@pytest.mark.xdist_group('inputs')
def test_task_names_are_looked_up_literally(tmp_path_factory, figures):
    data = batch(tmp_path_factory)
    run, snapshot = data['run'], data['snapshots']['names']
    figures.add(scenarios=len(LITERAL_NAMES) + 1)
    for number, name in enumerate(LITERAL_NAMES):
        record = run.step('name_%d' % number, 0)
        assert record['status'] == 'ok', (name, record['result'].get('msg'))
        assert [item['task_id'] for item in record['result']['task_callbacks']] == [200 + number], name
    write = run.step('name_write', 0)
    assert write['status'] == 'ok' and write['result']['changed'] is True, write['result'].get('msg')
    assert write['result']['task_callback']['task_id'] == 202
    lookups = [parse_qs(entry['query'], keep_blank_values=True)['name']
               for entry in snapshot['requests'] if entry['path'] == '/api/v2/tasks']
    assert sorted(value[0] for value in lookups) == sorted(
        ['=' + name for name in LITERAL_NAMES] + ['=' + LITERAL_NAMES[2]])
    callbacks = snapshot['state']['task_callbacks']
    assert len(callbacks) == len(LITERAL_NAMES) and [
        item['script'] for item in callbacks if item['task_id'] == 202
    ] == [SCRIPT + '// ' 'new\n']
    figures.add(converged=len(LITERAL_NAMES) + 1)


@pytest.mark.xdist_group('inputs')
def test_large_script_round_trip_is_byte_exact(tmp_path_factory, figures):
    data = batch(tmp_path_factory)
    run, snapshot, script = data['run'], data['snapshots']['roundtrip'], data['script']
    figures.add(scenarios=1)
    assert len(script.encode('utf-8')) == MIB and '\r\n' in script and '\t' in script and '  \t \r\n' in script
    first, second = run.step('roundtrip', 0), run.step('roundtrip', 1)
    assert first['status'] == 'ok' and first['result']['changed'] is True, first['result'].get('msg')
    assert second['status'] == 'ok' and second['result']['changed'] is False, second['result'].get('msg')
    stored = snapshot['state']['task_callbacks']
    assert len(stored) == 1 and stored[0]['script'].encode('utf-8') == script.encode('utf-8')
    assert second['result']['task_callback']['script'] == script
    assert [entry['method'] for entry in snapshot['requests'] if entry['method'] != 'GET'] == ['POST']
    figures.add(converged=1)


@pytest.mark.xdist_group('inputs')
def test_tls(tmp_path_factory, figures):
    data = batch(tmp_path_factory)
    run = data['run']
    figures.add(scenarios=4)
    refused = run.step('tls_default', 0)
    assert refused['status'] == 'failed'
    message = refused['result']['msg']
    assert_one_sentence(message)
    assert 'TLS certificate verification failed for GET %s/tasks/1/task_callbacks' % data['tls_url'] in message, message
    assert 'set ca_path' in message, message
    for host in ('tls_ca_path', 'tls_env_ca_path'):
        record = run.step(host, 0)
        assert record['status'] == 'ok', (host, record['result'].get('msg'))
    unchecked = run.step('tls_no_validation', 0)
    assert unchecked['status'] == 'ok', unchecked['result'].get('msg')
    assert any(
        'validate_certs is false' in warning for warning in unchecked['result'].get(
            'warnings', [])), unchecked['result']
    callbacks = data['snapshots']['tls']['state']['task_callbacks']
    assert len(callbacks) == 1 and callbacks[0]['script'] == SCRIPT, callbacks
    figures.add(converged=4)
