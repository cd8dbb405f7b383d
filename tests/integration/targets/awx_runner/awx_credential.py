"""Do what AWX does with a credential of the docs' "Nodeum API" credential type.

    python awx_credential.py COLLECTION_ROOT PRIVATE_DATA_DIR INPUTS_JSON

Reads docs/awx/credential_type_inputs.yml and credential_type_injectors.yml, checks that
docs/awx/credential_type.json says the same, renders the injectors with the given inputs the way
AWX does (a sandboxed Jinja environment; inputs left out render empty, booleans left out are false;
the file template is written to a file whose path is tower.filename) and writes the environment
to PRIVATE_DATA_DIR/env/envvars, where ansible-runner reads it.
"""

import json
import os
import sys

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment


def load_credential_type(root):
    awx = os.path.join(root, 'docs', 'awx')
    with open(os.path.join(awx, 'credential_type_inputs.yml'), encoding='utf-8') as stream:
        inputs = yaml.safe_load(stream)
    with open(os.path.join(awx, 'credential_type_injectors.yml'), encoding='utf-8') as stream:
        injectors = yaml.safe_load(stream)
    with open(os.path.join(awx, 'credential_type.json'), encoding='utf-8') as stream:
        api_body = json.load(stream)
    if api_body.get('inputs') != inputs or api_body.get('injectors') != injectors or api_body.get('kind') != 'cloud':
        raise SystemExit('awx_credential: docs/awx/credential_type.json differs from the YAML inputs and injectors.')
    return inputs, injectors


def check_secrets(inputs):
    secret = {field['id'] for field in inputs['fields'] if field.get('secret')}
    if not {'password', 'api_key', 'token'} <= secret:
        raise SystemExit('awx_credential: password, api_key and token must be secret fields, got %s.' % sorted(secret))


def namespace_for(inputs, values, private_data_dir, injectors):
    namespace = dict(values)
    for field in inputs['fields']:
        if field['type'] == 'boolean' and field['id'] not in values:
            namespace[field['id']] = False
    unknown = set(values) - {field['id'] for field in inputs['fields']}
    if unknown:
        raise SystemExit('awx_credential: inputs %s are not fields of the credential type.' % sorted(unknown))
    environment = ImmutableSandboxedEnvironment()
    if 'template' in injectors.get('file', {}):
        path = os.path.join(private_data_dir, 'env', 'nodeum_credential_file')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(environment.from_string(injectors['file']['template']).render(**namespace))
        namespace['tower'] = {'filename': path}
    return environment, namespace


def main(root, private_data_dir, inputs_json):
    inputs, injectors = load_credential_type(root)
    check_secrets(inputs)
    os.makedirs(os.path.join(private_data_dir, 'env'), exist_ok=True)
    environment, namespace = namespace_for(inputs, json.loads(inputs_json), private_data_dir, injectors)
    envvars = dict((name, environment.from_string(template).render(**namespace))
                   for name, template in injectors['env'].items())
    if not all(name.startswith('NODEUM_') for name in envvars):
        raise SystemExit('awx_credential: the injectors set variables other than NODEUM_*: %s' % sorted(envvars))
    with open(os.path.join(private_data_dir, 'env', 'envvars'), 'w', encoding='utf-8') as stream:
        yaml.safe_dump(envvars, stream)
    print('awx_credential: env/envvars sets %s' % ', '.join(sorted(envvars)))


if __name__ == '__main__':
    main(*sys.argv[1:4])
